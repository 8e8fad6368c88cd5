//! Office documents saved as one XML (or MHTML) file, and the ActiveMime
//! blobs that carry their macros.
//!
//! Pure. What counts:
//! - Flat OPC (Word's and Excel's "XML Document", `<pkg:package>`): a
//!   `pkg:part` whose name is a macro part (`/word/vbaProject.bin`) or
//!   whose content type is a VBA project or macro sheet; every part's
//!   base64 `pkg:binaryData` that is a document itself (OLE2, ZIP, RTF,
//!   ActiveMime; inflated first when the part says `pkg:compression=
//!   "deflate..."`) is examined as an embedded one;
//! - Word 2003 XML (`<w:wordDocument>`): every `w:binData` (Word keeps the
//!   VBA project in the one named `editdata.mso`) that decodes to a
//!   document or an ActiveMime blob;
//! - flat OpenDocument (`.fodt`, `.fods`, `.fodp`): a Basic module
//!   (`<ooo:module>`) in a library embedded in `<office:scripts>`;
//! - a remote template: a relationship of type `attachedTemplate` with
//!   `TargetMode="External"` (a `.rels` part, flat or zipped), a Word 2003
//!   `<w:attachedTemplate w:val="http://...">`: Word fetches the template,
//!   and the macros in it, when the document opens;
//! - in any text file (MHTML, a Word 2003 document, a mail part), a base64
//!   block that starts an ActiveMime blob (`QWN0aXZlTWltZ`, as MHTML stores
//!   `editdata.mso`), or a quoted-printable one (a line that starts
//!   `ActiveMime`).
//!
//! Elements are matched by their local name: an XML reader resolves the
//! prefix, which the document chooses. Character references, CDATA
//! sections, comments and UTF-16 are read as an XML parser reads them.
//! An ActiveMime blob ([olevba]'s `mso_file_extract`: a header, then a
//! zlib stream at the offset the header gives, or at 0x32 or 0x22A) that
//! does not decompress is [`Unreadable::Malformed`].

use std::io::Read;

use flate2::read::{DeflateDecoder, ZlibDecoder};

use super::ooxml::{MACRO_TYPES, decode_xml, macro_part, resolve_references};
use super::{Budget, MacroKind, Macros, OfficeLimits, Unreadable, Verdict, examine_embedded};

/// The first bytes of an ActiveMime (MSO) blob.
pub(super) const ACTIVE_MIME: &[u8] = b"ActiveMime";

/// "ActiveMim" in base64, as a base64 block holding a blob starts.
const ACTIVE_MIME_BASE64: &[u8] = b"QWN0aXZlTWltZ";

/// The relationship type of a document's template (ECMA-376 Part 1
/// §17.18.4, and the strict namespace), matched at the end of `Type`.
const ATTACHED_TEMPLATE: &str = "/attachedtemplate";

/// True when `bytes` is an XML document an Office program opens as a
/// document (in UTF-8 or UTF-16): its root element, whatever its prefix,
/// is `package` (Flat OPC), `wordDocument` (Word 2003 XML) or `document`
/// (flat OpenDocument); or, when it is no HTML page, when it holds an
/// ActiveMime block (an MHTML document, whose ActiveMime part Word
/// reads). An HTML page (root `html`) is neither: this look would
/// otherwise cost a pass over every HTML part of every message.
pub(super) fn is_text_document(bytes: &[u8]) -> bool {
    let start = bytes.get(..ROOT_SEARCH).unwrap_or(bytes);
    let filtered: Vec<u8>;
    let head: &[u8] = if memchr::memchr(0, start).is_some()
        || start.first().is_some_and(|&b| b >= 0xEF)
    {
        // UTF-16 or a byte order mark: the ASCII of it.
        filtered = bytes
            .iter()
            .copied()
            .filter(|&b| b != 0 && b != 0xFF && b != 0xFE && b != 0xEF && b != 0xBB && b != 0xBF)
            .take(ROOT_SEARCH)
            .collect();
        &filtered
    } else {
        start
    };
    let first = head.iter().find(|b| !b.is_ascii_whitespace());
    if first == Some(&b'<') {
        match root_name(head) {
            Some(name) => {
                let local = name.rsplit(|&b| b == b':').next().unwrap_or(name);
                if matches!(local, b"package" | b"wordDocument" | b"document") {
                    return true;
                }
                if local.eq_ignore_ascii_case(b"html") {
                    return false;
                }
            }
            // The prolog runs past what is looked at: read it all.
            None if head.len() == ROOT_SEARCH => return true,
            None => {}
        }
    }
    carries_active_mime(bytes)
}

/// Bytes of a text looked at for its root element.
const ROOT_SEARCH: usize = 4096;

/// The name of the first element of an XML `text` (NULs of UTF-16 taken
/// out), past the XML declaration, processing instructions, comments and
/// the document type declaration; `None` when `text` ends first.
fn root_name(text: &[u8]) -> Option<&[u8]> {
    let mut at = 0usize;
    loop {
        let rest = text.get(at..)?;
        let lt = memchr::memchr(b'<', rest)?;
        let tag = rest.get(lt..)?;
        let skip_to = |end: &[u8]| memchr::memmem::find(tag, end).map(|e| lt + e + end.len());
        at += if tag.starts_with(b"<?") {
            skip_to(b"?>")?
        } else if tag.starts_with(b"<!--") {
            skip_to(b"-->")?
        } else if tag.starts_with(b"<!") {
            // A document type declaration, its internal subset included.
            match (memchr::memchr(b'[', tag), memchr::memchr(b'>', tag)) {
                (Some(open), Some(close)) if open < close => skip_to(b"]>")?,
                _ => skip_to(b">")?,
            }
        } else {
            let name = tag.get(1..)?;
            let end = name
                .iter()
                .position(|&b| b.is_ascii_whitespace() || b == b'/' || b == b'>')?;
            return name.get(..end);
        };
    }
}

/// True when `bytes` holds an ActiveMime blob as a MIME part body: base64
/// (`QWN0aXZlTWltZ`) or quoted-printable (`ActiveMime` at a line start).
pub(super) fn carries_active_mime(bytes: &[u8]) -> bool {
    memchr::memmem::find(bytes, ACTIVE_MIME_BASE64).is_some()
        || memchr::memmem::find(bytes, QP_ACTIVE_MIME).is_some()
}

/// A quoted-printable part body holding an ActiveMime blob starts so.
const QP_ACTIVE_MIME: &[u8] = b"\nActiveMime";

/// [`super::macros`] for an XML or text document at embedding `depth`.
pub(super) fn examine(
    bytes: &[u8],
    limits: &OfficeLimits,
    budget: &mut Budget,
    depth: usize,
) -> Result<Option<Macros>, Unreadable> {
    let mut verdict = Verdict::default();
    let text = decode_xml(bytes);
    match walk(&text, limits, budget, depth) {
        Ok(Some(found)) => return Ok(Some(found)),
        Ok(None) => {}
        Err(e) => verdict.note(e),
    }
    // Base64 ActiveMime blocks wherever they are (MHTML parts, text), and
    // quoted-printable ones (an MHTML part encoded so: from the line that
    // starts `ActiveMime` to the boundary line).
    let kinds: [(&[u8], usize, &str, Decoder); 2] = [
        (ACTIVE_MIME_BASE64, 0, "block", |t, cap| {
            base64(t, cap, true)
        }),
        (QP_ACTIVE_MIME, 1, "part", quoted_printable),
    ];
    for (marker, skip, what, decode) in kinds {
        if let Some(found) = blocks(
            bytes,
            marker,
            skip,
            what,
            decode,
            limits,
            budget,
            depth,
            &mut verdict,
        ) {
            return Ok(Some(found));
        }
    }
    verdict.finish()
}

/// A decoder of a text block: its bytes from the marker on, the most it
/// may give; the decoded bytes and how many bytes of the text it read.
type Decoder = fn(&[u8], usize) -> (Vec<u8>, usize);

/// Every ActiveMime blob `bytes` holds behind `marker` (`skip` bytes of
/// it before the block starts), each decoded by `decode` and examined; a
/// marker inside a block already decoded is part of that block (every
/// byte is decoded once). At most [`OfficeLimits::max_entries`] blocks,
/// then a limit in `verdict`. The first macro found, if any.
#[allow(clippy::too_many_arguments)]
fn blocks(
    bytes: &[u8],
    marker: &[u8],
    skip: usize,
    what: &str,
    decode: Decoder,
    limits: &OfficeLimits,
    budget: &mut Budget,
    depth: usize,
    verdict: &mut Verdict,
) -> Option<Macros> {
    let mut decoded_to = 0usize;
    let mut n = 0usize;
    for at in memchr::memmem::find_iter(bytes, marker) {
        if at < decoded_to {
            continue;
        }
        if n == limits.max_entries {
            verdict.note(Unreadable::Limit {
                what: format!("more than {} ActiveMime {what}s", limits.max_entries),
            });
            break;
        }
        n += 1;
        let block = bytes.get(at + skip..).unwrap_or_default();
        let (data, used) = decode(block, limits.max_part_bytes);
        decoded_to = at + skip + used.max(1);
        let here = format!("ActiveMime {what} {n}");
        match active_mime(&data, &here, limits, budget, depth) {
            Ok(Some(found)) => return Some(found),
            Ok(None) => {}
            Err(e) => verdict.note(e),
        }
    }
    None
}

/// A quoted-printable body (RFC 2045 §6.7) decoded up to the first line
/// that starts with `--` (the multipart boundary) or the end: `=XX` is a
/// byte, `=` at a line end a soft break, a hard line break is CRLF. At
/// most `cap` bytes; also returns how many bytes of `text` were read.
fn quoted_printable(text: &[u8], cap: usize) -> (Vec<u8>, usize) {
    let mut out = Vec::new();
    let mut i = 0usize;
    let hex = |b: u8| {
        char::from(b)
            .to_digit(16)
            .and_then(|d| u8::try_from(d).ok())
    };
    while let Some(&c) = text.get(i) {
        if out.len() >= cap {
            break;
        }
        match c {
            b'=' => match (text.get(i + 1), text.get(i + 2)) {
                (Some(b'\r'), Some(b'\n')) => i += 3,
                (Some(b'\n'), _) => i += 2,
                (Some(&h), Some(&l)) if hex(h).is_some() && hex(l).is_some() => {
                    out.push(hex(h).unwrap_or(0) << 4 | hex(l).unwrap_or(0));
                    i += 3;
                }
                _ => {
                    out.push(c);
                    i += 1;
                }
            },
            b'\r' | b'\n' => {
                let eol = if c == b'\r' && text.get(i + 1) == Some(&b'\n') {
                    2
                } else {
                    1
                };
                if text.get(i + eol..i + eol + 2) == Some(b"--") {
                    i += eol;
                    break;
                }
                out.extend_from_slice(b"\r\n");
                i += eol;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    (out, i)
}

/// An element start or end, as the walk sees it.
struct Tag<'a> {
    /// The local name (after any prefix).
    local: &'a str,
    /// Attributes: local name, value with references resolved.
    attributes: Vec<(&'a str, String)>,
    end: bool,
    empty: bool,
}

/// What the walk is inside of.
#[derive(Default)]
struct State {
    /// The root element's local name.
    root: Option<String>,
    /// The Flat OPC part being read: its name.
    part: Option<String>,
    /// Its `compression` attribute says it is stored deflated.
    deflated: bool,
    /// Base64 text being collected (`binaryData`, `binData`) and where.
    collecting: Option<(String, String)>,
    /// Inside `library-embedded` (depth counter).
    library: usize,
}

/// The elements of `text`, in order, acted on as the module doc says.
fn walk(
    text: &str,
    limits: &OfficeLimits,
    budget: &mut Budget,
    depth: usize,
) -> Result<Option<Macros>, Unreadable> {
    let mut verdict = Verdict::default();
    let mut state = State::default();
    let mut rest = text;
    let cap = limits.max_part_bytes.saturating_mul(4) / 3 + 4;
    while let Some(lt) = rest.find('<') {
        let before = &rest[..lt];
        rest = &rest[lt..];
        if let Some((_, collected)) = state.collecting.as_mut() {
            if collected.len() + before.len() > cap {
                return Err(Unreadable::Limit {
                    what: format!("base64 data of more than {} bytes", limits.max_part_bytes),
                });
            }
            collected.push_str(&resolve_references(before));
        }
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |e| &after[e + 3..]);
            continue;
        }
        if let Some(after) = rest.strip_prefix("<![CDATA[") {
            let end = after.find("]]>").unwrap_or(after.len());
            if let Some((_, collected)) = state.collecting.as_mut() {
                if collected.len() + end > cap {
                    return Err(Unreadable::Limit {
                        what: format!("base64 data of more than {} bytes", limits.max_part_bytes),
                    });
                }
                collected.push_str(&after[..end]);
            }
            rest = after.get(end + 3..).unwrap_or("");
            continue;
        }
        if rest.starts_with("<?") || rest.starts_with("<!") {
            rest = rest.find('>').map_or("", |e| &rest[e + 1..]);
            continue;
        }
        let Some((tag, after)) = tag(&rest[1..]) else {
            rest = &rest[1..];
            continue;
        };
        rest = after;
        match element(&tag, &mut state, limits, budget, depth) {
            Ok(Some(found)) => return Ok(Some(found)),
            Ok(None) => {}
            Err(e) => verdict.note(e),
        }
    }
    verdict.finish()
}

/// Acts on one element start or end.
fn element(
    tag: &Tag<'_>,
    state: &mut State,
    limits: &OfficeLimits,
    budget: &mut Budget,
    depth: usize,
) -> Result<Option<Macros>, Unreadable> {
    let local = tag.local.to_ascii_lowercase();
    let attribute = |name: &str| {
        tag.attributes
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    if tag.end {
        match local.as_str() {
            "binarydata" | "bindata" => {
                if let Some((at, collected)) = state.collecting.take() {
                    let (data, _) = base64(collected.as_bytes(), limits.max_part_bytes, false);
                    if state.deflated && !super::is_candidate(&data) {
                        // A part stored deflated: its bytes inflated first.
                        let inflated = budget.read(
                            DeflateDecoder::new(data.as_slice()),
                            limits.max_part_bytes,
                            &at,
                        )?;
                        return embedded(&inflated, &at, limits, budget, depth);
                    }
                    return embedded(&data, &at, limits, budget, depth);
                }
            }
            "part" => state.part = None,
            "library-embedded" => state.library = state.library.saturating_sub(1),
            _ => {}
        }
        return Ok(None);
    }
    if state.root.is_none() {
        state.root = Some(local.clone());
    }
    match local.as_str() {
        "part" if state.root.as_deref() == Some("package") => {
            let name = attribute("name").unwrap_or_default().to_owned();
            let content_type = attribute("contentType").unwrap_or_default();
            if let Some(kind) = macro_part(name.trim_start_matches('/')) {
                return Ok(Some(Macros {
                    kind,
                    location: name,
                }));
            }
            let lower = content_type.to_ascii_lowercase();
            if let Some((ty, kind)) = MACRO_TYPES.iter().find(|(ty, _)| lower.contains(ty)) {
                return Ok(Some(Macros {
                    kind: *kind,
                    location: format!("{name}: {ty}"),
                }));
            }
            state.part = (!tag.empty).then_some(name);
            state.deflated = attribute("compression")
                .is_some_and(|c| c.to_ascii_lowercase().starts_with("deflate"));
        }
        "binarydata" | "bindata" if !tag.empty => {
            let at = match (&state.part, attribute("name")) {
                (Some(part), _) => part.clone(),
                (None, Some(name)) => format!("binData {name}"),
                (None, None) => "binData".to_owned(),
            };
            state.collecting = Some((at, String::new()));
        }
        "library-embedded" if !tag.empty => state.library += 1,
        "module" if state.library > 0 => {
            return Ok(Some(Macros {
                kind: MacroKind::Basic,
                location: format!("office:scripts: {}", attribute("name").unwrap_or_default()),
            }));
        }
        "relationship" => {
            let ty = attribute("Type").unwrap_or_default().to_ascii_lowercase();
            let external =
                attribute("TargetMode").is_some_and(|m| m.eq_ignore_ascii_case("external"));
            let target = attribute("Target").unwrap_or_default();
            if external && ty.trim_end().ends_with(ATTACHED_TEMPLATE) && is_remote(target) {
                return Ok(Some(remote(target)));
            }
        }
        "attachedtemplate" => {
            let target = attribute("val").unwrap_or_default();
            if is_remote(target) {
                return Ok(Some(remote(target)));
            }
        }
        _ => {}
    }
    Ok(None)
}

/// A template path Word fetches from another machine: a URL of any
/// scheme but `file` (`http://`, `https://`, `ftp://`, WebDAV), a UNC path
/// (`\\\\host\\share`, `//host/share`), a `file:` URL that names a host
/// (`file://host/...`, `file:///\\\\host\\...`). A template on a local
/// disk (`C:\\...`, `file:///C:/...`, Word's own `Normal.dotm`) or a
/// relative path is not: documents made from a local template carry one.
pub(super) fn is_remote(target: &str) -> bool {
    let t = target.trim().to_ascii_lowercase();
    let unc = |p: &str| p.starts_with("\\\\") || p.starts_with("//");
    let drive = |p: &str| matches!(p.as_bytes().get(1), Some(b':' | b'|'));
    if let Some(path) = t.strip_prefix("file:") {
        // `file://host/...`: two slashes, then a host.
        let host = path
            .strip_prefix("//")
            .is_some_and(|r| !r.starts_with(['/', '\\']) && !r.is_empty() && !drive(r));
        // `file:///\\host\...`, `file:////host/...`, `file:\\host\...`:
        // a UNC path after an empty host or none.
        let after_empty_host = path
            .strip_prefix("///")
            .is_some_and(|r| r.starts_with(['/', '\\']));
        return host || after_empty_host || path.starts_with("\\\\");
    }
    let scheme = t.split_once("://").is_some_and(|(scheme, _)| {
        !scheme.is_empty()
            && scheme
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
    });
    unc(&t) || scheme
}

/// A remote template finding for `target`.
pub(super) fn remote(target: &str) -> Macros {
    Macros {
        kind: MacroKind::RemoteTemplate,
        location: format!("attachedTemplate {}", target.trim()),
    }
}

/// Decoded `data` from `at`: an ActiveMime blob decompressed, or a
/// document examined as an embedded one.
fn embedded(
    data: &[u8],
    at: &str,
    limits: &OfficeLimits,
    budget: &mut Budget,
    depth: usize,
) -> Result<Option<Macros>, Unreadable> {
    if data.starts_with(ACTIVE_MIME) {
        active_mime(data, at, limits, budget, depth)
    } else if super::is_candidate(data) {
        examine_embedded(data, at, limits, budget, depth)
    } else {
        Ok(None)
    }
}

/// An ActiveMime blob at `at`: its zlib stream decompressed and examined
/// as an embedded document. Not a blob: nothing.
pub(super) fn active_mime(
    data: &[u8],
    at: &str,
    limits: &OfficeLimits,
    budget: &mut Budget,
    depth: usize,
) -> Result<Option<Macros>, Unreadable> {
    if !data.starts_with(ACTIVE_MIME) {
        return Ok(None);
    }
    let declared = data
        .get(0x1E..0x20)
        .map(|b| usize::from(u16::from_le_bytes([b[0], b[1]])) + 46);
    let mut starts: Vec<usize> = declared.into_iter().collect();
    starts.extend([0x32, 0x22A]);
    for start in starts {
        let Some(stream) = data.get(start..) else {
            continue;
        };
        let mut probe = [0u8; 2];
        if ZlibDecoder::new(stream)
            .read_exact(&mut probe[..1])
            .is_err()
        {
            continue;
        }
        let inflated = budget.read(ZlibDecoder::new(stream), limits.max_part_bytes, at)?;
        return examine_embedded(&inflated, at, limits, budget, depth);
    }
    Err(Unreadable::Malformed {
        what: format!("{at}: ActiveMime data that does not decompress"),
    })
}

/// The tag at the start of `text` (just after its `<`) and what follows
/// it; `None` when no name follows.
fn tag(text: &str) -> Option<(Tag<'_>, &str)> {
    let (end, text) = match text.strip_prefix('/') {
        Some(t) => (true, t),
        None => (false, text),
    };
    let name_len = text
        .find(|c: char| c.is_whitespace() || c == '/' || c == '>')
        .unwrap_or(text.len());
    if name_len == 0 {
        return None;
    }
    let name = &text[..name_len];
    let local = name.rsplit(':').next().unwrap_or(name);
    let mut rest = &text[name_len..];
    let mut attributes = Vec::new();
    let mut empty = false;
    loop {
        rest = rest.trim_start();
        if let Some(after) = rest.strip_prefix("/>") {
            empty = true;
            rest = after;
            break;
        }
        if let Some(after) = rest.strip_prefix('>') {
            rest = after;
            break;
        }
        if rest.is_empty() {
            break;
        }
        let key_len = rest
            .find(|c: char| c.is_whitespace() || c == '=' || c == '>' || c == '/')
            .unwrap_or(rest.len())
            .max(1);
        let key = rest.get(..key_len).unwrap_or(rest);
        rest = rest.get(key_len..).unwrap_or("").trim_start();
        let Some(after) = rest.strip_prefix('=') else {
            continue;
        };
        rest = after.trim_start();
        let quote = rest.chars().next();
        let value = match quote {
            Some(q @ ('"' | '\'')) => {
                let body = &rest[1..];
                let close = body.find(q).unwrap_or(body.len());
                rest = body.get(close + 1..).unwrap_or("");
                &body[..close]
            }
            _ => {
                let len = rest
                    .find(|c: char| c.is_whitespace() || c == '>')
                    .unwrap_or(rest.len());
                let v = &rest[..len];
                rest = &rest[len..];
                v
            }
        };
        let key_local = key.rsplit(':').next().unwrap_or(key);
        attributes.push((key_local, resolve_references(value)));
    }
    Some((
        Tag {
            local,
            attributes,
            end,
            empty,
        },
        rest,
    ))
}

/// Base64 text decoded leniently, as XML schema readers and mail clients
/// do: whitespace and characters outside the alphabet skipped, `=` ends
/// the data. With `block`, the data ends at the first character that is
/// neither base64 nor whitespace (a MIME part's end). At most `cap`
/// bytes; also returns how many bytes of `text` were read.
fn base64(text: &[u8], cap: usize, block: bool) -> (Vec<u8>, usize) {
    let mut out = Vec::new();
    let mut acc = 0u32;
    let mut bits = 0u32;
    let mut used = 0usize;
    for &c in text {
        used += 1;
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' => break,
            _ if c.is_ascii_whitespace() || !block => continue,
            _ => break,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((acc >> bits) & 0xFF).unwrap_or(0));
            if out.len() >= cap {
                break;
            }
        }
    }
    (out, used)
}

#[cfg(test)]
mod root_tests {
    use super::is_text_document;

    #[test]
    fn only_office_roots_are_read_as_xml_documents() {
        assert!(is_text_document(
            b"<?xml version=\"1.0\"?><?mso-application progid=\"Word.Document\"?>\n<x:package xmlns:x=\"u\">"
        ));
        assert!(is_text_document(
            b"<!-- c --><!DOCTYPE w [ <!ENTITY a \"b\"> ]><w:wordDocument>"
        ));
        assert!(is_text_document(
            b"  <office:document office:version=\"1.3\">"
        ));
        let utf16: Vec<u8> = "<pkg:package>"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert!(is_text_document(&utf16));
        assert!(!is_text_document(
            b"<!DOCTYPE html><html><body>hello</body></html>"
        ));
        assert!(!is_text_document(b"<div>hello</div>"));
        assert!(is_text_document(b"MIME-Version: 1.0\n\nQWN0aXZlTWltZQAA"));
        assert!(!is_text_document(b"<html>QWN0aXZlTWltZQAA</html>"));
        // A prolog longer than the look is read in full.
        let long = format!("<!--{}--><html>", "x".repeat(5000));
        assert!(is_text_document(long.as_bytes()));
    }
}
