//! Raw message bytes to the flat list of [`Part`]s.
//!
//! Pure. The MIME structure is walked here rather than by
//! `mailparse::parse_mail`, which builds the whole tree eagerly, recurses
//! a hundred levels deep, fails on a lone CR in a header block, does not
//! descend into message/rfc822 and silently accepts missing boundaries. We
//! need every anomaly reported and every limit enforced before work is
//! done, so mailparse is used for what it does well: one header field at a
//! time (unfolding, RFC 2047), Content-Type parameters (RFC 2231), and
//! charsets. Sources: RFC 5322 §2.2 and §3.6 (header fields), RFC 2045
//! (MIME headers, transfer encodings, default type), RFC 2046 §5.1
//! (multipart bodies), §5.2 (message/rfc822), RFC 6532 (message/global),
//! RFC 3501 §6.4.5 (IMAP part numbers).
//!
//! Cost: each nesting level scans its body once for its boundary (memchr),
//! so the work is bounded by the message size times the depth limit.

use std::borrow::Cow;

use super::filename::{part_names, push_name, raw_candidates};
use super::uuencode;
use super::{Anomaly, Limits, Message, Origin, Part, detect};

/// Nesting is capped here whatever the configuration says: the walk
/// recurses once per level.
const HARD_MAX_DEPTH: usize = 200;

/// Header fields kept for the top-level header; later ones are read but not
/// kept.
const MAX_TOP_HEADERS: usize = 1000;

/// Header fields read per MIME part header (a part needs a handful).
const MAX_PART_HEADERS: usize = 200;

/// Top-level fields that RFC 5322 §3.6 and RFC 2045 allow once.
const SINGLE_FIELDS: &[&str] = &[
    "subject",
    "from",
    "sender",
    "reply-to",
    "to",
    "cc",
    "date",
    "message-id",
    "in-reply-to",
    "mime-version",
];

/// Parses `raw` into a [`Message`]. Never fails; see the module doc.
///
/// `raw` is the message as qmail-local gives it (LF or CRLF line ends,
/// with or without an mbox `From ` line); everything beyond
/// `limits.max_message_bytes` is ignored (and recorded as an anomaly).
pub fn parse(raw: &[u8], limits: &Limits) -> Message {
    let mut walker = Walker {
        limits,
        max_depth: limits.max_depth.min(HARD_MAX_DEPTH),
        message: Message {
            size: raw.len(),
            ..Message::default()
        },
        decoded: 0,
        cut: Vec::new(),
    };
    let raw = match raw.get(..limits.max_message_bytes) {
        Some(head) if head.len() < raw.len() => {
            walker.limit(
                "max_message_bytes",
                format!(
                    "message of {} bytes, only the first {} examined",
                    raw.len(),
                    limits.max_message_bytes
                ),
            );
            head
        }
        _ => raw,
    };
    let head = walker.header(raw, "0", MAX_TOP_HEADERS);
    walker.message.headers = head
        .fields
        .iter()
        .map(|f| (f.name.clone(), f.value.clone()))
        .collect();
    walker.message.subject = walker.message.header("subject").map(str::to_owned);
    let mut duplicated = Vec::new();
    for name in SINGLE_FIELDS {
        let count = head
            .fields
            .iter()
            .filter(|f| f.name.eq_ignore_ascii_case(name))
            .count();
        if count > 1 {
            duplicated.push(format!("{name} occurs {count} times"));
        }
    }
    for detail in duplicated {
        walker.anomaly(Anomaly::Header {
            part: "0".into(),
            detail,
        });
    }
    let body = raw.get(head.body_start..).unwrap_or(b"");
    walker.entity(&head, body, "1", "", 0, "text/plain");
    walker.message
}

/// One header field.
struct Field<'a> {
    /// The name as written (trailing blanks removed).
    name: String,
    /// The value unfolded and RFC 2047 decoded (lossy UTF-8).
    value: String,
    /// The whole field as written, folded, capped at `max_header_bytes`.
    raw: &'a [u8],
}

impl Field<'_> {
    /// The raw value: what follows the colon.
    fn raw_value(&self) -> &[u8] {
        match memchr::memchr(b':', self.raw) {
            Some(colon) => self.raw.get(colon + 1..).unwrap_or(b""),
            None => b"",
        }
    }
}

/// A header block.
struct Head<'a> {
    fields: Vec<Field<'a>>,
    /// Offset of the body in the entity's bytes.
    body_start: usize,
}

impl Head<'_> {
    /// The fields called `name`, a comment after the name ignored:
    /// `Content-Type(x):` is no field RFC 5322 knows, but some readers
    /// take it for Content-Type (ClamAV's clam.mail-comment-header-name).
    fn all(&self, name: &str) -> impl Iterator<Item = &Field<'_>> {
        self.fields.iter().filter(move |f| {
            let base = f.name.split('(').next().unwrap_or("").trim_end();
            base.eq_ignore_ascii_case(name)
        })
    }
}

struct Walker<'l> {
    limits: &'l Limits,
    max_depth: usize,
    message: Message,
    /// Decoded bytes so far over all parts.
    decoded: usize,
    /// Limits already reported (each once).
    cut: Vec<&'static str>,
}

impl Walker<'_> {
    fn anomaly(&mut self, a: Anomaly) {
        // Hostile input could repeat one flaw a million times; a thousand
        // reports say as much.
        if self.message.anomalies.len() < 1000 {
            self.message.anomalies.push(a);
        }
    }

    fn limit(&mut self, limit: &'static str, detail: String) {
        if !self.cut.contains(&limit) {
            self.cut.push(limit);
            self.anomaly(Anomaly::LimitExceeded {
                limit: limit.into(),
                detail,
            });
        }
    }

    /// Splits an entity's header block into fields (RFC 5322 §2.2). The
    /// block ends at the first empty line; a line that is neither a field
    /// nor a continuation also ends it (the body begins there), as
    /// mail-parser and most clients read it.
    fn header<'a>(&mut self, data: &'a [u8], part: &str, max_fields: usize) -> Head<'a> {
        let mut fields: Vec<Field<'a>> = Vec::new();
        let mut pos = 0;
        // An mbox separator is no header field.
        if data.starts_with(b"From ") {
            pos = next_line(data, 0);
        }
        let mut current: Option<(usize, usize)> = None; // (start, end) of the field
        let mut dropped = 0usize;
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
            if !is_field_start(content) {
                self.anomaly(Anomaly::Header {
                    part: part.into(),
                    detail: "header ends without an empty line".into(),
                });
                break pos;
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
            self.anomaly(Anomaly::Header {
                part: part.into(),
                detail: format!("{dropped} header fields beyond the first {max_fields} ignored"),
            });
        }
        Head { fields, body_start }
    }

    #[allow(clippy::too_many_arguments)]
    fn push_field<'a>(
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
        let (name, value) = match mailparse::parse_header(raw) {
            Ok((h, _)) => (h.get_key().trim_end().to_owned(), h.get_value()),
            Err(_) => (String::from_utf8_lossy(raw).into_owned(), String::new()),
        };
        if name.contains('(') {
            self.anomaly(Anomaly::Header {
                part: part.into(),
                detail: format!("field name {:?} carries a comment", clip(&name)),
            });
        }
        fields.push(Field { name, value, raw });
    }

    /// One MIME entity: its header `head`, its `body`. `id` is its own part
    /// number, `prefix` the one its children extend (RFC 3501 §6.4.5: a
    /// multipart's children are `prefix.N`; the top level has an empty
    /// prefix).
    fn entity(
        &mut self,
        head: &Head<'_>,
        body: &[u8],
        id: &str,
        prefix: &str,
        depth: usize,
        default_type: &str,
    ) {
        let part_label = if depth == 0 { "0" } else { id };
        let types: Vec<&Field<'_>> = head.all("content-type").collect();
        let encodings: Vec<&Field<'_>> = head.all("content-transfer-encoding").collect();
        let dispositions: Vec<&Field<'_>> = head.all("content-disposition").collect();
        for (name, list) in [
            ("Content-Type", &types),
            ("Content-Transfer-Encoding", &encodings),
            ("Content-Disposition", &dispositions),
        ] {
            if list.len() > 1 {
                self.anomaly(Anomaly::Header {
                    part: part_label.into(),
                    detail: format!("{name} occurs {} times", list.len()),
                });
            }
        }
        // RFC 2045 §5.2: no Content-Type, or one that cannot be parsed,
        // means text/plain (message/rfc822 inside multipart/digest).
        let ctype = types
            .first()
            .map(|f| mailparse::parse_content_type(&f.value));
        let mut declared = match &ctype {
            Some(ct) if is_mime_type(&ct.mimetype) => ct.mimetype.clone(),
            Some(ct) => {
                self.anomaly(Anomaly::Header {
                    part: part_label.into(),
                    detail: format!("unparsable Content-Type {:?}", clip(&ct.mimetype)),
                });
                "text/plain".to_owned()
            }
            None => default_type.to_owned(),
        };
        let charset = ctype
            .as_ref()
            .and_then(|ct| ct.params.get("charset").cloned());
        // The mechanism is one token (RFC 2045 §6.1); mailers append `;`
        // or comments that clients ignore.
        let cte = encodings
            .first()
            .and_then(|f| {
                f.value
                    .split(|c: char| c == ';' || c == '(' || c.is_whitespace())
                    .find(|t| !t.is_empty())
            })
            .unwrap_or_default()
            .to_ascii_lowercase();
        let disposition_raw: Vec<&[u8]> = dispositions.iter().map(|f| f.raw_value()).collect();
        let type_raw: Vec<&[u8]> = types.iter().map(|f| f.raw_value()).collect();
        let names = part_names(&disposition_raw, &type_raw);
        let is_attachment = !names.is_empty()
            || dispositions.first().is_some_and(|f| {
                f.value
                    .trim_start()
                    .to_ascii_lowercase()
                    .starts_with("attachment")
            });

        if declared.starts_with("multipart/") {
            // An unterminated quote (`boundary="abc` to the end of the
            // line) is kept by mailparse; clients drop it.
            let boundary = ctype
                .as_ref()
                .and_then(|ct| ct.params.get("boundary"))
                .map(|b| b.trim().trim_matches('"'))
                .filter(|b| !b.is_empty());
            match boundary {
                None => {
                    self.anomaly(Anomaly::Boundary {
                        part: part_label.into(),
                        detail: format!("{declared} without a boundary parameter"),
                    });
                    declared = "text/plain".into();
                }
                Some(boundary) => {
                    if depth >= self.max_depth {
                        self.limit(
                            "max_depth",
                            format!("part {part_label}: nesting deeper than {}", self.max_depth),
                        );
                        return;
                    }
                    let digest = declared == "multipart/digest";
                    let split = split_multipart(body, boundary.as_bytes());
                    // A second Content-Type with another boundary is an
                    // evasion (ClamAV's clam.mail-multiple-content-type):
                    // some readers take the first, some the last, so the
                    // parts of every boundary are examined.
                    let mut children = split.parts;
                    for other in types.iter().skip(1) {
                        let ct = mailparse::parse_content_type(&other.value);
                        if let Some(b) = ct.params.get("boundary") {
                            let b = b.trim().trim_matches('"');
                            if !b.is_empty() && b != boundary {
                                children.extend(split_multipart(body, b.as_bytes()).parts);
                            }
                        }
                    }
                    if children.is_empty() && !split.found {
                        self.anomaly(Anomaly::Boundary {
                            part: part_label.into(),
                            detail: format!("boundary {:?} never occurs", clip(boundary)),
                        });
                        // Best effort: the body is shown as text.
                        declared = "text/plain".into();
                    } else {
                        if split.found && !split.closed {
                            self.anomaly(Anomaly::Boundary {
                                part: part_label.into(),
                                detail: format!("closing boundary {:?} missing", clip(boundary)),
                            });
                        }
                        let child_default = if digest {
                            "message/rfc822"
                        } else {
                            "text/plain"
                        };
                        for (n, child) in children.iter().enumerate() {
                            if self.parts_full() {
                                break;
                            }
                            let child_id = join(prefix, n + 1);
                            let child_head = self.header(child, &child_id, MAX_PART_HEADERS);
                            let child_body = child.get(child_head.body_start..).unwrap_or(b"");
                            self.entity(
                                &child_head,
                                child_body,
                                &child_id,
                                &child_id,
                                depth + 1,
                                child_default,
                            );
                        }
                        return;
                    }
                }
            }
        }

        let decoded = self.decode(body, &cte, part_label);

        if (declared == "message/rfc822" || declared == "message/global") && depth < self.max_depth
        {
            // A transfer-encoded message (not allowed by RFC 2046 §5.2.1,
            // but sent) is a decoded copy at each level: it counts against
            // the decoded budget so that nesting cannot multiply memory.
            if let Cow::Owned(copy) = &decoded {
                if copy.len() > self.budget() {
                    let max = self.limits.max_decoded_bytes;
                    self.limit(
                        "max_decoded_bytes",
                        format!("part {id}: more than {max} decoded bytes in all"),
                    );
                    return;
                }
                self.decoded += copy.len();
            }
            // A named message attachment is a part of its own too: its name
            // ("invoice.eml", "x.exe") is what the filename rules look at.
            if !names.is_empty() {
                self.leaf(
                    id,
                    depth,
                    &declared,
                    names.clone(),
                    is_attachment,
                    decoded.clone(),
                    None,
                    Origin::Mime,
                );
            }
            let inner = self.header(&decoded, id, MAX_PART_HEADERS);
            let inner_body = decoded.get(inner.body_start..).unwrap_or(b"");
            let root_id = join(id, 1);
            self.entity(&inner, inner_body, &root_id, id, depth + 1, "text/plain");
            return;
        }
        if declared.starts_with("message/rfc822") || declared.starts_with("message/global") {
            self.limit(
                "max_depth",
                format!("part {part_label}: nesting deeper than {}", self.max_depth),
            );
        }

        // A part sent with a uuencode transfer encoding is one uuencoded
        // block (RFC 1341's x-uuencode, still seen).
        if matches!(cte.as_str(), "x-uuencode" | "uuencode" | "x-uue") {
            let mut budget = self.budget();
            let found = uuencode::blocks(&decoded, 1, &mut budget);
            if let Some(block) = found.blocks.into_iter().next() {
                let mut names = names;
                for n in raw_candidates(&block.name) {
                    push_name(&mut names, &n);
                }
                if !block.clean {
                    self.anomaly(Anomaly::Encoding {
                        part: id.into(),
                        detail: "uuencoded body does not decode cleanly".into(),
                    });
                }
                self.leaf(
                    id,
                    depth,
                    &declared,
                    names,
                    true,
                    Cow::Owned(block.data),
                    charset.as_deref(),
                    Origin::Mime,
                );
                return;
            }
        }

        let is_text = declared.starts_with("text/");
        let pushed = self.leaf(
            id,
            depth,
            &declared,
            names,
            is_attachment,
            decoded,
            charset.as_deref(),
            Origin::Mime,
        );
        if is_text && pushed {
            self.uuencoded(id, depth);
        }
    }

    /// uuencoded blocks inside the text part just pushed become parts
    /// `id.u1`, `id.u2`...
    fn uuencoded(&mut self, id: &str, depth: usize) {
        let mut budget = self.budget();
        let max = self.limits.max_uuencode_blocks;
        let Some(text_part) = self.message.parts.last() else {
            return;
        };
        let found = uuencode::blocks(&text_part.body, max, &mut budget);
        if found.blocks_cut {
            self.limit(
                "max_uuencode_blocks",
                format!("part {id}: more than {max} uuencoded blocks"),
            );
        }
        for (n, block) in found.blocks.into_iter().enumerate() {
            let block_id = format!("{id}.u{}", n + 1);
            if !block.clean {
                self.anomaly(Anomaly::Encoding {
                    part: block_id.clone(),
                    detail: "uuencoded block without end or with bad lines".into(),
                });
            }
            let mut names = Vec::new();
            for n in raw_candidates(&block.name) {
                push_name(&mut names, &n);
            }
            if !self.leaf(
                &block_id,
                depth,
                "application/octet-stream",
                names,
                true,
                Cow::Owned(block.data),
                None,
                Origin::Uuencode,
            ) {
                break;
            }
        }
    }

    fn budget(&self) -> usize {
        self.limits.max_decoded_bytes.saturating_sub(self.decoded)
    }

    fn parts_full(&mut self) -> bool {
        if self.message.parts.len() >= self.limits.max_parts {
            let max = self.limits.max_parts;
            self.limit("max_parts", format!("more than {max} parts"));
            true
        } else {
            false
        }
    }

    /// The body with its transfer encoding removed (RFC 2045 §6). Unknown
    /// encodings are kept as they are, as RFC 2045 §6.4 says.
    fn decode<'b>(&mut self, body: &'b [u8], cte: &str, part: &str) -> Cow<'b, [u8]> {
        match cte {
            "base64" => {
                let (decoded, clean) = decode_base64(body);
                if !clean {
                    self.anomaly(Anomaly::Encoding {
                        part: part.into(),
                        detail: "base64 with characters outside the alphabet or a cut quantum"
                            .into(),
                    });
                }
                Cow::Owned(decoded)
            }
            "quoted-printable" => {
                // Robust mode leaves malformed escapes as they are, as
                // RFC 2045 §6.7 note (2) suggests; it does not fail.
                match quoted_printable::decode(body, quoted_printable::ParseMode::Robust) {
                    Ok(d) => Cow::Owned(d),
                    Err(_) => {
                        self.anomaly(Anomaly::Encoding {
                            part: part.into(),
                            detail: "quoted-printable does not decode".into(),
                        });
                        Cow::Borrowed(body)
                    }
                }
            }
            "" | "7bit" | "8bit" | "binary" | "7-bit" | "8-bit" | "x-uuencode" | "uuencode"
            | "x-uue" => Cow::Borrowed(body),
            other => {
                self.anomaly(Anomaly::Encoding {
                    part: part.into(),
                    detail: format!("unknown transfer encoding {:?}", clip(other)),
                });
                Cow::Borrowed(body)
            }
        }
    }

    /// Adds a leaf part, cutting its content at the decoded-bytes budget.
    /// Returns false when the part list is full.
    #[allow(clippy::too_many_arguments)]
    fn leaf(
        &mut self,
        id: &str,
        depth: usize,
        declared: &str,
        names: Vec<String>,
        attachment: bool,
        body: Cow<'_, [u8]>,
        charset: Option<&str>,
        origin: Origin,
    ) -> bool {
        if self.parts_full() {
            return false;
        }
        let budget = self.budget();
        let body = if body.len() > budget {
            let max = self.limits.max_decoded_bytes;
            self.limit(
                "max_decoded_bytes",
                format!("part {id}: more than {max} decoded bytes in all"),
            );
            body.get(..budget).unwrap_or(&[]).to_vec()
        } else {
            body.into_owned()
        };
        self.decoded += body.len();
        let text = declared
            .starts_with("text/")
            .then(|| decode_text(&body, charset));
        let detected_type = detect(&body);
        self.message.parts.push(Part {
            id: id.to_owned(),
            depth,
            declared_type: declared.to_owned(),
            names,
            attachment,
            body,
            text,
            detected_type,
            origin,
        });
        true
    }
}

/// A text body decoded from its charset (lossy UTF-8). Without a charset,
/// or with one nobody knows, UTF-8 when the bytes are valid UTF-8, else
/// Windows-1252 (what such mail is in practice).
fn decode_text(body: &[u8], charset: Option<&str>) -> String {
    let known = charset.and_then(|c| charset::Charset::for_label(c.trim().as_bytes()));
    match known {
        Some(cs) => cs.decode(body).0.into_owned(),
        None => raw_candidates(body).into_iter().next().unwrap_or_default(),
    }
}

/// Base64 decoded leniently (RFC 2045 §6.8 asks decoders to ignore
/// characters outside the alphabet): white space skipped silently, other
/// stray characters skipped and reported, padding ends a quantum and
/// decoding goes on after it (concatenated encodings are common). Returns
/// the bytes and whether the input was clean. mailparse's decoder rejects
/// the whole part on one bad character, while mail clients (and malware
/// authors counting on them) decode what they can, so this is our own.
pub(crate) fn decode_base64(input: &[u8]) -> (Vec<u8>, bool) {
    let mut out = Vec::with_capacity(input.len() / 4 * 3);
    let mut clean = true;
    let mut acc: u32 = 0;
    let mut n = 0u8;
    for &c in input {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => {
                flush(&mut out, acc, n);
                if n == 1 {
                    clean = false;
                }
                acc = 0;
                n = 0;
                continue;
            }
            b' ' | b'\t' | b'\r' | b'\n' => continue,
            _ => {
                clean = false;
                continue;
            }
        };
        acc = acc << 6 | u32::from(v);
        n += 1;
        if n == 4 {
            out.extend_from_slice(&[(acc >> 16) as u8, (acc >> 8) as u8, acc as u8]);
            acc = 0;
            n = 0;
        }
    }
    if n != 0 {
        flush(&mut out, acc, n);
        clean = false;
    }
    (out, clean)
}

/// The bytes of a partial quantum of `n` characters.
fn flush(out: &mut Vec<u8>, acc: u32, n: u8) {
    match n {
        2 => out.push((acc >> 4) as u8),
        3 => out.extend_from_slice(&[(acc >> 10) as u8, (acc >> 2) as u8]),
        _ => {}
    }
}

/// The parts of a multipart body between its delimiter lines.
#[derive(Debug, Default)]
struct Split<'a> {
    parts: Vec<&'a [u8]>,
    /// A delimiter line occurred.
    found: bool,
    /// The closing delimiter occurred.
    closed: bool,
}

/// Splits `body` at its delimiter lines (RFC 2046 §5.1.1): `--boundary`
/// at the start of a line, then only white space (transport padding), or
/// `--` for the closing one. The CRLF before a delimiter belongs to it. A
/// part after the last delimiter when no closing delimiter came runs to the
/// end of the body. Preamble and epilogue are dropped.
fn split_multipart<'a>(body: &'a [u8], boundary: &[u8]) -> Split<'a> {
    let mut delimiter = Vec::with_capacity(boundary.len() + 3);
    delimiter.extend_from_slice(b"\n--");
    delimiter.extend_from_slice(boundary);
    let finder = memchr::memmem::Finder::new(&delimiter);
    let mut split = Split::default();
    // Each candidate: (start of the delimiter line's content ("--"), end of
    // the preceding content).
    let at_start = body
        .get(..delimiter.len() - 1)
        .is_some_and(|h| h == delimiter.get(1..).unwrap_or(b""));
    let candidates =
        at_start
            .then_some((0usize, 0usize))
            .into_iter()
            .chain(finder.find_iter(body).map(|nl| {
                let content_end = if nl > 0 && body.get(nl - 1) == Some(&b'\r') {
                    nl - 1
                } else {
                    nl
                };
                (nl + 1, content_end)
            }));
    let mut open: Option<usize> = None; // start of the current part
    for (line_start, content_end) in candidates {
        let after = line_start + delimiter.len() - 1;
        let line_end = memchr::memchr(b'\n', body.get(after..).unwrap_or(b""))
            .map_or(body.len(), |p| after + p);
        let tail = body.get(after..line_end).unwrap_or(b"");
        let closing = tail.starts_with(b"--");
        let rest = if closing {
            tail.get(2..).unwrap_or(b"")
        } else {
            tail
        };
        if !closing && !rest.iter().all(|b| b.is_ascii_whitespace()) {
            // `--boundaryX`: a longer boundary, not ours.
            continue;
        }
        split.found = true;
        if let Some(start) = open.take() {
            split
                .parts
                .push(body.get(start..content_end).unwrap_or(b""));
        }
        if closing {
            split.closed = true;
            return split;
        }
        open = Some((line_end + 1).min(body.len()));
    }
    if let Some(start) = open {
        split.parts.push(body.get(start..).unwrap_or(b""));
    }
    split
}

fn next_line(data: &[u8], pos: usize) -> usize {
    match memchr::memchr(b'\n', data.get(pos..).unwrap_or(b"")) {
        Some(p) => pos + p + 1,
        None => data.len(),
    }
}

fn trim_eol(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// A field name (RFC 5322 §3.6.8: printable ASCII but colon), optional
/// blanks (obsolete syntax, RFC 5322 §4.5), then a colon.
fn is_field_start(line: &[u8]) -> bool {
    let name_len = line
        .iter()
        .take_while(|&&b| (33..=126).contains(&b) && b != b':')
        .count();
    if name_len == 0 {
        return false;
    }
    let rest = line.get(name_len..).unwrap_or(b"");
    let blanks = rest
        .iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count();
    rest.get(blanks) == Some(&b':')
}

/// `type/subtype` made of RFC 2045 token characters.
fn is_mime_type(t: &str) -> bool {
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

fn join(prefix: &str, n: usize) -> String {
    if prefix.is_empty() {
        n.to_string()
    } else {
        format!("{prefix}.{n}")
    }
}

/// At most 80 characters of attacker text for an anomaly's detail.
fn clip(s: &str) -> String {
    s.chars().take(80).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(raw: &str) -> Message {
        parse(raw.as_bytes(), &Limits::default())
    }

    /// The limits reported exceeded, in order.
    fn cut(m: &Message) -> Vec<&str> {
        m.anomalies
            .iter()
            .filter_map(|a| match a {
                Anomaly::LimitExceeded { limit, .. } => Some(limit.as_str()),
                _ => None,
            })
            .collect()
    }

    fn ids(m: &Message) -> Vec<&str> {
        m.parts.iter().map(|p| p.id.as_str()).collect()
    }

    #[test]
    fn plain_message_is_one_part() {
        let m = p("Subject: =?utf-8?q?caf=C3=A9?=\r\nFrom: a@b\r\n\r\nhello\r\n");
        assert_eq!(m.subject.as_deref(), Some("café"));
        assert_eq!(ids(&m), ["1"]);
        let part = &m.parts[0];
        assert_eq!(part.declared_type, "text/plain");
        assert_eq!(part.depth, 0);
        assert_eq!(part.body, b"hello\r\n");
        assert_eq!(part.text.as_deref(), Some("hello\r\n"));
        assert!(!part.attachment);
        assert!(m.anomalies.is_empty(), "{:?}", m.anomalies);
        assert_eq!(m.header("FROM"), Some("a@b"));
    }

    #[test]
    fn folded_headers_unfolded() {
        let m = p("Subject: one\r\n two\r\n\tthree\r\nX: y\r\n\r\n");
        assert_eq!(m.subject.as_deref(), Some("one two three"));
        assert_eq!(m.headers.len(), 2);
    }

    const NESTED: &str = "Content-Type: multipart/mixed; boundary=outer\r\n\r\n\
preamble\r\n\
--outer\r\n\
Content-Type: text/plain; charset=iso-8859-1\r\n\
Content-Transfer-Encoding: quoted-printable\r\n\r\n\
caf=E9\r\n\
--outer\r\n\
Content-Type: message/rfc822\r\n\r\n\
Subject: inner\r\n\
Content-Type: multipart/alternative; boundary=\"inner\"\r\n\r\n\
--inner\r\n\r\n\
plain\r\n\
--inner\r\n\
Content-Type: application/octet-stream; name=\"x.exe\"\r\n\
Content-Transfer-Encoding: base64\r\n\r\n\
TVpQAAIAAAAEAA8A//8AALgAAAAAAAAAQAAaAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\r\n\
--inner--\r\n\
--outer\r\n\
Content-Type: message/rfc822; name=\"fwd.eml\"\r\n\r\n\
Subject: single\r\n\r\n\
body\r\n\
--outer--\r\n\
epilogue\r\n";

    #[test]
    fn nested_message_rfc822_numbered_as_imap() {
        let m = p(NESTED);
        assert_eq!(ids(&m), ["1", "2.1", "2.2", "3", "3.1"]);
        assert_eq!(m.parts[0].text.as_deref(), Some("café"));
        assert_eq!(m.parts[0].depth, 1);
        assert_eq!(m.parts[1].depth, 3);
        assert_eq!(m.parts[1].body, b"plain");
        let exe = &m.parts[2];
        assert_eq!(exe.names, ["x.exe"]);
        assert!(exe.attachment);
        assert!(exe.body.starts_with(b"MZ"));
        assert_eq!(exe.declared_type, "application/octet-stream");
        assert!(exe.text.is_none());
        let fwd = &m.parts[3];
        assert_eq!(fwd.declared_type, "message/rfc822");
        assert_eq!(fwd.names, ["fwd.eml"]);
        assert_eq!(m.parts[4].body, b"body");
        assert!(m.anomalies.is_empty(), "{:?}", m.anomalies);
    }

    #[test]
    fn missing_closing_boundary() {
        let m = p("Content-Type: multipart/mixed; boundary=b\n\n--b\n\none\n--b\n\ntwo\n");
        assert_eq!(ids(&m), ["1", "2"]);
        assert_eq!(m.parts[1].body, b"two\n");
        assert!(
            matches!(&m.anomalies[..], [Anomaly::Boundary { detail, .. }] if detail.contains("closing"))
        );
    }

    #[test]
    fn boundary_never_occurs_or_absent() {
        let m = p("Content-Type: multipart/mixed; boundary=b\n\nno parts here\n");
        assert_eq!(ids(&m), ["1"]);
        assert_eq!(m.parts[0].declared_type, "text/plain");
        assert!(
            matches!(&m.anomalies[..], [Anomaly::Boundary { detail, .. }] if detail.contains("never"))
        );
        let m = p("Content-Type: multipart/mixed\n\nbody\n");
        assert_eq!(ids(&m), ["1"]);
        assert!(
            matches!(&m.anomalies[..], [Anomaly::Boundary { detail, .. }] if detail.contains("without"))
        );
    }

    #[test]
    fn longer_boundary_is_not_ours() {
        let m = p(
            "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: multipart/mixed; boundary=bb\n\n--bb\n\nx\n--bb--\n--b--\n",
        );
        assert_eq!(ids(&m), ["1.1"]);
        assert_eq!(m.parts[0].body, b"x");
        assert!(m.anomalies.is_empty(), "{:?}", m.anomalies);
    }

    #[test]
    fn duplicated_mime_headers() {
        let m = p(
            "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\nContent-Type: application/x-msdownload; name=a.exe\nContent-Transfer-Encoding: base64\nContent-Transfer-Encoding: 7bit\n\nTVo=\n--b--\n",
        );
        assert_eq!(m.parts[0].names, ["a.exe"]);
        assert_eq!(m.parts[0].declared_type, "text/plain");
        assert_eq!(m.parts[0].body, b"MZ");
        let dup: Vec<_> = m
            .anomalies
            .iter()
            .filter(|a| matches!(a, Anomaly::Header { part, .. } if part == "1"))
            .collect();
        assert_eq!(dup.len(), 2, "{:?}", m.anomalies);
    }

    #[test]
    fn lenient_boundary_and_encoding_values() {
        let m = p(
            "Content-Type: multipart/mixed;boundary=\"--b\n\n----b\nContent-Transfer-Encoding: base64; (odd)\n\nQ2F0\n----b--\n",
        );
        assert_eq!(ids(&m), ["1"]);
        assert_eq!(m.parts[0].body, b"Cat");
        assert!(m.anomalies.is_empty(), "{:?}", m.anomalies);
    }

    #[test]
    fn evasions_of_clamav_tests() {
        // Two Content-Type fields with two boundaries: both are split.
        let m = p(
            "Content-Type: multipart/mixed; boundary=X\nContent-Type: multipart/mixed; boundary=Y\n\n--X\n\ntext\n--X--\n--Y\nContent-Transfer-Encoding: base64\n\nTVo=\n--Y--\n",
        );
        assert_eq!(ids(&m), ["1", "2"]);
        assert_eq!(m.parts[1].detected_type, Some("application/x-dosexec"));
        // A comment after the field name.
        let m = p(
            "Content-Type(meow): multipart/mixed; boundary=Y\n\n--Y\nContent-Transfer-Encoding: base64\n\nTVo=\n--Y--\n",
        );
        assert_eq!(m.parts[0].body, b"MZ");
        assert_eq!(m.anomalies.len(), 1, "{:?}", m.anomalies);
    }

    #[test]
    fn encoded_nested_messages_count_against_the_budget() {
        // "Subject: x\n\nbody" in base64, wrapped in a base64 message/rfc822.
        let inner = "Content-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\nU3ViamVjdDogeAoKYm9keQ==\n";
        let limits = Limits {
            max_decoded_bytes: 10,
            ..Limits::default()
        };
        let m = parse(inner.as_bytes(), &limits);
        assert!(m.parts.is_empty());
        assert_eq!(cut(&m), ["max_decoded_bytes"]);
        let m = p(inner);
        assert_eq!(m.parts[0].body, b"body");
    }

    #[test]
    fn duplicated_subject() {
        let m = p("Subject: a\nSubject: b\n\n");
        assert_eq!(m.subject.as_deref(), Some("a"));
        assert!(matches!(&m.anomalies[..], [Anomaly::Header { part, .. }] if part == "0"));
    }

    #[test]
    fn bad_base64_decoded_best_effort() {
        let m = p("Content-Transfer-Encoding: base64\n\nQ2F0!!\nQ2F0\n");
        assert_eq!(m.parts[0].body, b"CatCat");
        assert!(matches!(&m.anomalies[..], [Anomaly::Encoding { .. }]));
        assert_eq!(decode_base64(b"QQ==QkM="), (b"ABC".to_vec(), true));
        assert_eq!(decode_base64(b"QUJD\r\nRA"), (b"ABCD".to_vec(), false));
    }

    #[test]
    fn header_without_empty_line() {
        let m = p("Subject: x\nthis is the body\n");
        assert_eq!(m.subject.as_deref(), Some("x"));
        assert_eq!(m.parts[0].body, b"this is the body\n");
        assert_eq!(m.anomalies.len(), 1);
    }

    #[test]
    fn mbox_from_line_and_lone_cr() {
        let m = p("From someone Sat Jan  1 00:00:00 2000\nSubject: x\r\rweird\n\nbody");
        assert_eq!(m.headers.len(), 1);
        assert_eq!(m.parts[0].body, b"body");
    }

    #[test]
    fn uuencoded_block_in_text() {
        let m = p("Subject: x\n\nSee:\nbegin 644 cat.exe\n#0V%T\n`\nend\n");
        assert_eq!(ids(&m), ["1", "1.u1"]);
        let u = &m.parts[1];
        assert_eq!(u.origin, Origin::Uuencode);
        assert_eq!(u.names, ["cat.exe"]);
        assert_eq!(u.body, b"Cat");
        assert_eq!(u.declared_type, "application/octet-stream");
        assert!(u.attachment);
    }

    #[test]
    fn uuencode_transfer_encoding() {
        let m = p(
            "Content-Type: application/octet-stream\nContent-Transfer-Encoding: x-uuencode\n\nbegin 644 a.bin\n#0V%T\n`\nend\n",
        );
        assert_eq!(ids(&m), ["1"]);
        assert_eq!(m.parts[0].body, b"Cat");
        assert_eq!(m.parts[0].names, ["a.bin"]);
    }

    #[test]
    fn digest_children_default_to_rfc822() {
        let m = p(
            "Content-Type: multipart/digest; boundary=d\n\n--d\n\nSubject: one\n\nfirst\n--d--\n",
        );
        assert_eq!(ids(&m), ["1.1"]);
        assert_eq!(m.parts[0].body, b"first");
    }

    #[test]
    fn limit_depth() {
        let mut raw = String::new();
        for i in 0..50 {
            raw.push_str(&format!(
                "Content-Type: multipart/mixed; boundary=b{i}\n\n--b{i}\n"
            ));
        }
        raw.push_str("\ndeep\n");
        let limits = Limits {
            max_depth: 5,
            ..Limits::default()
        };
        let m = parse(raw.as_bytes(), &limits);
        assert!(m.parts.is_empty());
        assert!(cut(&m).contains(&"max_depth"), "{:?}", m.anomalies);
    }

    #[test]
    fn deep_nesting_does_not_overflow_the_stack() {
        let mut raw = String::new();
        for _ in 0..10_000 {
            raw.push_str("Content-Type: message/rfc822\n\n");
        }
        let limits = Limits {
            max_depth: usize::MAX,
            ..Limits::default()
        };
        let m = parse(raw.as_bytes(), &limits);
        assert!(cut(&m).contains(&"max_depth"), "{:?}", m.anomalies);
    }

    #[test]
    fn limit_parts() {
        let mut raw = String::from("Content-Type: multipart/mixed; boundary=b\n\n");
        for _ in 0..20 {
            raw.push_str("--b\n\nx\n");
        }
        let limits = Limits {
            max_parts: 7,
            ..Limits::default()
        };
        let m = parse(raw.as_bytes(), &limits);
        assert_eq!(m.parts.len(), 7);
        assert!(cut(&m).contains(&"max_parts"), "{:?}", m.anomalies);
    }

    #[test]
    fn limit_decoded_bytes_header_bytes_message_bytes() {
        let limits = Limits {
            max_decoded_bytes: 4,
            max_header_bytes: 20,
            max_message_bytes: 100,
            ..Limits::default()
        };
        let raw = format!(
            "Subject: {}\n\n0123456789{}",
            "s".repeat(50),
            "x".repeat(200)
        );
        let m = parse(raw.as_bytes(), &limits);
        assert_eq!(m.size, raw.len());
        assert_eq!(m.parts[0].body, b"0123");
        assert_eq!(m.subject.as_deref().map(str::len), Some(11));

        assert_eq!(
            cut(&m),
            ["max_message_bytes", "max_header_bytes", "max_decoded_bytes"]
        );
    }

    #[test]
    fn limit_uuencode_blocks() {
        let block = "begin 644 a\n#0V%T\n`\nend\n";
        let raw = format!("\n{}", block.repeat(10));
        let limits = Limits {
            max_uuencode_blocks: 3,
            ..Limits::default()
        };
        let m = parse(raw.as_bytes(), &limits);
        assert_eq!(ids(&m), ["1", "1.u1", "1.u2", "1.u3"]);
        assert!(
            cut(&m).contains(&"max_uuencode_blocks"),
            "{:?}",
            m.anomalies
        );
    }

    #[test]
    fn charset_decoding_of_text() {
        let m = parse(
            b"Content-Type: text/plain; charset=koi8-r\n\n\xf0\xd2\xc9\xd7\xc5\xd4",
            &Limits::default(),
        );
        assert_eq!(m.parts[0].text.as_deref(), Some("Привет"));
        let m = parse(b"\n\xe9t\xe9", &Limits::default());
        assert_eq!(m.parts[0].text.as_deref(), Some("été"));
    }

    #[test]
    fn hostile_inputs_do_not_panic() {
        for raw in [
            &b""[..],
            b"\n",
            b"\r",
            b":",
            b" x\n\n",
            b"Content-Type: multipart/mixed; boundary=\"\"\n\n--\n",
            b"Content-Type: multipart/mixed; boundary=a\n\n--a",
            b"Content-Type: multipart/mixed; boundary=a\n\n--a--",
            b"Content-Type: multipart/mixed; boundary=a\r\n\r\n--a\r",
            b"Content-Type: message/rfc822\n\n",
            b"Content-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n====",
            b"Content-Type: /\n\n",
            b"Content-Type: text/plain; charset=\"\xff\"\n\n\xff",
            b"Content-Transfer-Encoding: quoted-printable\n\n=\n=4\n=ZZ",
        ] {
            let _ = parse(raw, &Limits::default());
        }
    }
}
