//! The other readings of a broken transfer encoding: where mail clients
//! and engines decode malformed base64 or quoted-printable differently,
//! each reading that gives other bytes than qmvc's own is a content the
//! recipient may get, so it is examined too (a part of its own, origin
//! `variant`).
//!
//! Pure and bounded: each reading costs one pass over the encoded body;
//! a well-formed body (the usual case) is recognised in one pass and
//! costs nothing more. Sources: RFC 2045 §6.7 (quoted-printable: rule 3,
//! trailing white space; note 2, malformed escapes) and §6.8 (base64:
//! characters outside the alphabet ignored, `=` only at the end), and the
//! decoders that read otherwise: those stopping at the first `=` or at
//! the first foreign character (ClamAV's and many webmails' fast paths)
//! and those decoding line by line (PHP's imap_base64 on each line).

use super::parse::decode_base64;

/// Readings kept per part at most, the main one not counted.
pub(crate) const MAX_VARIANTS: usize = 4;

/// The readings of a base64 body that differ from `main` (qmvc's own:
/// foreign characters skipped, `=` ending a quantum and decoding going
/// on), each once, at most [`MAX_VARIANTS`], none longer than `budget`.
pub(crate) fn base64(body: &[u8], main: &[u8], budget: usize) -> Vec<Vec<u8>> {
    let shape = Shape::of(body);
    let mut readings = Vec::new();
    if shape.pad_inside {
        // Decoding ends at the first `=`.
        let end = memchr::memchr(b'=', body).unwrap_or(body.len());
        readings.push(decode_base64(body.get(..end).unwrap_or(body)).0);
        // `=` is ignored like any foreign character.
        let no_pad: Vec<u8> = body.iter().copied().filter(|&b| b != b'=').collect();
        readings.push(decode_base64(&no_pad).0);
    }
    if shape.foreign {
        // Decoding ends at the first foreign character.
        let end = body
            .iter()
            .position(|&b| !is_base64(b) && !b.is_ascii_whitespace() && b != b'=')
            .unwrap_or(body.len());
        readings.push(decode_base64(body.get(..end).unwrap_or(body)).0);
    }
    if shape.odd_line {
        // Each line decoded on its own: a cut quantum ends at the line.
        let mut out = Vec::new();
        for line in body.split(|&b| b == b'\n') {
            out.extend(decode_base64(line).0);
            if out.len() > budget {
                break;
            }
        }
        readings.push(out);
    }
    distinct(readings, main, budget)
}

/// The readings of a quoted-printable body that differ from `main`:
/// 8-bit bytes kept (the quoted_printable crate drops them), `=` before
/// trailing blanks not taken for a soft line break, and a malformed
/// escape's `=` dropped rather than kept.
pub(crate) fn quoted_printable(body: &[u8], main: &[u8], budget: usize) -> Vec<Vec<u8>> {
    if !body.iter().any(|&b| b == b'=' || b >= 0x80) {
        return Vec::new();
    }
    let readings = vec![
        qp(body, true, false),
        qp(body, false, false),
        qp(body, true, true),
    ];
    distinct(readings, main, budget)
}

/// What makes base64 readers disagree, found in one pass.
#[derive(Debug, Default)]
struct Shape {
    /// An `=` followed by more base64 characters.
    pad_inside: bool,
    /// A character outside the alphabet, white space and `=`.
    foreign: bool,
    /// A line whose count of base64 characters is not a multiple of four
    /// (the last line excepted).
    odd_line: bool,
}

impl Shape {
    fn of(body: &[u8]) -> Shape {
        let mut shape = Shape::default();
        let mut seen_pad = false;
        let mut in_line = 0usize;
        let mut odd_lines = 0usize;
        for &b in body {
            match b {
                b'=' => {
                    seen_pad = true;
                    in_line += 1;
                }
                b'\n' => {
                    if !in_line.is_multiple_of(4) {
                        odd_lines += 1;
                    }
                    in_line = 0;
                }
                b' ' | b'\t' | b'\r' => {}
                _ if is_base64(b) => {
                    shape.pad_inside |= seen_pad;
                    in_line += 1;
                }
                _ => shape.foreign = true,
            }
        }
        // One odd line is the last line's cut quantum, already covered.
        shape.odd_line = odd_lines > 1 || (odd_lines == 1 && in_line > 0);
        shape
    }
}

fn is_base64(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'+' || b == b'/'
}

/// Quoted-printable decoded with two choices: `soft_blanks`, whether
/// `=` followed only by blanks ends a line softly (RFC 2045 §6.7 rule 3);
/// `drop_bad`, whether the `=` of a malformed escape is dropped (else
/// kept, as note 2 suggests). Lower-case hex is accepted, 8-bit bytes
/// kept.
fn qp(body: &[u8], soft_blanks: bool, drop_bad: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len());
    let mut lines = body.split(|&b| b == b'\n').peekable();
    while let Some(line) = lines.next() {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let content = if soft_blanks {
            let n = line
                .iter()
                .rev()
                .take_while(|&&b| b == b' ' || b == b'\t')
                .count();
            line.get(..line.len() - n).unwrap_or(line)
        } else {
            line
        };
        let mut soft = false;
        let mut i = 0;
        while let Some(&b) = content.get(i) {
            if b != b'=' {
                out.push(b);
                i += 1;
                continue;
            }
            if i + 1 == content.len() {
                soft = true;
                break;
            }
            let hex = content.get(i + 1..i + 3).and_then(|h| {
                std::str::from_utf8(h)
                    .ok()
                    .filter(|h| h.bytes().all(|c| c.is_ascii_hexdigit()))
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
            });
            match hex {
                Some(v) => {
                    out.push(v);
                    i += 3;
                }
                None => {
                    if !drop_bad {
                        out.push(b'=');
                    }
                    i += 1;
                }
            }
        }
        if !soft && lines.peek().is_some() {
            out.extend_from_slice(b"\r\n");
        }
    }
    out
}

/// `readings` without those equal to `main` or to an earlier one, cut at
/// `budget` bytes each, at most [`MAX_VARIANTS`].
fn distinct(readings: Vec<Vec<u8>>, main: &[u8], budget: usize) -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = Vec::new();
    for mut r in readings {
        r.truncate(budget);
        if r.is_empty() || r == main || out.contains(&r) || out.len() >= MAX_VARIANTS {
            continue;
        }
        out.push(r);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(body: &[u8]) -> Vec<Vec<u8>> {
        base64(body, &decode_base64(body).0, 1 << 20)
    }

    #[test]
    fn well_formed_base64_has_no_other_reading() {
        assert!(b64(b"aGVsbG8g\r\nd29ybGQ=\r\n").is_empty());
        assert!(b64(b"aGVsbG8gd29ybGQ").is_empty());
    }

    #[test]
    fn pad_inside_a_quantum_read_three_ways() {
        // "QUJD" "REVG" = "ABCDEF"; an `=` after "QU".
        let v = b64(b"QU=JDREVG");
        assert!(v.contains(&b"ABCDEF".to_vec()), "{v:?}");
        assert!(v.contains(&b"A".to_vec()), "{v:?}");
    }

    #[test]
    fn foreign_character_stops_one_reader() {
        let v = b64(b"QUJD!REVG");
        assert_eq!(v, [b"ABC".to_vec()]);
    }

    #[test]
    fn lines_decoded_one_by_one() {
        // "QQ" + "Qg" + "Qw": each line one byte on its own.
        let v = b64(b"QQ\nQg\nQw\n");
        assert!(v.contains(&b"ABC".to_vec()), "{v:?}");
    }

    #[test]
    fn quoted_printable_readings() {
        let main = quoted_printable::decode(b"a=  \r\nb=Zc", quoted_printable::ParseMode::Robust)
            .unwrap_or_default();
        let v = quoted_printable(b"a=  \r\nb=Zc", &main, 100);
        assert!(v.contains(&b"a=  \r\nb=Zc".to_vec()), "{v:?}");
        assert!(v.contains(&b"abZc".to_vec()), "{v:?}");
        assert!(quoted_printable(b"plain text\r\n", b"plain text\r\n", 100).is_empty());
        assert_eq!(qp(b"caf\xe9", true, false), b"caf\xe9");
    }

    #[test]
    fn budget_and_count_bounded() {
        let v = base64(b"QU=J!D\nRE\nVG", b"", 2);
        assert!(v.len() <= MAX_VARIANTS);
        assert!(v.iter().all(|r| r.len() <= 2));
    }
}
