//! Every reading of a top-level header field, and of a text part, that a
//! mail client may show.
//!
//! Pure. A rule on `Subject:` (or on any field a site names) must not miss
//! what the reader sees because qmvc read the field differently. The
//! readings, each given once:
//!
//! - every field of that name, not only the first: clients disagree on
//!   which of two `Subject:` fields they show, and a name with a comment
//!   (`Subject(x):`) counts as the field, as ClamAV reads it;
//! - the strict RFC 2047 decoding (words between blanks or specials);
//! - the lenient one of the most forgiving clients: words glued to text
//!   (`Re:=?utf-8?b?...?=`), base64 without padding, a language tag,
//!   UTF-16 and UTF-32 (Thunderbird, Outlook);
//! - each of these without the characters a reader does not see:
//!   zero-width spaces and joiners, soft hyphens, bidi marks and the other
//!   invisible characters that `suspicious_chars` lists, so that
//!   `ILOVE<U+200B>YOU` reads `ILOVEYOU`.
//!
//! Computed when a rule asks, not at parse time: only the fields a rule
//! names pay for it.

use std::borrow::Cow;
use std::collections::HashSet;

use super::Message;
use super::encoded_word::decode_lenient;
use super::filename::is_suspicious;
use super::parse::unfolded_value;

impl Message {
    /// Every reading of the top-level fields called `name` (ASCII case
    /// ignored, a comment after the name ignored), as listed in this
    /// module's documentation: the strict decodings of the fields in
    /// order first (the first of them is what [`Message::header`] gives),
    /// then the other readings, each once. Empty when no such field.
    pub fn header_readings(&self, name: &str) -> Vec<Cow<'_, str>> {
        let mut out: Vec<Cow<'_, str>> = Vec::new();
        let fields: Vec<usize> = self
            .headers
            .iter()
            .enumerate()
            .filter(|(_, (n, _))| {
                n.split('(')
                    .next()
                    .unwrap_or("")
                    .trim_end()
                    .eq_ignore_ascii_case(name)
            })
            .map(|(i, _)| i)
            .collect();
        for &i in &fields {
            if let Some((_, value)) = self.headers.get(i) {
                out.push(Cow::Borrowed(value.as_str()));
            }
        }
        for &i in &fields {
            let Some(raw) = self.raw_fields.get(i) else {
                continue;
            };
            if memchr::memmem::find(raw, b"=?").is_some()
                && let Some(lenient) = decode_lenient(&unfolded_value(raw))
            {
                out.push(Cow::Owned(lenient));
            }
        }
        let mut out = once_each(out);
        let decoded = out.len();
        for i in 0..decoded {
            if let Some(visible) = out.get(i).and_then(|r| visible(r)) {
                out.push(Cow::Owned(visible));
            }
        }
        once_each(out)
    }
}

/// `readings` in order, each kept the first time only. A hash set, not
/// a pairwise comparison: a message may repeat a long field a thousand
/// times.
fn once_each(readings: Vec<Cow<'_, str>>) -> Vec<Cow<'_, str>> {
    let mut seen = HashSet::with_capacity(readings.len());
    let first: Vec<bool> = readings.iter().map(|r| seen.insert(r.as_ref())).collect();
    drop(seen);
    readings
        .into_iter()
        .zip(first)
        .filter_map(|(reading, first)| first.then_some(reading))
        .collect()
}

/// Every reading of a text part's decoded `text` for the body rules,
/// each once: the text as written; for an HTML part (`html`: declared
/// `text/html`, or text that starts as an HTML document) the two readings
/// of [`render_html`](super::render_html), what a client shows without
/// and with style sheets, and what Outlook shows where its conditional
/// comments make it differ ([`render_outlook`](super::render_outlook));
/// and each of these without the characters a reader does not see
/// ([`visible`]).
pub fn text_readings(text: &str, html: bool) -> Vec<Cow<'_, str>> {
    let mut out = vec![Cow::Borrowed(text)];
    if html {
        let rendered = super::render_html(text);
        out.push(Cow::Owned(rendered.text));
        out.push(Cow::Owned(rendered.shown));
        out.extend(super::render_outlook(text).map(Cow::Owned));
    }
    let mut out = once_each(out);
    for i in 0..out.len() {
        if let Some(visible) = out.get(i).and_then(|r| visible(r)) {
            out.push(Cow::Owned(visible));
        }
    }
    once_each(out)
}

/// Whether a text part is read as HTML: declared `text/html`, or its text
/// starts (after white space) with `<!DOCTYPE html` or `<html`, ASCII
/// case ignored, as a browser sniffing the content would.
pub fn is_html(declared_type: &str, text: &str) -> bool {
    if declared_type == "text/html" {
        return true;
    }
    let head = text.trim_start().as_bytes();
    let starts = |p: &[u8]| {
        head.get(..p.len())
            .is_some_and(|h| h.eq_ignore_ascii_case(p))
    };
    starts(b"<!doctype html") || starts(b"<html")
}

/// `text` as a reader sees it: without the characters drawn as nothing
/// (zero-width spaces and joiners, soft hyphens, bidi marks: the list of
/// [`suspicious_chars`](super::suspicious_chars); and variation selectors,
/// tag characters and the other default-ignorable format characters of
/// Unicode section 5.21), and with every other blank (no-break space,
/// the spaces of U+2000 to U+200A, the ideographic space) a plain space.
/// `None` when it has none of these. `ILOVE<U+200B>YOU` reads `ILOVEYOU`,
/// `wire<U+00A0>transfer` reads `wire transfer`.
pub fn visible(text: &str) -> Option<String> {
    text.chars()
        .any(|c| reads_as(c) != Some(c))
        .then(|| text.chars().filter_map(reads_as).collect())
}

/// What character `c` is to a reader: nothing, a space, or itself.
fn reads_as(c: char) -> Option<char> {
    let ignorable = is_suspicious(c)
        || matches!(c, '\u{180B}'..='\u{180F}' | '\u{FE00}'..='\u{FE0F}' | '\u{1BCA0}'..='\u{1BCA3}' | '\u{E0000}'..='\u{E0FFF}');
    if ignorable {
        None
    } else if !c.is_ascii() && c.is_whitespace() {
        Some(' ')
    } else {
        Some(c)
    }
}

#[cfg(test)]
mod tests {
    use crate::message::{Limits, parse};

    fn readings(raw: &str) -> Vec<String> {
        parse(raw.as_bytes(), &Limits::default())
            .header_readings("subject")
            .into_iter()
            .map(|r| r.into_owned())
            .collect()
    }

    #[test]
    fn every_subject_field_counts() {
        let r = readings("Subject: hello\nSubject: ILOVEYOU\n\nbody\n");
        assert_eq!(r, ["hello", "ILOVEYOU"]);
    }

    #[test]
    fn glued_and_unpadded_words_are_read_as_lenient_clients_read_them() {
        let r = readings("Subject: Re:=?utf-8?b?SUxPVkVZT1U?=\n\nbody\n");
        assert_eq!(r, ["Re:=?utf-8?b?SUxPVkVZT1U?=", "Re:ILOVEYOU"]);
    }

    #[test]
    fn invisible_characters_are_taken_out() {
        let r = readings("Subject: =?utf-8?q?ILOVE=E2=80=8BYOU?=\n\nbody\n");
        assert_eq!(r, ["ILOVE\u{200B}YOU", "ILOVEYOU"]);
        let r = readings("Subject: ILOVE\u{AD}YOU\n\nbody\n");
        assert_eq!(r, ["ILOVE\u{AD}YOU", "ILOVEYOU"]);
    }

    #[test]
    fn blanks_read_as_spaces_and_selectors_as_nothing() {
        let r = readings("Subject: =?utf-8?q?I=C2=A0LOVE=E3=80=80YOU?=\n\nbody\n");
        assert_eq!(r, ["I\u{A0}LOVE\u{3000}YOU", "I LOVE YOU"]);
        let r = readings("Subject: =?utf-8?q?ILOVE=EF=B8=8FYOU?=\n\nbody\n");
        assert_eq!(r, ["ILOVE\u{FE0F}YOU", "ILOVEYOU"]);
    }

    #[test]
    fn a_comment_after_the_name_counts_as_the_field() {
        let r = readings("Subject(x): ILOVEYOU\n\nbody\n");
        assert_eq!(r, ["ILOVEYOU"]);
        assert!(readings("X-Subject: a\n\nb\n").is_empty());
    }
}
