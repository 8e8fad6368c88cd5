//! The main configuration file (`qmvc.toml`): paths, mail injection, guards,
//! engines, limits, and how the recipient is worked out. Loading reports
//! every problem at once as `file: key: problem`.
//!
//! The embedded default configuration (the same text as the shipped
//! example) makes every command usable with no file at all.

mod stub;
pub use stub::check_all;

use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::engines::EngineConfig;
use crate::message::Limits;

/// One configuration problem: `file: key: what is wrong`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file (path as given, or `<embedded>`).
    pub file: String,
    /// The dotted key (`paths.log`, `conditions.subject.rules[2].pattern`),
    /// or `-` for the whole file.
    pub key: String,
    /// What is wrong, lower case, one line.
    pub what: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.file, self.key, self.what)
    }
}

/// The loaded main file.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where it came from: a path, or `<embedded>`.
    pub source: String,
    /// `[paths]`.
    pub paths: Paths,
    /// `[mail]`.
    pub mail: Mail,
    /// `[guards]`: who gets guard reports.
    pub guards: Guards,
    /// `[recipient]`: how the address the user knows is worked out.
    pub recipient: RecipientRule,
    /// `[limits]`.
    pub limits: Limits,
    /// `[[engine]]` tables in file order.
    pub engines: Vec<EngineConfig>,
}

/// `[paths]`: every place qmvc reads or writes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Paths {
    /// The one-line-per-message log (`qmvc.log`).
    pub log: PathBuf,
    /// The incident report file (`qmvc.rep`).
    pub report: PathBuf,
    /// The quarantine Maildir (holds `tmp/ new/ cur/`).
    pub quarantine: PathBuf,
    /// Parent of the per-message work directories.
    pub workdir: PathBuf,
    /// Bomber counters and other state.
    pub state: PathBuf,
    /// Directory of security profiles (`default.toml`, `<domain>.toml`).
    pub profiles: PathBuf,
    /// Site templates overriding the shipped ones.
    pub templates: PathBuf,
    /// Site locales overriding the shipped ones.
    pub locales: PathBuf,
}

impl Default for Paths {
    fn default() -> Self {
        Paths {
            log: "/var/qmail/qmvc/log/qmvc.log".into(),
            report: "/var/qmail/qmvc/log/qmvc.rep".into(),
            quarantine: "/var/qmail/qmvc/quarantine".into(),
            workdir: "/var/qmail/qmvc/work".into(),
            state: "/var/qmail/qmvc/state".into(),
            profiles: "/etc/qmvc/profiles".into(),
            templates: "/etc/qmvc/templates".into(),
            locales: "/etc/qmvc/locales".into(),
        }
    }
}

/// `[mail]`: how qmvc injects mail (forwards, incident reports).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Mail {
    /// argv of the inject program, no shell. Default
    /// `["/var/qmail/bin/qmail-inject"]` (qmail-inject(8)).
    pub inject: Vec<String>,
    /// `From:` of incident reports.
    pub from: String,
}

impl Default for Mail {
    fn default() -> Self {
        Mail {
            inject: vec!["/var/qmail/bin/qmail-inject".into()],
            from: "qmvc <postmaster>".into(),
        }
    }
}

/// `[guards]`: the administrators who get incident reports.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Guards {
    /// Anti-virus guards (virus incidents).
    pub antivirus: Vec<String>,
    /// Badmail guards (badmail and errormail incidents).
    pub badmail: Vec<String>,
}

/// `[recipient]`: how the recipient the user knows is worked out from
/// qmail-local's environment (SPEC §1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RecipientRule {
    /// `ext` (default): `EXT@HOST` when `EXT` is set and `LOCAL` ends in
    /// it (virtualdomains and vpopmail), else `RECIPIENT`; `recipient`:
    /// always `RECIPIENT` as qmail-local gives it.
    pub mode: RecipientMode,
}

impl Default for RecipientRule {
    fn default() -> Self {
        RecipientRule {
            mode: RecipientMode::Ext,
        }
    }
}

/// See [`RecipientRule::mode`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RecipientMode {
    /// Strip the virtualdomain prefix: `EXT@HOST`.
    Ext,
    /// `RECIPIENT` unchanged.
    Recipient,
}
