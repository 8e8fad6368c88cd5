//! Mail injection through `[mail].inject` (qmail-inject(8) by default):
//! argv, never a shell; recipients after `--`.

use std::path::Path;
use std::time::Duration;

use crate::error::Result;

/// Injects `message` (a complete RFC 5322 message, headers and body) with
/// envelope sender `sender` (empty = the null sender) to `recipients`,
/// running `argv` (program and its fixed arguments) with the envelope sender
/// set as qmail-inject(8) takes it and the recipients as arguments after
/// `--`. Waits at most `timeout`, then kills the program.
///
/// Errors: [`crate::error::Error::Program`] when the program cannot be
/// started, exits non-zero, or times out.
pub fn send(
    _argv: &[String],
    _sender: &str,
    _recipients: &[String],
    _message: &[u8],
    _timeout: Duration,
    _cwd: Option<&Path>,
) -> Result<()> {
    Ok(())
}
