//! Header blocks: splitting an entity's header into fields (RFC 5322
//! §2.2, §3.6; obsolete syntax §4.5), bounded by `max_header_bytes` and a
//! field count.

use super::{Anomaly, Walker, clip, field};

/// One header field.
pub(super) struct Field<'a> {
    /// The name as written (trailing blanks removed).
    pub(super) name: String,
    /// The value unfolded and RFC 2047 decoded (lossy UTF-8).
    pub(super) value: String,
    /// The whole field as written, folded, capped at `max_header_bytes`.
    pub(super) raw: &'a [u8],
    /// Where `raw` starts in the bytes the header block was read from.
    pub(super) offset: usize,
}

impl Field<'_> {
    /// The raw value: what follows the colon.
    pub(super) fn raw_value(&self) -> &[u8] {
        match memchr::memchr(b':', self.raw) {
            Some(colon) => self.raw.get(colon + 1..).unwrap_or(b""),
            None => b"",
        }
    }
}

/// A header block.
pub(super) struct Head<'a> {
    pub(super) fields: Vec<Field<'a>>,
    /// Offset of the body in the entity's bytes.
    pub(super) body_start: usize,
}

impl Head<'_> {
    /// The fields called `name`, a comment after the name ignored:
    /// `Content-Type(x):` is no field RFC 5322 knows, but some readers
    /// take it for Content-Type (ClamAV's clam.mail-comment-header-name).
    pub(super) fn all(&self, name: &str) -> impl Iterator<Item = &Field<'_>> {
        self.fields.iter().filter(move |f| {
            let base = f.name.split('(').next().unwrap_or("").trim_end();
            base.eq_ignore_ascii_case(name)
        })
    }
}

impl Walker<'_> {
    /// Splits an entity's header block into fields (RFC 5322 §2.2). The
    /// block ends at the first empty line. A line that is neither a field
    /// nor a continuation ends it too (the body begins there, as
    /// mail-parser and Python read it), unless a field follows before the
    /// empty line: then the block goes on to the empty line and that line
    /// is skipped, as Thunderbird reads it, so that no Content-Type or
    /// Content-Disposition a client applies is left unread. (The text of
    /// such lines is then not read as body.)
    pub(super) fn header<'a>(&mut self, data: &'a [u8], part: &str, max_fields: usize) -> Head<'a> {
        let mut fields: Vec<Field<'a>> = Vec::new();
        let mut pos = 0;
        // An mbox separator is no header field.
        if data.starts_with(b"From ") {
            pos = next_line(data, 0);
        }
        let mut current: Option<(usize, usize)> = None; // (start, end) of the field
        let mut dropped = 0usize;
        // Past a line that is no field, up to the empty line.
        let mut reading_on = false;
        let body_start = loop {
            if pos >= data.len() {
                break data.len();
            }
            let end = next_line(data, pos);
            let line = data.get(pos..end).unwrap_or(b"");
            let content = trim_eol(line);
            if content.is_empty() {
                break end;
            }
            if matches!(content.first(), Some(b' ' | b'\t')) {
                if let Some((_, e)) = current.as_mut() {
                    *e = end;
                } else {
                    self.anomaly(Anomaly::Header {
                        part: part.into(),
                        detail: "continuation line before any field".into(),
                    });
                }
                pos = end;
                continue;
            }
            match field_start(content) {
                // A line that is no field with a field after it before
                // the empty line: Thunderbird's libmime reads the header
                // on to the empty line, skipping lines without a colon
                // (MimeHeaders_get), so the fields after it count.
                None if reading_on => {
                    pos = end;
                    continue;
                }
                None if field_follows(data, end) => {
                    self.anomaly(Anomaly::Header {
                        part: part.into(),
                        detail: "a line that is no field inside the header, read past".into(),
                    });
                    reading_on = true;
                    pos = end;
                    continue;
                }
                None => {
                    self.anomaly(Anomaly::Header {
                        part: part.into(),
                        detail: "header ends without an empty line".into(),
                    });
                    break pos;
                }
                Some(FieldName::Odd) => {
                    let name = content.split(|&b| b == b':').next().unwrap_or(b"");
                    self.anomaly(Anomaly::Header {
                        part: part.into(),
                        detail: format!(
                            "field name {:?} with a space or an 8-bit byte",
                            clip(&String::from_utf8_lossy(name))
                        ),
                    });
                }
                Some(FieldName::Plain) => {}
            }
            if let Some((s, e)) = current.take() {
                self.push_field(&mut fields, data, s, e, part, max_fields, &mut dropped);
            }
            current = Some((pos, end));
            pos = end;
        };
        if let Some((s, e)) = current.take() {
            self.push_field(&mut fields, data, s, e, part, max_fields, &mut dropped);
        }
        if dropped > 0 {
            // The fields not kept may be the Content-Type or
            // Content-Disposition that names an attachment.
            self.limit(
                "max_header_fields",
                format!("part {part}: {dropped} header fields beyond the first {max_fields} not examined"),
            );
        }
        Head { fields, body_start }
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn push_field<'a>(
        &mut self,
        fields: &mut Vec<Field<'a>>,
        data: &'a [u8],
        start: usize,
        end: usize,
        part: &str,
        max_fields: usize,
        dropped: &mut usize,
    ) {
        if fields.len() >= max_fields {
            *dropped += 1;
            return;
        }
        let mut raw = trim_eol(data.get(start..end).unwrap_or(b""));
        if raw.len() > self.limits.max_header_bytes {
            self.limit(
                "max_header_bytes",
                format!(
                    "part {part}: a header field of {} bytes cut to {}",
                    raw.len(),
                    self.limits.max_header_bytes
                ),
            );
            raw = raw.get(..self.limits.max_header_bytes).unwrap_or(raw);
        }
        let (name, value) = match field::split(raw) {
            Some((name, value)) => (field::name(name), field::value(value)),
            None => (String::from_utf8_lossy(raw).into_owned(), String::new()),
        };
        if name.contains('(') {
            self.anomaly(Anomaly::Header {
                part: part.into(),
                detail: format!("field name \"{}\" carries a comment", clip(&name)),
            });
        }
        fields.push(Field {
            name,
            value,
            raw,
            offset: start,
        });
    }
}

/// Whether a field starts on a line from `pos` on before the header's
/// empty line (or the end of `data`). One pass: called once per header.
fn field_follows(data: &[u8], mut pos: usize) -> bool {
    while pos < data.len() {
        let end = next_line(data, pos);
        let content = trim_eol(data.get(pos..end).unwrap_or(b""));
        if content.is_empty() {
            return false;
        }
        if !matches!(content.first(), Some(b' ' | b'\t')) && field_start(content).is_some() {
            return true;
        }
        pos = end;
    }
    false
}

pub(super) fn next_line(data: &[u8], pos: usize) -> usize {
    match memchr::memchr(b'\n', data.get(pos..).unwrap_or(b"")) {
        Some(p) => pos + p + 1,
        None => data.len(),
    }
}

pub(super) fn trim_eol(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// Longest field name taken with a space or an 8-bit byte in it (bytes).
const MAX_ODD_NAME: usize = 76;

/// Whether `line` begins a header field: a field name (RFC 5322 §3.6.8:
/// printable ASCII but colon), optional blanks (obsolete syntax, RFC 5322
/// §4.5), then a colon. A name holding spaces or 8-bit bytes (`X Mailer
/// Info:`, `X-Priérité:`) is no field RFC 5322 knows, but Thunderbird and
/// Outlook read on past it, so it does not end the header block either
/// (else the Content-Type after it would be hidden from us and not from
/// them); such a name must not begin with a blank and be at most 76
/// bytes.
pub(super) fn field_start(line: &[u8]) -> Option<FieldName> {
    let name_len = line
        .iter()
        .take_while(|&&b| (33..=126).contains(&b) && b != b':')
        .count();
    if name_len == 0 && line.first().is_none_or(|&b| b < 128) {
        return None;
    }
    let rest = line.get(name_len..).unwrap_or(b"");
    // Blanks before the colon (obsolete syntax), C's isspace() as
    // libmime backs up over them: vertical tab and form feed too.
    let blanks = rest
        .iter()
        .take_while(|&&b| matches!(b, b' ' | b'\t' | b'\x0b' | b'\x0c'))
        .count();
    if name_len > 0 && rest.get(blanks) == Some(&b':') {
        return Some(FieldName::Plain);
    }
    let colon = memchr::memchr(b':', line)?;
    let odd = colon <= MAX_ODD_NAME
        && line.get(..colon).is_some_and(|name| {
            name.iter()
                .all(|&b| b == b' ' || b == b'\t' || b > 32 && b != 127)
        });
    odd.then_some(FieldName::Odd)
}

/// What [`field_start`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum FieldName {
    /// A name RFC 5322 allows.
    Plain,
    /// A name with a space or an 8-bit byte, read on as clients do.
    Odd,
}
