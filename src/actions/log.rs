//! The `qmvc.log` line: one line per message, appended with a
//! single `write(2)` on an `O_APPEND` descriptor so that concurrent
//! deliveries never interleave.
//!
//! `qmvc pid:PID|YYYY-MM-DD HH:MM:SS+HHMM|SENDER|RECIPIENT|PROFILE|E:n+S:n+B:n+F:n+T:n+M:n+N:n+U:n+V:n|ENGINE=R+...|A:ACTION|RC:EXIT|ms:MS|id:ID|host:HOST`
//! and, only where they apply, `|bomber:N` (the sender was past the bomber
//! threshold: not a virus, so not under V) and `|released:ID`.
//!
//! The time is local, followed by its UTC offset (`+0100`, `-0500`) so that
//! the hour repeated when daylight saving time ends is not ambiguous;
//! lines of older versions have no offset and are read all the same.
//!
//! Fields may only ever be added at the end; the reader ignores the ones it
//! does not know and still reads lines of older qmvc versions (seven
//! counters, without M and U).
//!
//! Formatting and parsing are pure; [`append`] is the one effect.

use std::fs::OpenOptions;
use std::io::{self, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use crate::engines::EngineReport;
use crate::error::{Error, Result};
use crate::escape::{log_field, unescape_log_field};
use crate::verdict::{Condition, Finding};

/// Cap on one escaped field (bytes), so that a line stays far below
/// PIPE_BUF-like sizes and one `write(2)` stays one line.
pub const FIELD_MAX: usize = 400;

/// The log line's time ([`chrono::format::strftime`]): local time and its
/// UTC offset, `2026-11-28 14:00:00+0100`.
pub const TIME_FORMAT: &str = "%Y-%m-%d %H:%M:%S%z";

/// `time` as the log writes it: a time of [`TIME_FORMAT`] as it is (its
/// `+` is not a separator there); anything else escaped like every field.
fn time_field(time: &str) -> String {
    let plain = time.len() <= 32
        && time
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b' ' | b':' | b'-' | b'+'));
    if plain {
        time.to_string()
    } else {
        log_field(time, 32)
    }
}

/// The counters of the log line, in its order: E S B F T M N U V.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// E: errormail findings.
    pub errormail: u32,
    /// S: subject findings.
    pub subject: u32,
    /// B: body findings.
    pub body: u32,
    /// F: filename findings.
    pub filename: u32,
    /// T: MIME-type findings.
    pub mimetype: u32,
    /// M: macro findings (Office documents with VBA or XLM macros).
    pub r#macro: u32,
    /// N: null-sender findings.
    pub nullsender: u32,
    /// U: unchecked findings (content nobody could examine).
    pub unchecked: u32,
    /// V: viruses an engine found.
    pub virus: u32,
    /// Bomber findings (the sender was past the bomber threshold): not a
    /// counter of the nine, but the optional trailing field `bomber:N`,
    /// written only when not 0, so that readers of the nine counters stay
    /// as they are and a message the brake stopped is not read as a virus.
    pub bomber: u32,
}

impl Counts {
    /// Counts findings by condition.
    pub fn of(findings: &[Finding]) -> Counts {
        let mut c = Counts::default();
        for f in findings {
            let slot = match f.condition {
                Condition::Errormail => &mut c.errormail,
                Condition::Subject => &mut c.subject,
                Condition::Body => &mut c.body,
                Condition::Filename => &mut c.filename,
                Condition::Mimetype => &mut c.mimetype,
                Condition::Macro => &mut c.r#macro,
                Condition::Nullsender => &mut c.nullsender,
                Condition::Unchecked => &mut c.unchecked,
                Condition::Virus => &mut c.virus,
                Condition::Bomber => &mut c.bomber,
            };
            *slot = slot.saturating_add(1);
        }
        c
    }

    /// The letters of the counters, in the log line's order.
    pub const LETTERS: [char; 9] = ['E', 'S', 'B', 'F', 'T', 'M', 'N', 'U', 'V'];

    /// The counters in the log line's order: E S B F T M N U V.
    pub fn in_order(&self) -> [u32; 9] {
        [
            self.errormail,
            self.subject,
            self.body,
            self.filename,
            self.mimetype,
            self.r#macro,
            self.nullsender,
            self.unchecked,
            self.virus,
        ]
    }

    /// The counter of letter `letter`, for the reader.
    fn slot(&mut self, letter: &str) -> Option<&mut u32> {
        Some(match letter {
            "E" => &mut self.errormail,
            "S" => &mut self.subject,
            "B" => &mut self.body,
            "F" => &mut self.filename,
            "T" => &mut self.mimetype,
            "M" => &mut self.r#macro,
            "N" => &mut self.nullsender,
            "U" => &mut self.unchecked,
            "V" => &mut self.virus,
            _ => return None,
        })
    }
}

/// One log line's content, unescaped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    /// The qmvc process id.
    pub pid: u32,
    /// Local time, `YYYY-MM-DD HH:MM:SS` and, since qmvc writes it, the UTC
    /// offset (`+0100`): see [`TIME_FORMAT`].
    pub time: String,
    /// Envelope sender (empty for the null sender).
    pub sender: String,
    /// The recipient the user knows.
    pub recipient: String,
    /// Profile name.
    pub profile: String,
    /// Finding counters.
    pub counts: Counts,
    /// (engine name, letter `C` `V` `E` `-`), in chain order.
    pub engines: Vec<(String, char)>,
    /// Action name (`pass`, `quarantine`...).
    pub action: String,
    /// Exit code.
    pub exit: u8,
    /// Wall time for the message, milliseconds.
    pub ms: u64,
    /// Incident id.
    pub id: String,
    /// The delivery host (`[site] host`); `None` on lines of qmvc
    /// versions before it was logged.
    pub host: Option<String>,
}

impl LogLine {
    /// The engine field entries from the chain's reports.
    pub fn engines_of(reports: &[EngineReport]) -> Vec<(String, char)> {
        reports
            .iter()
            .map(|r| (r.name.clone(), r.result.letter()))
            .collect()
    }

    /// The line, escaped, ending in `\n`. With no engine the engine field
    /// is `-`.
    pub fn format(&self) -> String {
        let c = &self.counts;
        let engines = if self.engines.is_empty() {
            "-".to_string()
        } else {
            self.engines
                .iter()
                .map(|(n, r)| format!("{}={r}", log_field(n, 64)))
                .collect::<Vec<_>>()
                .join("+")
        };
        let counts = Counts::LETTERS
            .iter()
            .zip(c.in_order())
            .map(|(l, n)| format!("{l}:{n}"))
            .collect::<Vec<_>>()
            .join("+");
        let mut host = self
            .host
            .as_deref()
            .map(|h| format!("|host:{}", log_field(h, 64)))
            .unwrap_or_default();
        if c.bomber > 0 {
            host.push_str(&format!("|bomber:{}", c.bomber));
        }
        format!(
            "qmvc pid:{}|{}|{}|{}|{}|{}|{}|A:{}|RC:{}|ms:{}|id:{}{host}\n",
            self.pid,
            time_field(&self.time),
            log_field(&self.sender, FIELD_MAX),
            log_field(&self.recipient, FIELD_MAX),
            log_field(&self.profile, 128),
            counts,
            engines,
            log_field(&self.action, 16),
            self.exit,
            self.ms,
            log_field(&self.id, 64),
        )
    }

    /// Parses a line written by [`LogLine::format`] (with or without its
    /// newline), or by an older qmvc (seven counters), ignoring fields added
    /// after `id:` that it does not know. `None` for anything else: lines of
    /// other programs in a shared log, cut lines.
    pub fn parse(line: &str) -> Option<LogLine> {
        let line = line.strip_suffix('\n').unwrap_or(line);
        let f: Vec<&str> = line.split('|').collect();
        let [
            pid,
            time,
            sender,
            recipient,
            profile,
            counts,
            engines,
            action,
            rc,
            ms,
            id,
            later @ ..,
        ] = f.as_slice()
        else {
            return None;
        };
        let pid = pid.strip_prefix("qmvc pid:")?.parse().ok()?;
        let mut c = Counts::default();
        let mut seen = String::new();
        for item in counts.split('+') {
            let (k, v) = item.split_once(':')?;
            *c.slot(k)? = v.parse().ok()?;
            seen.push_str(k);
        }
        // This version's nine, or the seven of the versions before M and U.
        if seen != "ESBFTMNUV" && seen != "ESBFTNV" {
            return None;
        }
        c.bomber = later
            .iter()
            .find_map(|f| f.strip_prefix("bomber:"))
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        let engines = if *engines == "-" {
            Vec::new()
        } else {
            engines
                .split('+')
                .map(|e| {
                    let (n, r) = e.rsplit_once('=')?;
                    let r = r
                        .chars()
                        .next()
                        .filter(|r| matches!(r, 'C' | 'V' | 'E' | '-'))?;
                    Some((unescape_log_field(n), r))
                })
                .collect::<Option<Vec<_>>>()?
        };
        Some(LogLine {
            pid,
            time: unescape_log_field(time),
            sender: unescape_log_field(sender),
            recipient: unescape_log_field(recipient),
            profile: unescape_log_field(profile),
            counts: c,
            engines,
            action: unescape_log_field(action.strip_prefix("A:")?),
            exit: rc.strip_prefix("RC:")?.parse().ok()?,
            ms: ms.strip_prefix("ms:")?.parse().ok()?,
            id: unescape_log_field(id.strip_prefix("id:")?),
            host: later
                .iter()
                .find_map(|f| f.strip_prefix("host:"))
                .map(unescape_log_field),
        })
    }
}

/// `line` (a formatted log line ending in `\n`) with the optional field
/// `NAME:VALUE` added at its end, where the format allows fields the
/// reader does not know ([`LogLine::parse`] ignores them).
pub fn with_field(line: &str, name: &str, value: &str) -> String {
    let body = line.strip_suffix('\n').unwrap_or(line);
    format!("{body}|{name}:{}\n", log_field(value, 64))
}

/// Appends `line` to the log at `path` with one `write(2)` on an
/// `O_APPEND` descriptor (created 0600 with its directory 0700 when
/// missing, and handed to the directory's owner when root made them: see
/// [`super::open::create`]). A short write is an error: the line would be cut. Only a
/// regular file is written: a FIFO, socket, device or symbolic link at
/// `path` is an error at once ([`super::open::regular_file`]).
///
/// Errors: [`Error::Write`] (what = `what`).
pub fn append(path: &Path, line: &str, what: &'static str) -> Result<()> {
    let err = |source: io::Error| Error::Write {
        what,
        path: path.to_path_buf(),
        source,
    };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty())
        && !parent.is_dir()
    {
        super::open::make_dir(parent).map_err(err)?;
    }
    let mut file = super::open::create(
        path,
        OpenOptions::new().append(true).create(true).mode(0o600),
    )
    .map_err(err)?;
    let n = file.write(line.as_bytes()).map_err(err)?;
    if n != line.len() {
        return Err(err(io::Error::new(
            io::ErrorKind::WriteZero,
            format!("short write: {n} of {} bytes", line.len()),
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> LogLine {
        LogLine {
            pid: 4242,
            time: "2026-11-21 04:13:00".into(),
            sender: "evil|x\n@example.org".into(),
            recipient: "info@example.com".into(),
            profile: "default".into(),
            counts: Counts {
                filename: 2,
                virus: 1,
                ..Counts::default()
            },
            engines: vec![("clamd".into(), 'V'), ("yara+x=y".into(), '-')],
            action: "quarantine".into(),
            exit: 99,
            ms: 12,
            id: "1763698380.123456.4242.mx1".into(),
            host: Some("mx1".into()),
        }
    }

    #[test]
    fn format_matches_spec_shape() {
        let l = sample().format();
        assert!(l.starts_with("qmvc pid:4242|2026-11-21 04:13:00|evil%7Cx%0A@example.org|info@example.com|default|E:0+S:0+B:0+F:2+T:0+M:0+N:0+U:0+V:1|clamd=V+yara%2Bx%3Dy=-|A:quarantine|RC:99|ms:12|id:"), "{l}");
        assert_eq!(l.matches('\n').count(), 1);
        assert!(
            l.ends_with("|id:1763698380.123456.4242.mx1|host:mx1\n"),
            "{l}"
        );
        assert_eq!(l.matches('|').count(), 11);
    }

    #[test]
    fn time_keeps_its_utc_offset_and_nothing_else_passes_raw() {
        let t = chrono::DateTime::parse_from_rfc3339("2026-10-25T02:30:00+02:00")
            .map(|t| t.format(TIME_FORMAT).to_string())
            .unwrap_or_default();
        let line = LogLine {
            time: t.clone(),
            ..sample()
        };
        let text = line.format();
        assert!(text.contains("|2026-10-25 02:30:00+0200|"), "{text}");
        assert_eq!(LogLine::parse(&text).map(|l| l.time), Some(t));
        let forged = LogLine {
            time: "2026-10-25 02:30:00|x|y".into(),
            ..sample()
        };
        assert_eq!(LogLine::parse(&forged.format()), Some(forged));
    }

    #[test]
    fn round_trip() {
        let s = sample();
        assert_eq!(LogLine::parse(&s.format()), Some(s));
        let no_engines = LogLine {
            engines: vec![],
            ..sample()
        };
        assert!(no_engines.format().contains("|-|A:"));
        assert_eq!(LogLine::parse(&no_engines.format()), Some(no_engines));
    }

    #[test]
    fn reads_older_lines_and_later_fields() {
        let old = "qmvc pid:7|2026-01-02 03:04:05|a@b|c@d|default|E:1+S:0+B:0+F:2+T:0+N:0+V:1|clamd=V|A:quarantine|RC:99|ms:3|id:x";
        let l = LogLine::parse(old).map(|l| l.counts);
        assert_eq!(l.map(|c| c.in_order()), Some([1, 0, 0, 2, 0, 0, 0, 0, 1]));
        assert_eq!(LogLine::parse(old).map(|l| l.host), Some(None));
        let later = format!("{}|more:1", sample().format().trim_end());
        assert_eq!(LogLine::parse(&later), Some(sample()));
    }

    #[test]
    fn bomber_is_a_trailing_field_not_a_virus() {
        let line = LogLine {
            counts: Counts::of(&[Finding {
                condition: Condition::Bomber,
                part: None,
                detail: "x@y".into(),
                description: String::new(),
            }]),
            ..sample()
        };
        let text = line.format();
        assert!(
            text.contains("|E:0+S:0+B:0+F:0+T:0+M:0+N:0+U:0+V:0|"),
            "{text}"
        );
        assert!(text.ends_with("|host:mx1|bomber:1\n"), "{text}");
        assert_eq!(LogLine::parse(&text), Some(line));
        assert!(!sample().format().contains("bomber"));
    }

    #[test]
    fn parse_rejects_foreign_lines() {
        assert_eq!(LogLine::parse("@4000000 qmail-send: status"), None);
        assert_eq!(LogLine::parse("qmvc pid:1|a|b"), None);
    }

    #[test]
    fn append_is_one_line_per_call() -> Result<()> {
        let dir = tempfile::tempdir().map_err(|e| Error::Message { source: e })?;
        let p = dir.path().join("log/qmvc.log");
        append(&p, &sample().format(), "log")?;
        append(&p, &sample().format(), "log")?;
        let text = std::fs::read_to_string(&p).unwrap_or_default();
        assert_eq!(text.lines().filter_map(LogLine::parse).count(), 2);
        Ok(())
    }
}
