//! `qmvc quarantine list|show ID|release ID|purge --older-than DUR`:
//! the administrator's view of the quarantine Maildir
//! (`[paths].quarantine`), messages in `new/` and in `cur/` alike.
//!
//! An ID is the incident id (`X-Qmvc-Incident:`, the log line's `id:`) or
//! the file's Maildir name. IDs typed on the command line are looked up by
//! listing the directories and comparing, never joined onto a path, so no ID
//! can reach a file outside the quarantine. Listing reads only each file's
//! header block; what came from the message is made safe for the terminal
//! ([`stored::terminal`]) before it is printed.
//!
//! Exit status, as the other administrative commands: 0 done, 1 not found
//! or a problem (a file that cannot be read, an inject that failed), 2 a
//! usage error or an invalid configuration.

mod release;
mod select;
mod stored;

use std::ffi::OsStr;
use std::io::{self, Write};
use std::path::Path;
use std::time::SystemTime;

use chrono::{DateTime, Local};
use serde_json::json;

use crate::actions::maildir::{self, Entry};
use crate::config::Config;
use crate::envelope::Virtualdomains;
use crate::exit::Exit;
use crate::message;

pub use release::{purge, release};
use stored::Head;
pub(super) use stored::terminal;

/// The subdirectories that hold quarantined messages (maildir(5)): `new/`
/// as qmvc delivers them, `cur/` once a mail client has seen them.
const HELD: &[&str] = &["new", "cur"];
/// Bytes `list` and `show` read at most per file: qmvc's lines and the
/// original's header block, never the body.
const HEAD_CAP: usize = 256 << 10;
/// Characters shown per column in `list`.
const ADDRESS_MAX: usize = 40;
const SUBJECT_MAX: usize = 60;
const FINDINGS_MAX: usize = 60;

/// One quarantined message as `list` and `show` see it.
struct Item {
    entry: Entry,
    /// qmvc's lines; `None` for a file filter mode did not write.
    head: Option<Head>,
    /// The original's decoded `Subject:`.
    subject: Option<String>,
    /// The address the user knows ([`stored::user_address`]), `?` when
    /// unknown.
    recipient: String,
}

impl Item {
    /// Reads `entry`'s header block (at most [`HEAD_CAP`] bytes).
    fn read(entry: Entry, config: &Config, vdoms: &Virtualdomains) -> io::Result<(Item, Vec<u8>)> {
        let mut file = maildir::open_message(&entry.path)?;
        let bytes = maildir::read_head(&mut file, HEAD_CAP)?;
        let head = stored::parse(&bytes);
        let original = bytes.get(head.as_ref().map_or(0, |h| h.len)..);
        let subject = message::parse(original.unwrap_or_default(), &config.limits).subject;
        let recipient = head.as_ref().map_or("?".into(), |h| {
            stored::user_address(h, config.recipient.mode, vdoms)
        });
        Ok((
            Item {
                entry,
                head,
                subject,
                recipient,
            },
            bytes,
        ))
    }

    /// The incident id, else the Maildir name.
    fn id(&self) -> &str {
        match &self.head {
            Some(h) if !h.incident.is_empty() => &h.incident,
            _ => self.entry.unique(),
        }
    }

    /// Bytes of the original message (what a release injects).
    fn size(&self) -> u64 {
        let qmvc = self.head.as_ref().map_or(0, |h| h.len);
        self.entry
            .len
            .saturating_sub(u64::try_from(qmvc).unwrap_or(0))
    }

    /// `badmail`, `virus`... or `?`.
    fn verdict(&self) -> &str {
        self.head.as_ref().map_or("?", |h| h.verdict.as_str())
    }

    /// What the `list` filters look at.
    fn seen(&self) -> select::Seen<'_> {
        select::Seen {
            recipient: self.head.as_ref().map(|h| h.delivered_to.as_str()),
            sender: self.head.as_ref().map(|h| h.sender.as_str()),
            verdict: self.verdict(),
            stored: local_time(self.entry.modified),
        }
    }

    /// `<sender>`, `<>` for the null sender, `?` when unknown.
    fn sender(&self) -> String {
        self.head
            .as_ref()
            .map_or("?".into(), |h| format!("<{}>", h.sender))
    }

    /// The address the user knows, `?` when unknown.
    fn recipient(&self) -> &str {
        &self.recipient
    }

    /// Each finding as `CONDITION: DETAIL`, without part number and rule
    /// description.
    fn finding_summary(&self) -> String {
        let Some(h) = &self.head else {
            return String::new();
        };
        let short: Vec<String> = h
            .findings
            .iter()
            .map(|f| {
                let (cond, rest) = f.split_once(": ").unwrap_or((f, ""));
                let cond = cond.split(' ').next().unwrap_or(cond);
                format!("{cond}: {}", stored::without_description(rest))
            })
            .collect();
        short.join("; ")
    }
}

/// Local time as in the log line, `YYYY-MM-DD HH:MM:SS`.
fn local_time(t: SystemTime) -> String {
    DateTime::<Local>::from(t)
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// `qmvc quarantine list [--json]`: one line per message in `new/` and
/// `cur/`, oldest first (by the time qmvc wrote the file). Columns: ID,
/// date, verdict, envelope sender, recipient, subject, size of the original
/// message in bytes, findings. With `json`, one object per line with `id`,
/// `file`, `folder`, `date`, `time` (seconds since the epoch), `verdict`,
/// `profile`, `sender` (empty = null sender), `recipient`, `subject`,
/// `size`, `findings` and `engines`. Only the messages `filter` selects
/// ([`select::Selection`]) are listed.
///
/// Exit 0, 1 when the quarantine or a file in it could not be read (the
/// others are still listed), 2 on a bad filter or an invalid configuration.
pub fn list(
    config: Option<&Path>,
    env_config: Option<&OsStr>,
    as_json: bool,
    filter: &crate::cli::ListFilter,
) -> Exit {
    let selection = match select::Selection::new(filter) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("qmvc: {}", terminal(&e, 200));
            return Exit::Status(2);
        }
    };
    let config = match super::admin_config(config, env_config) {
        Ok(c) => c,
        Err(exit) => return exit,
    };
    let mut status = 0;
    let found = match maildir::entries(&config.paths.quarantine, HELD, "quarantine") {
        Ok(f) => f,
        Err(e) => {
            eprintln!("qmvc: {}", e.chain());
            return Exit::Status(1);
        }
    };
    let vdoms = control_files(&config);
    let mut items = Vec::with_capacity(found.len());
    for entry in found {
        match Item::read(entry.clone(), &config, &vdoms) {
            Ok((item, _)) if selection.matches(&item.seen()) => items.push(item),
            Ok(_) => {}
            Err(e) => {
                eprintln!("qmvc: cannot read {}: {e}", entry.path.display());
                status = 1;
            }
        }
    }
    items.sort_by(|a, b| (a.entry.modified, &a.entry.name).cmp(&(b.entry.modified, &b.entry.name)));
    let text = if as_json {
        items.iter().map(json_line).collect()
    } else {
        table(&items)
    };
    let mut out = io::stdout().lock();
    // A closed stdout (`| head`) ends the listing quietly.
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
    Exit::Status(status)
}

/// One JSON object and a newline.
fn json_line(item: &Item) -> String {
    let head = item.head.as_ref();
    let clean = |s: &str| terminal(s, usize::MAX);
    let list = |v: Option<&Vec<String>>| -> Vec<String> {
        v.map(|v| v.iter().map(|s| clean(s)).collect())
            .unwrap_or_default()
    };
    let secs = item
        .entry
        .modified
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let value = json!({
        "schema": super::schema::JSON_SCHEMA,
        "id": clean(item.id()),
        "file": clean(&item.entry.name),
        "folder": item.entry.sub,
        "date": local_time(item.entry.modified),
        "time": secs,
        "verdict": clean(item.verdict()),
        "profile": head.map(|h| clean(&h.profile)),
        "sender": head.map(|h| clean(&h.sender)),
        "recipient": head.map(|_| clean(item.recipient())),
        "subject": item.subject.as_deref().map(clean),
        "size": item.size(),
        "findings": list(head.map(|h| &h.findings)),
        "engines": list(head.map(|h| &h.engines)),
    });
    format!("{}\n", super::schema::terminal_safe(&value.to_string()))
}

/// The aligned table, with a title line.
fn table(items: &[Item]) -> String {
    let rows: Vec<[String; 8]> = items
        .iter()
        .map(|i| {
            [
                terminal(i.id(), 64),
                local_time(i.entry.modified),
                terminal(i.verdict(), 16),
                terminal(&i.sender(), ADDRESS_MAX),
                terminal(i.recipient(), ADDRESS_MAX),
                terminal(i.subject.as_deref().unwrap_or("(none)"), SUBJECT_MAX),
                i.size().to_string(),
                terminal(&i.finding_summary(), FINDINGS_MAX),
            ]
        })
        .collect();
    let title = [
        "ID",
        "DATE",
        "VERDICT",
        "SENDER",
        "RECIPIENT",
        "SUBJECT",
        "SIZE",
        "FINDINGS",
    ]
    .map(String::from);
    let mut widths = [0usize; 8];
    for row in std::iter::once(&title).chain(&rows) {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in std::iter::once(&title).chain(&rows) {
        let mut line = String::new();
        for (n, (cell, w)) in row.iter().zip(widths).enumerate() {
            // SIZE is a number: right-aligned.
            let cell = if n == 6 {
                format!("{cell:>w$}")
            } else {
                format!("{cell:<w$}")
            };
            line.push_str(&cell);
            line.push_str("  ");
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Finds the one message `id` names (incident id, Maildir name with or
/// without its `:2,` info) by listing `new/` and `cur/`. On failure, prints
/// why and returns the exit status: 1 when nothing or more than one
/// message matches or the quarantine cannot be read.
fn find(config: &Config, id: &str) -> Result<Entry, Exit> {
    let fail = |why: String| {
        eprintln!("qmvc: {why}");
        Exit::Status(1)
    };
    let entries = maildir::entries(&config.paths.quarantine, HELD, "quarantine")
        .map_err(|e| fail(e.chain()))?;
    let mut hits: Vec<&Entry> = entries
        .iter()
        .filter(|e| e.name == id || e.unique() == id)
        .collect();
    if hits.is_empty() {
        // Not a file name: compare with each file's incident id.
        hits = entries
            .iter()
            .filter(|e| {
                maildir::open_message(&e.path)
                    .and_then(|mut f| maildir::read_head(&mut f, HEAD_CAP))
                    .is_ok_and(|b| stored::parse(&b).is_some_and(|h| h.incident == id))
            })
            .collect();
    }
    match hits.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(fail(format!(
            "no quarantined message with id {} in {}",
            terminal(id, 100),
            config.paths.quarantine.display()
        ))),
        many => Err(fail(format!(
            "id {} names {} messages: {}",
            terminal(id, 100),
            many.len(),
            many.iter()
                .map(|e| terminal(&e.name, 100))
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// The configuration and the message `id` names ([`find`]).
fn load_and_find(
    config: Option<&Path>,
    env_config: Option<&OsStr>,
    id: &str,
) -> Result<(Config, Entry), Exit> {
    let config = super::admin_config(config, env_config)?;
    let entry = find(&config, id)?;
    Ok((config, entry))
}

/// `qmvc quarantine show ID [--raw]`: what qmvc recorded (incident, verdict,
/// profile, envelope, findings, engines), then the stored header lines:
/// qmvc's, an empty line, the original message's (made safe for the
/// terminal, at most [`HEAD_CAP`] bytes). With `raw`, the whole stored file
/// as it is, byte for byte (meant for a pipe: `| less`, `> file`).
///
/// Exit 0, 1 when the ID names no message or it cannot be read, 2 on an
/// invalid configuration.
pub fn show(config: Option<&Path>, env_config: Option<&OsStr>, id: &str, raw: bool) -> Exit {
    let (config, entry) = match load_and_find(config, env_config, id) {
        Ok(found) => found,
        Err(exit) => return exit,
    };
    let path = entry.path.clone();
    let cannot = |e: io::Error| {
        eprintln!("qmvc: cannot read {}: {e}", path.display());
        Exit::Status(1)
    };
    let mut out = io::stdout().lock();
    if raw {
        return match maildir::open_message(&path) {
            Ok(mut file) => {
                let _ = io::copy(&mut file, &mut out).and_then(|_| out.flush());
                Exit::Status(0)
            }
            Err(e) => cannot(e),
        };
    }
    let (item, bytes) = match Item::read(entry, &config, &control_files(&config)) {
        Ok(r) => r,
        Err(e) => return cannot(e),
    };
    let text = show_text(&item, &bytes);
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
    Exit::Status(0)
}

/// qmail's control/virtualdomains for `list` and `show`; when it cannot be
/// read, says so on stderr and works with none (messages then show the
/// address qmail-local had).
fn control_files(config: &Config) -> Virtualdomains {
    config.recipient.load().unwrap_or_else(|e| {
        eprintln!(
            "qmvc: {}; recipients shown as qmail-local had them",
            e.chain()
        );
        Virtualdomains::default()
    })
}

/// The text of `show`.
fn show_text(item: &Item, bytes: &[u8]) -> String {
    let t = |s: &str| terminal(s, 1000);
    let mut out = format!(
        "id: {}\nfile: {}\nstored: {}\nverdict: {}\n",
        t(item.id()),
        t(&item.entry.path.display().to_string()),
        local_time(item.entry.modified),
        t(item.verdict()),
    );
    match &item.head {
        Some(h) => {
            out.push_str(&format!(
                "profile: {}\nsender: {}\nrecipient: {}\ndelivered to: {}\nrelease to: {}\n",
                t(&h.profile),
                t(&item.sender()),
                t(item.recipient()),
                t(&h.delivered_to),
                t(item.recipient()),
            ));
            for f in &h.findings {
                out.push_str(&format!("finding: {}\n", t(f)));
            }
            for e in &h.engines {
                out.push_str(&format!("engine: {}\n", t(e)));
            }
        }
        None => out.push_str("(not a qmvc quarantine file: no qmvc header lines)\n"),
    }
    out.push_str(&format!(
        "subject: {}\nsize: {} bytes\n\n",
        t(item.subject.as_deref().unwrap_or("(none)")),
        item.size()
    ));
    let qmvc_len = item.head.as_ref().map_or(0, |h| h.len);
    let (ours, theirs) = bytes.split_at(qmvc_len.min(bytes.len()));
    for block in [ours, theirs] {
        for line in String::from_utf8_lossy(block).lines() {
            // Folded lines keep their leading white space.
            let indent = if line.starts_with([' ', '\t']) {
                " "
            } else {
                ""
            };
            out.push_str(&format!("{indent}{}\n", terminal(line, usize::MAX).trim()));
        }
        out.push('\n');
    }
    if bytes.len() >= HEAD_CAP {
        out.push_str(&format!("(header block cut at {} KiB)\n", HEAD_CAP >> 10));
    }
    out
}
