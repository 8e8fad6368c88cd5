# Rapports d'incident de qmvc : français.

## Objets

subject-guard-antivirus = { $verdict ->
    [unchecked] [qmvc] Contenu non vérifié dans un message pour { $recipient }
   *[other] [qmvc] Virus { $viruses } dans un message pour { $recipient }
}
subject-guard-badmail = { $verdict ->
    [errormail] [qmvc] Message mal formé pour { $recipient }
   *[other] [qmvc] Message bloqué pour { $recipient }
}
subject-recipient = Avis de sécurité concernant un message qui vous était destiné
subject-sender = Avis de sécurité concernant votre message à { $recipient }
subject-bomber = [qmvc] Rapports sur { $sender } suspendus

## Libellés

label-incident = Incident
label-date = Date
label-profile = Profil de sécurité
label-sender = Expéditeur
label-recipient = Destinataire
label-subject = Objet
label-message-date = Envoyé le
label-verdict = Verdict
label-action = Mesure prise
label-quarantine = Fichier en quarantaine
label-forwarded = Transféré à
label-findings = Constats
label-engines = Moteurs antivirus
label-attachments = Pièces jointes bloquées
label-viruses = Virus détectés
label-reference = Référence
label-part = partie
label-none = aucun

## Verdicts, mesures, conditions, réponses des moteurs

verdict-virus = virus
verdict-badmail = contenu bloqué
verdict-unchecked = contenu qui n'a pas pu être vérifié
verdict-errormail = message mal formé
verdict-clean = sain
action-pass = distribué
action-quarantine = placé en quarantaine
action-forward = transféré pour examen
action-bounce = renvoyé à l'expéditeur
action-drop = supprimé
action-defer = distribution reportée
condition-subject = Règle sur l'objet
condition-body = Règle sur le texte du message
condition-filename = Nom de pièce jointe
condition-mimetype = Type de pièce jointe
condition-macro = Document Office avec macros
condition-nullsender = Adresse d'expéditeur vide
condition-errormail = Message mal formé
condition-unchecked = Non vérifiable
condition-virus = Virus
condition-bomber = Trop d'incidents de cet expéditeur
engine-clean = sain
engine-virus = virus détecté
engine-error = erreur
engine-skipped = non exécuté

## Rapports aux gardiens

guard-antivirus-intro = { $verdict ->
    [unchecked] Une partie d'un message n'a pas pu être examinée (une limite a été atteinte, une archive est chiffrée ou un moteur l'a refusée) ; elle est donc traitée comme dangereuse. Voici ce qui a été trouvé et ce qui a été fait.
   *[other] Un moteur antivirus a détecté un virus dans un message. Voici ce qui a été trouvé et ce qui a été fait.
}
guard-badmail-intro = Un message remplissait les conditions de son profil de sécurité. Voici ce qui a été trouvé et ce qui a été fait.
guard-release = Pour libérer le message de la quarantaine, exécutez : qmvc quarantine release { $quarantine }

## Rapports au destinataire et à l'expéditeur

greeting = Bonjour,
recipient-intro = { $action ->
    [pass] Un message qui vous était adressé a été distribué, mais nos contrôles y ont relevé un problème. Soyez prudent avec ce message.
    [quarantine] Un message qui vous était adressé n'a pas été distribué dans votre boîte aux lettres. Il est conservé en quarantaine.
    [forward] Un message qui vous était adressé n'a pas été distribué dans votre boîte aux lettres. Il a été transmis aux administrateurs pour examen.
    [bounce] Un message qui vous était adressé a été refusé et renvoyé à son expéditeur.
   *[other] Un message qui vous était adressé n'a pas été distribué et a été supprimé.
}
sender-intro = { $action ->
    [pass] Votre message à { $recipient } a été distribué, mais nos contrôles y ont relevé un problème.
   *[other] Votre message à { $recipient } n'a pas pu être distribué.
}
reason-virus = La raison : il contient un virus.
reason-badmail = La raison : il contient un contenu qui n'est pas accepté ici, par exemple un type de pièce jointe bloqué.
reason-unchecked = La raison : une partie, par exemple une pièce jointe chiffrée ou très volumineuse, n'a pas pu être analysée par l'antivirus.
reason-errormail = La raison : il est mal formé et n'a pas pu être contrôlé correctement.
details-heading = Détails du message :
recipient-quarantine = Si vous attendiez ce message, veuillez contacter votre administrateur de messagerie en indiquant la référence ci-dessus.
sender-advice-virus = Veuillez analyser votre ordinateur avec un antivirus à jour avant de renvoyer le message.
sender-advice-badmail = Si votre message était légitime, veuillez envoyer le fichier autrement, par exemple sous forme de lien vers un service de partage de fichiers, ou demandez au destinataire quels formats sont acceptés.
sender-advice-unchecked = Si votre message était légitime, renvoyez le fichier sans mot de passe et, s'il est volumineux, sous forme de lien vers un service de partage de fichiers.
sender-advice-errormail = Veuillez vérifier le logiciel que vous utilisez pour envoyer vos courriels, puis renvoyez le message.
closing = Ce message a été généré automatiquement. Merci de ne pas y répondre.

## Alerte « bombardement » aux gardiens

bomber-intro = Un expéditeur a causé plus d'incidents que le profil de sécurité ne le permet. Aucun autre rapport sur cet expéditeur ne sera envoyé avant la fin de la période de décompte.
bomber-count = Incidents sur cette période
bomber-since = Décompte depuis
bomber-threshold = Limite
bomber-last = Dernier incident
bomber-advice = Veuillez vérifier si l'ordinateur de l'expéditeur est infecté ou si son adresse est usurpée, et envisagez de la bloquer.
