//! The crate's one error type. Every error knows whether it is temporary
//! (qmail-local should retry: exit 111) or permanent; anything not classified
//! is temporary, as qmail-command(8) treats unknown exit codes.
//!
//! Display texts are lower case, say what failed on what, and do not repeat
//! their source's text: [`Error::chain`] joins the source chain for the one
//! line qmail-local shows.

use std::fmt;
use std::io;
use std::path::PathBuf;

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

/// Why a file or directory is not trusted, one line, lower case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Untrusted(pub String);

impl fmt::Display for Untrusted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: not trusted", self.0)
    }
}

impl std::error::Error for Untrusted {}

impl Untrusted {
    /// As an [`io::Error`] (kind `PermissionDenied`) carrying `self`.
    pub fn into_io(self) -> io::Error {
        io::Error::new(io::ErrorKind::PermissionDenied, self)
    }
}

/// True when `error` or one of its sources is an [`Untrusted`] refusal.
pub fn is_untrusted(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut current = Some(error);
    while let Some(e) = current {
        if e.is::<Untrusted>()
            || e.downcast_ref::<io::Error>()
                .and_then(io::Error::get_ref)
                .is_some_and(|inner| inner.is::<Untrusted>())
        {
            return true;
        }
        current = e.source();
    }
    false
}

/// Everything that can go wrong outside the pure core.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file or directory could not be read.
    #[error("cannot read {what} {}", path.display())]
    Read {
        /// What the file is for ("configuration", "profile", ...).
        what: &'static str,
        /// The path tried.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// A file or directory could not be written (quarantine, log, work
    /// directory, state...). ENOSPC lands here.
    #[error("cannot write {what} {}", path.display())]
    Write {
        /// What the file is for ("quarantine", "log", ...).
        what: &'static str,
        /// The path tried.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// The message could not be read from stdin (or a file in `check`).
    #[error("cannot read the message")]
    Message {
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// The configuration or a profile is invalid; every problem is listed.
    #[error("configuration is invalid: {}", first_problem(problems))]
    Config {
        /// Every problem found, as `file: key: what is wrong`.
        problems: Vec<Problem>,
    },
    /// An anti-virus engine failed (unreachable, timed out, answered
    /// garbage). Temporary: the message must not pass unscanned unless the
    /// profile says so.
    #[error("engine {name}: {detail}")]
    Engine {
        /// The engine's configured name.
        name: String,
        /// What went wrong, one line.
        detail: String,
    },
    /// A program (inject, scanner) could not be run or failed.
    #[error("{what} failed: {detail}")]
    Program {
        /// What the program is for ("inject", "scanner ...").
        what: String,
        /// Exit status or spawn error, one line.
        detail: String,
    },
    /// An incident report could not be built: a template that does not
    /// compile or render, a missing sentence. The report is not sent; the
    /// message's fate does not change.
    #[error("cannot build {what}: {detail}")]
    Report {
        /// What was being built (`template sender (de)`, ...).
        what: String,
        /// What went wrong, one line.
        detail: String,
    },
    /// The command line was wrong. In filter mode this defers (a typo in a
    /// dot-qmail line must never bounce mail).
    #[error("usage: {0}")]
    Usage(String),
}

fn first_problem(problems: &[Problem]) -> String {
    match problems {
        [] => "no details".to_string(),
        [one] => one.to_string(),
        [first, rest @ ..] => format!("{first} (and {} more)", rest.len()),
    }
}

impl Error {
    /// True when qmail-local should retry later (exit 111). Every error of
    /// qmvc is temporary today: a broken configuration, a full disk or a dead
    /// engine are the administrator's to fix, never a reason to bounce.
    pub fn is_temporary(&self) -> bool {
        true
    }

    /// The enhanced status code (RFC 3463) that ends qmail-local's line:
    /// `4.7.0` (security or policy status) when a configuration file or
    /// directory is not trusted ([`Untrusted`], as
    /// qmail-local's "Uh-oh: .qmail file is writable. (#4.7.0)"), else
    /// `4.3.0` (other mail system status).
    pub fn status_code(&self) -> &'static str {
        if is_untrusted(self) { "4.7.0" } else { "4.3.0" }
    }

    /// The error and its sources joined with `": "`, e.g.
    /// `cannot write quarantine /q/tmp/x: No space left on device`.
    pub fn chain(&self) -> String {
        let mut out = self.to_string();
        let mut source = std::error::Error::source(self);
        while let Some(s) = source {
            out.push_str(": ");
            out.push_str(&s.to_string());
            source = s.source();
        }
        out
    }
}

/// `Result` with the crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

// Here rather than in exit.rs, so that the exit codes (and the pure core
// that names them) import nothing from configuration loading.
impl crate::exit::Exit {
    /// A deferral for `error`: its chain, ending in its own status code
    /// ([`Error::status_code`]).
    pub fn defer_error(error: &Error) -> crate::exit::Exit {
        crate::exit::Exit::Defer(format!(
            "qmvc: {} (#{})",
            error.chain(),
            error.status_code()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chain_joins_sources_once() {
        let e = Error::Write {
            what: "quarantine",
            path: "/q/tmp/x".into(),
            source: io::Error::from_raw_os_error(28),
        };
        let c = e.chain();
        assert!(c.starts_with("cannot write quarantine /q/tmp/x: "), "{c}");
        assert_eq!(c.matches("No space left").count(), 1, "{c}");
        assert!(e.is_temporary());
    }
}
