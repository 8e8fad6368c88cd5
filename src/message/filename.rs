//! Attachment filenames: every plausible name a part carries, decoded the
//! ways real mail clients decode them, and Windows' own normalisation.
//!
//! Pure: bytes in, strings out. Sources followed: RFC 2045 §5.1 (parameter
//! syntax), RFC 2183 (Content-Disposition `filename`), RFC 2231 (parameter
//! value continuations, charsets and languages), RFC 2047 (encoded words,
//! which RFC 2047 §5 forbids inside quoted strings but which Outlook,
//! Thunderbird and most webmailers send and decode anyway), and the
//! Windows naming rules ("Naming Files, Paths, and Namespaces": trailing
//! dots and spaces are dropped, names are case-insensitive).
//!
//! A filter must see every name a recipient's client might use, so where
//! decoders disagree all their answers are kept: the parameters are read
//! twice, once by our own byte tokenizer (which keeps raw 8-bit bytes and
//! the value as written) and once by mailparse (which decodes encoded words
//! over the whole header before splitting parameters, as some clients do).

use std::borrow::Cow;

use charset::Charset;

use super::encoded_word::decode_lenient;
use super::parse::decoded_field_value;
use super::windows::windows_views;

/// Names kept per part at most; a header cannot make the list grow
/// without bound.
const MAX_NAMES: usize = 64;

/// RFC 2231 continuation segments assembled per parameter at most.
const MAX_SEGMENTS: usize = 256;

/// Bidi and zero-width control characters found in `name`, each once, in
/// the order first met.
///
/// Bidi controls (Unicode UAX #9): U+061C ARABIC LETTER MARK, U+200E/U+200F
/// LRM/RLM, U+202A..U+202E embeddings and overrides (the "RLO trick" that
/// shows `gpj.exe` as `exe.jpg`), U+2066..U+2069 isolates. Invisible
/// characters: U+200B..U+200D zero-width space/non-joiner/joiner, U+2060..
/// U+2064 word joiner and invisible operators, U+206A..U+206F deprecated
/// format characters, U+FEFF zero-width no-break space, U+180E Mongolian
/// vowel separator, U+00AD soft hyphen, U+034F combining grapheme joiner,
/// the Hangul fillers U+115F, U+1160, U+3164, U+FFA0, and U+FFF9..U+FFFB
/// interlinear annotation controls.
pub fn suspicious_chars(name: &str) -> Vec<char> {
    let mut found: Vec<char> = Vec::new();
    for c in name.chars() {
        if is_suspicious(c) && !found.contains(&c) {
            found.push(c);
        }
    }
    found
}

pub(crate) fn is_suspicious(c: char) -> bool {
    matches!(
        c,
        '\u{061C}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{FEFF}'
            | '\u{180E}'
            | '\u{00AD}'
            | '\u{034F}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{3164}'
            | '\u{FFA0}'
            | '\u{FFF9}'..='\u{FFFB}'
    )
}

/// The raw header values a part's names come from (as written, folded,
/// 8-bit bytes untouched), one entry per field.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct NameFields<'a> {
    /// `Content-Disposition` values (RFC 2183 `filename`).
    pub(crate) dispositions: &'a [&'a [u8]],
    /// `Content-Type` values (RFC 2045 `name`; also the `name` of
    /// message/external-body, RFC 2046 §5.2.3.2).
    pub(crate) types: &'a [&'a [u8]],
    /// Fields whose whole value is a name: `Content-Name:` and
    /// `X-Sun-Data-Name:`, which Thunderbird's libmime reads
    /// (`MimeHeaders_get_name` in mimehdrs.cpp).
    pub(crate) plain: &'a [&'a [u8]],
    /// `Content-Location:` values (RFC 2557 §4): the last path segment of
    /// the URI is the name Apple Mail and Outlook give an MHTML part.
    pub(crate) locations: &'a [&'a [u8]],
}

/// The names found and which cap cut the reading short, if any.
#[derive(Debug, Default)]
pub(crate) struct Names {
    /// In order of preference, without duplicates, at most 64.
    pub(crate) names: Vec<String>,
    /// The cap reached, one line: more than 256 RFC 2231 sections in one
    /// parameter (the rest were not assembled), or more distinct names
    /// than are kept. The names found before the cap are all kept.
    pub(crate) cut: Option<String>,
}

/// Every plausible filename of a part, in order of preference and without
/// duplicates: first from the `Content-Disposition` fields' `filename`
/// parameter (then their `name`), then from the `Content-Type` fields'
/// `name` parameter (then their `filename`), then `Content-Name:`,
/// `X-Sun-Data-Name:` and the last segment of `Content-Location:`.
///
/// For each parameter every reading some client makes counts: RFC 2231
/// (`filename*=`, continuations `filename*0*=` assembled by index, in order
/// of appearance and up to the first gap; charsets), RFC 2047 encoded
/// words (also inside quoted strings, with a language tag, unpadded, in
/// UTF-16 or UTF-32), raw 8-bit bytes as UTF-8 or, when not valid UTF-8,
/// as Windows-1252 and Latin-1, the value as written when quoted-pair
/// unescaping changed it (Netscape wrote `"C:\TEMP\x.png"` unescaped), a
/// quoted string with the text after it (`"a".exe` is `a` and `a.exe`), an
/// unquoted value with and without what follows a `;` in it (`a;.exe`),
/// junk in the parameter name (`filename()=`, `filename E=`), every
/// duplicate, a name cut at a NUL, the last path component of a name
/// carrying `\` or `/`, and Windows' views of each name (see
/// `windows_views`).
pub(crate) fn part_names(fields: NameFields<'_>) -> Names {
    let mut out = Names::default();
    // RFC 2183 names `filename` and RFC 2045 `name`, but mailers put
    // either in either field, and clients read them.
    let params = fields
        .dispositions
        .iter()
        .flat_map(|raw| [(raw, "filename"), (raw, "name")])
        .chain(
            fields
                .types
                .iter()
                .flat_map(|raw| [(raw, "name"), (raw, "filename")]),
        );
    for (raw, base) in params {
        if names_from_field(raw, base, &mut out.names) {
            out.cut = Some(format!(
                "a {base} parameter of more than {MAX_SEGMENTS} RFC 2231 sections"
            ));
        }
    }
    for raw in fields.plain {
        let unfolded = unfold(raw);
        let value = trim_bytes(&unfolded);
        let value = value
            .strip_prefix(b"\"")
            .map_or(value, |v| v.strip_suffix(b"\"").unwrap_or(v));
        push_decoded(&mut out.names, value);
    }
    for raw in fields.locations {
        if let Some(segment) = location_name(raw) {
            push_decoded(&mut out.names, &segment);
        }
    }
    if out.cut.is_none() && out.names.len() > MAX_NAMES {
        out.cut = Some(format!("more than {MAX_NAMES} distinct filenames"));
    }
    out.names.truncate(MAX_NAMES);
    out
}

/// The last path segment of a `Content-Location:` URI (RFC 2557 §4.4.2:
/// folding and spaces inside it are dropped; quotes and angle brackets
/// around it too), without its query or fragment, percent-decoded.
fn location_name(raw: &[u8]) -> Option<Vec<u8>> {
    let uri: Vec<u8> = raw
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace() && !matches!(b, b'"' | b'<' | b'>'))
        .collect();
    let path_end = uri
        .iter()
        .position(|&b| b == b'?' || b == b'#')
        .unwrap_or(uri.len());
    let path = uri.get(..path_end)?;
    let segment = match path.iter().rposition(|&b| b == b'/' || b == b'\\') {
        Some(p) => path.get(p + 1..)?,
        None => path,
    };
    (!segment.is_empty()).then(|| percent_decode(segment))
}

/// Adds `name` to `names` unless empty, blank, already there or the list is
/// full; also adds its last path component.
pub(crate) fn push_name(names: &mut Vec<String>, name: &str) {
    // C readers (MAPI, libmime) end a name at a NUL; others keep it all.
    if let Some((cut, _)) = name.split_once('\0') {
        push_name(names, cut);
    }
    push_one(names, name);
    let last = match name.rfind(['\\', '/']) {
        Some(pos) => {
            let last = name.get(pos + 1..).unwrap_or("");
            push_one(names, last);
            last
        }
        None => name,
    };
    for view in windows_views(last) {
        push_one(names, &view);
    }
}

/// Keeps one name more than [`MAX_NAMES`], so that [`part_names`] can tell
/// a full list from a cut one.
fn push_one(names: &mut Vec<String>, name: &str) {
    if names.len() > MAX_NAMES || name.trim().is_empty() || names.iter().any(|n| n == name) {
        return;
    }
    names.push(name.to_owned());
}

/// The strings raw 8-bit `bytes` plausibly stand for: UTF-8 when valid
/// (RFC 6532), else Windows-1252 (what Outlook writes and what browsers
/// read "ISO-8859-1" as, per the WHATWG Encoding Standard) and true
/// Latin-1 when the two differ.
pub(crate) fn raw_candidates(bytes: &[u8]) -> Vec<String> {
    match std::str::from_utf8(bytes) {
        Ok(s) => vec![s.to_owned()],
        Err(_) => {
            let cp1252 = decode_with(b"windows-1252", bytes);
            let latin1 = charset::decode_latin1(bytes).into_owned();
            if cp1252 == latin1 {
                vec![cp1252]
            } else {
                vec![cp1252, latin1]
            }
        }
    }
}

fn decode_with(label: &[u8], bytes: &[u8]) -> String {
    match Charset::for_label(label) {
        Some(cs) => cs.decode_without_bom_handling(bytes).0.into_owned(),
        None => String::from_utf8_lossy(bytes).into_owned(),
    }
}

/// One parameter as written: lower-case name, value with quotes removed and
/// quoted pairs unescaped, and the value as written when that differs.
#[derive(PartialEq, Eq)]
struct Param {
    key: String,
    value: Vec<u8>,
    as_written: Option<Vec<u8>>,
}

/// Pushes the names `base` (`filename` or `name`) gives in one raw field
/// value; returns true when RFC 2231 sections were cut at the cap.
fn names_from_field(raw: &[u8], base: &str, names: &mut Vec<String>) -> bool {
    let unfolded = unfold(raw);
    let params = tokenize(&unfolded);

    // Plain `base=value`, every duplicate.
    for p in params.iter().filter(|p| p.key == base) {
        push_decoded(names, &p.value);
        if let Some(w) = &p.as_written {
            push_decoded(names, w);
        }
    }
    // RFC 2231 §4: `base*=charset'lang'percent-encoded`.
    let extended = format!("{base}*");
    for p in params.iter().filter(|p| p.key == extended) {
        let (charset, octets) = split_extended(&p.value);
        push_charset_decoded(names, charset, &octets);
    }
    // RFC 2231 §3: `base*0=`, `base*1*=`...
    let mut segments: Vec<Segment<'_>> = params
        .iter()
        .filter_map(|p| {
            let rest = p.key.strip_prefix(base)?.strip_prefix('*')?;
            let (digits, encoded) = match rest.strip_suffix('*') {
                Some(d) => (d, true),
                None => (rest, false),
            };
            let index: u32 = digits.parse().ok()?;
            Some(Segment {
                index,
                encoded,
                value: p.value.as_slice(),
            })
        })
        .collect();
    let cut = segments.len() > MAX_SEGMENTS;
    segments.truncate(MAX_SEGMENTS);
    if !segments.is_empty() {
        let appearance: Vec<&Segment<'_>> = segments.iter().collect();
        // By index as RFC 2231 §3 says (a stable sort keeps duplicates in
        // order of appearance)...
        let mut by_index = appearance.clone();
        by_index.sort_by_key(|s| s.index);
        assemble(names, by_index.iter().copied());
        // ...in order of appearance (some readers append as they go)...
        assemble(names, appearance.iter().copied());
        // ...and by index up to the first gap or duplicate, where
        // Thunderbird stops (nsMIMEHeaderParamImpl.cpp).
        let contiguous = by_index
            .iter()
            .enumerate()
            .take_while(|(i, s)| u32::try_from(*i).is_ok_and(|i| i == s.index))
            .count();
        assemble(names, by_index.iter().copied().take(contiguous));
    }
    // mailparse's reading: encoded words decoded over the whole field, then
    // parameters split, RFC 2231 applied. The value is read as a whole
    // field, as it always was: only a value with a colon in it gives a
    // name here (what precedes the colon is taken for a field name).
    if let Some(value) = decoded_field_value(&unfolded) {
        let parsed = mailparse::parse_content_type(&value);
        if let Some(v) = parsed.params.get(base) {
            push_name(names, v);
        }
    }
    cut
}

/// One RFC 2231 §3 section: `name*<index>[*]=value`.
struct Segment<'a> {
    index: u32,
    encoded: bool,
    value: &'a [u8],
}

/// The sections joined in the order given: the first encoded section's
/// `charset'lang'` prefix names the charset of the whole.
fn assemble<'s, 'a: 's>(names: &mut Vec<String>, segments: impl Iterator<Item = &'s Segment<'a>>) {
    let mut charset: &[u8] = b"";
    let mut octets = Vec::new();
    for (i, s) in segments.enumerate() {
        if s.encoded {
            let value = if i == 0 {
                let (cs, rest) = split_charset(s.value);
                charset = cs;
                rest
            } else {
                s.value
            };
            octets.extend(percent_decode(value));
        } else {
            octets.extend_from_slice(s.value);
        }
    }
    push_charset_decoded(names, charset, &octets);
}

/// Every value of parameter `key` (lower case) in one raw Content-Type or
/// Content-Disposition value, in order, as read: quotes removed, quoted
/// pairs unescaped, blanks inside quotes kept, comments in the name
/// dropped. For the `boundary` and `number`/`total` parameters.
pub(crate) fn param_values(raw: &[u8], key: &str) -> Vec<Vec<u8>> {
    tokenize(&unfold(raw))
        .into_iter()
        .filter(|p| p.key == key)
        .map(|p| p.value)
        .collect()
}

/// Decodes RFC 2047 encoded words in `value` if any (mailparse's reading
/// and the lenient one of `decode_lenient`), else takes its bytes as raw
/// 8-bit; pushes every candidate.
fn push_decoded(names: &mut Vec<String>, value: &[u8]) {
    for candidate in raw_candidates(value) {
        if candidate.contains("=?") {
            let decoded = decode_encoded_words(&candidate);
            let lenient = decode_lenient(&candidate);
            push_name(names, &decoded);
            if let Some(l) = &lenient {
                push_name(names, l);
            }
            if decoded != candidate || lenient.is_some() {
                continue;
            }
        }
        push_name(names, &candidate);
    }
}

fn push_charset_decoded(names: &mut Vec<String>, charset: &[u8], octets: &[u8]) {
    if let Some(utf32) = std::str::from_utf8(charset)
        .ok()
        .filter(|c| c.to_ascii_lowercase().starts_with("utf-32"))
        .and_then(|c| super::encoded_word::decode_charset(c, octets))
    {
        push_name(names, &utf32);
    }
    // A label of the Encoding Standard's "replacement" encoding would
    // make the name one U+FFFD: read as no label, as Thunderbird shows it.
    let known = if charset.is_empty() {
        None
    } else {
        Charset::for_label(charset)
            .filter(|cs| *cs != Charset::for_encoding(encoding_rs::REPLACEMENT))
    };
    match known {
        Some(cs) => {
            let decoded = cs.decode_without_bom_handling(octets).0;
            push_name(names, &decoded);
            // A mislabelled charset (UTF-8 bytes labelled ISO-8859-1 is
            // common) still shows its real name in some clients.
            if cs.name() != "UTF-8"
                && let Ok(s) = std::str::from_utf8(octets)
            {
                push_name(names, s);
            }
        }
        None => {
            for c in raw_candidates(octets) {
                push_name(names, &c);
            }
        }
    }
}

/// RFC 2047 encoded words in `text`, decoded as a header field's value is
/// (the strict reading, mailparse's: words between blanks or specials,
/// also inside quotes).
pub(crate) fn decode_encoded_words(text: &str) -> String {
    let mut field = Vec::with_capacity(text.len() + 3);
    field.extend_from_slice(b"X: ");
    field.extend_from_slice(text.as_bytes());
    decoded_field_value(&field).unwrap_or_else(|| text.to_owned())
}

/// `charset'language'rest` split as RFC 2231 §4 says; a value without the
/// two quotes is taken as percent-encoded with no charset.
pub(crate) fn split_extended(value: &[u8]) -> (&[u8], Vec<u8>) {
    let (charset, rest) = split_charset(value);
    (charset, percent_decode(rest))
}

fn split_charset(value: &[u8]) -> (&[u8], &[u8]) {
    let mut it = value.splitn(3, |&b| b == b'\'');
    match (it.next(), it.next(), it.next()) {
        (Some(cs), Some(_lang), Some(rest)) => (cs, rest),
        _ => (b"", value),
    }
}

/// `%XX` escapes decoded; a `%` not followed by two hex digits is kept.
fn percent_decode(value: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(value.len());
    let mut i = 0;
    while let Some(&b) = value.get(i) {
        if b == b'%'
            && let (Some(h), Some(l)) = (
                value.get(i + 1).and_then(|c| hex(*c)),
                value.get(i + 2).and_then(|c| hex(*c)),
            )
        {
            out.push(h << 4 | l);
            i += 3;
            continue;
        }
        out.push(b);
        i += 1;
    }
    out
}

fn hex(c: u8) -> Option<u8> {
    (c as char).to_digit(16).and_then(|d| u8::try_from(d).ok())
}

/// Folding removed (RFC 5322 §2.2.3): CR and LF dropped where a line break
/// is followed by white space; any other CR or LF becomes a space.
pub(crate) fn unfold(raw: &[u8]) -> Cow<'_, [u8]> {
    if !raw.iter().any(|&b| b == b'\r' || b == b'\n') {
        return Cow::Borrowed(raw);
    }
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while let Some(&b) = raw.get(i) {
        if b == b'\r' || b == b'\n' {
            let mut j = i;
            while matches!(raw.get(j), Some(b'\r' | b'\n')) {
                j += 1;
            }
            if !matches!(raw.get(j), Some(b' ' | b'\t')) {
                out.push(b' ');
            }
            i = j;
            continue;
        }
        out.push(b);
        i += 1;
    }
    Cow::Owned(out)
}

/// The `;`-separated parameters of an unfolded Content-Type or
/// Content-Disposition value (RFC 2045 §5.1), read leniently: quoted
/// strings with quoted pairs, unquoted values running to the next `;`
/// (spaces included, as mailers write `name=my file.exe`), comments
/// skipped, an unterminated quote running to the end.
///
/// Where the type ends is read two ways, and the parameters of both
/// count: at the first `;` outside quotes (RFC 2045), and at the first `;`
/// or `,` as Gecko's `nsMIMEHeaderParamImpl` (Thunderbird) reads it, which
/// with neither takes parameters from the start of the value
/// (`Content-Disposition: filename="a.exe"`, a type left out, as "broken
/// servers" write it; Python's `get_filename` reads it too).
fn tokenize(value: &[u8]) -> Vec<Param> {
    let mut starts = Vec::with_capacity(2);
    if let Some(semi) = find_unquoted_semicolon(value, 0) {
        starts.push(semi + 1);
    }
    let gecko = value
        .iter()
        .position(|b| matches!(b, b';' | b','))
        .map_or(0, |at| at + 1);
    if !starts.contains(&gecko) {
        starts.push(gecko);
    }
    let mut params: Vec<Param> = Vec::new();
    for start in starts {
        for p in params_from(value, start) {
            if !params.contains(&p) {
                params.push(p);
            }
        }
    }
    params
}

/// The parameters of `value` from byte `i` on (see [`tokenize`]).
fn params_from(value: &[u8], mut i: usize) -> Vec<Param> {
    let mut params = Vec::new();
    while i < value.len() {
        // Key.
        while matches!(value.get(i), Some(b' ' | b'\t' | b';')) {
            i += 1;
        }
        let key_start = i;
        while let Some(&b) = value.get(i) {
            if b == b'=' || b == b';' {
                break;
            }
            i += 1;
        }
        let key = clean_key(value.get(key_start..i).unwrap_or(b""));
        if value.get(i) != Some(&b'=') {
            continue;
        }
        i += 1;
        while matches!(value.get(i), Some(b' ' | b'\t')) {
            i += 1;
        }
        let mut other = None;
        let (v, as_written, next) = if value.get(i) == Some(&b'"') {
            let (v, as_written, next) = read_quoted(value, i + 1);
            // `"a".exe`: readers that join the text after the quote see
            // `a.exe` (quotes inside it dropped: `"a"".exe"`).
            let end = find_unquoted_semicolon(value, next).unwrap_or(value.len());
            let trailing = trim_bytes(value.get(next..end).unwrap_or(b""));
            if !trailing.is_empty() {
                let mut joined = v.clone();
                joined.extend(trailing.iter().filter(|&&b| b != b'"'));
                other = Some(joined);
            }
            (v, as_written, next)
        } else {
            let end = find_unquoted_semicolon(value, i).unwrap_or(value.len());
            let v = trim_bytes(value.get(i..end).unwrap_or(b"")).to_vec();
            // `a;.exe`: a reader taking the value up to the next
            // parameter (not the next `;`) sees `a;.exe`.
            let mut wide = end;
            while wide < value.len() && !starts_parameter(value, wide + 1) {
                wide = find_unquoted_semicolon(value, wide + 1).unwrap_or(value.len());
            }
            if wide != end {
                other = Some(trim_bytes(value.get(i..wide).unwrap_or(b"")).to_vec());
            }
            (v, None, end)
        };
        if !key.is_empty() {
            if let Some(o) = other {
                params.push(Param {
                    key: key.clone(),
                    value: o,
                    as_written: None,
                });
            }
            params.push(Param {
                key,
                value: v,
                as_written,
            });
        }
        i = next;
        // Anything after a closing quote up to the next `;` is ignored.
        if let Some(semi) = find_unquoted_semicolon(value, i) {
            i = semi + 1;
        } else {
            break;
        }
    }
    params
}

/// A parameter name as lenient readers take it: comments dropped
/// (`filename()` is `filename`, RFC 822 §3.4.3), then the first word
/// (`filename E` is `filename`, as Thunderbird reads it), lower case.
fn clean_key(raw: &[u8]) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for c in String::from_utf8_lossy(raw).chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace()
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// True when `value[at..]` begins (after blanks) with `token=` or
/// `token*...=`: the start of another parameter.
fn starts_parameter(value: &[u8], at: usize) -> bool {
    let rest = value.get(at..).unwrap_or(b"");
    let rest = trim_bytes(rest);
    let name = rest
        .iter()
        .take_while(|&&b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'*' | b'.'))
        .count();
    name > 0
        && rest
            .get(name..)
            .is_some_and(|r| trim_bytes(r).first() == Some(&b'='))
}

/// Reads a quoted string starting after its opening quote; returns the
/// unescaped value, the value as written when it differs, and the index
/// after the closing quote.
fn read_quoted(value: &[u8], mut i: usize) -> (Vec<u8>, Option<Vec<u8>>, usize) {
    let start = i;
    let mut out = Vec::new();
    let mut escaped = false;
    while let Some(&b) = value.get(i) {
        match b {
            b'"' => {
                let written = value.get(start..i).unwrap_or(b"").to_vec();
                let as_written = escaped.then_some(written);
                return (out, as_written, i + 1);
            }
            b'\\' => {
                escaped = true;
                if let Some(&n) = value.get(i + 1) {
                    out.push(n);
                    i += 2;
                    continue;
                }
            }
            _ => out.push(b),
        }
        i += 1;
    }
    let written = value.get(start..).unwrap_or(b"").to_vec();
    (out, escaped.then_some(written), value.len())
}

fn find_unquoted_semicolon(value: &[u8], from: usize) -> Option<usize> {
    let mut in_quote = false;
    let mut comment = 0usize;
    let mut i = from;
    while let Some(&b) = value.get(i) {
        match b {
            b'\\' if in_quote => i += 1,
            b'"' if comment == 0 => in_quote = !in_quote,
            b'(' if !in_quote => comment += 1,
            b')' if !in_quote => comment = comment.saturating_sub(1),
            b';' if !in_quote && comment == 0 => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

fn trim_bytes(b: &[u8]) -> &[u8] {
    let start = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(b.len());
    let end = b
        .iter()
        .rposition(|c| !c.is_ascii_whitespace())
        .map_or(start, |e| e + 1);
    b.get(start..end).unwrap_or(b"")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(dispositions: &[&[u8]], types: &[&[u8]]) -> (Vec<String>, Option<String>) {
        let found = part_names(NameFields {
            dispositions,
            types,
            ..NameFields::default()
        });
        (found.names, found.cut)
    }

    fn names(cd: &str, ct: &str) -> Vec<String> {
        two(&[cd.as_bytes()], &[ct.as_bytes()])
    }

    fn two(dispositions: &[&[u8]], types: &[&[u8]]) -> Vec<String> {
        part_names(NameFields {
            dispositions,
            types,
            ..NameFields::default()
        })
        .names
    }

    #[test]
    fn disposition_first_then_type() {
        let n = names("attachment; filename=\"a.txt\"", "text/plain; name=b.exe");
        assert_eq!(n, ["a.txt", "b.exe"]);
    }

    #[test]
    fn rfc2231_continuations_with_charset() {
        let cd = "attachment;\r\n filename*0*=utf-8''Pr%C3%A4sen;\r\n filename*1*=tation%20;\r\n filename*2=\"GI.pdf\"";
        let n = two(&[cd.as_bytes()], &[]);
        assert_eq!(n.first().map(String::as_str), Some("Präsentation GI.pdf"));
    }

    #[test]
    fn rfc2231_segments_out_of_order_and_split_multibyte() {
        // RFC 2231 §3: order is by number, not by position; a UTF-8
        // sequence may be split across two segments.
        let cd = "attachment; filename*1*=%A4.exe; filename*0*=UTF-8'de'%C3";
        let n = two(&[cd.as_bytes()], &[]);
        assert_eq!(n.first().map(String::as_str), Some("ä.exe"));
        // Read in order of appearance too (no charset then: raw bytes).
        assert!(
            n.iter()
                .any(|n| n.starts_with("%A4.exe") || n.starts_with("¤.exe")),
            "{n:?}"
        );
    }

    #[test]
    fn rfc2231_single_extended_value_with_language() {
        let cd = "attachment; filename*=iso-8859-1'fr'caf%E9.scr";
        assert_eq!(two(&[cd.as_bytes()], &[]), ["café.scr"]);
    }

    #[test]
    fn rfc2231_replacement_label_reads_the_bytes() {
        // An 8-bit byte (not UTF-8) under iso-2022-kr: not one U+FFFD.
        let cd = "attachment; filename*=iso-2022-kr''caf%E9.exe";
        assert_eq!(two(&[cd.as_bytes()], &[]), ["caf\u{e9}.exe"]);
    }

    #[test]
    fn rfc2047_inside_quoted_string() {
        let n = names(
            "attachment; filename=\"=?UTF-8?B?0YTQsNC50LsuZXhl?=\"",
            "application/octet-stream",
        );
        assert_eq!(n, ["файл.exe"]);
    }

    #[test]
    fn rfc2047_split_words_and_q_encoding() {
        let n = names(
            "",
            "application/pdf; name=\"=?iso-8859-1?Q?Pr=E4sentation?= =?iso-8859-1?Q?_GI.PDF?=\"",
        );
        assert_eq!(n.first().map(String::as_str), Some("Präsentation GI.PDF"));
    }

    #[test]
    fn raw_latin1_bytes_give_both_readings() {
        let cd: &[u8] = b"attachment; filename=\"test \xe4 test1\"";
        let n = two(&[cd], &[]);
        assert!(n.contains(&"test ä test1".to_owned()), "{n:?}");
    }

    #[test]
    fn raw_cp1252_differs_from_latin1() {
        // 0x80 is the euro sign in Windows-1252 and a C1 control in Latin-1.
        let n = raw_candidates(b"\x80.exe");
        assert_eq!(n, ["€.exe", "\u{80}.exe"]);
    }

    #[test]
    fn raw_utf8_bytes_kept() {
        let cd = "attachment; filename=\"사진.JPG\"";
        assert_eq!(two(&[cd.as_bytes()], &[]), ["사진.JPG"]);
    }

    #[test]
    fn quoted_pairs_and_paths() {
        let ct = "image/png; name=\"C:\\TEMP\\nsmailEG.png\"";
        let n = two(&[], &[ct.as_bytes()]);
        for want in [
            "C:TEMPnsmailEG.png",
            "C:\\TEMP\\nsmailEG.png",
            "nsmailEG.png",
        ] {
            assert!(n.contains(&want.to_owned()), "{want} not in {n:?}");
        }
    }

    #[test]
    fn name_in_disposition_and_filename_in_type() {
        let n = names(
            "attachment; name*0=\"example4\"; name*1=\".txt\"",
            "application/octet-stream; filename=x.exe",
        );
        assert_eq!(n, ["example4.txt", "x.exe"]);
    }

    #[test]
    fn unquoted_value_with_spaces_and_comment() {
        let n = names("attachment (a comment); filename=my file.exe", "");
        assert_eq!(n, ["my file.exe"]);
    }

    #[test]
    fn unterminated_quote_runs_to_end() {
        let n = names("attachment; filename=\"evil.exe", "");
        assert_eq!(n, ["evil.exe"]);
    }

    #[test]
    fn folded_value_unfolded() {
        let n = names("attachment;\r\n\tfilename=\"long\r\n name.doc\"", "");
        assert_eq!(n.first().map(String::as_str), Some("long name.doc"));
    }

    #[test]
    fn names_capped() {
        let mut cd = String::from("attachment");
        for i in 0..100 {
            cd.push_str(&format!("; filename=n{i}.txt"));
        }
        assert_eq!(names(&cd, "").len(), MAX_NAMES);
        let (kept, cut) = pair(&[cd.as_bytes()], &[]);
        assert_eq!(kept.first().map(String::as_str), Some("n0.txt"));
        assert!(cut.is_some_and(|c| c.contains("distinct filenames")));
    }

    #[test]
    fn exactly_max_names_is_no_cut() {
        let mut cd = String::from("attachment");
        for i in 0..MAX_NAMES {
            cd.push_str(&format!("; filename=n{i}.txt"));
        }
        assert_eq!(pair(&[cd.as_bytes()], &[]), (names(&cd, ""), None));
    }

    #[test]
    fn rfc2231_sections_beyond_the_cap_are_reported() {
        let mut cd = String::from("attachment");
        for i in 0..=MAX_SEGMENTS {
            cd.push_str(&format!("; filename*{i}=a"));
        }
        let (kept, cut) = pair(&[cd.as_bytes()], &[]);
        assert!(kept.iter().any(|n| n.len() == MAX_SEGMENTS), "{kept:?}");
        assert!(cut.is_some_and(|c| c.contains("RFC 2231")));
        let mut at_cap = String::from("attachment");
        for i in 0..MAX_SEGMENTS {
            at_cap.push_str(&format!("; filename*{i}=a"));
        }
        assert_eq!(pair(&[at_cap.as_bytes()], &[]).1, None);
    }

    #[test]
    fn no_name_no_names() {
        assert!(names("inline", "text/plain; charset=us-ascii").is_empty());
        assert!(names("attachment; filename=\"  \"", "").is_empty());
    }

    #[test]
    fn bidi_and_zero_width_found() {
        assert_eq!(suspicious_chars("invoice\u{202E}gpj.exe"), vec!['\u{202E}']);
        assert_eq!(
            suspicious_chars("a\u{200B}b\u{FEFF}c\u{200B}\u{2067}"),
            vec!['\u{200B}', '\u{FEFF}', '\u{2067}']
        );
        assert_eq!(
            suspicious_chars("\u{061C}\u{200E}\u{200F}"),
            ['\u{061C}', '\u{200E}', '\u{200F}']
        );
        assert!(suspicious_chars("plain ünïcode name.pdf").is_empty());
    }

    #[test]
    fn hostile_parameters_do_not_panic() {
        for cd in [
            "attachment; filename*0*=%",
            "attachment; filename*=''",
            "attachment; filename*99999999999999999999=x",
            "attachment; filename=\"\\",
            "; ; ; =; ==; filename",
            "attachment; filename*0*=x'y; filename*0=z",
            "attachment; filename=?=?=?=?=",
            "attachment; filename==?utf-8?B?====?=",
        ] {
            let _ = names(cd, cd);
        }
    }
}
