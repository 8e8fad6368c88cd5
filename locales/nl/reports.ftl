# Incidentrapporten van qmvc: Nederlands.

## Onderwerpregels

subject-guard-antivirus = { $verdict ->
    [unchecked] [qmvc] Niet-gecontroleerde inhoud in een bericht aan { $recipient }
   *[other] [qmvc] Virus { $viruses } in een bericht aan { $recipient }
}
subject-guard-badmail = { $verdict ->
    [errormail] [qmvc] Misvormd bericht aan { $recipient }
   *[other] [qmvc] Geblokkeerd bericht aan { $recipient }
}
subject-recipient = Beveiligingsmelding over een bericht aan u
subject-sender = Beveiligingsmelding over uw bericht aan { $recipient }
subject-bomber = [qmvc] Rapporten over { $sender } opgeschort

## Labels

label-incident = Incident
label-date = Datum
label-profile = Beveiligingsprofiel
label-sender = Afzender
label-recipient = Ontvanger
label-subject = Onderwerp
label-message-date = Verzonden op
label-verdict = Oordeel
label-action = Genomen maatregel
label-quarantine = Quarantainebestand
label-forwarded = Doorgestuurd naar
label-findings = Bevindingen
label-engines = Antivirusprogramma's
label-attachments = Geblokkeerde bijlagen
label-viruses = Gevonden virussen
label-reference = Kenmerk
label-part = deel
label-none = geen

## Oordelen, maatregelen, voorwaarden, antwoorden van de scanners

verdict-virus = virus
verdict-badmail = geblokkeerde inhoud
verdict-unchecked = inhoud die niet kon worden gecontroleerd
verdict-errormail = misvormd bericht
verdict-clean = schoon
action-pass = afgeleverd
action-quarantine = in quarantaine bewaard
action-forward = ter controle doorgestuurd
action-bounce = teruggestuurd naar de afzender
action-drop = verwijderd
action-defer = aflevering uitgesteld
condition-subject = Regel voor het onderwerp
condition-body = Regel voor de berichttekst
condition-filename = Naam van de bijlage
condition-mimetype = Soort bijlage
condition-macro = Office-document met macro's
condition-nullsender = Leeg afzenderadres
condition-errormail = Misvormd bericht
condition-unchecked = Niet te controleren
condition-virus = Virus
condition-bomber = Te veel incidenten van deze afzender
engine-clean = schoon
engine-virus = virus gevonden
engine-error = fout
engine-skipped = niet uitgevoerd

## Rapporten aan de beheerders

guard-antivirus-intro = { $verdict ->
    [unchecked] Een deel van een bericht kon niet worden onderzocht (een limiet werd bereikt, een archief is versleuteld of een antivirusprogramma weigerde het); het wordt daarom als onveilig behandeld. Hieronder staat wat er is gevonden en wat er is gedaan.
   *[other] Een antivirusprogramma heeft een virus in een bericht gevonden. Hieronder staat wat er is gevonden en wat er is gedaan.
}
guard-badmail-intro = Een bericht voldeed aan de voorwaarden van zijn beveiligingsprofiel. Hieronder staat wat er is gevonden en wat er is gedaan.
guard-release = Voer dit uit om het bericht uit de quarantaine vrij te geven: qmvc quarantine release { $quarantine }

## Rapporten aan ontvanger en afzender

greeting = Beste,
recipient-intro = { $action ->
    [pass] Een bericht aan u is afgeleverd, maar onze controle heeft er een probleem in gevonden. Wees er voorzichtig mee.
    [quarantine] Een bericht aan u is niet in uw postvak afgeleverd. Het wordt in quarantaine bewaard.
    [forward] Een bericht aan u is niet in uw postvak afgeleverd. Het is ter controle aan de beheerders doorgestuurd.
    [bounce] Een bericht aan u is geweigerd en teruggestuurd naar de afzender.
   *[other] Een bericht aan u is niet afgeleverd en is verwijderd.
}
sender-intro = { $action ->
    [pass] Uw bericht aan { $recipient } is afgeleverd, maar onze controle heeft er een probleem in gevonden.
   *[other] Uw bericht aan { $recipient } kon niet worden afgeleverd.
}
reason-virus = De reden: het bevat een virus.
reason-badmail = De reden: het bevat inhoud die hier niet wordt geaccepteerd, zoals een geblokkeerd soort bijlage.
reason-unchecked = De reden: een deel ervan, zoals een versleutelde of zeer grote bijlage, kon niet op virussen worden gecontroleerd.
reason-errormail = De reden: het is misvormd en kon niet goed worden gecontroleerd.
details-heading = Gegevens van het bericht:
recipient-quarantine = Verwachtte u dit bericht, neem dan contact op met uw mailbeheerder en vermeld het kenmerk hierboven.
sender-advice-virus = Controleer uw computer met een bijgewerkt antivirusprogramma voordat u het bericht opnieuw verstuurt.
sender-advice-badmail = Was uw bericht legitiem, stuur het bestand dan op een andere manier, bijvoorbeeld als link naar een dienst voor het delen van bestanden, of vraag de ontvanger welke formaten worden geaccepteerd.
sender-advice-unchecked = Als uw bericht legitiem was, stuur het bestand dan opnieuw zonder wachtwoord en, als het groot is, als link naar een dienst voor het delen van bestanden.
sender-advice-errormail = Controleer het programma waarmee u e-mail verstuurt en verstuur het bericht daarna opnieuw.
closing = Dit bericht is automatisch aangemaakt. Gelieve er niet op te antwoorden.

## Bombardementswaarschuwing aan de beheerders

bomber-intro = Eén afzender heeft meer incidenten veroorzaakt dan het beveiligingsprofiel toestaat. Tot het einde van de telperiode worden er geen rapporten meer over deze afzender verstuurd.
bomber-count = Incidenten in deze periode
bomber-since = Geteld sinds
bomber-threshold = Grens
bomber-last = Laatste incident
bomber-advice = Controleer of de computer van de afzender besmet is of dat het adres wordt vervalst, en overweeg het te blokkeren.
