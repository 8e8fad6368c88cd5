//! The effects of a plan: the quarantine Maildir, the log line (and its
//! syslog copy), the report block and mail injection. Each function does one effect and reports
//! failure as an [`crate::error::Error`]; the order is the shell's.

pub mod inject;
pub mod log;
pub mod maildir;
pub mod open;
pub mod rep;
pub mod syslog;
