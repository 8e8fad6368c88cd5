# qmvc-Vorfallsberichte: Deutsch.

## Betreffzeilen

subject-guard-antivirus = { $verdict ->
    [unchecked] [qmvc] Ungeprüfter Inhalt in einer Nachricht an { $recipient }
   *[other] [qmvc] Virus { $viruses } in einer Nachricht an { $recipient }
}
subject-guard-badmail = { $verdict ->
    [errormail] [qmvc] Fehlerhafte Nachricht an { $recipient }
   *[other] [qmvc] Gesperrte Nachricht an { $recipient }
}
subject-recipient = Sicherheitshinweis zu einer Nachricht an Sie
subject-sender = Sicherheitshinweis zu Ihrer Nachricht an { $recipient }
subject-bomber = [qmvc] Berichte über { $sender } ausgesetzt

## Bezeichnungen

label-incident = Vorfall
label-date = Datum
label-profile = Sicherheitsprofil
label-sender = Absender
label-recipient = Empfänger
label-subject = Betreff
label-message-date = Gesendet am
label-verdict = Befund
label-action = Maßnahme
label-quarantine = Quarantänedatei
label-forwarded = Weitergeleitet an
label-findings = Treffer
label-engines = Virenscanner
label-attachments = Gesperrte Anhänge
label-viruses = Gefundene Viren
label-reference = Referenz
label-part = Teil
label-none = keine

## Befunde, Maßnahmen, Bedingungen, Antworten der Scanner

verdict-virus = Virus
verdict-badmail = gesperrter Inhalt
verdict-unchecked = nicht prüfbarer Inhalt
verdict-errormail = fehlerhafte Nachricht
verdict-clean = unbedenklich
action-pass = zugestellt
action-quarantine = in Quarantäne verwahrt
action-forward = zur Prüfung weitergeleitet
action-bounce = an den Absender zurückgeschickt
action-drop = gelöscht
action-defer = Zustellung verschoben
condition-subject = Betreffregel
condition-body = Regel für den Nachrichtentext
condition-filename = Name des Anhangs
condition-mimetype = Typ des Anhangs
condition-macro = Office-Dokument mit Makros
condition-nullsender = Leere Absenderadresse
condition-errormail = Fehlerhafte Nachricht
condition-unchecked = Nicht prüfbar
condition-virus = Virus
condition-bomber = Zu viele Vorfälle von diesem Absender
engine-clean = sauber
engine-virus = Virus gefunden
engine-error = Fehler
engine-skipped = nicht ausgeführt

## Berichte an die Wächter

guard-antivirus-intro = { $verdict ->
    [unchecked] Ein Teil einer Nachricht konnte nicht geprüft werden (eine Grenze wurde erreicht, ein Archiv ist verschlüsselt oder ein Virenscanner hat ihn abgelehnt); er wird deshalb als unsicher behandelt. Hier steht, was gefunden und was unternommen wurde.
   *[other] Ein Virenscanner hat in einer Nachricht einen Virus gefunden. Hier steht, was gefunden und was unternommen wurde.
}
guard-badmail-intro = Eine Nachricht hat die Bedingungen ihres Sicherheitsprofils erfüllt. Hier steht, was gefunden und was unternommen wurde.
guard-release = Um die Nachricht aus der Quarantäne freizugeben, führen Sie aus: qmvc quarantine release { $quarantine }

## Berichte an Empfänger und Absender

greeting = Guten Tag,
recipient-intro = { $action ->
    [pass] Eine an Sie gerichtete Nachricht wurde zugestellt, doch unsere Prüfung hat ein Problem festgestellt. Bitte gehen Sie vorsichtig mit ihr um.
    [quarantine] Eine an Sie gerichtete Nachricht wurde nicht in Ihr Postfach zugestellt. Sie wird in der Quarantäne verwahrt.
    [forward] Eine an Sie gerichtete Nachricht wurde nicht in Ihr Postfach zugestellt. Sie wurde den Administratoren zur Prüfung weitergeleitet.
    [bounce] Eine an Sie gerichtete Nachricht wurde abgewiesen und an den Absender zurückgeschickt.
   *[other] Eine an Sie gerichtete Nachricht wurde nicht zugestellt und gelöscht.
}
sender-intro = { $action ->
    [pass] Ihre Nachricht an { $recipient } wurde zugestellt, doch unsere Prüfung hat ein Problem festgestellt.
   *[other] Ihre Nachricht an { $recipient } konnte nicht zugestellt werden.
}
reason-virus = Der Grund: Sie enthält einen Virus.
reason-badmail = Der Grund: Sie enthält Inhalte, die hier nicht angenommen werden, etwa einen gesperrten Dateityp als Anhang.
reason-unchecked = Der Grund: Ein Teil davon, etwa ein verschlüsselter oder sehr großer Anhang, konnte nicht auf Viren geprüft werden.
reason-errormail = Der Grund: Sie ist fehlerhaft aufgebaut und konnte nicht richtig geprüft werden.
details-heading = Angaben zur Nachricht:
recipient-quarantine = Falls Sie diese Nachricht erwartet haben, wenden Sie sich bitte an Ihre Mail-Administration und nennen Sie die obige Referenz.
sender-advice-virus = Bitte prüfen Sie Ihren Computer mit einem aktuellen Virenschutzprogramm, bevor Sie die Nachricht erneut senden.
sender-advice-badmail = Falls Ihre Nachricht berechtigt war, senden Sie die Datei bitte auf anderem Weg, zum Beispiel als Link zu einem Dienst für den Dateiaustausch, oder fragen Sie den Empfänger, welche Formate angenommen werden.
sender-advice-unchecked = Falls Ihre Nachricht berechtigt war, senden Sie die Datei bitte ohne Passwort erneut und, wenn sie groß ist, als Link zu einem Dienst für Dateifreigaben.
sender-advice-errormail = Bitte prüfen Sie das Programm, mit dem Sie E-Mails versenden, und senden Sie die Nachricht dann erneut.
closing = Diese Nachricht wurde automatisch erstellt. Bitte antworten Sie nicht darauf.

## Bomber-Warnung an die Wächter

bomber-intro = Ein Absender hat mehr Vorfälle verursacht, als das Sicherheitsprofil zulässt. Bis zum Ende des Zählzeitraums werden keine weiteren Berichte über diesen Absender verschickt.
bomber-count = Vorfälle in diesem Zeitraum
bomber-since = Gezählt seit
bomber-threshold = Grenzwert
bomber-last = Letzter Vorfall
bomber-advice = Bitte prüfen Sie, ob der Computer des Absenders infiziert ist oder ob seine Adresse gefälscht wird, und erwägen Sie, sie zu sperren.
