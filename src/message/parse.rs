//! Raw message bytes to the flat list of [`Part`]s.
//!
//! Pure. The MIME structure is walked here rather than by
//! `mailparse::parse_mail`, which builds the whole tree eagerly, recurses
//! a hundred levels deep, fails on a lone CR in a header block, does not
//! descend into message/rfc822 and silently accepts missing boundaries. We
//! need every anomaly reported and every limit enforced before work is
//! done, so mailparse is used for what it does well: Content-Type
//! parameters (RFC 2231) and charsets; header fields are split, unfolded
//! and RFC 2047 decoded by `field`, the way mailparse reads them. Sources: RFC 5322 §2.2 and §3.6 (header fields), RFC 2045
//! (MIME headers, transfer encodings, default type), RFC 2046 §5.1
//! (multipart bodies), §5.2 (message/rfc822), RFC 6532 (message/global),
//! RFC 3501 §6.4.5 (IMAP part numbers).
//!
//! Cost: each nesting level scans its body once for its boundary (memchr),
//! so the work is bounded by the message size times the depth limit.

use std::borrow::Cow;

use bytes::Bytes;

use super::body::Probe;
use super::encoded_word::decode_lenient;
use super::filename::{NameFields, param_values, part_names, push_name, raw_candidates};
use super::magic::detect_probe;
use super::uuencode::{self, Found};
use super::{
    Anomaly, Body, Flowed, Limits, Message, Origin, Part, binhex, charsets, detect, smime,
    variants, yenc,
};

/// What a text part's Content-Type parameters say about reading it.
#[derive(Debug, Clone, Copy, Default)]
struct TextParams<'a> {
    /// The `charset` parameter.
    charset: Option<&'a str>,
    /// The other `charset` values readers take (`params`).
    others: &'a [String],
    /// RFC 3676 `format=flowed` (and `delsp=yes`).
    flowed: Option<Flowed>,
}

mod field;
mod header;
mod line_ends;
mod multipart;
mod params;
mod transfer;
mod types;

use header::{Field, Head};
use multipart::{Split, split_multipart};
use transfer::mechanism;
pub(crate) use transfer::{Base64, decode_base64, decode_text};
use types::{Reading, Typed, Untyped};

/// Nesting is capped here whatever the configuration says: the walk
/// recurses once per level (Thunderbird stops at 64 levels).
pub const HARD_MAX_DEPTH: usize = 128;

/// A base64 part of more encoded bytes than this (not text, not a
/// message) is not decoded at parse time: its [`Body`] stays a slice of
/// the raw message, decoded in chunks when read (bytes).
const STREAM_BYTES: usize = 1 << 20;

/// Header fields kept for the top-level header; later ones are read but not
/// kept.
const MAX_TOP_HEADERS: usize = 1000;

/// Header fields read per MIME part header (a part needs a handful).
const MAX_PART_HEADERS: usize = 200;

/// Boundary readings tried per multipart at most (each one scan of the
/// body); more is an unchecked limit finding.
const MAX_BOUNDARIES: usize = 8;

/// Transfer encodings that mean one uuencoded block (RFC 1341's
/// x-uuencode and the names mailers gave it since).
const UUENCODE: &[&str] = &["x-uuencode", "uuencode", "x-uue", "uue", "x-uu"];

/// Transfer encodings that mean one yEnc block.
const YENC: &[&str] = &["x-yencode", "x-yenc", "yenc", "yencode"];

/// Transfer encodings and types that mean one BinHex 4.0 block (RFC 1741).
const BINHEX: &[&str] = &[
    "x-binhex40",
    "x-binhex",
    "binhex40",
    "binhex",
    "x-mac-binhex40",
    "application/mac-binhex40",
    "application/mac-binhex",
    "application/binhex40",
    "application/x-binhex40",
    "application/x-mac-binhex40",
];

/// Types whose content is a CMS structure that may carry a signed MIME
/// entity (RFC 8551 §3.2; x- is RFC 2311's name).
const PKCS7: &[&str] = &["application/pkcs7-mime", "application/x-pkcs7-mime"];

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
    walker.message.raw_fields = head.fields.iter().map(|f| raw_field(shared, f)).collect();
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
    walker.entity(shared, &head, body, "1", "", 0, Untyped::TEXT);
    let mut message = walker.message;
    if let Some(at) = line_ends::bare_cr(raw) {
        line_ends::read_bare_cr_as_line_end(&mut message, raw, at, limits);
    }
    message
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
        untyped: Untyped,
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
        let Typed {
            mut declared,
            structure,
            others: mut other_types,
            digest_disagrees,
        } = self.read_types(&types, untyped, part_label);
        let reading = params::text_reading(&types, ctype.as_ref());
        if reading.cut {
            self.charsets_cut(part_label);
        }
        let text = TextParams {
            charset: reading.charset.as_deref(),
            others: &reading.others,
            flowed: reading.flowed,
        };
        let cte = encodings
            .first()
            .map(|f| mechanism(&f.value))
            .unwrap_or_default();
        let disposition_raw: Vec<&[u8]> = dispositions.iter().map(|f| f.raw_value()).collect();
        let type_raw: Vec<&[u8]> = types.iter().map(|f| f.raw_value()).collect();
        let plain_raw: Vec<&[u8]> = head
            .all("content-name")
            .chain(head.all("x-sun-data-name"))
            .map(|f| f.raw_value())
            .collect();
        let location_raw: Vec<&[u8]> = head
            .all("content-location")
            .map(|f| f.raw_value())
            .collect();
        let found = part_names(NameFields {
            dispositions: &disposition_raw,
            types: &type_raw,
            plain: &plain_raw,
            locations: &location_raw,
        });
        if let Some(what) = found.cut {
            self.limit("filename_parameters", format!("part {part_label}: {what}"));
        }
        let mut names = found.names;
        // message/external-body: the phantom body's own header names the
        // file the client fetches (RFC 2046 §5.2.3).
        if declared == "message/external-body" {
            let inner = self.header(body, part_label, MAX_PART_HEADERS);
            let d: Vec<&[u8]> = inner
                .all("content-disposition")
                .map(|f| f.raw_value())
                .collect();
            let t: Vec<&[u8]> = inner.all("content-type").map(|f| f.raw_value()).collect();
            let more = part_names(NameFields {
                dispositions: &d,
                types: &t,
                ..NameFields::default()
            });
            for n in more.names {
                push_name(&mut names, &n);
            }
        }
        types::name_types(&mut other_types, &declared, types.is_empty(), &names);
        let is_attachment = !names.is_empty()
            || dispositions.first().is_some_and(|f| {
                f.value
                    .trim_start()
                    .to_ascii_lowercase()
                    .starts_with("attachment")
            });

        if declared.starts_with("multipart/") {
            let boundaries = structure.map(boundaries).unwrap_or_default();
            match boundaries.first().cloned() {
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
                    // Every reading of the boundary (as written and
                    // decoded, blanks kept and trimmed, first and last of
                    // duplicates) and the boundary of every other
                    // Content-Type field (ClamAV's
                    // clam.mail-multiple-content-type): some reader takes
                    // each, so the parts of each are examined.
                    let mut all = boundaries.clone();
                    for other in &types {
                        for b in self::boundaries(other) {
                            if !all.contains(&b) {
                                all.push(b);
                            }
                        }
                    }
                    if all.len() > MAX_BOUNDARIES {
                        // The readings past the cap are not examined.
                        self.limit(
                            "boundary_readings",
                            format!(
                                "part {part_label}: more than {MAX_BOUNDARIES} boundary readings"
                            ),
                        );
                    }
                    let mut split = Split::default();
                    let mut children: Vec<&[u8]> = Vec::new();
                    for (n, b) in all.iter().take(MAX_BOUNDARIES).enumerate() {
                        let one = split_multipart(body, b.as_bytes());
                        if n == 0 || (one.found && !split.found) {
                            split.found |= one.found;
                            split.closed = one.closed;
                        }
                        for c in one.parts {
                            if !children.iter().any(|k| same_slice(k, c)) {
                                children.push(c);
                            }
                        }
                    }
                    if children.is_empty() && !split.found {
                        self.anomaly(Anomaly::Boundary {
                            part: part_label.into(),
                            detail: format!("boundary \"{}\" never occurs", clip(&boundary)),
                        });
                        // Best effort: the body is shown as text.
                        declared = "text/plain".into();
                    } else {
                        if split.found && !split.closed {
                            self.anomaly(Anomaly::Boundary {
                                part: part_label.into(),
                                detail: format!("closing boundary \"{}\" missing", clip(&boundary)),
                            });
                        }
                        let child_default = Untyped::children(digest, digest_disagrees);
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

        // A file named like a saved message (`fwd.eml`) is opened as one
        // by Outlook and Thunderbird whatever its declared type, and the
        // attachments inside are offered: it is read as one too when its
        // content begins like a message.
        let message_file = names.iter().any(|n| is_message_file_name(n));
        if cte == "base64"
            && body.len() > STREAM_BYTES
            && !declared.starts_with("text/")
            && !declared.starts_with("message/")
            && !PKCS7.contains(&declared.as_str())
            && !message_file
            && other_types.is_empty()
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
                text,
                Origin::Mime,
            );
            return;
        }

        let decoded = self.decode(body, &cte, part_label);

        let single_partial = declared == "message/partial"
            && structure.is_some_and(|f| {
                let one = |key: &str| {
                    param_values(f.raw_value(), key)
                        .first()
                        .is_some_and(|v| v.trim_ascii() == b"1")
                };
                one("number") && one("total")
            });
        // RFC 2046 §5.2: an encapsulated message; message/news (RFC 1036)
        // and a message/partial that is all of it (number=1, total=1) are
        // opened as one too, as Thunderbird opens them.
        let encapsulated = matches!(
            declared.as_str(),
            "message/rfc822" | "message/global" | "message/news"
        ) || single_partial
            || (message_file
                && !UUENCODE.contains(&cte.as_str())
                && !YENC.contains(&cte.as_str())
                && !BINHEX.contains(&cte.as_str())
                && looks_like_a_message(&decoded));
        if encapsulated {
            if !other_types.is_empty() {
                // Opened as a message already: the other readings that
                // are not messages.
                let content = shared(buf, decoded.clone());
                let fresh = matches!(decoded, Cow::Owned(_));
                let at = Reading::new(&content, fresh, id, depth, &names, is_attachment, text);
                self.other_types(&other_types, at, true);
            }
            self.encapsulated(
                buf,
                decoded,
                id,
                part_label,
                depth,
                &declared,
                names,
                is_attachment,
            );
            return;
        }

        // A part sent with a uuencode, yEnc or BinHex transfer encoding (or
        // typed BinHex) is one such block.
        let binhex_typed = BINHEX.contains(&declared.as_str()) || BINHEX.contains(&cte.as_str());
        if UUENCODE.contains(&cte.as_str()) || YENC.contains(&cte.as_str()) || binhex_typed {
            let mut budget = self.budget();
            let found = if UUENCODE.contains(&cte.as_str()) {
                uuencode::blocks(&decoded, 1, &mut budget)
            } else if YENC.contains(&cte.as_str()) {
                yenc::blocks(&decoded, 1, &mut budget)
            } else {
                binhex::blocks(&decoded, 1, &mut budget, true)
            };
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
                        detail: format!("{cte} body does not decode cleanly"),
                    });
                }
                let message_file = names.iter().any(|n| is_message_file_name(n))
                    && looks_like_a_message(&block.data);
                // A type that says nothing gives way to the name's, the
                // block's own included (`begin 644 note.txt`).
                let by_name = (types.is_empty()
                    || types::SAYS_NOTHING.contains(&declared.as_str()))
                    && names.iter().any(|n| types::type_of_name(n).is_some());
                let data = Bytes::from(block.data);
                let pushed = self.leaf(
                    id,
                    depth,
                    &declared,
                    names,
                    true,
                    data.clone().into(),
                    None,
                    text,
                    Origin::Mime,
                );
                if pushed && by_name && !self.block_as_text(id, depth, &data) {
                    return;
                }
                // A saved message sent uuencoded (`fwd.eml`): opened as
                // one, as the client that decodes it does.
                if pushed && message_file {
                    self.open(&data, id, depth, true);
                }
                return;
            }
        }

        // The other readings of a broken base64 or quoted-printable body.
        let mut others = match cte.as_str() {
            "base64" => variants::base64(body, &decoded, self.budget()),
            "quoted-printable" => variants::quoted_printable(body, &decoded),
            _ => Vec::new(),
        };
        if encodings.len() > 1
            && transfer::other_mechanisms(&encodings, &cte, body, &decoded, &mut others)
        {
            self.limit(
                "encoding_readings",
                format!(
                    "part {part_label}: more than {} readings of its transfer encoding",
                    variants::MAX_VARIANTS
                ),
            );
        }
        // S/MIME opaque signed data: the signed entity inside.
        let signed = if PKCS7.contains(&declared.as_str()) {
            let budget = self.budget();
            smime::signed_content(&decoded, budget.saturating_add(1)).map(|mut inner| {
                if inner.len() > budget {
                    inner.truncate(budget);
                    self.decoded_cut(id);
                }
                inner
            })
        } else {
            None
        };

        let is_text = declared.starts_with("text/");
        let fresh = matches!(decoded, Cow::Owned(_));
        let content = shared(buf, decoded);
        let pushed = self.leaf(
            id,
            depth,
            &declared,
            names.clone(),
            is_attachment,
            content.clone().into(),
            None,
            text,
            Origin::Mime,
        );
        if !pushed {
            return;
        }
        if is_text {
            self.embedded(id, depth);
        }
        for (n, other) in others.into_iter().enumerate() {
            let variant_id = format!("{id}.v{}", n + 1);
            if !self.leaf(
                &variant_id,
                depth,
                &declared,
                names.clone(),
                is_attachment,
                Bytes::from(other).into(),
                None,
                text,
                Origin::Variant,
            ) {
                return;
            }
            if is_text {
                self.embedded(&variant_id, depth);
            }
        }
        if !other_types.is_empty() {
            let at = Reading::new(&content, fresh, id, depth, &names, is_attachment, text);
            self.other_types(&other_types, at, false);
        }
        if let Some(inner) = signed {
            // Counted against the decoded budget like a transfer-encoded
            // message: nesting cannot multiply memory.
            self.decoded += inner.len();
            let inner_buf = Bytes::from(inner);
            self.open(&inner_buf, id, depth, true);
        }
    }

    /// An encapsulated message (`declared` message/rfc822 and its kin):
    /// a named one is a part of its own, then its own entity is walked.
    #[allow(clippy::too_many_arguments)]
    fn encapsulated(
        &mut self,
        buf: &Bytes,
        decoded: Cow<'_, [u8]>,
        id: &str,
        part_label: &str,
        depth: usize,
        declared: &str,
        names: Vec<String>,
        is_attachment: bool,
    ) {
        if depth >= self.max_depth {
            self.limit(
                "max_depth",
                format!("part {part_label}: nesting deeper than {}", self.max_depth),
            );
            return;
        }
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
        let fresh = matches!(decoded, Cow::Owned(_));
        let inner_buf = shared(buf, decoded);
        // A named message attachment is a part of its own too: its name
        // ("invoice.eml", "x.exe") is what the filename rules look at.
        if !names.is_empty() {
            self.leaf(
                id,
                depth,
                declared,
                names,
                is_attachment,
                inner_buf.clone().into(),
                None,
                TextParams::default(),
                Origin::Mime,
            );
        }
        self.open(&inner_buf, id, depth, fresh);
    }

    /// Walks the entity held in `inner` (a message, or the content of a
    /// signed S/MIME part) as the child of part `id`: its root is
    /// `id.1`. `fresh` says `inner` is content decoded here (base64, a CMS
    /// structure, a uuencoded block), not a slice of the bytes its parent
    /// was read from: only then can it hold bare CRs that the parent's
    /// own second reading did not already read as line ends.
    fn open(&mut self, inner: &Bytes, id: &str, depth: usize, fresh: bool) {
        if depth >= self.max_depth {
            self.limit(
                "max_depth",
                format!("part {id}: nesting deeper than {}", self.max_depth),
            );
            return;
        }
        let head = self.header(inner, id, MAX_PART_HEADERS);
        self.attached_subjects(inner, &head, id);
        let body = inner.get(head.body_start..).unwrap_or(b"");
        let root_id = join(id, 1);
        self.entity(inner, &head, body, &root_id, id, depth + 1, Untyped::TEXT);
        // Decoded content (a base64 message, a signed S/MIME entity) may
        // end its lines with bare CRs that the message as sent did not
        // show: its second reading too.
        if let Some(at) = line_ends::bare_cr(inner).filter(|_| fresh) {
            self.open_with_line_ends(inner, at, id, depth);
        }
    }

    /// Keeps the `Subject:` fields of the attached message whose header
    /// is `head` (read from `inner`), held by part `id`
    /// ([`Message::attached`]). Kept out of `open` so that the
    /// recursion's stack frames stay small.
    #[inline(never)]
    fn attached_subjects(&mut self, inner: &Bytes, head: &header::Head<'_>, id: &str) {
        let subjects: Vec<&header::Field<'_>> = head.all("subject").collect();
        if subjects.is_empty() {
            return;
        }
        if self.message.attached.len() >= crate::message::MAX_ATTACHED {
            self.limit(
                "attached_subjects",
                format!(
                    "part {id}: more than {} attached messages with a subject",
                    crate::message::MAX_ATTACHED
                ),
            );
            return;
        }
        let raw_fields = subjects.iter().map(|f| raw_field(inner, f)).collect();
        self.message.attached.push(crate::message::AttachedHeader {
            part: id.to_string(),
            fields: subjects
                .iter()
                .map(|f| (f.name.clone(), f.value.clone()))
                .collect(),
            raw_fields,
        });
    }

    /// [`Walker::open`]'s second reading of `inner`, with an LF after
    /// every bare CR (the first at `at`), as `idcr.1...`; the copy counts
    /// against the decoded budget. Kept out of `open` so that the
    /// recursion's stack frames stay small.
    #[inline(never)]
    fn open_with_line_ends(&mut self, inner: &[u8], at: usize, id: &str, depth: usize) {
        let copy = line_ends::with_line_ends(inner, at);
        if copy.len() > self.budget() {
            self.decoded_cut(id);
            return;
        }
        self.decoded += copy.len();
        self.anomaly(Anomaly::Header {
            part: id.into(),
            detail: "bare CR line ends: also read as line ends, as Thunderbird and Python do"
                .into(),
        });
        let copy = Bytes::from(copy);
        let cr_id = format!("{id}cr");
        let head = self.header(&copy, &cr_id, MAX_PART_HEADERS);
        let body = copy.get(head.body_start..).unwrap_or(b"");
        self.entity(
            &copy,
            &head,
            body,
            &join(&cr_id, 1),
            &cr_id,
            depth + 1,
            Untyped::TEXT,
        );
    }

    /// Blocks inside the text part just pushed: uuencoded ones become
    /// parts `id.u1`, `id.u2`..., yEnc ones `id.y1`..., BinHex ones
    /// `id.b1`...
    fn embedded(&mut self, id: &str, depth: usize) {
        let max = self.limits.max_uuencode_blocks;
        // A shared buffer: cloning the body copies no content.
        let Some(body) = self.message.parts.last().map(|p| p.body.clone()) else {
            return;
        };
        let text = body.bytes();
        type Reader = fn(&[u8], usize, &mut usize) -> Found;
        let readers: [(Reader, &str, Origin, &str); 3] = [
            (uuencode::blocks, "u", Origin::Uuencode, "uuencoded"),
            (yenc::blocks, "y", Origin::Yenc, "yEnc"),
            (
                |t, m, b| binhex::blocks(t, m, b, false),
                "b",
                Origin::Binhex,
                "BinHex",
            ),
        ];
        for (read, suffix, origin, what) in readers {
            let mut budget = self.budget();
            let found = read(&text, max, &mut budget);
            if found.budget_cut {
                self.decoded_cut(id);
            }
            if found.blocks_cut {
                self.limit(
                    "max_uuencode_blocks",
                    format!("part {id}: more than {max} {what} blocks"),
                );
            }
            for (n, block) in found.blocks.into_iter().enumerate() {
                let block_id = format!("{id}.{suffix}{}", n + 1);
                if !block.clean {
                    self.anomaly(Anomaly::Encoding {
                        part: block_id.clone(),
                        detail: format!("{what} block without its end or with bad lines"),
                    });
                }
                let mut names = Vec::new();
                for n in raw_candidates(&block.name) {
                    push_name(&mut names, &n);
                }
                // A saved message in the block (`begin 644 fwd.eml`): the
                // client that decodes the block offers it, and opening it
                // shows the attachments inside.
                let message_file = names.iter().any(|n| is_message_file_name(n))
                    && looks_like_a_message(&block.data);
                let data = Bytes::from(block.data);
                let text_names = names.iter().any(|n| types::type_of_name(n).is_some());
                if !self.leaf(
                    &block_id,
                    depth,
                    "application/octet-stream",
                    names,
                    true,
                    data.clone().into(),
                    None,
                    TextParams::default(),
                    origin,
                ) {
                    return;
                }
                if text_names && !self.block_as_text(&block_id, depth, &data) {
                    return;
                }
                if message_file {
                    self.open(&data, &block_id, depth, true);
                }
            }
        }
    }

    /// The block just pushed as part `block_id`, named like a text or
    /// HTML file (`note.txt`, `page.htm`), read under that type too, as
    /// part `block_id.t1`: Thunderbird's libmime (`mimeunty.cpp`) types a
    /// uuencoded, yEnc or BinHex block by its file name and shows a text
    /// or HTML one inline, so the body rules read it. Its blocks are not
    /// looked for again. Returns false when the part list is full.
    #[inline(never)]
    fn block_as_text(&mut self, block_id: &str, depth: usize, data: &Bytes) -> bool {
        let names = self
            .message
            .parts
            .last()
            .map(|p| p.names.clone())
            .unwrap_or_default();
        let mut readings = Vec::new();
        types::name_types(&mut readings, types::SAYS_NOTHING[0], false, &names);
        for (n, t) in readings.iter().enumerate() {
            if !self.leaf(
                &format!("{block_id}.t{}", n + 1),
                depth,
                t,
                names.clone(),
                true,
                data.clone().into(),
                None,
                TextParams::default(),
                Origin::Variant,
            ) {
                return false;
            }
        }
        true
    }

    /// Records that part `id` names more charsets than its text is
    /// decoded under (kept out of the recursive entity reader).
    #[inline(never)]
    fn charsets_cut(&mut self, id: &str) {
        self.limit(
            "charset_readings",
            format!(
                "part {id}: more than {} charset readings of its Content-Type",
                charsets::MAX_DECODERS
            ),
        );
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
        text: TextParams<'_>,
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
            charset: text.charset.map(str::to_owned),
            charsets: text.others.to_vec(),
            flowed: text.flowed,
            detected_type,
            origin,
        });
        true
    }
}

/// Every reading of a Content-Type field's `boundary` parameter, first
/// the one most readers take, each once: every duplicate as written
/// (blanks inside quotes kept) and trimmed, RFC 2047-decoded, and
/// mailparse's reading (encoded words decoded over the whole field). An
/// unterminated quote (`boundary="abc` to the end of the line) is read
/// without it, as clients do.
fn boundaries(field: &Field<'_>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    // An empty boundary counts too (`boundary=""`): RFC 2046 wants one
    // character at least, but Thunderbird's libmime and Python's email
    // package then split at every `--` line and close at `----`.
    let mut add = |b: &str| {
        let b = b.trim_end_matches(['\r', '\n']);
        if !out.iter().any(|o| o == b) {
            out.push(b.to_owned());
        }
    };
    let parsed = mailparse::parse_content_type(&field.value);
    if let Some(b) = parsed.params.get("boundary") {
        add(b.trim().trim_matches('"'));
    }
    for raw in param_values(field.raw_value(), "boundary") {
        let b = String::from_utf8_lossy(&raw);
        add(&b);
        add(b.trim());
        if let Some(decoded) = decode_lenient(&b) {
            add(&decoded);
            add(decoded.trim());
        }
    }
    if let Some(b) = parsed.params.get("boundary") {
        add(b);
    }
    out
}

/// A raw header field unfolded and RFC 2047-decoded, as the parser reads
/// every field; `None` when `raw_field` is no field (empty, or starting
/// with a space).
pub(crate) fn decoded_field_value(raw_field: &[u8]) -> Option<String> {
    field::split(raw_field).map(|(_, value)| field::value(value))
}

/// A raw header field's value (what follows the colon) unfolded, encoded
/// words left as written.
pub(crate) fn unfolded_value(raw_field: &[u8]) -> String {
    field::split(raw_field)
        .map(|(_, value)| field::unfolded(value))
        .unwrap_or_default()
}

/// A raw header field's value unfolded as bytes (encoded words left as
/// written, 8-bit bytes as sent); empty when `raw_field` is no field.
pub(crate) fn unfolded_bytes(raw_field: &[u8]) -> Vec<u8> {
    field::split(raw_field)
        .map(|(_, value)| field::unfolded_bytes(value))
        .unwrap_or_default()
}

/// The strict reading of a folded field ([`decoded_field_value`]) with
/// its lines joined first: an encoded word folded in its middle
/// (`=?utf-8?q?wire` CRLF ` tr=61nsfer?=`) then stands on one line and
/// decodes, as it does for readers that unfold the whole field before
/// they look for words (Thunderbird's jsmime). The strict reading looks
/// for words line by line and leaves such a word as written. `None` for
/// a field on one line or without encoded words.
pub(crate) fn decoded_one_line(raw_field: &[u8]) -> Option<String> {
    let (_, value) = field::split(raw_field)?;
    if memchr::memchr(b'\n', value).is_none() || memchr::memmem::find(value, b"=?").is_none() {
        return None;
    }
    Some(field::value(field::unfolded(value).as_bytes()))
}

/// The field `f` as written, a slice of `buf` (the bytes its header was
/// read from: no copy); empty if it lies outside them.
fn raw_field(buf: &Bytes, f: &header::Field<'_>) -> Bytes {
    let span = f.offset..f.offset + f.raw.len();
    match buf.get(span.clone()) {
        Some(_) => buf.slice(span),
        None => Bytes::new(),
    }
}

/// Whether `name` ends like a saved message that mail clients open as
/// one: `.eml` (Outlook, Thunderbird, Apple Mail), `.mht`/`.mhtml` (MIME
/// web archives). Case ignored, trailing dots and blanks too.
fn is_message_file_name(name: &str) -> bool {
    let name = name.trim_end_matches(['.', ' ']).to_ascii_lowercase();
    [".eml", ".mht", ".mhtml"].iter().any(|e| name.ends_with(e))
}

/// Whether `content` begins like a message: a header field (a name RFC
/// 5322 allows, then a colon) among its first lines before an empty one (lines that are no field are read past,
/// as Thunderbird reads a header; a mbox `From ` line is one of them).
fn looks_like_a_message(content: &[u8]) -> bool {
    let mut pos = 0;
    for _ in 0..64 {
        let end = header::next_line(content, pos);
        let line = header::trim_eol(content.get(pos..end).unwrap_or_default());
        if line.is_empty() {
            return false;
        }
        if header::field_start(line) == Some(header::FieldName::Plain) {
            return true;
        }
        pos = end;
    }
    false
}

/// True when `a` and `b` are the same bytes of the same buffer.
fn same_slice(a: &[u8], b: &[u8]) -> bool {
    a.as_ptr() == b.as_ptr() && a.len() == b.len()
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
