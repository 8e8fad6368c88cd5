//! The character encoding an HTML document declares for itself in a
//! `<meta>` element: what a client decodes the part with when the MIME
//! header names no charset, or names one the client lets the document
//! override.
//!
//! Pure. Follows the WHATWG HTML standard's "prescan a byte stream to
//! determine its encoding" (13.2.3.2) on the first 1,024 bytes: the first
//! `meta` element with a `charset` attribute, or with `http-equiv` equal
//! to `content-type` and a `content` attribute holding `charset=`, whose
//! label the Encoding Standard knows. A UTF-16 label means UTF-8 there (a
//! document that can be read as ASCII to find its `meta` is not UTF-16),
//! and `x-user-defined` means windows-1252.

use encoding_rs::{Encoding, WINDOWS_1252, X_USER_DEFINED};

use super::tokens::{Token, Tokens};

/// How many bytes of the document the prescan reads, as in browsers.
pub const PRESCAN_BYTES: usize = 1024;

/// The encoding the first usable `<meta>` in `head` declares, `None` when
/// there is none. `head` is the start of the document read as an
/// ASCII-compatible text (the caller decodes at most [`PRESCAN_BYTES`]
/// bytes as windows-1252, which keeps every ASCII byte in place).
pub fn meta_encoding(head: &str) -> Option<&'static Encoding> {
    Tokens::new(head).find_map(|token| {
        let Token::Start(tag) = token else {
            return None;
        };
        if tag.name != "meta" {
            return None;
        }
        let label = match tag.attr("charset") {
            Some(label) => label,
            None if tag
                .attr("http-equiv")
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("content-type")) =>
            {
                charset_in_content(tag.attr("content")?)?
            }
            None => return None,
        };
        let encoding = Encoding::for_label(label.trim().as_bytes())?;
        Some(if encoding == X_USER_DEFINED {
            WINDOWS_1252
        } else {
            // UTF-16BE and UTF-16LE give UTF-8.
            encoding.output_encoding()
        })
    })
}

/// The standard's "algorithm for extracting a character encoding from a
/// meta element": the value after the first `charset` that is followed
/// (blanks allowed) by `=`, quoted, or up to a blank or `;`.
fn charset_in_content(content: &str) -> Option<&str> {
    let bytes = content.as_bytes();
    let mut from = 0;
    loop {
        let at = from + find_ascii_ci(bytes.get(from..)?, b"charset")?;
        let mut i = at + b"charset".len();
        while bytes.get(i).is_some_and(|b| b.is_ascii_whitespace()) {
            i += 1;
        }
        if bytes.get(i) != Some(&b'=') {
            from = i;
            continue;
        }
        i += 1;
        while bytes.get(i).is_some_and(|b| b.is_ascii_whitespace()) {
            i += 1;
        }
        return match bytes.get(i) {
            Some(&q @ (b'"' | b'\'')) => {
                let end = i + 1 + memchr::memchr(q, bytes.get(i + 1..)?)?;
                content.get(i + 1..end)
            }
            Some(_) => {
                let len = bytes
                    .get(i..)?
                    .iter()
                    .position(|b| b.is_ascii_whitespace() || *b == b';')
                    .unwrap_or(bytes.len() - i);
                content.get(i..i + len)
            }
            None => None,
        };
    }
}

/// Where `needle` (lower-case ASCII) first occurs in `hay`, ASCII case
/// ignored.
fn find_ascii_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_charset_attribute_and_the_pragma() {
        let enc = |s: &str| meta_encoding(s).map(|e| e.name());
        assert_eq!(
            enc(r#"<html><meta charset="windows-1251">"#),
            Some("windows-1251")
        );
        assert_eq!(enc("<META CHARSET=koi8-r>"), Some("KOI8-R"));
        assert_eq!(
            enc(r#"<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">"#),
            Some("Shift_JIS")
        );
        assert_eq!(
            enc(r#"<meta content='text/html;charset = "iso-8859-2"' http-equiv=content-type>"#),
            Some("ISO-8859-2")
        );
        // A pragma without http-equiv, an unknown label, a comment: skipped.
        assert_eq!(enc(r#"<meta content="text/html; charset=gbk">"#), None);
        assert_eq!(
            enc(r#"<meta charset="nonsense"><meta charset=gbk>"#),
            Some("GBK")
        );
        assert_eq!(enc(r#"<!-- <meta charset=gbk> --><p>x"#), None);
        // UTF-16 labels mean UTF-8; x-user-defined windows-1252.
        assert_eq!(enc("<meta charset=utf-16le>"), Some("UTF-8"));
        assert_eq!(enc("<meta charset=x-user-defined>"), Some("windows-1252"));
        // "charset" not followed by "=" is passed over.
        assert_eq!(charset_in_content("charsetx; charset=big5"), Some("big5"));
        assert_eq!(charset_in_content(r#"charset="unterminated"#), None);
    }
}
