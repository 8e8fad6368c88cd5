//! Hostile values reach the log line, the `.rep` block, the quarantine
//! file's own headers and the incident reports without forging a field, a
//! line or a header: SENDER and EXT with `|`, `%`, CR, LF, C1 and 8-bit
//! characters, an RFC 2047 subject hiding CR LF, and a virus name printed
//! by a command engine holding `|`, `%`, CR, LF, NUL and a lone 8-bit
//! byte. The log line parses back to the original values through
//! `qmvc::actions::log`. (Report rendering of hostile findings and
//! subjects is tested in notify_reports.rs; this file follows the values
//! through filter mode, engine output included.)

mod security_support;
mod support;

use std::fs;

use qmvc::actions::log::LogLine;
use security_support::{injects, recording_engine, recording_site};
use support::{Stdin, qmail_env};

/// What `record-scan --virus` prints, as printf's `%b` reads it.
const VIRUS: &str = r"Evil|%41\r\nX-Evil: 1\0\351|qmvc pid:1|forged";

const SENDER: &str = "a|b%41\r\nqmvc pid:1|x\u{85}\u{2028}é@example.org";
const EXT: &str = "in|fo%0A\rü";

/// `Invoice\r\nX-Evil: 2|%` as an RFC 2047 encoded word.
const SUBJECT: &str = "=?UTF-8?B?SW52b2ljZQ0KWC1FdmlsOiAyfCU=?=";

const REP_KEYS: &[&str] = &[
    "--- qmvc incident ",
    "time: ",
    "sender: ",
    "recipient: ",
    "profile: ",
    "subject: ",
    "verdict: ",
    "finding: ",
    "engine: ",
    "action: ",
    "notify: ",
    "exit: ",
    "--- end ",
];

#[test]
fn hostile_envelope_subject_and_virus_name_forge_nothing() {
    let site = recording_site(|s| {
        format!(
            "[guards]\nantivirus = [\"guard@example.com\"]\n\n{}",
            recording_engine(s, "rec", &["--virus", VIRUS], "{dir}")
        )
    });
    let message = format!(
        "From: a@example.org\nTo: b@example.com\nDate: Thu, 21 Nov 2024 04:13:00 +0000\n\
         Subject: {SUBJECT}\n\nhello\n"
    );
    let local = format!("example-com-{EXT}");
    let env = qmail_env(SENDER, &local, "example.com", EXT);
    let run = site.run(message.as_bytes(), &env, &[], Stdin::File);
    assert_eq!(run.code, 99, "{run:?}");

    // The log: one line, and it reads back to the very values.
    let log = fs::read_to_string(site.dir().join("log/qmvc.log")).expect("log");
    assert_eq!(log.matches('\n').count(), 1, "{log:?}");
    let line = LogLine::parse(log.trim_end_matches('\n')).expect("parses");
    assert_eq!(line.sender, SENDER);
    assert_eq!(line.recipient, format!("{EXT}@example.com"));
    assert_eq!(line.engines, [("rec".to_string(), 'V')]);
    assert_eq!((line.action.as_str(), line.exit), ("quarantine", 99));

    // The .rep block: every line is one of its own keys.
    let rep = site.rep();
    for l in rep.lines() {
        assert!(REP_KEYS.iter().any(|k| l.starts_with(k)), "forged: {l:?}");
    }
    assert!(
        rep.contains("engine: rec: virus Evil|%41 X-Evil: 1 \u{FFFD}|qmvc pid:1|forged"),
        "{rep}"
    );
    assert!(rep.contains("subject: Invoice X-Evil: 2|%\n"), "{rep}");

    // The quarantine file: qmvc's own lines, then the message unchanged.
    let stored = fs::read(&site.quarantine("new")[0]).expect("stored");
    assert!(stored.ends_with(message.as_bytes()));
    let head = String::from_utf8_lossy(&stored[..stored.len() - message.len()]).into_owned();
    for l in head.lines() {
        assert!(
            ["Return-Path: <", "Delivered-To: ", "X-Qmvc-"]
                .iter()
                .any(|k| l.starts_with(k)),
            "forged: {l:?}"
        );
        assert!(!l.contains('\0') && !l.contains('\r'), "{l:?}");
    }
    assert!(head.contains("X-Qmvc-Finding: virus"), "{head}");

    // The guard's report: no header from the values, the name in the body.
    let sent = injects(&site);
    assert!(!sent.is_empty(), "a guard report went out");
    for (_, eml) in &sent {
        let parsed = mailparse::parse_mail(eml).expect("report parses");
        for h in &parsed.headers {
            let key = h.get_key();
            assert!(
                !key.eq_ignore_ascii_case("X-Evil") && !key.contains("qmvc pid"),
                "forged header {key}"
            );
        }
        assert!(
            !eml.windows(2).any(|w| w == b"\r\n") && !eml.contains(&0),
            "no CR or NUL reaches inject"
        );
    }
    let guard = sent
        .iter()
        .find(|(argv, _)| argv.last().is_some_and(|a| a == b"guard@example.com"))
        .expect("guard report");
    let parsed = mailparse::parse_mail(&guard.1).expect("parses");
    let body: String = std::iter::once(&parsed)
        .chain(parsed.subparts.iter())
        .filter_map(|p| p.get_body().ok())
        .collect();
    assert!(body.contains("Evil|%41"), "{body}");
}
