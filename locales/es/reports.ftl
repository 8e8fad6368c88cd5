# Informes de incidentes de qmvc: español.

## Asuntos

subject-guard-antivirus = { $verdict ->
    [unchecked] [qmvc] Contenido sin comprobar en un mensaje para { $recipient }
   *[other] [qmvc] Virus { $viruses } en un mensaje para { $recipient }
}
subject-guard-badmail = { $verdict ->
    [errormail] [qmvc] Mensaje mal formado para { $recipient }
   *[other] [qmvc] Mensaje bloqueado para { $recipient }
}
subject-recipient = Aviso de seguridad sobre un mensaje dirigido a usted
subject-sender = Aviso de seguridad sobre su mensaje a { $recipient }
subject-bomber = [qmvc] Informes sobre { $sender } suspendidos

## Etiquetas

label-incident = Incidente
label-date = Fecha
label-profile = Perfil de seguridad
label-sender = Remitente
label-recipient = Destinatario
label-subject = Asunto
label-message-date = Enviado el
label-verdict = Veredicto
label-action = Medida tomada
label-quarantine = Archivo en cuarentena
label-forwarded = Reenviado a
label-findings = Hallazgos
label-engines = Motores antivirus
label-attachments = Adjuntos bloqueados
label-viruses = Virus encontrados
label-reference = Referencia
label-part = parte
label-none = ninguno

## Veredictos, medidas, condiciones, respuestas de los motores

verdict-virus = virus
verdict-badmail = contenido bloqueado
verdict-unchecked = contenido que no se pudo comprobar
verdict-errormail = mensaje mal formado
verdict-clean = limpio
action-pass = entregado
action-quarantine = retenido en cuarentena
action-forward = reenviado para revisión
action-bounce = devuelto al remitente
action-drop = eliminado
action-defer = entrega aplazada
condition-subject = Regla sobre el asunto
condition-body = Regla sobre el texto del mensaje
condition-filename = Nombre del adjunto
condition-mimetype = Tipo del adjunto
condition-macro = Documento de Office con macros
condition-nullsender = Dirección de remitente vacía
condition-errormail = Mensaje mal formado
condition-unchecked = No se pudo comprobar
condition-virus = Virus
condition-bomber = Demasiados incidentes de este remitente
engine-clean = limpio
engine-virus = virus encontrado
engine-error = error
engine-skipped = no ejecutado

## Informes a los responsables

guard-antivirus-intro = { $verdict ->
    [unchecked] Una parte de un mensaje no se pudo examinar (se alcanzó un límite, un archivo comprimido está cifrado o un motor la rechazó), por lo que se trata como insegura. A continuación se indica qué se encontró y qué se hizo.
   *[other] Un motor antivirus ha encontrado un virus en un mensaje. A continuación se indica qué se encontró y qué se hizo.
}
guard-badmail-intro = Un mensaje cumplió las condiciones de su perfil de seguridad. A continuación se indica qué se encontró y qué se hizo.
guard-release = Para liberar el mensaje de la cuarentena, ejecute: qmvc quarantine release { $quarantine }

## Informes al destinatario y al remitente

greeting = Hola:
recipient-intro = { $action ->
    [pass] Un mensaje dirigido a usted fue entregado, pero nuestras comprobaciones detectaron un problema. Trátelo con precaución.
    [quarantine] Un mensaje dirigido a usted no se entregó en su buzón. Se conserva en cuarentena.
    [forward] Un mensaje dirigido a usted no se entregó en su buzón. Se ha enviado a los administradores para su revisión.
    [bounce] Un mensaje dirigido a usted fue rechazado y devuelto a su remitente.
   *[other] Un mensaje dirigido a usted no se entregó y ha sido eliminado.
}
sender-intro = { $action ->
    [pass] Su mensaje a { $recipient } fue entregado, pero nuestras comprobaciones detectaron un problema.
   *[other] Su mensaje a { $recipient } no se ha podido entregar.
}
reason-virus = El motivo: contiene un virus.
reason-badmail = El motivo: contiene contenido que no se acepta aquí, como un tipo de archivo adjunto bloqueado.
reason-unchecked = El motivo: una parte, como un adjunto cifrado o muy grande, no se pudo analizar en busca de virus.
reason-errormail = El motivo: está mal formado y no se pudo comprobar correctamente.
details-heading = Datos del mensaje:
recipient-quarantine = Si esperaba este mensaje, póngase en contacto con el administrador de correo e indique la referencia anterior.
sender-advice-virus = Revise su ordenador con un antivirus actualizado antes de volver a enviar el mensaje.
sender-advice-badmail = Si su mensaje era legítimo, envíe el archivo de otra forma, por ejemplo como enlace a un servicio para compartir archivos, o pregunte al destinatario qué formatos se aceptan.
sender-advice-unchecked = Si su mensaje era legítimo, vuelva a enviar el archivo sin contraseña y, si es grande, como enlace a un servicio para compartir archivos.
sender-advice-errormail = Revise el programa que utiliza para enviar correo y vuelva a enviar el mensaje.
closing = Este mensaje se ha generado automáticamente. Por favor, no responda a él.

## Alerta de bombardeo a los responsables

bomber-intro = Un remitente ha causado más incidentes de los que permite el perfil de seguridad. No se enviarán más informes sobre este remitente hasta que termine el periodo de recuento.
bomber-count = Incidentes en este periodo
bomber-since = Recuento desde
bomber-threshold = Límite
bomber-last = Último incidente
bomber-advice = Compruebe si el ordenador del remitente está infectado o si se está falsificando su dirección, y valore bloquearla.
