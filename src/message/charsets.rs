//! The character sets a client may decode a text with.
//!
//! Pure. [`Part::text`](super::Part::text) decodes a text part with the
//! charset its Content-Type declares ([`Decoder::for_label`]). A client
//! may read the same bytes another way, and a body rule must see what
//! the reader sees:
//!
//! - a byte order mark wins over any label in the Encoding Standard's
//!   "decode" (WHATWG Encoding 6), so browsers and the Gecko-based
//!   Thunderbird read a UTF-16 text with a BOM as UTF-16 even when the
//!   header names no charset;
//! - an HTML part whose header names no charset (or one the client does
//!   not know) is decoded with the charset of its own `<meta>` element
//!   (WHATWG HTML 13.2.3.2, the prescan), and clients built on MSHTML let
//!   the `<meta>` win over the header too;
//! - Thunderbird resolves a label through its own alias table before the
//!   Encoding Standard's (`charsetalias.properties` in its mail code):
//!   `csunicode` is UTF-16BE there and UTF-16LE in the standard,
//!   `unicode-2-0-utf-7` UTF-7 there and unknown in the standard
//!   ([`Decoder::thunderbird`]);
//! - the labels the standard maps to its "replacement" encoding
//!   (`iso-2022-kr`, `hz-gb-2312`...) decode to one U+FFFD, which hides
//!   the whole text: qmvc reads such a part as one without a usable
//!   charset, as Thunderbird shows it (its converter refuses the label and
//!   the bytes are shown unconverted), and as Outlook decodes it too
//!   (`legacy_cjk`: its escapes and shifts may split a word);
//! - a text without a usable charset whose bytes are not ASCII or UTF-8
//!   is decoded as Thunderbird's charset detector (chardetng) guesses
//!   (Shift_JIS, GBK, windows-1251...), and a text holding the ESC byte
//!   without an ISO-2022 label as ISO-2022-JP too, which that detector
//!   takes it for;
//! - a Content-Type whose parameters readers take differently (a first
//!   and a last `charset`, an RFC 2231 value) gives every charset read.
//!
//! Each decoding that is not the one qmvc made is one more source of
//! readings for the body rules. The extra decodings are made only where
//! their trigger is present (a BOM, a `<meta>`, an alias, an ESC byte,
//! another charset parameter), so an ordinary part is decoded once.

use std::borrow::Cow;

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use charset::Charset;
use encoding_rs::{Encoding, ISO_2022_JP, REPLACEMENT, UTF_8, WINDOWS_1252};

use super::encoded_word::{decode_utf32, utf32_big_endian};
use super::filename::raw_candidates;
use super::html::{PRESCAN_BYTES, meta_encoding};
use super::legacy_cjk::Legacy;

/// Charsets a text part is decoded under at most, qmvc's own included
/// (each with its clients' aliases): a hostile header may name many, and
/// each costs a decoding of the text. More is an `unchecked` limit.
pub(crate) const MAX_DECODERS: usize = 4;

/// One way of turning a text's bytes into characters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Decoder {
    /// An encoding of the Encoding Standard, or UTF-7 (the `charset`
    /// crate); a byte order mark wins, as in the standard's "decode".
    Charset(Charset),
    /// UTF-32, big endian unless false; a BOM wins. Thunderbird decodes
    /// it (through ICU), the standard does not list it.
    Utf32(bool),
    /// No usable label: UTF-8 when the bytes are valid UTF-8, else
    /// Windows-1252 (what such mail is in practice, and what Thunderbird
    /// shows of a text whose label its converter refuses).
    Unlabelled,
    /// HZ-GB-2312, ISO-2022-KR or ISO-2022-CN, which Outlook decodes
    /// and the Encoding Standard does not.
    Legacy(Legacy),
}

impl Decoder {
    /// qmvc's own reading of a `charset` label: the Encoding Standard's
    /// labels and UTF-7, UTF-32; [`Decoder::Unlabelled`] without a label,
    /// for one nobody knows, and for the labels of the standard's
    /// "replacement" encoding (which would read the whole text as one
    /// U+FFFD).
    pub(crate) fn for_label(label: Option<&str>) -> Decoder {
        let Some(label) = label.map(str::trim) else {
            return Decoder::Unlabelled;
        };
        match Charset::for_label(label.as_bytes()) {
            Some(cs) if cs == Charset::for_encoding(REPLACEMENT) => Decoder::Unlabelled,
            Some(cs) => Decoder::Charset(cs),
            None => utf32_big_endian(label).map_or(Decoder::Unlabelled, Decoder::Utf32),
        }
    }

    /// Thunderbird's reading of `label` when its alias table
    /// (`mailnews/intl/charsetalias.properties`) makes it another decoder
    /// than [`Decoder::for_label`]'s; `None` when the two agree, or when
    /// the alias names a charset qmvc has no decoder for (the `x-mac-*`
    /// family, VISCII, T.61, x-johab, the x-viet ones, HZ).
    pub(crate) fn thunderbird(label: &str) -> Option<Decoder> {
        let label = label.trim().to_ascii_lowercase();
        let (_, target) = THUNDERBIRD_ALIASES
            .iter()
            .find(|(alias, _)| *alias == label)?;
        let decoder = match Charset::for_label(target.as_bytes()) {
            Some(cs) if cs != Charset::for_encoding(REPLACEMENT) => Decoder::Charset(cs),
            _ => return None,
        };
        (decoder != Decoder::for_label(Some(&label))).then_some(decoder)
    }

    /// Outlook's (MLang's) reading of a label where it differs from the
    /// Encoding Standard's: the labels the standard maps to its
    /// "replacement" encoding (HZ-GB-2312, ISO-2022-KR, ISO-2022-CN),
    /// decoded with their escapes and shifts taken out, and MLang's own
    /// UTF-7 label `x-unicode-1-1-utf-7`; `None` for any other label.
    pub(crate) fn outlook(label: &str) -> Option<Decoder> {
        if label.trim().eq_ignore_ascii_case("x-unicode-1-1-utf-7") {
            return Some(Decoder::Charset(charset::UTF_7));
        }
        Legacy::for_label(label).map(Decoder::Legacy)
    }

    /// The reading of a label no decoder here knows (`x-unknown`,
    /// `csunicode11`): the bytes as a text without a charset, as a reader
    /// that falls back to its default charset shows them. So an encoded
    /// word in an unknown charset is still read, not passed as written
    /// and unexamined. `None` for a label [`Decoder::for_label`] knows.
    pub(crate) fn unknown(label: &str) -> Option<Decoder> {
        let label = label.trim();
        let known =
            Charset::for_label(label.as_bytes()).is_some() || utf32_big_endian(label).is_some();
        (!known).then_some(Decoder::Unlabelled)
    }

    /// `bytes` decoded (lossy: malformed sequences become U+FFFD).
    pub(crate) fn decode(self, bytes: &[u8]) -> Cow<'_, str> {
        match self {
            Decoder::Charset(cs) => cs.decode(bytes).0,
            Decoder::Utf32(big) => Cow::Owned(decode_utf32(bytes, big)),
            Decoder::Legacy(legacy) => Cow::Owned(legacy.decode(bytes)),
            Decoder::Unlabelled => match std::str::from_utf8(bytes) {
                Ok(s) => Cow::Borrowed(s),
                Err(_) => Cow::Owned(raw_candidates(bytes).into_iter().next().unwrap_or_default()),
            },
        }
    }

    /// The encoding this decoder reads `head` with, for comparing with
    /// the byte order mark and `<meta>` readings.
    fn encoding(self, head: &[u8]) -> Option<&'static Encoding> {
        match self {
            Decoder::Charset(cs) => match Encoding::for_bom(head) {
                Some((enc, _)) => Some(enc),
                None => Encoding::for_label(cs.name().as_bytes()),
            },
            Decoder::Utf32(_) | Decoder::Legacy(_) => None,
            Decoder::Unlabelled if std::str::from_utf8(head).is_ok() => Some(UTF_8),
            Decoder::Unlabelled => Some(WINDOWS_1252),
        }
    }
}

/// Thunderbird's charset aliases (`mailnews/intl/charsetalias.properties`
/// in comm-central), the entries whose charset has a decoder here:
/// label, then the charset Thunderbird decodes it as. Where the Encoding
/// Standard maps the label to the same decoder the entry changes nothing.
const THUNDERBIRD_ALIASES: &[(&str, &str)] = &[
    ("646", "windows-1252"),
    ("iso-10646-ucs-2", "utf-16be"),
    ("x-iso-10646-ucs-2-be", "utf-16be"),
    ("x-iso-10646-ucs-2-le", "utf-16le"),
    ("iso-8859-8i", "iso-8859-8-i"),
    ("cp932", "shift_jis"),
    ("iso-2022-jp-2", "iso-2022-jp"),
    ("csiso2022jp2", "iso-2022-jp"),
    ("zh_tw-big5", "big5"),
    ("5601", "euc-kr"),
    ("zh_cn.euc", "gbk"),
    ("gb_2312", "gbk"),
    ("tis620", "windows-874"),
    ("cp-866", "ibm866"),
    ("x-unicode-2-0-utf-7", "utf-7"),
    ("unicode-2-0-utf-7", "utf-7"),
    ("unicode-1-1-utf-7", "utf-7"),
    ("csunicode11utf7", "utf-7"),
    ("csunicode", "utf-16be"),
    ("csunicode11", "utf-16be"),
    ("iso-10646-ucs-basic", "utf-16be"),
    ("csunicodeascii", "utf-16be"),
    ("iso-10646-unicode-latin1", "utf-16be"),
    ("csunicodelatin1", "utf-16be"),
    ("iso-10646", "utf-16be"),
    ("iso-10646-j-1", "utf-16be"),
    ("windows-936", "gbk"),
    ("ansi-1251", "windows-1251"),
];

/// Whether `label` names an ISO-2022 charset (`iso-2022-jp`,
/// `csiso2022kr`...): such a text is meant to hold ESC sequences.
fn is_iso_2022(label: &str) -> bool {
    label.to_ascii_lowercase().contains("2022")
}

/// The decodings of `head` (the start of a text part's decoded body) a
/// client may make besides qmvc's own with `declared` (the Content-Type
/// `charset` qmvc reads): Thunderbird's alias of that label, Outlook's
/// decoder of a "replacement" label ([`Decoder::outlook`]), each of
/// `others` (the other `charset` values readers take from the parameters,
/// at most [`MAX_DECODERS`] - 1 of them: the parser's cap) with its own
/// alias; one for
/// a byte order mark; for a text without a usable label, the detector's
/// guess ([`detected`]); an ISO-2022-JP one for a text holding ESC that no
/// label calls ISO-2022; one for an HTML part's `<meta>` charset. Each
/// only when its decoder is not one used already. Lossy: malformed
/// sequences become U+FFFD, as in clients.
pub(crate) fn other_decodings(
    head: &[u8],
    declared: Option<&str>,
    others: &[String],
    html: bool,
) -> Vec<String> {
    let primary = Decoder::for_label(declared);
    let mut used: Vec<&'static Encoding> = primary.encoding(head).into_iter().collect();
    let mut decoders = vec![primary];
    let mut out = Vec::new();
    let labels = || {
        declared
            .into_iter()
            .chain(others.iter().map(String::as_str))
    };
    for (n, label) in labels().enumerate() {
        let own = (n > 0 || declared.is_none()).then(|| Decoder::for_label(Some(label)));
        let clients = Decoder::thunderbird(label)
            .into_iter()
            .chain(Decoder::outlook(label));
        for decoder in own.into_iter().chain(clients) {
            if !decoders.contains(&decoder) {
                decoders.push(decoder);
                used.extend(decoder.encoding(head));
                out.push(decoder.decode(head).into_owned());
            }
        }
    }
    if let Some((enc, len)) = Encoding::for_bom(head)
        && !used.contains(&enc)
    {
        used.push(enc);
        out.push(decode(enc, head.get(len..).unwrap_or_default()));
    }
    if primary == Decoder::Unlabelled
        && let Some(enc) = detected(head)
        && !used.contains(&enc)
    {
        used.push(enc);
        out.push(decode(enc, head));
    }
    if memchr::memchr(0x1B, head).is_some()
        && !labels().any(is_iso_2022)
        && !used.contains(&ISO_2022_JP)
    {
        used.push(ISO_2022_JP);
        out.push(decode(ISO_2022_JP, head));
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

/// Bytes of a text the charset detector reads at most: enough for its
/// guess, and a bound on its cost (it scores some 27 encodings at once).
const DETECT_BYTES: usize = 64 * 1024;

/// The encoding Thunderbird's detector (chardetng, which it runs on a
/// text part without a usable charset) guesses for `head`, when the text
/// gives it something to go on: 8-bit bytes that are not UTF-8, or ESC.
/// `None` for ASCII or UTF-8 text, which every reader reads alike.
fn detected(head: &[u8]) -> Option<&'static Encoding> {
    let esc = memchr::memchr(0x1B, head).is_some();
    if !esc && (head.is_ascii() || std::str::from_utf8(head).is_ok()) {
        return None;
    }
    let mut detector = EncodingDetector::new(Iso2022JpDetection::Allow);
    let prefix = head.get(..DETECT_BYTES).unwrap_or(head);
    detector.feed(prefix, prefix.len() == head.len());
    Some(detector.guess(None, Utf8Detection::Allow))
}

/// `text` (a header field's reading) read as ISO-2022-JP when it holds
/// ESC: what Thunderbird's detector makes of such a field. `None` without
/// ESC.
pub(crate) fn iso_2022_jp_reading(text: &str) -> Option<String> {
    text.contains('\x1b')
        .then(|| decode(ISO_2022_JP, text.as_bytes()))
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
        assert_eq!(other_decodings(&utf16, None, &[], false), ["wire"]);
        assert_eq!(
            other_decodings(&utf16, Some("x-unknown"), &[], false),
            ["wire"]
        );
        // A known label: the `charset` crate already followed the BOM.
        assert!(other_decodings(&utf16, Some("iso-8859-1"), &[], false).is_empty());
        assert!(other_decodings(b"plain", None, &[], false).is_empty());
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
        let other = other_decodings(&html, None, &[], true);
        assert_eq!(other.len(), 1);
        assert!(other[0].ends_with("<body>\u{43f}\u{43b}\u{430}\u{442}\u{451}\u{436}"));
        // The header says it too, or the part is not HTML: nothing more.
        assert!(other_decodings(&html, Some("cp1251"), &[], true).is_empty());
        assert!(other_decodings(&html, Some("iso-8859-1"), &[], false).is_empty());
        // A header naming another charset: the meta is a second reading.
        assert_eq!(
            other_decodings(&html, Some("iso-8859-1"), &[], true).len(),
            1
        );
    }

    fn utf16be(text: &str) -> Vec<u8> {
        text.encode_utf16().flat_map(u16::to_be_bytes).collect()
    }

    #[test]
    fn a_replacement_label_reads_as_no_label() {
        for label in [
            "iso-2022-kr",
            "csiso2022kr",
            "hz-gb-2312",
            "iso-2022-cn",
            "replacement",
        ] {
            assert_eq!(
                Decoder::for_label(Some(label)),
                Decoder::Unlabelled,
                "{label}"
            );
            assert_eq!(
                Decoder::for_label(Some(label)).decode(b"wire transfer"),
                "wire transfer"
            );
        }
    }

    #[test]
    fn thunderbird_aliases_give_their_own_reading() {
        let be = utf16be("wire transfer");
        // csunicode: UTF-16LE in the Encoding Standard, UTF-16BE to
        // Thunderbird.
        assert_eq!(
            other_decodings(&be, Some("csunicode"), &[], false),
            ["wire transfer"]
        );
        assert_eq!(
            other_decodings(&be, Some("CSUnicode11"), &[], false),
            ["wire transfer"]
        );
        assert_eq!(
            other_decodings(b"wire+ACA-transfer", Some("unicode-2-0-utf-7"), &[], false),
            ["wire transfer"]
        );
        // Where the two agree, nothing more.
        assert!(other_decodings(b"x", Some("utf-7"), &[], false).is_empty());
        assert_eq!(Decoder::thunderbird("gb2312"), None);
        assert_eq!(Decoder::thunderbird("iso-8859-1"), None);
    }

    #[test]
    fn every_charset_of_the_parameters_decodes_the_text() {
        let be = utf16be("wire transfer");
        let others = ["utf-16be".to_owned()];
        assert_eq!(
            other_decodings(&be, Some("us-ascii"), &others, false),
            ["wire transfer"]
        );
        // Each once, with its aliases.
        let more: Vec<String> = ["utf-16be", "csunicode", "koi8-r"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        assert_eq!(
            other_decodings(&be, Some("us-ascii"), &more, false).len(),
            3
        );
    }

    #[test]
    fn esc_without_an_iso_2022_label_reads_as_iso_2022_jp() {
        let text = b"wi\x1b(Bre tr\x1b$B!!\x1b(Bansfer";
        assert_eq!(
            other_decodings(text, None, &[], false),
            ["wire tr\u{3000}ansfer"]
        );
        assert_eq!(other_decodings(text, Some("us-ascii"), &[], false).len(), 1);
        assert!(other_decodings(text, Some("iso-2022-jp"), &[], false).is_empty());
        assert!(other_decodings(b"no escape", None, &[], false).is_empty());
    }

    #[test]
    fn an_unlabelled_8bit_text_reads_as_the_detector_guesses() {
        // Shift_JIS: 0x8140 is the ideographic space; Japanese text
        // around it makes the guess.
        let mut sjis = encoding_rs::SHIFT_JIS
            .encode("\u{304a}\u{5ba2}\u{69d8}\u{3078}\u{3001}\u{3054}\u{9023}\u{7d61}\u{3067}\u{3059}\u{3002}")
            .0
            .into_owned();
        sjis.extend_from_slice(b"wire\x81\x40transfer");
        let other = other_decodings(&sjis, None, &[], false);
        assert!(
            other.iter().any(|t| t.ends_with("wire\u{3000}transfer")),
            "{other:?}"
        );
        // A label: no guess.
        assert!(other_decodings(&sjis, Some("windows-1252"), &[], false).is_empty());
        // UTF-8 or ASCII: nothing to guess.
        assert!(other_decodings("caf\u{e9}".as_bytes(), None, &[], false).is_empty());
    }
}
