//! The report planner: which audiences are told about an incident, at
//! which addresses and in which language, and for every audience not told,
//! why not.
//!
//! Pure: plan, envelope, message headers, reactions, guards, the bomber
//! counter and the available languages in; [`Reports`] out.
//!
//! Never backscatter, never loop (RFC 3834 §2, §5): no report to the null
//! sender or `#@[]`, to MAILER-DAEMON, `owner-*`, `*-owner`, `*-request`,
//! `*-bounces`, ezmlm's `-return-` addresses, no-reply addresses; no sender
//! report about mail with `Precedence: bulk|junk|list`, `List-*` headers
//! (RFC 2369, RFC 2919), the marks other list managers write (ezmlm's
//! `Mailing-List:` and `Delivered-To: mailing list`, ...; see
//! `list_or_automatic`) or `Auto-Submitted` other than `no`; no report at all about one of our own
//! reports (a report about a report): a message with our `X-Qmvc-Incident`
//! header *and* an `Auto-Submitted` header *and* the null envelope sender
//! qmvc sends with ([`is_own_report`]). The header alone is no proof: anyone
//! can write it, and it would silence every report about his virus.

use unic_langid::LanguageIdentifier;

use super::{Audience, BomberState, Notice, Reactions, Skipped};
use crate::config::Guards;
use crate::envelope::Envelope;
use crate::i18n::{self, SenderHints};
use crate::message::Message;
use crate::verdict::{Action, Plan, Verdict};

/// The header our own reports carry (see [`is_own_report`]).
pub const INCIDENT_HEADER: &str = "X-Qmvc-Incident";

/// True for one of qmvc's own incident reports coming back: the null
/// envelope sender (reports are injected with it, so no outsider's mail
/// bounces to it), an `Auto-Submitted` header other than `no` (RFC 3834)
/// and the `X-Qmvc-Incident` header, all three. Such a message causes no
/// report and is not counted against a sender. A message from a real
/// sender with a forged `X-Qmvc-Incident` is judged and reported as any
/// other.
pub fn is_own_report(envelope: &Envelope, message: &Message) -> bool {
    let null = envelope.null_sender || crate::envelope::is_null_sender(&envelope.sender);
    null && message.header(INCIDENT_HEADER).is_some()
        && message
            .header("Auto-Submitted")
            .is_some_and(|v| !v.trim().eq_ignore_ascii_case("no"))
}

/// What the planner looks at.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    /// The decision.
    pub plan: &'a Plan,
    /// The envelope (sender and recipient addresses).
    pub envelope: &'a Envelope,
    /// The message (its top-level `headers` only).
    pub message: &'a Message,
    /// The profile's `[reactions]`.
    pub reactions: &'a Reactions,
    /// `[guards]` of the main file.
    pub guards: &'a Guards,
    /// The profile's language (`Profile::language`): guards and recipient
    /// get it; the sender's negotiation falls back to it.
    pub language: &'a str,
    /// The languages reports can be written in ([`i18n::available`]).
    pub available: &'a [LanguageIdentifier],
    /// The sender's bomber counter after this incident, if counted.
    pub bomber: Option<&'a BomberState>,
}

/// The planner's answer: reports to send, and audiences not told with the
/// reason.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reports {
    /// Reports to send, guards first.
    pub notices: Vec<Notice>,
    /// Audiences not told, and why.
    pub skipped: Vec<Skipped>,
}

impl Reports {
    fn skip(&mut self, audience: Audience, reason: impl Into<String>) {
        self.skipped.push(Skipped {
            audience,
            reason: reason.into(),
        });
    }
}

/// Plans the reports for one message. A clean message gets none and no
/// reasons; a deferred one none, with the reason "deferred" (it comes
/// back). Past the bomber threshold nobody is told except, once, the guards
/// ([`Audience::Bomber`]).
pub fn plan(input: &Input<'_>) -> Reports {
    let mut out = Reports::default();
    let plan = input.plan;
    let parties = [Audience::Recipient, Audience::Sender];
    let guard = guard_audience(plan.verdict);
    if plan.verdict == Verdict::Clean && plan.action != Action::Defer {
        return out;
    }
    if plan.action == Action::Defer {
        for a in std::iter::once(guard).chain(parties) {
            out.skip(
                a,
                "the message was deferred: reports wait for the final decision",
            );
        }
        return out;
    }
    if is_own_report(input.envelope, input.message) {
        for a in std::iter::once(guard).chain(parties) {
            out.skip(
                a,
                "the message is itself an incident report (X-Qmvc-Incident)",
            );
        }
        return out;
    }
    let default_lang = profile_language(input);
    if let Some(b) = input.bomber.filter(|b| b.over()) {
        let reason = format!(
            "sender passed the bomber threshold ({} incidents since {})",
            b.count,
            b.since.format("%Y-%m-%d %H:%M:%S UTC")
        );
        for a in std::iter::once(guard).chain(parties) {
            out.skip(a, reason.clone());
        }
        if b.alert() {
            match guard_addresses(input, plan.verdict) {
                Ok(to) => out.notices.push(Notice {
                    audience: Audience::Bomber,
                    to,
                    languages: vec![default_lang],
                }),
                Err(why) => out.skip(Audience::Bomber, why),
            }
        }
        return out;
    }
    // Stopped by the bomber brake and not counted again (see
    // `send::react`): past the threshold all the same, so nobody is told.
    if plan
        .findings
        .iter()
        .any(|f| f.condition == crate::verdict::Condition::Bomber)
    {
        for a in std::iter::once(guard).chain(parties) {
            out.skip(a, "sender passed the bomber threshold (finding bomber)");
        }
        return out;
    }
    let verdict = plan.verdict.name();

    if !input.reactions.guards.contains(&plan.verdict) {
        out.skip(guard, format!("guard reports are off for {verdict}"));
    } else {
        match guard_addresses(input, plan.verdict) {
            Ok(to) => out.notices.push(Notice {
                audience: guard,
                to,
                languages: vec![default_lang.clone()],
            }),
            Err(why) => out.skip(guard, why),
        }
    }

    let recipient = &input.envelope.user_recipient;
    if !input.reactions.recipient.contains(&plan.verdict) {
        out.skip(
            Audience::Recipient,
            format!("recipient reports are off for {verdict}"),
        );
    } else if let Some(why) = unusable(recipient) {
        out.skip(Audience::Recipient, why);
    } else {
        out.notices.push(Notice {
            audience: Audience::Recipient,
            to: vec![recipient.clone()],
            languages: vec![default_lang.clone()],
        });
    }

    match sender_refusal(input) {
        Some(why) => out.skip(Audience::Sender, why),
        None => out.notices.push(Notice {
            audience: Audience::Sender,
            to: vec![input.envelope.sender.clone()],
            languages: sender_languages(input, &default_lang),
        }),
    }
    out
}

/// The profile's language as one the reports can be written in: the
/// best available match for `Profile::language` (`de-CH` -> `de`), else
/// English.
pub(crate) fn profile_language(input: &Input<'_>) -> LanguageIdentifier {
    let english: LanguageIdentifier = "en".parse().unwrap_or_default();
    let requested: Vec<LanguageIdentifier> = i18n::parse_tag(input.language).into_iter().collect();
    i18n::negotiate(&requested, input.available, &english)
}

/// The languages of a sender report: the negotiated one, then the
/// profile's second language when it differs.
pub(crate) fn sender_languages(
    input: &Input<'_>,
    default: &LanguageIdentifier,
) -> Vec<LanguageIdentifier> {
    let hints = SenderHints {
        content_language: input.message.header("Content-Language").map(str::to_string),
        accept_language: input.message.header("Accept-Language").map(str::to_string),
        domain: crate::envelope::domain_of(&input.envelope.sender),
    };
    let first = i18n::negotiate_sender(&hints, input.available, default);
    let mut langs = vec![first];
    if let Some(second) = input
        .reactions
        .second_language
        .as_deref()
        .and_then(i18n::parse_tag)
        .map(|l| i18n::negotiate(&[l], input.available, default))
        && !langs.contains(&second)
    {
        langs.push(second);
    }
    langs
}

/// Why the sender must not get a report, if so.
fn sender_refusal(input: &Input<'_>) -> Option<String> {
    let verdict = input.plan.verdict;
    if !input.reactions.sender.contains(&verdict) {
        return Some(format!("sender reports are off for {}", verdict.name()));
    }
    let sender = &input.envelope.sender;
    if input.envelope.null_sender || crate::envelope::is_null_sender(sender) {
        return Some("null sender".into());
    }
    if let Some(why) = unusable(sender) {
        return Some(why);
    }
    list_or_automatic(input.message)
}

/// Header fields only list software writes, whatever their value (see
/// [`list_or_automatic`] for who writes which).
const LIST_FIELDS: [&str; 5] = [
    "Mailing-List",
    "X-Mailing-List",
    "X-BeenThere",
    "X-Mailman-Version",
    "X-Loop",
];

/// RFC 3834 §2: no automatic reply to list, bulk or automatic mail. List
/// mail is recognised by what list managers write, not only by RFC 2369
/// and RFC 2919:
///
/// - `List-*` (RFC 2369, RFC 2919): Mailman, Sympa, ezmlm-idx, Google
///   Groups, vger;
/// - `Precedence: bulk|junk|list`: majordomo, Mailman, SmartList, vger;
/// - `Mailing-List:` (ezmlm-send: `contact LIST-help@HOST; run by ezmlm`;
///   Yahoo and Google Groups), `X-Mailing-List:` (SmartList, vger's
///   majordomo), `X-BeenThere:` and `X-Mailman-Version:` (Mailman),
///   `X-Loop:` (SmartList, Sympa, procmail responders);
/// - `Delivered-To: mailing list LIST@HOST` (ezmlm-send) and
///   `Delivered-To: responder for LIST@HOST` (ezmlm-manage): qmail-local's
///   own `Delivered-To: user@host` lines do not start so;
/// - `Sender:` or `Errors-To:` naming list software's address
///   ([`is_loop_address`]: majordomo's `LIST-owner`, Mailman's
///   `LIST-bounces`). `Errors-To:` naming anyone else is not taken as a
///   mark: it only says where bounces go;
/// - `Auto-Submitted` other than `no` (RFC 3834 §5), and Exchange's
///   `X-Auto-Response-Suppress` asking for no automatic reply
///   (`All`, `AutoReply`; MS-OXCMAIL 2.2.3.2.20).
///
/// A forged mark only costs the forger a report about his own mail.
fn list_or_automatic(message: &Message) -> Option<String> {
    let list = |what: &str| Some(format!("the message is list mail ({what})"));
    for (name, value) in &message.headers {
        let name = name.trim();
        let value = value.trim();
        let is = |field: &str| name.eq_ignore_ascii_case(field);
        if is("Precedence")
            && ["bulk", "junk", "list"]
                .iter()
                .any(|p| value.eq_ignore_ascii_case(p))
        {
            return Some(format!(
                "the message is bulk mail (Precedence: {})",
                value.to_ascii_lowercase()
            ));
        }
        if name.len() > 5
            && name
                .get(..5)
                .is_some_and(|p| p.eq_ignore_ascii_case("List-"))
        {
            return list(&super::field(name, 40));
        }
        if let Some(field) = LIST_FIELDS.iter().find(|f| is(f)) {
            return list(field);
        }
        if is("Delivered-To") {
            let lower = value.to_ascii_lowercase();
            for mark in ["mailing list ", "responder for "] {
                if lower.starts_with(mark) {
                    return list(&format!("Delivered-To: {}", mark.trim_end()));
                }
            }
        }
        if (is("Sender") || is("Errors-To"))
            && let Some(address) = header_address(value)
            && is_loop_address(address)
        {
            return list(&format!(
                "{}: {}",
                if is("Sender") { "Sender" } else { "Errors-To" },
                super::field(address, 256)
            ));
        }
        if is("Auto-Submitted") && !value.eq_ignore_ascii_case("no") {
            return Some("the message is itself automatic (Auto-Submitted)".into());
        }
        if is("X-Auto-Response-Suppress")
            && value.split(',').any(|v| {
                let v = v.trim();
                v.eq_ignore_ascii_case("all") || v.eq_ignore_ascii_case("autoreply")
            })
        {
            return Some(
                "the message asks for no automatic reply (X-Auto-Response-Suppress)".into(),
            );
        }
    }
    None
}

/// The address of a one-address header field: the text between the last
/// `<` and `>`, else the whole value; `None` when empty.
fn header_address(value: &str) -> Option<&str> {
    let inner = match value.rsplit_once('<') {
        Some((_, rest)) => rest.split('>').next().unwrap_or(rest),
        None => value,
    };
    Some(inner.trim()).filter(|a| !a.is_empty())
}

/// Why a party's address cannot get a report, if so: not a usable
/// address, or one that answers automatically.
fn unusable(address: &str) -> Option<String> {
    if crate::envelope::is_null_sender(address) {
        return Some("null sender".into());
    }
    if !address.contains('@') || !is_address(address) {
        return Some("not a usable mail address".into());
    }
    is_loop_address(address).then(|| {
        format!(
            "{} is an automatic address (RFC 3834)",
            super::field(address, 256)
        )
    })
}

/// True for addresses that answer automatically or belong to list
/// software: MAILER-DAEMON, `owner-*`, `*-owner`, `*-request`,
/// `*-bounces` (with or without a `+` tag; Mailman's VERP form), Sympa's
/// `bounce+...`, ezmlm's return addresses (`LIST-return-@HOST` and its VERP
/// form `LIST-return-NUM-user=host@HOST`, the envelope sender of every
/// message ezmlm sends), `listserv`, `majordomo`, no-reply addresses; and
/// the null senders.
pub fn is_loop_address(address: &str) -> bool {
    if crate::envelope::is_null_sender(address) {
        return true;
    }
    let local = address
        .rsplit_once('@')
        .map_or(address, |(l, _)| l)
        .to_ascii_lowercase();
    let base = local.split('+').next().unwrap_or(&local);
    base == "mailer-daemon"
        || base.starts_with("owner-")
        || base.ends_with("-owner")
        || base.ends_with("-request")
        || base.ends_with("-bounces")
        || base.ends_with("-bounce")
        || is_ezmlm_return(base)
        || matches!(
            base,
            "noreply"
                | "no-reply"
                | "donotreply"
                | "do-not-reply"
                | "bounce"
                | "bounces"
                | "listserv"
                | "majordomo"
        )
}

/// True for ezmlm's return addresses (the envelope sender of everything
/// ezmlm sends): `LIST-return-` then nothing (`LIST-return-@HOST`) or a
/// message number, alone or before the VERP-encoded subscriber
/// (`LIST-return-12-user=host@HOST`; digests `LIST-digest-return-...`).
/// `tax-return-help` is no such address.
fn is_ezmlm_return(local: &str) -> bool {
    local.match_indices("-return-").any(|(at, mark)| {
        let rest = local.get(at + mark.len()..).unwrap_or_default();
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        rest.is_empty() || (digits > 0 && matches!(rest.as_bytes().get(digits), None | Some(b'-')))
    })
}

pub use crate::envelope::is_address;

/// Which guards hear about a verdict: the anti-virus guards about viruses
/// and about what no engine could examine, the badmail guards about the
/// rest.
pub fn guard_audience(verdict: Verdict) -> Audience {
    if matches!(verdict, Verdict::Virus | Verdict::Unchecked) {
        Audience::AntivirusGuard
    } else {
        Audience::BadmailGuard
    }
}

/// The guards' addresses for a verdict: the main file's list, then the
/// profile's extra guards, without duplicates or unusable entries.
fn guard_addresses(input: &Input<'_>, verdict: Verdict) -> Result<Vec<String>, String> {
    let (main, extra, kind) = if guard_audience(verdict) == Audience::AntivirusGuard {
        (
            &input.guards.antivirus,
            &input.reactions.antivirus_guards,
            "anti-virus",
        )
    } else {
        (
            &input.guards.badmail,
            &input.reactions.badmail_guards,
            "badmail",
        )
    };
    let mut to: Vec<String> = Vec::new();
    for a in main.iter().chain(extra) {
        if is_address(a) && !to.contains(a) {
            to.push(a.clone());
        }
    }
    if to.is_empty() {
        Err(format!("no {kind} guards configured"))
    } else {
        Ok(to)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_language_is_one_reports_can_be_written_in() {
        let available = i18n::shipped_languages();
        let (plan, envelope, message) = (
            crate::verdict::decide(Vec::new(), Vec::new(), false, &Default::default()),
            Envelope::for_check("a@b", "c@d"),
            Message::default(),
        );
        let reactions = Reactions::default();
        let guards = Guards::default();
        for (profile, got) in [("de-CH", "de"), ("xx", "en"), ("", "en"), ("pt_BR", "pt")] {
            let input = Input {
                plan: &plan,
                envelope: &envelope,
                message: &message,
                reactions: &reactions,
                guards: &guards,
                language: profile,
                available: &available,
                bomber: None,
            };
            assert_eq!(profile_language(&input).to_string(), got, "{profile}");
        }
    }

    #[test]
    fn loop_addresses() {
        for a in [
            "",
            "#@[]",
            "MAILER-DAEMON@example.com",
            "owner-list@example.com",
            "list-owner@example.com",
            "list-request@example.com",
            "list-bounces+alice=example.com@lists.example.org",
            "noreply@example.com",
            "x-return-12-info=example.com@lists.example.org",
            "x-return-@lists.example.org",
            "x-digest-return-3-@lists.example.org",
            "bounce+abc123@lists.example.org",
            "LISTSERV@lists.example.org",
        ] {
            assert!(is_loop_address(a), "{a}");
        }
        for a in [
            "alice@example.com",
            "requester@example.com",
            "owner@example.com",
            "returns@example.com",
            "return-desk@example.com",
            "tax-return-help@example.com",
            "x-return-soon@example.com",
        ] {
            assert!(!is_loop_address(a), "{a}");
        }
    }

    #[test]
    fn addresses() {
        assert!(is_address("alice@example.com"));
        assert!(is_address("postmaster"));
        for a in [
            "",
            "a b@c",
            "a@b\r\nBcc: x@y",
            "\"q\"@x",
            "<a@b>",
            "a,b@c",
            "@example.com",
            "alice@",
            "-oi@x",
        ] {
            assert!(!is_address(a), "{a:?}");
        }
    }
}
