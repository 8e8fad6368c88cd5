//! The readings of a part's MIME type: how lenient readers take a
//! `Content-Type` value (RFC 2045 §5.1 with comments and stray blanks),
//! how Thunderbird's libmime takes it, and the type Thunderbird derives
//! from a file name when the declared type says nothing. Where two
//! readings give types of another kind (a multipart, a message, HTML,
//! text, anything else), the part is examined under each.
//!
//! Pure: string work on decoded field values, and parts of the one
//! message being read.

use bytes::Bytes;

use super::header::Field;
use super::variants::MAX_VARIANTS;
use super::{Anomaly, Origin, TextParams, Walker, clip};

/// The type of an entity without a Content-Type field: text/plain, or
/// message/rfc822 inside a multipart/digest (RFC 2045 §5.2, RFC 2046
/// §5.1.5); where the readings of the parent disagree on whether it is a
/// digest, both, the parent's first reading's first.
#[derive(Debug, Clone, Copy)]
pub(super) struct Untyped {
    /// The type it is examined under first.
    pub(super) first: &'static str,
    /// The type another reading of the parent gives it.
    pub(super) other: Option<&'static str>,
}

impl Untyped {
    /// Plain text, as at the top level and inside a message.
    pub(super) const TEXT: Untyped = Untyped {
        first: "text/plain",
        other: None,
    };

    /// The children's type inside a multipart read as a digest or not
    /// (`digest`), and read the other way too by some reader
    /// (`disagree`).
    pub(super) fn children(digest: bool, disagree: bool) -> Untyped {
        let (first, second) = if digest {
            ("message/rfc822", "text/plain")
        } else {
            ("text/plain", "message/rfc822")
        };
        Untyped {
            first,
            other: disagree.then_some(second),
        }
    }
}

/// The type readings of one entity ([`Walker::read_types`]).
pub(super) struct Typed<'f, 'a> {
    /// The type it is examined under first: the first field's lenient
    /// reading, or a multipart any reader takes.
    pub(super) declared: String,
    /// The field whose parameters (the boundary) go with `declared`.
    pub(super) structure: Option<&'f Field<'a>>,
    /// Every other type a reader takes, not a multipart, at most
    /// [`MAX_VARIANTS`].
    pub(super) others: Vec<String>,
    /// Whether readings of a multipart disagree on its being a digest
    /// (its untyped children are then messages to some readers, text to
    /// others).
    pub(super) digest_disagrees: bool,
}

/// What a type makes of a part, as far as examining it goes: readings
/// of one kind are examined the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// `multipart/*`: split at its boundary.
    Multipart,
    /// `message/rfc822`, `message/global`, `message/news`: opened as a
    /// message.
    Message,
    /// `text/html`: rendered.
    Html,
    /// Any other `text/*`: shown as text.
    Text,
    /// Anything else: an attachment.
    Other,
}

impl Kind {
    /// The kind of a lower-case `type/subtype`.
    pub(super) fn of(t: &str) -> Kind {
        if t.starts_with("multipart/") {
            Kind::Multipart
        } else if matches!(t, "message/rfc822" | "message/global" | "message/news") {
            Kind::Message
        } else if t == "text/html" {
            Kind::Html
        } else if t.starts_with("text/") {
            Kind::Text
        } else {
            Kind::Other
        }
    }
}

/// The `type/subtype` of a Content-Type value (decoded), lower case, as
/// lenient readers take it: RFC 822 comments dropped (`multipart/mixed
/// (x)`, RFC 2045 §5.1 allows them), quotes and blanks around the slash
/// dropped, the value ended at `;`, at `,` or at a blank after the
/// subtype (`text/html x` is `text/html`, as Thunderbird and Python's
/// email package read it), a bare `text` taken for `text/plain` (RFC
/// 1049's untyped text, which clients still show: returned as `text`,
/// for the caller to note); `None` when what is left is no type.
pub(super) fn clean_type(value: &str) -> Option<String> {
    let mut t = String::new();
    let mut depth = 0usize;
    let mut in_quote = false;
    for c in value.chars() {
        match c {
            '"' if depth == 0 => in_quote = !in_quote,
            '(' if !in_quote => depth += 1,
            ')' if !in_quote => depth = depth.saturating_sub(1),
            ';' | ',' if depth == 0 && !in_quote => break,
            _ if depth > 0 => {}
            _ if c.is_whitespace() => {
                // A blank after the subtype ends the type.
                if t.split_once('/').is_some_and(|(_, sub)| !sub.is_empty()) {
                    break;
                }
            }
            _ => t.push(c.to_ascii_lowercase()),
        }
    }
    if t == "text" {
        return Some(t);
    }
    known_or_mixed(t)
}

/// `t` when it is a MIME type; `multipart/mixed` for a `multipart/`
/// whose subtype is none (`multipart/@`, `multipart/mixed/x`,
/// `multipart/`): Thunderbird shows any multipart it does not know as
/// mixed (libmime `mimemmix.h`: "used for any and all otherwise
/// unrecognised subparts of multipart/"), and Python's email package
/// splits it too.
fn known_or_mixed(t: String) -> Option<String> {
    if is_mime_type(&t) {
        Some(t)
    } else if t.starts_with("multipart/") {
        Some("multipart/mixed".to_owned())
    } else {
        None
    }
}

/// Thunderbird's reading of a Content-Type value (decoded): libmime's
/// `MimeHeaders_get` with `strip_p` ends the value at the first `;`, `,`
/// or blank (`mimehdrs.cpp`), and `mime_create` keeps what follows the
/// last `?` (`mimei.cpp`, Mozilla bug 659355, for values such as
/// `=?windows-1252?q?application/pdf`). So `x?multipart/mixed` is a
/// multipart and `application/x-foo?text/html` is HTML to Thunderbird.
/// `None` when that is no type.
pub(super) fn gecko_type(value: &str) -> Option<String> {
    let is_blank = |c: char| matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c');
    let v = value.trim_start_matches(is_blank);
    let end = v
        .find(|c: char| c == ';' || c == ',' || is_blank(c))
        .unwrap_or(v.len());
    let v = v.get(..end).unwrap_or(v);
    let v = v.rsplit('?').next().unwrap_or(v);
    known_or_mixed(v.to_ascii_lowercase())
}

/// Types that say nothing about the content, which Thunderbird replaces
/// by the type of the part's file name (`mime_create` in `mimei.cpp`,
/// "some clients unfortunately declare every attachment as
/// application/octet-stream"); a part without a Content-Type too.
pub(super) const SAYS_NOTHING: [&str; 2] = [
    "application/octet-stream",
    "application/x-unknown-content-type",
];

/// The type the system's table gives a file name, for the names whose
/// type is shown in the message itself (text and HTML: Thunderbird then
/// renders the part inline); `None` for any other name. Saved messages
/// (`.eml`) are read as messages elsewhere.
pub(super) fn type_of_name(name: &str) -> Option<&'static str> {
    // Windows drops trailing dots and spaces when it saves the file.
    let ext = name.trim_end_matches(['.', ' ']).rsplit_once('.')?.1;
    let ext = ext.to_ascii_lowercase();
    match ext.as_str() {
        "txt" | "text" => Some("text/plain"),
        "htm" | "html" | "shtml" | "xht" | "xhtml" => Some("text/html"),
        _ => None,
    }
}

/// One leaf whose content is read again under another type.
#[derive(Clone, Copy)]
pub(super) struct Reading<'a> {
    /// The part's content, transfer encoding removed.
    pub(super) content: &'a Bytes,
    /// Whether that content was decoded here (not a slice of the
    /// message as sent).
    pub(super) fresh: bool,
    /// The part's id (`2`).
    pub(super) id: &'a str,
    /// Its nesting depth.
    pub(super) depth: usize,
    /// Its names.
    pub(super) names: &'a [String],
    /// Whether it is an attachment.
    pub(super) attachment: bool,
    /// Its text parameters (charset, format=flowed).
    pub(super) text: TextParams<'a>,
}

impl<'a> Reading<'a> {
    /// The fields in order, as a call (kept out of line: the recursive
    /// entity reader's stack frame stays small).
    #[inline(never)]
    pub(super) fn new(
        content: &'a Bytes,
        fresh: bool,
        id: &'a str,
        depth: usize,
        names: &'a [String],
        attachment: bool,
        text: TextParams<'a>,
    ) -> Reading<'a> {
        Reading {
            content,
            fresh,
            id,
            depth,
            names,
            attachment,
            text,
        }
    }
}

impl Walker<'_> {
    /// The readings of an entity's Content-Type fields `types`:
    /// `default_type` when there is none (RFC 2045 §5.2: text/plain;
    /// message/rfc822 inside multipart/digest), `text/plain` with an
    /// anomaly when the first cannot be read. The other readings are
    /// Thunderbird's of every field (`x?multipart/mixed`) and the
    /// lenient one of every later field (readers that take the last
    /// field); a multipart among them is split, as its reader shows the
    /// parts. Kept out of the recursive entity reader so that its stack
    /// frame stays small.
    #[inline(never)]
    pub(super) fn read_types<'f, 'a>(
        &mut self,
        types: &[&'f Field<'a>],
        untyped: Untyped,
        part_label: &str,
    ) -> Typed<'f, 'a> {
        let mut declared = match types.first() {
            Some(f) => match clean_type(&f.value) {
                Some(t) if !t.contains('/') => {
                    // RFC 1049's untyped `text`: still no MIME type.
                    self.anomaly(Anomaly::Header {
                        part: part_label.into(),
                        detail: format!("Content-Type {t:?} without a subtype, read as text/plain"),
                    });
                    "text/plain".to_owned()
                }
                Some(t) => t,
                None => {
                    self.anomaly(Anomaly::Header {
                        part: part_label.into(),
                        detail: format!("unparsable Content-Type \"{}\"", clip(&f.value)),
                    });
                    "text/plain".to_owned()
                }
            },
            None => untyped.first.to_owned(),
        };
        let mut readings: Vec<(Option<&'f Field<'a>>, String)> = Vec::new();
        if types.is_empty()
            && let Some(other) = untyped.other
        {
            readings.push((None, other.to_owned()));
        }
        for (n, f) in types.iter().enumerate() {
            let lenient = clean_type(&f.value).filter(|t| n > 0 && t.contains('/'));
            for t in [lenient, gecko_type(&f.value)].into_iter().flatten() {
                if t != declared && !readings.iter().any(|(_, o)| *o == t) {
                    readings.push((Some(*f), t));
                }
            }
        }
        let mut structure = types.first().copied();
        if Kind::of(&declared) != Kind::Multipart
            && let Some(at) = readings
                .iter()
                .position(|(_, t)| Kind::of(t) == Kind::Multipart)
        {
            let (f, t) = readings.remove(at);
            declared = t;
            structure = f;
        }
        let digest = |t: &str| t == "multipart/digest";
        let digest_disagrees = Kind::of(&declared) == Kind::Multipart
            && readings
                .iter()
                .any(|(_, t)| Kind::of(t) == Kind::Multipart && digest(t) != digest(&declared));
        let mut others: Vec<String> = readings
            .into_iter()
            .map(|(_, t)| t)
            .filter(|t| Kind::of(t) != Kind::Multipart && *t != declared)
            .collect();
        if others.len() > MAX_VARIANTS {
            // The readings past the cap are not examined.
            others.truncate(MAX_VARIANTS);
            self.limit(
                "type_readings",
                format!("part {part_label}: more than {MAX_VARIANTS} other readings of its type"),
            );
        }
        Typed {
            declared,
            structure,
            others,
            digest_disagrees,
        }
    }

    /// The part `at` read under each of `types` (another reader's type
    /// for it) as well: a message type opens the content as a message
    /// (`2.t1.1`...), any other type makes it a part of its own (`2.t1`,
    /// origin [`Origin::Variant`]) that the rules see with that declared
    /// type (the body rules render a `text/html` reading, the MIME type
    /// rules judge the declared type).
    /// `opened`: the content was opened as a message already (message
    /// readings are left out).
    pub(super) fn other_types(&mut self, types: &[String], at: Reading<'_>, opened: bool) {
        for (n, t) in types.iter().enumerate() {
            let id = format!("{}.t{}", at.id, n + 1);
            if Kind::of(t) == Kind::Message {
                if opened {
                    continue;
                }
                self.open(at.content, &id, at.depth, at.fresh);
                continue;
            }
            if !self.leaf(
                &id,
                at.depth,
                t,
                at.names.to_vec(),
                at.attachment,
                at.content.clone().into(),
                None,
                at.text,
                Origin::Variant,
            ) {
                return;
            }
            if t.starts_with("text/") {
                self.embedded(&id, at.depth);
            }
        }
    }
}

/// Adds to `others` the type of each of the part's `names` when its
/// declared type says nothing ([`SAYS_NOTHING`], or `untyped`: no
/// Content-Type at all): Thunderbird then takes the type of the name,
/// and shows a text or HTML part in the message.
pub(super) fn name_types(
    others: &mut Vec<String>,
    declared: &str,
    untyped: bool,
    names: &[String],
) {
    if !untyped && !SAYS_NOTHING.contains(&declared) {
        return;
    }
    for t in names.iter().filter_map(|n| type_of_name(n)) {
        if others.len() < MAX_VARIANTS && t != declared && !others.iter().any(|o| o == t) {
            others.push(t.to_owned());
        }
    }
}

/// Whether `t` is `type/subtype` made of RFC 2045 tokens.
pub(super) fn is_mime_type(t: &str) -> bool {
    let token = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_graphic() && !b"()<>@,;:\\\"/[]?=".contains(&b))
    };
    match t.split_once('/') {
        Some((a, b)) => token(a) && token(b),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lenient_reading_ends_at_junk_after_the_subtype() {
        let t = |v: &str| clean_type(v);
        assert_eq!(t("text/html x").as_deref(), Some("text/html"));
        assert_eq!(t("text / html; charset=x").as_deref(), Some("text/html"));
        assert_eq!(
            t("multipart/mixed,x; boundary=b").as_deref(),
            Some("multipart/mixed")
        );
        assert_eq!(
            t("message/rfc822 (note) x").as_deref(),
            Some("message/rfc822")
        );
        assert_eq!(t("\"text/html\"").as_deref(), Some("text/html"));
        assert_eq!(
            t("multipart/mixed (a b)").as_deref(),
            Some("multipart/mixed")
        );
        assert_eq!(t("text").as_deref(), Some("text"));
        assert_eq!(t("=?utf-8?q?multipart/mixed"), None);
        // Blanks inside the type are dropped, as before the slash.
        assert_eq!(t("multi part/mixed").as_deref(), Some("multipart/mixed"));
    }

    #[test]
    fn gecko_reading_keeps_what_follows_the_last_question_mark() {
        let t = |v: &str| gecko_type(v);
        assert_eq!(
            t("=?utf-8?q?multipart/mixed; boundary=\"b\"").as_deref(),
            Some("multipart/mixed")
        );
        assert_eq!(t("x?multipart/mixed").as_deref(), Some("multipart/mixed"));
        assert_eq!(
            t("application/x-foo?text/html").as_deref(),
            Some("text/html")
        );
        assert_eq!(t("  Text/HTML,x").as_deref(), Some("text/html"));
        assert_eq!(t("text/html\x0bx").as_deref(), Some("text/html"));
        assert_eq!(t("text/html(x)"), None);
        assert_eq!(t("text / html"), None);
    }

    #[test]
    fn kinds_and_names() {
        assert_eq!(Kind::of("message/global"), Kind::Message);
        assert_eq!(Kind::of("text/html"), Kind::Html);
        assert_eq!(Kind::of("text/x-foo"), Kind::Text);
        assert_eq!(Kind::of("image/png"), Kind::Other);
        assert_eq!(type_of_name("Note.HTM"), Some("text/html"));
        assert_eq!(type_of_name("note.txt. ."), Some("text/plain"));
        assert_eq!(type_of_name("note.pdf"), None);
        assert_eq!(type_of_name("txt"), None);
    }
}
