# Rapporti sugli incidenti di qmvc: italiano.

## Oggetti

subject-guard-antivirus = { $verdict ->
    [unchecked] [qmvc] Contenuto non verificato in un messaggio per { $recipient }
   *[other] [qmvc] Virus { $viruses } in un messaggio per { $recipient }
}
subject-guard-badmail = { $verdict ->
    [errormail] [qmvc] Messaggio malformato per { $recipient }
   *[other] [qmvc] Messaggio bloccato per { $recipient }
}
subject-recipient = Avviso di sicurezza su un messaggio a lei indirizzato
subject-sender = Avviso di sicurezza sul suo messaggio a { $recipient }
subject-bomber = [qmvc] Rapporti su { $sender } sospesi

## Etichette

label-incident = Incidente
label-date = Data
label-profile = Profilo di sicurezza
label-sender = Mittente
label-recipient = Destinatario
label-subject = Oggetto
label-message-date = Inviato il
label-verdict = Esito
label-action = Provvedimento
label-quarantine = File in quarantena
label-forwarded = Inoltrato a
label-findings = Riscontri
label-engines = Motori antivirus
label-attachments = Allegati bloccati
label-viruses = Virus trovati
label-reference = Riferimento
label-part = parte
label-none = nessuno

## Esiti, provvedimenti, condizioni, risposte dei motori

verdict-virus = virus
verdict-badmail = contenuto bloccato
verdict-unchecked = contenuto non verificabile
verdict-errormail = messaggio malformato
verdict-clean = pulito
action-pass = consegnato
action-quarantine = trattenuto in quarantena
action-forward = inoltrato per un controllo
action-bounce = restituito al mittente
action-drop = eliminato
action-defer = consegna rinviata
condition-subject = Regola sull'oggetto
condition-body = Regola sul testo del messaggio
condition-filename = Nome dell'allegato
condition-mimetype = Tipo dell'allegato
condition-macro = Documento Office con macro
condition-nullsender = Indirizzo del mittente vuoto
condition-errormail = Messaggio malformato
condition-unchecked = Non verificabile
condition-virus = Virus
condition-bomber = Troppi incidenti da questo mittente
engine-clean = pulito
engine-virus = virus trovato
engine-error = errore
engine-skipped = non eseguito

## Rapporti ai responsabili

guard-antivirus-intro = { $verdict ->
    [unchecked] Una parte di un messaggio non ha potuto essere esaminata (è stato raggiunto un limite, un archivio è cifrato o un motore l'ha rifiutata), perciò è trattata come non sicura. Ecco che cosa è stato trovato e che cosa è stato fatto.
   *[other] Un motore antivirus ha trovato un virus in un messaggio. Ecco che cosa è stato trovato e che cosa è stato fatto.
}
guard-badmail-intro = Un messaggio ha soddisfatto le condizioni del suo profilo di sicurezza. Ecco che cosa è stato trovato e che cosa è stato fatto.
guard-release = Per liberare il messaggio dalla quarantena, eseguire: qmvc quarantine release { $quarantine }

## Rapporti al destinatario e al mittente

greeting = Gentile utente,
recipient-intro = { $action ->
    [pass] Un messaggio a lei indirizzato è stato consegnato, ma i nostri controlli hanno rilevato un problema. La preghiamo di trattarlo con cautela.
    [quarantine] Un messaggio a lei indirizzato non è stato consegnato nella sua casella. Viene conservato in quarantena.
    [forward] Un messaggio a lei indirizzato non è stato consegnato nella sua casella. È stato inoltrato agli amministratori per un controllo.
    [bounce] Un messaggio a lei indirizzato è stato rifiutato e restituito al mittente.
   *[other] Un messaggio a lei indirizzato non è stato consegnato ed è stato eliminato.
}
sender-intro = { $action ->
    [pass] Il suo messaggio a { $recipient } è stato consegnato, ma i nostri controlli hanno rilevato un problema.
   *[other] Non è stato possibile consegnare il suo messaggio a { $recipient }.
}
reason-virus = Il motivo: contiene un virus.
reason-badmail = Il motivo: contiene materiale non accettato qui, ad esempio un tipo di allegato bloccato.
reason-unchecked = Il motivo: una parte, ad esempio un allegato cifrato o molto grande, non ha potuto essere controllata dall'antivirus.
reason-errormail = Il motivo: è malformato e non è stato possibile controllarlo correttamente.
details-heading = Dati del messaggio:
recipient-quarantine = Se aspettava questo messaggio, contatti l'amministratore della posta e indichi il riferimento qui sopra.
sender-advice-virus = Controlli il suo computer con un antivirus aggiornato prima di inviare di nuovo il messaggio.
sender-advice-badmail = Se il suo messaggio era legittimo, invii il file in un altro modo, ad esempio come link a un servizio di condivisione di file, oppure chieda al destinatario quali formati sono accettati.
sender-advice-unchecked = Se il messaggio era legittimo, invii di nuovo il file senza password e, se è grande, come link a un servizio di condivisione file.
sender-advice-errormail = Controlli il programma che usa per inviare la posta, poi invii di nuovo il messaggio.
closing = Questo messaggio è stato generato automaticamente. La preghiamo di non rispondere.

## Avviso di bombardamento ai responsabili

bomber-intro = Un mittente ha causato più incidenti di quanti ne consenta il profilo di sicurezza. Fino alla fine del periodo di conteggio non verranno inviati altri rapporti su questo mittente.
bomber-count = Incidenti nel periodo
bomber-since = Conteggio dal
bomber-threshold = Limite
bomber-last = Ultimo incidente
bomber-advice = Verificate se il computer del mittente è infetto o se il suo indirizzo viene falsificato, e valutate se bloccarlo.
