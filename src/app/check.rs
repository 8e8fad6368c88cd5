//! `qmvc check`: the filter's pipeline on message files, with no side
//! effects (nothing quarantined, sent or logged). Prints a table, or one JSON
//! object per file and line.
//!
//! A released copy (an `X-Qmvc-Release:` token, see
//! [`crate::actions::release`]) gets the decision filter mode makes: a
//! token that checks out for `--recipient` under the site's release key
//! and was never used passes (action pass, exit 0), without being spent;
//! the rules' verdict is still shown. Where the key cannot be read (not
//! root, not the delivering user) `check` says so instead of guessing.

use std::ffi::OsStr;
use std::io::{self, Write};
use std::path::Path;
use std::time::Instant;

use serde_json::{Value, json};

use super::parallel;
use super::pipeline::{Judged, judge};
use crate::cli::CheckArgs;
use crate::engines::EngineResult;
use crate::envelope::Envelope;
use crate::exit::Exit;

/// Runs `check`. Files are judged `--jobs` at a time (default: the CPUs,
/// at most [`JOBS_DEFAULT_MAX`]) and printed in the order given. Exit
/// status 0 when every file was judged, 1 when a file could not be read
/// (or, with `--fail-on-stop`, when any message would be stopped: any
/// action but pass), 2 when the configuration is invalid.
pub fn run(config: Option<&Path>, env_config: Option<&OsStr>, args: &CheckArgs) -> Exit {
    let mut config = match super::admin_config(config, env_config) {
        Ok(c) => c,
        Err(exit) => return exit,
    };
    let _workdir = match PrivateWorkdir::take_over(&mut config) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("qmvc: {e}");
            return Exit::Status(1);
        }
    };
    let jobs = args.jobs.map_or_else(default_jobs, usize::from);
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let mut status = 0;
    parallel::map_in_order(
        &args.files,
        jobs,
        |file| one_file(&config, args, file),
        |checked: Checked| {
            if checked.unreadable || (args.fail_on_stop && checked.stopped) {
                status = 1;
            }
            // A closed stdout (`| head`) ends the run quietly.
            out.write_all(checked.text.as_bytes()).is_ok()
        },
    );
    let _ = out.flush();
    Exit::Status(status)
}

/// Files judged at once by default, at most (each holds its message).
pub const JOBS_DEFAULT_MAX: usize = 8;

fn default_jobs() -> usize {
    std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(JOBS_DEFAULT_MAX)
}

/// What one file gave: the lines to print, and how it ended.
struct Checked {
    text: String,
    /// The file could not be read or judged.
    unreadable: bool,
    /// The action would not pass the message on.
    stopped: bool,
}

/// The envelope sender `check` stands in when `--sender` is not given and
/// the message has no `Return-Path:`: an ordinary sender (not a bounce),
/// in the `.invalid` top-level domain (RFC 2606) so that it is nobody's.
pub const STAND_IN_SENDER: &str = "unknown@invalid";

/// Where the envelope sender of a checked file came from (`--json`
/// `"sender_from"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SenderFrom {
    /// `--sender`.
    Option,
    /// The message's first `Return-Path:` header.
    ReturnPath,
    /// Neither: [`STAND_IN_SENDER`].
    StandIn,
}

impl SenderFrom {
    /// The word `--json` prints.
    pub fn name(self) -> &'static str {
        match self {
            SenderFrom::Option => "option",
            SenderFrom::ReturnPath => "return-path",
            SenderFrom::StandIn => "stand-in",
        }
    }
}

/// The envelope sender a message file records: the value of the first
/// `Return-Path:` field of its header (qmail-local writes `Return-Path:
/// <SENDER>` in front of every delivery, qmail-local(8); a quarantined file
/// starts with it; MUAs keep it when they save a message), past an mbox
/// `From ` line. `<>` gives `""` (the null sender); an unbracketed value is
/// taken as written. `None` when the header has no such field. Reads at
/// most the header block (to the first empty line).
pub fn recorded_sender(raw: &[u8]) -> Option<String> {
    let mut first = true;
    for line in raw.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            return None;
        }
        if std::mem::take(&mut first) && line.starts_with(b"From ") {
            continue;
        }
        let Some(value) = line
            .get(..12)
            .filter(|name| name.eq_ignore_ascii_case(b"Return-Path:"))
            .and_then(|_| line.get(12..))
        else {
            continue;
        };
        let value = String::from_utf8_lossy(value);
        let value = value.trim();
        let address = match value.strip_prefix('<') {
            Some(rest) => rest.split('>').next().unwrap_or(rest),
            None => value,
        };
        return Some(address.trim().to_string());
    }
    None
}

/// The envelope sender for a message file: `option` (`--sender`) when
/// given, else the sender the file records ([`recorded_sender`]), else
/// [`STAND_IN_SENDER`]; `check` and `notify preview` alike.
pub(crate) fn envelope_sender(option: Option<&str>, raw: &[u8]) -> (String, SenderFrom) {
    match option {
        Some(s) => (s.to_string(), SenderFrom::Option),
        None => match recorded_sender(raw) {
            Some(s) => (s, SenderFrom::ReturnPath),
            None => (STAND_IN_SENDER.to_string(), SenderFrom::StandIn),
        },
    }
}

/// The envelope for one file: the sender by [`envelope_sender`].
fn envelope_for(args: &CheckArgs, raw: &[u8]) -> (Envelope, SenderFrom) {
    let (sender, from) = envelope_sender(args.sender.as_deref(), raw);
    (Envelope::for_check(&sender, &args.recipient), from)
}

/// Reads and judges one file; never prints.
fn one_file(config: &crate::config::Config, args: &CheckArgs, file: &Path) -> Checked {
    let name = file.display().to_string();
    let start = Instant::now();
    let raw = super::read_message(file, &config.limits);
    let result = match raw {
        Err(e) => Err(format!("cannot read {name}: {e}")),
        Ok(raw) => {
            let (envelope, from) = envelope_for(args, &raw);
            let now = chrono::Utc::now();
            let release = release_token(config, &envelope, &raw, now.timestamp());
            judge(config, &envelope, &raw, false, now)
                .map_err(|e| e.chain())
                .map(|mut j| {
                    if let Some(r) = &release
                        && r.honoured
                    {
                        // As filter mode: passed on unjudged.
                        j.plan.action = crate::verdict::Action::Pass;
                        j.plan.exit = Exit::Pass;
                    }
                    (j, raw.len(), envelope.sender, from, release)
                })
        }
    };
    let ms = u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX);
    let text = match &result {
        Ok((judged, size, sender, from, release)) if args.json => {
            let mut value = json_value(&name, judged, *size, ms);
            if let Some(map) = value.as_object_mut() {
                map.insert("sender".into(), Value::from(sender.as_str()));
                map.insert("sender_from".into(), Value::from(from.name()));
                if let Some(r) = release {
                    map.insert(
                        "release".into(),
                        json!({ "id": r.id, "honoured": r.honoured, "detail": r.detail }),
                    );
                }
            }
            format!("{}\n", super::schema::terminal_safe(&value.to_string()))
        }
        Ok((judged, .., release)) => {
            let mut rows = table_rows(&name, judged);
            if let Some(r) = release {
                rows.push_str(&format!(
                    "    release token {}: {}\n",
                    crate::escape::terminal(&r.id, 64),
                    r.detail
                ));
            }
            rows
        }
        Err(e) if args.json => format!(
            "{}\n",
            super::schema::terminal_safe(
                &json!({ "schema": super::schema::JSON_SCHEMA, "file": name, "error": e })
                    .to_string()
            )
        ),
        Err(e) => format!("{name}: error: {e}\n"),
    };
    Checked {
        text,
        unreadable: result.is_err(),
        stopped: result
            .as_ref()
            .is_ok_and(|(j, ..)| j.plan.action != crate::verdict::Action::Pass),
    }
}

/// What `check` makes of a file's `X-Qmvc-Release:` token.
struct ReleaseToken {
    /// The incident id the token names.
    id: String,
    /// True when filter mode would pass the file on unjudged.
    honoured: bool,
    /// One sentence for the output.
    detail: String,
}

/// The file's release token as filter mode would take it for
/// `envelope`'s recipient at `now` (seconds), read without spending it:
/// `None` when the file carries none.
fn release_token(
    config: &crate::config::Config,
    envelope: &Envelope,
    raw: &[u8],
    now: i64,
) -> Option<ReleaseToken> {
    use crate::actions::release;
    let token = release::find(raw)?;
    let recipient = crate::escape::terminal(&envelope.user_recipient, 200);
    let (honoured, detail) = match release::load_key(&config.paths.state) {
        Err(e) => (
            false,
            format!(
                "not checked: {}; judged as if it did not check out (filter mode, run as the \
                 delivering user, may pass it on unjudged)",
                e.chain()
            ),
        ),
        Ok(None) => (
            false,
            "no release key on this site: the token counts for nothing".to_string(),
        ),
        Ok(Some(key)) if !release::verify(&key, &token, &envelope.user_recipient, now) => (
            false,
            format!(
                "does not check out for {recipient} (another recipient, expired or forged): \
                 judged like any message"
            ),
        ),
        Ok(Some(_)) if release::is_used(&config.paths.state, &token) => {
            (false, "already used: judged like any message".to_string())
        }
        Ok(Some(_)) => (
            true,
            format!(
                "valid for {recipient}: filter mode passes it on unjudged, once (the verdict \
                 above is what the rules say without it)"
            ),
        ),
    };
    Some(ReleaseToken {
        id: token.id,
        honoured,
        detail,
    })
}

/// A work directory of the administrator's own for `check` and `notify
/// preview`, in the system's temporary directory (`TMPDIR`, else `/tmp`),
/// mode 0700, removed with everything in it when dropped. The site's
/// `[paths].workdir` is never created or written by these commands: run as
/// root, they would leave a root-owned directory that every later
/// delivery by the delivering user fails to write.
pub(super) struct PrivateWorkdir(std::path::PathBuf);

impl PrivateWorkdir {
    /// Creates the directory and points `config.paths.workdir` at it.
    ///
    /// Errors: the directory cannot be created (one line).
    pub(super) fn take_over(config: &mut crate::config::Config) -> Result<PrivateWorkdir, String> {
        use std::os::unix::fs::DirBuilderExt;
        let path = std::env::temp_dir().join(format!(
            "qmvc-check.{}.{:016x}",
            std::process::id(),
            fastrand::u64(..)
        ));
        std::fs::DirBuilder::new()
            .mode(0o700)
            .create(&path)
            .map_err(|e| format!("cannot create work directory {}: {e}", path.display()))?;
        config.paths.workdir = path.clone();
        Ok(PrivateWorkdir(path))
    }
}

impl Drop for PrivateWorkdir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The `check --json` object for one file (README, Commands).
pub fn json_value(file: &str, judged: &Judged, size: usize, ms: u64) -> Value {
    let plan = &judged.plan;
    let findings: Vec<Value> = plan
        .findings
        .iter()
        .map(|f| {
            json!({
                "condition": f.condition.name(),
                "part": f.part,
                "detail": f.detail,
                "description": f.description,
            })
        })
        .collect();
    let engines: Vec<Value> = plan
        .engines
        .iter()
        .map(|r| {
            // A list, empty unless the engine found something.
            let virus = match &r.result {
                EngineResult::Virus(names) => names.clone(),
                _ => Vec::new(),
            };
            let detail = match &r.result {
                EngineResult::Error(d) | EngineResult::Skipped(d) => Value::from(d.as_str()),
                _ => Value::Null,
            };
            json!({ "name": r.name, "result": r.result.name(), "virus": virus, "detail": detail, "ms": r.ms })
        })
        .collect();
    let anomalies: Vec<String> = judged
        .message
        .anomalies
        .iter()
        .map(|a| a.describe())
        .collect();
    json!({
        "schema": super::schema::JSON_SCHEMA,
        "file": file,
        "profile": judged.profile.name,
        "verdict": plan.verdict.name(),
        "action": plan.action.name(),
        "exit": plan.exit.code(),
        "findings": findings,
        "engines": engines,
        "anomalies": anomalies,
        "parts": judged.message.parts.len(),
        "size": size,
        "ms": ms,
    })
}

/// The readable form: one line per file, then one indented line per
/// finding and engine.
fn table_rows(file: &str, judged: &Judged) -> String {
    let plan = &judged.plan;
    let mut s = format!(
        "{:<9} {:<10} {:>3}  {:<12} {}\n",
        plan.verdict.name(),
        plan.action.name(),
        plan.exit.code(),
        judged.profile.name,
        file
    );
    for f in &plan.findings {
        let part = f
            .part
            .as_deref()
            .map(|p| format!(" [{p}]"))
            .unwrap_or_default();
        s.push_str(&format!(
            "    {}{part}: {} ({})\n",
            f.condition.name(),
            crate::escape::terminal(&f.detail, 1000),
            crate::escape::terminal(&f.description, 300)
        ));
    }
    for r in &plan.engines {
        s.push_str(&format!(
            "    engine {}: {} ({} ms)\n",
            r.name,
            r.result.name(),
            r.ms
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recorded_sender_is_the_first_return_path_of_the_header() {
        let cases: [(&str, Option<&str>); 9] = [
            ("Return-Path: <a@b>\nFrom: x\n\n", Some("a@b")),
            ("Return-Path: <>\nFrom: x\n\n", Some("")),
            ("return-path:a@b\r\n\r\n", Some("a@b")),
            (
                "From a@b Thu Jan  1 00:00:00 1970\nReturn-Path: <c@d>\n\n",
                Some("c@d"),
            ),
            (
                "Received: x\nReturn-Path: <a@b>\nReturn-Path: <c@d>\n\n",
                Some("a@b"),
            ),
            ("From: x\n\nReturn-Path: <a@b>\n", None),
            ("From: x\n", None),
            ("", None),
            ("Return-Path", None),
        ];
        for (raw, want) in cases {
            assert_eq!(recorded_sender(raw.as_bytes()).as_deref(), want, "{raw:?}");
        }
    }
}
