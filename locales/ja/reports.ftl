# qmvc インシデント報告：日本語。

## 件名

subject-guard-antivirus = { $verdict ->
    [unchecked] [qmvc] { $recipient } 宛てのメールに検査できない内容
   *[other] [qmvc] { $recipient } 宛てのメールからウイルス { $viruses } を検出
}
subject-guard-badmail = { $verdict ->
    [errormail] [qmvc] { $recipient } 宛ての不正な形式のメール
   *[other] [qmvc] { $recipient } 宛てのメールを遮断
}
subject-recipient = あなた宛てのメールに関するセキュリティのお知らせ
subject-sender = { $recipient } 宛てに送信されたメールに関するセキュリティのお知らせ
subject-bomber = [qmvc] { $sender } に関する報告を停止しました

## 項目名

label-incident = インシデント
label-date = 日時
label-profile = セキュリティプロファイル
label-sender = 送信者
label-recipient = 受信者
label-subject = 件名
label-message-date = 送信日時
label-verdict = 判定
label-action = 対応
label-quarantine = 隔離ファイル
label-forwarded = 転送先
label-findings = 検出内容
label-engines = ウイルス対策エンジン
label-attachments = 遮断された添付ファイル
label-viruses = 検出されたウイルス
label-reference = 参照番号
label-part = パート
label-none = なし

## 判定、対応、条件、エンジンの結果

verdict-virus = ウイルス
verdict-badmail = 遮断対象の内容
verdict-unchecked = 検査できない内容
verdict-errormail = 不正な形式のメール
verdict-clean = 問題なし
action-pass = 配信済み
action-quarantine = 隔離済み
action-forward = 確認のため転送済み
action-bounce = 送信者に返送済み
action-drop = 削除済み
action-defer = 配信を延期
condition-subject = 件名のルール
condition-body = 本文のルール
condition-filename = 添付ファイル名
condition-mimetype = 添付ファイルの種類
condition-macro = マクロ付きの Office 文書
condition-nullsender = 空の送信者アドレス
condition-errormail = 不正な形式のメール
condition-unchecked = 検査不能
condition-virus = ウイルス
condition-bomber = この送信者からのインシデントが多すぎます
engine-clean = 問題なし
engine-virus = ウイルスを検出
engine-error = エラー
engine-skipped = 未実行

## 管理者への報告

guard-antivirus-intro = { $verdict ->
    [unchecked] メールの一部を検査できませんでした（上限に達した、アーカイブが暗号化されている、またはエンジンが拒否した）。そのため安全でないものとして扱います。検出内容と実施した対応は以下のとおりです。
   *[other] ウイルス対策エンジンがメールからウイルスを検出しました。検出内容と実施した対応は以下のとおりです。
}
guard-badmail-intro = メールがセキュリティプロファイルの条件に該当しました。検出内容と実施した対応は以下のとおりです。
guard-release = このメールを隔離から解除するには、次のコマンドを実行してください：qmvc quarantine release { $quarantine }

## 受信者と送信者への報告

greeting = メールシステムからのお知らせです。
recipient-intro = { $action ->
    [pass] あなた宛てのメールは配信されましたが、チェックで問題が見つかりました。取り扱いにはご注意ください。
    [quarantine] あなた宛てのメールはメールボックスに配信されず、隔離されています。
    [forward] あなた宛てのメールはメールボックスに配信されず、確認のため管理者に転送されました。
    [bounce] あなた宛てのメールは受信を拒否され、送信者に返送されました。
   *[other] あなた宛てのメールは配信されず、削除されました。
}
sender-intro = { $action ->
    [pass] { $recipient } 宛てに送信されたメールは配信されましたが、チェックで問題が見つかりました。
   *[other] { $recipient } 宛てに送信されたメールは配信できませんでした。
}
reason-virus = 理由：ウイルスが含まれています。
reason-badmail = 理由：遮断対象の種類の添付ファイルなど、ここでは受け付けていない内容が含まれています。
reason-unchecked = 理由: 暗号化された添付ファイルや非常に大きな添付ファイルなど、一部をウイルス検査できませんでした。
reason-errormail = 理由：形式が正しくないため、正しくチェックできませんでした。
details-heading = メールの詳細：
recipient-quarantine = このメールをお待ちの場合は、上記の参照番号を添えてメール管理者にお問い合わせください。
sender-advice-virus = もう一度送信する前に、最新のウイルス対策ソフトでお使いのコンピューターを検査してください。
sender-advice-badmail = 正当なメールであった場合は、ファイル共有サービスのリンクを送るなど別の方法でファイルをお送りいただくか、受け付けられる形式を受信者にご確認ください。
sender-advice-unchecked = 正当なメールであった場合は、ファイルをパスワードなしで送り直してください。大きなファイルの場合は、ファイル共有サービスのリンクとして送ってください。
sender-advice-errormail = メールの送信に使用しているプログラムを確認してから、もう一度送信してください。
closing = このメールは自動的に送信されています。返信しないでください。

## 管理者への大量送信警告

bomber-intro = ある送信者が、セキュリティプロファイルで許可された数を超えるインシデントを発生させました。集計期間が終わるまで、この送信者に関する報告は送信されません。
bomber-count = この期間のインシデント数
bomber-since = 集計開始
bomber-threshold = 上限
bomber-last = 直近のインシデント
bomber-advice = 送信者のコンピューターが感染していないか、アドレスが詐称されていないかを確認し、このアドレスの遮断をご検討ください。
