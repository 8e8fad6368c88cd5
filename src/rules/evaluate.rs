//! Evaluating compiled Conditions against one message: every finding of
//! the errormail, subject, body, filename, MIME-type and null-sender rules,
//! with details cut to a bounded length. Pure, no I/O; the rules are
//! compiled in the parent module ([`super::Conditions::compile`]).

use super::{
    BodyRules, Conditions, ErrormailRules, FilenameRules, MAX_DETAIL, MAX_EXTENSION_DOTS,
    MimetypeRules, SubjectRules,
};
use crate::container::{self, Inside, SavedSubject};
use crate::envelope::Envelope;
use crate::message::{self, Anomaly, Message, Part};
use crate::verdict::{Condition, Finding};

/// Every finding of `conditions` on `message` and `envelope`, in condition
/// order (errormail, subject, body, filename, mimetype, nullsender).
///
/// A limit the parser reached ([`Anomaly::LimitExceeded`]), or a text part
/// longer than the body rules' `max_bytes`, is always an `unchecked`
/// finding (with the profile's `[conditions.unchecked]` description),
/// whatever the profile's conditions say: what happens to the message is
/// then the profile's unchecked action (quarantine by default), never a
/// silent pass of content nobody looked at.
///
/// The attachments that are containers are opened first
/// ([`container::expand`]; archives and disc images unless
/// `[conditions.archives]` is off, TNEF always, Office documents for
/// macros while `[conditions.macro]` is on): the filename and
/// MIME type rules apply to their members too (a finding names the MIME
/// part and the member's path, `invoice.zip/docs/Rechnung.js`), and what
/// could not be examined inside them (encryption, a bomb, a limit, damage)
/// is an `unchecked` finding like a parser limit.
pub fn evaluate(message: &Message, envelope: &Envelope, conditions: &Conditions) -> Vec<Finding> {
    evaluate_inside(message, envelope, conditions).0
}

/// [`evaluate`], and what it found inside the attachments (the engine
/// chain needs the members' sizes: [`crate::engines::MemberSize`]).
pub fn evaluate_inside(
    message: &Message,
    envelope: &Envelope,
    conditions: &Conditions,
) -> (Vec<Finding>, Inside) {
    let mut findings = Vec::new();
    let inside = container::expand(&message.parts, &conditions.container_settings());
    if let Some(rules) = &conditions.errormail {
        errormail(message, envelope, rules, &mut findings);
    }
    limits(message, conditions.unchecked_description(), &mut findings);
    for item in &inside.unexamined {
        findings.push(Finding {
            condition: Condition::Unchecked,
            part: Some(item.parent.clone()),
            detail: bounded(&item.detail),
            description: conditions.unchecked_description().to_string(),
        });
    }
    if let Some(rules) = &conditions.subject {
        subject(message, rules, &mut findings);
        saved_subjects(&inside.subjects, rules, &mut findings);
    }
    if let Some(rules) = &conditions.body {
        for part in &message.parts {
            body(
                part,
                rules,
                conditions.unchecked_description(),
                &mut findings,
            );
        }
    }
    if let Some(rules) = &conditions.filename {
        for part in &message.parts {
            filename(part, part.body.len() as u64, rules, &mut findings);
        }
    }
    let member_rules = conditions
        .archives
        .as_ref()
        .and_then(|a| a.members.as_ref())
        .or(conditions.filename.as_ref());
    if let Some(rules) = member_rules {
        members(&inside, &mut findings, |inner, out| {
            filename(&inner.part, inner.size, rules, out);
        });
    }
    if let Some(rules) = &conditions.mimetype {
        for part in &message.parts {
            mimetype(part, rules, &mut findings);
        }
        members(&inside, &mut findings, |inner, out| {
            mimetype(&inner.part, rules, out);
        });
    }
    if let Some(description) = conditions.macro_description() {
        for document in &inside.macros {
            findings.push(Finding {
                condition: Condition::Macro,
                part: Some(document.parent.clone()),
                detail: bounded(&format!("{}: {}", document.path, document.detail)),
                description: description.to_string(),
            });
        }
    }
    if let Some(description) = &conditions.nullsender
        && envelope.null_sender
    {
        findings.push(Finding {
            condition: Condition::Nullsender,
            part: None,
            detail: if envelope.sender.is_empty() {
                "<>".to_string()
            } else {
                bounded(&envelope.sender)
            },
            description: description.clone(),
        });
    }
    (findings, inside)
}

fn errormail(
    message: &Message,
    envelope: &Envelope,
    rules: &ErrormailRules,
    out: &mut Vec<Finding>,
) {
    if !(envelope.null_sender && rules.null_sender_exempt) {
        for name in &rules.required_headers {
            if message.header(name).is_none() {
                out.push(Finding {
                    condition: Condition::Errormail,
                    part: None,
                    detail: format!("no {name} header"),
                    description: rules.description.clone(),
                });
            }
        }
    }
    if let Some(description) = &rules.broken_mime {
        for anomaly in &message.anomalies {
            let part = match anomaly {
                Anomaly::Boundary { part, .. }
                | Anomaly::Encoding { part, .. }
                | Anomaly::Header { part, .. } => part.clone(),
                // Reported by `limits`, whatever broken_mime says.
                Anomaly::LimitExceeded { .. } => continue,
            };
            out.push(Finding {
                condition: Condition::Errormail,
                part: Some(part),
                detail: bounded(&anomaly.describe()),
                description: description.clone(),
            });
        }
    }
}

/// One unchecked finding per limit the parser reached.
fn limits(message: &Message, description: &str, out: &mut Vec<Finding>) {
    for anomaly in &message.anomalies {
        if let Anomaly::LimitExceeded { .. } = anomaly {
            out.push(Finding {
                condition: Condition::Unchecked,
                part: None,
                detail: bounded(&anomaly.describe()),
                description: description.to_string(),
            });
        }
    }
}

/// The subject patterns against every reading of every `Subject:` field,
/// the message's own and then those of the messages attached to it
/// (shown when the attachment is opened or drawn inline; the finding
/// names the attached message's part); the header rules against every
/// reading of the fields they name ([`Message::header_readings`]): what
/// one client shows counts. One finding per pattern, with the first
/// reading it matched.
fn subject(message: &Message, rules: &SubjectRules, out: &mut Vec<Finding>) {
    if let Some(set) = &rules.patterns {
        let own = (None, message.header_readings("subject"));
        let attached = message
            .attached_subject_readings()
            .into_iter()
            .map(|(part, readings)| (Some(part), readings));
        let mut matched: Vec<usize> = Vec::new();
        for (part, readings) in std::iter::once(own).chain(attached) {
            for reading in &readings {
                for index in set.matches(reading) {
                    if !matched.contains(&index) {
                        matched.push(index);
                        out.push(Finding {
                            condition: Condition::Subject,
                            part: part.map(str::to_string),
                            detail: bounded(reading),
                            description: set.description(index),
                        });
                    }
                }
            }
        }
    }
    for rule in &rules.headers {
        let readings = message.header_readings(&rule.header);
        if let Some(value) = readings.iter().find(|value| rule.regex.is_match(value)) {
            out.push(Finding {
                condition: Condition::Subject,
                part: None,
                detail: bounded(&format!("{}: {value}", rule.header)),
                description: rule.description.clone(),
            });
        }
    }
}

/// The subject patterns against the subjects of saved messages inside
/// attachments (`mail.zip/fwd.eml`), which the mail client shows when the
/// user opens one: a finding per pattern a saved message meets, naming
/// the part and the message's path.
fn saved_subjects(saved: &[SavedSubject], rules: &SubjectRules, out: &mut Vec<Finding>) {
    let Some(set) = &rules.patterns else {
        return;
    };
    for message in saved {
        let mut matched: Vec<usize> = Vec::new();
        for reading in &message.readings {
            for index in set.matches(reading) {
                if !matched.contains(&index) {
                    matched.push(index);
                    out.push(Finding {
                        condition: Condition::Subject,
                        part: Some(message.parent.clone()),
                        detail: bounded(&format!("{}: {reading}", message.path)),
                        description: set.description(index),
                    });
                }
            }
        }
    }
}

fn body(part: &Part, rules: &BodyRules, unchecked: &str, out: &mut Vec<Finding>) {
    let Some((text, cut)) = part.text(rules.max_bytes) else {
        return;
    };
    if cut {
        out.push(Finding {
            condition: Condition::Unchecked,
            part: Some(part.id.clone()),
            detail: format!(
                "limit conditions.body.max_bytes exceeded: a text of {} bytes, only the first {} examined by the body rules",
                part.body.len(),
                rules.max_bytes
            ),
            description: unchecked.to_string(),
        });
    }
    // Every reading a client may show: the text as written, joined where
    // it is flowed, an HTML part's text without tags and without hidden
    // elements, each also without invisible characters and on one line.
    // One finding per pattern.
    // The text is also decoded as a client may decode it instead (a byte
    // order mark, an HTML part's <meta> charset, a client's alias of the
    // label, every charset the parameters give), and read as a calendar
    // or enriched-text client shows it, each with its readings.
    let html = message::is_html(&part.declared_type, &text);
    let mut others = part.other_texts(rules.max_bytes, html);
    // A decoder that turned the whole text into replacement characters
    // (a UTF-32 label on 8-bit text...) left nothing for the rules: the
    // part was not examined, unless another decoding reads it.
    if is_undecoded(&text) && others.iter().all(|o| is_undecoded(o)) {
        out.push(Finding {
            condition: Condition::Unchecked,
            part: Some(part.id.clone()),
            detail: "text does not decode under its charset: nothing but replacement characters"
                .into(),
            description: unchecked.to_string(),
        });
    }
    others.extend(message::enriched_text(&part.declared_type, &text));
    others.extend(message::calendar_text(&part.declared_type, &text));
    let mut limits: Vec<&'static str> = Vec::new();
    let mut matched: Vec<usize> = Vec::new();
    for source in std::iter::once(text.as_ref()).chain(others.iter().map(String::as_str)) {
        let (readings, limit) = message::text_readings(source, html, part.flowed);
        limits.extend(limit.filter(|l| !limits.contains(l)));
        for reading in readings {
            for index in rules.patterns.matches(&reading) {
                if matched.contains(&index) {
                    continue;
                }
                matched.push(index);
                out.push(Finding {
                    condition: Condition::Body,
                    part: Some(part.id.clone()),
                    detail: bounded(rules.patterns.matched(index, &reading).unwrap_or_default()),
                    description: rules.patterns.description(index),
                });
            }
        }
    }
    // A cap that left style rules unread: the reading as shown may miss
    // what a client shows, so the part was not wholly examined.
    for limit in limits {
        out.push(Finding {
            condition: Condition::Unchecked,
            part: Some(part.id.clone()),
            detail: format!("HTML limit reached by the body rules: {limit}"),
            description: unchecked.to_string(),
        });
    }
}

/// Whether `text` holds replacement characters (U+FFFD) and nothing else
/// but white space: what a decoder gives of bytes it cannot read. Stops
/// at the first other character, so an ordinary text costs nothing.
fn is_undecoded(text: &str) -> bool {
    text.chars().all(|c| c == '\u{FFFD}' || c.is_whitespace()) && text.contains('\u{FFFD}')
}

/// The findings `check` gives on each member of `inside`, each put on the
/// member's MIME part with the member's path in front of its detail. A
/// member known by several names (a TNEF attachment's long name, 8.3 name
/// and extension) that break the same rule gives that finding once: the
/// detail is the member's path either way.
fn members(
    inside: &Inside,
    out: &mut Vec<Finding>,
    mut check: impl FnMut(&container::Inner, &mut Vec<Finding>),
) {
    let mut found = Vec::new();
    for inner in &inside.members {
        check(inner, &mut found);
        let first = out.len();
        for mut finding in found.drain(..) {
            finding.detail = if finding.condition == Condition::Filename {
                bounded(&inner.path)
            } else {
                bounded(&format!("{}: {}", inner.path, finding.detail))
            };
            finding.part = Some(inner.parent.clone());
            if !out[first..].contains(&finding) {
                out.push(finding);
            }
        }
    }
}

/// Filename findings on `part`, whose content is `size` bytes (for the
/// rules that name a size).
fn filename(part: &Part, size: u64, rules: &FilenameRules, out: &mut Vec<Finding>) {
    let mut seen: Vec<String> = Vec::new();
    for name in &part.names {
        let suspicious = message::suspicious_chars(name);
        if let (Some(description), false) = (&rules.suspicious, suspicious.is_empty()) {
            let chars: Vec<String> = suspicious
                .iter()
                .map(|c| format!("U+{:04X}", u32::from(*c)))
                .collect();
            out.push(Finding {
                condition: Condition::Filename,
                part: Some(part.id.clone()),
                detail: bounded(name),
                description: format!("{description} ({})", chars.join(" ")),
            });
        }
        let normal = message::normalise_windows_name(name);
        if seen.contains(&normal) {
            continue;
        }
        if let Some(description) = filename_rule(&normal, size, rules) {
            out.push(Finding {
                condition: Condition::Filename,
                part: Some(part.id.clone()),
                detail: bounded(name),
                description,
            });
        }
        seen.push(normal);
    }
}

/// The description of the first rule `name` (normalised) breaks: exact
/// name and size, extension, glob, regex.
fn filename_rule(name: &str, size: u64, rules: &FilenameRules) -> Option<String> {
    if let Some(sized) = rules.names.get(name)
        && let Some((_, description)) = sized.iter().find(|(s, _)| *s == 0 || *s == size)
    {
        return Some(description.clone());
    }
    let dots = name.char_indices().rev().filter(|(_, c)| *c == '.');
    for (at, _) in dots.take(MAX_EXTENSION_DOTS) {
        if let Some(description) = name.get(at..).and_then(|ext| rules.extensions.get(ext)) {
            return Some(description.clone());
        }
    }
    if let Some(description) = rules.globs.find(name) {
        return Some(description.to_string());
    }
    if let Some(set) = &rules.regexes
        && let Some(index) = set.matches(name).first()
    {
        return Some(set.description(*index));
    }
    None
}

fn mimetype(part: &Part, rules: &MimetypeRules, out: &mut Vec<Finding>) {
    let mut push = |detail: String, description: String| {
        out.push(Finding {
            condition: Condition::Mimetype,
            part: Some(part.id.clone()),
            detail: bounded(&detail),
            description,
        });
    };
    if let Some(description) = rules.declared.find(&part.declared_type) {
        push(part.declared_type.clone(), description.to_string());
    }
    let Some(detected) = part.detected_type else {
        return;
    };
    if let Some(description) = rules.detected.find(detected) {
        push(detected.to_string(), description.to_string());
        return;
    }
    let executable =
        |t: &str| message::is_executable_type(t) || rules.executable_types.iter().any(|e| e == t);
    if !executable(detected) {
        return;
    }
    // An executable sent as what it is (or as opaque bytes) is not lying
    // about itself; declared as an image or text, it is (RFC 2046 §4.5.1
    // makes application/octet-stream the honest "unknown").
    let honest =
        executable(&part.declared_type) || part.declared_type == "application/octet-stream";
    let description = match (&rules.mismatch, honest) {
        (Some(mismatch), false) => Some(mismatch),
        _ => rules.executable.as_ref(),
    };
    if let Some(description) = description {
        // Declared as what it is: the type alone says it.
        let detail = if part.declared_type == detected {
            detected.to_string()
        } else {
            format!("{detected} declared as {}", part.declared_type)
        };
        push(detail, description.clone());
    }
}

/// The first `max` bytes of `text`, cut on a character boundary.
fn prefix(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(..end).unwrap_or_default()
}

fn bounded(text: &str) -> String {
    prefix(text, MAX_DETAIL).to_string()
}
