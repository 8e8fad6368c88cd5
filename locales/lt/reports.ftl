# qmvc incidentų ataskaitos: lietuvių kalba.

## Temos

subject-guard-antivirus = { $verdict ->
    [unchecked] [qmvc] Nepatikrintas turinys laiške, skirtame { $recipient }
   *[other] [qmvc] Virusas { $viruses } laiške, skirtame { $recipient }
}
subject-guard-badmail = { $verdict ->
    [errormail] [qmvc] Sugadintas laiškas, skirtas { $recipient }
   *[other] [qmvc] Užblokuotas laiškas, skirtas { $recipient }
}
subject-recipient = Saugumo pranešimas apie jums skirtą laišką
subject-sender = Saugumo pranešimas apie jūsų laišką gavėjui { $recipient }
subject-bomber = [qmvc] Ataskaitos apie { $sender } sustabdytos

## Žymės

label-incident = Incidentas
label-date = Data
label-profile = Saugumo profilis
label-sender = Siuntėjas
label-recipient = Gavėjas
label-subject = Tema
label-message-date = Išsiųsta
label-verdict = Įvertinimas
label-action = Atliktas veiksmas
label-quarantine = Karantino failas
label-forwarded = Persiųsta
label-findings = Radiniai
label-engines = Antivirusinės programos
label-attachments = Užblokuoti priedai
label-viruses = Rasti virusai
label-reference = Nuorodos numeris
label-part = dalis
label-none = nėra

## Įvertinimai, veiksmai, sąlygos, programų atsakymai

verdict-virus = virusas
verdict-badmail = užblokuotas turinys
verdict-unchecked = turinys, kurio nepavyko patikrinti
verdict-errormail = sugadintas laiškas
verdict-clean = švarus
action-pass = pristatytas
action-quarantine = laikomas karantine
action-forward = persiųstas patikrinti
action-bounce = grąžintas siuntėjui
action-drop = ištrintas
action-defer = pristatymas atidėtas
condition-subject = Temos taisyklė
condition-body = Laiško teksto taisyklė
condition-filename = Priedo pavadinimas
condition-mimetype = Priedo tipas
condition-macro = Office dokumentas su makrokomandomis
condition-nullsender = Tuščias siuntėjo adresas
condition-errormail = Sugadintas laiškas
condition-unchecked = Nepavyko patikrinti
condition-virus = Virusas
condition-bomber = Per daug incidentų iš šio siuntėjo
engine-clean = švarus
engine-virus = rastas virusas
engine-error = klaida
engine-skipped = nepaleista

## Ataskaitos prižiūrėtojams

guard-antivirus-intro = { $verdict ->
    [unchecked] Dalies laiško nepavyko patikrinti (pasiekta riba, archyvas užšifruotas arba antivirusinė programa jį atmetė), todėl ji laikoma nesaugia. Žemiau nurodyta, kas rasta ir kas padaryta.
   *[other] Antivirusinė programa laiške rado virusą. Žemiau nurodyta, kas rasta ir kas padaryta.
}
guard-badmail-intro = Laiškas atitiko savo saugumo profilio sąlygas. Žemiau nurodyta, kas rasta ir kas padaryta.
guard-release = Norėdami išleisti laišką iš karantino, paleiskite: qmvc quarantine release { $quarantine }

## Ataskaitos gavėjui ir siuntėjui

greeting = Sveiki,
recipient-intro = { $action ->
    [pass] Jums skirtas laiškas buvo pristatytas, tačiau mūsų patikra jame rado problemą. Būkite atsargūs.
    [quarantine] Jums skirtas laiškas nebuvo pristatytas į jūsų pašto dėžutę. Jis laikomas karantine.
    [forward] Jums skirtas laiškas nebuvo pristatytas į jūsų pašto dėžutę. Jis perduotas administratoriams patikrinti.
    [bounce] Jums skirtas laiškas buvo atmestas ir grąžintas siuntėjui.
   *[other] Jums skirtas laiškas nebuvo pristatytas ir buvo ištrintas.
}
sender-intro = { $action ->
    [pass] Jūsų laiškas gavėjui { $recipient } buvo pristatytas, tačiau mūsų patikra jame rado problemą.
   *[other] Jūsų laiško gavėjui { $recipient } nepavyko pristatyti.
}
reason-virus = Priežastis: jame yra virusas.
reason-badmail = Priežastis: jame yra turinio, kuris čia nepriimamas, pavyzdžiui, užblokuoto tipo priedas.
reason-unchecked = Priežastis: dalies laiško, pavyzdžiui, užšifruoto ar labai didelio priedo, nepavyko patikrinti dėl virusų.
reason-errormail = Priežastis: jis sugadintas, todėl jo nepavyko tinkamai patikrinti.
details-heading = Laiško duomenys:
recipient-quarantine = Jei laukėte šio laiško, kreipkitės į pašto administratorių ir nurodykite aukščiau pateiktą nuorodos numerį.
sender-advice-virus = Prieš siųsdami laišką dar kartą, patikrinkite savo kompiuterį atnaujinta antivirusine programa.
sender-advice-badmail = Jei jūsų laiškas buvo teisėtas, nusiųskite failą kitu būdu, pavyzdžiui, kaip nuorodą į failų dalijimosi paslaugą, arba paklauskite gavėjo, kokie formatai priimami.
sender-advice-unchecked = Jei jūsų laiškas buvo teisėtas, išsiųskite failą dar kartą be slaptažodžio, o jei jis didelis – kaip nuorodą į failų dalijimosi paslaugą.
sender-advice-errormail = Patikrinkite programą, kuria siunčiate el. laiškus, ir išsiųskite laišką dar kartą.
closing = Šis laiškas sukurtas automatiškai. Prašome į jį neatsakyti.

## Įspėjimas prižiūrėtojams apie masinį siuntimą

bomber-intro = Vienas siuntėjas sukėlė daugiau incidentų, nei leidžia saugumo profilis. Iki skaičiavimo laikotarpio pabaigos daugiau ataskaitų apie šį siuntėją nebus siunčiama.
bomber-count = Incidentai per šį laikotarpį
bomber-since = Skaičiuojama nuo
bomber-threshold = Riba
bomber-last = Paskutinis incidentas
bomber-advice = Patikrinkite, ar siuntėjo kompiuteris neužkrėstas ir ar jo adresas nėra klastojamas, ir apsvarstykite galimybę jį užblokuoti.
