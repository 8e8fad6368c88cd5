//! Filter mode: what qmail-local runs for every message. Reads the
//! environment and stdin, judges, then carries the plan out in a fixed
//! order: quarantine or forward, log line, report block, exit. Every failure
//! before the message is safely stored ends in 111 (the message stays in the
//! queue); see the table in [`run`].

use std::ffi::OsStr;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use chrono::{DateTime, Local, Utc};

use super::input;
use super::pipeline::{Judged, judge};
use crate::actions::log::{Counts, LogLine};
use crate::actions::maildir::{self, Stored, Unique};
use crate::actions::{inject, log, release, rep, syslog};
use crate::config::Config;
use crate::engines::EngineResult;
use crate::envelope::Envelope;
use crate::error::Error;
use crate::escape::{address, header_text};
use crate::exit::Exit;
use crate::notify::{self, Case, Incident, Inject, Outcome, Setup};
use crate::verdict::{Action, Plan, Verdict};

/// `X-Qmvc-Finding:` lines written at most into a quarantine file.
const HEADER_FINDINGS_MAX: usize = 20;

/// Runs filter mode. `config` is `--config`, `env_config` `$QMVC_CONFIG`.
///
/// | step fails                       | exit | message                        |
/// |----------------------------------|------|--------------------------------|
/// | no `RECIPIENT` / `SENDER` (not run by qmail-local) | 111 | in the queue |
/// | configuration, profile           | 111  | in the queue                   |
/// | control/virtualdomains unreadable| 111  | in the queue                   |
/// | reading stdin                    | 111  | in the queue                   |
/// | engine (work dir, clamd...)      | 111 under `on_error = "defer"`   |
/// | quarantine write (ENOSPC, EACCES)| 111  | in the queue, nothing in new/  |
/// | forward inject (fails, hangs)    | 111  | in the queue                   |
/// | log line after pass/bounce       | 111  | in the queue                   |
/// | log line after quarantine        | 111  | quarantine file retracted      |
/// | log line after forward/drop      | 99   | already forwarded / dropped    |
/// | bomber state, incident report    | as planned; in the `.rep` block, on stderr |
/// | report block                     | as planned; on stderr          |
///
/// Secondary trouble (bomber state, reports, the `.rep` block) goes to
/// stderr as one `qmvc: ...` line each, except on a bounce: there
/// qmail-local would show it to the sender.
pub fn run(config: Option<&Path>, env_config: Option<&OsStr>, user_profiles: bool) -> Exit {
    let start = Instant::now();
    let now = Local::now();
    if let Some(name) = crate::envelope::missing_qmail_variable(|k| std::env::var_os(k)) {
        return Exit::defer(format!(
            "qmail-local's environment is missing ({name} is not set): filter mode runs from a \
             dot-qmail file; try a message by hand with `qmvc check`"
        ));
    }
    let config = match Config::load(config, env_config) {
        Ok(c) => c,
        Err(e) => return Exit::defer_error(&e),
    };
    let vdoms = match config.recipient.load() {
        Ok(v) => v,
        Err(e) => return Exit::defer_error(&e),
    };
    let envelope = Envelope::from_env(|k| std::env::var_os(k), config.recipient.mode, &vdoms);
    let limit = config.limits.max_message_bytes;
    let mut input = match input::read_stdin(limit, &config.paths.workdir) {
        Ok(i) => i,
        Err(source) => return Exit::defer(Error::Message { source }.chain()),
    };
    if let Some(exit) = released(&config, &envelope, &input.head, now, start) {
        return exit;
    }
    let judged = match judge(
        &config,
        &envelope,
        &input.head,
        user_profiles,
        now.with_timezone(&Utc),
    ) {
        Ok(j) => j,
        Err(e) => return Exit::defer_error(&e),
    };
    // Checked: at most the limit; kept (quarantine, forward): all of it.
    let keep = matches!(judged.plan.action, Action::Quarantine | Action::Forward);
    let raw = match input.message(keep) {
        Ok(r) => r,
        Err(source) => return Exit::defer(Error::Message { source }.chain()),
    };
    let exit = carry_out(&config, &envelope, &raw, &judged, now, start);
    // The process ends with this exit: freeing the parsed message, the
    // compiled profile and the configuration one allocation at a time
    // would cost some 3% of a small message's delivery for nothing. None
    // of them has a drop with an effect outside the process (the engines'
    // work directory is removed inside `judge`; the spill file of a piped
    // message is unlinked from the start): keep it so.
    std::mem::forget((judged, raw, input, config));
    exit
}

/// A message `qmvc quarantine release` sent back to this recipient
/// ([`release`]): passed on unjudged (exit 0) when its `X-Qmvc-Release:`
/// token checks out and was never used, logged with `A:pass` and a
/// trailing `released:ID` field naming the incident. `None`: no such
/// token, or one that does not check out (then the message is judged like
/// any other). A token that checks out but cannot be marked used, or a log
/// line that cannot be written, defers.
fn released(
    config: &Config,
    envelope: &Envelope,
    head: &[u8],
    now: DateTime<Local>,
    start: Instant,
) -> Option<Exit> {
    let token = release::find(head)?;
    let key = match release::load_key(&config.paths.state) {
        Ok(key) => key?,
        Err(e) => {
            eprintln!("qmvc: {}; the release token is not honoured", e.chain());
            return None;
        }
    };
    if !release::verify(&key, &token, &envelope.user_recipient, now.timestamp()) {
        return None;
    }
    match release::consume(&config.paths.state, &token) {
        Ok(true) => {}
        Ok(false) => return None,
        Err(e) => return Some(Exit::defer(e.chain())),
    }
    let pid = std::process::id();
    let host = config.site.host();
    let line = LogLine {
        pid,
        time: now.format(log::TIME_FORMAT).to_string(),
        sender: envelope.sender.clone(),
        recipient: envelope.user_recipient.clone(),
        profile: "-".into(),
        counts: Counts::default(),
        engines: Vec::new(),
        action: Action::Pass.name().to_string(),
        exit: 0,
        ms: u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX),
        id: incident_id(now, pid, &host),
        host: Some(host),
    };
    let text = log::with_field(&line.format(), "released", &token.id);
    if let Err(e) = log::append(&config.paths.log, &text, "log") {
        return Some(Exit::defer(e.chain()));
    }
    Some(Exit::Pass)
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
    let host = config.site.host();
    let id = incident_id(now, pid, &host);
    let mut stored: Option<Stored> = None;
    // Said with every message until the site writes a main file: a site
    // on the embedded default runs no anti-virus engine.
    let embedded =
        (config.source == crate::config::EMBEDDED).then(super::config_cmd::embedded_note);
    if let Some(note) = &embedded {
        warn(plan, &[format!("config: {note}")]);
    }
    warn(plan, &engine_errors(plan));
    warn(plan, &judged.notices);
    match plan.action {
        Action::Quarantine => {
            let unique = Unique {
                secs: now.timestamp(),
                micros: now.timestamp_subsec_micros(),
                pid,
                host: host.clone(),
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
                Err(e) => return defer_write(&e, envelope),
            }
        }
        Action::Forward => {
            let to: Vec<String> = plan.forward_to.iter().cloned().collect();
            let mut msg = quarantine_head(envelope, judged, &id).into_bytes();
            msg.extend_from_slice(raw);
            let timeout = config.mail.timeout();
            if let Err(e) = inject::send(&config.mail.inject, "", &to, &msg, timeout, None) {
                return Exit::defer(e.chain());
            }
        }
        Action::Pass | Action::Bounce | Action::Drop | Action::Defer => {}
    }
    let line = LogLine {
        pid,
        time: now.format(log::TIME_FORMAT).to_string(),
        sender: envelope.sender.clone(),
        recipient: envelope.user_recipient.clone(),
        profile: judged.profile.name.clone(),
        counts: Counts::of(&plan.findings),
        engines: LogLine::engines_of(&plan.engines),
        action: plan.action.name().to_string(),
        exit: plan.exit.code(),
        ms: u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX),
        id: id.clone(),
        host: Some(host.clone()),
    };
    if let Err(e) = log::append(&config.paths.log, &line.format(), "log") {
        match plan.action {
            // Already gone: deferring would forward twice.
            Action::Forward | Action::Drop => eprintln!("qmvc: {}", e.chain()),
            _ => {
                if let Some(s) = &stored {
                    maildir::retract(s);
                }
                return defer_write(&e, envelope);
            }
        }
    }
    if config.log.syslog {
        let record = syslog::record(&now.fixed_offset(), &host, pid, &line.format());
        if let Err(e) = syslog::send(&config.log.syslog_socket, &record) {
            let socket = config.log.syslog_socket.display();
            warn(plan, &[format!("syslog record not sent to {socket}: {e}")]);
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
            timeout: config.mail.timeout(),
            cwd: None,
        };
        let outcome = notify::react(&setup, &case, &injector);
        warn(plan, &trouble(&outcome));
        notes = report_notes(&outcome);
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
            config: embedded.as_deref(),
            exit: plan.exit.code(),
        };
        // The log line already records the incident; a lost block must not
        // change what happens to the message.
        if let Err(e) = log::append(&config.paths.report, &block.format(), "report") {
            warn(plan, &[e.chain()]);
        }
    }
    plan.exit.clone()
}

/// The deferral for a write that failed. Where permission was denied, the
/// line says which user qmvc ran as: the usual cause is a dot-qmail of a
/// user other than the data directory's owner (a `~user/.qmail` beside
/// `~alias`), and the line is all qmail-local's log shows.
fn defer_write(e: &Error, envelope: &Envelope) -> Exit {
    let denied = matches!(e, Error::Write { source, .. }
        if source.kind() == std::io::ErrorKind::PermissionDenied);
    if !denied {
        return Exit::defer(e.chain());
    }
    let uid = nix::unistd::getuid();
    let user = header_text(&envelope.user, 64);
    Exit::defer(format!(
        "{}; qmvc runs as uid {uid} (USER {user}): the data directory must belong to the \
         delivering user, one per user whose dot-qmail runs qmvc",
        e.chain()
    ))
}

/// The most bytes of secondary trouble filter mode writes on stderr in
/// all. qmail-local gives a delivery program one pipe for stdout and
/// stderr and keeps at most 3000 bytes of it (qmail-local.c); the one
/// line on stdout that says why the message was deferred or bounced (at
/// most 900 bytes, [`Exit::line`]) comes last and must not be cut off.
const WARN_BUDGET: usize = 1800;

/// Bytes written by [`warn`] so far in this process.
static WARNED: AtomicUsize = AtomicUsize::new(0);

/// Prints secondary trouble on stderr, one `qmvc: ` line each, unless the
/// message bounces: qmail-local puts a bounce's output in front of the
/// sender, who is to read qmvc's one reason and nothing about its site.
/// Past [`WARN_BUDGET`] bytes one line says that more was left out (the
/// report file and the log keep every engine's answer).
fn warn(plan: &Plan, lines: &[String]) {
    if plan.action == Action::Bounce {
        return;
    }
    const MORE: &str = "qmvc: more trouble not shown (qmail keeps 3000 bytes of this output)\n";
    for line in lines {
        let line = format!("qmvc: {}\n", crate::exit::one_line(line, 400));
        let before = WARNED.fetch_add(line.len(), Ordering::Relaxed);
        if before + line.len() + MORE.len() <= WARN_BUDGET {
            eprint!("{line}");
        } else {
            // Said once: the counter is past the budget from now on.
            if before + MORE.len() <= WARN_BUDGET {
                eprint!("{MORE}");
            }
            WARNED.store(WARN_BUDGET + 1, Ordering::Relaxed);
            return;
        }
    }
}

/// Every engine that failed and why (the log line has only `E`): the
/// reason of a deferral, or what a fail-open profile let through.
fn engine_errors(plan: &Plan) -> Vec<String> {
    plan.engines
        .iter()
        .filter_map(|r| match &r.result {
            EngineResult::Error(e) => Some(format!("engine {}: {e}", r.name)),
            _ => None,
        })
        .collect()
}

/// What went wrong with the reports and the bomber state, one line each.
fn trouble(outcome: &Outcome) -> Vec<String> {
    let failed = outcome.sent.iter().filter_map(|s| {
        s.error
            .as_ref()
            .map(|e| format!("{} report not sent: {e}", s.audience.name()))
    });
    let problems = outcome.problems.iter().map(|p| format!("bomber: {p}"));
    failed.chain(problems).collect()
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

/// `SECS.MICROS.PID.HOST`: unique across the site's delivery hosts as
/// long as each has its own `[site] host` (one process per microsecond
/// and pid on a host), sortable by time on each.
pub fn incident_id(now: DateTime<Local>, pid: u32, host: &str) -> String {
    format!(
        "{}.{:06}.{pid}.{host}",
        now.timestamp(),
        now.timestamp_subsec_micros()
    )
}

/// `Return-Path:`, `Delivered-To:` and `X-Qmvc-*` lines put in front of a
/// quarantined or forwarded message (as maildir(5) delivery agents do). Every value is escaped.
fn quarantine_head(envelope: &Envelope, judged: &Judged, id: &str) -> String {
    let plan = &judged.plan;
    let mut h = format!(
        "Return-Path: <{}>\nDelivered-To: {}\nX-Qmvc-Incident: {}\nX-Qmvc-Verdict: {}\n\
         X-Qmvc-Profile: {}\nX-Qmvc-Recipient: {}\n",
        address(&envelope.sender),
        address(&envelope.recipient),
        header_text(id, 64),
        plan.verdict.name(),
        header_text(&judged.profile.name, 128),
        address(&envelope.user_recipient),
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

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use chrono::TimeZone;

    use super::*;

    /// Two hosts at the very same instants with the very same process ids
    /// (the worst case two machines can produce): 10,000 deliveries each,
    /// 20,000 distinct ids, each ending in its host.
    #[test]
    fn ids_of_two_hosts_never_collide() {
        let mut ids = HashSet::new();
        for i in 0..10_000u32 {
            let now = Local
                .timestamp_opt(1_700_000_000 + i64::from(i / 300), (i % 300) * 1000)
                .single()
                .unwrap_or_default();
            let pid = 300 + i % 32_768;
            for host in ["mx1", "mx2"] {
                let id = incident_id(now, pid, host);
                assert!(id.ends_with(&format!(".{host}")), "{id}");
                assert!(ids.insert(id));
            }
        }
        assert_eq!(ids.len(), 20_000);
    }
}
