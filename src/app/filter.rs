//! Filter mode: what qmail-local runs for every message. Reads the
//! environment and stdin, judges, then carries the plan out in a fixed
//! order: quarantine or forward, log line, report block, exit. Every failure
//! before the message is safely stored ends in 111 (the message stays in the
//! queue); see the table in [`run`].

use std::ffi::OsStr;
use std::path::Path;
use std::time::{Duration, Instant};

use chrono::{DateTime, Local, Utc};

use super::input;
use super::pipeline::{Judged, judge};
use crate::actions::log::{Counts, LogLine};
use crate::actions::maildir::{self, Stored, Unique};
use crate::actions::{inject, log, rep};
use crate::config::Config;
use crate::envelope::Envelope;
use crate::error::Error;
use crate::escape::{address, header_text};
use crate::exit::Exit;
use crate::notify::{self, Case, INJECT_TIMEOUT, Incident, Inject, Outcome, Setup};
use crate::verdict::{Action, Verdict};

/// How long a forward's inject program may run.
const FORWARD_TIMEOUT: Duration = Duration::from_secs(120);
/// `X-Qmvc-Finding:` lines written at most into a quarantine file.
const HEADER_FINDINGS_MAX: usize = 20;

/// Runs filter mode. `config` is `--config`, `env_config` `$QMVC_CONFIG`.
///
/// | step fails                 | exit | message                      |
/// |----------------------------|------|------------------------------|
/// | configuration, profile     | 111  | in the queue                 |
/// | reading stdin              | 111  | in the queue                 |
/// | quarantine write (ENOSPC)  | 111  | in the queue, nothing in new/|
/// | forward inject             | 111  | in the queue                 |
/// | log line after pass/bounce | 111  | in the queue                 |
/// | log line after quarantine  | 111  | quarantine file retracted    |
/// | log line after forward/drop| 99   | already forwarded / dropped  |
/// | report block               | as planned (the log line has it) |
pub fn run(config: Option<&Path>, env_config: Option<&OsStr>, user_profiles: bool) -> Exit {
    let start = Instant::now();
    let now = Local::now();
    let config = match Config::load(config, env_config) {
        Ok(c) => c,
        Err(e) => return Exit::defer(e.chain()),
    };
    let envelope = Envelope::from_env(|k| std::env::var_os(k), &config.recipient);
    let limit = config.limits.max_message_bytes;
    let mut input = match input::read_stdin(limit, &config.paths.workdir) {
        Ok(i) => i,
        Err(source) => return Exit::defer(Error::Message { source }.chain()),
    };
    let judged = match judge(
        &config,
        &envelope,
        &input.head,
        user_profiles,
        now.with_timezone(&Utc),
    ) {
        Ok(j) => j,
        Err(e) => return Exit::defer(e.chain()),
    };
    // Checked: at most the limit; kept (quarantine, forward): all of it.
    let keep = matches!(judged.plan.action, Action::Quarantine | Action::Forward);
    let raw = match input.message(keep) {
        Ok(r) => r,
        Err(source) => return Exit::defer(Error::Message { source }.chain()),
    };
    carry_out(&config, &envelope, &raw, &judged, now, start)
}

/// Carries the plan out: the one place where filter mode writes.
fn carry_out(
    config: &Config,
    envelope: &Envelope,
    raw: &[u8],
    judged: &Judged,
    now: DateTime<Local>,
    start: Instant,
) -> Exit {
    let plan = &judged.plan;
    let pid = std::process::id();
    let id = incident_id(now, pid);
    let mut stored: Option<Stored> = None;
    match plan.action {
        Action::Quarantine => {
            let unique = Unique {
                secs: now.timestamp(),
                micros: now.timestamp_subsec_micros(),
                pid,
                host: hostname(),
            };
            let head = quarantine_head(envelope, judged, &id);
            match maildir::deliver(
                &config.paths.quarantine,
                &unique,
                head.as_bytes(),
                raw,
                "quarantine",
            ) {
                Ok(s) => stored = Some(s),
                Err(e) => return Exit::defer(e.chain()),
            }
        }
        Action::Forward => {
            let to: Vec<String> = plan.forward_to.iter().cloned().collect();
            let mut msg = quarantine_head(envelope, judged, &id).into_bytes();
            msg.extend_from_slice(raw);
            if let Err(e) = inject::send(&config.mail.inject, "", &to, &msg, FORWARD_TIMEOUT, None)
            {
                return Exit::defer(e.chain());
            }
        }
        Action::Pass | Action::Bounce | Action::Drop | Action::Defer => {}
    }
    let line = LogLine {
        pid,
        time: now.format("%Y-%m-%d %H:%M:%S").to_string(),
        sender: envelope.sender.clone(),
        recipient: envelope.user_recipient.clone(),
        profile: judged.profile.name.clone(),
        counts: Counts::of(&plan.findings),
        engines: LogLine::engines_of(&plan.engines),
        action: plan.action.name().to_string(),
        exit: plan.exit.code(),
        ms: u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX),
        id: id.clone(),
    };
    if let Err(e) = log::append(&config.paths.log, &line.format(), "log") {
        match plan.action {
            // Already gone: deferring would forward twice.
            Action::Forward | Action::Drop => eprintln!("qmvc: {}", e.chain()),
            _ => {
                if let Some(s) = &stored {
                    maildir::retract(s);
                }
                return Exit::defer(e.chain());
            }
        }
    }
    // Incident reports come after the log line: a failed report never
    // changes what happens to the message once it is safely stored.
    let mut notes = Vec::new();
    if plan.verdict != Verdict::Clean && plan.action != Action::Defer {
        let incident = Incident::new(
            plan,
            envelope,
            &judged.message,
            &id,
            stored.as_ref().map(|s| s.name.as_str()),
            &judged.profile.name,
        );
        let setup = Setup {
            config,
            reactions: &judged.profile.reactions,
            language: &judged.profile.language,
            now: now.with_timezone(&Utc),
        };
        let case = Case {
            plan,
            envelope,
            message: &judged.message,
            incident: &incident,
        };
        let injector = Inject {
            argv: &config.mail.inject,
            timeout: INJECT_TIMEOUT,
            cwd: None,
        };
        notes = report_notes(&notify::react(&setup, &case, &injector));
    }
    if plan.is_incident() {
        let block = rep::Block {
            id: &id,
            time: &line.time,
            envelope,
            profile: &judged.profile.name,
            subject: judged.message.subject.as_deref(),
            plan,
            quarantine: stored.as_ref().map(|s| s.name.as_str()),
            notes: &notes,
            exit: plan.exit.code(),
        };
        // The log line already records the incident; a lost block must not
        // change what happens to the message.
        if let Err(e) = log::append(&config.paths.report, &block.format(), "report") {
            eprintln!("qmvc: {}", e.chain());
        }
    }
    plan.exit.clone()
}

/// The `.rep` block's `notify:` lines: every report sent or failed, every
/// audience not told and why, the bomber counter, state trouble.
fn report_notes(outcome: &Outcome) -> Vec<String> {
    let mut notes = Vec::new();
    for s in &outcome.sent {
        let status = match &s.error {
            None => "sent".to_string(),
            Some(e) => format!("FAILED: {e}"),
        };
        notes.push(format!(
            "{} to {} [{}]: {status}",
            s.audience.name(),
            s.to.join(", "),
            s.languages.join(", ")
        ));
    }
    for s in &outcome.skipped {
        notes.push(format!("{}: not sent: {}", s.audience.name(), s.reason));
    }
    if let Some(b) = &outcome.bomber {
        notes.push(format!(
            "bomber: {} incident(s) from this sender in the current window",
            b.count
        ));
    }
    for p in &outcome.problems {
        notes.push(format!("problem: {p}"));
    }
    notes
}

/// `SECS.MICROS.PID`: unique on one host, sortable by time.
fn incident_id(now: DateTime<Local>, pid: u32) -> String {
    format!(
        "{}.{:06}.{pid}",
        now.timestamp(),
        now.timestamp_subsec_micros()
    )
}

fn hostname() -> String {
    nix::unistd::gethostname()
        .ok()
        .and_then(|h| h.into_string().ok())
        .unwrap_or_else(|| "localhost".into())
}

/// `Return-Path:`, `Delivered-To:` and `X-Qmvc-*` lines put in front of a
/// quarantined or forwarded message (SPEC §4). Every value is escaped.
fn quarantine_head(envelope: &Envelope, judged: &Judged, id: &str) -> String {
    let plan = &judged.plan;
    let mut h = format!(
        "Return-Path: <{}>\nDelivered-To: {}\nX-Qmvc-Incident: {}\nX-Qmvc-Verdict: {}\nX-Qmvc-Profile: {}\n",
        address(&envelope.sender),
        address(&envelope.recipient),
        header_text(id, 64),
        plan.verdict.name(),
        header_text(&judged.profile.name, 128),
    );
    for f in plan.findings.iter().take(HEADER_FINDINGS_MAX) {
        let part = f
            .part
            .as_deref()
            .map(|p| format!(" part {}", header_text(p, 32)))
            .unwrap_or_default();
        h.push_str(&format!(
            "X-Qmvc-Finding: {}{part}: {} ({})\n",
            f.condition.name(),
            header_text(&f.detail, 300),
            header_text(&f.description, 200)
        ));
    }
    for r in &plan.engines {
        h.push_str(&format!(
            "X-Qmvc-Engine: {}={}\n",
            header_text(&r.name, 64),
            r.result.name()
        ));
    }
    h
}
