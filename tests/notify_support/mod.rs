//! Shared harness of the `notify_*` integration tests: a temp state
//! directory and configuration, plans for each verdict, messages with
//! chosen headers, a stand-in injector that captures every report, and a
//! parser for what it captured.

#![allow(dead_code)]

use std::sync::Mutex;

use chrono::{DateTime, Utc};
use qmvc::config::{Config, Guards, Mail, Paths, RecipientRule};
use qmvc::engines::{EngineReport, EngineResult};
use qmvc::envelope::Envelope;
use qmvc::error::Error;
use qmvc::message::{Limits, Message};
use qmvc::notify::{self, Audience, Case, Incident, Injector, Outcome, Reactions, Setup};
use qmvc::verdict::{ActionPolicy, Condition, Finding, Plan, decide};

/// A fixed clock: 2024-05-06 07:08:09 UTC.
pub fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(1_714_979_289, 0).unwrap_or_default()
}

/// A configuration whose state lives in `dir`, with one guard of each
/// kind.
pub fn config(dir: &std::path::Path) -> Config {
    Config {
        source: "<test>".into(),
        paths: Paths {
            state: dir.join("state"),
            templates: dir.join("templates"),
            locales: dir.join("locales"),
            ..Paths::default()
        },
        mail: Mail {
            inject: vec!["/bin/false".into()],
            from: "qmvc <postmaster@mx.example.com>".into(),
            ..Mail::default()
        },
        guards: Guards {
            antivirus: vec!["av-guard@example.com".into()],
            badmail: vec!["bm-guard@example.com".into()],
        },
        recipient: RecipientRule::default(),
        limits: Limits::default(),
        engines: Vec::new(),
        user_profiles: Default::default(),
        site: Default::default(),
        state: Default::default(),
        log: Default::default(),
    }
}

/// Reactions that tell every audience about every incident verdict.
pub fn everyone() -> Reactions {
    use qmvc::verdict::Verdict::*;
    Reactions {
        guards: vec![Virus, Badmail, Errormail],
        recipient: vec![Virus, Badmail, Errormail],
        sender: vec![Virus, Badmail, Errormail],
        ..Reactions::default()
    }
}

/// A finding.
pub fn finding(
    condition: Condition,
    part: Option<&str>,
    detail: &str,
    description: &str,
) -> Finding {
    Finding {
        condition,
        part: part.map(str::to_string),
        detail: detail.into(),
        description: description.into(),
    }
}

/// A badmail plan: a blocked attachment and a subject rule, engines
/// skipped.
pub fn badmail_plan() -> Plan {
    decide(
        vec![
            finding(
                Condition::Filename,
                Some("2"),
                "invoice.pdf.exe",
                "executable attachments",
            ),
            finding(Condition::Subject, None, "ILOVEYOU", "the ILOVEYOU worm"),
        ],
        vec![EngineReport {
            name: "clamd".into(),
            result: EngineResult::Skipped("badmail already decided".into()),
            ms: 0,
        }],
        false,
        &ActionPolicy::default(),
    )
}

/// A virus plan: two engines ran, one found two viruses, one was clean.
pub fn virus_plan() -> Plan {
    decide(
        vec![finding(
            Condition::Filename,
            Some("2"),
            "photo.scr",
            "screen savers",
        )],
        vec![
            EngineReport {
                name: "clamd".into(),
                result: EngineResult::Virus(vec![
                    "Win.Worm.Mydoom".into(),
                    "Eicar-Signature".into(),
                ]),
                ms: 31,
            },
            EngineReport {
                name: "yara".into(),
                result: EngineResult::Clean,
                ms: 7,
            },
            EngineReport {
                name: "spare".into(),
                result: EngineResult::Error("connection refused".into()),
                ms: 2,
            },
        ],
        false,
        &ActionPolicy::default(),
    )
}

/// A message with these top-level headers (decoded values) and subject.
pub fn message(headers: &[(&str, &str)]) -> Message {
    let headers: Vec<(String, String)> = headers
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    let subject = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("Subject"))
        .map(|(_, v)| v.clone());
    Message {
        headers,
        subject,
        ..Message::default()
    }
}

/// An envelope from `sender` to `alice@example.com`.
pub fn envelope(sender: &str) -> Envelope {
    Envelope::for_check(sender, "alice@example.com")
}

/// A stand-in for qmail-inject: keeps every report.
#[derive(Default)]
pub struct Capture {
    pub reports: Mutex<Vec<(Vec<String>, Vec<u8>)>>,
}

impl Injector for Capture {
    fn inject(&self, recipients: &[String], message: &[u8]) -> Result<(), Error> {
        if let Ok(mut r) = self.reports.lock() {
            r.push((recipients.to_vec(), message.to_vec()));
        }
        Ok(())
    }
}

impl Capture {
    pub fn taken(&self) -> Taken {
        self.reports.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

/// An injector that always fails.
pub struct Broken;

impl Injector for Broken {
    fn inject(&self, _: &[String], _: &[u8]) -> Result<(), Error> {
        Err(Error::Program {
            what: "inject".into(),
            detail: "exit 111".into(),
        })
    }
}

/// The incident every test message becomes.
pub fn incident(plan: &Plan, envelope: &Envelope, message: &Message) -> Incident {
    Incident::new(
        plan,
        envelope,
        message,
        "1714979289.4242",
        Some("1714979289.M1P4242.mx"),
        "default",
    )
}

/// Captured reports: (recipients, message bytes).
pub type Taken = Vec<(Vec<String>, Vec<u8>)>;

/// Runs the reactions for one message with `reactions` and the language
/// `en`, capturing reports.
pub fn react(
    dir: &std::path::Path,
    reactions: &Reactions,
    plan: &Plan,
    envelope: &Envelope,
    message: &Message,
    capture: &dyn Injector,
) -> Outcome {
    let config = config(dir);
    let incident = incident(plan, envelope, message);
    let case = Case {
        plan,
        envelope,
        message,
        incident: &incident,
    };
    notify::react(&setup(&config, reactions), &case, capture)
}

/// The setup of every test: language `en`, the fixed clock.
pub fn setup<'a>(config: &'a Config, reactions: &'a Reactions) -> Setup<'a> {
    Setup {
        config,
        reactions,
        language: "en",
        now: now(),
    }
}

/// Renders the preview for `audience`, returning (message text, warning).
pub fn preview(
    dir: &std::path::Path,
    reactions: &Reactions,
    plan: &Plan,
    envelope: &Envelope,
    message: &Message,
    audience: Audience,
    lang: Option<&str>,
) -> (String, Option<String>) {
    let config = config(dir);
    let incident = incident(plan, envelope, message);
    let case = Case {
        plan,
        envelope,
        message,
        incident: &incident,
    };
    match notify::preview(&setup(&config, reactions), &case, audience, lang) {
        Ok(p) => (
            String::from_utf8_lossy(&p.message.unwrap_or_default()).into_owned(),
            p.warning,
        ),
        Err(e) => panic!("preview failed: {}", e.chain()),
    }
}

/// Reacts to a message from `sender` with `headers` in a fresh temp
/// directory; returns the outcome and every captured report.
pub fn react_fresh(
    reactions: &Reactions,
    plan: &Plan,
    sender: &str,
    headers: &[(&str, &str)],
) -> (Outcome, Taken) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let capture = Capture::default();
    let outcome = react(
        dir.path(),
        reactions,
        plan,
        &envelope(sender),
        &message(headers),
        &capture,
    );
    (outcome, capture.taken())
}

/// The preview for `audience` in a fresh temp directory: (text, warning).
pub fn preview_fresh(
    reactions: &Reactions,
    plan: &Plan,
    sender: &str,
    headers: &[(&str, &str)],
    audience: Audience,
    lang: Option<&str>,
) -> (String, Option<String>) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    preview(
        dir.path(),
        reactions,
        plan,
        &envelope(sender),
        &message(headers),
        audience,
        lang,
    )
}

/// A captured report, parsed back.
pub struct Parsed {
    /// Top-level headers (name, decoded value), in order.
    pub headers: Vec<(String, String)>,
    /// The decoded body text.
    pub body: String,
    /// The body's charset.
    pub charset: String,
    /// The body's MIME type.
    pub mimetype: String,
}

impl Parsed {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn count(&self, name: &str) -> usize {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .count()
    }
}

/// Parses a report with mailparse.
pub fn parse(bytes: &[u8]) -> Parsed {
    let mail = match mailparse::parse_mail(bytes) {
        Ok(m) => m,
        Err(e) => panic!(
            "report does not parse: {e}\n{}",
            String::from_utf8_lossy(bytes)
        ),
    };
    Parsed {
        headers: mail
            .headers
            .iter()
            .map(|h| (h.get_key(), h.get_value()))
            .collect(),
        body: mail.get_body().unwrap_or_default(),
        charset: mail.ctype.charset.clone(),
        mimetype: mail.ctype.mimetype.clone(),
    }
}
