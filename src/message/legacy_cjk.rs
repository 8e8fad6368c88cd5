//! The Chinese and Korean 7-bit encodings that the Encoding Standard
//! maps to its "replacement" encoding (a text in them reads as one
//! U+FFFD in browsers), decoded as Outlook (MLang) still decodes them:
//! HZ-GB-2312 (RFC 1843), ISO-2022-KR (RFC 1557), ISO-2022-CN and
//! ISO-2022-CN-EXT (RFC 1922).
//!
//! Pure. What matters to qmvc is what these decoders take out of the
//! text: escape sequences, shift bytes and HZ's `~{` `~}` `~` line
//! continuation, which may split a word (`wi~{~}re`) for the reader who
//! decodes and not for one reading the raw bytes. Double-byte characters
//! are decoded through GBK (GB 2312 rows) and EUC-KR (KS X 1001); the
//! CNS 11643 planes of ISO-2022-CN, which qmvc has no table for, become
//! U+FFFD.

use encoding_rs::{EUC_KR, Encoding, GBK};

/// Which of the two families.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Legacy {
    /// HZ-GB-2312 (RFC 1843).
    Hz,
    /// ISO-2022-KR and ISO-2022-CN(-EXT): SO/SI shifts into the set an
    /// `ESC $ )` sequence designates.
    Iso2022,
}

impl Legacy {
    /// The decoder of a label the Encoding Standard maps to
    /// "replacement"; `None` for any other label.
    pub(crate) fn for_label(label: &str) -> Option<Legacy> {
        match label.trim().to_ascii_lowercase().as_str() {
            "hz-gb-2312" => Some(Legacy::Hz),
            "iso-2022-kr" | "csiso2022kr" | "iso-2022-cn" | "iso-2022-cn-ext" => {
                Some(Legacy::Iso2022)
            }
            _ => None,
        }
    }

    /// `bytes` decoded; bytes outside the encoding read as Windows-1252,
    /// malformed pairs as U+FFFD. Linear in `bytes`.
    pub(crate) fn decode(self, bytes: &[u8]) -> String {
        match self {
            Legacy::Hz => hz(bytes),
            Legacy::Iso2022 => iso_2022(bytes),
        }
    }
}

/// A pair of 7-bit bytes of a 94x94 set, read through the 8-bit
/// encoding `enc` of that set (both bytes with their high bit set).
fn pair(enc: &'static Encoding, a: u8, b: u8, out: &mut String) {
    if (0x21..=0x7E).contains(&a) && (0x21..=0x7E).contains(&b) {
        out.push_str(&enc.decode_without_bom_handling(&[a | 0x80, b | 0x80]).0);
    } else {
        out.push('\u{FFFD}');
    }
}

/// One byte outside a double-byte run.
fn single(b: u8, out: &mut String) {
    if b.is_ascii() {
        out.push(char::from(b));
    } else {
        out.push_str(
            &encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(&[b])
                .0,
        );
    }
}

/// RFC 1843: `~~` is `~`, `~` and a line end is nothing (the line goes
/// on), `~{` starts GB 2312 pairs, `~}` ends them; a line end ends them
/// too.
fn hz(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    let mut gb = false;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'~' {
            match bytes.get(i + 1) {
                Some(b'~') if !gb => out.push('~'),
                Some(b'{') => gb = true,
                Some(b'}') => gb = false,
                Some(b'\n') => {}
                Some(b'\r') if bytes.get(i + 2) == Some(&b'\n') => i += 1,
                _ => {
                    out.push('~');
                    i += 1;
                    continue;
                }
            }
            i += 2;
            continue;
        }
        if b == b'\n' || b == b'\r' {
            gb = false;
            out.push(char::from(b));
            i += 1;
        } else if gb {
            pair(GBK, b, bytes.get(i + 1).copied().unwrap_or(0), &mut out);
            i += 2;
        } else {
            single(b, &mut out);
            i += 1;
        }
    }
    out
}

/// ISO-2022-KR and -CN: `ESC $ ) C` designates KS X 1001, `ESC $ ) A`
/// GB 2312, any other designation a set without a table here; SO (0x0E)
/// shifts into the designated set, SI (0x0F) and a line end out of it;
/// `ESC N` / `ESC O` (single shifts, ISO-2022-CN) take one pair. Other
/// escape sequences are dropped.
fn iso_2022(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    let mut g1: Option<&'static Encoding> = None;
    let mut shifted = false;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            0x1B => {
                // ESC, intermediates (0x20-0x2F), one final byte.
                let mut end = i + 1;
                while bytes.get(end).is_some_and(|c| (0x20..=0x2F).contains(c)) {
                    end += 1;
                }
                let final_byte = bytes.get(end).copied();
                let intermediates = bytes.get(i + 1..end).unwrap_or_default();
                match (intermediates, final_byte) {
                    (b"$)", Some(b'C')) => g1 = Some(EUC_KR),
                    (b"$)", Some(b'A')) => g1 = Some(GBK),
                    (b"$)", Some(_)) => g1 = None,
                    (b"", Some(b'N' | b'O')) => {
                        // A single shift: the next pair from a CNS plane.
                        out.push('\u{FFFD}');
                        end += 2;
                    }
                    _ => {}
                }
                i = end + 1;
            }
            0x0E => {
                shifted = true;
                i += 1;
            }
            0x0F => {
                shifted = false;
                i += 1;
            }
            b'\n' | b'\r' => {
                shifted = false;
                out.push(char::from(b));
                i += 1;
            }
            _ if shifted => {
                let next = bytes.get(i + 1).copied().unwrap_or(0);
                match g1 {
                    Some(enc) => pair(enc, b, next, &mut out),
                    None => out.push('\u{FFFD}'),
                }
                i += 2;
            }
            _ => {
                single(b, &mut out);
                i += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::Legacy;

    #[test]
    fn hz_continuations_shifts_and_tildes() {
        let hz = |b: &[u8]| Legacy::Hz.decode(b);
        assert_eq!(hz(b"wire tr~\r\nansfer"), "wire transfer");
        assert_eq!(hz(b"wi~{~}re a~~b"), "wire a~b");
        // GB 2312 0x5B57 (U+5B57) written 7-bit.
        assert_eq!(hz(b"~{WV~}x"), "\u{5B57}x");
        assert_eq!(hz(b"~{W"), "\u{FFFD}");
    }

    #[test]
    fn iso_2022_shifts_and_designations() {
        let kr = |b: &[u8]| Legacy::Iso2022.decode(b);
        assert_eq!(kr(b"\x1b$)Cwi\x0e\x0fre"), "wire");
        // KS X 1001 0x2121 is the ideographic space.
        assert_eq!(kr(b"\x1b$)Cwire\x0e!!\x0ftransfer"), "wire\u{3000}transfer");
        assert_eq!(kr(b"\x1b$)Gx\x0e!!\x0fy"), "x\u{FFFD}y");
        assert_eq!(kr(b"\x1b"), "");
    }
}
