//! Parsed messages for engine tests: qmvc's own parser, and while it
//! finds no parts (it is being written on another branch), a flat list of
//! leaf parts from mailparse, so that the chain's "decoded parts" input
//! can be tested today. Says on stderr which one was used.
#![allow(dead_code)]

use qmvc::message::{Limits, Message, Origin, Part, parse};

/// `raw` parsed into a [`Message`] with decoded parts.
pub fn message(raw: &[u8]) -> Message {
    let parsed = parse(raw, &Limits::default());
    if !parsed.parts.is_empty() {
        return parsed;
    }
    eprintln!("support::mime: qmvc's parser found no parts; using mailparse's");
    let mut parts = Vec::new();
    if let Ok(mail) = mailparse::parse_mail(raw) {
        flatten(&mail, String::new(), 0, &mut parts);
    }
    Message {
        parts,
        size: raw.len(),
        ..parsed
    }
}

fn flatten(mail: &mailparse::ParsedMail<'_>, id: String, depth: usize, out: &mut Vec<Part>) {
    if mail.subparts.is_empty() || depth > 20 {
        let declared = mail.ctype.mimetype.to_ascii_lowercase();
        out.push(Part {
            id: if id.is_empty() { "1".into() } else { id },
            depth,
            text: declared
                .starts_with("text/")
                .then(|| mail.get_body().unwrap_or_default()),
            declared_type: declared,
            names: Vec::new(),
            attachment: false,
            body: mail.get_body_raw().unwrap_or_default(),
            detected_type: None,
            origin: Origin::Mime,
        });
        return;
    }
    for (i, sub) in mail.subparts.iter().enumerate() {
        let sub_id = if id.is_empty() {
            format!("{}", i + 1)
        } else {
            format!("{id}.{}", i + 1)
        };
        flatten(sub, sub_id, depth + 1, out);
    }
}
