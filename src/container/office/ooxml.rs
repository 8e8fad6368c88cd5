//! Macros in ZIP-based documents: OOXML packages (ECMA-376 Part 2, Open
//! Packaging Conventions) and OpenDocument files.
//!
//! Pure. Office finds a package's parts through `[Content_Types].xml` and
//! the relationships, never through the file's own name, so a macro
//! workbook renamed `.xlsx` still runs its macros once allowed. What counts:
//! - a part called `vbaProject.bin` anywhere (any case);
//! - a part under a `macrosheets/` folder (Excel 4.0 macro sheets in
//!   `.xlsm` and `.xlsb`);
//! - a content type of a VBA project or an Excel 4.0 macro sheet declared
//!   in `[Content_Types].xml` (character references and UTF-16 decoded
//!   first, as an XML parser would);
//! - an OpenDocument Basic module (`Basic/<library>/<module>.xml`, or
//!   `.bin` for a password-protected library), and in an OpenDocument file
//!   (one with `mimetype` or `META-INF/manifest.xml`) a Python, JavaScript
//!   or BeanShell script under `Scripts/`;
//! - in a package, a relationship (`*.rels`) to a template outside it
//!   (`attachedTemplate`, `TargetMode="External"`): a remote template;
//! - in a package, every part that starts like a document (OLE2: embedded
//!   objects, ActiveX controls, a VBA project under another name; a ZIP;
//!   RTF; ActiveMime), examined as an embedded document.

use std::io::{Cursor, Read};

use super::{Budget, MacroKind, Macros, OfficeLimits, Unreadable, Verdict, examine_embedded};

/// Content types that mean a macro (lower case; ECMA-376 and [MS-OFFMACRO2]).
pub(super) const MACRO_TYPES: [(&str, MacroKind); 4] = [
    ("application/vnd.ms-office.vbaproject", MacroKind::Vba),
    ("application/vnd.ms-word.vbadata+xml", MacroKind::Vba),
    ("application/vnd.ms-excel.macrosheet", MacroKind::Xlm),
    ("application/vnd.ms-excel.intlmacrosheet", MacroKind::Xlm),
];

/// [`super::macros`] for a ZIP at embedding `depth`.
pub(super) fn examine(
    bytes: &[u8],
    limits: &OfficeLimits,
    budget: &mut Budget,
    depth: usize,
) -> Result<Option<Macros>, Unreadable> {
    // A ZIP whose central directory cannot be read is no document Office
    // opens; whether it is a broken archive is the archive reader's call.
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(None);
    };
    let mut verdict = Verdict::default();
    let count = zip.len();
    if count > limits.max_entries {
        verdict.note(Unreadable::Limit {
            what: format!("{count} zip entries, more than {}", limits.max_entries),
        });
    }
    let count = count.min(limits.max_entries);
    let mut content_types = Vec::new();
    let mut rels = Vec::new();
    let mut scripts = None;
    let mut opendocument = false;
    for index in 0..count {
        let Ok(entry) = zip.by_index_data(index) else {
            continue;
        };
        let name = String::from_utf8_lossy(entry.name_raw()).into_owned();
        if let Some(kind) = macro_part(&name) {
            return Ok(Some(Macros {
                kind,
                location: name,
            }));
        }
        if name.eq_ignore_ascii_case("[Content_Types].xml") {
            // Names differing only in case are distinct entries; which
            // one a reader takes is its own choice, so every one counts.
            content_types.push(index);
        }
        if name.to_ascii_lowercase().ends_with(".rels") {
            rels.push(index);
        }
        opendocument |= name.eq_ignore_ascii_case("mimetype")
            || name.eq_ignore_ascii_case("META-INF/manifest.xml");
        if scripts.is_none() && odf_script(&name) {
            scripts = Some(name);
        }
    }
    // LibreOffice runs Python, JavaScript and BeanShell macros stored in
    // an OpenDocument file's `Scripts/` folder, as it runs Basic.
    if opendocument && let Some(location) = scripts {
        return Ok(Some(Macros {
            kind: MacroKind::Script,
            location,
        }));
    }
    // Only a package (Office needs `[Content_Types].xml` to open one)
    // gets its parts opened; a plain ZIP is the archive reader's business.
    if content_types.is_empty() {
        return verdict.finish();
    }
    // Two central directory entries of one name: the zip crate keeps the
    // last, Office and other readers may take the first, so a copy would
    // go unexamined (the names alone were all seen above).
    if zip.has_duplicate_names() {
        verdict.note(Unreadable::Malformed {
            what: "package with duplicate part names: not every copy can be examined".into(),
        });
    }
    for types in content_types {
        match read_part(&mut zip, types, limits.max_part_bytes, budget) {
            Ok(xml) => {
                let text = normalise_xml(&xml);
                if let Some((ty, kind)) = MACRO_TYPES.iter().find(|(ty, _)| text.contains(ty)) {
                    return Ok(Some(Macros {
                        kind: *kind,
                        location: format!("[Content_Types].xml: {ty}"),
                    }));
                }
            }
            Err(e) => verdict.note(e),
        }
    }
    // Relationships: a template Word fetches from the net.
    for index in rels {
        match read_part(&mut zip, index, limits.max_part_bytes, budget) {
            Ok(xml) => {
                let name = zip
                    .by_index_data(index)
                    .map(|e| String::from_utf8_lossy(e.name_raw()).into_owned())
                    .unwrap_or_default();
                match super::xml::examine(&xml, limits, budget, depth) {
                    Ok(Some(found)) => {
                        return Ok(Some(Macros {
                            kind: found.kind,
                            location: format!("{name}: {}", found.location),
                        }));
                    }
                    Ok(None) => {}
                    Err(e) => verdict.note(e.at(&name)),
                }
            }
            Err(e) => verdict.note(e),
        }
    }
    for index in 0..count {
        match embedded_ole(&mut zip, index, limits, budget, depth) {
            Ok(Some(found)) => return Ok(Some(found)),
            Ok(None) => {}
            Err(e) => verdict.note(e),
        }
    }
    verdict.finish()
}

/// The macro kind a part's name alone reveals.
pub(super) fn macro_part(name: &str) -> Option<MacroKind> {
    let lower = name.to_ascii_lowercase().replace('\\', "/");
    let base = lower.rsplit('/').next().unwrap_or(&lower);
    if base == "vbaproject.bin" {
        return Some(MacroKind::Vba);
    }
    if lower.starts_with("macrosheets/") || lower.contains("/macrosheets/") {
        return Some(MacroKind::Xlm);
    }
    let mut segments = lower.split('/');
    // A Basic module: `<module>.xml`, or `<module>.bin` for a library
    // protected by a password (its source is encrypted, it runs all the
    // same).
    let basic = segments.next() == Some("basic")
        && segments.next().is_some_and(|library| !library.is_empty())
        && segments.next().is_some_and(|module| {
            (module.ends_with(".xml") || module.ends_with(".bin"))
                && module != "script-lb.xml"
                && module != "script-lc.xml"
        })
        && segments.next().is_none();
    basic.then_some(MacroKind::Basic)
}

/// A script LibreOffice runs from an OpenDocument file: a file under
/// `Scripts/python/`, `Scripts/javascript/` or `Scripts/beanshell/`
/// (any case; the folder's own entry does not count).
fn odf_script(name: &str) -> bool {
    let lower = name.to_ascii_lowercase().replace('\\', "/");
    let lower = lower.trim_start_matches('/');
    [
        "scripts/python/",
        "scripts/javascript/",
        "scripts/beanshell/",
    ]
    .iter()
    .any(|dir| {
        lower
            .strip_prefix(dir)
            .is_some_and(|rest| !rest.is_empty() && !rest.ends_with('/'))
    })
}

/// Part `index` when it starts like a document (OLE2, ZIP, RTF such as a
/// Word `altChunk`, ActiveMime), examined as an embedded document;
/// encrypted parts are [`Unreadable::Encrypted`].
fn embedded_ole(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    index: usize,
    limits: &OfficeLimits,
    budget: &mut Budget,
    depth: usize,
) -> Result<Option<Macros>, Unreadable> {
    let (name, encrypted, size) = match zip.by_index_data(index) {
        Ok(e) => (
            String::from_utf8_lossy(e.name_raw()).into_owned(),
            e.encrypted(),
            e.size(),
        ),
        Err(_) => return Ok(None),
    };
    if encrypted {
        return Err(Unreadable::Encrypted {
            what: format!("zip entry {name}"),
        });
    }
    if size < 8 {
        return Ok(None);
    }
    let mut head = [0u8; 10];
    let probe = zip
        .by_index(index)
        .map_err(|e| e.to_string())
        .and_then(|f| f.take(10).read_exact(&mut head).map_err(|e| e.to_string()));
    if probe.is_err() || !super::starts_as_document(&head) {
        return Ok(None);
    }
    let bytes = read_part(zip, index, limits.max_part_bytes, budget)?;
    examine_embedded(&bytes, &name, limits, budget, depth)
}

/// Part `index` decompressed, within `cap` and the document's budget.
fn read_part(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    index: usize,
    cap: usize,
    budget: &mut Budget,
) -> Result<Vec<u8>, Unreadable> {
    let file = zip.by_index(index).map_err(|e| match e {
        zip::result::ZipError::UnsupportedArchive(m) if m.contains("assword") => {
            Unreadable::Encrypted {
                what: format!("zip entry {index}"),
            }
        }
        other => Unreadable::Malformed {
            what: format!("zip entry {index}: {other}"),
        },
    })?;
    let name = String::from_utf8_lossy(file.name_raw()).into_owned();
    budget.read(file, cap, &name)
}

/// XML text as an XML parser sees it, for substring tests: UTF-16 (by its
/// byte order mark or its zero bytes) decoded, numeric and the five named
/// character references resolved, ASCII lower-cased.
pub(super) fn normalise_xml(xml: &[u8]) -> String {
    resolve_references(&decode_xml(xml)).to_ascii_lowercase()
}

/// XML bytes as text: UTF-16 (by its byte order mark or its zero bytes)
/// or UTF-8 (invalid sequences replaced), a byte order mark dropped.
pub(super) fn decode_xml(xml: &[u8]) -> String {
    if xml.starts_with(&[0xFF, 0xFE]) || (xml.len() > 1 && xml[1] == 0) {
        utf16(xml, u16::from_le_bytes)
    } else if xml.starts_with(&[0xFE, 0xFF]) || xml.first() == Some(&0) {
        utf16(xml, u16::from_be_bytes)
    } else {
        let text = String::from_utf8_lossy(xml);
        text.strip_prefix('\u{FEFF}').unwrap_or(&text).to_owned()
    }
}

/// `text` with its numeric and five named character references resolved
/// (see [`reference`]); anything else left as written.
pub(super) fn resolve_references(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        match reference(&rest[1..]) {
            Some((c, used)) => {
                out.push(c);
                rest = &rest[1 + used..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The character reference at the start of `text` (just after its `&`),
/// resolved, and the bytes it takes up to and including its `;`.
///
/// XML 1.0 §4.1: `&#` digits `;` or `&#x` hex digits `;`, any number of
/// digits (leading zeros included), naming a character; or one of the five
/// predefined entities. A failed reference consumes nothing: the scan goes
/// on after its `&`, and since a reference ends at its first non-digit,
/// every byte is looked at a bounded number of times.
fn reference(text: &str) -> Option<(char, usize)> {
    if let Some(numeric) = text.strip_prefix('#') {
        let (digits, radix, skip) = match numeric.strip_prefix(['x', 'X']) {
            Some(hex) => (hex, 16, 2),
            None => (numeric, 10, 1),
        };
        let len = digits
            .bytes()
            .position(|b| !char::from(b).is_digit(radix))
            .unwrap_or(digits.len());
        if len == 0 || digits.as_bytes().get(len) != Some(&b';') {
            return None;
        }
        // Saturates above any character: a value too large names none.
        let code = digits[..len].bytes().fold(0u32, |acc, b| {
            let digit = char::from(b).to_digit(radix).unwrap_or(0);
            acc.saturating_mul(radix).saturating_add(digit)
        });
        return char::from_u32(code).map(|c| (c, skip + len + 1));
    }
    ["amp;", "lt;", "gt;", "quot;", "apos;"]
        .into_iter()
        .zip(['&', '<', '>', '"', '\''])
        .find(|(name, _)| text.starts_with(name))
        .map(|(name, c)| (c, name.len()))
}

fn utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> String {
    let units = bytes.chunks_exact(2).map(|p| unit([p[0], p[1]]));
    char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .filter(|&c| c != '\u{FEFF}')
        .collect()
}
