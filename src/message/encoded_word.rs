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

use super::charsets::Decoder;
use super::parse::decode_base64;

/// `text` with every encoded word decoded; `None` when it holds none that
/// decodes.
///
/// Adjacent words (nothing but white space between them, or nothing at
/// all) in the same charset have their bytes joined before the charset
/// decodes them, as Gecko's `DecodeRFC2047Str` and Python's
/// `decode_header` do: a character split across two words (a UTF-8
/// sequence, a UTF-16 code unit) is read whole.
///
/// Linear in `text`: where each candidate word ends (the next `?=`) and
/// whether its text holds a blank are found by searches that never go
/// back ([`FirstFrom`]), and an unknown charset is refused before any
/// decoding, so a field of many broken words costs no more than a field
/// of text. There is no cap on the number of words: a field is already
/// bounded by the header cap, and a word past a cap would be a name or a
/// subject left unread.
pub(crate) fn decode_lenient(text: &str) -> Option<String> {
    decode_words(text, |_| None).map(|(decoded, _)| decoded)
}

/// [`decode_lenient`] as a client whose own decoder for some labels is
/// `client` ([`Decoder::thunderbird`], [`Decoder::outlook`]) reads
/// `text`: the words in those charsets decoded its way (and read even
/// where the Encoding Standard does not know the label); `None` when no
/// word is in such a charset, so that the usual field costs one quick
/// pass.
pub(crate) fn decode_lenient_as(text: &str, client: fn(&str) -> Option<Decoder>) -> Option<String> {
    if !text.contains("=?") {
        return None;
    }
    decode_words(text, client).and_then(|(decoded, theirs)| theirs.then_some(decoded))
}

/// The lenient decoding with `client`'s decoders where it has one; also
/// whether any word was in such a charset.
fn decode_words(text: &str, client: fn(&str) -> Option<Decoder>) -> Option<(String, bool)> {
    let mut theirs = false;
    let mut out = String::with_capacity(text.len());
    let mut closes = FirstFrom::new(|rest: &str| find_pair(rest.as_bytes(), b'?', b'='));
    let mut blanks = FirstFrom::new(|rest: &str| rest.find(char::is_whitespace));
    let mut pos = 0;
    let mut words = 0;
    // The bytes of the adjacent words read so far, and their charset.
    let mut run: Option<(&str, Vec<u8>)> = None;
    while let Some(start) = text
        .get(pos..)
        .and_then(|rest| find_pair(rest.as_bytes(), b'=', b'?'))
        .map(|at| pos + at)
    {
        let before = text.get(pos..start).unwrap_or("");
        let Some((charset, bytes, end)) = word(text, start, &mut closes, &mut blanks, client)
        else {
            flush(&mut run, &mut out, client);
            out.push_str(before);
            out.push_str("=?");
            pos = start + 2;
            continue;
        };
        // RFC 2047 §6.2: white space between two encoded words is dropped.
        let adjacent = run.is_some() && before.chars().all(char::is_whitespace);
        match &mut run {
            Some((cs, joined)) if adjacent && cs.eq_ignore_ascii_case(charset) => {
                joined.extend_from_slice(&bytes);
            }
            _ => {
                flush(&mut run, &mut out, client);
                if !adjacent {
                    out.push_str(before);
                }
                run = Some((charset, bytes));
            }
        }
        theirs |= client(charset).is_some();
        words += 1;
        pos = end;
    }
    flush(&mut run, &mut out, client);
    out.push_str(text.get(pos..).unwrap_or(""));
    (words > 0).then_some((out, theirs))
}

/// Decodes the joined bytes of a run of adjacent words onto `out`, with
/// `client`'s decoder for their charset when it has one.
fn flush(run: &mut Option<(&str, Vec<u8>)>, out: &mut String, client: fn(&str) -> Option<Decoder>) {
    if let Some((charset, bytes)) = run.take() {
        match client(charset) {
            Some(decoder) => out.push_str(&decoder.decode(&bytes)),
            None => out.push_str(&decode_charset(charset, &bytes).unwrap_or_default()),
        }
    }
}

/// Where the two bytes `first` `second` first stand together in `bytes`.
pub(crate) fn find_pair(bytes: &[u8], first: u8, second: u8) -> Option<usize> {
    memchr::memchr_iter(first, bytes).find(|&at| bytes.get(at + 1) == Some(&second))
}

/// The first place at or after a position where a search finds
/// something, for positions asked in an order that never goes back: the
/// answer is kept while it still lies ahead, so each byte is searched
/// about once however many times it is asked.
pub(crate) struct FirstFrom<F> {
    search: F,
    /// The position the kept answer was searched from.
    from: usize,
    /// The first match at or after `from` (`None`: none to the end).
    found: Option<usize>,
    /// Whether anything was searched yet.
    started: bool,
}

impl<F: Fn(&str) -> Option<usize>> FirstFrom<F> {
    /// `search(rest)` gives the offset of the first match in `rest`.
    pub(crate) fn new(search: F) -> Self {
        FirstFrom {
            search,
            from: 0,
            found: None,
            started: false,
        }
    }

    /// The first match in `text` at or after byte `at` (a character
    /// boundary); `text` must be the same on every call.
    pub(crate) fn at_or_after(&mut self, text: &str, at: usize) -> Option<usize> {
        let kept = self.started && at >= self.from && self.found.is_none_or(|found| found >= at);
        if !kept {
            self.started = true;
            self.from = at;
            self.found = text
                .get(at..)
                .and_then(|rest| (self.search)(rest))
                .map(|offset| at + offset);
        }
        self.found
    }
}

/// The word that starts at byte `start` of `text` (`=?charset?e?text?=`):
/// its charset (one [`decode_charset`] knows, language tag removed), its
/// bytes (B or Q decoded) and the byte after it.
fn word<'t, C, B>(
    text: &'t str,
    start: usize,
    closes: &mut FirstFrom<C>,
    blanks: &mut FirstFrom<B>,
    client: fn(&str) -> Option<Decoder>,
) -> Option<(&'t str, Vec<u8>, usize)>
where
    C: Fn(&str) -> Option<usize>,
    B: Fn(&str) -> Option<usize>,
{
    let inner = start + 2;
    let q1 = inner + memchr::memchr(b'?', text.get(inner..)?.as_bytes())?;
    let charset = text.get(inner..q1)?;
    let enc = text.get(q1 + 1..q1 + 2)?;
    if text.get(q1 + 2..q1 + 3)? != "?" {
        return None;
    }
    let base64 = match enc {
        "B" | "b" => true,
        "Q" | "q" => false,
        _ => return None,
    };
    let text_start = q1 + 3;
    let close = closes.at_or_after(text, text_start)?;
    let encoded = text.get(text_start..close)?;
    if !base64
        && blanks
            .at_or_after(text, text_start)
            .is_some_and(|b| b < close)
    {
        return None;
    }
    // RFC 2231 §5: `charset*language`.
    let charset = charset.split('*').next().unwrap_or(charset);
    if !known_charset(charset) && client(charset).is_none() {
        return None;
    }
    let bytes = if base64 {
        decode_base64(encoded.as_bytes()).0
    } else {
        decode_q(encoded.as_bytes())
    };
    Some((charset, bytes, close + 2))
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
/// little endian, a BOM honoured), else `None`. A label of the
/// standard's "replacement" encoding (`iso-2022-kr`, `hz-gb-2312`...),
/// which would make the word one U+FFFD, reads the bytes as a text
/// without a usable charset ([`Decoder::Unlabelled`]), as Thunderbird
/// shows them.
pub(crate) fn decode_charset(charset: &str, bytes: &[u8]) -> Option<String> {
    if let Some(text) = decode_utf32_label(charset, bytes) {
        return Some(text);
    }
    let label = charset.trim().to_ascii_lowercase();
    let cs = Charset::for_label(label.as_bytes())?;
    if cs == Charset::for_encoding(encoding_rs::REPLACEMENT) {
        return Some(Decoder::Unlabelled.decode(bytes).into_owned());
    }
    Some(cs.decode_without_bom_handling(bytes).0.into_owned())
}

/// `bytes` decoded as UTF-32 when `charset` is a UTF-32 label
/// (`utf-32`, `utf-32be`, `utf-32le`, `ucs-4`...), else `None`.
pub(crate) fn decode_utf32_label(charset: &str, bytes: &[u8]) -> Option<String> {
    let label = charset.trim().to_ascii_lowercase();
    utf32_order(&label).map(|order| decode_utf32(bytes, order != "le"))
}

/// Whether [`decode_charset`] knows `charset`.
fn known_charset(charset: &str) -> bool {
    let label = charset.trim().to_ascii_lowercase();
    utf32_order(&label).is_some() || Charset::for_label(label.as_bytes()).is_some()
}

/// The byte order suffix of a UTF-32 label (`""`, `be`, `le`), `None`
/// for another charset.
fn utf32_order(label: &str) -> Option<&str> {
    label.strip_prefix("utf-32").or(label.strip_prefix("ucs-4"))
}

/// Whether a UTF-32 label (`utf-32`, `utf-32be`, `utf-32le`, `ucs-4`...)
/// reads big endian when no BOM says otherwise; `None` for another label.
pub(crate) fn utf32_big_endian(charset: &str) -> Option<bool> {
    let label = charset.trim().to_ascii_lowercase();
    utf32_order(&label).map(|order| order != "le")
}

/// UTF-32 to a string: big endian unless `big` is false or a BOM says
/// otherwise; invalid code points become U+FFFD.
pub(crate) fn decode_utf32(bytes: &[u8], mut big: bool) -> String {
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
    use proptest::prelude::*;

    use super::*;

    /// The reading without the searches that never go back: each
    /// candidate looks for its own end. Quadratic, kept to hold the fast
    /// one to it.
    fn plain(text: &str) -> Option<String> {
        fn one(s: &str) -> Option<(String, Vec<u8>, usize)> {
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
            let charset = charset.split('*').next().unwrap_or(charset);
            decode_charset(charset, b"")?;
            let bytes = match enc {
                "B" | "b" => decode_base64(text.as_bytes()).0,
                "Q" | "q" => decode_q(text.as_bytes()),
                _ => return None,
            };
            Some((charset.to_string(), bytes, 2 + text_start + text_len + 2))
        }
        // Decode every word, then join the bytes of adjacent words of one
        // charset and decode each run.
        let mut pieces: Vec<Result<(String, Vec<u8>), String>> = Vec::new();
        let mut rest = text;
        let mut words = 0;
        while let Some(start) = rest.find("=?") {
            let (before, tail) = rest.split_at(start);
            let Some((charset, bytes, used)) = one(tail) else {
                pieces.push(Err(format!("{before}=?")));
                rest = tail.get(2..).unwrap_or("");
                continue;
            };
            let after_word = matches!(pieces.last(), Some(Ok(_)));
            if !(after_word && before.chars().all(char::is_whitespace)) {
                pieces.push(Err(before.to_string()));
            }
            match pieces.last_mut() {
                Some(Ok((cs, joined))) if cs.eq_ignore_ascii_case(&charset) => {
                    joined.extend_from_slice(&bytes)
                }
                _ => pieces.push(Ok((charset, bytes))),
            }
            words += 1;
            rest = tail.get(used..).unwrap_or("");
        }
        let mut out = String::new();
        for piece in pieces {
            match piece {
                Ok((cs, bytes)) => out.push_str(&decode_charset(&cs, &bytes).unwrap_or_default()),
                Err(text) => out.push_str(&text),
            }
        }
        out.push_str(rest);
        (words > 0).then_some(out)
    }

    proptest! {
        #[test]
        fn the_linear_reading_is_the_plain_one(pieces in proptest::collection::vec(
            proptest::sample::select(vec![
                "=?", "?=", "?", "=", " ", "\t", "a", "é", "_", "=41", "utf-8", "x-bad", "utf-32be",
                "q", "B", "b", "SUxP", "=?utf-8?q?a?=", "=?utf-8?b?YQ?=", "=?x?q?a?=", "\u{3000}",
            ]),
            0..30,
        )) {
            let text = pieces.concat();
            prop_assert_eq!(decode_lenient(&text), plain(&text));
        }
    }

    #[test]
    fn many_broken_words_cost_no_more_than_text() {
        // Each `=?` below would search to the end for its `?=`.
        // (A reading that searched to the end for each would take minutes
        // here; this one takes milliseconds.)
        let text = " =?a?q?=x".repeat(40_000) + &"=?a?b?".repeat(40_000);
        assert_eq!(decode_lenient(&text), None);
        let text = "=?utf-8?q?".repeat(40_000) + "a?=";
        assert!(decode_lenient(&text).is_some());
        let small = "=?utf-8?q?".repeat(400) + "a?=";
        assert_eq!(decode_lenient(&small), plain(&small));
    }

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
