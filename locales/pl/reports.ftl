# Raporty o incydentach qmvc: polski.

## Tematy

subject-guard-antivirus = { $verdict ->
    [unchecked] [qmvc] Niesprawdzona zawartość w wiadomości do { $recipient }
   *[other] [qmvc] Wirus { $viruses } w wiadomości do { $recipient }
}
subject-guard-badmail = { $verdict ->
    [errormail] [qmvc] Uszkodzona wiadomość do { $recipient }
   *[other] [qmvc] Zablokowana wiadomość do { $recipient }
}
subject-recipient = Powiadomienie o bezpieczeństwie dotyczące wiadomości do Ciebie
subject-sender = Powiadomienie o bezpieczeństwie dotyczące Twojej wiadomości do { $recipient }
subject-bomber = [qmvc] Wstrzymano raporty o { $sender }

## Etykiety

label-incident = Incydent
label-date = Data
label-profile = Profil bezpieczeństwa
label-sender = Nadawca
label-recipient = Odbiorca
label-subject = Temat
label-message-date = Wysłano
label-verdict = Ocena
label-action = Podjęte działanie
label-quarantine = Plik w kwarantannie
label-forwarded = Przekazano do
label-findings = Wykryte problemy
label-engines = Skanery antywirusowe
label-attachments = Zablokowane załączniki
label-viruses = Wykryte wirusy
label-reference = Numer referencyjny
label-part = część
label-none = brak

## Oceny, działania, warunki, odpowiedzi skanerów

verdict-virus = wirus
verdict-badmail = zablokowana treść
verdict-unchecked = zawartość, której nie udało się sprawdzić
verdict-errormail = uszkodzona wiadomość
verdict-clean = czysta
action-pass = dostarczono
action-quarantine = zatrzymano w kwarantannie
action-forward = przekazano do sprawdzenia
action-bounce = odesłano do nadawcy
action-drop = usunięto
action-defer = odłożono doręczenie
condition-subject = Reguła dla tematu
condition-body = Reguła dla treści wiadomości
condition-filename = Nazwa załącznika
condition-mimetype = Typ załącznika
condition-macro = Dokument Office z makrami
condition-nullsender = Pusty adres nadawcy
condition-errormail = Uszkodzona wiadomość
condition-unchecked = Nie można sprawdzić
condition-virus = Wirus
condition-bomber = Zbyt wiele incydentów od tego nadawcy
engine-clean = czysta
engine-virus = wykryto wirusa
engine-error = błąd
engine-skipped = nie uruchomiono

## Raporty dla opiekunów

guard-antivirus-intro = { $verdict ->
    [unchecked] Części wiadomości nie udało się sprawdzić (osiągnięto limit, archiwum jest zaszyfrowane lub skaner ją odrzucił), dlatego jest traktowana jako niebezpieczna. Poniżej opisano, co wykryto i co zrobiono.
   *[other] Skaner antywirusowy wykrył wirusa w wiadomości. Poniżej opisano, co wykryto i co zrobiono.
}
guard-badmail-intro = Wiadomość spełniła warunki swojego profilu bezpieczeństwa. Poniżej opisano, co wykryto i co zrobiono.
guard-release = Aby zwolnić wiadomość z kwarantanny, uruchom: qmvc quarantine release { $quarantine }

## Raporty dla odbiorcy i nadawcy

greeting = Dzień dobry,
recipient-intro = { $action ->
    [pass] Wiadomość zaadresowana do Ciebie została dostarczona, ale nasza kontrola wykryła w niej problem. Zachowaj ostrożność.
    [quarantine] Wiadomość zaadresowana do Ciebie nie trafiła do Twojej skrzynki. Jest przechowywana w kwarantannie.
    [forward] Wiadomość zaadresowana do Ciebie nie trafiła do Twojej skrzynki. Przekazano ją administratorom do sprawdzenia.
    [bounce] Wiadomość zaadresowana do Ciebie została odrzucona i odesłana do nadawcy.
   *[other] Wiadomość zaadresowana do Ciebie nie została dostarczona i została usunięta.
}
sender-intro = { $action ->
    [pass] Twoja wiadomość do { $recipient } została dostarczona, ale nasza kontrola wykryła w niej problem.
   *[other] Nie udało się dostarczyć Twojej wiadomości do { $recipient }.
}
reason-virus = Powód: zawiera wirusa.
reason-badmail = Powód: zawiera treść, która nie jest tu przyjmowana, na przykład zablokowany typ załącznika.
reason-unchecked = Powód: części wiadomości, na przykład zaszyfrowanego lub bardzo dużego załącznika, nie udało się sprawdzić pod kątem wirusów.
reason-errormail = Powód: jest nieprawidłowo zbudowana i nie dało się jej poprawnie sprawdzić.
details-heading = Dane wiadomości:
recipient-quarantine = Jeśli spodziewasz się tej wiadomości, skontaktuj się z administratorem poczty i podaj powyższy numer referencyjny.
sender-advice-virus = Zanim wyślesz wiadomość ponownie, sprawdź swój komputer aktualnym programem antywirusowym.
sender-advice-badmail = Jeśli Twoja wiadomość była prawidłowa, wyślij plik w inny sposób, na przykład jako link do serwisu udostępniania plików, albo zapytaj odbiorcę, jakie formaty są przyjmowane.
sender-advice-unchecked = Jeśli wiadomość była prawidłowa, wyślij plik ponownie bez hasła, a jeśli jest duży – jako link do usługi udostępniania plików.
sender-advice-errormail = Sprawdź program, którego używasz do wysyłania poczty, a następnie wyślij wiadomość ponownie.
closing = Ta wiadomość została wygenerowana automatycznie. Prosimy na nią nie odpowiadać.

## Ostrzeżenie o zmasowanej wysyłce dla opiekunów

bomber-intro = Jeden nadawca spowodował więcej incydentów, niż pozwala profil bezpieczeństwa. Do końca okresu liczenia nie będą wysyłane kolejne raporty o tym nadawcy.
bomber-count = Incydenty w tym okresie
bomber-since = Liczone od
bomber-threshold = Limit
bomber-last = Ostatni incydent
bomber-advice = Sprawdź, czy komputer nadawcy jest zainfekowany lub czy jego adres jest podrabiany, i rozważ jego zablokowanie.
