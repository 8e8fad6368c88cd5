//! Reports captured through a stand-in injector: they parse back with the
//! right headers and charset, guards see every finding and engine answer,
//! the parties see only their share, and nothing from the message can add
//! a header.

mod notify_support;

use notify_support::*;
use qmvc::notify::{Audience, Reactions, Sources, check_sources};
use qmvc::verdict::Condition;

/// The reports of one virus incident told to everyone, parsed, by
/// audience (found from the To address).
fn virus_reports(subject: &str) -> Vec<(String, Vec<u8>, Parsed)> {
    let (outcome, taken) = react_fresh(
        &everyone(),
        &virus_plan(),
        "bob@example.de",
        &[
            ("Subject", subject),
            ("Date", "Mon, 6 May 2024 07:00:00 +0000"),
        ],
    );
    assert!(outcome.problems.is_empty(), "{:?}", outcome.problems);
    assert!(
        outcome.sent.iter().all(|s| s.error.is_none()),
        "{:?}",
        outcome.sent
    );
    taken
        .into_iter()
        .map(|(to, bytes)| {
            let parsed = parse(&bytes);
            (to.join(","), bytes, parsed)
        })
        .collect()
}

#[test]
fn every_report_is_well_formed() {
    let reports = virus_reports("Invoice");
    let to: Vec<&str> = reports.iter().map(|(t, _, _)| t.as_str()).collect();
    assert_eq!(
        to,
        [
            "av-guard@example.com",
            "alice@example.com",
            "bob@example.de"
        ]
    );
    for (to, bytes, r) in &reports {
        assert_eq!(r.mimetype, "text/plain", "{to}");
        assert_eq!(r.charset, "utf-8", "{to}");
        for name in [
            "From",
            "To",
            "Subject",
            "Date",
            "Message-ID",
            "MIME-Version",
            "Content-Type",
            "Content-Transfer-Encoding",
            "Content-Language",
            "Auto-Submitted",
            "X-Qmvc-Incident",
        ] {
            assert_eq!(r.count(name), 1, "{to}: {name}");
        }
        assert_eq!(
            r.header("From"),
            Some("\"qmvc\" <postmaster@mx.example.com>")
        );
        assert_eq!(r.header("Date"), Some("Mon, 6 May 2024 07:08:09 +0000"));
        assert_eq!(r.header("MIME-Version"), Some("1.0"));
        assert_eq!(r.header("X-Qmvc-Incident"), Some("1714979289.4242"));
        let id = r.header("Message-ID").unwrap_or("");
        assert!(
            id.starts_with("<qmvc.1714979289.4242.") && id.ends_with("@mx.example.com>"),
            "{id}"
        );
        // Safe transfer encoding: 7-bit bytes, LF line ends for qmail-inject.
        assert!(bytes.iter().all(|b| *b < 128), "{to}: 8-bit bytes");
        assert!(!bytes.contains(&b'\r'), "{to}: CR in report");
        assert!(
            bytes.split(|b| *b == b'\n').all(|l| l.len() <= 998),
            "{to}: long line"
        );
    }
    let auto: Vec<&str> = reports
        .iter()
        .filter_map(|(_, _, r)| r.header("Auto-Submitted"))
        .collect();
    assert_eq!(auto, ["auto-generated", "auto-replied", "auto-replied"]);
    // The sender of bob@example.de gets German, the others the profile's.
    let langs: Vec<&str> = reports
        .iter()
        .filter_map(|(_, _, r)| r.header("Content-Language"))
        .collect();
    assert_eq!(langs, ["en", "en", "de"]);
}

#[test]
fn guard_report_lists_every_finding_and_engine_answer() {
    let reports = virus_reports("Invoice");
    let guard = &reports[0].2;
    let plan = virus_plan();
    for f in &plan.findings {
        assert!(
            guard.body.contains(&f.detail),
            "finding {} missing:\n{}",
            f.detail,
            guard.body
        );
        assert!(guard.body.contains(&f.description), "{}", f.description);
    }
    for line in [
        "- clamd: virus found (Win.Worm.Mydoom, Eicar-Signature), 31 ms",
        "- yara: clean, 7 ms",
        "- spare: error (connection refused), 2 ms",
        "Quarantine file: 1714979289.M1P4242.mx",
        "Sender: bob@example.de",
        "Recipient: alice@example.com",
        "Subject: Invoice",
        "Action taken: kept in quarantine",
    ] {
        assert!(
            guard.body.contains(line),
            "{line:?} missing:\n{}",
            guard.body
        );
    }
    assert!(
        guard
            .header("Subject")
            .is_some_and(|s| s.contains("Win.Worm.Mydoom") && s.contains("alice@example.com"))
    );
}

#[test]
fn parties_learn_nothing_that_helps_an_attacker_tune() {
    let reports = virus_reports("Invoice");
    let recipient = &reports[1].2;
    let sender = &reports[2].2;
    for secret in [
        "clamd",
        "yara",
        "spare",
        "connection refused",
        "screen savers",
        "found by",
        "default",
    ] {
        assert!(
            !recipient.body.contains(secret),
            "recipient sees {secret:?}:\n{}",
            recipient.body
        );
        assert!(
            !sender.body.contains(secret),
            "sender sees {secret:?}:\n{}",
            sender.body
        );
    }
    // The recipient may learn the virus and the blocked name; the sender
    // only the name it sent, not the virus nor the quarantine file.
    assert!(recipient.body.contains("Win.Worm.Mydoom"));
    assert!(recipient.body.contains("photo.scr"));
    assert!(sender.body.contains("photo.scr"));
    assert!(!sender.body.contains("Mydoom"));
    assert!(!sender.body.contains("M1P4242"));
    assert!(
        sender.body.contains("1714979289.4242"),
        "the reference to quote"
    );
}

/// RFC 2047 decoding by a real parser, as the message parser will do it.
fn decoded_subject(raw: &str) -> String {
    let (header, _) = mailparse::parse_header(raw.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
    header.get_value()
}

#[test]
fn encoded_subject_cannot_add_a_header() {
    // "Invoice\r\nBcc: victim@example.net" as an RFC 2047 encoded word.
    let subject =
        decoded_subject("Subject: =?UTF-8?B?SW52b2ljZQ0KQmNjOiB2aWN0aW1AZXhhbXBsZS5uZXQ=?=");
    assert_eq!(subject, "Invoice\r\nBcc: victim@example.net");
    let reports = virus_reports(&subject);
    assert_eq!(reports.len(), 3);
    for (to, bytes, r) in &reports {
        assert_eq!(r.count("Bcc"), 0, "{to}");
        assert_eq!(r.headers.len(), 12, "{to}: {:?}", r.headers);
        let text = String::from_utf8_lossy(bytes);
        assert!(
            !text
                .lines()
                .any(|l| l.to_ascii_lowercase().starts_with("bcc")),
            "{to}:\n{text}"
        );
    }
    // The guard still sees the subject, on one line.
    assert!(
        reports[0]
            .2
            .body
            .contains("Subject: Invoice Bcc: victim@example.net")
    );
}

#[test]
fn hostile_values_stay_in_the_body() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let capture = Capture::default();
    let mut plan = badmail_plan();
    plan.findings.push(finding(
        Condition::Filename,
        Some("3\r\nX-Evil: 1"),
        "a.exe\r\nX-Evil: yes\u{202E}fdp.exe",
        "desc\nX-Evil: 2",
    ));
    react(
        dir.path(),
        &everyone(),
        &plan,
        &envelope("bob@example.org"),
        &message(&[("Subject", "Bonjour\u{85}X-Evil: 3\u{2028}")]),
        &capture,
    );
    let reports = capture.taken();
    assert_eq!(reports.len(), 3);
    for (_, bytes) in &reports {
        let r = parse(bytes);
        assert_eq!(r.count("X-Evil"), 0);
        assert!(
            !r.body.lines().any(|l| l.starts_with("X-Evil")),
            "{}",
            r.body
        );
    }
    let guard = parse(&reports[0].1);
    assert!(
        guard.body.contains("a.exe X-Evil: yes<U+202E>fdp.exe"),
        "{}",
        guard.body
    );
}

#[test]
fn hostile_envelope_sender_gets_no_report() {
    let (outcome, taken) = react_fresh(
        &everyone(),
        &badmail_plan(),
        "evil@example.org\r\nBcc: victim@example.net",
        &[],
    );
    assert!(
        taken
            .iter()
            .all(|(to, _)| !to.iter().any(|a| a.contains("evil")))
    );
    let why = outcome
        .skipped
        .iter()
        .find(|s| s.audience == Audience::Sender);
    assert_eq!(
        why.map(|s| s.reason.as_str()),
        Some("not a usable mail address")
    );
}

#[test]
fn non_ascii_subject_is_encoded_and_decodes_back() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let capture = Capture::default();
    react(
        dir.path(),
        &everyone(),
        &badmail_plan(),
        &envelope("ivan@example.ru"),
        &message(&[("Subject", "Счёт")]),
        &capture,
    );
    let reports = capture.taken();
    let (_, bytes) = reports
        .iter()
        .find(|(to, _)| to == &["ivan@example.ru"])
        .cloned()
        .unwrap_or_default();
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains("Subject: =?utf-8?"), "{text}");
    let r = parse(&bytes);
    assert_eq!(
        r.header("Subject"),
        Some("Уведомление безопасности о вашем письме для alice@example.com")
    );
    assert!(r.body.contains("Тема: Счёт"), "{}", r.body);
}

#[test]
fn failed_injection_is_recorded_not_raised() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let outcome = react(
        dir.path(),
        &Reactions::default(),
        &virus_plan(),
        &envelope("bob@example.org"),
        &message(&[]),
        &Broken,
    );
    assert_eq!(outcome.sent.len(), 2);
    for s in &outcome.sent {
        assert_eq!(s.error.as_deref(), Some("inject failed: exit 111"));
    }
}

#[test]
fn site_templates_and_locales_take_precedence() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let config = config(dir.path());
    std::fs::create_dir_all(&config.paths.templates).unwrap_or_default();
    std::fs::create_dir_all(config.paths.locales.join("de")).unwrap_or_default();
    std::fs::write(
        config.paths.templates.join("sender.hbs"),
        "{{t \"site-subject\"}}\n\n{{t \"greeting\"}}\nSite text for {{recipient}}.\n",
    )
    .unwrap_or_default();
    std::fs::write(
        config.paths.locales.join("de/site.ftl"),
        "site-subject = Hinweis der Poststelle\ngreeting = Moin,\n",
    )
    .unwrap_or_default();
    let capture = Capture::default();
    react(
        dir.path(),
        &everyone(),
        &badmail_plan(),
        &envelope("hans@example.de"),
        &message(&[]),
        &capture,
    );
    let reports = capture.taken();
    let sender = reports
        .iter()
        .find(|(to, _)| to == &["hans@example.de"])
        .map(|(_, b)| parse(b));
    let sender = sender.unwrap_or_else(|| panic!("no sender report"));
    assert_eq!(sender.header("Subject"), Some("Hinweis der Poststelle"));
    assert_eq!(sender.body, "Moin,\nSite text for alice@example.com.\n");
    // config check: the site sentence exists only in German, so English,
    // every other language's fallback, lacks it.
    let problems = check_sources(&Sources {
        templates: Some(&config.paths.templates),
        locales: Some(&config.paths.locales),
    });
    assert!(
        problems
            .iter()
            .any(|(f, p)| f.ends_with("templates/sender.hbs") && p.contains("site-subject")),
        "{problems:#?}"
    );
    assert!(
        !problems.iter().any(|(f, _)| f == "locale de"),
        "{problems:#?}"
    );
}

#[test]
fn broken_site_template_is_a_problem_and_a_failed_report() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let config = config(dir.path());
    std::fs::create_dir_all(&config.paths.templates).unwrap_or_default();
    std::fs::write(
        config.paths.templates.join("recipient.hbs"),
        "{{#if}}\n{{nope}}",
    )
    .unwrap_or_default();
    let problems = check_sources(&Sources {
        templates: Some(&config.paths.templates),
        locales: None,
    });
    assert!(
        problems.iter().any(|(f, _)| f.ends_with("recipient.hbs")),
        "{problems:#?}"
    );
    let outcome = react(
        dir.path(),
        &Reactions::default(),
        &badmail_plan(),
        &envelope("bob@example.org"),
        &message(&[]),
        &Capture::default(),
    );
    let recipient = outcome
        .sent
        .iter()
        .find(|s| s.audience == Audience::Recipient);
    assert!(recipient.is_some_and(|s| {
        s.error
            .as_deref()
            .is_some_and(|e| e.contains("template recipient"))
    }));
    let guard = outcome
        .sent
        .iter()
        .find(|s| s.audience == Audience::BadmailGuard);
    assert!(guard.is_some_and(|s| s.error.is_none()));
}
