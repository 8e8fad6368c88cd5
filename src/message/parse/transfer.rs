//! Transfer and charset decoding (RFC 2045 §6: base64, quoted-printable;
//! text charsets), lenient as mail clients are.

use std::borrow::Cow;

use super::super::body::{Probe, probe_base64};
use super::super::charsets::Decoder;
use super::super::magic::{SCAN_BYTES, TAIL_BYTES};
use super::header::Field;
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

/// The mechanism of a Content-Transfer-Encoding value, lower case: its
/// first token (RFC 2045 §6.1), ended where mailers append junk that
/// clients ignore: `;`, a comment, a blank, or a `,` (Thunderbird's
/// libmime ends the value at `;`, `,` or a blank, `MimeHeaders_get`).
pub(super) fn mechanism(value: &str) -> String {
    value
        .split(|c: char| matches!(c, ';' | '(' | ',') || c.is_whitespace())
        .find(|t| !t.is_empty())
        .unwrap_or_default()
        .to_ascii_lowercase()
}

/// Adds to `others` the readings of `body` by the mechanisms of the
/// second and later Content-Transfer-Encoding fields of `encodings`
/// (readers that take the last field decode it their way) that differ
/// from `decoded`, qmvc's reading by `cte`; at most
/// [`MAX_VARIANTS`](super::variants::MAX_VARIANTS) readings in all.
/// Returns whether a field was left unread for that cap.
#[inline(never)]
pub(super) fn other_mechanisms(
    encodings: &[&Field<'_>],
    cte: &str,
    body: &[u8],
    decoded: &[u8],
    others: &mut Vec<Vec<u8>>,
) -> bool {
    for other in encodings.iter().skip(1).map(|f| mechanism(&f.value)) {
        if other == cte {
            continue;
        }
        if others.len() >= super::variants::MAX_VARIANTS {
            return true;
        }
        if let Some(reading) = decode_quietly(body, &other)
            && reading != decoded
            && !others.contains(&reading)
        {
            others.push(reading);
        }
    }
    false
}

/// `body` decoded as the transfer encoding `mechanism` says, when that
/// is base64, quoted-printable or none (7bit, 8bit, binary: the body
/// itself), without noting anomalies: another reader's reading of a
/// body already decoded once. `None` for any other mechanism.
fn decode_quietly(body: &[u8], mechanism: &str) -> Option<Vec<u8>> {
    match mechanism {
        "base64" => Some(decode_base64(body).0),
        "quoted-printable" => Some(
            quoted_printable::decode(body, quoted_printable::ParseMode::Robust)
                .unwrap_or_else(|_| body.to_vec()),
        ),
        "" | "7bit" | "8bit" | "binary" | "7-bit" | "8-bit" => Some(body.to_vec()),
        _ => None,
    }
}

/// A text body decoded from its charset (lossy UTF-8): the Encoding
/// Standard's labels and UTF-7 (the `charset` crate), and UTF-32, which
/// Thunderbird decodes too. Without a charset, with one nobody knows, or
/// with a label of the standard's "replacement" encoding (which would
/// read the whole text as one U+FFFD), UTF-8 when the bytes are valid
/// UTF-8, else Windows-1252 (what such mail is in practice). See
/// [`Decoder::for_label`].
pub(crate) fn decode_text<'a>(body: &'a [u8], charset: Option<&str>) -> Cow<'a, str> {
    Decoder::for_label(charset).decode(body)
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
    /// Bytes of text the next bulk run may gather ([`fast_lines`]).
    run: usize,
}

impl Default for Base64 {
    fn default() -> Self {
        Base64 {
            acc: 0,
            n: 0,
            clean: true,
            run: BULK,
        }
    }
}

impl Base64 {
    /// Decodes `input` onto the end of `out`; a quantum cut at the end of
    /// `input` waits for the next call (or [`Base64::finish`]).
    pub(crate) fn feed(&mut self, mut input: &[u8], out: &mut Vec<u8>) {
        while !input.is_empty() {
            if self.n == 0 {
                input = fast_lines(input, out, &mut self.run);
            }
            // One line (or what is left) the careful way, then the fast
            // path again from the next line.
            let end = memchr::memchr(b'\n', input).map_or(input.len(), |e| e + 1);
            let (line, rest) = input.split_at(end);
            self.careful(line, out);
            input = rest;
        }
    }

    /// Every byte of `input` as RFC 2045 §6.8 reads it: characters
    /// outside the alphabet skipped (and `clean` false), `=` ends a
    /// quantum.
    fn careful(&mut self, input: &[u8], out: &mut Vec<u8>) {
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

/// Base64 text gathered for one call of the bulk decoder, in bytes.
const BULK: usize = 48 * 1024;

/// The run gathered after one the bulk decoder refused, in bytes: a text
/// with a flaw every few lines would otherwise have [`BULK`] bytes copied
/// for every flaw.
const MIN_RUN: usize = 512;

/// Decodes from the start of `input` the longest run of whole lines of
/// the alphabet alone, each a multiple of 4 characters long (every line
/// an encoder writes, but for the last): between quanta, exactly what
/// [`Base64::careful`] would give. Lines are gathered without their line
/// ends into runs of up to [`BULK`] bytes, each decoded in one call of
/// the `base64` crate's vectorised decoder, which refuses any character
/// outside the alphabet (a padded or broken line among them): such a run
/// goes line by line ([`fast_line_by_line`]), and the next run gathers
/// [`MIN_RUN`] bytes, doubling with each run decoded up to [`BULK`]
/// (`run` carries the size from call to call). Returns the rest, from
/// the first byte it did not take.
fn fast_lines<'a>(mut input: &'a [u8], out: &mut Vec<u8>, run: &mut usize) -> &'a [u8] {
    use base64::Engine as _;
    let mut text = Vec::new();
    loop {
        text.clear();
        let mut taken = 0;
        let limit = *run;
        while text.len() < limit {
            let Some(rest) = input.get(taken..) else {
                break;
            };
            let Some(newline) = memchr::memchr(b'\n', rest) else {
                break;
            };
            let line = rest.get(..newline).unwrap_or_default();
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            // The padded last line of a part is left to the line-by-line
            // reading: with it in the run, the whole run would be.
            if line.len() % 4 != 0 || line.last() == Some(&b'=') {
                break;
            }
            text.extend_from_slice(line);
            taken += newline + 1;
        }
        if taken == 0 {
            return fast_line_by_line(input, out);
        }
        let at = out.len();
        out.resize(at + text.len() / 4 * 3, 0);
        let decoded = out.get_mut(at..).is_some_and(|room| {
            base64::engine::general_purpose::STANDARD_NO_PAD
                .decode_slice(&text, room)
                .is_ok_and(|n| n == room.len())
        });
        if !decoded {
            out.truncate(at);
            *run = MIN_RUN;
            return fast_line_by_line(input, out);
        }
        input = input.get(taken..).unwrap_or_default();
        if text.len() < limit {
            return fast_line_by_line(input, out);
        }
        *run = (limit * 2).min(BULK);
    }
}

/// [`fast_lines`] one line at a time (data-encoding): the longest run of
/// the alphabet from the start of each line whose length is a multiple
/// of 4, on to the next line only when that was the whole line.
fn fast_line_by_line<'a>(mut input: &'a [u8], out: &mut Vec<u8>) -> &'a [u8] {
    loop {
        let newline = memchr::memchr(b'\n', input);
        let line = input
            .get(..newline.unwrap_or(input.len()))
            .unwrap_or_default();
        let run = line
            .iter()
            .position(|&c| !ALPHABET[usize::from(c)])
            .unwrap_or(line.len());
        let take = run - run % 4;
        let at = out.len();
        out.resize(at + take / 4 * 3, 0);
        let decoded = match (input.get(..take), out.get_mut(at..)) {
            (Some(text), Some(room)) => data_encoding::BASE64.decode_mut(text, room).is_ok(),
            _ => false,
        };
        if !decoded {
            // Not expected for the alphabet alone; the careful way decides.
            out.truncate(at);
            return input;
        }
        let whole = match line.get(take..) {
            Some(b"") | Some(b"\r") => newline,
            _ => None,
        };
        match whole {
            Some(end) => input = input.get(end + 1..).unwrap_or_default(),
            None => return input.get(take..).unwrap_or_default(),
        }
    }
}

/// The base64 alphabet of RFC 4648 §4 (no padding), by byte value.
const ALPHABET: [bool; 256] = {
    let mut table = [false; 256];
    let mut c = 0;
    while c < 256 {
        table[c] = matches!(c as u8, b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'+' | b'/');
        c += 1;
    }
    table
};

/// The bytes of a partial quantum of `n` characters.
fn flush(out: &mut Vec<u8>, acc: u32, n: u8) {
    match n {
        2 => out.push((acc >> 4) as u8),
        3 => out.extend_from_slice(&[(acc >> 10) as u8, (acc >> 2) as u8]),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::Base64;

    /// The careful reading alone, over the whole input at once.
    fn careful(input: &[u8]) -> (Vec<u8>, bool) {
        let mut decoder = Base64::default();
        let mut out = Vec::new();
        decoder.careful(input, &mut out);
        decoder.finish(&mut out);
        (out, decoder.clean)
    }

    /// [`Base64::feed`] (fast path included) over `input` cut at `cuts`.
    fn fed(input: &[u8], cuts: &[usize]) -> (Vec<u8>, bool) {
        let mut decoder = Base64::default();
        let mut out = Vec::new();
        let mut at = 0;
        for &cut in cuts {
            let cut = cut.clamp(at, input.len());
            decoder.feed(&input[at..cut], &mut out);
            at = cut;
        }
        decoder.feed(&input[at..], &mut out);
        decoder.finish(&mut out);
        (out, decoder.clean)
    }

    #[test]
    fn clean_lines_and_their_edges() {
        for input in [
            &b"TVqQAAMAAAAEAAAA//8AALgAAAAAAAAAQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\r\nTVo=\r\n"[..],
            b"QUJD\nREVG\nR0g=\n",
            b"QUJDREVGR0hJ",
            b"QUJ\nDREVG\n",
            b"QU JD\nRE!VG\n\n\r\nQQ==QkM=",
            b"Q===\nQUJD",
        ] {
            assert_eq!(fed(input, &[]), careful(input), "{input:?}");
            for cut in 0..input.len() {
                assert_eq!(fed(input, &[cut]), careful(input), "{input:?} cut at {cut}");
            }
        }
    }

    /// Runs longer than one bulk decode, with a padded line, a broken
    /// character and a line of another length placed past the first run.
    #[test]
    fn long_clean_runs_and_a_flaw_past_the_first_bulk() {
        let bytes: Vec<u8> = (0..200_000u32).map(|i| (i * 7 + i / 13) as u8).collect();
        let mut clean = Vec::new();
        for chunk in data_encoding::BASE64.encode(&bytes).as_bytes().chunks(76) {
            clean.extend_from_slice(chunk);
            clean.extend_from_slice(b"\r\n");
        }
        let at = super::BULK + 1000;
        for flaw in [&b"QQ==\r\n"[..], b"QU!D\r\n", b"QUJDRA\r\n", b"QUJD \n"] {
            let mut input = clean.clone();
            let line_start = input[..at]
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1);
            input.splice(line_start..line_start, flaw.iter().copied());
            let want = careful(&input);
            for cuts in [&[][..], &[10][..], &[super::BULK, super::BULK * 2 + 5][..]] {
                assert_eq!(fed(&input, cuts), want, "{flaw:?} {cuts:?}");
            }
        }
        assert_eq!(fed(&clean, &[]), (bytes.clone(), true));
        // A flaw every other line that leaves the quanta aligned (a run
        // is refused, the next one is short): the careful reading still.
        let mut flawed = Vec::new();
        for (i, line) in clean.split_inclusive(|&b| b == b'\n').enumerate() {
            if i % 2 == 1 && line.len() == 78 {
                flawed.extend_from_slice(&line[..72]);
                flawed.extend_from_slice(b"!!!!\r\n");
            } else {
                flawed.extend_from_slice(line);
            }
        }
        assert_eq!(fed(&flawed, &[]), careful(&flawed));
        assert_eq!(fed(&flawed, &[super::BULK / 3]), careful(&flawed));
    }

    proptest! {
        /// Whatever the input and wherever the chunks are cut, the fast
        /// path gives the careful reading's bytes and its `clean`.
        #[test]
        fn the_fast_path_reads_as_the_careful_way(
            pieces in proptest::collection::vec(
                prop_oneof![
                    proptest::collection::vec(any::<u8>(), 0..60).prop_map(|bytes| {
                        let mut text = data_encoding::BASE64.encode(&bytes).into_bytes();
                        text.push(b'\n');
                        text
                    }),
                    proptest::sample::select(vec![
                        &b"\r\n"[..], b"\n", b"=", b"==", b" ", b"\t", b"!", b"-", b"\r", b"QUJD",
                        b"QUJ", b"Q", b"\xff",
                    ]).prop_map(<[u8]>::to_vec),
                    proptest::collection::vec(any::<u8>(), 0..6),
                ],
                0..30,
            ),
            cuts in proptest::collection::vec(0usize..2000, 0..6),
        ) {
            let input = pieces.concat();
            let mut cuts = cuts;
            cuts.sort_unstable();
            prop_assert_eq!(fed(&input, &cuts), careful(&input));
        }
    }
}
