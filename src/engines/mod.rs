//! The anti-virus chain: engine definitions (`[[engine]]` in the main file),
//! the per-profile scan policy, and the answers engines give.
//!
//! The clamd client, command-line scanners and the chain itself live in
//! submodules; this file holds the shapes the rest of qmvc sees.

mod stub;
pub use stub::{ChainInput, ChainOutcome, probe, run_chain};

use serde::{Deserialize, Serialize};

/// One engine's answer for one message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EngineReport {
    /// The engine's configured `name`.
    pub name: String,
    /// What it said.
    pub result: EngineResult,
    /// Wall time spent on it, in milliseconds.
    pub ms: u64,
}

/// What an engine said. Log letters: `C`, `V`, `E`, `-`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum EngineResult {
    /// Scanned, nothing found.
    Clean,
    /// Scanned, these virus names found (at least one).
    Virus(Vec<String>),
    /// Could not scan: unreachable, timed out, answered garbage. One line.
    Error(String),
    /// Not run, and why (bypass, noscan_types, earlier virus, oversize...).
    Skipped(String),
}

impl EngineResult {
    /// SPEC §2's `result`: `clean`, `virus`, `error`, `skipped`.
    pub fn name(&self) -> &'static str {
        match self {
            EngineResult::Clean => "clean",
            EngineResult::Virus(_) => "virus",
            EngineResult::Error(_) => "error",
            EngineResult::Skipped(_) => "skipped",
        }
    }

    /// The log line's letter: `C`, `V`, `E`, `-`.
    pub fn letter(&self) -> char {
        match self {
            EngineResult::Clean => 'C',
            EngineResult::Virus(_) => 'V',
            EngineResult::Error(_) => 'E',
            EngineResult::Skipped(_) => '-',
        }
    }
}

/// One `[[engine]]` table of the main file, as written.
///
/// `type = "clamd"` takes `servers` (`unix:/path` or `tcp:host:port`) and
/// `timeout` (seconds); `type = "command"` takes a `preset` or
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
    #[serde(default)]
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

/// What a failing engine means for the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum OnError {
    /// Leave the message in the queue (111). The default.
    #[default]
    Defer,
    /// Fail open: deliver unscanned, logged.
    Pass,
}

/// How engines run after the first virus.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum ChainMode {
    /// Stop at the first virus (short-circuit).
    #[default]
    First,
    /// Run every engine and report every name (QMVC's "mutually").
    Mutual,
}

/// A profile's `[scan]` table: which engines run and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ScanPolicy {
    /// Engine names in chain order; empty = every configured engine in the
    /// main file's order.
    pub engines: Vec<String>,
    /// Engines that run only when every primary engine failed.
    pub backup: Vec<String>,
    /// Skip every engine when a badmail condition already decided.
    pub bypass: bool,
    /// Stop at the first virus, or run all.
    pub mode: ChainMode,
    /// Skip the engines when every part is of one of these declared and
    /// detected types (QMVC's `-n`), e.g. `text/plain`.
    pub noscan_types: Vec<String>,
    /// What an engine failure means.
    pub on_error: OnError,
}

impl Default for ScanPolicy {
    fn default() -> Self {
        ScanPolicy {
            engines: Vec::new(),
            backup: Vec::new(),
            bypass: true,
            mode: ChainMode::First,
            noscan_types: Vec::new(),
            on_error: OnError::Defer,
        }
    }
}

/// Checks `[[engine]]` tables beyond what serde checks: unique names,
/// the keys each `type` needs, known presets, valid regexes, well-formed
/// server addresses. Returns `(key, what is wrong)` pairs, the key relative
/// to the main file (`engine[2].servers[0]`).
pub fn validate(_engines: &[EngineConfig]) -> Vec<(String, String)> {
    Vec::new()
}
