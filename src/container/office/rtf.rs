//! OLE objects inside RTF documents: `{\object ... {\*\objdata HEX}}`,
//! and the template an RTF document attaches (`{\*\template URL}`).
//!
//! Pure. Word opens any file that starts with `{\rt` as RTF, whatever its
//! name (`.doc` included), and reads an object's data as hex digits with
//! everything else ignored: whitespace and line breaks inside the hex,
//! upper or lower case, control words and groups between the digits,
//! `\bin N` raw bytes, a missing closing brace. The decoded data is an
//! OLE1 object ([MS-OLEDS] §2.2.4 `ObjectHeader`): a class name, then for
//! an embedded object its native data. For class `Package` that is an OLE
//! Packager file (a label, paths and the file itself); for Word, Excel and
//! PowerPoint classes an OLE2 compound file or OOXML package, examined as
//! an embedded document.
//!
//! Two readings are taken of every object, because a nested `{\*\...}`
//! group inside the data is skipped by a reader that honours ignorable
//! destinations and read as more hex by one that does not (oletools'
//! rtfobj); both are examined when they differ. Data that is no OLE1
//! object is [`Unreadable::Malformed`]: nothing in it could be examined.

use super::{
    Budget, Macros, OfficeLimits, Packaged, PackagedFile, Unreadable, Verdict, examine_embedded,
};

/// True when `bytes` is read as RTF by Word: `{\rt` is all it checks.
pub(super) fn is_rtf(bytes: &[u8]) -> bool {
    bytes.starts_with(b"{\\rt")
}

/// One `\objdata` destination decoded: its number in the document (from
/// 1) and each distinct reading of its bytes.
pub(super) struct Object {
    pub(super) number: usize,
    pub(super) readings: Vec<Vec<u8>>,
}

/// A nibble stream: hex digits (or raw `\bin` bytes) assembled into bytes.
#[derive(Default)]
struct Hex {
    bytes: Vec<u8>,
    high: Option<u8>,
}

impl Hex {
    fn nibble(&mut self, n: u8) {
        match self.high.take() {
            Some(h) => self.bytes.push(h << 4 | n),
            None => self.high = Some(n),
        }
    }

    fn byte(&mut self, b: u8) {
        self.nibble(b >> 4);
        self.nibble(b & 0x0F);
    }

    fn len(&self) -> usize {
        self.bytes.len()
    }
}

/// The `\objdata` being read.
struct Open {
    /// The group level of its destination: closing that group ends it.
    level: usize,
    /// The level of a nested `{\*` group skipped by the second reading.
    skipping: Option<usize>,
    all: Hex,
    honoured: Hex,
}

/// What [`objects`] finds in an RTF document.
pub(super) struct Scan {
    /// Every `\objdata`, decoded, in document order.
    pub(super) objects: Vec<Object>,
    /// The text of every `\template` destination (the template Word
    /// attaches, a path or URL), `\'hh` read as Latin-1.
    pub(super) templates: Vec<String>,
    /// A cap reached: the rest was not read.
    pub(super) cut: Option<Unreadable>,
}

/// Every `\objdata` (and `\template`) of the RTF `bytes`, decoded, in
/// document order.
///
/// At most `limits.max_entries` objects and `limits.max_part_bytes`
/// decoded bytes per object; beyond either, the rest is an
/// [`Unreadable::Limit`] in [`Scan::cut`] beside what was read. Control
/// words are read as RTF 1.9.1 says (letters, an optional signed number,
/// one space eaten); `\'hh` inside the data drops a pending half byte, as
/// rtfobj observed Word do.
pub(super) fn objects(bytes: &[u8], limits: &OfficeLimits) -> Scan {
    let mut templates: Vec<String> = Vec::new();
    let mut template: Option<(usize, Vec<u8>)> = None;
    let latin1 = |t: Vec<u8>| -> String { t.iter().map(|&b| char::from(b)).collect() };
    let mut out = Vec::new();
    let mut level = 0usize;
    let mut open: Option<Open> = None;
    let mut i = 0usize;
    let limit = |what: String| Some(Unreadable::Limit { what });
    let close = |o: Open, out: &mut Vec<Object>| {
        let number = out.len() + 1;
        let mut readings = vec![o.all.bytes];
        if o.honoured.bytes != readings[0] {
            readings.push(o.honoured.bytes);
        }
        out.push(Object { number, readings });
    };
    while let Some(&b) = bytes.get(i) {
        i += 1;
        match b {
            b'{' => {
                level = level.saturating_add(1);
                if let Some(o) = open.as_mut()
                    && o.skipping.is_none()
                    && bytes.get(i..i + 2) == Some(b"\\*")
                {
                    o.skipping = Some(level);
                }
            }
            b'}' => {
                if let Some(o) = open.as_mut()
                    && o.skipping == Some(level)
                {
                    o.skipping = None;
                }
                if open.as_ref().is_some_and(|o| o.level == level)
                    && let Some(o) = open.take()
                {
                    close(o, &mut out);
                }
                if template.as_ref().is_some_and(|t| t.0 == level)
                    && let Some((_, text)) = template.take()
                    && templates.len() < limits.max_entries
                {
                    templates.push(latin1(text));
                }
                level = level.saturating_sub(1);
            }
            b'\\' => {
                let Some(&next) = bytes.get(i) else { break };
                if next.is_ascii_alphabetic() {
                    let start = i;
                    while bytes.get(i).is_some_and(u8::is_ascii_alphabetic) {
                        i += 1;
                    }
                    let word = bytes.get(start..i).unwrap_or_default();
                    let negative = bytes.get(i) == Some(&b'-');
                    if negative {
                        i += 1;
                    }
                    let digits = i;
                    while bytes.get(i).is_some_and(u8::is_ascii_digit) {
                        i += 1;
                    }
                    let param = bytes
                        .get(digits..i)
                        .unwrap_or_default()
                        .iter()
                        .fold(0usize, |acc, &d| {
                            acc.saturating_mul(10).saturating_add(usize::from(d - b'0'))
                        });
                    if bytes.get(i) == Some(&b' ') {
                        i += 1;
                    }
                    if word == b"objdata" && open.is_none() {
                        if out.len() == limits.max_entries {
                            return Scan {
                                objects: out,
                                templates,
                                cut: limit(format!("more than {} RTF objects", limits.max_entries)),
                            };
                        }
                        open = Some(Open {
                            level,
                            skipping: None,
                            all: Hex::default(),
                            honoured: Hex::default(),
                        });
                    } else if word == b"template" && template.is_none() && open.is_none() {
                        template = Some((level, Vec::new()));
                    } else if word == b"bin" {
                        // A negative or missing length reads nothing.
                        let n = if negative { 0 } else { param };
                        let end = i.saturating_add(n).min(bytes.len());
                        if let Some(o) = open.as_mut() {
                            for &raw in bytes.get(i..end).unwrap_or_default() {
                                o.all.byte(raw);
                                if o.skipping.is_none() {
                                    o.honoured.byte(raw);
                                }
                            }
                        }
                        i = end;
                    }
                } else {
                    i += 1;
                    if next == b'\'' {
                        if let Some((_, text)) = template.as_mut()
                            && let Some(h) = bytes.get(i..i + 2)
                            && let Ok(h) = std::str::from_utf8(h)
                            && let Ok(b) = u8::from_str_radix(h, 16)
                            && text.len() < 4096
                        {
                            text.push(b);
                        }
                        i += 2;
                        if let Some(o) = open.as_mut() {
                            o.all.high = None;
                            o.honoured.high = None;
                        }
                    }
                }
            }
            _ => {
                if let Some((_, text)) = template.as_mut()
                    && text.len() < 4096
                    && b != b'\r'
                    && b != b'\n'
                {
                    text.push(b);
                }
                if let Some(o) = open.as_mut()
                    && let Some(n) = char::from(b).to_digit(16)
                {
                    let n = u8::try_from(n).unwrap_or(0);
                    o.all.nibble(n);
                    if o.skipping.is_none() {
                        o.honoured.nibble(n);
                    }
                }
            }
        }
        if let Some(o) = &open
            && o.all.len().max(o.honoured.len()) > limits.max_part_bytes
        {
            let what = format!(
                "RTF object {}: more than {} bytes",
                out.len() + 1,
                limits.max_part_bytes
            );
            return Scan {
                objects: out,
                templates,
                cut: limit(what),
            };
        }
    }
    // A document that ends inside the data: Word takes what it read.
    if let Some(o) = open.take() {
        close(o, &mut out);
    }
    if let Some((_, text)) = template.take() {
        templates.push(latin1(text));
    }
    Scan {
        objects: out,
        templates,
        cut: None,
    }
}

/// An OLE1 object ([MS-OLEDS] §2.2.4): its class name and, for an
/// embedded object, its native data; `None` for a linked object.
pub(super) struct Ole1<'a> {
    pub(super) class: String,
    pub(super) native: Option<&'a [u8]>,
}

/// `data` read as an OLE1 `ObjectHeader` and what follows it, or `None`
/// when it is not one (a format other than linked or embedded, a string
/// or native data running past the end).
pub(super) fn ole1(data: &[u8]) -> Option<Ole1<'_>> {
    let u32_at = |at: usize| -> Option<usize> {
        let b = data.get(at..at.checked_add(4)?)?;
        usize::try_from(u32::from_le_bytes([b[0], b[1], b[2], b[3]])).ok()
    };
    let format = u32_at(4)?;
    let mut at = 8usize;
    let string = |at: &mut usize| -> Option<String> {
        let len = u32_at(*at)?;
        let text = data.get(*at + 4..(*at + 4).checked_add(len)?)?;
        *at += 4 + len;
        Some(
            text.split(|&c| c == 0)
                .next()
                .unwrap_or_default()
                .iter()
                .map(|&c| char::from(c))
                .collect(),
        )
    };
    let class = string(&mut at)?;
    match format {
        // Linked: the data lives elsewhere (a path or URL).
        1 => Some(Ole1 {
            class,
            native: None,
        }),
        2 => {
            string(&mut at)?; // topic
            string(&mut at)?; // item
            let size = u32_at(at)?;
            let native = data.get(at + 4..(at + 4).checked_add(size)?)?;
            Some(Ole1 {
                class,
                native: Some(native),
            })
        }
        _ => None,
    }
}

/// [`super::macros`] for an RTF document at embedding `depth`.
pub(super) fn examine(
    bytes: &[u8],
    limits: &OfficeLimits,
    budget: &mut Budget,
    depth: usize,
) -> Result<Option<Macros>, Unreadable> {
    let mut verdict = Verdict::default();
    let Scan {
        objects,
        templates,
        cut,
    } = objects(bytes, limits);
    if let Some(cut) = cut {
        verdict.note(cut);
    }
    // `{\*\template URL}`: Word attaches (and fetches) the template.
    if let Some(target) = templates.iter().find(|t| super::xml::is_remote(t)) {
        return Ok(Some(super::xml::remote(target)));
    }
    for object in &objects {
        for data in &object.readings {
            match reading(data, object.number, limits, budget, depth) {
                Ok(Some(found)) => return Ok(Some(found)),
                Ok(None) => {}
                Err(e) => verdict.note(e),
            }
        }
    }
    verdict.finish()
}

/// One reading of object `number`: its OLE1 object, the packaged file or
/// the embedded document in it examined in turn.
fn reading(
    data: &[u8],
    number: usize,
    limits: &OfficeLimits,
    budget: &mut Budget,
    depth: usize,
) -> Result<Option<Macros>, Unreadable> {
    let at = format!("RTF object {number}");
    if budget.left < data.len() {
        return Err(Unreadable::Limit {
            what: format!("{at}: more than {} bytes decoded", limits.max_total_bytes),
        });
    }
    budget.left -= data.len();
    let Some(object) = ole1(data) else {
        // Raw document data without an OLE1 header is still examined.
        if super::is_candidate(data) {
            return examine_embedded(data, &at, limits, budget, depth);
        }
        return Err(Unreadable::Malformed {
            what: format!("{at}: no OLE1 object in its data"),
        });
    };
    let Some(native) = object.native else {
        return Ok(None);
    };
    if object.class.eq_ignore_ascii_case("package") {
        let Some((names, file)) = super::ole::packaged_file(native) else {
            return Err(Unreadable::Malformed {
                what: format!("{at}: a Package object that does not follow the Packager layout"),
            });
        };
        let label = names.first().map_or("", String::as_str);
        if super::is_candidate(file) {
            return examine_embedded(file, &format!("{at}: {label}"), limits, budget, depth);
        }
        return Ok(None);
    }
    if super::is_candidate(native) {
        return examine_embedded(
            native,
            &format!("{at} ({})", object.class),
            limits,
            budget,
            depth,
        );
    }
    Ok(None)
}

/// The files `Package` objects carry in the RTF `bytes`, and the
/// documents in other objects walked in turn (see [`super::packaged_files`]).
pub(super) fn packaged(
    bytes: &[u8],
    at: &str,
    limits: &OfficeLimits,
    budget: &mut Budget,
    depth: usize,
    out: &mut Packaged,
) {
    let scan = objects(bytes, limits);
    if let Some(why) = scan.cut {
        out.cut_short(why);
    }
    for object in &scan.objects {
        let here = super::packager::join(at, &format!("RTF object {}", object.number));
        for data in &object.readings {
            if budget.left < data.len() {
                out.cut_short(Unreadable::Limit {
                    what: format!(
                        "{here}: more than {} bytes of objects",
                        limits.max_total_bytes
                    ),
                });
                return;
            }
            budget.left -= data.len();
            let Some(Ole1 {
                class,
                native: Some(native),
            }) = ole1(data)
            else {
                continue;
            };
            if !class.eq_ignore_ascii_case("package") {
                super::packager::walk(native, &here, limits, budget, depth + 1, out);
                continue;
            }
            if let Some((names, file)) = super::ole::packaged_file(native) {
                super::packager::walk(file, &here, limits, budget, depth + 1, out);
                let file = PackagedFile {
                    names,
                    location: here.clone(),
                    data: file.to_vec(),
                };
                if !out.files.contains(&file) {
                    out.files.push(file);
                }
            }
        }
    }
}
