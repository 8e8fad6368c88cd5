# Relatórios de incidentes do qmvc: português.

## Assuntos

subject-guard-antivirus = { $verdict ->
    [unchecked] [qmvc] Conteúdo não verificado em uma mensagem para { $recipient }
   *[other] [qmvc] Vírus { $viruses } em uma mensagem para { $recipient }
}
subject-guard-badmail = { $verdict ->
    [errormail] [qmvc] Mensagem malformada para { $recipient }
   *[other] [qmvc] Mensagem bloqueada para { $recipient }
}
subject-recipient = Aviso de segurança sobre uma mensagem dirigida a você
subject-sender = Aviso de segurança sobre a sua mensagem para { $recipient }
subject-bomber = [qmvc] Relatórios sobre { $sender } suspensos

## Rótulos

label-incident = Incidente
label-date = Data
label-profile = Perfil de segurança
label-sender = Remetente
label-recipient = Destinatário
label-subject = Assunto
label-message-date = Enviada em
label-verdict = Veredicto
label-action = Medida tomada
label-quarantine = Arquivo em quarentena
label-forwarded = Encaminhada para
label-findings = Ocorrências
label-engines = Mecanismos antivírus
label-attachments = Anexos bloqueados
label-viruses = Vírus encontrados
label-reference = Referência
label-part = parte
label-none = nenhum

## Veredictos, medidas, condições, respostas dos mecanismos

verdict-virus = vírus
verdict-badmail = conteúdo bloqueado
verdict-unchecked = conteúdo que não pôde ser verificado
verdict-errormail = mensagem malformada
verdict-clean = limpa
action-pass = entregue
action-quarantine = retida em quarentena
action-forward = encaminhada para análise
action-bounce = devolvida ao remetente
action-drop = excluída
action-defer = entrega adiada
condition-subject = Regra sobre o assunto
condition-body = Regra sobre o texto da mensagem
condition-filename = Nome do anexo
condition-mimetype = Tipo do anexo
condition-macro = Documento do Office com macros
condition-nullsender = Endereço de remetente vazio
condition-errormail = Mensagem malformada
condition-unchecked = Não verificável
condition-virus = Vírus
condition-bomber = Muitos incidentes deste remetente
engine-clean = limpo
engine-virus = vírus encontrado
engine-error = erro
engine-skipped = não executado

## Relatórios aos responsáveis

guard-antivirus-intro = { $verdict ->
    [unchecked] Uma parte de uma mensagem não pôde ser examinada (um limite foi atingido, um arquivo compactado está criptografado ou um mecanismo a recusou), por isso é tratada como insegura. Veja abaixo o que foi encontrado e o que foi feito.
   *[other] Um mecanismo antivírus encontrou um vírus em uma mensagem. Veja abaixo o que foi encontrado e o que foi feito.
}
guard-badmail-intro = Uma mensagem cumpriu as condições do seu perfil de segurança. Veja abaixo o que foi encontrado e o que foi feito.
guard-release = Para liberar a mensagem da quarentena, execute: qmvc quarantine release { $quarantine }

## Relatórios ao destinatário e ao remetente

greeting = Olá,
recipient-intro = { $action ->
    [pass] Uma mensagem dirigida a você foi entregue, mas as nossas verificações encontraram um problema nela. Tenha cuidado com ela.
    [quarantine] Uma mensagem dirigida a você não foi entregue na sua caixa de correio. Ela está retida em quarentena.
    [forward] Uma mensagem dirigida a você não foi entregue na sua caixa de correio. Ela foi encaminhada aos administradores para análise.
    [bounce] Uma mensagem dirigida a você foi recusada e devolvida ao remetente.
   *[other] Uma mensagem dirigida a você não foi entregue e foi excluída.
}
sender-intro = { $action ->
    [pass] A sua mensagem para { $recipient } foi entregue, mas as nossas verificações encontraram um problema nela.
   *[other] Não foi possível entregar a sua mensagem para { $recipient }.
}
reason-virus = O motivo: ela contém um vírus.
reason-badmail = O motivo: ela contém conteúdo que não é aceito aqui, como um tipo de anexo bloqueado.
reason-unchecked = O motivo: uma parte dela, como um anexo criptografado ou muito grande, não pôde ser verificada contra vírus.
reason-errormail = O motivo: ela está malformada e não pôde ser verificada corretamente.
details-heading = Dados da mensagem:
recipient-quarantine = Se você estava esperando esta mensagem, entre em contato com o administrador de e-mail e informe a referência acima.
sender-advice-virus = Verifique o seu computador com um antivírus atualizado antes de enviar a mensagem novamente.
sender-advice-badmail = Se a sua mensagem era legítima, envie o arquivo de outra forma, por exemplo como link para um serviço de compartilhamento de arquivos, ou pergunte ao destinatário quais formatos são aceitos.
sender-advice-unchecked = Se a sua mensagem era legítima, envie o arquivo novamente sem senha e, se for grande, como link para um serviço de compartilhamento de arquivos.
sender-advice-errormail = Verifique o programa que você usa para enviar e-mails e depois envie a mensagem novamente.
closing = Esta mensagem foi gerada automaticamente. Por favor, não responda a ela.

## Alerta de bombardeio aos responsáveis

bomber-intro = Um remetente causou mais incidentes do que o perfil de segurança permite. Nenhum outro relatório sobre este remetente será enviado até o fim do período de contagem.
bomber-count = Incidentes neste período
bomber-since = Contando desde
bomber-threshold = Limite
bomber-last = Último incidente
bomber-advice = Verifique se o computador do remetente está infectado ou se o endereço está sendo falsificado, e considere bloqueá-lo.
