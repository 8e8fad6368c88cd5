//! The message model: a raw RFC 5322 message turned into a flat list of
//! [`Part`]s, each with its declared type, every plausible filename, the
//! decoded content and the type detected from its magic bytes.
//!
//! Pure: takes bytes and limits, returns a [`Message`]; no I/O. Parsing never
//! fails: broken structure is recorded as an [`Anomaly`] and parsing goes on
//! best effort (as mail-parser does). Everything is bounded by [`Limits`].

mod binhex;
mod body;
mod charsets;
mod display_order;
mod encoded_word;
mod filename;
mod html;
mod legacy_cjk;
mod magic;
mod parse;
mod readings;
mod smime;
mod uuencode;
mod variants;
mod windows;
mod yenc;

pub use body::{Body, BodyReader};
pub use filename::suspicious_chars;
pub use html::{Rendered, render as render_html, render_outlook};
pub use magic::{detect, is_executable_type};
pub use parse::{HARD_MAX_DEPTH, parse, parse_shared};
pub use readings::{calendar_text, enriched_text, is_html, text_readings, unflow, visible};
pub use windows::normalise_windows_name;

use std::borrow::Cow;

use bytes::Bytes;
use serde::{Deserialize, Serialize};

/// Caps on the work done for one message (`[limits]` of the main file).
/// Exceeding one is an [`Anomaly::LimitExceeded`], never a crash; the rules
/// turn every such anomaly into an `unchecked` finding, whatever the profile
/// (`crate::rules::evaluate`), so that an attacker who pushes content
/// behind a cap gains nothing by it.
///
/// The defaults leave a wide margin over real mail: over 2,718 messages of
/// real and malformed mail (parser test suites, a phishing collection, the
/// MIME torture test) the deepest part sits at depth 6 and the longest
/// header field has 135,527 bytes (a recipient list).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Bytes of the message read from stdin (bytes). Default 64 MiB.
    pub max_message_bytes: usize,
    /// Bytes of one header field, unfolded (bytes). Default 256 KiB.
    pub max_header_bytes: usize,
    /// MIME nesting depth (multiparts and message/rfc822). Default 50;
    /// the parser never walks deeper than 200 whatever this says.
    pub max_depth: usize,
    /// Parts in the flat list, uuencoded blocks included. Default 1000.
    pub max_parts: usize,
    /// Decoded bytes over all parts (bytes). Default 128 MiB.
    pub max_decoded_bytes: usize,
    /// uuencoded blocks decoded per text part. Default 50.
    pub max_uuencode_blocks: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_message_bytes: 64 << 20,
            max_header_bytes: 256 << 10,
            max_depth: 50,
            max_parts: 1000,
            max_decoded_bytes: 128 << 20,
            max_uuencode_blocks: 50,
        }
    }
}

/// A parsed message.
#[derive(Debug, Clone, Default)]
pub struct Message {
    /// The top-level header fields in order: (name as written, value
    /// unfolded and RFC 2047 decoded, lossily to UTF-8). Bounded by
    /// [`Limits::max_header_bytes`] per field.
    pub headers: Vec<(String, String)>,
    /// The top-level header fields as written (folded, capped like
    /// `headers`), one per entry of `headers`: slices of the message, for
    /// [`Message::header_readings`].
    pub raw_fields: Vec<Bytes>,
    /// The top-level `Subject:`, unfolded and RFC 2047 decoded; `None` when
    /// absent.
    pub subject: Option<String>,
    /// Every leaf part in document order (multipart containers are not
    /// listed; a message/rfc822 part's own leaves are, and so is the
    /// message/rfc822 part itself when it carries a filename, so that the
    /// filename rules see `fwd.eml` or `invoice.exe` whatever its content;
    /// its body is then the encapsulated message). uuencoded blocks follow
    /// the text part that holds them. A message without MIME structure has
    /// exactly one part: its body.
    pub parts: Vec<Part>,
    /// What was broken or cut, in the order found.
    pub anomalies: Vec<Anomaly>,
    /// Size of the raw message in bytes (as read, before any cap).
    pub size: usize,
    /// The `Subject:` fields of every attached message, in document
    /// order, at most [`MAX_ATTACHED`] messages (for
    /// [`Message::attached_subject_readings`]).
    pub attached: Vec<AttachedHeader>,
}

/// The most attached messages whose `Subject:` fields are kept: a safety
/// bound only, as each attached message is at least one part and
/// [`Limits::max_parts`] (default 1,000) makes more parts `unchecked`
/// first.
pub const MAX_ATTACHED: usize = 10_000;

/// The `Subject:` fields of a message attached to this one
/// (message/rfc822 and its kin, a saved `.eml` read as one, at any
/// depth): a client shows them when it draws the attached message inline
/// (Thunderbird's header table), and Outlook names the attachment by its
/// subject.
#[derive(Debug, Clone, Default)]
pub struct AttachedHeader {
    /// The id of the part holding the attached message (`2`).
    pub part: String,
    /// Its `Subject:` fields, as in [`Message::headers`] (a part's header
    /// is read to 200 fields).
    pub fields: Vec<(String, String)>,
    /// The same fields as written, as in [`Message::raw_fields`].
    pub raw_fields: Vec<Bytes>,
}

impl Message {
    /// The value of the first top-level header called `name`
    /// (case-insensitive), if any.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Where a part came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// A MIME leaf part (or the body of a non-MIME message).
    Mime,
    /// A `begin NNN name` ... `end` block found inside a text part, decoded
    /// as qmail-scanner did.
    Uuencode,
    /// A `=ybegin` ... `=yend` block found inside a text part (yEnc 1.3).
    Yenc,
    /// A BinHex 4.0 block found inside a text part (RFC 1741).
    Binhex,
    /// Another reading of the part before it in the list (same number
    /// with `.vN`): its broken base64 or quoted-printable decoded the way
    /// other clients or engines decode it, where that gives other bytes.
    Variant,
    /// A member of an archive or disc image inside an attachment, or an
    /// attachment inside TNEF (`crate::container::expand`); never in
    /// [`Message::parts`].
    Member,
}

/// A text part sent as RFC 3676 `format=flowed`: a line that ends in a
/// space goes on in the next line, and a client shows the two as one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flowed {
    /// `format=flowed`: the space stays (`wire the \nmoney` is
    /// `wire the money`).
    Flowed,
    /// `format=flowed; delsp=yes`: the space goes too (`wi \nre` is
    /// `wire`).
    DelSp,
    /// Readers disagree on `delsp=yes` (two values, an RFC 2231 one):
    /// both joins count.
    Both,
}

/// One leaf part of the message.
#[derive(Debug, Clone)]
pub struct Part {
    /// MIME part number in IMAP style (`1`, `2.1`, ...); a uuencoded block
    /// inside part `1` is `1.u1`, a yEnc block `1.y1`, a BinHex block
    /// `1.b1`, another reading of part `2`'s content is `2.v1`, a reading
    /// under another type `2.t1`. The top-level non-MIME body is `1`.
    pub id: String,
    /// Nesting depth: 0 for the top level.
    pub depth: usize,
    /// Declared `type/subtype`, lower case, without parameters
    /// (`text/plain` when absent, as RFC 2045 §5.2 says; a uuencoded block
    /// gets `application/octet-stream`).
    pub declared_type: String,
    /// Every plausible filename, decoded, in order of preference, without
    /// duplicates: Content-Disposition `filename` (RFC 2231, continuations,
    /// charsets), Content-Type `name`, `Content-Name:`, `X-Sun-Data-Name:`,
    /// the last segment of `Content-Location:`, RFC 2047 encoded words,
    /// raw 8-bit bytes as UTF-8 and as Latin-1, every reading of an
    /// ambiguous parameter, the uuencode `begin`, yEnc and BinHex names,
    /// and Windows' views of each (NTFS streams, CLSID extensions, long
    /// names cut). At most 64. Empty when the part has no name.
    pub names: Vec<String>,
    /// True when `Content-Disposition: attachment` or a name is present.
    pub attachment: bool,
    /// The content with the transfer encoding removed (base64,
    /// quoted-printable, uuencode), capped by [`Limits::max_decoded_bytes`].
    /// A part sent without a transfer encoding shares the raw message's
    /// buffer (no copy: see [`parse_shared`]); a large base64 attachment
    /// (not text, not a message) stays encoded in that buffer and is
    /// decoded each time it is read ([`Body::reader`]).
    pub body: Body,
    /// The declared `charset` parameter, if any (for [`Part::text`]).
    pub charset: Option<String>,
    /// The other `charset` values readers take from the Content-Type
    /// parameters (Thunderbird's first of two, an RFC 2231 value, a value
    /// ended at a blank...), lower case, each once, at most 3: the body
    /// rules decode the text under each too ([`Part::other_texts`]).
    pub charsets: Vec<String>,
    /// RFC 3676 `format=flowed` on a text part: its soft line breaks are
    /// joined by clients (see [`text_readings`]).
    pub flowed: Option<Flowed>,
    /// The MIME type detected from the content's magic bytes
    /// (see [`detect`]), `None` when nothing was recognised.
    pub detected_type: Option<&'static str>,
    /// Where the part came from.
    pub origin: Origin,
}

impl Part {
    /// For `text/*` parts: the first `max_bytes` bytes of the body decoded
    /// from its charset (lossy UTF-8; without a charset, or with one
    /// nobody knows, UTF-8 when valid, else Windows-1252), and whether the
    /// body was longer (the rest not decoded). `None` for other types.
    /// Decoded on demand, so that a large text costs memory only while a
    /// body rule looks at it.
    pub fn text(&self, max_bytes: usize) -> Option<(Cow<'_, str>, bool)> {
        let (body, end, cut) = self.text_head(max_bytes)?;
        let text = match body {
            Cow::Borrowed(b) => {
                parse::decode_text(b.get(..end).unwrap_or(b), self.charset.as_deref())
            }
            Cow::Owned(b) => {
                let t = parse::decode_text(b.get(..end).unwrap_or(&b), self.charset.as_deref());
                Cow::Owned(t.into_owned())
            }
        };
        Some((text, cut))
    }

    /// The same first `max_bytes` bytes of a `text/*` part decoded as a
    /// client may decode them instead of [`Part::text`]'s way: under
    /// Thunderbird's alias of the label and under the other charsets
    /// readers take from the parameters ([`Part::charsets`]), by a byte
    /// order mark, as ISO-2022-JP when ESC occurs and no label says
    /// ISO-2022, and for an HTML part (`html`) by its `<meta>` charset;
    /// only those that differ from [`Part::text`]'s decoder, usually
    /// none (see `charsets::other_decodings`). Empty for other types.
    pub fn other_texts(&self, max_bytes: usize, html: bool) -> Vec<String> {
        match self.text_head(max_bytes) {
            Some((body, end, _)) => charsets::other_decodings(
                body.get(..end).unwrap_or(&body),
                self.charset.as_deref(),
                &self.charsets,
                html,
            ),
            None => Vec::new(),
        }
    }

    /// The head of a `text/*` part's body that [`Part::text`] decodes:
    /// the bytes, where to end them (`max_bytes`, moved back off the
    /// middle of a UTF-8 sequence) and whether the body was longer.
    fn text_head(&self, max_bytes: usize) -> Option<(Cow<'_, [u8]>, usize, bool)> {
        if !self.declared_type.starts_with("text/") {
            return None;
        }
        let body = self.body.head(max_bytes.saturating_add(1));
        let cut = body.len() > max_bytes;
        let mut end = max_bytes.min(body.len());
        // Not in the middle of a UTF-8 sequence (at most 3 bytes back).
        if cut {
            let back = (0..4)
                .find(|&n| end >= n && body.get(end - n).is_some_and(|b| (b & 0xC0) != 0x80))
                .unwrap_or(0);
            end -= back;
        }
        Some((body, end, cut))
    }
}

/// Something broken, odd or cut in the message. Never fatal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Anomaly {
    /// A multipart without a boundary parameter, or whose boundary never
    /// occurs, or whose closing boundary is missing.
    Boundary {
        /// The part concerned.
        part: String,
        /// What was wrong, one line.
        detail: String,
    },
    /// A transfer encoding that did not decode cleanly (bad base64...).
    Encoding {
        /// The part concerned.
        part: String,
        /// What was wrong, one line.
        detail: String,
    },
    /// A header that occurs twice where RFC 5322/2045 allows it once
    /// (Content-Type, Content-Transfer-Encoding, Subject, From...), or that
    /// could not be parsed.
    Header {
        /// The part concerned (`0` for the top-level header).
        part: String,
        /// What was wrong, one line.
        detail: String,
    },
    /// A limit of [`Limits`] was reached; content beyond it was not examined.
    LimitExceeded {
        /// Which limit (`max_depth`, `max_parts`, ...).
        limit: String,
        /// One line.
        detail: String,
    },
}

impl Anomaly {
    /// One line describing the anomaly, for findings, logs and reports.
    pub fn describe(&self) -> String {
        match self {
            Anomaly::Boundary { part, detail } => {
                format!("part {part}: broken MIME boundary: {detail}")
            }
            Anomaly::Encoding { part, detail } => {
                format!("part {part}: bad transfer encoding: {detail}")
            }
            Anomaly::Header { part, detail } => format!("part {part}: bad header: {detail}"),
            Anomaly::LimitExceeded { limit, detail } => format!("limit {limit} exceeded: {detail}"),
        }
    }
}
