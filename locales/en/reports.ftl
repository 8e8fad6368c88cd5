# qmvc incident reports: English (the fallback for every other language).
# Every sentence the templates use has an id here; keep the ids when you
# translate or edit. $variables are filled in by qmvc.

## Subjects (first line of each template)

subject-guard-antivirus = { $verdict ->
    [unchecked] [qmvc] Unchecked content in a message to { $recipient }
   *[other] [qmvc] Virus { $viruses } in a message to { $recipient }
}
subject-guard-badmail = { $verdict ->
    [errormail] [qmvc] Malformed message to { $recipient }
   *[other] [qmvc] Blocked message to { $recipient }
}
subject-recipient = Security notice about a message to you
subject-sender = Security notice about your message to { $recipient }
subject-bomber = [qmvc] Reports about { $sender } suspended

## Labels

label-incident = Incident
label-date = Date
label-profile = Security profile
label-sender = Sender
label-recipient = Recipient
label-subject = Subject
label-message-date = Sent on
label-verdict = Verdict
label-action = Action taken
label-quarantine = Quarantine file
label-forwarded = Forwarded to
label-findings = Findings
label-engines = Anti-virus engines
label-attachments = Blocked attachments
label-viruses = Viruses found
label-reference = Reference
label-part = part
label-none = none

## Verdicts, actions, conditions, engine answers

verdict-virus = virus
verdict-badmail = blocked content
verdict-unchecked = content that could not be checked
verdict-errormail = malformed message
verdict-clean = clean
action-pass = delivered
action-quarantine = kept in quarantine
action-forward = forwarded for review
action-bounce = returned to the sender
action-drop = deleted
action-defer = delivery postponed
condition-subject = Subject rule
condition-body = Message text rule
condition-filename = Attachment name
condition-mimetype = Attachment type
condition-macro = Office document with macros
condition-nullsender = Empty sender address
condition-errormail = Malformed message
condition-unchecked = Could not be checked
condition-virus = Virus
condition-bomber = Too many incidents from this sender
engine-clean = clean
engine-virus = virus found
engine-error = error
engine-skipped = not run

## Guard reports

guard-antivirus-intro = { $verdict ->
    [unchecked] Part of a message could not be examined (a limit was reached, an archive is encrypted, or an engine refused it), so it is treated as unsafe. Here is what was found and what was done.
   *[other] An anti-virus engine found a virus in a message. Here is what was found and what was done.
}
guard-badmail-intro = A message matched the conditions of its security profile. Here is what was found and what was done.
guard-release = To release the message from quarantine, run: qmvc quarantine release { $quarantine }

## Recipient and sender reports

greeting = Hello,
recipient-intro = { $action ->
    [pass] A message addressed to you was delivered, but our checks found a problem with it. Please be careful with it.
    [quarantine] A message addressed to you was not delivered to your mailbox. It is being kept in quarantine.
    [forward] A message addressed to you was not delivered to your mailbox. It was passed on to the administrators for review.
    [bounce] A message addressed to you was refused and returned to its sender.
   *[other] A message addressed to you was not delivered and has been deleted.
}
sender-intro = { $action ->
    [pass] Your message to { $recipient } was delivered, but our checks found a problem with it.
   *[other] Your message to { $recipient } could not be delivered.
}
reason-virus = The reason: it contains a virus.
reason-badmail = The reason: it contains content that is not accepted here, such as a blocked type of attachment.
reason-unchecked = The reason: part of it, such as an encrypted or very large attachment, could not be checked for viruses.
reason-errormail = The reason: it is malformed and could not be checked properly.
details-heading = Details of the message:
recipient-quarantine = If you were expecting this message, please contact your mail administrator and quote the reference above.
sender-advice-virus = Please check your computer with an up-to-date anti-virus program before you send the message again.
sender-advice-badmail = If your message was legitimate, please send the file another way, for example as a link to a file-sharing service, or ask the recipient which formats are accepted.
sender-advice-unchecked = If your message was legitimate, please send the file again without a password and, if it is large, as a link to a file-sharing service.
sender-advice-errormail = Please check the program you use to send mail, then send the message again.
closing = This message was generated automatically. Please do not reply to it.

## Bomber alert to the guards

bomber-intro = One sender has caused more incidents than the security profile allows. No further reports about this sender will be sent until the counting period ends.
bomber-count = Incidents in this period
bomber-since = Counting since
bomber-threshold = Limit
bomber-last = Latest incident
bomber-advice = Please check whether the sender's computer is infected or whether the address is being forged, and consider blocking it.
