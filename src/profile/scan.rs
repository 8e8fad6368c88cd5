//! A profile's `[scan]` table: which anti-virus engines run for a message
//! and what their failures mean. The engines themselves (`crate::engines`)
//! carry the policy out; this is only what the profile says.

use serde::{Deserialize, Serialize};

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
