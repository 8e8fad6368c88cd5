//! Incident reports (QMVC's Reactions): who is told about an incident, in
//! which language, with what text, and the virus-bomber brake.
//!
//! The pieces, in the order the shell uses them:
//! - [`Reactions`] (the profile's `[reactions]` table, `crate::profile::reactions`):
//!   who hears about which verdict.
//! - [`bomber::record`]: per-sender incident counters in `[paths].state`,
//!   or in a Redis shared by the site's hosts ([`state::Store`]).
//! - [`plan()`] (`plan.rs`, pure): [`Notice`]s to send and, for every
//!   audience not told, why not ([`Skipped`]); never backscatter, never
//!   loop (RFC 3834).
//! - [`render()`] (`render.rs`): a notice and the [`Incident`] -> the full
//!   RFC 5322 message, from handlebars templates and Fluent sentences.
//! - [`react`] / [`preview`] (`send.rs`): all of the above, injected
//!   through an [`Injector`] (`[mail].inject` in production).
//!
//! Everything that came from the message or the envelope goes through
//! [`field`] before it reaches a report: no CR, LF or other control
//! character survives, so nothing from the message can make a header.

pub mod bomber;
mod plan;

mod render;
mod send;
pub mod state;

pub use crate::profile::reactions::Reactions;
pub use bomber::{BomberLimits, BomberState};
pub use plan::{Input, Reports, is_loop_address, plan};
pub use render::{
    Sources, TEMPLATES, check_sources, check_sources_full, dynamic_ids, ids_used, render,
};
pub use send::{
    Case, INJECT_TIMEOUT, Inject, Injector, Outcome, Preview, Sent, Setup, preview, react,
};

use serde::Serialize;
use unic_langid::LanguageIdentifier;

use crate::engines::EngineResult;
use crate::envelope::Envelope;
use crate::message::Message;
use crate::verdict::{Action, Condition, Plan, Verdict};

/// Who a report is for. Each has its own template (`templates/<name>.hbs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Audience {
    /// `[guards].antivirus`: told about viruses, with the full picture.
    AntivirusGuard,
    /// `[guards].badmail`: told about badmail and errormail.
    BadmailGuard,
    /// The local recipient the message was for.
    Recipient,
    /// The envelope sender (on demand, per verdict; never for forged
    /// addresses the loop rules catch).
    Sender,
    /// The guards, once, when a sender passes the bomber threshold.
    Bomber,
}

impl Audience {
    /// The template name: `guard-antivirus`, `guard-badmail`, `recipient`,
    /// `sender`, `bomber`.
    pub fn name(self) -> &'static str {
        match self {
            Audience::AntivirusGuard => "guard-antivirus",
            Audience::BadmailGuard => "guard-badmail",
            Audience::Recipient => "recipient",
            Audience::Sender => "sender",
            Audience::Bomber => "bomber",
        }
    }

    /// Every audience, in the order reports are sent.
    pub const ALL: [Audience; 5] = [
        Audience::AntivirusGuard,
        Audience::BadmailGuard,
        Audience::Recipient,
        Audience::Sender,
        Audience::Bomber,
    ];

    /// True for the administrators' reports (`Auto-Submitted:
    /// auto-generated`, full detail); false for replies to the message's
    /// parties (`auto-replied`, RFC 3834 §5).
    pub fn is_guard(self) -> bool {
        matches!(
            self,
            Audience::AntivirusGuard | Audience::BadmailGuard | Audience::Bomber
        )
    }
}

/// One report to send: who, and in which language(s) (one, or two for a
/// sender report with a second language; the first is the main one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// The audience (chooses the template and what it may see).
    pub audience: Audience,
    /// The addresses, already checked by the loop rules.
    pub to: Vec<String>,
    /// The report's languages, main first; never empty.
    pub languages: Vec<LanguageIdentifier>,
}

/// An audience that is not told, and why (for the `.rep` block).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skipped {
    /// The audience.
    pub audience: Audience,
    /// Why not, lower case, one line (`sender reports are off for virus`).
    pub reason: String,
}

/// One finding as reports show it: every text sanitised with [`field`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FindingView {
    /// The condition's name (`filename`, `virus`...), as in `check --json`.
    pub condition: &'static str,
    /// The Fluent id naming the condition (`condition-filename`).
    pub condition_id: String,
    /// The part (`1.2`) or empty.
    pub part: String,
    /// What matched (filename, virus name...).
    pub detail: String,
    /// The rule's description from the profile.
    pub description: String,
}

/// One engine answer as guard reports show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EngineView {
    /// The engine's name.
    pub name: String,
    /// `clean`, `virus`, `error`, `skipped`.
    pub result: &'static str,
    /// The Fluent id of the result (`engine-virus`).
    pub result_id: String,
    /// Virus names (joined), error or skip reason; empty when clean.
    pub detail: String,
    /// Milliseconds spent.
    pub ms: u64,
}

/// Everything a report may say about one incident, sanitised. Built once
/// per message with [`Incident::new`]; each audience sees only its share
/// (see `render.rs`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Incident {
    /// The incident id (log `id:`, `X-Qmvc-Incident`).
    pub id: String,
    /// The quarantine file name, when the message was quarantined.
    pub quarantine: Option<String>,
    /// The profile's name.
    pub profile: String,
    /// The verdict.
    pub verdict: Verdict,
    /// The action taken.
    pub action: Action,
    /// Where a forward went.
    pub forward_to: Option<String>,
    /// The envelope sender (`<>` for the null sender).
    pub sender: String,
    /// The recipient the user knows.
    pub recipient: String,
    /// The message's subject (empty when none).
    pub subject: String,
    /// The message's `Date:` header (empty when none).
    pub message_date: String,
    /// Every finding.
    pub findings: Vec<FindingView>,
    /// Every engine answer.
    pub engines: Vec<EngineView>,
    /// The sender's bomber counter, for the bomber alert only.
    pub bomber: Option<BomberView>,
}

/// The bomber counter as the alert shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BomberView {
    /// Incidents in the window.
    pub count: u32,
    /// The profile's threshold.
    pub threshold: u32,
    /// When the window began (`YYYY-MM-DD HH:MM:SS UTC`).
    pub since: String,
}

impl From<&BomberState> for BomberView {
    fn from(b: &BomberState) -> Self {
        BomberView {
            count: b.count,
            threshold: b.threshold,
            since: b.since.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
        }
    }
}

/// Longest subject shown (characters).
const MAX_SUBJECT: usize = 200;
/// Longest address, name or detail shown (characters).
const MAX_FIELD: usize = 256;
/// Most findings and engine answers listed in one report.
const MAX_ITEMS: usize = 100;

impl Incident {
    /// The incident as reports see it: `plan`'s verdict, action, findings
    /// and engines, the envelope's addresses, the message's subject and
    /// date; `id` and `quarantine` (file name) from the shell. Every text
    /// passes through [`field`]; lists are capped at 100 entries.
    pub fn new(
        plan: &Plan,
        envelope: &Envelope,
        message: &Message,
        id: &str,
        quarantine: Option<&str>,
        profile: &str,
    ) -> Incident {
        let findings = plan
            .findings
            .iter()
            .take(MAX_ITEMS)
            .map(|f| FindingView {
                condition: f.condition.name(),
                condition_id: format!("condition-{}", f.condition.name()),
                part: field(f.part.as_deref().unwrap_or(""), 32),
                detail: field(&f.detail, MAX_FIELD),
                description: field(&f.description, MAX_FIELD),
            })
            .collect();
        let engines = plan
            .engines
            .iter()
            .take(MAX_ITEMS)
            .map(|e| EngineView {
                name: field(&e.name, 64),
                result: e.result.name(),
                result_id: format!("engine-{}", e.result.name()),
                detail: field(
                    &match &e.result {
                        EngineResult::Clean => String::new(),
                        EngineResult::Virus(names) => names.join(", "),
                        EngineResult::Error(s) | EngineResult::Skipped(s) => s.clone(),
                    },
                    MAX_FIELD,
                ),
                ms: e.ms,
            })
            .collect();
        let sender = if envelope.sender.is_empty() {
            "<>".to_string()
        } else {
            field(&envelope.sender, MAX_FIELD)
        };
        Incident {
            id: field(id, 64),
            quarantine: quarantine.map(|q| field(q, MAX_FIELD)),
            profile: field(profile, 64),
            verdict: plan.verdict,
            action: plan.action,
            forward_to: plan.forward_to.as_deref().map(|a| field(a, MAX_FIELD)),
            sender,
            recipient: field(&envelope.user_recipient, MAX_FIELD),
            subject: field(message.subject.as_deref().unwrap_or(""), MAX_SUBJECT),
            message_date: field(message.header("Date").unwrap_or(""), 64),
            findings,
            engines,
            bomber: None,
        }
    }

    /// The names of attachments a filename finding concerns (what the
    /// parties may learn: they sent or were sent them), without
    /// duplicates.
    pub fn attachments(&self) -> Vec<String> {
        self.details(Condition::Filename)
    }

    /// The virus names found, without duplicates.
    pub fn viruses(&self) -> Vec<String> {
        self.details(Condition::Virus)
    }

    /// The distinct details of the findings of `condition`, in order.
    fn details(&self, condition: Condition) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for f in &self.findings {
            if f.condition == condition.name() && !out.contains(&f.detail) {
                out.push(f.detail.clone());
            }
        }
        out
    }
}

/// Makes a value from the message or the envelope safe for a report
/// header or line: [`crate::escape::header_text`], the one rule for that.
pub use crate::escape::header_text as field;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_removes_line_breaks_and_controls() {
        assert_eq!(
            field("Invoice\r\nBcc: victim@example.net", 200),
            "Invoice Bcc: victim@example.net"
        );
        assert_eq!(field("  a\t\x00b\u{2028}c\u{85}  ", 200), "a b c");
        assert_eq!(field("\r\n", 200), "");
    }

    #[test]
    fn field_shows_bidi_tricks() {
        assert_eq!(
            field("invoice\u{202E}fdp.exe", 200),
            "invoice<U+202E>fdp.exe"
        );
        assert_eq!(field("a\u{200B}b", 200), "a<U+200B>b");
    }

    #[test]
    fn field_is_bounded() {
        let f = field(&"é".repeat(10_000), 10);
        assert_eq!(f.chars().count(), 11);
        assert!(f.ends_with('…'));
        assert_eq!(field("abc", 3), "abc");
    }
}
