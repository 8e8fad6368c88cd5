//! Bare CR line ends: a second reading of a message in which every CR
//! not followed by LF ends a line.
//!
//! qmvc's parser (like mail-parser) ends lines at LF only; Thunderbird's
//! line buffer (`mime_LineBuffer`: CRLF, CR or LF) and Python's email
//! parser end them at a bare CR too, and qmail passes bare CRs through.
//! So a message with one is parsed once more from a copy with an LF after
//! each bare CR, and what that reading adds counts.

use bytes::Bytes;

use super::{Anomaly, Limits, Message, parse_shared};

/// Where the first CR not followed by LF is in `raw`, if any.
pub(super) fn bare_cr(raw: &[u8]) -> Option<usize> {
    memchr::memchr_iter(b'\r', raw).find(|&at| raw.get(at + 1) != Some(&b'\n'))
}

/// The message read a second time with every bare CR a line end, as
/// Thunderbird's line buffer (`mime_LineBuffer`: CRLF, CR or LF) and
/// Python's email parser read it; qmvc's own reading (and mail-parser's)
/// takes only LF. qmail passes a bare CR through, so an attacker can put
/// the delimiters, part headers or a `Subject:` behind bare CRs. What the
/// second reading finds that the first did not is added to `message`:
/// top-level fields (for the subject and header rules), parts numbered
/// `crN` (for every rule and the engines), and its limits. `first` is the
/// offset of the first bare CR in `raw` (the message as examined).
pub(super) fn read_bare_cr_as_line_end(
    message: &mut Message,
    raw: &[u8],
    first: usize,
    limits: &Limits,
) {
    let lines = with_line_ends(raw, first);
    // The copy is longer than the message by its added LFs; the message
    // was already cut to `max_message_bytes`.
    let limits = Limits {
        max_message_bytes: usize::MAX,
        ..limits.clone()
    };
    let other = parse_shared(&Bytes::from(lines), &limits);
    message.anomalies.push(Anomaly::Header {
        part: "0".into(),
        detail: "bare CR line ends: also read as line ends, as Thunderbird and Python do".into(),
    });
    for (field, raw_field) in other.headers.into_iter().zip(other.raw_fields) {
        if !message.headers.contains(&field) {
            message.headers.push(field);
            message.raw_fields.push(raw_field);
        }
    }
    // The two readings together stay within the part and decoded-byte
    // limits: what does not fit is a limit reached, as in one reading.
    let mut decoded: usize = message.parts.iter().map(|p| p.body.len()).sum();
    for mut part in other.parts {
        let seen = message.parts.iter().any(|p| {
            p.declared_type == part.declared_type
                && p.names == part.names
                && p.body.len() == part.body.len()
                && p.body.bytes() == part.body.bytes()
        });
        if seen {
            continue;
        }
        let cut = if message.parts.len() >= limits.max_parts {
            Some(("max_parts", format!("more than {} parts", limits.max_parts)))
        } else if decoded.saturating_add(part.body.len()) > limits.max_decoded_bytes {
            Some((
                "max_decoded_bytes",
                format!(
                    "more than {} decoded bytes in all",
                    limits.max_decoded_bytes
                ),
            ))
        } else {
            None
        };
        if let Some((limit, detail)) = cut {
            let anomaly = Anomaly::LimitExceeded {
                limit: limit.into(),
                detail: format!("{detail} (with bare CRs read as line ends)"),
            };
            message.anomalies.push(anomaly);
            break;
        }
        decoded += part.body.len();
        part.id = format!("cr{}", part.id);
        message.parts.push(part);
    }
    for anomaly in other.anomalies {
        if matches!(anomaly, Anomaly::LimitExceeded { .. }) && !message.anomalies.contains(&anomaly)
        {
            message.anomalies.push(anomaly);
        }
    }
}

/// `raw` with an LF after every bare CR; `first` is the offset of the
/// first one ([`bare_cr`]).
pub(super) fn with_line_ends(raw: &[u8], first: usize) -> Vec<u8> {
    let mut lines = Vec::with_capacity(raw.len() + raw.len() / 64 + 2);
    lines.extend_from_slice(raw.get(..first).unwrap_or_default());
    let mut rest = raw.get(first..).unwrap_or_default();
    while let Some(cr) = memchr::memchr(b'\r', rest) {
        lines.extend_from_slice(rest.get(..=cr).unwrap_or_default());
        if rest.get(cr + 1) != Some(&b'\n') {
            lines.push(b'\n');
        }
        rest = rest.get(cr + 1..).unwrap_or_default();
    }
    lines.extend_from_slice(rest);
    lines
}
