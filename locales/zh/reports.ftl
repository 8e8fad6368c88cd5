# qmvc 事件报告：简体中文。

## 主题

subject-guard-antivirus = { $verdict ->
    [unchecked] [qmvc] 发给 { $recipient } 的邮件中有无法检查的内容
   *[other] [qmvc] 发给 { $recipient } 的邮件中发现病毒 { $viruses }
}
subject-guard-badmail = { $verdict ->
    [errormail] [qmvc] 发给 { $recipient } 的邮件格式错误
   *[other] [qmvc] 发给 { $recipient } 的邮件已被拦截
}
subject-recipient = 关于一封发给您的邮件的安全通知
subject-sender = 关于您发给 { $recipient } 的邮件的安全通知
subject-bomber = [qmvc] 已暂停发送关于 { $sender } 的报告

## 标签

label-incident = 事件编号
label-date = 日期
label-profile = 安全配置
label-sender = 发件人
label-recipient = 收件人
label-subject = 主题
label-message-date = 发送时间
label-verdict = 判定
label-action = 处理方式
label-quarantine = 隔离文件
label-forwarded = 已转发至
label-findings = 检查结果
label-engines = 杀毒引擎
label-attachments = 被拦截的附件
label-viruses = 发现的病毒
label-reference = 参考编号
label-part = 部分
label-none = 无

## 判定、处理方式、条件、引擎结果

verdict-virus = 病毒
verdict-badmail = 被拦截的内容
verdict-unchecked = 无法检查的内容
verdict-errormail = 格式错误的邮件
verdict-clean = 安全
action-pass = 已投递
action-quarantine = 已隔离
action-forward = 已转发待审核
action-bounce = 已退回发件人
action-drop = 已删除
action-defer = 已推迟投递
condition-subject = 主题规则
condition-body = 正文规则
condition-filename = 附件名称
condition-mimetype = 附件类型
condition-macro = 带宏的 Office 文档
condition-nullsender = 发件人地址为空
condition-errormail = 邮件格式错误
condition-unchecked = 无法检查
condition-virus = 病毒
condition-bomber = 该发件人引发的事件过多
engine-clean = 未发现问题
engine-virus = 发现病毒
engine-error = 出错
engine-skipped = 未运行

## 发给管理员的报告

guard-antivirus-intro = { $verdict ->
    [unchecked] 邮件的一部分无法检查（达到了限制、压缩包已加密或引擎拒绝扫描），因此被视为不安全。以下是发现的内容和采取的措施。
   *[other] 杀毒引擎在一封邮件中发现了病毒。以下是发现的内容和采取的措施。
}
guard-badmail-intro = 一封邮件符合其安全配置中的拦截条件。以下是发现的内容和采取的措施。
guard-release = 如需将该邮件解除隔离，请运行：qmvc quarantine release { $quarantine }

## 发给收件人和发件人的报告

greeting = 您好：
recipient-intro = { $action ->
    [pass] 一封发给您的邮件已经投递，但我们的检查发现其中存在问题，请谨慎处理。
    [quarantine] 一封发给您的邮件没有投递到您的邮箱，目前保存在隔离区中。
    [forward] 一封发给您的邮件没有投递到您的邮箱，已转交管理员审核。
    [bounce] 一封发给您的邮件已被拒收并退回发件人。
   *[other] 一封发给您的邮件没有投递，并已被删除。
}
sender-intro = { $action ->
    [pass] 您发给 { $recipient } 的邮件已经投递，但我们的检查发现其中存在问题。
   *[other] 您发给 { $recipient } 的邮件无法投递。
}
reason-virus = 原因：邮件中含有病毒。
reason-badmail = 原因：邮件中含有本系统不接受的内容，例如被禁止类型的附件。
reason-unchecked = 原因：其中一部分（例如加密的或非常大的附件）无法进行病毒检查。
reason-errormail = 原因：邮件格式错误，无法正常检查。
details-heading = 邮件详情：
recipient-quarantine = 如果您正在等待这封邮件，请联系您的邮件管理员，并提供上面的参考编号。
sender-advice-virus = 在重新发送之前，请先用最新的杀毒软件检查您的电脑。
sender-advice-badmail = 如果您的邮件是正常邮件，请改用其他方式发送文件，例如通过文件共享服务发送链接，或者询问收件人可以接受哪些格式。
sender-advice-unchecked = 如果您的邮件是正当的，请不带密码重新发送该文件；如果文件很大，请以文件共享服务链接的形式发送。
sender-advice-errormail = 请检查您用来发送邮件的程序，然后重新发送。
closing = 本邮件由系统自动生成，请勿回复。

## 发给管理员的轰炸警报

bomber-intro = 某个发件人引发的事件数量超过了安全配置允许的上限。在本计数周期结束之前，将不再发送关于该发件人的报告。
bomber-count = 本周期内的事件数
bomber-since = 计数开始时间
bomber-threshold = 上限
bomber-last = 最近一次事件
bomber-advice = 请检查该发件人的电脑是否感染了病毒，或其地址是否被冒用，并考虑将其拦截。
