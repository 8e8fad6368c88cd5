//! The decision: findings and engine answers in, [`Verdict`] and [`Plan`] out.
//!
//! Pure: no files, no network, no environment, no clock. The shell
//! (`app`) carries the plan out in a fixed order: quarantine or forward,
//! log line, report block, incident reports, exit.

use serde::{Deserialize, Serialize};

use crate::exit::Exit;

/// Which condition of a profile (or which engine) produced a [`Finding`].
/// The names are the `condition` values of `check --json` and the letters of the log
/// line's counter field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Condition {
    /// A subject rule matched (log letter S).
    Subject,
    /// A body rule matched a decoded text part (B).
    Body,
    /// An attachment filename rule matched, or a name carries bidi or
    /// zero-width control characters (F).
    Filename,
    /// A declared or detected MIME type rule matched, or they disagree (T).
    Mimetype,
    /// An Office document carries VBA or Excel 4.0 (XLM) macros, whatever
    /// its name (M).
    Macro,
    /// The envelope sender is null and the profile refuses that (N).
    Nullsender,
    /// Required headers are missing or the MIME structure is broken (E).
    Errormail,
    /// Content that qmvc or an engine could not examine: a limit reached,
    /// an encrypted archive, a decompression bomb, a part an engine refused
    /// as too large, a format qmvc cannot read (amavisd-new's
    /// `CC_UNCHECKED`) (U).
    Unchecked,
    /// An anti-virus engine found a virus (V).
    Virus,
    /// The sender passed the virus-bomber threshold.
    Bomber,
}

impl Condition {
    /// The name (`subject`, `filename`, ...), as in `check --json`.
    pub fn name(self) -> &'static str {
        match self {
            Condition::Subject => "subject",
            Condition::Body => "body",
            Condition::Filename => "filename",
            Condition::Mimetype => "mimetype",
            Condition::Macro => "macro",
            Condition::Unchecked => "unchecked",
            Condition::Nullsender => "nullsender",
            Condition::Errormail => "errormail",
            Condition::Virus => "virus",
            Condition::Bomber => "bomber",
        }
    }

    /// The verdict a finding of this condition leads to on its own.
    pub fn verdict(self) -> Verdict {
        match self {
            Condition::Virus => Verdict::Virus,
            Condition::Unchecked => Verdict::Unchecked,
            Condition::Errormail => Verdict::Errormail,
            Condition::Subject
            | Condition::Body
            | Condition::Filename
            | Condition::Mimetype
            | Condition::Macro
            | Condition::Nullsender
            | Condition::Bomber => Verdict::Badmail,
        }
    }
}

/// One thing a rule or an engine found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Which condition.
    pub condition: Condition,
    /// The part it concerns (`1.2`...), `None` for the whole message.
    pub part: Option<String>,
    /// What matched, e.g. the filename, the subject, the virus name. Comes
    /// from the message: escape it before it reaches a log or a header.
    pub detail: String,
    /// The rule's description from the profile (for logs and reports).
    pub description: String,
}

/// The overall judgement of a message. Precedence: virus, unchecked,
/// badmail, errormail, clean (the derived `Ord` follows the declaration
/// order, so `max` over findings gives the verdict).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Nothing found.
    Clean,
    /// Broken or incomplete mail (errormail condition only).
    Errormail,
    /// A badmail condition matched.
    Badmail,
    /// Something could not be examined (a limit, an encrypted archive, an
    /// engine that refused a part): never `clean`, because what nobody
    /// looked at may be anything.
    Unchecked,
    /// An engine found a virus.
    Virus,
}

impl Verdict {
    /// `clean`, `errormail`, `badmail`, `unchecked`, `virus`.
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Clean => "clean",
            Verdict::Errormail => "errormail",
            Verdict::Badmail => "badmail",
            Verdict::Unchecked => "unchecked",
            Verdict::Virus => "virus",
        }
    }

    /// Every verdict, from the mildest to the gravest.
    pub const ALL: [Verdict; 5] = [
        Verdict::Clean,
        Verdict::Errormail,
        Verdict::Badmail,
        Verdict::Unchecked,
        Verdict::Virus,
    ];

    /// The verdict called `name` (as [`Verdict::name`] spells it).
    pub fn from_name(name: &str) -> Option<Verdict> {
        Verdict::ALL.into_iter().find(|v| v.name() == name)
    }
}

/// What is done with a message (`action` in `check --json`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// Deliver on: exit 0.
    Pass,
    /// Store in the quarantine Maildir, then exit 99.
    Quarantine,
    /// Re-inject to the profile's forward address, then exit 99.
    Forward,
    /// Exit 100 with a one-line reason.
    Bounce,
    /// Exit 99 without storing (the message is gone: use with care).
    Drop,
    /// Exit 111: leave the message in the queue (engine trouble).
    Defer,
}

impl Action {
    /// `pass`, `quarantine`, `forward`, `bounce`, `drop`, `defer`.
    pub fn name(self) -> &'static str {
        match self {
            Action::Pass => "pass",
            Action::Quarantine => "quarantine",
            Action::Forward => "forward",
            Action::Bounce => "bounce",
            Action::Drop => "drop",
            Action::Defer => "defer",
        }
    }
}

/// The action a profile prescribes per verdict (QMVC's Actions).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ActionPolicy {
    /// For [`Verdict::Virus`]. Default quarantine.
    pub virus: Action,
    /// For [`Verdict::Badmail`]. Default quarantine.
    pub badmail: Action,
    /// For [`Verdict::Unchecked`]. Default quarantine. `pass` delivers it,
    /// but it is still logged and reported: never silent.
    pub unchecked: Action,
    /// For [`Verdict::Errormail`]. Default pass (counted and logged).
    pub errormail: Action,
    /// Where `forward` sends the message (one RFC 5321 address).
    pub forward_to: Option<String>,
}

impl Default for ActionPolicy {
    fn default() -> Self {
        ActionPolicy {
            virus: Action::Quarantine,
            badmail: Action::Quarantine,
            unchecked: Action::Quarantine,
            errormail: Action::Pass,
            forward_to: None,
        }
    }
}

impl ActionPolicy {
    /// The action for a verdict; clean always passes.
    pub fn for_verdict(&self, verdict: Verdict) -> Action {
        match verdict {
            Verdict::Clean => Action::Pass,
            Verdict::Errormail => self.errormail,
            Verdict::Badmail => self.badmail,
            Verdict::Unchecked => self.unchecked,
            Verdict::Virus => self.virus,
        }
    }
}

/// What to do with one message: plain data, computed by [`decide`], carried
/// out by the shell or printed by `check`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The verdict.
    pub verdict: Verdict,
    /// The action.
    pub action: Action,
    /// Every finding, rules first, then engines.
    pub findings: Vec<Finding>,
    /// Every engine's answer, in chain order.
    pub engines: Vec<EngineReport>,
    /// Forward address when `action` is forward.
    pub forward_to: Option<String>,
    /// The exit the shell takes once the action is carried out.
    pub exit: Exit,
}

impl Plan {
    /// True when the message is an incident (anything but clean, or
    /// deferred because of engine trouble).
    pub fn is_incident(&self) -> bool {
        self.verdict != Verdict::Clean || self.action == Action::Defer
    }
}

/// Decides. `findings` come from the rules, `engines` from the chain;
/// `unscanned` is true when the chain could not scan and its failure policy
/// says defer. The verdict is the highest among the findings; the action
/// is the verdict's, unless that is `pass`: then the highest verdict found
/// whose action does not pass decides (a profile passing unchecked mail
/// still quarantines a banned attachment beside a cap). Never fails: a
/// forward without an address quarantines instead (mail is never lost to
/// a configuration slip).
pub fn decide(
    mut findings: Vec<Finding>,
    engines: Vec<EngineReport>,
    unscanned: bool,
    policy: &ActionPolicy,
) -> Plan {
    for report in &engines {
        if let EngineResult::Virus(names) = &report.result {
            for name in names {
                findings.push(Finding {
                    condition: Condition::Virus,
                    part: None,
                    detail: name.clone(),
                    description: format!("found by {}", report.name),
                });
            }
        }
    }
    let (verdict, mut action) = judgement(&findings, policy);
    if unscanned && verdict != Verdict::Virus {
        // A message that could not be scanned stays in the queue, unless a
        // rule already decided to take it out (then no engine can change
        // that decision).
        if matches!(action, Action::Pass) {
            action = Action::Defer;
        }
    }
    if action == Action::Forward && policy.forward_to.is_none() {
        action = Action::Quarantine;
    }
    let forward_to = match action {
        Action::Forward => policy.forward_to.clone(),
        _ => None,
    };
    let exit = match action {
        Action::Pass => Exit::Pass,
        Action::Quarantine | Action::Forward | Action::Drop => Exit::Stop,
        Action::Bounce => Exit::Bounce(bounce_line(verdict, &findings)),
        Action::Defer => Exit::Defer(defer_line(&engines)),
    };
    Plan {
        verdict,
        action,
        findings,
        engines,
        forward_to,
        exit,
    }
}

/// The verdict of `findings` and the action the profile takes on it,
/// before any engine trouble is weighed. A verdict that passes does not
/// deliver what a lower one stops: a banned attachment in a message that
/// also reached a cap (and a profile that passes unchecked mail) is still
/// taken out, by the action of the highest verdict found that does not
/// pass. Else an attacker would add a cap to his banned file to have it
/// delivered.
fn judgement(findings: &[Finding], policy: &ActionPolicy) -> (Verdict, Action) {
    let verdict = findings
        .iter()
        .map(|f| f.condition.verdict())
        .max()
        .unwrap_or(Verdict::Clean);
    let mut action = policy.for_verdict(verdict);
    if action == Action::Pass {
        let mut found: Vec<Verdict> = findings.iter().map(|f| f.condition.verdict()).collect();
        found.sort_unstable_by(|a, b| b.cmp(a));
        if let Some(stop) = found
            .into_iter()
            .map(|v| policy.for_verdict(v))
            .find(|a| *a != Action::Pass)
        {
            action = stop;
        }
    }
    (verdict, action)
}

/// True when `findings` (found before any engine ran) already take the
/// message out under `policy`: the action [`decide`] gives them is not
/// `pass`. The one rule every short-circuit follows (the profile's
/// `bypass` after a badmail finding, the bomber's `short_circuit`): the
/// engines may be skipped only for a message that will not be delivered,
/// else a profile (or a user's `.qmvc.toml`) that passes badmail would
/// have an infected attachment delivered unscanned.
pub fn stops_without_engines(findings: &[Finding], policy: &ActionPolicy) -> bool {
    !findings.is_empty() && judgement(findings, policy).1 != Action::Pass
}

/// The bounce text: one sentence naming the first finding, ending in
/// `(#5.7.1)` ("delivery not authorized, message refused", RFC 3463).
fn bounce_line(verdict: Verdict, findings: &[Finding]) -> String {
    // The detail comes from the message or an engine: one line, no
    // control, bidi or line separator characters in qmail's bounce text.
    let one_line = |s: &str| crate::escape::header_text(s, 200);
    let why = match findings.first() {
        Some(f) => match f.condition {
            Condition::Filename => {
                format!(
                    "attachment \"{}\" is not accepted here",
                    one_line(&f.detail)
                )
            }
            Condition::Virus => format!("the message carries a virus ({})", one_line(&f.detail)),
            Condition::Mimetype => {
                format!(
                    "content of type {} is not accepted here",
                    one_line(&f.detail)
                )
            }
            Condition::Macro => "documents with macros are not accepted here".to_string(),
            Condition::Unchecked => "the message could not be checked completely".to_string(),
            Condition::Subject => "the subject is not accepted here".to_string(),
            Condition::Body => "the message text is not accepted here".to_string(),
            Condition::Nullsender => "mail from the null sender is not accepted here".to_string(),
            Condition::Errormail => {
                format!("the message is malformed ({})", one_line(&f.description))
            }
            Condition::Bomber => "too many infected messages from this sender".to_string(),
        },
        None => format!("the message was judged {}", verdict.name()),
    };
    format!("qmvc: {why} (#5.7.1)")
}

/// The deferral text for an engine failure: which engines failed.
fn defer_line(engines: &[EngineReport]) -> String {
    let failed: Vec<&str> = engines
        .iter()
        .filter(|r| matches!(r.result, EngineResult::Error(_)))
        .map(|r| r.name.as_str())
        .collect();
    if failed.is_empty() {
        "qmvc: message could not be scanned (#4.3.0)".to_string()
    } else {
        format!(
            "qmvc: anti-virus engine unavailable: {} (#4.3.0)",
            failed.join(", ")
        )
    }
}

/// One engine's answer for one message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EngineReport {
    /// The engine's configured `name`.
    pub name: String,
    /// What it said.
    pub result: EngineResult,
    /// Wall time spent on it, in milliseconds.
    pub ms: u64,
}

/// What an engine said. Log letters: `C`, `V`, `E`, `-`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum EngineResult {
    /// Scanned, nothing found.
    Clean,
    /// Scanned, these virus names found (at least one).
    Virus(Vec<String>),
    /// Could not scan: unreachable, timed out, answered garbage. One line.
    Error(String),
    /// Not run, and why (bypass, noscan_types, earlier virus, oversize...).
    Skipped(String),
}

impl EngineResult {
    /// The `result` of `check --json`: `clean`, `virus`, `error`, `skipped`.
    pub fn name(&self) -> &'static str {
        match self {
            EngineResult::Clean => "clean",
            EngineResult::Virus(_) => "virus",
            EngineResult::Error(_) => "error",
            EngineResult::Skipped(_) => "skipped",
        }
    }

    /// The log line's letter: `C`, `V`, `E`, `-`.
    pub fn letter(&self) -> char {
        match self {
            EngineResult::Clean => 'C',
            EngineResult::Virus(_) => 'V',
            EngineResult::Error(_) => 'E',
            EngineResult::Skipped(_) => '-',
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(condition: Condition) -> Finding {
        Finding {
            condition,
            part: None,
            detail: String::new(),
            description: String::new(),
        }
    }

    /// Engines are skipped only for findings that take the message out:
    /// where badmail passes, neither a badmail rule nor the bomber finding
    /// may skip them; a lower verdict that stops still counts.
    #[test]
    fn short_circuits_only_where_the_message_is_taken_out() {
        let quarantine = ActionPolicy::default();
        let passing = ActionPolicy {
            badmail: Action::Pass,
            ..ActionPolicy::default()
        };
        for c in [Condition::Bomber, Condition::Filename] {
            assert!(stops_without_engines(&[finding(c)], &quarantine), "{c:?}");
            assert!(!stops_without_engines(&[finding(c)], &passing), "{c:?}");
        }
        assert!(!stops_without_engines(&[], &quarantine));
        let with_cap = [finding(Condition::Bomber), finding(Condition::Unchecked)];
        assert!(stops_without_engines(&with_cap, &passing));
    }
}
