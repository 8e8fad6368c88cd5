//! `qmvc quarantine release ID` and `qmvc quarantine purge --older-than
//! DUR`: the two commands that take a message out of the quarantine.
//!
//! Release never loses the message: the file moves to `released/` (beside
//! `new/` and `cur/`, read by no Maildir client) only after the inject
//! program exited 0; any failure before leaves it where it was. A crash
//! between the two can deliver twice, never zero times.

use std::ffi::OsStr;
use std::fs::{self, DirBuilder};
use std::io::{self, Read};
use std::os::unix::fs::DirBuilderExt;
use std::path::Path;
use std::time::SystemTime;

use super::{HELD, load_and_find, stored, terminal};
use crate::actions::{inject, maildir};
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
/// ([`stored::user_address`]). Then moves the file to
/// `[paths].quarantine/released/`.
///
/// qmvc adds nothing that would let the message skip the filter on its way
/// back (anyone can write a header): delivered through a dot-qmail that
/// runs qmvc, it is judged again (see README, "Releasing a message").
///
/// Exit 0 released, 1 not found, not a qmvc file, inject failed (the file
/// stays) or the file could not be moved after a successful inject, 2 on a
/// bad `--to` or configuration.
pub fn release(config: Option<&Path>, env_config: Option<&OsStr>, id: &str, to: &[String]) -> Exit {
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
    if let Err(e) = inject::send(
        &config.mail.inject,
        &head.sender,
        &recipients,
        original,
        config.mail.timeout(),
        None,
    ) {
        return fail(format!(
            "{}; the message stays in the quarantine",
            e.chain()
        ));
    }
    let shown_to = terminal(&recipients.join(", "), 400);
    let dir = config.paths.quarantine.join(RELEASED);
    let kept = dir.join(&entry.name);
    let moved = DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(&dir)
        .and_then(|()| fs::rename(&entry.path, &kept));
    if let Err(e) = moved {
        return fail(format!(
            "injected to {shown_to}, but cannot move {} to {}: {e}; remove it by hand, \
             or a second release sends it again",
            entry.path.display(),
            dir.display()
        ));
    }
    println!(
        "released {} to {shown_to} (envelope sender <{}>), {} bytes; kept as {}",
        terminal(id, 100),
        terminal(&head.sender, 200),
        original.len(),
        kept.display()
    );
    Exit::Status(0)
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
