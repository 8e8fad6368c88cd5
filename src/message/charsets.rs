//! The other character sets a client may decode a text part with.
//!
//! Pure. [`Part::text`](super::Part::text) decodes a text part with the
//! charset its Content-Type declares. A client may read the same bytes
//! another way, and a body rule must see what the reader sees:
//!
//! - a byte order mark wins over any label in the Encoding Standard's
//!   "decode" (WHATWG Encoding 6), so browsers and the Gecko-based
//!   Thunderbird read a UTF-16 text with a BOM as UTF-16 even when the
//!   header names no charset;
//! - an HTML part whose header names no charset (or one the client does
//!   not know) is decoded with the charset of its own `<meta>` element
//!   (WHATWG HTML 13.2.3.2, the prescan), and clients built on MSHTML let
//!   the `<meta>` win over the header too.
//!
//! Each decoding that is not the one qmvc made is one more source of
//! readings for the body rules.

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};

use super::html::{PRESCAN_BYTES, meta_encoding};

/// The decodings of `head` (the start of a text part's decoded body) a
/// client may make besides qmvc's own with `declared` (the Content-Type
/// `charset`): one for a byte order mark, one for an HTML part's `<meta>`
/// charset, each only when its encoding is not the one qmvc's own
/// decoding used. Lossy: malformed sequences become U+FFFD, as in clients.
pub(crate) fn other_decodings(head: &[u8], declared: Option<&str>, html: bool) -> Vec<String> {
    let bom = Encoding::for_bom(head);
    let mut used: Vec<&'static Encoding> = Vec::with_capacity(3);
    match declared.and_then(|c| Encoding::for_label(c.trim().as_bytes())) {
        // A known label: decoded with the BOM's encoding if there is one
        // (the `charset` crate sniffs it), else with the label's.
        Some(label) => used.push(bom.map_or(label, |(enc, _)| enc)),
        // None, or one only the `charset` crate knows (UTF-7): UTF-8 when
        // valid, else windows-1252.
        None if std::str::from_utf8(head).is_ok() => used.push(UTF_8),
        None => used.push(WINDOWS_1252),
    }
    let mut out = Vec::new();
    if let Some((enc, len)) = bom
        && !used.contains(&enc)
    {
        used.push(enc);
        out.push(decode(enc, head.get(len..).unwrap_or_default()));
    }
    if html {
        let ascii = head.get(..PRESCAN_BYTES).unwrap_or(head);
        let view = WINDOWS_1252.decode_without_bom_handling(ascii).0;
        if let Some(enc) = meta_encoding(&view)
            && !used.contains(&enc)
        {
            out.push(decode(enc, head));
        }
    }
    out
}

fn decode(enc: &'static Encoding, bytes: &[u8]) -> String {
    enc.decode_without_bom_handling(bytes).0.into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_byte_order_mark_gives_a_reading_when_the_label_does_not_say_it() {
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend("wire".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(other_decodings(&utf16, None, false), ["wire"]);
        assert_eq!(other_decodings(&utf16, Some("x-unknown"), false), ["wire"]);
        // A known label: the `charset` crate already followed the BOM.
        assert!(other_decodings(&utf16, Some("iso-8859-1"), false).is_empty());
        assert!(other_decodings(b"plain", None, false).is_empty());
    }

    #[test]
    fn an_html_meta_charset_gives_a_reading_when_it_differs() {
        let mut html = b"<html><head><meta charset=\"windows-1251\"></head><body>".to_vec();
        html.extend(
            encoding_rs::WINDOWS_1251
                .encode("\u{43f}\u{43b}\u{430}\u{442}\u{451}\u{436}")
                .0
                .iter(),
        );
        let other = other_decodings(&html, None, true);
        assert_eq!(other.len(), 1);
        assert!(other[0].ends_with("<body>\u{43f}\u{43b}\u{430}\u{442}\u{451}\u{436}"));
        // The header says it too, or the part is not HTML: nothing more.
        assert!(other_decodings(&html, Some("cp1251"), true).is_empty());
        assert!(other_decodings(&html, None, false).is_empty());
        // A header naming another charset: the meta is a second reading.
        assert_eq!(other_decodings(&html, Some("iso-8859-1"), true).len(), 1);
    }
}
