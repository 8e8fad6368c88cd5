//! `qmvc quarantine release ID` and `qmvc quarantine purge --older-than
//! DUR`: the two commands that take a message out of the quarantine.
//!
//! Release never loses the message: the file moves to `released/` (beside
//! `new/` and `cur/`, read by no Maildir client) only after the inject
//! program exited 0; any failure before leaves it where it was. A crash
//! between the two can deliver twice, never zero times.

use std::ffi::OsStr;
use std::fs;
use std::io::{self, Read};
use std::path::Path;
use std::time::{Instant, SystemTime};

use chrono::{DateTime, Local};

use super::{HELD, load_and_find, stored, terminal};
use crate::actions::log::{self, Counts, LogLine};
use crate::actions::open::make_dir;
use crate::actions::{inject, maildir, release, rep};
use crate::config::Config;
use crate::exit::Exit;

/// Where released messages are kept, inside `[paths].quarantine`.
const RELEASED: &str = "released";

/// `qmvc quarantine release ID [--to ADDR]...`: re-injects the original
/// message (the bytes after qmvc's lines, and after the `From `,
/// `Return-Path:` and `Delivered-To:` lines preline added when qmvc ran
/// under preline, [`stored::preline_len`]) through
/// `[mail].inject` ([`inject::send`]: argv, no shell, recipients after
/// `--`) with the original envelope sender (`-f`; the null sender stays
/// null), to `to` or else the address the user knows
/// ([`stored::user_address`]), once per recipient, each time headed by
/// that recipient's one-time release token ([`release::header_line`]):
/// the qmvc on the recipient's dot-qmail passes it on unjudged, once.
/// Then moves the file to `[paths].quarantine/released/`, and writes the
/// release to `qmvc.log` (one `A:release` line per recipient, with the
/// incident's id) and `qmvc.rep` (a `--- qmvc release ID ---` block).
///
/// Exit 0 released, 1 not found, not a qmvc file, inject failed (the file
/// stays; recipients already sent to are named) or the file could not be
/// moved after a successful inject, 2 on a bad `--to` or configuration.
pub fn release(config: Option<&Path>, env_config: Option<&OsStr>, id: &str, to: &[String]) -> Exit {
    let start = Instant::now();
    if let Some(bad) = to
        .iter()
        .find(|a| a.is_empty() || a.chars().any(char::is_control))
    {
        eprintln!("qmvc: --to {}: not an address", terminal(bad, 100));
        return Exit::Status(2);
    }
    let (config, entry) = match load_and_find(config, env_config, id) {
        Ok(found) => found,
        Err(exit) => return exit,
    };
    let fail = |why: String| {
        eprintln!("qmvc: release {}: {why}", terminal(id, 100));
        Exit::Status(1)
    };
    let mut bytes = Vec::new();
    if let Err(e) = maildir::open_message(&entry.path).and_then(|mut f| f.read_to_end(&mut bytes)) {
        return fail(format!("cannot read {}: {e}", entry.path.display()));
    }
    let Some(head) = stored::parse(&bytes) else {
        return fail(format!(
            "{} is not a qmvc quarantine file (no qmvc header lines); not released",
            entry.path.display()
        ));
    };
    let original = bytes.get(head.len..).unwrap_or_default();
    let original = original
        .get(stored::preline_len(original)..)
        .unwrap_or_default();
    let recipients: Vec<String> = if !to.is_empty() {
        to.to_vec()
    } else if !head.recipient.is_empty() {
        vec![head.recipient.clone()]
    } else {
        match config.recipient.load() {
            Ok(vdoms) => vec![stored::user_address(&head, config.recipient.mode, &vdoms)],
            Err(e) => return fail(format!("{}; name the recipient with --to", e.chain())),
        }
    };
    // A file written by filter mode run without qmail-local's environment
    // names nobody: injecting to "" would report success and deliver
    // nowhere (or to the inject program's idea of a default).
    if recipients.iter().any(|r| r.trim().is_empty()) {
        return fail(format!(
            "{} names no recipient (it was quarantined without qmail-local's \
             environment); not released: name the recipient with --to",
            entry.path.display()
        ));
    }
    let key = match release::load_or_create_key(&config.paths.state) {
        Ok(k) => k,
        Err(e) => {
            return fail(format!(
                "{}; the message stays in the quarantine",
                e.chain()
            ));
        }
    };
    let now = Local::now();
    let incident = if head.incident.is_empty() {
        entry.unique().to_string()
    } else {
        head.incident.clone()
    };
    let mut sent: Vec<String> = Vec::new();
    for recipient in &recipients {
        let mut message =
            release::header_line(&key, &incident, recipient, now.timestamp()).into_bytes();
        message.extend_from_slice(original);
        if let Err(e) = inject::send(
            &config.mail.inject,
            &head.sender,
            std::slice::from_ref(recipient),
            &message,
            config.mail.timeout(),
            None,
        ) {
            let already = if sent.is_empty() {
                String::new()
            } else {
                format!(" (already sent to {})", terminal(&sent.join(", "), 400))
            };
            return fail(format!(
                "to {}: {}{already}; the message stays in the quarantine",
                terminal(recipient, 200),
                e.chain()
            ));
        }
        sent.push(recipient.clone());
    }
    let shown_to = terminal(&recipients.join(", "), 400);
    let dir = config.paths.quarantine.join(RELEASED);
    let kept = dir.join(&entry.name);
    let moved = make_dir(&dir).and_then(|()| fs::rename(&entry.path, &kept));
    let mut status = 0;
    if let Err(e) = moved {
        fail(format!(
            "injected to {shown_to}, but cannot move {} to {}: {e}; remove it by hand, \
             or a second release sends it again",
            entry.path.display(),
            dir.display()
        ));
        status = 1;
    }
    let audit = Audit {
        incident: &incident,
        head: &head,
        recipients: &recipients,
        how: if to.is_empty() {
            "to the recipient"
        } else {
            "--to"
        },
        kept: &kept.display().to_string(),
        now,
        start,
    };
    for problem in audit.write(&config) {
        eprintln!("qmvc: release {}: {problem}", terminal(id, 100));
        status = 1;
    }
    if status == 0 {
        println!(
            "released {} to {shown_to} (envelope sender <{}>), {} bytes, with a one-time \
             release token; kept as {}",
            terminal(id, 100),
            terminal(&head.sender, 200),
            original.len(),
            kept.display()
        );
    }
    Exit::Status(status)
}

/// What a release writes to `qmvc.log` and `qmvc.rep`.
struct Audit<'a> {
    incident: &'a str,
    head: &'a stored::Head,
    recipients: &'a [String],
    how: &'a str,
    kept: &'a str,
    now: DateTime<Local>,
    start: Instant,
}

impl Audit<'_> {
    /// Appends the log lines and the `.rep` block; returns what could not
    /// be written (the message is already released either way).
    fn write(&self, config: &Config) -> Vec<String> {
        let time = self.now.format(log::TIME_FORMAT).to_string();
        let host = config.site.host();
        let lines: String = self
            .recipients
            .iter()
            .map(|recipient| {
                LogLine {
                    pid: std::process::id(),
                    time: time.clone(),
                    sender: self.head.sender.clone(),
                    recipient: recipient.clone(),
                    profile: self.head.profile.clone(),
                    counts: Counts::default(),
                    engines: Vec::new(),
                    action: "release".into(),
                    exit: 0,
                    ms: u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX),
                    id: self.incident.to_string(),
                    host: Some(host.clone()),
                }
                .format()
            })
            .collect();
        let block = rep::release_block(
            self.incident,
            &time,
            &self.head.sender,
            self.recipients,
            self.how,
            self.kept,
        );
        let mut problems = Vec::new();
        for (path, text, what) in [
            (&config.paths.log, lines, "log"),
            (&config.paths.report, block, "report"),
        ] {
            if let Err(e) = log::append(path, &text, what) {
                problems.push(e.chain());
            }
        }
        problems
    }
}

/// `qmvc quarantine purge --older-than DUR [--dry-run]`: removes the
/// messages in `new/`, `cur/` and `released/` written more than `DUR` ago
/// (humantime: `30d`, `12h`, `2w`), and the files in `tmp/` that
/// [`maildir::stale_tmp`] finds (older than both `DUR` and 36 hours:
/// deliveries that died, maildir(5); `qmvc cleanup` uses the same rule).
/// Prints each file with `dry_run` (nothing removed), then how many and
/// their bytes; with `quiet` (and no `dry_run`) nothing but errors, for
/// cron. Symbolic links and other non-files are left alone.
///
/// Exit 0, 1 when a file could not be removed or a directory read, 2 on a
/// bad duration or configuration.
pub fn purge(
    config: Option<&Path>,
    env_config: Option<&OsStr>,
    older_than: &str,
    dry_run: bool,
    quiet: bool,
) -> Exit {
    let max_age = match humantime::parse_duration(older_than) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("qmvc: --older-than {}: {e}", terminal(older_than, 100));
            return Exit::Status(2);
        }
    };
    let config = match super::super::admin_config(config, env_config) {
        Ok(c) => c,
        Err(exit) => return exit,
    };
    let dir = &config.paths.quarantine;
    let now = SystemTime::now();
    let mut candidates = Vec::new();
    let mut status = 0;
    let kept: Vec<&'static str> = [HELD, &[RELEASED]].concat();
    let held = maildir::entries(dir, &kept, "quarantine").map(|found| {
        found
            .into_iter()
            .filter(|e| now.duration_since(e.modified).unwrap_or_default() > max_age)
            .collect()
    });
    // tmp/ by the rule `qmvc cleanup` follows too.
    for found in [held, maildir::stale_tmp(dir, max_age, now)] {
        match found {
            Ok(found) => candidates.extend(found),
            Err(e) => {
                eprintln!("qmvc: {}", e.chain());
                status = 1;
            }
        }
    }
    let (mut count, mut bytes) = (0u64, 0u64);
    for e in &candidates {
        if dry_run {
            println!("would remove {} ({} bytes)", e.path.display(), e.len);
        } else if let Err(err) = fs::remove_file(&e.path) {
            if err.kind() != io::ErrorKind::NotFound {
                eprintln!("qmvc: cannot remove {}: {err}", e.path.display());
                status = 1;
            }
            continue;
        }
        count += 1;
        bytes += e.len;
    }
    if quiet && !dry_run {
        return Exit::Status(status);
    }
    println!(
        "{} {count} quarantined file{} ({bytes} bytes) older than {} from {}",
        if dry_run { "would remove" } else { "removed" },
        if count == 1 { "" } else { "s" },
        terminal(older_than, 100),
        dir.display()
    );
    Exit::Status(status)
}
