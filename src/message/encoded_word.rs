//! RFC 2047 encoded words read the way the most lenient clients read
//! them, as a second opinion beside mailparse's decoder.
//!
//! Pure. What this reader takes that a strict one refuses: a language tag
//! after the charset (`=?UTF-8*en?B?...?=`, RFC 2231 §5), B text without
//! its `=` padding or with stray characters (Thunderbird's and Outlook's
//! base64 decoders are lenient, RFC 2045 §6.8), lower-case `b`/`q`, words
//! inside quoted strings or glued to other text, and charsets the
//! Encoding Standard does not list: UTF-32 (Thunderbird decodes it through
//! ICU) besides UTF-16 (RFC 2781). Adjacent words separated only by white
//! space are joined (RFC 2047 §6.2).

use charset::Charset;

use super::parse::decode_base64;

/// Encoded words decoded per text at most; the rest is left as written.
const MAX_WORDS: usize = 256;

/// `text` with every encoded word decoded; `None` when it holds none that
/// decodes.
pub(crate) fn decode_lenient(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut words = 0;
    let mut last_was_word = false;
    while let Some(start) = rest.find("=?") {
        let (before, tail) = rest.split_at(start);
        let Some((decoded, used)) = (words < MAX_WORDS).then(|| word(tail)).flatten() else {
            out.push_str(before);
            out.push_str("=?");
            rest = tail.get(2..).unwrap_or("");
            last_was_word = false;
            continue;
        };
        // RFC 2047 §6.2: white space between two encoded words is dropped.
        if !(last_was_word && before.chars().all(char::is_whitespace)) {
            out.push_str(before);
        }
        out.push_str(&decoded);
        words += 1;
        last_was_word = true;
        rest = tail.get(used..).unwrap_or("");
    }
    out.push_str(rest);
    (words > 0).then_some(out)
}

/// One word at the start of `s` (`=?charset?e?text?=`): its decoded text
/// and the bytes it took.
fn word(s: &str) -> Option<(String, usize)> {
    let inner = s.strip_prefix("=?")?;
    let q1 = inner.find('?')?;
    let charset = inner.get(..q1)?;
    let enc = inner.get(q1 + 1..q1 + 2)?;
    if inner.get(q1 + 2..q1 + 3)? != "?" {
        return None;
    }
    let text_start = q1 + 3;
    let text_len = inner.get(text_start..)?.find("?=")?;
    let text = inner.get(text_start..text_start + text_len)?;
    if text.contains(char::is_whitespace) && !enc.eq_ignore_ascii_case("b") {
        return None;
    }
    // RFC 2231 §5: `charset*language`.
    let charset = charset.split('*').next().unwrap_or(charset);
    let bytes = match enc {
        "B" | "b" => decode_base64(text.as_bytes()).0,
        "Q" | "q" => decode_q(text.as_bytes()),
        _ => return None,
    };
    let decoded = decode_charset(charset, &bytes)?;
    Some((decoded, 2 + text_start + text_len + 2))
}

/// RFC 2047 §4.2 Q encoding: `_` is a space, `=XX` a byte; a broken
/// escape is kept as written.
fn decode_q(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    while let Some(&b) = text.get(i) {
        match b {
            b'_' => out.push(b' '),
            b'=' => {
                let hex = text.get(i + 1..i + 3).and_then(|h| {
                    std::str::from_utf8(h)
                        .ok()
                        .and_then(|h| u8::from_str_radix(h, 16).ok())
                });
                if let Some(v) = hex {
                    out.push(v);
                    i += 3;
                    continue;
                }
                out.push(b);
            }
            _ => out.push(b),
        }
        i += 1;
    }
    out
}

/// `bytes` in `charset`: the Encoding Standard's labels, UTF-32 (big or
/// little endian, a BOM honoured), else `None`.
pub(crate) fn decode_charset(charset: &str, bytes: &[u8]) -> Option<String> {
    let label = charset.trim().to_ascii_lowercase();
    if let Some(order) = label.strip_prefix("utf-32").or(label.strip_prefix("ucs-4")) {
        return Some(decode_utf32(bytes, order != "le"));
    }
    let cs = Charset::for_label(label.as_bytes())?;
    Some(cs.decode_without_bom_handling(bytes).0.into_owned())
}

/// UTF-32 to a string: big endian unless `big` is false or a BOM says
/// otherwise; invalid code points become U+FFFD.
fn decode_utf32(bytes: &[u8], mut big: bool) -> String {
    let mut chunks = bytes.chunks_exact(4).peekable();
    match chunks.peek() {
        Some([0, 0, 0xFE, 0xFF]) => {
            big = true;
            chunks.next();
        }
        Some([0xFF, 0xFE, 0, 0]) => {
            big = false;
            chunks.next();
        }
        _ => {}
    }
    chunks
        .map(|c| {
            let a = [
                c.first().copied().unwrap_or(0),
                c.get(1).copied().unwrap_or(0),
                c.get(2).copied().unwrap_or(0),
                c.get(3).copied().unwrap_or(0),
            ];
            let v = if big {
                u32::from_be_bytes(a)
            } else {
                u32::from_le_bytes(a)
            };
            char::from_u32(v).unwrap_or('\u{FFFD}')
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_tag_unpadded_and_lower_case() {
        assert_eq!(
            decode_lenient("=?UTF-8*en?B?aW52b2ljZS5leGU=?=").as_deref(),
            Some("invoice.exe")
        );
        assert_eq!(
            decode_lenient("=?utf-8?b?aW52b2ljZS5leGU?=").as_deref(),
            Some("invoice.exe")
        );
    }

    #[test]
    fn utf16_and_utf32() {
        assert_eq!(
            decode_lenient("=?UTF-16LE?B?aQBuAHYALgBlAHgAZQA=?=").as_deref(),
            Some("inv.exe")
        );
        assert_eq!(
            decode_lenient("=?UTF-32BE?B?AAAAYQAAAC4AAABq?=").as_deref(),
            Some("a.j")
        );
        assert_eq!(decode_utf32(&[0xFF, 0xFE, 0, 0, 0x61, 0, 0, 0], true), "a");
    }

    #[test]
    fn adjacent_words_joined_and_text_kept() {
        assert_eq!(
            decode_lenient("x =?UTF-8?Q?invoice?= =?UTF-8?Q?=2Eexe?= y").as_deref(),
            Some("x invoice.exe y")
        );
        assert_eq!(decode_lenient("no words here"), None);
        assert_eq!(decode_lenient("=?broken"), None);
        assert_eq!(decode_lenient("=?x?Z?abc?="), None);
    }
}
