//! Rendering an incident report: handlebars template + Fluent sentences +
//! the incident's facts -> a complete RFC 5322 / MIME message.
//!
//! One template per audience (`templates/<audience>.hbs`, plus the
//! `guard-details` partial the guard reports share). The first line a
//! template renders is the Subject; the body follows the first blank line.
//! Every sentence comes from the `t` helper (`{{t "id" name=value}}` or
//! `{{t some_id_variable}}`), which looks the id up in the report
//! language's Fluent catalog, so one template serves every language.
//! Site files of the same name in `[paths].templates` replace the shipped
//! ones.
//!
//! Each audience sees only its share of the incident: guards everything;
//! the recipient and the sender what they need (addresses, subject,
//! verdict, action, blocked attachment names, the reference), never rule
//! descriptions, engine names or answers (that would help an attacker tune);
//! the sender not even virus names or the quarantine file.
//!
//! The message (mail-builder): `From` (`[mail].from`), `To`, `Subject`
//! (RFC 2047 when not ASCII), `Date` (the `now` passed in), `Message-ID`,
//! `MIME-Version`, `Content-Type: text/plain; charset=utf-8` with 7bit,
//! quoted-printable or base64 as the text needs, `Content-Language`
//! (RFC 3282), `Auto-Submitted` (RFC 3834), `X-Qmvc-Incident`. Lines end
//! in LF, as qmail-inject(8) reads them. Nothing from the offending
//! message is attached.

use std::collections::BTreeSet;
use std::io;
use std::path::Path;

use chrono::{DateTime, Utc};
use fluent_bundle::FluentArgs;
use handlebars::{
    Context, Handlebars, Helper, HelperDef, HelperResult, Output, RenderContext, RenderErrorReason,
};
use mail_builder::MessageBuilder;
use mail_builder::headers::address::Address;
use mail_builder::headers::message_id::MessageId;
use mail_builder::headers::raw::Raw;
use serde_json::{Value, json};
use unic_langid::LanguageIdentifier;

use super::plan::INCIDENT_HEADER;
use super::{Audience, Incident, Notice, field};
use crate::error::Error;
use crate::i18n::{self, Catalog, fluent_value};
use crate::verdict::{Action, Condition, Verdict};

/// The shipped templates: (name, handlebars source). A site file
/// `[paths].templates/<name>.hbs` replaces one.
pub const TEMPLATES: &[(&str, &str)] = &[
    (
        "guard-antivirus",
        include_str!("../../templates/guard-antivirus.hbs"),
    ),
    (
        "guard-badmail",
        include_str!("../../templates/guard-badmail.hbs"),
    ),
    (
        "guard-details",
        include_str!("../../templates/guard-details.hbs"),
    ),
    ("recipient", include_str!("../../templates/recipient.hbs")),
    ("sender", include_str!("../../templates/sender.hbs")),
    ("bomber", include_str!("../../templates/bomber.hbs")),
];

/// Partials every template may use.
const PARTIALS: &[&str] = &["guard-details"];

/// Where site overrides live (`[paths].templates`, `[paths].locales`);
/// `None` or a missing directory means the shipped files only.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sources<'a> {
    /// Site templates directory.
    pub templates: Option<&'a Path>,
    /// Site locales directory (`<lang>/*.ftl`).
    pub locales: Option<&'a Path>,
}

/// Renders `notice` about `incident` into the complete message to inject
/// (headers and body, LF line ends). `now` is the report's Date; `from`
/// the `[mail].from` value (`Name <address>` or an address). With two
/// languages the body holds both texts, the main one first; the Subject is
/// the main language's.
///
/// Errors: [`Error::Read`] when a site template or locale cannot be read;
/// [`Error::Report`] when a template does not compile or render (unknown
/// variable, missing sentence).
pub fn render(
    notice: &Notice,
    incident: &Incident,
    now: DateTime<Utc>,
    from: &str,
    sources: &Sources<'_>,
) -> Result<Vec<u8>, Error> {
    let view = view(notice.audience, incident, now);
    let mut subject = String::new();
    let mut bodies = Vec::new();
    for (n, lang) in notice.languages.iter().enumerate() {
        let catalog = Catalog::load(lang, sources.locales)?;
        let text = render_text(notice.audience, sources.templates, &catalog, &view)?;
        let (s, body) = split_subject(&text);
        if n == 0 {
            subject = s;
        }
        bodies.push(body);
    }
    let body = bodies.join(&format!("\n\n{}\n\n", "-".repeat(60)));
    build(notice, incident, now, from, &subject, body)
}

/// The data `audience` may see, as the template's context.
fn view(audience: Audience, incident: &Incident, now: DateTime<Utc>) -> Value {
    let verdict = incident.verdict.name();
    let mut v = json!({
        "incident": incident.id,
        "date": now.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
        "verdict": verdict,
        "verdict_id": format!("verdict-{verdict}"),
        "reason_id": format!("reason-{verdict}"),
        "action": incident.action.name(),
        "action_id": format!("action-{}", incident.action.name()),
        "recipient": incident.recipient,
        "subject": incident.subject,
        "attachments": incident.attachments().join(", "),
    });
    let extra = match audience {
        Audience::AntivirusGuard | Audience::BadmailGuard => json!({
            "sender": incident.sender,
            "profile": incident.profile,
            "message_date": incident.message_date,
            "quarantine": incident.quarantine.clone().unwrap_or_default(),
            "forward_to": incident.forward_to.clone().unwrap_or_default(),
            "viruses": incident.viruses().join(", "),
            "findings": incident.findings,
            "engines": incident.engines,
        }),
        Audience::Recipient => json!({
            "sender": incident.sender,
            "quarantine": incident.quarantine.clone().unwrap_or_default(),
            "viruses": incident.viruses().join(", "),
        }),
        Audience::Sender => json!({
            "advice_id": format!("sender-advice-{verdict}"),
        }),
        Audience::Bomber => {
            let b = incident.bomber.clone().unwrap_or_default();
            json!({
                "sender": incident.sender,
                "count": b.count,
                "threshold": b.threshold,
                "since": b.since,
            })
        }
    };
    if let (Value::Object(v), Value::Object(extra)) = (&mut v, extra) {
        v.extend(extra);
    }
    v
}

/// A registry holding `audience`'s template and the partials, site files
/// first. Strict: an unknown variable is an error, not an empty string.
fn registry<'c>(audience: Audience, site: Option<&Path>) -> Result<Handlebars<'c>, Error> {
    let mut reg = Handlebars::new();
    reg.set_strict_mode(true);
    reg.register_escape_fn(handlebars::no_escape);
    for name in std::iter::once(audience.name()).chain(PARTIALS.iter().copied()) {
        let source = template_source(name, site)?;
        reg.register_template_string(name, source)
            .map_err(|e| template_error(name, &e))?;
    }
    Ok(reg)
}

/// The source of template `name`: `site/<name>.hbs` when it exists, else
/// the shipped one.
fn template_source(name: &str, site: Option<&Path>) -> Result<String, Error> {
    if let Some(dir) = site {
        let path = dir.join(format!("{name}.hbs"));
        match i18n::read_site_file(&path) {
            Ok(text) => return Ok(text),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(source) => {
                return Err(Error::Read {
                    what: "template",
                    path,
                    source,
                });
            }
        }
    }
    TEMPLATES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, s)| s.to_string())
        .ok_or_else(|| Error::Report {
            what: format!("template {name}"),
            detail: "no such template".into(),
        })
}

/// The `t` helper: `{{t "id" name=value ...}}` -> the sentence `id` of
/// the catalog, formatted with the hash as Fluent arguments.
struct Translate<'c>(&'c Catalog);

impl HelperDef for Translate<'_> {
    fn call<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        _: &'rc Context,
        _: &mut RenderContext<'reg, 'rc>,
        out: &mut dyn Output,
    ) -> HelperResult {
        let id = h
            .param(0)
            .and_then(|p| p.value().as_str())
            .ok_or(RenderErrorReason::ParamNotFoundForIndex("t", 0))?;
        let mut args = FluentArgs::new();
        for (name, value) in h.hash() {
            args.set(name.to_string(), fluent_value(value.value()));
        }
        let text = self.0.get(id, Some(&args)).ok_or_else(|| {
            RenderErrorReason::Other(format!(
                "no sentence {id:?} in locale {} or en",
                self.0.language()
            ))
        })?;
        out.write(&text)?;
        Ok(())
    }
}

/// Renders one language's text (subject line, blank line, body).
fn render_text(
    audience: Audience,
    site: Option<&Path>,
    catalog: &Catalog,
    view: &Value,
) -> Result<String, Error> {
    let mut reg = registry(audience, site)?;
    reg.register_helper("t", Box::new(Translate(catalog)));
    reg.render(audience.name(), view)
        .map_err(|e| Error::Report {
            what: format!("template {} ({})", audience.name(), catalog.language()),
            detail: e.to_string(),
        })
}

/// The first non-empty line is the subject; the rest, with trailing
/// white space removed from every line and runs of blank lines made one,
/// is the body.
fn split_subject(text: &str) -> (String, String) {
    let mut lines = text.lines().skip_while(|l| l.trim().is_empty());
    let subject = field(lines.next().unwrap_or(""), 200);
    let mut body = String::with_capacity(text.len());
    let mut blank = true;
    for line in lines {
        let line = line.trim_end();
        if line.is_empty() {
            if !blank {
                body.push('\n');
            }
            blank = true;
            continue;
        }
        wrap(line, WIDTH, &mut body);
        blank = false;
    }
    (subject, body.trim_end().to_string() + "\n")
}

/// Body lines are wrapped at spaces to this many characters (RFC 5322
/// §2.1.1 recommends at most 78).
const WIDTH: usize = 76;

/// Appends `line` to `out`, broken at spaces into lines of at most
/// `width` characters where it can be; continuation lines keep the
/// line's indentation (and that of a `- ` list item). A word longer than
/// the width, or text without spaces (Chinese, Japanese), stays whole.
fn wrap(line: &str, width: usize, out: &mut String) {
    let text = line.trim_start();
    let lead = line.get(..line.len() - text.len()).unwrap_or("");
    let pad = lead.to_string() + if text.starts_with("- ") { "  " } else { "" };
    let mut current = lead.to_string();
    let mut len = current.chars().count();
    let mut first = true;
    for word in text.split(' ') {
        let w = word.chars().count();
        if !first && len + 1 + w > width {
            out.push_str(&current);
            out.push('\n');
            current = pad.clone();
            len = pad.chars().count();
            first = true;
        }
        if !first {
            current.push(' ');
            len += 1;
        }
        current.push_str(word);
        len += w;
        first = false;
    }
    out.push_str(&current);
    out.push('\n');
}

/// Builds the message.
fn build(
    notice: &Notice,
    incident: &Incident,
    now: DateTime<Utc>,
    from: &str,
    subject: &str,
    body: String,
) -> Result<Vec<u8>, Error> {
    let (from_name, from_addr) = parse_from(from);
    let host = from_addr
        .rsplit_once('@')
        .map(|(_, d)| d.to_string())
        .or_else(|| {
            incident
                .recipient
                .rsplit_once('@')
                .map(|(_, d)| d.to_string())
        })
        .map(|d| token(&d))
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| "localhost".into());
    let languages = notice
        .languages
        .iter()
        .map(LanguageIdentifier::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    let auto = if notice.audience.is_guard() {
        "auto-generated"
    } else {
        "auto-replied"
    };
    let to: Vec<Address<'_>> = notice
        .to
        .iter()
        .map(|a| Address::new_address(None::<&str>, field(a, 256)))
        .collect();
    let message_id = format!(
        "qmvc.{}.{}.{}@{}",
        token(&incident.id),
        notice.audience.name(),
        now.timestamp(),
        host
    );
    let mut builder = MessageBuilder::new().from(Address::new_address(from_name, from_addr));
    if !to.is_empty() {
        builder = builder.to(Address::new_list(to));
    }
    let builder = builder
        .subject(subject.to_string())
        .date(now.timestamp())
        .message_id(MessageId::new(message_id))
        .header("Content-Language", Raw::new(languages))
        .header("Auto-Submitted", Raw::new(auto))
        .header(INCIDENT_HEADER, Raw::new(token(&incident.id)))
        // Outlook/Exchange: no out-of-office or other answers to this.
        .header("X-Auto-Response-Suppress", Raw::new("All"))
        .text_body(body);
    let bytes = builder.write_to_vec().map_err(|e| Error::Report {
        what: "message".into(),
        detail: e.to_string(),
    })?;
    Ok(crlf_to_lf(&bytes))
}

/// `[mail].from` as (display name, address): `Name <addr>` (the name may
/// be quoted) or a bare address; every part cleaned with [`field`].
fn parse_from(from: &str) -> (Option<String>, String) {
    let from = field(from, 256);
    if let Some((name, rest)) = from.rsplit_once('<')
        && let Some(addr) = rest.strip_suffix('>')
    {
        let name = name.trim().trim_matches('"').trim();
        let name = (!name.is_empty()).then(|| name.to_string());
        return (name, addr.trim().to_string());
    }
    (None, from)
}

/// Keeps `[A-Za-z0-9.-_]`, replacing anything else with `_`: safe inside a
/// Message-ID or a header token.
fn token(s: &str) -> String {
    s.chars()
        .take(128)
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// CRLF -> LF (qmail-inject(8) reads UNIX text; a CR would be kept).
fn crlf_to_lf(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut iter = bytes.iter().peekable();
    while let Some(&b) = iter.next() {
        if b == b'\r' && iter.peek() == Some(&&b'\n') {
            continue;
        }
        out.push(b);
    }
    out
}

/// Fluent ids a template uses literally (`{{t "id"` and `(t "id"`).
pub fn ids_used(source: &str) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    let mut rest = source;
    while let Some(pos) = rest.find('t') {
        let before = rest.get(..pos).and_then(|b| b.chars().last());
        let after = rest.get(pos + 1..).unwrap_or("");
        rest = after;
        if !matches!(before, Some('{') | Some('(') | Some('~') | Some(' ')) {
            continue;
        }
        let trimmed = after.trim_start();
        if trimmed.len() == after.len() {
            continue;
        }
        if let Some(quoted) = trimmed.strip_prefix('"')
            && let Some(end) = quoted.find('"')
        {
            let id = quoted.get(..end).unwrap_or("");
            if !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
                ids.insert(id.to_string());
            }
        }
    }
    ids
}

/// Fluent ids templates build from data (`{{t verdict_id}}`...): every
/// `verdict-*`, `reason-*`, `action-*`, `condition-*`, `engine-*` and
/// `sender-advice-*` the shipped templates can ask for.
pub fn dynamic_ids() -> BTreeSet<String> {
    let verdicts = [
        Verdict::Virus,
        Verdict::Unchecked,
        Verdict::Badmail,
        Verdict::Errormail,
    ];
    let actions = [
        Action::Pass,
        Action::Quarantine,
        Action::Forward,
        Action::Bounce,
        Action::Drop,
        Action::Defer,
    ];
    let conditions = [
        Condition::Subject,
        Condition::Body,
        Condition::Filename,
        Condition::Mimetype,
        Condition::Macro,
        Condition::Nullsender,
        Condition::Errormail,
        Condition::Unchecked,
        Condition::Virus,
        Condition::Bomber,
    ];
    let mut ids = BTreeSet::new();
    for v in verdicts {
        ids.insert(format!("verdict-{}", v.name()));
        ids.insert(format!("reason-{}", v.name()));
        ids.insert(format!("sender-advice-{}", v.name()));
    }
    for a in actions {
        ids.insert(format!("action-{}", a.name()));
    }
    for c in conditions {
        ids.insert(format!("condition-{}", c.name()));
    }
    for r in ["clean", "virus", "error", "skipped"] {
        ids.insert(format!("engine-{r}"));
    }
    ids
}

/// One thing `config check` says about a file: (file, one line).
pub type FileNote = (String, String);

/// Every problem of the site templates and locales, as (file, problem),
/// for `config check`: [`check_sources_full`] without its warnings.
pub fn check_sources(sources: &Sources<'_>) -> Vec<(String, String)> {
    check_sources_full(sources).0
}

/// What `config check` says about the site templates and locales, as
/// (problems, warnings), each a list of (file, one line). Problems:
/// unreadable or broken files, a template that does not compile (once, not
/// once per language), a sentence a template uses that English (every language's fallback) lacks,
/// a template that fails to render a sample incident (once, with the
/// languages it fails in). Warnings: a sentence a language lacks that
/// English has (the English sentence is used; a report still goes out).
pub fn check_sources_full(sources: &Sources<'_>) -> (Vec<FileNote>, Vec<FileNote>) {
    let mut problems = Vec::new();
    let mut warnings = Vec::new();
    if let Some(dir) = sources.locales {
        problems.extend(i18n::check_site(dir));
    }
    let template_file = |name: &str| match sources.templates {
        Some(dir) if dir.join(format!("{name}.hbs")).exists() => {
            dir.join(format!("{name}.hbs")).display().to_string()
        }
        _ => format!("<shipped>/{name}.hbs"),
    };
    let mut used = dynamic_ids();
    // Which template uses which sentence: a sentence nobody has is blamed
    // on the file that asks for it.
    let mut by_template: Vec<(&str, BTreeSet<String>)> = Vec::new();
    let mut broken = BTreeSet::new();
    for (name, _) in TEMPLATES {
        let compiled = template_source(name, sources.templates).and_then(|text| {
            Handlebars::new()
                .register_template_string(name, &text)
                .map_err(|e| template_error(name, &e))
                .map(|()| text)
        });
        match compiled {
            Ok(text) => {
                let ids = ids_used(&text);
                used.extend(ids.iter().cloned());
                by_template.push((name, ids.into_iter().collect()));
            }
            Err(e) => {
                problems.push((template_file(name), e.chain()));
                broken.insert(*name);
            }
        }
    }
    let english = i18n::parse_tag("en").and_then(|en| Catalog::load(&en, sources.locales).ok());
    let nowhere: BTreeSet<&str> = used
        .iter()
        .filter(|id| !english.as_ref().is_some_and(|en| en.has(id)))
        .map(String::as_str)
        .collect();
    let mut blamed = BTreeSet::new();
    for (name, ids) in &by_template {
        let lacking: Vec<&str> = nowhere
            .iter()
            .copied()
            .filter(|id| ids.contains(*id))
            .collect();
        if !lacking.is_empty() {
            blamed.extend(lacking.iter().copied());
            problems.push((
                template_file(name),
                format!(
                    "uses sentences that English, every language's fallback, lacks: {}",
                    lacking.join(", ")
                ),
            ));
        }
    }
    // Sentences qmvc itself asks for, missing from a site's English file.
    let rest: Vec<&str> = nowhere
        .iter()
        .copied()
        .filter(|id| !blamed.contains(id))
        .collect();
    if !rest.is_empty() {
        problems.push((
            "locale en".to_string(),
            format!(
                "sentences qmvc's reports use that English, every language's fallback, lacks: {}",
                rest.join(", ")
            ),
        ));
    }
    let sample = super::send::sample_incident();
    let now = DateTime::from_timestamp(0, 0).unwrap_or_default();
    // (template file, error) -> the languages it happens in.
    let mut failures: Vec<((String, String), Vec<String>)> = Vec::new();
    // Missing sentences -> the languages that lack them.
    let mut gaps: Vec<(String, Vec<String>)> = Vec::new();
    for lang in i18n::available(sources.locales) {
        let catalog = match Catalog::load(&lang, sources.locales) {
            Ok(c) => c,
            Err(e) => {
                problems.push((format!("locale {lang}"), e.chain()));
                continue;
            }
        };
        let missing: Vec<&str> = used
            .iter()
            .filter(|id| !catalog.has(id) && !nowhere.contains(id.as_str()))
            .map(String::as_str)
            .collect();
        if !missing.is_empty() {
            let what = format!(
                "missing sentences (English is used): {}",
                missing.join(", ")
            );
            // Languages that lack the same sentences share one line.
            match gaps.iter_mut().find(|(w, _)| *w == what) {
                Some((_, langs)) => langs.push(lang.to_string()),
                None => gaps.push((what, vec![lang.to_string()])),
            }
        }
        if !nowhere.is_empty() {
            continue;
        }
        for audience in Audience::ALL {
            let name = audience.name();
            if broken.contains(name) || PARTIALS.iter().any(|p| broken.contains(p)) {
                continue;
            }
            let notice = Notice {
                audience,
                to: vec!["someone@example.com".into()],
                languages: vec![lang.clone()],
            };
            if let Err(e) = render(&notice, &sample, now, "qmvc <postmaster>", sources) {
                let detail = match e {
                    Error::Report { detail, .. } => detail,
                    other => other.chain(),
                };
                let key = (template_file(name), detail);
                match failures.iter_mut().find(|(k, _)| *k == key) {
                    Some((_, langs)) => langs.push(lang.to_string()),
                    None => failures.push((key, vec![lang.to_string()])),
                }
            }
        }
    }
    for (what, langs) in gaps {
        warnings.push((format!("locale {}", langs.join(", ")), what));
    }
    for ((file, detail), langs) in failures {
        problems.push((
            file,
            format!("does not render ({}): {detail}", langs.join(", ")),
        ));
    }
    (problems, warnings)
}

/// A template that does not compile, in one line: handlebars' own report
/// spans several (the template, a gutter, the reason).
fn template_error(name: &str, e: &handlebars::TemplateError) -> Error {
    let at = e
        .pos()
        .map(|(line, column)| format!("line {line} column {column}: "))
        .unwrap_or_default();
    Error::Report {
        what: format!("template {name}"),
        detail: format!("{at}{}", e.reason()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subject_is_the_first_line_and_blank_runs_fold() {
        let (s, b) = split_subject("\n  Hello\r\nthere  \n\nbody  \n\n\n\nend\n\n");
        assert_eq!(s, "Hello");
        assert_eq!(b, "there\n\nbody\n\nend\n");
    }

    #[test]
    fn long_lines_wrap_at_spaces_keeping_indentation() {
        let mut out = String::new();
        wrap("  - aaaa bbbb cccc dddd", 12, &mut out);
        assert_eq!(out, "  - aaaa\n    bbbb\n    cccc\n    dddd\n");
        let mut out = String::new();
        wrap("短い文章ですが空白がありません", 5, &mut out);
        assert_eq!(out, "短い文章ですが空白がありません\n");
        let mut out = String::new();
        wrap("x", 5, &mut out);
        assert_eq!(out, "x\n");
    }

    #[test]
    fn ids_are_found_in_template_source() {
        let ids =
            ids_used(r#"{{t "a-b"}} {{~t "c" x=y}} {{#if (t "d")}}{{/if}} {{t var}} {{at "no"}}"#);
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        assert_eq!(ids, ["a-b", "c", "d"]);
    }

    #[test]
    fn from_is_parsed_or_cleaned() {
        assert_eq!(
            parse_from("qmvc <postmaster>"),
            (Some("qmvc".into()), "postmaster".into())
        );
        assert_eq!(parse_from("av@example.com").1, "av@example.com");
        let (_, a) = parse_from("x\r\nBcc: y@z");
        assert!(!a.contains('\n'));
    }

    #[test]
    fn tokens_and_line_ends() {
        assert_eq!(token("a b/c<d>.e-f_1"), "a_b_c_d_.e-f_1");
        assert_eq!(crlf_to_lf(b"a\r\nb\rc\n"), b"a\nb\rc\n");
    }
}
