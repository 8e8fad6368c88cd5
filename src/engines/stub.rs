//! Temporary stand-in for the chain (replaced when the engines land).

use std::path::Path;

use super::{EngineConfig, EngineReport, ScanPolicy};
use crate::message::Message;
use crate::verdict::Finding;

/// Input of one chain run.
pub struct ChainInput<'a> {
    /// `[[engine]]` tables of the main file, in order.
    pub engines: &'a [EngineConfig],
    /// The profile's `[scan]`.
    pub policy: &'a ScanPolicy,
    /// The whole message as read.
    pub raw: &'a [u8],
    /// The parsed message.
    pub message: &'a Message,
    /// Rule findings so far (for bypass).
    pub findings: &'a [Finding],
    /// `[paths].workdir`.
    pub workdir: &'a Path,
}

/// What the chain did.
#[derive(Debug, Default)]
pub struct ChainOutcome {
    /// One report per engine considered.
    pub reports: Vec<EngineReport>,
    /// Extra findings (heuristics).
    pub findings: Vec<Finding>,
    /// Could not scan and the policy says defer.
    pub unscanned: bool,
}

/// Runs the chain.
pub fn run_chain(_input: &ChainInput<'_>) -> ChainOutcome {
    ChainOutcome::default()
}

/// Contacts every engine (zPING for clamd).
pub fn probe(_engines: &[EngineConfig]) -> Vec<(String, Result<(), String>)> {
    Vec::new()
}
