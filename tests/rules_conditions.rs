//! The badmail conditions evaluated on hand-built messages: the default
//! profile's rules and each kind of rule a profile can write.

use qmvc::config::Config;
use qmvc::envelope::Envelope;
use qmvc::message::{Anomaly, Message, Origin, Part};
use qmvc::rules::spec::ConditionsSpec;
use qmvc::rules::{self, Conditions};
use qmvc::verdict::{Condition, Finding};

/// The default profile's conditions (the embedded one: the profile
/// directory is an empty temporary one).
fn default_conditions() -> Conditions {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = Config::embedded();
    config.paths.profiles = dir.path().to_path_buf();
    config
        .profile_for("example.com", None)
        .expect("default profile")
        .conditions
}

/// Conditions from a `[conditions]` table written as TOML.
fn conditions(toml_text: &str) -> Conditions {
    let spec: ConditionsSpec = toml::from_str(toml_text).expect("conditions toml");
    let (conditions, problems) = Conditions::compile(&spec, None);
    assert!(problems.is_empty(), "{problems:?}");
    conditions
}

fn part(id: &str, declared: &str, names: &[&str], body: &[u8]) -> Part {
    Part {
        id: id.into(),
        depth: 1,
        declared_type: declared.into(),
        names: names.iter().map(|n| n.to_string()).collect(),
        attachment: !names.is_empty(),
        body: body.to_vec().into(),
        charset: None,
        charsets: Vec::new(),
        flowed: None,
        detected_type: None,
        origin: Origin::Mime,
    }
}

fn message(subject: &str, parts: Vec<Part>) -> Message {
    Message {
        headers: vec![
            ("From".into(), "bob@example.org".into()),
            ("Date".into(), "Mon, 2 Mar 2026 10:00:00 +0000".into()),
            ("Subject".into(), subject.into()),
        ],
        raw_fields: Vec::new(),
        subject: Some(subject.into()),
        parts,
        anomalies: Vec::new(),
        size: 1000,
        attached: Vec::new(),
    }
}

fn sender(address: &str) -> Envelope {
    Envelope::for_check(address, "alice@example.com")
}

fn of(findings: &[Finding], condition: Condition) -> Vec<&Finding> {
    findings
        .iter()
        .filter(|f| f.condition == condition)
        .collect()
}

#[test]
fn default_subjects_are_the_love_letter_worm() {
    let c = default_conditions();
    let env = sender("bob@example.org");
    for subject in ["ILOVEYOU", "fwd: iloveyou", "I-Love-You!"] {
        let found = rules::evaluate(&message(subject, vec![]), &env, &c);
        let subject_findings = of(&found, Condition::Subject);
        assert_eq!(subject_findings.len(), 1, "{subject}: {found:?}");
        assert_eq!(subject_findings[0].detail, subject);
        assert!(subject_findings[0].description.contains("Love Letter"));
    }
    let clean = rules::evaluate(&message("I love you", vec![]), &env, &c);
    assert!(clean.is_empty(), "{clean:?}");
}

/// The subject of an attached message is shown too (Thunderbird draws
/// it inline with its header, Outlook names the attachment by it): the
/// subject rules read it, encoded words and all, at any depth and when
/// the attached message is itself base64-encoded; the finding names the
/// part that holds it.
#[test]
fn subject_rules_read_the_subjects_of_attached_messages() {
    let c = default_conditions();
    let env = sender("bob@example.org");
    let inner = "From: x@example.net\nSubject: =?utf-8?q?I=4COVEYOU?=\n\nkindly check\n";
    let b64 = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, inner);
    for (body, part) in [
        (format!("Content-Type: message/rfc822\n\n{inner}"), "2"),
        (
            format!(
                "Content-Type: message/rfc822\n\nFrom: y@example.net\nSubject: fw\n\
                 Content-Type: message/rfc822\n\n{inner}"
            ),
            "2.1",
        ),
        (
            format!("Content-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n{b64}\n"),
            "2",
        ),
    ] {
        let raw = format!(
            "From: a@example.org\nSubject: hello\nMIME-Version: 1.0\n\
             Content-Type: multipart/mixed; boundary=b\n\n\
             --b\nContent-Type: text/plain\n\nsee attached\n--b\n{body}\n--b--\n"
        );
        let m = qmvc::message::parse(raw.as_bytes(), &qmvc::message::Limits::default());
        let found = rules::evaluate(&m, &env, &c);
        let subjects: Vec<(&str, &str)> = of(&found, Condition::Subject)
            .iter()
            .map(|f| (f.part.as_deref().unwrap_or(""), f.detail.as_str()))
            .collect();
        assert_eq!(subjects, [(part, "ILOVEYOU")], "{body}: {found:?}");
    }
}

/// QMVC's seed list and today's usual ones, all blocked by default.
#[test]
fn default_extensions_cover_the_seed_list_and_todays() {
    let seed = ".exe .com .vbs .vba .shs .scr .bat .btm .reg .msi .msc .chm .inf .cpl .wsf \
        .vbe .js .jse .css .wsh .sct .hta .lnk .cmd .pif .ade .mdb .adp .mde .bas .msp .mst \
        .pcd .crt .hlp .url .ins .isp .vb .wsc .shb";
    let today = ".iso .img .vhd .vhdx .one .xll .ps1 .jar .appx .msix .appxbundle .msixbundle \
        .library-ms .settingcontent-ms .searchconnector-ms .appinstaller .jnlp .iqy .dll";
    let c = default_conditions();
    let env = sender("bob@example.org");
    let mut blocked = 0;
    for ext in seed.split_whitespace().chain(today.split_whitespace()) {
        let name = format!("Invoice 2026{}", ext.to_uppercase());
        let m = message(
            "hello",
            vec![part("2", "application/octet-stream", &[&name], b"x")],
        );
        let found = rules::evaluate(&m, &env, &c);
        let f = of(&found, Condition::Filename);
        assert_eq!(f.len(), 1, "{name}: {found:?}");
        assert_eq!(f[0].detail, name);
        assert_eq!(f[0].part.as_deref(), Some("2"));
        blocked += 1;
    }
    println!("default profile blocks all {blocked} listed extensions");
    for fine in [
        "report.pdf",
        "photo.jpeg",
        "data.csv",
        "notes.txt",
        "exe",
        "archive.zip",
    ] {
        let m = message(
            "hello",
            vec![part("2", "application/octet-stream", &[fine], b"x")],
        );
        assert!(rules::evaluate(&m, &env, &c).is_empty(), "{fine}");
    }
}

#[test]
fn double_extensions_and_windows_tricks_are_caught() {
    let c = default_conditions();
    let env = sender("bob@example.org");
    for name in [
        "invoice.pdf.exe",
        "INVOICE.PDF.EXE",
        "setup.exe.",
        "setup.exe . .",
        "a.b.c.d.e.scr",
    ] {
        let m = message("hi", vec![part("1.2", "application/pdf", &[name], b"x")]);
        let found = rules::evaluate(&m, &env, &c);
        assert_eq!(
            of(&found, Condition::Filename).len(),
            1,
            "{name}: {found:?}"
        );
    }
    // Every name of a part counts, but one part and one name give one
    // finding, not one per spelling.
    let m = message(
        "hi",
        vec![part(
            "2",
            "application/pdf",
            &["fine.pdf", "evil.js", "EVIL.JS."],
            b"x",
        )],
    );
    let found = rules::evaluate(&m, &env, &c);
    assert_eq!(of(&found, Condition::Filename).len(), 1, "{found:?}");
}

#[test]
fn hostile_names_cost_little() {
    let c = default_conditions();
    let env = sender("bob@example.org");
    let dots = ".".repeat(60_000) + "a";
    let long = "x".repeat(100_000) + ".exe";
    let m = message(
        "hi",
        vec![part("2", "application/octet-stream", &[&dots, &long], b"")],
    );
    let found = rules::evaluate(&m, &env, &c);
    let f = of(&found, Condition::Filename);
    assert_eq!(f.len(), 1, "{}", found.len());
    assert!(f[0].detail.len() <= 200, "details are bounded");
}

#[test]
fn names_with_sizes_globs_and_regexes() {
    let c = conditions(
        r#"
        [filename]
        enabled = true
        description = "policy"
        names = [{ name = "hahaha.exe", size = 5, description = "hahaha worm" },
                 { name = "any-size.bin" }]
        globs = [{ pattern = "*.{doc,xls}?.*", description = "macro document" }, "invoice_*"]
        regexes = ["^scan[0-9]+\\.html?$"]
        "#,
    );
    let env = sender("bob@example.org");
    let check = |name: &str, body: &[u8]| -> Option<String> {
        let m = message(
            "hi",
            vec![part("2", "application/octet-stream", &[name], body)],
        );
        rules::evaluate(&m, &env, &c)
            .into_iter()
            .next()
            .map(|f| f.description)
    };
    assert_eq!(
        check("HAHAHA.EXE", b"12345").as_deref(),
        Some("hahaha worm")
    );
    assert_eq!(check("hahaha.exe", b"1234"), None, "size must match");
    assert_eq!(check("any-size.bin", &[0; 77]).as_deref(), Some("policy"));
    assert_eq!(check("Q3.docm.zip", b"").as_deref(), Some("macro document"));
    assert_eq!(check("Invoice_March.pdf", b"").as_deref(), Some("policy"));
    assert_eq!(check("SCAN0042.HTM", b"").as_deref(), Some("policy"));
    assert_eq!(check("scan.htm", b""), None);
}

#[test]
fn executable_content_and_type_mismatch() {
    let c = default_conditions();
    let env = sender("bob@example.org");
    let mut exe = part("2", "image/png", &["cat.png"], b"MZ\x90\0");
    exe.detected_type = Some("application/vnd.microsoft.portable-executable");
    let mut honest = part("3", "application/octet-stream", &["tool.bin"], b"MZ\x90\0");
    honest.detected_type = Some("application/vnd.microsoft.portable-executable");
    let mut png = part("4", "image/png", &["cat2.png"], b"\x89PNG");
    png.detected_type = Some("image/png");
    let declared = part("5", "application/x-msdownload", &[], b"");
    let m = message("pictures", vec![exe, honest, png, declared]);
    let found = rules::evaluate(&m, &env, &c);
    let t = of(&found, Condition::Mimetype);
    let summary: Vec<(Option<&str>, &str)> = t
        .iter()
        .map(|f| (f.part.as_deref(), f.description.as_str()))
        .collect();
    assert_eq!(
        summary,
        [
            (Some("2"), "executable content disguised as another type"),
            (Some("3"), "executable content"),
            (Some("5"), "content type blocked by policy"),
        ]
    );
    assert_eq!(
        t[0].detail,
        "application/vnd.microsoft.portable-executable declared as image/png"
    );
}

#[test]
fn detected_type_rules() {
    let c = conditions(
        r#"
        [mimetype]
        enabled = true
        detected = [{ pattern = "application/x-7z-*", description = "7-zip archive" }]
        "#,
    );
    let mut p = part("2", "application/zip", &["a.zip"], b"7z");
    p.detected_type = Some("application/x-7z-compressed");
    let found = rules::evaluate(&message("x", vec![p]), &sender("b@x"), &c);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].description, "7-zip archive");
    assert_eq!(found[0].detail, "application/x-7z-compressed");
}

#[test]
fn body_rules_are_off_by_default_and_bounded_when_on() {
    let text = part(
        "1",
        "text/html",
        &[],
        b"<p>Please verify your PASSWORD here</p>",
    );
    let env = sender("bob@example.org");
    let m = message("hello", vec![text.clone()]);
    assert!(rules::evaluate(&m, &env, &default_conditions()).is_empty());

    let c = conditions(
        r#"
        [body]
        enabled = true
        description = "phishing"
        rules = ["verify your password"]
        max_bytes = 30
        "#,
    );
    let found = rules::evaluate(&m, &env, &c);
    let body = of(&found, Condition::Body);
    assert_eq!(body.len(), 1, "{found:?}");
    assert_eq!(body[0].detail, "verify your PASSWORD");
    assert_eq!(body[0].part.as_deref(), Some("1"));
    // Past max_bytes nothing is examined, and that is said: an unchecked
    // finding (never a silent pass of unexamined text).
    let late = format!("{}verify your password", " ".repeat(30));
    let m = message("hello", vec![part("1", "text/plain", &[], late.as_bytes())]);
    let found = rules::evaluate(&m, &env, &c);
    assert!(of(&found, Condition::Body).is_empty(), "{found:?}");
    let limit = of(&found, Condition::Unchecked);
    assert_eq!(limit.len(), 1, "{found:?}");
    assert_eq!(limit[0].description, rules::UNCHECKED_DESCRIPTION);
    assert!(limit[0].detail.contains("conditions.body.max_bytes"));
}

/// A reader does not see a zero-width space or a soft hyphen: the body
/// rules match the text without them too, once per rule.
#[test]
fn body_rules_see_the_text_without_invisible_characters() {
    let c = conditions(
        r#"
        [body]
        enabled = true
        rules = ["verify your password", "wire the money"]
        "#,
    );
    let env = sender("bob@example.org");
    let text = "Please veri\u{200B}fy your pass\u{AD}word, then wire the money.";
    let m = message("hello", vec![part("1", "text/plain", &[], text.as_bytes())]);
    let found = rules::evaluate(&m, &env, &c);
    let body = of(&found, Condition::Body);
    let details: Vec<&str> = body.iter().map(|f| f.detail.as_str()).collect();
    assert_eq!(
        details,
        ["wire the money", "verify your password"],
        "{found:?}"
    );
}

/// An HTML part is read as a client shows it: tags, comments and
/// character references do not cut a phrase, nor does text the client
/// hides, nor text that only Outlook hides; a plain-text part is read as
/// written.
#[test]
fn body_rules_read_html_as_a_client_shows_it() {
    let c = conditions(
        r#"
        [body]
        enabled = true
        rules = ["verify your password", "wire the money", "gift card", "urgent payment"]
        "#,
    );
    let env = sender("bob@example.org");
    // The last phrase is whole only in Outlook for Windows, which hides
    // what `<!--[if !mso]><!-->` wraps.
    let html = "<html><head><style>.x { font-size: 0 }</style></head><body>\
                <p>Please wi<b></b>re&#32;the mo<!-- x -->ney,</p>\
                <p>veri<span style=\"display:none\">zz</span>fy your pass<i class=x>q</i>word\
                </p><p>urgent pay<!--[if !mso]><!--><b>zz</b><!--<![endif]-->ment</p></body></html>";
    let plain = "buy a gift&#32;card";
    let m = message(
        "hello",
        vec![
            part("1", "text/html", &[], html.as_bytes()),
            part("2", "text/plain", &[], plain.as_bytes()),
        ],
    );
    let found = rules::evaluate(&m, &env, &c);
    let body: Vec<(&str, &str)> = of(&found, Condition::Body)
        .iter()
        .map(|f| (f.part.as_deref().unwrap_or(""), f.detail.as_str()))
        .collect();
    assert_eq!(
        body,
        [
            ("1", "wire the money"),
            ("1", "verify your password"),
            ("1", "urgent payment")
        ],
        "{found:?}"
    );
}

/// The same through the message parser, as mail carries HTML: quoted-
/// printable (`style=3D"..."`, soft line breaks inside a word), base64 in
/// UTF-16 and UTF-32, UTF-7, and a text/plain part that is an HTML
/// document; and plain text
/// as clients show it: `format=flowed; delsp=yes` joined, and a phrase
/// wrapped across two lines.
#[test]
fn body_rules_read_encoded_html_as_a_client_shows_it() {
    let c = conditions(
        r#"
        [body]
        enabled = true
        rules = ["wire the money", "gift card", "verify your password", "urgent payment", "account suspended", "bitcoin", "wire transfer"]
        "#,
    );
    let utf16: Vec<u8> = "<p>gi<b></b>ft&nbsp;card</p>"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    let utf32: Vec<u8> = "<p>bit<i></i>coin</p>"
        .chars()
        .flat_map(|c| u32::from(c).to_be_bytes())
        .collect();
    let raw = format!(
        "From: a@example.org\nSubject: x\nMIME-Version: 1.0\n\
         Content-Type: multipart/alternative; boundary=b\n\n\
         --b\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n\
         <p>wi<span style=3D\"display:none\">zz</span>re the mo=\nney</p>\n\
         --b\nContent-Type: text/html; charset=utf-16le\nContent-Transfer-Encoding: base64\n\n{}\n\
         --b\nContent-Type: text/plain\n\n<!DOCTYPE html><p>verify your pass<!-- -->word</p>\n\
         --b\nContent-Type: text/plain; format=flowed; delsp=yes\n\nurgent pay \r\nment\n\
         --b\nContent-Type: text/plain\n\nYour account\r\nsuspended.\n\
         --b\nContent-Type: text/html; charset=utf-32be\nContent-Transfer-Encoding: base64\n\n{}\n\
         --b\nContent-Type: text/html; charset=utf-7\n\n+ADw-p+AD4-wire+ACA-transfer+ADw-/p+AD4-\n--b--\n",
        base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &utf16),
        base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &utf32)
    );
    let m = qmvc::message::parse(raw.as_bytes(), &qmvc::message::Limits::default());
    let found = rules::evaluate(&m, &sender("bob@example.org"), &c);
    let body: Vec<(&str, &str)> = of(&found, Condition::Body)
        .iter()
        .map(|f| (f.part.as_deref().unwrap_or(""), f.detail.as_str()))
        .collect();
    assert_eq!(
        body,
        [
            ("1", "wire the money"),
            ("2", "gift card"),
            ("3", "verify your password"),
            ("4", "urgent payment"),
            ("5", "account suspended"),
            ("6", "bitcoin"),
            ("7", "wire transfer")
        ],
        "{found:?}"
    );
}

/// The type a part is read under is every type a client takes for it:
/// Thunderbird ends a Content-Type value at `;`, `,` or a blank and keeps
/// what follows its last `?` (so `application/x-foo?text/html` is HTML),
/// reads `Content-Transfer-Encoding: base64,7bit` as base64, and shows an
/// `application/octet-stream` part named `note.html` or with no type but
/// such a name as text; the body rules read each of those readings.
#[test]
fn body_rules_read_every_type_a_client_takes_for_a_part() {
    let c = conditions(
        r#"
        [body]
        enabled = true
        rules = ["wire the money", "gift card", "verify your password", "urgent payment", "bitcoin", "account suspended"]
        "#,
    );
    let b64 = |s: &str| base64::Engine::encode(&base64::engine::general_purpose::STANDARD, s);
    let raw = format!(
        "From: a@example.org\nSubject: x\nMIME-Version: 1.0\n\
         Content-Type: multipart/mixed; boundary=b\n\n\
         --b\nContent-Type: application/x-foo?text/html\n\n<p>wi<b></b>re the money</p>\n\
         --b\nContent-Type: text/html x\n\n<p>gift<i></i> card</p>\n\
         --b\nContent-Type: text/plain\nContent-Transfer-Encoding: base64,7bit\n\n{}\n\
         --b\nContent-Type: application/octet-stream; name=\"note.html\"\n\n<p>urgent pay<b></b>ment</p>\n\
         --b\nContent-Disposition: inline; filename=\"note.txt\"\nContent-Type: application/octet-stream\n\
         Content-Transfer-Encoding: base64\n\n{}\n\
         --b\nContent-Type: text/plain\nContent-Transfer-Encoding: 7bit\nContent-Transfer-Encoding: base64\n\n{}\n--b--\n",
        b64("verify your password"),
        b64("pay in bitcoin"),
        b64("account suspended"),
    );
    let m = qmvc::message::parse(raw.as_bytes(), &qmvc::message::Limits::default());
    let found = rules::evaluate(&m, &sender("bob@example.org"), &c);
    let mut body: Vec<&str> = of(&found, Condition::Body)
        .iter()
        .map(|f| f.detail.as_str())
        .collect();
    body.sort_unstable();
    body.dedup();
    assert_eq!(
        body,
        [
            "account suspended",
            "bitcoin",
            "gift card",
            "urgent payment",
            "verify your password",
            "wire the money"
        ],
        "{found:?}"
    );
}

/// Text is drawn in the order the Unicode Bidirectional Algorithm gives
/// it: a right-to-left override (a control character, `<bdo dir=rtl>`,
/// CSS `unicode-bidi: bidi-override; direction: rtl` inline or in a style
/// sheet, `direction` inherited from an element around it, across a
/// line break) shows a phrase written backwards the right way round, and
/// a right-to-left paragraph puts runs split by a right-to-left mark in
/// reverse order. The body rules read what is drawn.
#[test]
fn body_rules_read_text_in_the_order_it_is_drawn() {
    let c = conditions(
        r#"
        [body]
        enabled = true
        rules = ["wire the money", "gift card", "verify your password", "urgent payment", "pay in bitcoin"]
        "#,
    );
    let raw = "From: a@example.org\nSubject: x\nMIME-Version: 1.0\n\
         Content-Type: multipart/mixed; boundary=b\n\n\
         --b\nContent-Type: text/plain; charset=utf-8\n\nplease \u{202E}yenom eht eriw\u{202C} today\n\
         --b\nContent-Type: text/html; charset=utf-8\n\n<p>a <bdo dir=rtl>drac tfig</bdo></p>\n\
         --b\nContent-Type: text/html; charset=utf-8\n\n<p style=\"unicode-bidi:bidi-override;direction:rtl\">drowssap ruoy yfirev</p>\n\
         --b\nContent-Type: text/html; charset=utf-8\n\n<style>.r{direction:rtl;unicode-bidi:bidi-override}</style><span class=r>tnemyap tnegru</span>\n\
         --b\nContent-Type: text/html; charset=utf-8\n\n<div dir=rtl>bitcoin &rlm; pay in</div>\n\
         --b\nContent-Type: text/html; charset=utf-8\n\n<style>.o{unicode-bidi:bidi-override}</style>\
         <div dir=rtl><span class=o>x<br>yenom eht eriw</span></div>\n--b--\n";
    let m = qmvc::message::parse(raw.as_bytes(), &qmvc::message::Limits::default());
    let found = rules::evaluate(&m, &sender("bob@example.org"), &c);
    let mut body: Vec<&str> = of(&found, Condition::Body)
        .iter()
        .map(|f| f.detail.as_str())
        .collect();
    body.sort_unstable();
    assert_eq!(
        body,
        [
            "gift card",
            "pay in bitcoin",
            "urgent payment",
            "verify your password",
            "wire the money",
            "wire the money"
        ],
        "{found:?}"
    );
}

/// What hides text is decided after the cascade, as a browser-engine
/// client decides it: a later or `!important` declaration wins, a style
/// attribute beats the style sheets, an author's `display` shows a
/// `hidden` element, print-only rules do not apply. Junk hidden by an
/// invisible colour, a scale, an indent or a clip, by elements HTML does
/// not render, or inside a block that still breaks the line does not cut
/// the phrase, and text shown again is not lost with it.
#[test]
fn body_rules_hide_what_the_cascade_hides_and_show_what_it_shows() {
    let c = conditions(
        r#"
        [body]
        enabled = true
        rules = ["wire the money"]
        "#,
    );
    let hide = "style=\"display:none\"";
    let cases = [
        format!("wi<span {hide}>zz</span><span style=\"display:none;display:inline\">re</span> the money"),
        format!("<style>.h{{display:none}}</style>wi<span {hide}>zz</span><span class=h style=\"display:inline\">re</span> the money"),
        format!("<style>@media print {{ .p {{ display:none }} }}</style>wi<span {hide}>zz</span><span class=p>re</span> the money"),
        format!("wi<span {hide}>zz</span><span hidden style=\"display:inline\">re</span> the money"),
        "wi<span style=\"color:rgba(0,0,0,0)\">zz</span>re the money".to_owned(),
        "wi<span style=\"color:#ffffff00\">zz</span>re the money".to_owned(),
        "wi<span style=\"transform:scaleX(0)\">zz</span>re the money".to_owned(),
        "wi<span style=\"display:inline-block;text-indent:-9999px;overflow:hidden\">zz</span>re the money".to_owned(),
        "wi<span style=\"font-size:0.01in\">zz</span>re the money".to_owned(),
        "wi<span style=\"zoom:1%\">zz</span>re the money".to_owned(),
        "wi<span style=\"clip-path:inset(0 0 0 100%)\">zz</span>re the money".to_owned(),
        "wi<span style=\"position:absolute;left:-500%\">zz</span>re the money".to_owned(),
        "wi<rp>zz</rp>re the money".to_owned(),
        "wi<dialog>zz</dialog>re the money".to_owned(),
        "wi<span popover>zz</span>re the money".to_owned(),
        "wi<video>zz</video>re the money".to_owned(),
        "please wire the<div style=\"max-height:0;overflow:hidden\">zz</div>money".to_owned(),
    ];
    for html in cases {
        let m = message("x", vec![part("1", "text/html", &[], html.as_bytes())]);
        let found = rules::evaluate(&m, &sender("bob@example.org"), &c);
        assert_eq!(of(&found, Condition::Body).len(), 1, "{html}");
    }
}

/// A client decodes a text part by its byte order mark, and an HTML part
/// whose header names no charset (or, in MSHTML clients, any) by its
/// `<meta>` charset: the body rules read those decodings too.
#[test]
fn body_rules_read_the_charset_a_client_decodes_with() {
    let c = conditions(
        r#"
        [body]
        enabled = true
        rules = ["перевод денег", "wire the money", "срочно оплатите"]
        "#,
    );
    let cp1251 = |s: &str| encoding_rs::WINDOWS_1251.encode(s).0.into_owned();
    let koi8 = |s: &str| encoding_rs::KOI8_R.encode(s).0.into_owned();
    let mut html = b"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1251\"></head><body><p>".to_vec();
    html.extend(cp1251("Срочный перевод денег"));
    let mut overridden = b"<meta charset=koi8-r><p>".to_vec();
    overridden.extend(koi8("Срочно оплатите счёт"));
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(
        "Please wire the money"
            .encode_utf16()
            .flat_map(u16::to_le_bytes),
    );
    let b64 = |b: &[u8]| base64::Engine::encode(&base64::engine::general_purpose::STANDARD, b);
    let raw = format!(
        "From: a@example.org\nSubject: x\nMIME-Version: 1.0\n\
         Content-Type: multipart/mixed; boundary=b\n\n\
         --b\nContent-Type: text/html\nContent-Transfer-Encoding: base64\n\n{}\n\
         --b\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\n{}\n\
         --b\nContent-Type: text/html; charset=iso-8859-1\nContent-Transfer-Encoding: base64\n\n{}\n--b--\n",
        b64(&html),
        b64(&utf16),
        b64(&overridden),
    );
    let m = qmvc::message::parse(raw.as_bytes(), &qmvc::message::Limits::default());
    let found = rules::evaluate(&m, &sender("bob@example.org"), &c);
    let body: Vec<(&str, &str)> = of(&found, Condition::Body)
        .iter()
        .map(|f| (f.part.as_deref().unwrap_or(""), f.detail.as_str()))
        .collect();
    assert_eq!(
        body,
        [
            ("1", "перевод денег"),
            ("2", "wire the money"),
            ("3", "Срочно оплатите")
        ],
        "{found:?}"
    );
}

/// Every decoding a client makes of a text part counts: a label of the
/// Encoding Standard's replacement encoding (read as no label, and as
/// Outlook decodes it), Thunderbird's alias of a label, every charset and
/// delsp the parameters give, ISO-2022-JP for ESC without a label, a
/// calendar's folded lines, a uuencoded note.txt.
#[test]
fn body_rules_read_every_decoding_a_client_makes() {
    let c = conditions(
        r#"
        [body]
        enabled = true
        rules = ["wire transfer"]
        "#,
    );
    let b64 = |b: &[u8]| base64::Engine::encode(&base64::engine::general_purpose::STANDARD, b);
    let be = b64(&"wire transfer"
        .encode_utf16()
        .flat_map(u16::to_be_bytes)
        .collect::<Vec<u8>>());
    let parts = [
        "Content-Type: text/plain; charset=iso-2022-kr\n\nplease send a wire transfer\n".to_owned(),
        "Content-Type: text/plain; charset=hz-gb-2312\n\nplease send a wire tr~\nansfer\n"
            .to_owned(),
        format!(
            "Content-Type: text/plain; charset=csunicode\nContent-Transfer-Encoding: base64\n\n{be}\n"
        ),
        format!(
            "Content-Type: text/plain; charset=utf-16be; charset=us-ascii\nContent-Transfer-Encoding: base64\n\n{be}\n"
        ),
        format!(
            "Content-Type: text/plain; charset*=''utf-16be\nContent-Transfer-Encoding: base64\n\n{be}\n"
        ),
        "Content-Type: text/plain; format=flowed; delsp=yes; delsp=no\n\nwire tran \nsfer\n"
            .to_owned(),
        "Content-Type: text/plain\n\nwire\x1b$B!!\x1b(Btransfer\n".to_owned(),
        "Content-Type: text/calendar\n\nDESCRIPTION:wire tr\n ansfer\n".to_owned(),
        "Content-Type: text/plain\n\nsee\n\nbegin 644 note.txt\n/=VER92!T<F%N<V9E<@T*\n`\nend\n"
            .to_owned(),
    ];
    let mut raw = String::from(
        "From: a@example.org\nSubject: x\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n",
    );
    for p in &parts {
        raw.push_str(&format!("--b\n{p}"));
    }
    raw.push_str("--b--\n");
    let m = qmvc::message::parse(raw.as_bytes(), &qmvc::message::Limits::default());
    let found = rules::evaluate(&m, &sender("bob@example.org"), &c);
    let body: Vec<&str> = of(&found, Condition::Body)
        .iter()
        .map(|f| f.part.as_deref().unwrap_or(""))
        .collect();
    assert_eq!(
        body,
        ["1", "2", "3", "4", "5", "6", "7", "8", "9.u1.t1"],
        "{found:?}"
    );
}

/// A decoder that reads a whole text part as replacement characters
/// leaves nothing for the rules: the part was not examined.
#[test]
fn a_text_that_decodes_to_nothing_is_unchecked() {
    let c = conditions(
        r#"
        [body]
        enabled = true
        rules = ["wire transfer"]
        "#,
    );
    let raw = "From: a@example.org\nSubject: x\nMIME-Version: 1.0\n\
               Content-Type: text/plain; charset=utf-32\n\nwire transfer!!\n";
    let m = qmvc::message::parse(raw.as_bytes(), &qmvc::message::Limits::default());
    let found = rules::evaluate(&m, &sender("bob@example.org"), &c);
    let unchecked = of(&found, Condition::Unchecked);
    assert_eq!(unchecked.len(), 1, "{found:?}");
    assert!(unchecked[0].detail.contains("does not decode"), "{found:?}");
    // A text that decodes: nothing of the kind.
    let raw = "From: a@example.org\nSubject: x\n\nhello\n";
    let m = qmvc::message::parse(raw.as_bytes(), &qmvc::message::Limits::default());
    assert!(
        of(
            &rules::evaluate(&m, &sender("bob@example.org"), &c),
            Condition::Unchecked
        )
        .is_empty()
    );
}

#[test]
fn null_sender_is_off_by_default() {
    let m = message("hello", vec![]);
    let bounce = sender("");
    assert!(rules::evaluate(&m, &bounce, &default_conditions()).is_empty());
    let c = conditions("[nullsender]\nenabled = true\ndescription = \"no bounces here\"\n");
    let found = rules::evaluate(&m, &bounce, &c);
    assert_eq!(found.len(), 1);
    assert_eq!(
        (found[0].condition, found[0].detail.as_str()),
        (Condition::Nullsender, "<>")
    );
    assert_eq!(rules::evaluate(&m, &sender("#@[]"), &c).len(), 1);
    assert!(rules::evaluate(&m, &sender("bob@example.org"), &c).is_empty());
}

#[test]
fn errormail_missing_headers_and_broken_mime() {
    let c = default_conditions();
    let mut m = message("hello", vec![]);
    m.headers.retain(|(name, _)| name != "Date");
    m.anomalies = vec![
        Anomaly::Boundary {
            part: "1".into(),
            detail: "closing boundary missing".into(),
        },
        Anomaly::LimitExceeded {
            limit: "max_parts".into(),
            detail: "1000 parts".into(),
        },
    ];
    let found = rules::evaluate(&m, &sender("bob@example.org"), &c);
    let e = of(&found, Condition::Errormail);
    let summary: Vec<(Option<&str>, &str)> = e
        .iter()
        .map(|f| (f.part.as_deref(), f.detail.as_str()))
        .collect();
    assert_eq!(
        summary,
        [
            (None, "no Date header"),
            (
                Some("1"),
                "part 1: broken MIME boundary: closing boundary missing"
            ),
        ]
    );
    // The limit is not errormail but unchecked: what lies past it was not
    // examined.
    let u = of(&found, Condition::Unchecked);
    assert_eq!(u.len(), 1, "{found:?}");
    assert_eq!(u[0].detail, "limit max_parts exceeded: 1000 parts");
    // A bounce lacking Date is not held to it; its broken MIME still is.
    let found = rules::evaluate(&m, &sender(""), &c);
    assert_eq!(of(&found, Condition::Errormail).len(), 1);
}

#[test]
fn findings_come_in_condition_order() {
    let c = default_conditions();
    let mut m = message(
        "ILOVEYOU",
        vec![part(
            "2",
            "application/octet-stream",
            &["LOVE-LETTER-FOR-YOU.TXT.vbs"],
            b"x",
        )],
    );
    m.headers.retain(|(name, _)| name != "From");
    let found = rules::evaluate(&m, &sender("bob@example.org"), &c);
    let order: Vec<Condition> = found.iter().map(|f| f.condition).collect();
    assert_eq!(
        order,
        [
            Condition::Errormail,
            Condition::Subject,
            Condition::Filename
        ]
    );
}

#[test]
fn names_with_bidi_controls_are_findings() {
    let c = default_conditions();
    let m = message(
        "hi",
        vec![part(
            "2",
            "application/pdf",
            &["invoice\u{202E}fdp.exe"],
            b"x",
        )],
    );
    let found = rules::evaluate(&m, &sender("bob@example.org"), &c);
    let f = of(&found, Condition::Filename);
    assert_eq!(f.len(), 2, "{found:?}");
    assert!(f[0].description.contains("U+202E"), "{}", f[0].description);
}
