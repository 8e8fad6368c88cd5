//! The `qmvc.rep` block (SPEC §4): a multi-line record of every incident —
//! envelope, subject, every finding, every engine answer, the action with
//! the quarantine file, and who was notified or why not. Appended with one
//! `write(2)`, like the log line.
//!
//! [`Block::format`] is pure.

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
                engine_answer(r),
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
}
