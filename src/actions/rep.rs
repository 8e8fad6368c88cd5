//! The `qmvc.rep` block: a multi-line record of every incident —
//! envelope, subject, every finding, every engine answer, the action with
//! the quarantine file, and who was notified or why not. Appended with one
//! `write(2)`, like the log line.
//!
//! [`Block::format`] is pure, and so is its reader, [`Record::parse`]
//! (for `qmvc report`), with [`Blocks`] to find the blocks in a stream of
//! lines.

use std::fmt::Write as _;

use crate::engines::{EngineReport, EngineResult};
use crate::envelope::Envelope;
use crate::escape::header_text;
use crate::verdict::Plan;

/// Cap per value (bytes).
const VALUE_MAX: usize = 400;
/// Findings listed at most; the rest are counted.
const FINDINGS_MAX: usize = 100;

/// Everything one block says.
#[derive(Debug, Clone)]
pub struct Block<'a> {
    /// Incident id (as in the log line).
    pub id: &'a str,
    /// Local time, `YYYY-MM-DD HH:MM:SS`.
    pub time: &'a str,
    /// The envelope.
    pub envelope: &'a Envelope,
    /// Profile name.
    pub profile: &'a str,
    /// The decoded subject, if any.
    pub subject: Option<&'a str>,
    /// The plan carried out.
    pub plan: &'a Plan,
    /// The quarantine file's name, when stored.
    pub quarantine: Option<&'a str>,
    /// One line per notification: who got what, or why not.
    pub notes: &'a [String],
    /// A note on the configuration used, written as a `config:` line
    /// (filter mode says so when it ran on the embedded default).
    pub config: Option<&'a str>,
    /// The exit code taken.
    pub exit: u8,
}

impl Block<'_> {
    /// The block: `key: value` lines between a start and an end line, every
    /// value made one line (no CR/LF or control character from the message
    /// can forge a line).
    pub fn format(&self) -> String {
        let v = |s: &str| header_text(s, VALUE_MAX);
        let mut out = String::new();
        let _ = writeln!(out, "--- qmvc incident {} ---", v(self.id));
        let _ = writeln!(out, "time: {}", v(self.time));
        let sender = if self.envelope.null_sender {
            "<> (null sender)".to_string()
        } else {
            v(&self.envelope.sender)
        };
        let _ = writeln!(out, "sender: {sender}");
        let _ = writeln!(
            out,
            "recipient: {} (RECIPIENT {})",
            v(&self.envelope.user_recipient),
            v(&self.envelope.recipient)
        );
        let _ = writeln!(out, "profile: {}", v(self.profile));
        let _ = writeln!(
            out,
            "subject: {}",
            self.subject.map(v).unwrap_or_else(|| "(none)".into())
        );
        if let Some(c) = self.config {
            let _ = writeln!(out, "config: {}", v(c));
        }
        let _ = writeln!(out, "verdict: {}", self.plan.verdict.name());
        for f in self.plan.findings.iter().take(FINDINGS_MAX) {
            let part = f
                .part
                .as_deref()
                .map(|p| format!(" part {}", v(p)))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "finding: {}{part}: {} ({})",
                f.condition.name(),
                v(&f.detail),
                v(&f.description)
            );
        }
        if self.plan.findings.len() > FINDINGS_MAX {
            let _ = writeln!(
                out,
                "finding: ... {} more",
                self.plan.findings.len() - FINDINGS_MAX
            );
        }
        for r in &self.plan.engines {
            let _ = writeln!(
                out,
                "engine: {}: {} ({} ms)",
                v(&r.name),
                v(&engine_answer(r)),
                r.ms
            );
        }
        let mut action = self.plan.action.name().to_string();
        if let Some(q) = self.quarantine {
            let _ = write!(action, ", quarantine file {}", v(q));
        }
        if let Some(to) = &self.plan.forward_to {
            let _ = write!(action, ", forwarded to {}", v(to));
        }
        let _ = writeln!(out, "action: {action}");
        for n in self.notes {
            let _ = writeln!(out, "notify: {}", v(n));
        }
        let _ = writeln!(out, "exit: {}", self.exit);
        let _ = writeln!(out, "--- end {} ---", v(self.id));
        out
    }
}

fn engine_answer(r: &EngineReport) -> String {
    match &r.result {
        EngineResult::Clean => "clean".into(),
        EngineResult::Virus(names) => format!("virus {}", names.join(", ")),
        EngineResult::Error(e) => format!("error: {e}"),
        EngineResult::Skipped(why) => format!("skipped: {why}"),
    }
}

/// A block read back: the owned values of a [`Block`] as
/// [`Block::format`] wrote them (made one line, cut at 400 bytes).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Record {
    /// Incident id.
    pub id: String,
    /// Local time, `YYYY-MM-DD HH:MM:SS`.
    pub time: String,
    /// Envelope sender; empty for the null sender.
    pub sender: String,
    /// The recipient the user knows.
    pub recipient: String,
    /// Profile name.
    pub profile: String,
    /// The decoded subject; `None` when the block says `(none)`.
    pub subject: Option<String>,
    /// Verdict name (`clean`, `errormail`, `badmail`, `virus`).
    pub verdict: String,
    /// Every `finding:` line, in order.
    pub findings: Vec<RecordFinding>,
    /// Findings the writer left out (`finding: ... N more`).
    pub findings_more: u32,
    /// Every `engine:` line, in order.
    pub engines: Vec<RecordEngine>,
    /// Action name (`pass`, `quarantine`...).
    pub action: String,
    /// The quarantine file's name, when stored.
    pub quarantine: Option<String>,
    /// The forward address, when forwarded.
    pub forwarded_to: Option<String>,
    /// The `notify:` lines.
    pub notes: Vec<String>,
    /// The exit code taken.
    pub exit: u8,
}

/// A `finding:` line: `finding: CONDITION[ part PART]: DETAIL (DESCRIPTION)`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecordFinding {
    /// The condition name (`filename`, `virus`...).
    pub condition: String,
    /// The part (`1.2`), if any.
    pub part: Option<String>,
    /// What matched: a file name, a subject, a virus name.
    pub detail: String,
    /// The rule's description.
    pub description: String,
}

/// An `engine:` line: `engine: NAME: ANSWER (MS ms)`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecordEngine {
    /// Engine name.
    pub name: String,
    /// `clean`, `virus`, `error` or `skipped`.
    pub result: String,
    /// Virus names (for `virus`), else the reason (`error`, `skipped`).
    pub detail: Vec<String>,
    /// Milliseconds the engine took.
    pub ms: u64,
}

impl Record {
    /// Reads one block as [`Block::format`] writes it, its start and end
    /// lines included. `None` when the start or end line is missing or
    /// they disagree, or when a line the writer always writes (`time`,
    /// `verdict`, `action`, `exit`) is missing or malformed. Unknown lines
    /// are ignored (a newer writer may add some).
    ///
    /// Values that contain the separators themselves cannot be told apart
    /// (a detail ending in ` (x)`, a virus name with `, `): the reader
    /// takes the last balanced ` (...)` as the description, and splits
    /// virus names at `, `, as the writer joined them.
    pub fn parse(block: &str) -> Option<Record> {
        let mut lines = block.lines();
        let id = lines
            .next()?
            .strip_prefix("--- qmvc incident ")?
            .strip_suffix(" ---")?;
        let mut r = Record {
            id: id.to_string(),
            ..Record::default()
        };
        let (mut time, mut verdict, mut action, mut exit, mut end) =
            (false, false, false, false, false);
        for line in lines {
            if line
                .strip_prefix("--- end ")
                .and_then(|l| l.strip_suffix(" ---"))
                == Some(id)
            {
                end = true;
                break;
            }
            let Some((key, value)) = line.split_once(": ") else {
                continue;
            };
            match key {
                "time" => (r.time, time) = (value.to_string(), true),
                "sender" if value == "<> (null sender)" => r.sender.clear(),
                "sender" => r.sender = value.to_string(),
                "recipient" => {
                    r.recipient = match value.rsplit_once(" (RECIPIENT ") {
                        Some((user, _)) => user.to_string(),
                        None => value.to_string(),
                    }
                }
                "profile" => r.profile = value.to_string(),
                "subject" => r.subject = (value != "(none)").then(|| value.to_string()),
                "verdict" => (r.verdict, verdict) = (value.to_string(), true),
                "finding" => match value
                    .strip_prefix("... ")
                    .and_then(|v| v.strip_suffix(" more"))
                {
                    Some(n) => r.findings_more = n.parse().ok()?,
                    None => r.findings.push(RecordFinding::parse(value)?),
                },
                "engine" => r.engines.push(RecordEngine::parse(value)?),
                "action" => {
                    let mut items = value.split(", ");
                    r.action = items.next()?.to_string();
                    for item in items {
                        if let Some(q) = item.strip_prefix("quarantine file ") {
                            r.quarantine = Some(q.to_string());
                        } else if let Some(to) = item.strip_prefix("forwarded to ") {
                            r.forwarded_to = Some(to.to_string());
                        }
                    }
                    action = true;
                }
                "notify" => r.notes.push(value.to_string()),
                "exit" => (r.exit, exit) = (value.parse().ok()?, true),
                _ => {}
            }
        }
        (end && time && verdict && action && exit).then_some(r)
    }
}

impl RecordFinding {
    /// Reads the value of a `finding:` line.
    fn parse(value: &str) -> Option<RecordFinding> {
        let (head, rest) = value.split_once(": ")?;
        let (condition, part) = match head.split_once(" part ") {
            Some((c, p)) => (c, Some(p.to_string())),
            None => (head, None),
        };
        let (detail, description) = split_parenthesised(rest)?;
        Some(RecordFinding {
            condition: condition.to_string(),
            part,
            detail: detail.to_string(),
            description: description.to_string(),
        })
    }
}

impl RecordEngine {
    /// Reads the value of an `engine:` line.
    fn parse(value: &str) -> Option<RecordEngine> {
        let (rest, ms) = value.strip_suffix(" ms)")?.rsplit_once(" (")?;
        let (name, answer) = rest.split_once(": ")?;
        let (result, detail) = match answer.split_once([' ', ':']) {
            Some(("virus", names)) => ("virus", names.split(", ").map(String::from).collect()),
            Some((kind, why)) => (kind, vec![why.trim_start().to_string()]),
            None => (answer, Vec::new()),
        };
        Some(RecordEngine {
            name: name.to_string(),
            result: result.to_string(),
            detail,
            ms: ms.parse().ok()?,
        })
    }
}

/// Splits `DETAIL (DESCRIPTION)` at the ` (` whose parenthesis the final
/// `)` closes.
fn split_parenthesised(s: &str) -> Option<(&str, &str)> {
    let inner = s.strip_suffix(')')?;
    let mut depth = 0usize;
    for (i, c) in inner.char_indices().rev() {
        match c {
            ')' => depth += 1,
            '(' if depth == 0 => {
                let detail = inner.get(..i)?.strip_suffix(' ')?;
                return Some((detail, inner.get(i + 1..)?));
            }
            '(' => depth -= 1,
            _ => {}
        }
    }
    None
}

/// Finds the blocks in a stream of lines (a `qmvc.rep`, possibly cut or
/// mixed with other text): feed it every line, it hands back each block's
/// text once its end line arrives. A block longer than
/// [`Blocks::MAX_LINES`] lines is dropped (and counted), so that memory
/// stays bounded whatever the file holds.
#[derive(Debug, Default)]
pub struct Blocks {
    current: Option<String>,
    lines: usize,
    /// Inside a release block: read past, never handed back.
    in_release: bool,
    /// Lines outside any block, and blocks cut or too long, so far.
    pub stray: u64,
}

/// The start of a release block ([`release_block`]).
const RELEASE_START: &str = "--- qmvc release ";

/// The `.rep` block `qmvc quarantine release` appends: which incident,
/// when, to whom, how (`token`: past qmvc on the recipient's dot-qmail;
/// `--to`: to the addresses given), the file kept. Every value is made
/// one line. [`Blocks`] passes over these blocks: they record an
/// administrator's act, not an incident.
pub fn release_block(
    id: &str,
    time: &str,
    sender: &str,
    recipients: &[String],
    how: &str,
    kept: &str,
) -> String {
    let v = |s: &str| header_text(s, VALUE_MAX);
    let mut out = String::new();
    let _ = writeln!(out, "{RELEASE_START}{} ---", v(id));
    let _ = writeln!(out, "time: {}", v(time));
    let _ = writeln!(out, "sender: {}", v(sender));
    for r in recipients {
        let _ = writeln!(out, "released to: {}", v(r));
    }
    let _ = writeln!(out, "how: {}", v(how));
    let _ = writeln!(out, "kept: {}", v(kept));
    let _ = writeln!(out, "--- end {} ---", v(id));
    out
}

/// What [`Blocks::push`] found.
#[derive(Debug, PartialEq, Eq)]
pub enum Pushed {
    /// Nothing complete yet.
    Nothing,
    /// A whole block's text, start and end lines included.
    Block(String),
}

impl Blocks {
    /// Lines one block may have: the writer's fixed lines, its 101
    /// findings, engines and notification lines, with room to spare.
    pub const MAX_LINES: usize = 1000;

    /// Takes the next line (without its newline).
    pub fn push(&mut self, line: &str) -> Pushed {
        if self.in_release {
            self.in_release = !line.starts_with("--- end ") && !line.starts_with("--- qmvc ");
            if self.in_release || !line.starts_with("--- qmvc ") {
                return Pushed::Nothing;
            }
        }
        if line.starts_with(RELEASE_START) {
            if self.current.take().is_some() {
                self.stray += 1;
            }
            self.in_release = true;
            return Pushed::Nothing;
        }
        if line.starts_with("--- qmvc incident ") {
            if self.current.is_some() {
                // The previous block never ended (a cut write).
                self.stray += 1;
            }
            self.current = Some(format!("{line}\n"));
            self.lines = 1;
            return Pushed::Nothing;
        }
        let Some(block) = self.current.as_mut() else {
            if !line.is_empty() {
                self.stray += 1;
            }
            return Pushed::Nothing;
        };
        block.push_str(line);
        block.push('\n');
        self.lines += 1;
        if line.starts_with("--- end ") {
            return self.current.take().map_or(Pushed::Nothing, Pushed::Block);
        }
        if self.lines > Self::MAX_LINES {
            self.current = None;
            self.stray += 1;
        }
        Pushed::Nothing
    }

    /// Ends the stream: a block still open was cut.
    pub fn finish(&mut self) {
        if self.current.take().is_some() {
            self.stray += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verdict::{ActionPolicy, Condition, Finding, decide};

    #[test]
    fn block_lists_everything_on_single_lines() {
        let env = Envelope::for_check("bad\r\nguy@example.org", "info@example.com");
        let findings = vec![Finding {
            condition: Condition::Filename,
            part: Some("2".into()),
            detail: "invoice.pdf\n.exe".into(),
            description: "blocked extension".into(),
        }];
        let engines = vec![EngineReport {
            name: "clamd".into(),
            result: EngineResult::Skipped("bypass".into()),
            ms: 0,
        }];
        let plan = decide(findings, engines, false, &ActionPolicy::default());
        let b = Block {
            id: "42.1",
            time: "2026-11-21 04:13:00",
            envelope: &env,
            profile: "default",
            subject: Some("Hello\r\nBcc: x"),
            plan: &plan,
            quarantine: Some("1.M1P1Q0.host"),
            notes: &["guard postmaster@example.com: sent".into()],
            config: None,
            exit: 99,
        }
        .format();
        assert!(b.contains("sender: bad guy@example.org\n"), "{b}");
        assert!(b.contains("subject: Hello Bcc: x\n"));
        assert!(b.contains("finding: filename part 2: invoice.pdf .exe (blocked extension)\n"));
        assert!(b.contains("engine: clamd: skipped: bypass (0 ms)\n"));
        assert!(b.contains("action: quarantine, quarantine file 1.M1P1Q0.host\n"));
        assert!(b.lines().all(|l| !l.starts_with("Bcc")));
    }

    fn virus_plan() -> Plan {
        let findings = vec![
            Finding {
                condition: Condition::Filename,
                part: Some("1.2".into()),
                detail: "a: b (c).exe".into(),
                description: "blocked extension (legacy)".into(),
            },
            Finding {
                condition: Condition::Subject,
                part: None,
                detail: "ILOVEYOU".into(),
                description: "LoveLetter".into(),
            },
        ];
        let engines = vec![
            EngineReport {
                name: "clamd".into(),
                result: EngineResult::Virus(vec!["Eicar-Signature".into(), "Other.Test".into()]),
                ms: 12,
            },
            EngineReport {
                name: "scanner".into(),
                result: EngineResult::Error("timed out: after 5 s".into()),
                ms: 5000,
            },
            EngineReport {
                name: "yara".into(),
                result: EngineResult::Skipped("bypass".into()),
                ms: 0,
            },
        ];
        decide(findings, engines, false, &ActionPolicy::default())
    }

    #[test]
    fn record_reads_what_block_writes() {
        let env = Envelope::for_check("alice@example.org", "info@example.com");
        let plan = virus_plan();
        let notes = ["guard postmaster@example.com [en]: sent".to_string()];
        let text = Block {
            id: "42.1",
            time: "2026-11-21 04:13:00+0100",
            envelope: &env,
            profile: "default",
            subject: Some("Hello (there)"),
            plan: &plan,
            quarantine: Some("1.M1P1Q0.host"),
            notes: &notes,
            config: Some("the embedded default"),
            exit: 99,
        }
        .format();
        assert!(text.contains("\nconfig: the embedded default\n"), "{text}");
        let r = Record::parse(&text).expect("a record");
        assert_eq!(r.id, "42.1");
        assert_eq!(r.time, "2026-11-21 04:13:00+0100");
        assert_eq!(r.sender, "alice@example.org");
        assert_eq!(r.recipient, env.user_recipient);
        assert_eq!(r.profile, "default");
        assert_eq!(r.subject.as_deref(), Some("Hello (there)"));
        assert_eq!(r.verdict, "virus");
        let found: Vec<_> = plan
            .findings
            .iter()
            .map(|f| RecordFinding {
                condition: f.condition.name().into(),
                part: f.part.clone(),
                detail: f.detail.clone(),
                description: f.description.clone(),
            })
            .collect();
        assert_eq!(r.findings, found);
        assert_eq!(r.findings_more, 0);
        let engines: Vec<_> = r
            .engines
            .iter()
            .map(|e| (e.name.as_str(), e.result.as_str(), e.detail.clone(), e.ms))
            .collect();
        assert_eq!(
            engines,
            [
                (
                    "clamd",
                    "virus",
                    vec!["Eicar-Signature".to_string(), "Other.Test".to_string()],
                    12
                ),
                (
                    "scanner",
                    "error",
                    vec!["timed out: after 5 s".to_string()],
                    5000
                ),
                ("yara", "skipped", vec!["bypass".to_string()], 0),
            ]
        );
        assert_eq!(r.action, "quarantine");
        assert_eq!(r.quarantine.as_deref(), Some("1.M1P1Q0.host"));
        assert_eq!(r.forwarded_to, None);
        assert_eq!(r.notes, notes);
        assert_eq!(r.exit, 99);
    }

    #[test]
    fn record_reads_null_sender_no_subject_and_forward() {
        let env = Envelope::for_check("", "info@example.com");
        let mut plan = virus_plan();
        plan.action = crate::verdict::Action::Forward;
        plan.forward_to = Some("guard@example.com".into());
        let text = Block {
            id: "7",
            time: "2026-11-21 04:13:00",
            envelope: &env,
            profile: "p",
            subject: None,
            plan: &plan,
            quarantine: None,
            notes: &[],
            config: None,
            exit: 99,
        }
        .format();
        let r = Record::parse(&text).expect("a record");
        assert_eq!((r.sender.as_str(), r.subject.as_deref()), ("", None));
        assert_eq!(r.action, "forward");
        assert_eq!(r.forwarded_to.as_deref(), Some("guard@example.com"));
    }

    #[test]
    fn record_refuses_cut_or_foreign_blocks() {
        assert_eq!(Record::parse("--- qmvc incident 1 ---\ntime: x\n"), None);
        assert_eq!(
            Record::parse(
                "--- qmvc incident 1 ---\ntime: t\nverdict: virus\naction: pass\nexit: 0\n--- end 2 ---\n"
            ),
            None
        );
        let ok = "--- qmvc incident 1 ---\ntime: t\nverdict: virus\naction: pass\nexit: 0\n--- end 1 ---\n";
        assert!(Record::parse(ok).is_some());
        assert_eq!(Record::parse(&ok.replace("exit: 0", "exit: x")), None);
    }

    #[test]
    fn blocks_are_found_in_a_stream_with_stray_and_cut_lines() {
        let text = "junk\n--- qmvc incident 1 ---\ntime: t\n--- qmvc incident 2 ---\ntime: t\nverdict: clean\n--- end 2 ---\n\n--- qmvc incident 3 ---\n";
        let mut b = Blocks::default();
        let found: Vec<String> = text
            .lines()
            .filter_map(|l| match b.push(l) {
                Pushed::Block(s) => Some(s),
                Pushed::Nothing => None,
            })
            .collect();
        b.finish();
        assert_eq!(
            found,
            ["--- qmvc incident 2 ---\ntime: t\nverdict: clean\n--- end 2 ---\n"]
        );
        assert_eq!(b.stray, 3, "junk, the cut block 1, the open block 3");
        let mut long = Blocks::default();
        long.push("--- qmvc incident 9 ---");
        for _ in 0..Blocks::MAX_LINES {
            long.push("notify: x");
        }
        assert_eq!(long.push("--- end 9 ---"), Pushed::Nothing);
        assert_eq!(long.stray, 2);
    }
}
