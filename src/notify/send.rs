//! Carrying the reports out: count the incident against the sender
//! ([`super::bomber`]), plan ([`super::plan()`]), render
//! ([`super::render()`]) and inject each report with the null envelope
//! sender through an [`Injector`] (`[mail].inject` in production, a
//! stand-in in tests). Failures are recorded in the [`Outcome`], never
//! raised: once the message is safe, a report cannot change its fate.
//!
//! [`preview`] renders the report an audience would get, even when the
//! profile would not send it, for `qmvc notify preview`.

use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;
use unic_langid::LanguageIdentifier;

use super::plan::{Input, profile_language, sender_languages};
use super::{Audience, BomberState, Incident, Notice, Reactions, Skipped, Sources, field, render};
use crate::config::Config;
use crate::envelope::Envelope;
use crate::error::Error;
use crate::i18n;
use crate::message::Message;
use crate::verdict::{Action, Condition, Plan, Verdict};

/// How long one injection may take before it is killed, unless
/// `[mail].timeout` says otherwise (its default).
pub const INJECT_TIMEOUT: Duration = Duration::from_secs(60);

/// Hands a finished report to the mail system.
pub trait Injector {
    /// Injects `message` (complete, LF line ends) to `recipients` with the
    /// null envelope sender. Errors: whatever stopped it, one line.
    fn inject(&self, recipients: &[String], message: &[u8]) -> Result<(), Error>;
}

/// The production injector: `[mail].inject` through
/// [`crate::actions::inject::send`], null envelope sender, recipients
/// after `--`.
#[derive(Debug, Clone, Copy)]
pub struct Inject<'a> {
    /// argv of the inject program (`[mail].inject`).
    pub argv: &'a [String],
    /// Time limit per report.
    pub timeout: Duration,
    /// Working directory for the program, if not the current one.
    pub cwd: Option<&'a Path>,
}

impl Injector for Inject<'_> {
    fn inject(&self, recipients: &[String], message: &[u8]) -> Result<(), Error> {
        crate::actions::inject::send(self.argv, "", recipients, message, self.timeout, self.cwd)
    }
}

/// What reports need besides the message: the configuration, the
/// profile's reactions and language, and the time.
#[derive(Debug, Clone, Copy)]
pub struct Setup<'a> {
    /// The main configuration (`[paths]`, `[mail].from`, `[guards]`).
    pub config: &'a Config,
    /// The profile's `[reactions]`.
    pub reactions: &'a Reactions,
    /// The profile's language (`Profile::language`).
    pub language: &'a str,
    /// Now: the reports' Date and the bomber clock.
    pub now: DateTime<Utc>,
}

/// One message's incident: what the reports are about.
#[derive(Debug, Clone, Copy)]
pub struct Case<'a> {
    /// The decision.
    pub plan: &'a Plan,
    /// The envelope.
    pub envelope: &'a Envelope,
    /// The parsed message (its headers).
    pub message: &'a Message,
    /// The incident as reports show it ([`Incident::new`]).
    pub incident: &'a Incident,
}

impl<'a> Setup<'a> {
    /// The planner's input for `case`.
    fn input(
        &self,
        case: &Case<'a>,
        available: &'a [LanguageIdentifier],
        bomber: Option<&'a BomberState>,
    ) -> Input<'a> {
        Input {
            plan: case.plan,
            envelope: case.envelope,
            message: case.message,
            reactions: self.reactions,
            guards: &self.config.guards,
            language: self.language,
            available,
            bomber,
        }
    }

    fn sources(&self) -> Sources<'_> {
        Sources {
            templates: Some(self.config.paths.templates.as_path()),
            locales: Some(self.config.paths.locales.as_path()),
        }
    }
}

/// One report handed to the injector (or that failed on the way).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sent {
    /// The audience.
    pub audience: Audience,
    /// The addresses.
    pub to: Vec<String>,
    /// The report's languages (`de`, `en`).
    pub languages: Vec<String>,
    /// Why it did not go out (render or injection failure), one line;
    /// `None` when it was injected.
    pub error: Option<String>,
}

/// Everything [`react`] did, for the log and the `.rep` block.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Reports handed over, or failed (see [`Sent::error`]).
    pub sent: Vec<Sent>,
    /// Audiences not told, and why.
    pub skipped: Vec<Skipped>,
    /// The sender's bomber counter after this incident, when counted.
    pub bomber: Option<BomberState>,
    /// Trouble outside any one report (the bomber state could not be
    /// written...), one line each.
    pub problems: Vec<String>,
}

/// Sends the incident reports for one message and says what happened.
/// Counts the incident against the sender when it is one (not clean, not
/// deferred, not itself a report), plans, renders and injects. Never
/// fails: every error lands in the [`Outcome`].
pub fn react<'a>(setup: &Setup<'a>, case: &Case<'a>, injector: &dyn Injector) -> Outcome {
    let Case {
        plan,
        envelope,
        message,
        incident,
    } = *case;
    let mut outcome = Outcome::default();
    // What the message itself was found to be, without the bomber finding:
    // a sender past the threshold is not counted again for every message
    // the brake stops (a clean one would otherwise be an incident of its
    // own, and an unscanned one would count as what nobody found in it),
    // so the window ends as configured, after its first incident.
    let own = plan
        .findings
        .iter()
        .filter(|f| f.condition != Condition::Bomber)
        .map(|f| f.condition.verdict())
        .max()
        .unwrap_or(Verdict::Clean);
    let counted = setup.reactions.bomber.counts(own)
        && plan.action != Action::Defer
        && !super::plan::is_own_report(envelope, message);
    if counted {
        match super::state::Store::of(setup.config).record(
            &envelope.sender,
            setup.now,
            &setup.reactions.bomber,
            &mut outcome.problems,
        ) {
            Ok(state) => outcome.bomber = state,
            Err(e) => outcome.problems.push(e.chain()),
        }
    }
    let available = i18n::available(Some(&setup.config.paths.locales));
    let reports = super::plan(&setup.input(case, &available, outcome.bomber.as_ref()));
    outcome.skipped = reports.skipped;
    for notice in reports.notices {
        let mut incident = incident.clone();
        if notice.audience == Audience::Bomber {
            incident.bomber = outcome.bomber.as_ref().map(Into::into);
        }
        let error = render(
            &notice,
            &incident,
            setup.now,
            &setup.config.mail.from,
            &setup.sources(),
        )
        .and_then(|bytes| injector.inject(&notice.to, &bytes))
        .err()
        .map(|e| field(&e.chain(), 500));
        outcome.sent.push(Sent {
            audience: notice.audience,
            to: notice.to,
            languages: notice.languages.iter().map(|l| l.to_string()).collect(),
            error,
        });
    }
    outcome
}

/// A rendered report for `qmvc notify preview`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preview {
    /// The full message that would be injected; `None` for a clean
    /// message, about which no report exists (the templates have no
    /// sentence for it), [`Preview::warning`] then says so.
    pub message: Option<Vec<u8>>,
    /// One line for stderr when the profile would not send this report
    /// (and why), or when `--lang` named a language reports cannot be
    /// written in; `None` when it would be sent as shown.
    pub warning: Option<String>,
}

/// Renders the report `audience` would get for this message, as the full
/// message that would be injected, even where the profile would not send
/// it (then [`Preview::warning`] says why). `lang` (a BCP 47 tag) replaces
/// the planned language(s) with the best one reports can be written in
/// (`de-AT` -> `de`; a language with no locale -> the profile's, with a
/// warning), so that `Content-Language` names the language the text is
/// in. A clean message has no report, whatever the audience: no message,
/// and a warning. For the guards, pass either guard audience:
/// the verdict chooses which one applies. The bomber counter is neither
/// read nor changed.
///
/// Errors: [`Error::Usage`] for a `lang` that is not a language tag;
/// whatever [`render()`] fails with.
pub fn preview<'a>(
    setup: &Setup<'a>,
    case: &Case<'a>,
    audience: Audience,
    lang: Option<&str>,
) -> Result<Preview, Error> {
    let (plan, envelope) = (case.plan, case.envelope);
    if plan.verdict == Verdict::Clean {
        let why = if plan.action == Action::Defer {
            "the message would be deferred: no report would be sent"
        } else {
            "the message is clean: no report would be sent"
        };
        return Ok(Preview {
            message: None,
            warning: Some(why.to_string()),
        });
    }
    let audience = match audience {
        Audience::AntivirusGuard | Audience::BadmailGuard => {
            super::plan::guard_audience(plan.verdict)
        }
        other => other,
    };
    let available = i18n::available(Some(&setup.config.paths.locales));
    let input = setup.input(case, &available, None);
    let reports = super::plan(&input);
    let default = profile_language(&input);
    let planned = reports.notices.iter().find(|n| n.audience == audience);
    let mut warning = match planned {
        Some(_) => None,
        None => Some(
            reports
                .skipped
                .iter()
                .find(|s| s.audience == audience)
                .map(|s| format!("the profile would not send this report: {}", s.reason))
                .unwrap_or_else(|| "the profile would not send this report".to_string()),
        ),
    };
    let mut notice = planned.cloned().unwrap_or_else(|| Notice {
        audience,
        to: preview_addresses(setup, envelope, audience),
        languages: match audience {
            Audience::Sender => sender_languages(&input, &default),
            _ => vec![default.clone()],
        },
    });
    if let Some(tag) = lang {
        let lang: LanguageIdentifier = i18n::parse_tag(tag).ok_or_else(|| {
            Error::Usage(format!("--lang: {} is not a language tag", field(tag, 64)))
        })?;
        // Content-Language must name the language the text is in: the
        // catalog of a language with no locale is English underneath.
        let none = LanguageIdentifier::default();
        let mut used = i18n::negotiate(std::slice::from_ref(&lang), &available, &none);
        if used == none {
            used = default.clone();
            let note = format!(
                "--lang {}: no report language matches; the report is in {used}",
                field(tag, 64)
            );
            warning = Some(match warning {
                Some(w) => format!("{w}; {note}"),
                None => note,
            });
        }
        notice.languages = vec![used];
    }
    let mut incident = case.incident.clone();
    if audience == Audience::Bomber && incident.bomber.is_none() {
        incident.bomber = Some(super::BomberView {
            count: setup.reactions.bomber.threshold.saturating_add(1),
            threshold: setup.reactions.bomber.threshold,
            since: setup.now.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
        });
    }
    let message = render(
        &notice,
        &incident,
        setup.now,
        &setup.config.mail.from,
        &setup.sources(),
    )?;
    Ok(Preview {
        message: Some(message),
        warning,
    })
}

/// Who a previewed report is addressed to when the plan names nobody.
fn preview_addresses(setup: &Setup<'_>, envelope: &Envelope, audience: Audience) -> Vec<String> {
    let guards = &setup.config.guards;
    let list: Vec<String> = match audience {
        Audience::AntivirusGuard => guards.antivirus.clone(),
        Audience::BadmailGuard | Audience::Bomber => guards.badmail.clone(),
        Audience::Recipient => vec![envelope.user_recipient.clone()],
        Audience::Sender => vec![envelope.sender.clone()],
    };
    list.into_iter()
        .filter(|a| super::plan::is_address(a))
        .collect()
}

/// A made-up incident touching every field, for `config check` to render
/// each template in each language.
pub(crate) fn sample_incident() -> Incident {
    use crate::engines::{EngineReport, EngineResult};
    use crate::verdict::{Condition, Finding};
    let plan = Plan {
        verdict: Verdict::Virus,
        action: Action::Quarantine,
        findings: vec![
            Finding {
                condition: Condition::Filename,
                part: Some("2".into()),
                detail: "invoice.pdf.exe".into(),
                description: "executable attachment".into(),
            },
            Finding {
                condition: Condition::Virus,
                part: None,
                detail: "Eicar-Signature".into(),
                description: "found by clamd".into(),
            },
        ],
        engines: vec![EngineReport {
            name: "clamd".into(),
            result: EngineResult::Virus(vec!["Eicar-Signature".into()]),
            ms: 12,
        }],
        forward_to: None,
        exit: crate::exit::Exit::Stop,
    };
    let envelope = Envelope::for_check("sender@example.org", "user@example.com");
    let message = Message {
        subject: Some("Invoice".into()),
        ..Message::default()
    };
    let mut incident = Incident::new(&plan, &envelope, &message, "sample", Some("1.q"), "default");
    incident.bomber = Some(super::BomberView {
        count: 11,
        threshold: 10,
        since: "1970-01-01 00:00:00 UTC".into(),
    });
    incident
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_sources_have_no_problems() {
        let problems = super::super::check_sources(&Sources::default());
        assert!(problems.is_empty(), "{problems:#?}");
    }
}
