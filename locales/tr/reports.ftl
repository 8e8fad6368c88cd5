# qmvc olay raporları: Türkçe.

## Konu satırları

subject-guard-antivirus = { $verdict ->
    [unchecked] [qmvc] { $recipient } adresine gelen iletide denetlenemeyen içerik
   *[other] [qmvc] { $recipient } adresine gelen iletide { $viruses } virüsü
}
subject-guard-badmail = { $verdict ->
    [errormail] [qmvc] { $recipient } adresine bozuk ileti
   *[other] [qmvc] { $recipient } adresine engellenen ileti
}
subject-recipient = Size gönderilen bir iletiyle ilgili güvenlik bildirimi
subject-sender = { $recipient } adresine gönderdiğiniz iletiyle ilgili güvenlik bildirimi
subject-bomber = [qmvc] { $sender } hakkındaki raporlar durduruldu

## Etiketler

label-incident = Olay
label-date = Tarih
label-profile = Güvenlik profili
label-sender = Gönderen
label-recipient = Alıcı
label-subject = Konu
label-message-date = Gönderilme tarihi
label-verdict = Sonuç
label-action = Yapılan işlem
label-quarantine = Karantina dosyası
label-forwarded = İletildiği adres
label-findings = Bulgular
label-engines = Virüs tarayıcıları
label-attachments = Engellenen ekler
label-viruses = Bulunan virüsler
label-reference = Başvuru numarası
label-part = bölüm
label-none = yok

## Sonuçlar, işlemler, koşullar, tarayıcı yanıtları

verdict-virus = virüs
verdict-badmail = engellenen içerik
verdict-unchecked = denetlenemeyen içerik
verdict-errormail = bozuk ileti
verdict-clean = temiz
action-pass = teslim edildi
action-quarantine = karantinada tutuluyor
action-forward = incelenmek üzere iletildi
action-bounce = gönderene geri gönderildi
action-drop = silindi
action-defer = teslim ertelendi
condition-subject = Konu kuralı
condition-body = İleti metni kuralı
condition-filename = Ek adı
condition-mimetype = Ek türü
condition-macro = Makro içeren Office belgesi
condition-nullsender = Boş gönderen adresi
condition-errormail = Bozuk ileti
condition-unchecked = Denetlenemedi
condition-virus = Virüs
condition-bomber = Bu gönderenden çok fazla olay
engine-clean = temiz
engine-virus = virüs bulundu
engine-error = hata
engine-skipped = çalıştırılmadı

## Sorumlulara raporlar

guard-antivirus-intro = { $verdict ->
    [unchecked] Bir iletinin bir bölümü incelenemedi (bir sınıra ulaşıldı, bir arşiv şifreli ya da bir tarayıcı onu reddetti); bu yüzden güvensiz kabul ediliyor. Neyin bulunduğu ve ne yapıldığı aşağıdadır.
   *[other] Bir virüs tarayıcısı bir iletide virüs buldu. Neyin bulunduğu ve ne yapıldığı aşağıdadır.
}
guard-badmail-intro = Bir ileti, güvenlik profilindeki koşullara uydu. Neyin bulunduğu ve ne yapıldığı aşağıdadır.
guard-release = İletiyi karantinadan çıkarmak için şunu çalıştırın: qmvc quarantine release { $quarantine }

## Alıcıya ve gönderene raporlar

greeting = Merhaba,
recipient-intro = { $action ->
    [pass] Size gönderilen bir ileti teslim edildi, ancak denetimlerimiz iletide bir sorun buldu. Lütfen bu iletiye karşı dikkatli olun.
    [quarantine] Size gönderilen bir ileti posta kutunuza teslim edilmedi. İleti karantinada tutuluyor.
    [forward] Size gönderilen bir ileti posta kutunuza teslim edilmedi. İleti, incelenmek üzere yöneticilere iletildi.
    [bounce] Size gönderilen bir ileti reddedildi ve gönderene geri gönderildi.
   *[other] Size gönderilen bir ileti teslim edilmedi ve silindi.
}
sender-intro = { $action ->
    [pass] { $recipient } adresine gönderdiğiniz ileti teslim edildi, ancak denetimlerimiz iletide bir sorun buldu.
   *[other] { $recipient } adresine gönderdiğiniz ileti teslim edilemedi.
}
reason-virus = Nedeni: İleti bir virüs içeriyor.
reason-badmail = Nedeni: İleti, burada kabul edilmeyen bir içerik barındırıyor; örneğin engellenen türde bir ek.
reason-unchecked = Nedeni: iletinin bir bölümü, örneğin şifreli ya da çok büyük bir ek, virüslere karşı denetlenemedi.
reason-errormail = Nedeni: İleti bozuk olduğu için düzgün biçimde denetlenemedi.
details-heading = İletinin ayrıntıları:
recipient-quarantine = Bu iletiyi bekliyorduysanız lütfen e-posta yöneticinize başvurun ve yukarıdaki başvuru numarasını belirtin.
sender-advice-virus = İletiyi yeniden göndermeden önce lütfen bilgisayarınızı güncel bir virüs programıyla tarayın.
sender-advice-badmail = İletiniz meşru idiyse lütfen dosyayı başka bir yolla, örneğin bir dosya paylaşım hizmetinin bağlantısı olarak gönderin ya da alıcıya hangi biçimlerin kabul edildiğini sorun.
sender-advice-unchecked = İletiniz meşruysa dosyayı parolasız olarak yeniden gönderin; büyükse bir dosya paylaşım hizmetinin bağlantısı olarak gönderin.
sender-advice-errormail = Lütfen e-posta göndermek için kullandığınız programı denetleyin, ardından iletiyi yeniden gönderin.
closing = Bu ileti otomatik olarak oluşturuldu. Lütfen yanıtlamayın.

## Sorumlulara toplu saldırı uyarısı

bomber-intro = Bir gönderen, güvenlik profilinin izin verdiğinden daha fazla olaya yol açtı. Sayım süresi bitene kadar bu gönderen hakkında başka rapor gönderilmeyecek.
bomber-count = Bu süredeki olaylar
bomber-since = Sayım başlangıcı
bomber-threshold = Sınır
bomber-last = Son olay
bomber-advice = Lütfen gönderenin bilgisayarına virüs bulaşıp bulaşmadığını ya da adresinin taklit edilip edilmediğini denetleyin ve adresi engellemeyi düşünün.
