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
//! - the lenient one again with Thunderbird's charset aliases, with
//!   Outlook's decoders of the labels the Encoding Standard refuses
//!   (`iso-2022-kr`, `hz-gb-2312`), and with a word in a charset nobody
//!   knows read as its bytes, each where a word is in such a charset;
//! - the strict one over the field unfolded onto one line, where a word
//!   is folded in its middle (Thunderbird's jsmime unfolds first);
//! - a raw 8-bit field that is not UTF-8 in the message's charsets (its
//!   top-level Content-Type's and its text parts'), as jsmime decodes it;
//! - each reading holding ESC also as ISO-2022-JP, as Thunderbird's
//!   detector reads it;
//! - each of these in the order it is drawn in, where bidi controls or
//!   right-to-left text reorder it (`U+202E UOYEVOLI` is drawn
//!   `ILOVEYOU`), under either paragraph direction;
//! - each of these without the characters a reader does not see:
//!   zero-width spaces and joiners, soft hyphens, bidi marks and the other
//!   invisible characters that `suspicious_chars` lists, so that
//!   `ILOVE<U+200B>YOU` reads `ILOVEYOU`, and with every other blank a
//!   space;
//! - each of those with every run of white space one space, as an HTML
//!   view of the field shows it.
//!
//! Computed when a rule asks, not at parse time: only the fields a rule
//! names pay for it.

use std::borrow::Cow;
use std::collections::HashSet;

use bytes::Bytes;

use super::charsets::{Decoder, iso_2022_jp_reading};
use super::display_order::displayed;
use super::encoded_word::{decode_lenient, decode_lenient_as};
use super::filename::is_suspicious;
use super::parse::{decoded_one_line, unfolded_bytes, unfolded_value};
use super::{Flowed, Message};

impl Message {
    /// Every reading of the top-level fields called `name` (ASCII case
    /// ignored, a comment after the name ignored), as listed in this
    /// module's documentation: the strict decodings of the fields in
    /// order first (the first of them is what [`Message::header`] gives),
    /// then the other readings, each once. Empty when no such field.
    pub fn header_readings(&self, name: &str) -> Vec<Cow<'_, str>> {
        self.readings_of(&self.headers, &self.raw_fields, name)
    }

    /// The readings of the `Subject:` fields of every attached message
    /// ([`Message::attached`]), as [`Message::header_readings`] reads the
    /// message's own: (the part holding the attached message, its
    /// readings).
    pub fn attached_subject_readings(&self) -> Vec<(&str, Vec<Cow<'_, str>>)> {
        self.attached
            .iter()
            .map(|a| {
                (
                    a.part.as_str(),
                    self.readings_of(&a.fields, &a.raw_fields, "subject"),
                )
            })
            .collect()
    }

    /// [`Message::header_readings`] over the fields `headers` (decoded)
    /// and `raw_fields` (as written, one per entry of `headers`).
    fn readings_of<'m>(
        &'m self,
        headers: &'m [(String, String)],
        raw_fields: &'m [Bytes],
        name: &str,
    ) -> Vec<Cow<'m, str>> {
        let mut out: Vec<Cow<'_, str>> = Vec::new();
        let fields: Vec<usize> = headers
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
            if let Some((_, value)) = headers.get(i) {
                out.push(Cow::Borrowed(value.as_str()));
            }
        }
        for &i in &fields {
            let Some(raw) = raw_fields.get(i) else {
                continue;
            };
            if memchr::memmem::find(raw, b"=?").is_some() {
                let unfolded = unfolded_value(raw);
                out.extend(decode_lenient(&unfolded).map(Cow::Owned));
                for client in [Decoder::thunderbird, Decoder::outlook, Decoder::unknown] {
                    out.extend(decode_lenient_as(&unfolded, client).map(Cow::Owned));
                }
                out.extend(decoded_one_line(raw).map(Cow::Owned));
            }
            if raw.iter().any(|b| !b.is_ascii()) {
                self.eight_bit_readings(raw, &mut out);
            }
        }
        // A field holding ESC: what a reader that detects ISO-2022-JP
        // (Thunderbird's chardetng) makes of it.
        for i in 0..out.len() {
            if let Some(jp) = out.get(i).and_then(|r| iso_2022_jp_reading(r)) {
                out.push(Cow::Owned(jp));
            }
        }
        as_read(out)
    }

    /// The readings of a raw field with 8-bit bytes that are not UTF-8
    /// under the charsets the message's text parts declare: Thunderbird
    /// (jsmime's `convert8BitHeader`) decodes such a field as UTF-8 when
    /// it is valid UTF-8, else in the message's charset (the top-level
    /// Content-Type's, or its text parts'), each also with Thunderbird's
    /// alias and Outlook's decoder of the label. Each decoder once: bounded by
    /// the number of decoders there are, and a field is short.
    #[inline(never)]
    fn eight_bit_readings(&self, raw: &[u8], out: &mut Vec<Cow<'_, str>>) {
        let bytes = unfolded_bytes(raw);
        if std::str::from_utf8(&bytes).is_ok() {
            return;
        }
        let mut decoders: Vec<Decoder> = Vec::new();
        // The top-level Content-Type's charset first (a multipart may
        // carry one), then each text part's.
        let top = self.header("content-type").and_then(|v| {
            mailparse::parse_content_type(v)
                .params
                .get("charset")
                .cloned()
        });
        let labels = top.iter().chain(
            self.parts
                .iter()
                .filter(|p| p.declared_type.starts_with("text/"))
                .flat_map(|p| p.charset.iter().chain(&p.charsets)),
        );
        for label in labels {
            let own = Some(Decoder::for_label(Some(label)));
            let clients = [Decoder::thunderbird(label), Decoder::outlook(label)];
            for decoder in std::iter::once(own).chain(clients).flatten() {
                if decoder != Decoder::Unlabelled && !decoders.contains(&decoder) {
                    decoders.push(decoder);
                    out.push(Cow::Owned(decoder.decode(&bytes).into_owned()));
                }
            }
        }
    }
}

/// `readings`, then each of them in the order it is drawn in where bidi
/// controls or right-to-left text reorder it ([`displayed`]), then each
/// of those as a reader sees its characters ([`visible`]), then each of
/// those on one line ([`one_line`]); each kept once, in that order.
fn as_read(readings: Vec<Cow<'_, str>>) -> Vec<Cow<'_, str>> {
    let mut out = once_each(readings);
    for i in 0..out.len() {
        let drawn = out.get(i).map(|r| displayed(r)).unwrap_or_default();
        out.extend(drawn.into_iter().map(Cow::Owned));
    }
    for transform in [visible, one_line] {
        let mut next = once_each(out);
        for i in 0..next.len() {
            if let Some(changed) = next.get(i).and_then(|r| transform(r)) {
                next.push(Cow::Owned(changed));
            }
        }
        out = next;
    }
    once_each(out)
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
/// each once:
///
/// - the text as written;
/// - for a `format=flowed` part (`flowed`), the text with its soft line
///   breaks joined as RFC 3676 clients join them ([`unflow`]);
/// - for an HTML part (`html`: declared `text/html`, or text that starts
///   as an HTML document), the readings of
///   [`render_html`](super::render_html), what a client shows without and
///   with style sheets, and what Outlook shows where its conditional
///   comments make it differ ([`render_outlook`](super::render_outlook));
/// - each of these as a reader sees its characters ([`visible`]);
/// - and each of those on one line: every run of white space, line
///   breaks included, one space, so that a phrase the sender's client
///   wrapped (`wire the\nmoney`) reads as the recipient reads it.
///
/// The second value names the cap that left part of an HTML part's style
/// sheets unread, when one did ([`Rendered::limit`](super::Rendered)):
/// the caller treats the part as not wholly examined.
pub fn text_readings(
    text: &str,
    html: bool,
    flowed: Option<Flowed>,
) -> (Vec<Cow<'_, str>>, Option<&'static str>) {
    let mut limit = None;
    let mut out = vec![Cow::Borrowed(text)];
    match flowed {
        Some(Flowed::Both) => {
            out.push(Cow::Owned(unflow(text, Flowed::Flowed)));
            out.push(Cow::Owned(unflow(text, Flowed::DelSp)));
        }
        Some(flowed) => out.push(Cow::Owned(unflow(text, flowed))),
        None => {}
    }
    if html {
        let rendered = super::render_html(text);
        limit = rendered.limit;
        out.push(Cow::Owned(rendered.text));
        out.push(Cow::Owned(rendered.shown));
        out.extend(super::render_outlook(text).map(Cow::Owned));
    }
    (as_read(out), limit)
}

/// `text` with every run of white space (line breaks included) one
/// space; `None` when it is so already.
fn one_line(text: &str) -> Option<String> {
    let mut previous_blank = false;
    let changes = text.bytes().any(|b| {
        let other = matches!(b, b'\t' | b'\n' | b'\r' | b'\x0c');
        let double = b == b' ' && previous_blank;
        previous_blank = b == b' ' || other;
        other || double
    });
    changes.then(|| text.split_ascii_whitespace().collect::<Vec<_>>().join(" "))
}

/// A `format=flowed` text as its reader sees it (RFC 3676 section 4): a
/// line that ends in a space (other than the signature separator `-- `)
/// goes on in the next line of the same quote depth, whose quote marks
/// and stuffed space are dropped; with `delsp=yes` the ending space goes
/// too. `wire the \nmoney` reads `wire the money`; with `delsp=yes`,
/// `wi \nre` reads `wire`. [`Flowed::Both`] reads as `delsp=yes` here
/// ([`text_readings`] gives both).
pub fn unflow(text: &str, flowed: Flowed) -> String {
    let mut out = String::with_capacity(text.len());
    let mut open: Option<usize> = None;
    for (n, line) in text.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let depth = line.bytes().take_while(|&b| b == b'>').count();
        let (quotes, rest) = line.split_at(depth);
        let rest = rest.strip_prefix(' ').unwrap_or(rest);
        if open != Some(depth) {
            if n > 0 {
                out.push('\n');
            }
            out.push_str(quotes);
            if depth > 0 {
                out.push(' ');
            }
        }
        out.push_str(rest);
        let soft = rest.ends_with(' ') && rest != "-- ";
        if soft && flowed != Flowed::Flowed {
            out.pop();
        }
        open = soft.then_some(depth);
    }
    out
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

/// A `text/enriched` (RFC 1896) or `text/richtext` (RFC 1341) part as
/// Thunderbird shows it (libmime's `mimetenr.cpp`, `mimetric.cpp`):
/// formatting commands (`<bold>`, `</bold>`...) left out, a `<param>`'s
/// content not shown, `<<` a literal `<`. `None` for other types.
pub fn enriched_text(declared_type: &str, text: &str) -> Option<String> {
    if !matches!(declared_type, "text/enriched" | "text/richtext") {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(lt) = rest.find('<') {
        out.push_str(rest.get(..lt).unwrap_or_default());
        let after = rest.get(lt + 1..).unwrap_or_default();
        if let Some(more) = after.strip_prefix('<') {
            out.push('<');
            rest = more;
            continue;
        }
        let Some(gt) = after.find('>') else {
            out.push_str(rest.get(lt..).unwrap_or_default());
            return Some(out);
        };
        let command = after.get(..gt).unwrap_or_default();
        rest = after.get(gt + 1..).unwrap_or_default();
        if command.eq_ignore_ascii_case("param") {
            // The parameter of the command before it: not text.
            let lower = rest.to_ascii_lowercase();
            rest = match lower.find("</param>") {
                Some(end) => rest.get(end + "</param>".len()..).unwrap_or_default(),
                None => "",
            };
        }
    }
    out.push_str(rest);
    Some(out)
}

/// A calendar or directory part (`text/calendar`, `text/x-vcalendar`,
/// `text/vcard`, `text/x-vcard`, `text/directory`) as a calendar or
/// address book client shows its values: content lines unfolded (a line
/// end followed by one space or tab removed, RFC 5545 section 3.1, RFC
/// 6350 section 3.2) and the escapes of TEXT values read (`\n` and `\N`
/// a line break, `\,` `\;` `\\` the character, RFC 5545 section 3.3.11).
/// `None` for other types, or when the text has neither a fold nor an
/// escape.
pub fn calendar_text(declared_type: &str, text: &str) -> Option<String> {
    if !matches!(
        declared_type,
        "text/calendar" | "text/x-vcalendar" | "text/vcard" | "text/x-vcard" | "text/directory"
    ) {
        return None;
    }
    let folded = |(at, _): (usize, &str)| matches!(text.as_bytes().get(at + 1), Some(b' ' | b'\t'));
    if !text.contains('\\') && !text.match_indices('\n').any(folded) {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            // Line ends read as LF; a fold's goes with its blank.
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' if matches!(chars.peek(), Some(' ' | '\t')) => {
                chars.next();
            }
            '\\' => match chars.peek() {
                Some('n' | 'N') => {
                    chars.next();
                    out.push('\n');
                }
                Some(&e @ (',' | ';' | '\\')) => {
                    chars.next();
                    out.push(e);
                }
                _ => out.push(c),
            },
            _ => out.push(c),
        }
    }
    Some(out)
}

/// `text` as a reader sees it: without the characters drawn as nothing
/// (zero-width spaces and joiners, soft hyphens, bidi marks: the list of
/// [`suspicious_chars`](super::suspicious_chars); and variation selectors,
/// tag characters and every other character of Unicode's
/// `Default_Ignorable_Code_Point` list), and with every other blank (no-break space,
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
    if is_suspicious(c) || is_default_ignorable(c) {
        None
    } else if !c.is_ascii() && c.is_whitespace() {
        Some(' ')
    } else {
        Some(c)
    }
}

/// Unicode's `Default_Ignorable_Code_Point` property (DerivedCoreProperties.txt,
/// Unicode 15.1; section 5.21 of the standard): characters a renderer
/// draws as nothing when it has no glyph for them, as HarfBuzz's
/// `is_default_ignorable` (Firefox, Thunderbird, Chrome) does. The whole
/// list, the unassigned ones included: a font cannot give them a glyph
/// either.
fn is_default_ignorable(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'..='\u{1160}'
            | '\u{17B4}'..='\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF0}'..='\u{FFF8}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E0FFF}'
    )
}

#[cfg(test)]
mod tests {
    use super::enriched_text;
    use crate::message::{Limits, parse};

    #[test]
    fn enriched_text_without_commands_and_params() {
        let t = |s: &str| enriched_text("text/enriched", s);
        assert_eq!(
            t("wire the <bold>mo</bold>ney").as_deref(),
            Some("wire the money")
        );
        assert_eq!(
            t("wire the mo<color><param>red</param>ney</color>").as_deref(),
            Some("wire the money")
        );
        assert_eq!(t("a <<b> c").as_deref(), Some("a <b> c"));
        assert_eq!(enriched_text("text/plain", "x"), None);
    }

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
    fn flowed_text_is_joined_as_rfc_3676_says() {
        use super::unflow;
        use crate::message::Flowed;
        let text = "wire the \r\nmoney\r\n> quoted \r\n> line\r\n-- \r\nsig\r\n \r\nx";
        assert_eq!(
            unflow(text, Flowed::Flowed),
            "wire the money\n> quoted line\n-- \nsig\n\nx"
        );
        assert_eq!(
            unflow("wi \nre \ntrans \nfer", Flowed::DelSp),
            "wiretransfer"
        );
        assert_eq!(unflow(" From here", Flowed::Flowed), "From here");
    }

    #[test]
    fn every_reading_also_on_one_line() {
        let r = super::text_readings("wire  the\nmo\u{AD}ney", false, None).0;
        assert_eq!(
            r,
            [
                "wire  the\nmo\u{AD}ney",
                "wire  the\nmoney",
                "wire the mo\u{AD}ney",
                "wire the money"
            ]
        );
        assert_eq!(
            super::text_readings("plain words", false, None).0,
            ["plain words"]
        );
    }

    #[test]
    fn runs_of_white_space_read_as_one_space() {
        let r = readings("Subject: I  LOVE\tYOU\n\nbody\n");
        assert_eq!(r, ["I  LOVE\tYOU", "I LOVE YOU"]);
    }

    #[test]
    fn a_comment_after_the_name_counts_as_the_field() {
        let r = readings("Subject(x): ILOVEYOU\n\nbody\n");
        assert_eq!(r, ["ILOVEYOU"]);
        assert!(readings("X-Subject: a\n\nb\n").is_empty());
    }

    fn readings_of(raw: &[u8]) -> Vec<String> {
        parse(raw, &Limits::default())
            .header_readings("subject")
            .into_iter()
            .map(|r| r.into_owned())
            .collect()
    }

    #[test]
    fn a_replacement_label_in_a_word_reads_its_bytes() {
        for label in ["iso-2022-kr", "hz-gb-2312", "replacement", "iso-2022-cn"] {
            let r = readings(&format!("Subject: =?{label}?B?SUxPVkVZT1U=?=\n\nbody\n"));
            assert!(r.iter().any(|r| r == "ILOVEYOU"), "{label}: {r:?}");
        }
        // Outlook's decoder takes the shifts out.
        let r = readings("Subject: =?iso-2022-kr?q?ILOVE=0E=0FYOU?=\n\nbody\n");
        assert!(r.iter().any(|r| r == "ILOVEYOU"), "{r:?}");
    }

    #[test]
    fn thunderbird_aliases_in_words() {
        // UTF-16BE "ILOVEYOU": csunicode is UTF-16LE in the Encoding
        // Standard, UTF-16BE to Thunderbird.
        let r = readings("Subject: =?csunicode?B?AEkATABPAFYARQBZAE8AVQ==?=\n\nbody\n");
        assert!(r.iter().any(|r| r == "ILOVEYOU"), "{r:?}");
        let r = readings("Subject: =?unicode-2-0-utf-7?q?wire+ACA-transfer?=\n\nbody\n");
        assert!(r.iter().any(|r| r == "wire transfer"), "{r:?}");
    }

    #[test]
    fn a_word_folded_in_its_middle_decodes() {
        let r = readings("Subject: =?utf-8?q?wire\r\n tr=61nsfer?=\r\n\r\nbody\r\n");
        assert!(r.iter().any(|r| r == "wire transfer"), "{r:?}");
    }

    #[test]
    fn raw_8bit_fields_read_in_the_charsets_of_the_text() {
        // EUC-KR 0xA1A1 is the ideographic space.
        let r = readings_of(
            b"Subject: wire\xa1\xa1transfer\r\nContent-Type: text/plain; charset=euc-kr\r\n\r\nx",
        );
        assert!(r.iter().any(|r| r == "wire transfer"), "{r:?}");
        // Thunderbird's alias of the message charset: cp932 is Shift_JIS,
        // where 0x8140 is the ideographic space.
        let r = readings_of(
            b"Subject: wire\x81\x40transfer\r\nContent-Type: text/plain; charset=cp932\r\n\r\nx",
        );
        assert!(r.iter().any(|r| r == "wire transfer"), "{r:?}");
        // The charset of a multipart message's own Content-Type.
        let r = readings_of(
            b"Subject: wire\xa1\xa1transfer\r\nContent-Type: multipart/mixed; charset=euc-kr; boundary=b\r\n\r\n--b\r\n\r\nx\r\n--b--\r\n",
        );
        assert!(r.iter().any(|r| r == "wire transfer"), "{r:?}");
        // Valid UTF-8: read as UTF-8 only.
        let r = readings_of(
            "Subject: caf\u{e9}\r\nContent-Type: text/plain; charset=euc-kr\r\n\r\nx".as_bytes(),
        );
        assert_eq!(r, ["caf\u{e9}"]);
    }

    #[test]
    fn a_word_in_an_unknown_charset_is_read_as_unlabelled() {
        let r = readings("Subject: =?x-nobody?B?SUxPVkVZT1U=?=\n\nbody\n");
        assert!(r.iter().any(|r| r == "ILOVEYOU"), "{r:?}");
    }

    #[test]
    fn esc_in_a_field_reads_as_iso_2022_jp() {
        let r = readings("Subject: wi\x1b(Bre transfer\n\nbody\n");
        assert!(r.iter().any(|r| r == "wire transfer"), "{r:?}");
    }

    #[test]
    fn calendar_lines_unfolded_and_unescaped() {
        use super::calendar_text;
        let ics = "BEGIN:VEVENT\r\nDESCRIPTION:wire tr\r\n ansfer\\, wi\r\n\tre\\ntransfer\\;\\\\\r\nEND:VEVENT\r\n";
        assert_eq!(
            calendar_text("text/calendar", ics).as_deref(),
            Some("BEGIN:VEVENT\nDESCRIPTION:wire transfer, wire\ntransfer;\\\nEND:VEVENT\n")
        );
        assert_eq!(calendar_text("text/plain", ics), None);
        assert_eq!(calendar_text("text/vcard", "FN:plain\r\n"), None);
    }

    #[test]
    fn both_delsp_readings() {
        use crate::message::Flowed;
        let r = super::text_readings("wire tran \r\nsfer", false, Some(Flowed::Both)).0;
        assert!(r.iter().any(|r| r == "wire transfer"), "{r:?}");
        assert!(r.iter().any(|r| r == "wire tran sfer"), "{r:?}");
    }
}
