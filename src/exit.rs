//! The one way out of the process: [`Exit`] and the exit-code contract of
//! qmail-command(8).
//!
//! qmail-local maps a delivery program's exit status as follows: 0 goes on
//! with the next dot-qmail line, 99 counts the message delivered and ignores
//! further lines, 100 bounces (the program's output is the bounce text), 111
//! and anything unknown defer. 64, 65, 70, 76, 77, 78 and 112 also bounce,
//! which is why filter mode may only ever produce 0, 99, 100 or 111.

use std::fmt;

/// How a command ends. Only `main` turns this into a process status.
///
/// In filter mode only [`Exit::Pass`], [`Exit::Stop`], [`Exit::Bounce`] and
/// [`Exit::Defer`] are used. [`Exit::Status`] serves the administrative
/// commands (`check`, `config check`, ...), where 0 means success, 1 means
/// "problems found" and 2 a usage error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exit {
    /// 0: the message passes; qmail-local goes on with the next line.
    Pass,
    /// 99: the message was taken out (quarantined, forwarded, dropped).
    Stop,
    /// 100: bounce on purpose; the line (one sentence ending in an enhanced
    /// status code such as `(#5.7.1)`) becomes the bounce text.
    Bounce(String),
    /// 111: temporary trouble; the message stays in the queue. The line is a
    /// short sentence ending in a status code such as `(#4.3.0)`.
    Defer(String),
    /// An administrative command's status (never used in filter mode).
    Status(u8),
}

impl Exit {
    /// The numeric process status: 0, 99, 100, 111, or the administrative
    /// status.
    pub fn code(&self) -> u8 {
        match self {
            Exit::Pass => 0,
            Exit::Stop => 99,
            Exit::Bounce(_) => 100,
            Exit::Defer(_) => 111,
            Exit::Status(n) => *n,
        }
    }

    /// The line to print on stdout for qmail-local (bounce text or the
    /// deferral reason), if any. Capped well below qmail's 3000 bytes and
    /// stripped of control characters so that it stays one line.
    pub fn line(&self) -> Option<String> {
        match self {
            Exit::Bounce(s) | Exit::Defer(s) => Some(one_line(s, 900)),
            _ => None,
        }
    }

    /// A deferral built from an error, with the `qmvc: ` prefix and the
    /// status code of the error.
    pub fn defer(what: impl fmt::Display) -> Exit {
        Exit::Defer(format!("qmvc: {what} (#4.3.0)"))
    }
}

/// Makes `s` one printable line of at most `max` bytes (cut on a character
/// boundary): CR, LF and other control characters become spaces.
pub fn one_line(s: &str, max: usize) -> String {
    let mut out = String::with_capacity(s.len().min(max));
    for c in s.chars() {
        let c = if c.is_control() { ' ' } else { c };
        if out.len() + c.len_utf8() > max {
            break;
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_codes_are_the_contract() {
        assert_eq!(Exit::Pass.code(), 0);
        assert_eq!(Exit::Stop.code(), 99);
        assert_eq!(Exit::Bounce(String::new()).code(), 100);
        assert_eq!(Exit::Defer(String::new()).code(), 111);
    }

    #[test]
    fn line_is_one_line_and_bounded() {
        let e = Exit::Defer("a\r\nb\tc".into());
        assert_eq!(e.line().as_deref(), Some("a  b c"));
        let long = Exit::Bounce("é".repeat(2000));
        let l = long.line().unwrap_or_default();
        assert!(l.len() <= 900);
        assert!(Exit::Pass.line().is_none());
    }
}
