//! Incident reports from filter mode: who gets one through `[mail].inject`,
//! what the `.rep` block says about it, and that a failing injection never
//! changes the exit code of a message already safely quarantined.

mod support;

use std::fs;

use support::{Site, data};

const GUARDS: &str = "[guards]\nantivirus = [\"av@example.com\"]\nbadmail = [\"bm@example.com\"]\n";

fn msg(name: &str) -> Vec<u8> {
    fs::read(data(name)).expect("test message")
}

#[test]
fn badmail_reports_go_to_the_badmail_guard_and_the_recipient() {
    let site = Site::new(GUARDS);
    let run = site.deliver(
        &msg("badmail-exe.eml"),
        "alice@example.org",
        "bob@example.com",
    );
    assert_eq!(run.code, 99, "{run:?}");
    let sent = site.sent();
    let mut to: Vec<String> = sent
        .iter()
        .map(|(args, _)| args.last().cloned().unwrap_or_default())
        .collect();
    to.sort();
    assert_eq!(to, ["bm@example.com", "bob@example.com"], "{sent:?}");
    for (args, eml) in &sent {
        assert_eq!(
            &args[..4],
            ["-f", "", "-a", "--"],
            "null envelope sender, recipients from argv only"
        );
        let text = String::from_utf8_lossy(eml);
        let parsed = mailparse::parse_mail(eml).expect("a report parses back");
        assert_eq!(parsed.ctype.charset, "utf-8");
        assert!(text.contains("\nX-Qmvc-Incident: "), "{text}");
        assert!(
            !text.contains("This program cannot be run"),
            "never the infected content"
        );
        let auto = if args.last().is_some_and(|a| a == "bm@example.com") {
            "auto-generated"
        } else {
            "auto-replied"
        };
        assert!(
            text.contains(&format!("\nAuto-Submitted: {auto}\n")),
            "{text}"
        );
    }
    let rep = site.rep();
    assert!(
        rep.contains("notify: guard-badmail to bm@example.com [en]: sent"),
        "{rep}"
    );
    assert!(
        rep.contains("notify: recipient to bob@example.com [en]: sent"),
        "{rep}"
    );
    assert!(rep.contains("notify: sender: not sent: "), "{rep}");
}

#[test]
fn a_failing_inject_is_recorded_and_the_message_stays_quarantined() {
    let site = Site::new(GUARDS);
    fs::write(
        site.dir().join("bin/inject"),
        "#!/bin/sh\ncat >/dev/null\nexit 111\n",
    )
    .expect("write");
    let run = site.deliver(
        &msg("badmail-exe.eml"),
        "alice@example.org",
        "bob@example.com",
    );
    assert_eq!(run.code, 99, "{run:?}");
    assert_eq!(site.quarantine("new").len(), 1);
    let rep = site.rep();
    assert!(
        rep.contains("notify: guard-badmail to bm@example.com [en]: FAILED: "),
        "{rep}"
    );
}

#[test]
fn clean_mail_and_bounces_of_bounces_cause_no_report() {
    let site = Site::new(GUARDS);
    assert_eq!(
        site.deliver(
            &msg("clean-plain.eml"),
            "alice@example.org",
            "bob@example.com"
        )
        .code,
        0
    );
    assert!(site.sent().is_empty());
    // Badmail from the null sender: guards and recipient yes, sender never.
    let site = Site::new(GUARDS);
    site.profile("default", "[reactions]\nsender = [\"badmail\"]\n");
    assert_eq!(
        site.deliver(&msg("badmail-exe.eml"), "", "bob@example.com")
            .code,
        99
    );
    let to: Vec<String> = site
        .sent()
        .iter()
        .map(|(a, _)| a.last().cloned().unwrap_or_default())
        .collect();
    assert!(!to.iter().any(|t| t.is_empty()), "{to:?}");
    assert_eq!(to.len(), 2, "{to:?}");
}

#[test]
fn a_sender_report_when_the_profile_asks_is_in_the_senders_language() {
    let site = Site::new(GUARDS);
    site.profile("default", "[reactions]\nsender = [\"badmail\"]\n");
    assert_eq!(
        site.deliver(
            &msg("badmail-exe.eml"),
            "alice@example.de",
            "bob@example.com"
        )
        .code,
        99
    );
    let sent = site.sent();
    let (_, eml) = sent
        .iter()
        .find(|(a, _)| a.last().is_some_and(|t| t == "alice@example.de"))
        .expect("sender report");
    let text = String::from_utf8_lossy(eml);
    assert!(text.contains("\nContent-Language: de"), "{text}");
}
