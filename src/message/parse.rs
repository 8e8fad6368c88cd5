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

use bytes::Bytes;

use super::body::Probe;
use super::filename::{part_names, push_name, raw_candidates};
use super::magic::detect_probe;
use super::uuencode;
use super::{Anomaly, Body, Limits, Message, Origin, Part, detect};

mod header;
mod multipart;
mod transfer;

use header::{Field, Head};
use multipart::split_multipart;
pub(crate) use transfer::{Base64, decode_base64, decode_text};

/// Nesting is capped here whatever the configuration says: the walk
/// recurses once per level.
const HARD_MAX_DEPTH: usize = 200;

/// A base64 part of more encoded bytes than this (not text, not a
/// message) is not decoded at parse time: its [`Body`] stays a slice of
/// the raw message, decoded in chunks when read (bytes).
const STREAM_BYTES: usize = 1 << 20;

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
/// Copies `raw` once; [`parse_shared`] does not.
pub fn parse(raw: &[u8], limits: &Limits) -> Message {
    parse_shared(&Bytes::copy_from_slice(raw), limits)
}

/// [`parse`] on a shared buffer: the body of every part sent without a
/// transfer encoding is a slice of `raw` (no copy), so that a message of
/// N bytes costs N, not 2N.
pub fn parse_shared(raw: &Bytes, limits: &Limits) -> Message {
    let shared = raw;
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
                    "message of more than {} bytes, only the first {} examined",
                    limits.max_message_bytes, limits.max_message_bytes
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
    walker.entity(shared, &head, body, "1", "", 0, "text/plain");
    walker.message
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

    /// Records that `limit` was reached, once per limit. Never dropped by
    /// the cap on anomalies: a limit reached is what makes the message
    /// `unchecked`, so a thousand lesser flaws before it cannot hide it.
    fn limit(&mut self, limit: &'static str, detail: String) {
        if !self.cut.contains(&limit) {
            self.cut.push(limit);
            self.message.anomalies.push(Anomaly::LimitExceeded {
                limit: limit.into(),
                detail,
            });
        }
    }

    /// One MIME entity: its header `head`, its `body`. `id` is its own part
    /// number, `prefix` the one its children extend (RFC 3501 §6.4.5: a
    /// multipart's children are `prefix.N`; the top level has an empty
    /// prefix).
    #[allow(clippy::too_many_arguments)]
    fn entity(
        &mut self,
        buf: &Bytes,
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
                    detail: format!("unparsable Content-Type \"{}\"", clip(&ct.mimetype)),
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
        let (names, names_cut) = part_names(&disposition_raw, &type_raw);
        if let Some(what) = names_cut {
            self.limit("filename_parameters", format!("part {part_label}: {what}"));
        }
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
                            detail: format!("boundary \"{}\" never occurs", clip(boundary)),
                        });
                        // Best effort: the body is shown as text.
                        declared = "text/plain".into();
                    } else {
                        if split.found && !split.closed {
                            self.anomaly(Anomaly::Boundary {
                                part: part_label.into(),
                                detail: format!("closing boundary \"{}\" missing", clip(boundary)),
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
                                buf,
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

        if cte == "base64"
            && body.len() > STREAM_BYTES
            && !declared.starts_with("text/")
            && !declared.starts_with("message/")
        {
            let encoded = shared(buf, Cow::Borrowed(body));
            let probe = self.probe_base64(&encoded, part_label);
            let body = Body::base64(encoded, probe.len);
            self.leaf(
                id,
                depth,
                &declared,
                names,
                is_attachment,
                body,
                Some(&probe),
                charset.as_deref(),
                Origin::Mime,
            );
            return;
        }

        let decoded = self.decode(body, &cte, part_label);

        if (declared == "message/rfc822" || declared == "message/global") && depth < self.max_depth
        {
            // A transfer-encoded message (not allowed by RFC 2046 §5.2.1,
            // but sent) is a decoded copy at each level: it counts against
            // the decoded budget so that nesting cannot multiply memory.
            if let Cow::Owned(copy) = &decoded {
                if copy.len() > self.budget() {
                    self.decoded_cut(id);
                    return;
                }
                self.decoded += copy.len();
            }
            let inner_buf = shared(buf, decoded);
            // A named message attachment is a part of its own too: its name
            // ("invoice.eml", "x.exe") is what the filename rules look at.
            if !names.is_empty() {
                self.leaf(
                    id,
                    depth,
                    &declared,
                    names.clone(),
                    is_attachment,
                    inner_buf.clone().into(),
                    None,
                    None,
                    Origin::Mime,
                );
            }
            let inner = self.header(&inner_buf, id, MAX_PART_HEADERS);
            let inner_body = inner_buf.get(inner.body_start..).unwrap_or(b"");
            let root_id = join(id, 1);
            self.entity(
                &inner_buf,
                &inner,
                inner_body,
                &root_id,
                id,
                depth + 1,
                "text/plain",
            );
            return;
        }
        // Only the two encapsulating types nest; message/rfc822-headers
        // (every delivery status notification) and message/global-headers
        // are text.
        if declared == "message/rfc822" || declared == "message/global" {
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
            if found.budget_cut {
                self.decoded_cut(id);
            }
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
                    Bytes::from(block.data).into(),
                    None,
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
            shared(buf, decoded).into(),
            None,
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
        let found = uuencode::blocks(&text_part.body.bytes(), max, &mut budget);
        if found.blocks_cut {
            self.limit(
                "max_uuencode_blocks",
                format!("part {id}: more than {max} uuencoded blocks"),
            );
        }
        if found.budget_cut {
            self.decoded_cut(id);
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
                Bytes::from(block.data).into(),
                None,
                None,
                Origin::Uuencode,
            ) {
                break;
            }
        }
    }

    /// Records that part `id` met the decoded-bytes budget.
    fn decoded_cut(&mut self, id: &str) {
        let max = self.limits.max_decoded_bytes;
        self.limit(
            "max_decoded_bytes",
            format!("part {id}: more than {max} decoded bytes in all"),
        );
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

    /// Adds a leaf part, cutting its content at the decoded-bytes budget.
    /// `probe` is what [`Walker::probe_base64`] read of a streamed body
    /// (its magic bytes), `None` for a body in memory. Returns false when
    /// the part list is full.
    #[allow(clippy::too_many_arguments)]
    fn leaf(
        &mut self,
        id: &str,
        depth: usize,
        declared: &str,
        names: Vec<String>,
        attachment: bool,
        body: Body,
        probe: Option<&Probe>,
        charset: Option<&str>,
        origin: Origin,
    ) -> bool {
        if self.parts_full() {
            return false;
        }
        let budget = self.budget();
        let body = if body.len() > budget {
            self.decoded_cut(id);
            body.truncate(budget)
        } else {
            body
        };
        self.decoded += body.len();
        let detected_type = match probe {
            Some(p) => detect_probe(&p.head, body.len(), &p.tail),
            None => detect(&body.bytes()),
        };
        self.message.parts.push(Part {
            id: id.to_owned(),
            depth,
            declared_type: declared.to_owned(),
            names,
            attachment,
            body,
            charset: charset.map(str::to_owned),
            detected_type,
            origin,
        });
        true
    }
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

/// `content` as a [`Bytes`]: a slice of `buf` when it lies inside it (no
/// copy), else its own buffer (a decoded copy is moved, not copied).
fn shared(buf: &Bytes, content: Cow<'_, [u8]>) -> Bytes {
    match content {
        Cow::Owned(v) => Bytes::from(v),
        Cow::Borrowed(s) => {
            // Address arithmetic only, to find the offset; no pointer is
            // dereferenced.
            let base = buf.as_ptr() as usize;
            let at = s.as_ptr() as usize;
            match at.checked_sub(base) {
                Some(start) if start.saturating_add(s.len()) <= buf.len() => {
                    buf.slice(start..start + s.len())
                }
                _ => Bytes::copy_from_slice(s),
            }
        }
    }
}

/// At most 80 characters of attacker text for an anomaly's detail.
fn clip(s: &str) -> String {
    s.chars().take(80).collect()
}

#[cfg(test)]
mod tests;
