//! The anti-virus chain: engine definitions (`[[engine]]` in the main file),
//! the per-profile scan policy, and the answers engines give.
//!
//! The clamd client ([`clamd`]), command-line scanners ([`command`],
//! [`presets`]), work directories ([`workdir`]) and the chain itself
//! ([`chain`]) live in submodules; this file holds the shapes the rest of
//! qmvc sees and [`validate`].
//!
//! # What the engines see (`input`), and why the default is `both`
//!
//! An engine can be given the whole message as read (its own MIME parser
//! and unpackers run), the decoded parts (`parts`: each
//! `Message::parts[].body` qmvc's parser found, plus each MIME *segment*:
//! the body cut at every `--` delimiter line whatever boundary the headers
//! declare, made a minimal message of its own), or `both`.
//!
//! Measured with a private clamd 1.4.6 holding only
//! `peer-clamav/_ref/clamav.hdb`, over the ten peer-clamav messages (clam.exe
//! mailed with boundary and header evasions; `tests/engines_chain.rs`,
//! `every_peer_clamav_message_is_virus`, prints the table):
//!
//! | input | detected | scans per message |
//! |---|---|---|
//! | `message` | 6 of 10 (misses two boundaries, `;` in the boundary, the boundary in Content-Disposition, two Content-Type headers) | 1 |
//! | decoded parts alone (mailparse) | 7 of 10 (misses the two Content-Type headers and the comment-in-header-name tricks) | one per part |
//! | message + decoded parts, no segments | 9 of 10 (misses the two Content-Type headers) | 1 + one per part |
//! | `parts` (decoded parts + segments) | 10 of 10 | parts + segments, about 5 for these |
//! | `both` | 10 of 10 | 1 + decoded parts, + segments when the parser recorded an anomaly |
//!
//! No view alone is safe against every evasion: clamd's parser and a
//! decoding parser are fooled by different tricks, so `both` is the
//! default. Its cost is more round trips (each small: a part is usually far
//! smaller than the message, and clamd caches clean results by hash), sent
//! on two connections at once so that a delivery waits for the longest
//! scan rather than the sum (`streams`); a
//! site that must save scans sets `input = "message"` and loses the four
//! evasions above. The segments are sent only when qmvc's parser recorded
//! an anomaly: every evasion they defeat leaves one, and on a well-formed
//! message they are the decoded parts again (clamd decoded each attachment
//! three times before, and large attachments carried the tail).
//! Plain text parts are left to the engine's reading of the whole message
//! only when they are at most a few levels deep: clamd stops descending at
//! its `MaxRecursion` without a word (unless `AlertExceedsMax` is set). What it
//! costs against `clamdscan --stream` alone is measured by `tools/bench`
//! (README, Performance); the catch figures above are from the test.
//!
//! # Failure policy
//!
//! `on_error = "defer"` (the default) makes a message unscanned (111) when
//! any primary engine failed and no backup answered instead: every engine
//! a profile names must answer. `pass` fails open with the error in the
//! engine's report (log letter `E`). Backups run only when every primary
//! failed (amavisd-new's `@av_scanners_backup`); a profile whose engines
//! are all backups runs them as its chain, so that something scans.

use std::collections::HashSet;
use std::time::Duration;

use serde::{Deserialize, Serialize};

pub mod chain;
pub mod clamd;
pub mod command;
mod noscan;
pub mod presets;
mod skeleton;
mod streams;
pub mod workdir;

pub use chain::{ChainInput, ChainOutcome, probe, run_chain};

pub use crate::verdict::{EngineReport, EngineResult};

/// One `[[engine]]` table of the main file, as written.
///
/// `type = "clamd"` takes `servers` (`unix:/path` or `tcp:host:port`) and
/// `timeout` (seconds, or a duration string such as `"90s"`); `type = "command"` takes a `preset` or
/// `command`/`clean_exit`/`virus_exit`/`virus_regex`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EngineConfig {
    /// The name profiles and the log line use.
    pub name: String,
    /// `clamd` or `command`.
    #[serde(rename = "type")]
    pub kind: EngineKind,
    /// clamd: servers in `unix:/path` or `tcp:host:port` form.
    #[serde(default)]
    pub servers: Vec<String>,
    /// Seconds per attempt. Default 150 (above clamd's MaxScanTime of 120).
    /// Written as an integer or a duration string (`"90s"`, `"2m"`;
    /// [`crate::config::seconds`]).
    #[serde(default, deserialize_with = "crate::config::seconds::optional")]
    pub timeout: Option<u64>,
    /// command: a named preset (`clamscan`, `yara`, ...).
    #[serde(default)]
    pub preset: Option<String>,
    /// command: argv with `{dir}` / `{file}` placeholders; never a shell.
    #[serde(default)]
    pub command: Vec<String>,
    /// command: exit codes meaning clean.
    #[serde(default)]
    pub clean_exit: Vec<i32>,
    /// command: exit codes meaning a virus was found.
    #[serde(default)]
    pub virus_exit: Vec<i32>,
    /// command: regex whose first capture group is the virus name.
    #[serde(default)]
    pub virus_regex: Option<String>,
    /// command: regex over the output whose match means "some content
    /// could not be scanned" whatever the exit code but a virus one (the
    /// clamdscan preset: `INSTREAM size limit exceeded`); default from the
    /// preset. What it means is `heuristics`.
    #[serde(default)]
    pub unchecked_regex: Option<String>,
    /// command: a clean exit whose output matches `virus_regex` is still a
    /// virus (scanners such as yara exit 0 either way). Default from the
    /// preset, else false.
    #[serde(default)]
    pub match_is_virus: Option<bool>,
    /// Seconds all attempts on this engine may take for one message
    /// (every server, every part). Default 300. An integer or a duration
    /// string, as `timeout`.
    #[serde(default, deserialize_with = "crate::config::seconds::optional")]
    pub deadline: Option<u64>,
    /// What the engine is given: the whole message, the decoded parts, or
    /// both. Default [`ScanInput::Both`] (see the module doc for why).
    #[serde(default)]
    pub input: Option<ScanInput>,
    /// Largest content handed to the engine, in bytes; `None` = no limit
    /// of qmvc's own (clamd's `StreamMaxLength` still applies).
    #[serde(default)]
    pub max_size: Option<u64>,
    /// The largest single file the engine examines whole, in bytes: a
    /// piece qmvc sends (the message, a decoded part) or a member of an
    /// archive or compressed file inside one (by the size its container
    /// declares) that is larger is content the engine did not examine,
    /// whatever it answers. clamd skips a file over its `MaxFileSize` and
    /// cuts a zip member to it, and says so only under `AlertExceedsMax
    /// yes`; set this to clamd.conf's `MaxFileSize`. Default
    /// [`CLAMD_MAX_FILE_SIZE`] for clamd, a preset's own default
    /// ([`presets::Preset::max_file_size`]), else none. What content over
    /// it means is `oversize`.
    #[serde(default)]
    pub max_file_size: Option<u64>,
    /// The most bytes the engine extracts from one file sent, in bytes:
    /// an attachment whose archive members (every level, by their declared
    /// sizes) add up to more is content the engine did not examine in
    /// full. clamd stops at its `MaxScanSize` and, without `AlertExceedsMax
    /// yes`, answers OK; set this to clamd.conf's `MaxScanSize`. Default
    /// [`CLAMD_MAX_SCAN_SIZE`] for clamd, a preset's own default, else
    /// none. What it means is `oversize`.
    #[serde(default)]
    pub max_scan_size: Option<u64>,
    /// command: exit codes meaning "some content could not be scanned"
    /// (encrypted or corrupt archive, file skipped); default from the
    /// preset. What they mean is `heuristics`.
    #[serde(default)]
    pub unchecked_exit: Vec<i32>,
    /// What content over `max_size` (or over clamd's `StreamMaxLength`)
    /// means. Default [`Oversize::Unchecked`].
    #[serde(default)]
    pub oversize: Oversize,
    /// What "could not examine" answers mean: clamd's limit and encryption
    /// heuristics (`Heuristics.Limits.Exceeded.*`, `Heuristics.Encrypted.*`)
    /// and `unchecked_exit`. Default [`HeuristicPolicy::Unchecked`].
    #[serde(default)]
    pub heuristics: HeuristicPolicy,
}

/// The default `max_file_size` of a clamd engine: `MaxFileSize 25M` as
/// Debian's clamd.conf ships it (clamd.conf(5); clamd's built-in default is
/// larger, 100 MiB in ClamAV 1.x, so a site with no such line should raise
/// it).
pub const CLAMD_MAX_FILE_SIZE: u64 = 25 << 20;

/// The default `max_scan_size` of a clamd engine: `MaxScanSize 100M` as
/// Debian's clamd.conf ships it (clamd.conf(5); clamd's built-in default
/// is larger, 400 MiB in ClamAV 1.x).
pub const CLAMD_MAX_SCAN_SIZE: u64 = 100 << 20;

/// Default seconds per attempt: above clamd's own `MaxScanTime` (120 s),
/// so that clamd gives up on a slow scan before qmvc does.
pub const DEFAULT_TIMEOUT: u64 = 150;

/// Default seconds for every attempt on one engine for one message.
pub const DEFAULT_DEADLINE: u64 = 300;

impl EngineConfig {
    /// An engine called `name` of type `kind` with every other key at its
    /// default (as if the table held only `name` and `type`).
    pub fn new(name: &str, kind: EngineKind) -> EngineConfig {
        EngineConfig {
            name: name.to_string(),
            kind,
            servers: Vec::new(),
            timeout: None,
            preset: None,
            command: Vec::new(),
            clean_exit: Vec::new(),
            virus_exit: Vec::new(),
            virus_regex: None,
            unchecked_regex: None,
            match_is_virus: None,
            deadline: None,
            input: None,
            max_size: None,
            max_file_size: None,
            max_scan_size: None,
            unchecked_exit: Vec::new(),
            oversize: Oversize::default(),
            heuristics: HeuristicPolicy::default(),
        }
    }

    /// The per-attempt timeout: `timeout`, default [`DEFAULT_TIMEOUT`].
    pub fn attempt_timeout(&self) -> Duration {
        Duration::from_secs(self.timeout.unwrap_or(DEFAULT_TIMEOUT))
    }

    /// The overall time for one message: `deadline`, default
    /// [`DEFAULT_DEADLINE`], never less than one attempt.
    pub fn overall_deadline(&self) -> Duration {
        Duration::from_secs(self.deadline.unwrap_or(DEFAULT_DEADLINE)).max(self.attempt_timeout())
    }

    /// The largest single file the engine examines whole, in bytes:
    /// `max_file_size`, else [`CLAMD_MAX_FILE_SIZE`] for clamd or the
    /// preset's own default; `None` when nothing is known.
    pub fn file_limit(&self) -> Option<u64> {
        self.max_file_size.or(match self.kind {
            EngineKind::Clamd => Some(CLAMD_MAX_FILE_SIZE),
            EngineKind::Command => self
                .preset
                .as_deref()
                .and_then(presets::find)
                .and_then(|p| p.max_file_size),
        })
    }

    /// The most bytes the engine extracts from one file sent:
    /// `max_scan_size`, else [`CLAMD_MAX_SCAN_SIZE`] for clamd or the
    /// preset's own default; `None` when nothing is known.
    pub fn scan_limit(&self) -> Option<u64> {
        self.max_scan_size.or(match self.kind {
            EngineKind::Clamd => Some(CLAMD_MAX_SCAN_SIZE),
            EngineKind::Command => self
                .preset
                .as_deref()
                .and_then(presets::find)
                .and_then(|p| p.max_scan_size),
        })
    }

    /// The largest piece qmvc sends the engine, in bytes, and the key that
    /// sets it: the smaller of `max_size` and [`Self::file_limit`].
    pub fn piece_limit(&self) -> Option<(u64, &'static str)> {
        match (self.max_size, self.file_limit()) {
            (Some(max), Some(file)) if file < max => Some((file, "max_file_size")),
            (Some(max), _) => Some((max, "max_size")),
            (None, Some(file)) => Some((file, "max_file_size")),
            (None, None) => None,
        }
    }

    /// What the engine is given: `input`, default [`ScanInput::Both`].
    pub fn scan_input(&self) -> ScanInput {
        self.input.unwrap_or_default()
    }

    /// Every key of the engine with the value it takes effect with
    /// (defaults and a command engine's preset filled in), for `config
    /// show`. `max_size` is absent when qmvc sets no limit of its own.
    pub fn effective(&self) -> toml::Table {
        let mut t = toml::Table::new();
        let mut put = |key: &str, value: toml::Value| {
            t.insert(key.to_string(), value);
        };
        let text = |s: &str| toml::Value::String(s.to_string());
        let secs =
            |d: Duration| toml::Value::Integer(i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
        let codes = |c: &[i32]| {
            toml::Value::Array(
                c.iter()
                    .map(|n| toml::Value::Integer(i64::from(*n)))
                    .collect(),
            )
        };
        put("name", text(&self.name));
        put("type", word(&self.kind));
        match self.kind {
            EngineKind::Clamd => put(
                "servers",
                toml::Value::Array(self.servers.iter().map(|s| text(s)).collect()),
            ),
            EngineKind::Command => {
                if let Some(p) = &self.preset {
                    put("preset", text(p));
                }
                if let Ok(s) = command::Scanner::from_config(self) {
                    put(
                        "command",
                        toml::Value::Array(s.argv.iter().map(|a| text(a)).collect()),
                    );
                    put("clean_exit", codes(&s.clean_exit));
                    put("virus_exit", codes(&s.virus_exit));
                    put("unchecked_exit", codes(&s.unchecked_exit));
                    if let Some(r) = &s.virus_regex {
                        put("virus_regex", text(r.as_str()));
                    }
                    if let Some(r) = &s.unchecked_regex {
                        put("unchecked_regex", text(r.as_str()));
                    }
                    put("match_is_virus", toml::Value::Boolean(s.match_is_virus));
                }
            }
        }
        put("timeout", secs(self.attempt_timeout()));
        put("deadline", secs(self.overall_deadline()));
        put("input", word(&self.scan_input()));
        if let Some(max) = self.max_size {
            put(
                "max_size",
                toml::Value::Integer(i64::try_from(max).unwrap_or(i64::MAX)),
            );
        }
        if let Some(max) = self.file_limit() {
            put(
                "max_file_size",
                toml::Value::Integer(i64::try_from(max).unwrap_or(i64::MAX)),
            );
        }
        if let Some(max) = self.scan_limit() {
            put(
                "max_scan_size",
                toml::Value::Integer(i64::try_from(max).unwrap_or(i64::MAX)),
            );
        }
        put("oversize", word(&self.oversize));
        put("heuristics", word(&self.heuristics));
        t
    }
}

/// What an engine is given to scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum ScanInput {
    /// The whole message as read, so the engine's own MIME parser and
    /// unpackers see it.
    Message,
    /// Each decoded part qmvc's parser found (`Message::parts[].body`);
    /// the whole message when the parser found none.
    Parts,
    /// Both: broken MIME fools parsers differently. The default.
    #[default]
    Both,
}

/// The one lower-case word serde writes for `value` (an engine enum), as
/// a TOML string, for `config show`.
fn word<T: Serialize>(value: &T) -> toml::Value {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => toml::Value::String(s),
        _ => toml::Value::String(String::new()),
    }
}

/// What content larger than an engine's limit means: a piece over
/// `max_size`, `max_file_size` or clamd's `StreamMaxLength` (`INSTREAM
/// size limit exceeded`), an archive member over `max_file_size`, an
/// attachment whose members add up to more than `max_scan_size`. Only
/// content no view could stand in for counts: when the whole message is
/// refused, each decoded part is sent instead, and the message is over
/// the limit only through the parts that are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Oversize {
    /// An `unchecked` finding naming the parts the engine could not take
    /// (log letter `U`; the profile's unchecked action applies). The
    /// default: an attacker must not get a pass by making a part large.
    #[default]
    Unchecked,
    /// An engine failure: the profile's `on_error` decides (a deferral
    /// retries a message that will never get smaller).
    Error,
    /// An errormail finding (the profile's errormail action applies).
    Errormail,
    /// Not scanned by this engine, with no finding: the engine's report
    /// says `skipped` when nothing of the message could be sent. Fails
    /// open; for sites whose other engines take large content.
    Skip,
}

/// What an engine's "could not examine" answers mean: clamd's limit and
/// encryption heuristics (`Heuristics.Limits.Exceeded.*`,
/// `Heuristics.Encrypted.*`) and a command scanner's `unchecked_exit`
/// codes (encrypted or corrupt archives, files not scanned).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum HeuristicPolicy {
    /// A virus, like any other detection.
    Virus,
    /// An `unchecked` finding naming the heuristic. The default: an
    /// encrypted archive or a scan limit is content nobody examined.
    #[default]
    Unchecked,
    /// An errormail finding naming the heuristic.
    Errormail,
    /// Treated as clean (fails open).
    Ignore,
}

/// True for detection names that report clamd's scan limits or encrypted
/// content rather than malware: `Heuristics.Limits.Exceeded.*` and
/// `Heuristics.Encrypted.*` (clamd.conf(5): `AlertExceedsMax`,
/// `AlertEncrypted*`).
pub fn is_limit_heuristic(name: &str) -> bool {
    name.starts_with("Heuristics.Limits.Exceeded") || name.starts_with("Heuristics.Encrypted.")
}

/// `type` of an `[[engine]]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EngineKind {
    /// A clamd server spoken to over its socket protocol (clamd(8)).
    Clamd,
    /// A command-line scanner.
    Command,
}

pub use crate::profile::scan::{ChainMode, OnError, ScanPolicy};

/// A member of an attachment by its size: what the chain is told of the
/// containers qmvc opened ([`crate::container::expand`]), so that a member
/// larger than an engine's [`EngineConfig::file_limit`] counts as not
/// examined by it. Sizes only: nothing is decoded for them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberSize {
    /// The member's id (`2.a1`, `2.a1.a3` inside a nested container).
    pub id: String,
    /// The id of the MIME part that holds it (`2`).
    pub parent: String,
    /// Its path from the attachment's name (`figures.zip/data.bin`),
    /// lossily decoded attacker text.
    pub path: String,
    /// Its size in bytes as its container declares it (gzip: the ISIZE
    /// trailer; bzip2 and xz declare none: only what was read).
    pub size: u64,
}

impl MemberSize {
    /// The size of every member `inside` lists.
    pub fn of(inside: &crate::container::Inside) -> Vec<MemberSize> {
        inside
            .members
            .iter()
            .map(|m| MemberSize {
                id: m.part.id.clone(),
                parent: m.parent.clone(),
                path: m.path.clone(),
                size: m.size,
            })
            .collect()
    }
}

/// Checks `[[engine]]` tables beyond what serde checks: unique names,
/// the keys each `type` needs, known presets, valid regexes, well-formed
/// server addresses. Returns `(key, what is wrong)` pairs, the key relative
/// to the main file (`engine[2].servers[0]`).
pub fn validate(engines: &[EngineConfig]) -> Vec<(String, String)> {
    let mut problems = Vec::new();
    let mut seen = HashSet::new();
    for (i, e) in engines.iter().enumerate() {
        let mut problem = |key: &str, what: String| {
            let key = if key.is_empty() {
                format!("engine[{i}]")
            } else {
                format!("engine[{i}].{key}")
            };
            problems.push((key, what));
        };
        if e.name.is_empty() {
            problem("name", "must not be empty".into());
        } else if !e
            .name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        {
            // The name goes into the log line as `NAME=R`.
            problem(
                "name",
                "may hold only letters, digits, '-', '_' and '.'".into(),
            );
        } else if !seen.insert(e.name.as_str()) {
            problem("name", format!("{:?} is defined twice", e.name));
        }
        if e.timeout == Some(0) {
            problem("timeout", "must be at least 1 second".into());
        }
        if e.deadline == Some(0) {
            problem("deadline", "must be at least 1 second".into());
        }
        if e.max_size == Some(0) {
            problem("max_size", "must be at least 1 byte".into());
        }
        if e.max_scan_size == Some(0) {
            problem(
                "max_scan_size",
                "must be at least 1 byte (for a scanner without a limit, leave it out)".into(),
            );
        }
        if e.max_file_size == Some(0) {
            problem(
                "max_file_size",
                "must be at least 1 byte (for a scanner without a limit, leave it out)".into(),
            );
        }
        match e.kind {
            EngineKind::Clamd => {
                if e.servers.is_empty() {
                    problem("servers", "a clamd engine needs at least one server".into());
                }
                for (j, s) in e.servers.iter().enumerate() {
                    if let Err(what) = clamd::Server::parse(s) {
                        problem(&format!("servers[{j}]"), what);
                    }
                }
                let command_keys = [
                    ("preset", e.preset.is_some()),
                    ("command", !e.command.is_empty()),
                    ("clean_exit", !e.clean_exit.is_empty()),
                    ("virus_exit", !e.virus_exit.is_empty()),
                    ("unchecked_exit", !e.unchecked_exit.is_empty()),
                    ("virus_regex", e.virus_regex.is_some()),
                    ("unchecked_regex", e.unchecked_regex.is_some()),
                    ("match_is_virus", e.match_is_virus.is_some()),
                ];
                for (key, set) in command_keys {
                    if set {
                        problem(key, "only for type = \"command\"".into());
                    }
                }
            }
            EngineKind::Command => {
                if !e.servers.is_empty() {
                    problem("servers", "only for type = \"clamd\"".into());
                }
                if e.preset.is_some() && !e.command.is_empty() {
                    // A preset's exit codes and patterns belong to its own
                    // argv; under another command they mean nothing.
                    problem(
                        "command",
                        "give either preset or command, not both: a preset's exit codes and \
                         patterns belong to its own command (to run it from another path, \
                         write command with the preset's clean_exit, virus_exit, ... as \
                         `qmvc config show` prints them)"
                            .into(),
                    );
                }
                if let Some(p) = &e.preset
                    && presets::find(p).is_none()
                {
                    problem(
                        "preset",
                        format!(
                            "unknown preset {p:?} (known: {})",
                            presets::names().join(", ")
                        ),
                    );
                    continue;
                }
                if let Some(r) = &e.virus_regex
                    && let Err(what) = command::compile(r)
                {
                    problem("virus_regex", what);
                    continue;
                }
                if let Some(r) = &e.unchecked_regex
                    && let Err(what) = command::compile(r)
                {
                    problem("unchecked_regex", what.replace("virus_regex ", ""));
                    continue;
                }
                if let Some(c) = e.clean_exit.iter().find(|c| e.virus_exit.contains(c)) {
                    problem("virus_exit", format!("exit code {c} is also in clean_exit"));
                }
                if let Some(c) = e
                    .unchecked_exit
                    .iter()
                    .find(|c| e.clean_exit.contains(c) || e.virus_exit.contains(c))
                {
                    problem(
                        "unchecked_exit",
                        format!("exit code {c} is also in clean_exit or virus_exit"),
                    );
                }
                if let Err(what) = command::Scanner::from_config(e) {
                    problem("", what);
                }
            }
        }
    }
    problems
}

/// True when `mime` matches one of `patterns`, ASCII case-insensitively:
/// exact (`text/plain`), or a glob as `[conditions.mimetype]` takes them
/// (globset syntax; `*` never crosses the `/`): `text/*`,
/// `application/x-*`, `image/{png,gif}`. A pattern that is no valid glob
/// matches nothing ([`type_pattern_problem`] reports it at load time).
pub fn type_matches(mime: &str, patterns: &[String]) -> bool {
    patterns.iter().any(|p| {
        if is_glob(p) {
            type_glob(p).is_ok_and(|g| g.compile_matcher().is_match(mime))
        } else {
            p.eq_ignore_ascii_case(mime)
        }
    })
}

/// What is wrong with a `noscan_types` pattern, if anything: it must be
/// `type/subtype`, each side a token or a glob, the glob valid.
pub fn type_pattern_problem(pattern: &str) -> Option<String> {
    if pattern
        .split_once('/')
        .is_none_or(|(a, b)| a.is_empty() || b.is_empty() || b.contains('/'))
    {
        return Some(format!("{pattern:?} is not a type/subtype"));
    }
    if is_glob(pattern)
        && let Err(e) = type_glob(pattern)
    {
        return Some(format!("{pattern:?} is not a valid glob: {}", e.kind()));
    }
    None
}

fn is_glob(p: &str) -> bool {
    p.contains(['*', '?', '[', ']', '{', '}', '\\'])
}

fn type_glob(p: &str) -> Result<globset::Glob, globset::Error> {
    globset::GlobBuilder::new(p)
        .case_insensitive(true)
        .literal_separator(true)
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validate_names_every_problem_with_its_key() {
        let mut clamd = EngineConfig::new("clam", EngineKind::Clamd);
        clamd.servers = vec!["unix:/run/clamd.ctl".into(), "tcp:nohost".into()];
        clamd.preset = Some("clamscan".into());
        let mut dup = EngineConfig::new("clam", EngineKind::Clamd);
        dup.servers = vec!["tcp:127.0.0.1:3310".into()];
        let mut cmd = EngineConfig::new("cmd", EngineKind::Command);
        cmd.command = vec!["scan".into(), "--all".into()];
        let mut badre = EngineConfig::new("re", EngineKind::Command);
        badre.preset = Some("clamscan".into());
        badre.virus_regex = Some("(".into());
        let mut unknown = EngineConfig::new("u", EngineKind::Command);
        unknown.preset = Some("norton".into());
        let mut ok = EngineConfig::new("yara", EngineKind::Command);
        ok.preset = Some("yara".into());
        let problems = validate(&[clamd, dup, cmd, badre, unknown, ok]);
        let keys: Vec<&str> = problems.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            keys,
            [
                "engine[0].servers[1]",
                "engine[0].preset",
                "engine[1].name",
                "engine[2]",
                "engine[3].virus_regex",
                "engine[4].preset",
            ],
            "{problems:?}"
        );
        assert!(problems.iter().all(|(_, w)| !w.is_empty()));
    }

    #[test]
    fn types_match_exactly_or_by_top_level() {
        let p = vec!["text/plain".to_string(), "image/*".to_string()];
        assert!(type_matches("text/plain", &p));
        assert!(type_matches("TEXT/Plain", &p));
        assert!(type_matches("image/png", &p));
        assert!(!type_matches("text/html", &p));
        assert!(!type_matches("imagex/png", &p));
    }

    #[test]
    fn noscan_type_patterns_are_globs_as_mimetype_takes_them() {
        let p = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(type_matches(
            "application/x-msdownload",
            &p(&["application/x-*"])
        ));
        assert!(type_matches("TEXT/Plain", &p(&["text/*"])));
        assert!(type_matches("image/gif", &p(&["image/{png,gif}"])));
        assert!(!type_matches("application/pdf", &p(&["application/x-*"])));
        assert!(!type_matches("text/plain/x", &p(&["text/*"])));
        assert!(type_matches("text/plain", &p(&["text/plain"])));
        assert_eq!(type_pattern_problem("application/x-*"), None);
        assert!(type_pattern_problem("application/[x").is_some());
        assert!(type_pattern_problem("plain").is_some());
    }

    #[test]
    fn file_limits_default_to_what_each_engine_examines() {
        let mut clamd = EngineConfig::new("clam", EngineKind::Clamd);
        assert_eq!(clamd.file_limit(), Some(25 << 20));
        assert_eq!(clamd.piece_limit(), Some((25 << 20, "max_file_size")));
        clamd.max_size = Some(1 << 20);
        assert_eq!(clamd.piece_limit(), Some((1 << 20, "max_size")));
        clamd.max_file_size = Some(1000);
        assert_eq!(clamd.piece_limit(), Some((1000, "max_file_size")));
        let mut clamscan = EngineConfig::new("cs", EngineKind::Command);
        clamscan.preset = Some("clamscan".into());
        assert_eq!(clamscan.file_limit(), Some(100 << 20));
        let own = EngineConfig::new("own", EngineKind::Command);
        assert_eq!((own.file_limit(), own.piece_limit()), (None, None));
        assert_eq!(own.scan_limit(), None);
        assert_eq!(clamscan.scan_limit(), Some(400 << 20));
        assert_eq!(clamd.scan_limit(), Some(100 << 20));
        let mut zero = EngineConfig::new("z", EngineKind::Clamd);
        zero.servers = vec!["unix:/run/clamd.ctl".into()];
        zero.max_file_size = Some(0);
        let problems = validate(&[zero]);
        assert_eq!(
            problems.first().map(|(k, _)| k.as_str()),
            Some("engine[0].max_file_size")
        );
    }

    #[test]
    fn limit_heuristics_are_recognised() {
        assert!(is_limit_heuristic("Heuristics.Limits.Exceeded.MaxFileSize"));
        assert!(is_limit_heuristic("Heuristics.Encrypted.Zip"));
        assert!(!is_limit_heuristic(
            "Heuristics.Phishing.Email.SpoofedDomain"
        ));
        assert!(!is_limit_heuristic("Win.Test.EICAR_HDB-1"));
    }
}
