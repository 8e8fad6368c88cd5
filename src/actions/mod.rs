//! The effects of a plan: the quarantine Maildir, the log line, the report
//! block and mail injection.

pub mod inject;
