//! Transfer and charset decoding (RFC 2045 §6: base64, quoted-printable;
//! text charsets), lenient as mail clients are.

use std::borrow::Cow;

use super::super::body::{Probe, probe_base64};
use super::super::filename::raw_candidates;
use super::super::magic::{SCAN_BYTES, TAIL_BYTES};
use super::{Anomaly, Walker, clip};

impl Walker<'_> {
    /// The body with its transfer encoding removed (RFC 2045 §6). Unknown
    /// encodings are kept as they are, as RFC 2045 §6.4 says.
    pub(super) fn decode<'b>(&mut self, body: &'b [u8], cte: &str, part: &str) -> Cow<'b, [u8]> {
        match cte {
            "base64" => {
                let (decoded, clean) = decode_base64(body);
                if !clean {
                    self.bad_base64(part);
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
            "" | "7bit" | "8bit" | "binary" | "7-bit" | "8-bit" => Cow::Borrowed(body),
            // Decoded block by block by the caller.
            t if super::UUENCODE.contains(&t)
                || super::YENC.contains(&t)
                || super::BINHEX.contains(&t) =>
            {
                Cow::Borrowed(body)
            }
            other => {
                self.anomaly(Anomaly::Encoding {
                    part: part.into(),
                    detail: format!("unknown transfer encoding \"{}\"", clip(other)),
                });
                Cow::Borrowed(body)
            }
        }
    }

    /// For a base64 body left encoded: what [`Walker::decode`] would have
    /// learnt (its exact decoded length, the same anomaly when it is not
    /// clean) and its magic bytes within the decoded-bytes budget, without
    /// keeping the decoded content.
    pub(super) fn probe_base64(&mut self, encoded: &[u8], part: &str) -> Probe {
        let probe = probe_base64(encoded, self.budget(), SCAN_BYTES, TAIL_BYTES);
        if !probe.clean {
            self.bad_base64(part);
        }
        probe
    }

    fn bad_base64(&mut self, part: &str) {
        self.anomaly(Anomaly::Encoding {
            part: part.into(),
            detail: "base64 with characters outside the alphabet or a cut quantum".into(),
        });
    }
}

/// A text body decoded from its charset (lossy UTF-8). Without a charset,
/// or with one nobody knows, UTF-8 when the bytes are valid UTF-8, else
/// Windows-1252 (what such mail is in practice).
pub(crate) fn decode_text<'a>(body: &'a [u8], charset: Option<&str>) -> Cow<'a, str> {
    let known = charset.and_then(|c| charset::Charset::for_label(c.trim().as_bytes()));
    match known {
        Some(cs) => cs.decode(body).0,
        None => match std::str::from_utf8(body) {
            Ok(s) => Cow::Borrowed(s),
            Err(_) => Cow::Owned(raw_candidates(body).into_iter().next().unwrap_or_default()),
        },
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
    let mut decoder = Base64::default();
    decoder.feed(input, &mut out);
    decoder.finish(&mut out);
    (out, decoder.clean)
}

/// The state of [`decode_base64`] between two pieces of input, so that a
/// large part can be decoded in chunks (`crate::message::Body::reader`)
/// with the same bytes out as in one go.
#[derive(Debug, Clone)]
pub(crate) struct Base64 {
    acc: u32,
    n: u8,
    /// False once a character outside the alphabet or a cut quantum was
    /// seen.
    pub(crate) clean: bool,
}

impl Default for Base64 {
    fn default() -> Self {
        Base64 {
            acc: 0,
            n: 0,
            clean: true,
        }
    }
}

impl Base64 {
    /// Decodes `input` onto the end of `out`; a quantum cut at the end of
    /// `input` waits for the next call (or [`Base64::finish`]).
    pub(crate) fn feed(&mut self, input: &[u8], out: &mut Vec<u8>) {
        for &c in input {
            let v = match c {
                b'A'..=b'Z' => c - b'A',
                b'a'..=b'z' => c - b'a' + 26,
                b'0'..=b'9' => c - b'0' + 52,
                b'+' => 62,
                b'/' => 63,
                b'=' => {
                    flush(out, self.acc, self.n);
                    if self.n == 1 {
                        self.clean = false;
                    }
                    self.acc = 0;
                    self.n = 0;
                    continue;
                }
                b' ' | b'\t' | b'\r' | b'\n' => continue,
                _ => {
                    self.clean = false;
                    continue;
                }
            };
            self.acc = self.acc << 6 | u32::from(v);
            self.n += 1;
            if self.n == 4 {
                let acc = self.acc;
                out.extend_from_slice(&[(acc >> 16) as u8, (acc >> 8) as u8, acc as u8]);
                self.acc = 0;
                self.n = 0;
            }
        }
    }

    /// Ends the input: the bytes of a cut last quantum (and `clean` false).
    pub(crate) fn finish(&mut self, out: &mut Vec<u8>) {
        if self.n != 0 {
            flush(out, self.acc, self.n);
            self.clean = false;
            self.acc = 0;
            self.n = 0;
        }
    }
}

/// The bytes of a partial quantum of `n` characters.
fn flush(out: &mut Vec<u8>, acc: u32, n: u8) {
    match n {
        2 => out.push((acc >> 4) as u8),
        3 => out.extend_from_slice(&[(acc >> 10) as u8, (acc >> 2) as u8]),
        _ => {}
    }
}
