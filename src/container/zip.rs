//! The zip reader (PKWARE APPNOTE.TXT, with its flavours: jar, apk,
//! OOXML, ODF), reading an archive every way a client may:
//!
//! - each end of central directory record in the file is a reading of
//!   its own (concatenated archives, a second record hidden in the
//!   comment: unzip and Python take the last one, 7-Zip and Java's
//!   `ZipFile` may take another), its central directory looked for where
//!   the record says and right before the record (a stub in front, as
//!   unzip finds it); a record is passed over only inside the data of an
//!   entry whose local header agrees with the central directory on its
//!   size (an archive stored in this one, opened as a member);
//! - the local headers walked from the first one, as streaming readers
//!   (Java's `ZipInputStream`) list an archive, going on from wherever
//!   a reader may take the data to end: the local header's own size, the
//!   central directory's, the end of the deflate stream of an entry whose
//!   sizes follow its data (found by inflating it, within the budget's
//!   looking allowance; an entry only the walk knows whose end cannot be
//!   found is [`Problem::Unreadable`]);
//! - where a local header gives another method or size than the central
//!   directory, the content is read both ways (a second member of the
//!   same names);
//! - every name of an entry counts: the header name (UTF-8 when flag bit
//!   11 says so, else CP437, APPNOTE.TXT appendix D) and the Info-ZIP
//!   Unicode Path extra field (0x7075), which unzip and 7-Zip show
//!   instead of it.
//!
//! Entries are one member per local header; the names other readings give
//! it are its aliases. Content is decompressed through the `zip` crate
//! where its own reading (the last record) knows the entry, else here for
//! stored, deflated and bzip2 entries; what neither can read is a
//! [`Problem::Unreadable`] with the member's name, which still counts.
//! Encryption is the general purpose flag bit 0 (traditional PKWARE and
//! WinZip AES alike).

use std::collections::{BTreeMap, HashMap};
use std::io::Cursor;

use memchr::memmem;

use super::{Budget, Listing, Member, Problem, content, member_name, ratio_bomb, too_many};

/// End of central directory records read as readings of their own; more
/// is a [`Problem::Limit`] (the last ones are read).
const MAX_READINGS: usize = 16;

/// End of central directory signatures looked at, read or not (a
/// signature inside compressed data or a comment is not a reading).
const MAX_CANDIDATES: usize = 4096;

/// One entry (a local header offset) as the readings name it.
#[derive(Debug, Default)]
struct Entry {
    /// Every name met, decoded to UTF-8, `\` turned into `/`.
    names: Vec<Vec<u8>>,
    /// General purpose flags, the encryption bit of every reading or-ed.
    flags: u16,
    method: u16,
    packed: u64,
    size: u64,
    /// The local header's own method and packed size where they differ
    /// from the central directory's: a second reading of the content
    /// (7-Zip, unzip and Java's `ZipInputStream` follow the local header).
    local: Option<(u16, u64)>,
    /// True for an entry only the local headers know whose data is
    /// followed by a data descriptor and whose end could not be found.
    lost: bool,
}

impl Entry {
    fn name(&mut self, name: Vec<u8>) {
        if !self.names.contains(&name) {
            self.names.push(name);
        }
    }
}

/// The entries of every reading, by local header offset, within a cap.
struct Entries {
    map: BTreeMap<u64, Entry>,
    max: usize,
    full: bool,
}

impl Entries {
    /// The entry at `offset`, made from `fresh` when new; `None` (and
    /// [`Entries::full`] set) past the cap.
    fn at(&mut self, offset: u64, fresh: impl FnOnce() -> Entry) -> Option<&mut Entry> {
        if !self.map.contains_key(&offset) && self.map.len() >= self.max {
            self.full = true;
            return None;
        }
        Some(self.map.entry(offset).or_insert_with(fresh))
    }

    /// True when `at` lies inside the data of a known entry (a record of
    /// an archive stored inside this one). Only an entry whose local
    /// header agrees with the central directory on method and packed size
    /// counts: a size one reading claims must not hide another reading's
    /// end record (that data is then read as the entry's content, and an
    /// archive in it opened as a nested one).
    fn inside_data(&self, bytes: &[u8], at: u64) -> bool {
        self.map.range(..at).any(|(&offset, e)| {
            let Some(h) = usize::try_from(offset)
                .ok()
                .and_then(|o| local_header(bytes, o))
            else {
                return false;
            };
            let start = h.data as u64;
            h.method == e.method
                && h.packed == Some(e.packed)
                && at >= start
                && at < start.saturating_add(e.packed)
        })
    }
}

/// The members of the zip archive `bytes`.
///
/// Before anything is indexed, the central directory signatures are
/// counted: more than [`Budget::max_members`] is a [`Problem::Limit`] and
/// nothing is listed, so that a directory of a million entries costs no
/// memory. Encrypted members are listed with their names and a
/// [`Problem::Encrypted`] each; a member that cannot be decompressed (an
/// unsupported method, a damaged header) is a [`Problem::Unreadable`].
pub fn read(bytes: &[u8], budget: &mut Budget) -> Listing {
    let mut listing = Listing::default();
    let count = memmem::find_iter(bytes, b"PK\x01\x02").count();
    if count > budget.max_members() {
        listing.problems.push(too_many(budget, "zip"));
        return listing;
    }
    let mut entries = Entries {
        map: BTreeMap::new(),
        max: budget.max_members(),
        full: false,
    };
    // The last record first (the one most readers take), then the ones
    // before it that are not inside an entry's data.
    let mut readings = 0;
    for (seen, end) in memmem::rfind_iter(bytes, b"PK\x05\x06").enumerate() {
        if seen == MAX_CANDIDATES || readings == MAX_READINGS {
            listing.problems.push(Problem::Limit {
                limit: "max_members",
                detail: format!("zip: more than {MAX_READINGS} end of central directory records"),
            });
            break;
        }
        if !entries.inside_data(bytes, end as u64) && central(bytes, end, &mut entries) {
            readings += 1;
        }
    }
    local(bytes, &mut entries, budget);
    // The `zip` crate's reading, which also decompresses what it knows.
    let mut archive = match zip::ZipArchive::new(Cursor::new(bytes)) {
        Ok(a) => Some(a),
        Err(e) => {
            listing
                .problems
                .push(Problem::Unreadable(format!("zip: {e}")));
            None
        }
    };
    let mut by_offset: HashMap<u64, usize> = HashMap::new();
    if let Some(archive) = &mut archive {
        for index in 0..archive.len() {
            let known = archive
                .name_for_index(index)
                .and_then(Result::ok)
                .map(|n| n.into_owned())
                .unwrap_or_default();
            match archive.by_index_raw(index) {
                Ok(raw) => {
                    let offset = raw.header_start();
                    let name = match raw.name() {
                        Ok(name) => member_name(name.as_bytes()),
                        Err(_) => member_name(raw.name_raw()),
                    };
                    let fresh = || Entry {
                        flags: u16::from(raw.encrypted()),
                        packed: raw.compressed_size(),
                        size: raw.size(),
                        method: u16::MAX,
                        ..Entry::default()
                    };
                    if let Some(entry) = entries.at(offset, fresh) {
                        entry.name(name);
                        entry.flags |= u16::from(raw.encrypted());
                        by_offset.insert(offset, index);
                    }
                }
                Err(e) => listing
                    .problems
                    .push(Problem::Unreadable(format!("zip member {known}: {e}"))),
            }
        }
    }
    if entries.full {
        listing.problems.push(too_many(budget, "zip"));
    }
    for (offset, entry) in entries.map {
        // A directory is a name ending in `/` with nothing in it; an entry
        // with content is a file whatever its name says (`evil.js\`).
        let directory = entry.size == 0 && entry.packed == 0;
        let mut names = entry
            .names
            .into_iter()
            .filter(|n| !(n.is_empty() || directory && n.ends_with(b"/")));
        let Some(name) = names.next() else {
            continue;
        };
        let what = format!("zip member {}", String::from_utf8_lossy(&name));
        let mut member = Member {
            name,
            size: entry.size,
            encrypted: entry.flags & 1 != 0,
            ..Member::default()
        };
        for alias in names {
            member.also_named(alias);
        }
        let problems = &mut listing.problems;
        if member.encrypted {
            problems.push(Problem::Encrypted(what.clone()));
        } else if let Some(problem) = ratio_bomb(budget, entry.size, entry.packed, &what) {
            problems.push(problem);
        } else if let (Some(&index), Some(archive)) = (by_offset.get(&offset), archive.as_mut()) {
            match archive.by_index(index) {
                Ok(file) => {
                    (member.head, member.data) =
                        content(file, budget, entry.packed, &what, problems)
                }
                Err(e) => problems.push(Problem::Unreadable(format!("{what}: {e}"))),
            }
        } else {
            (member.head, member.data) = by_hand(
                bytes,
                offset,
                entry.method,
                entry.packed,
                budget,
                &what,
                problems,
            );
        }
        if entry.lost {
            problems.push(Problem::Unreadable(format!(
                "{what}: a data descriptor follows its data, and where that data ends is not known"
            )));
        }
        // The local header's reading of the same content, when it differs.
        let other = entry
            .local
            .filter(|_| !member.encrypted)
            .map(|(method, packed)| {
                let what = format!("{what} (as its local header says)");
                let mut again = Member {
                    name: member.name.clone(),
                    aliases: member.aliases.clone(),
                    size: entry.size,
                    ..Member::default()
                };
                if let Some(problem) = ratio_bomb(budget, entry.size, packed, &what) {
                    problems.push(problem);
                } else {
                    (again.head, again.data) =
                        by_hand(bytes, offset, method, packed, budget, &what, problems);
                }
                again
            });
        listing.members.push(member);
        listing.members.extend(other);
    }
    listing
}

/// The head and data (see [`content`]) of the entry whose local header is
/// at `offset`, decompressed here: `packed` bytes after the header with
/// `method` (stored, deflate, bzip2); another method, or no local header
/// there, is a [`Problem::Unreadable`].
fn by_hand(
    bytes: &[u8],
    offset: u64,
    method: u16,
    packed: u64,
    budget: &mut Budget,
    what: &str,
    problems: &mut Vec<Problem>,
) -> (Vec<u8>, Option<Vec<u8>>) {
    let Some(data) = data_start(bytes, offset).and_then(|start| {
        let start = usize::try_from(start).ok()?;
        let end = start.saturating_add(usize::try_from(packed).ok()?);
        bytes.get(start..end.min(bytes.len()))
    }) else {
        problems.push(Problem::Unreadable(format!(
            "{what}: no local header at offset {offset}"
        )));
        return (Vec::new(), None);
    };
    match method {
        0 => content(data, budget, packed, what, problems),
        8 => content(
            flate2::read::DeflateDecoder::new(data),
            budget,
            packed,
            what,
            problems,
        ),
        12 => content(
            bzip2::read::BzDecoder::new(data),
            budget,
            packed,
            what,
            problems,
        ),
        method => {
            problems.push(Problem::Unreadable(format!(
                "{what}: compression method {method} not read"
            )));
            (Vec::new(), None)
        }
    }
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

/// Where the data of the entry whose local header is at `offset` starts,
/// when a local header is there.
fn data_start(bytes: &[u8], offset: u64) -> Option<u64> {
    let at = usize::try_from(offset)
        .ok()
        .filter(|&at| at < bytes.len())?;
    if bytes.get(at..at + 4)? != b"PK\x03\x04" {
        return None;
    }
    let name = u64::from(u16_at(bytes, at + 26)?);
    let extra = u64::from(u16_at(bytes, at + 28)?);
    Some(offset + 30 + name + extra)
}

/// Reads the central directory of the end record at `end` into
/// `entries`: true when it held at least one central header.
fn central(bytes: &[u8], end: usize, entries: &mut Entries) -> bool {
    let Some(record) = bytes.get(end..end + 22) else {
        return false;
    };
    let classic = (
        u64::from(u32_at(record, 12).unwrap_or(0)),
        u64::from(u32_at(record, 16).unwrap_or(0)),
        end as u64,
    );
    // Zip64 (APPNOTE.TXT 4.3.14-15): the locator right before the record
    // points at a zip64 end record with its own directory size and
    // offset. Readers disagree on when they take it (Python's zipfile
    // and libarchive whenever the locator is there, 7-Zip and unzip only
    // when the classic fields are all ones), so both directories count.
    let zip64 = end
        .checked_sub(20)
        .filter(|&l| bytes.get(l..l + 4) == Some(b"PK\x06\x07"))
        .and_then(|l| {
            let stated = usize::try_from(u64_at(bytes, l + 8)?).ok()?;
            [stated, l.checked_sub(56)?]
                .into_iter()
                .find(|&z| z < l && bytes.get(z..z + 4) == Some(b"PK\x06\x06"))
        })
        .map(|z| {
            (
                u64_at(bytes, z + 40).unwrap_or(0),
                u64_at(bytes, z + 48).unwrap_or(0),
                z as u64,
            )
        });
    let mut found = false;
    // Where a record says, and where its directory really ends (a stub
    // in front shifts every offset by the same amount).
    let mut starts: Vec<(u64, i128)> = Vec::new();
    for (cd_size, cd_offset, cd_end) in std::iter::once(classic).chain(zip64) {
        let actual = cd_end.saturating_sub(cd_size);
        for start in [
            (cd_offset, 0i128),
            (actual, i128::from(actual) - i128::from(cd_offset)),
        ] {
            if !starts.contains(&start) {
                starts.push(start);
            }
        }
    }
    for (start, shift) in starts {
        let Ok(mut at) = usize::try_from(start) else {
            continue;
        };
        while at < end && bytes.get(at..at + 4) == Some(b"PK\x01\x02") {
            let Some(h) = bytes.get(at..at + 46) else {
                break;
            };
            let flags = u16_at(h, 8).unwrap_or(0);
            let method = u16_at(h, 10).unwrap_or(0);
            let mut packed = u64::from(u32_at(h, 20).unwrap_or(0));
            let mut size = u64::from(u32_at(h, 24).unwrap_or(0));
            let name_len = usize::from(u16_at(h, 28).unwrap_or(0));
            let extra_len = usize::from(u16_at(h, 30).unwrap_or(0));
            let comment_len = usize::from(u16_at(h, 32).unwrap_or(0));
            let mut offset = u64::from(u32_at(h, 42).unwrap_or(0));
            let name = bytes.get(at + 46..at + 46 + name_len).unwrap_or_default();
            let extra = bytes
                .get(at + 46 + name_len..at + 46 + name_len + extra_len)
                .unwrap_or_default();
            if let Some(z) = field(extra, 0x0001) {
                // Only the values whose 32-bit field is all ones, in order.
                let mut values = z.chunks_exact(8).filter_map(|c| u64_at(c, 0));
                let all_ones = u64::from(u32::MAX);
                for value in [&mut size, &mut packed, &mut offset] {
                    if *value == all_ones {
                        *value = values.next().unwrap_or(*value);
                    }
                }
            }
            let Ok(offset) = u64::try_from(i128::from(offset) + shift) else {
                break;
            };
            let fresh = || Entry {
                flags,
                method,
                packed,
                size,
                ..Entry::default()
            };
            let Some(entry) = entries.at(offset, fresh) else {
                return found;
            };
            found = true;
            entry.flags |= flags & 1;
            if entry.method == u16::MAX {
                entry.method = method;
            }
            for n in names(name, flags, extra) {
                entry.name(n);
            }
            at += 46 + name_len + extra_len + comment_len;
        }
    }
    found
}

/// A local file header (APPNOTE.TXT 4.3.7).
struct Local<'a> {
    flags: u16,
    method: u16,
    /// The packed size it gives (its zip64 field's when all ones), `None`
    /// when a data descriptor after the data gives it instead (flag bit 3
    /// and a size of 0).
    packed: Option<u64>,
    size: u64,
    name: &'a [u8],
    extra: &'a [u8],
    /// Where its data starts.
    data: usize,
}

/// The local header at `at`, if one is there.
fn local_header(bytes: &[u8], at: usize) -> Option<Local<'_>> {
    let h = bytes.get(at..at.checked_add(30)?)?;
    if !h.starts_with(b"PK\x03\x04") {
        return None;
    }
    let flags = u16_at(h, 6)?;
    let mut packed = u64::from(u32_at(h, 18)?);
    let name_len = usize::from(u16_at(h, 26)?);
    let extra_len = usize::from(u16_at(h, 28)?);
    let name = bytes.get(at + 30..at + 30 + name_len).unwrap_or_default();
    let extra = bytes
        .get(at + 30 + name_len..at + 30 + name_len + extra_len)
        .unwrap_or_default();
    if let Some(z) = field(extra, 0x0001).filter(|_| packed == u64::from(u32::MAX)) {
        packed = u64_at(z, 8).unwrap_or(packed);
    }
    Some(Local {
        flags,
        method: u16_at(h, 8)?,
        packed: Some(packed).filter(|&p| !(flags & 0x08 != 0 && p == 0)),
        size: u64::from(u32_at(h, 22)?),
        name,
        extra,
        data: at + 30 + name_len + extra_len,
    })
}

/// How many bytes of deflate data `data` starts with: the stream inflated
/// (output dropped, charged to the budget's looking allowance) to its
/// final block's end, as a streaming reader finds it. `None` when the
/// stream is damaged, cut short or the allowance runs out.
fn deflate_end(data: &[u8], budget: &mut Budget) -> Option<u64> {
    let mut inflater = flate2::Decompress::new(false);
    let mut out = vec![0u8; 64 << 10];
    loop {
        let input = data.get(usize::try_from(inflater.total_in()).ok()?..)?;
        let before = (inflater.total_in(), inflater.total_out());
        let status = inflater
            .decompress(input, &mut out, flate2::FlushDecompress::None)
            .ok()?;
        if !budget.look(inflater.total_out() - before.1) {
            return None;
        }
        if status == flate2::Status::StreamEnd {
            return Some(inflater.total_in());
        }
        if (inflater.total_in(), inflater.total_out()) == before {
            return None;
        }
    }
}

/// Walks the local headers from the first one, as a streaming reader
/// does, adding their names (and the entries no central directory has)
/// to `entries`. Where the next header is depends on a size the readers
/// may take from different places (the local header, the central
/// directory, the end of a deflate stream, the next signature after data
/// with a descriptor), so the walk goes on from every such place, each
/// header once. A local header disagreeing with the central directory on
/// method or size records its own reading ([`Entry::local`]).
fn local(bytes: &[u8], entries: &mut Entries, budget: &mut Budget) {
    let Some(first) = memmem::find(bytes, b"PK\x03\x04") else {
        return;
    };
    let mut todo = vec![first];
    let mut seen = std::collections::HashSet::new();
    while let Some(at) = todo.pop() {
        if !seen.insert(at) {
            continue;
        }
        let Some(h) = local_header(bytes, at) else {
            continue;
        };
        let descriptor = h.flags & 0x08 != 0;
        let known = entries.map.get(&(at as u64)).map(|e| (e.method, e.packed));
        let mut sizes = Vec::new();
        sizes.extend(h.packed);
        let mut lost = false;
        if h.packed.is_none() {
            // Sizes follow the data: where it ends is where the deflate
            // stream ends, or (for a reader that looks) the next record.
            let rest = bytes.get(h.data..).unwrap_or_default();
            let end = (h.method == 8).then(|| deflate_end(rest, budget)).flatten();
            lost = end.is_none();
            sizes.extend(end);
            sizes.extend(
                [&b"PK\x07\x08"[..], b"PK\x03\x04", b"PK\x01\x02"]
                    .iter()
                    .filter_map(|sig| memmem::find(rest, sig))
                    .min()
                    .map(|n| n as u64),
            );
        }
        if let Some((_, packed)) = known {
            sizes.push(packed);
        }
        let first_size = sizes.first().copied().unwrap_or(0);
        let fresh = || Entry {
            flags: h.flags,
            method: h.method,
            packed: first_size,
            size: h.size,
            lost,
            ..Entry::default()
        };
        let Some(entry) = entries.at(at as u64, fresh) else {
            return;
        };
        entry.flags |= h.flags & 1;
        if let Some((method, packed)) = known {
            let own = h.packed.unwrap_or(packed);
            let method_differs = method != u16::MAX && method != h.method;
            if method_differs || own != packed {
                entry.local = Some((h.method, own));
            }
        }
        for n in names(h.name, h.flags, h.extra) {
            entry.name(n);
        }
        sizes.dedup();
        for packed in sizes {
            let Some(mut next) = usize::try_from(packed)
                .ok()
                .and_then(|p| h.data.checked_add(p))
            else {
                continue;
            };
            if descriptor {
                let signed = bytes.get(next..next.saturating_add(4)) == Some(b"PK\x07\x08");
                next = next.saturating_add(if signed { 16 } else { 12 });
                if bytes.get(next..next.saturating_add(4)) != Some(b"PK\x03\x04") {
                    // A zip64 descriptor has 8-byte sizes.
                    next = next.saturating_add(8);
                }
            }
            if next > at && next < bytes.len() {
                todo.push(next);
            }
        }
    }
}

/// The data of the extra field `id` in `extra` (APPNOTE.TXT 4.5).
fn field(mut extra: &[u8], id: u16) -> Option<&[u8]> {
    while let (Some(kind), Some(len)) = (u16_at(extra, 0), u16_at(extra, 2)) {
        let data = extra.get(4..4 + usize::from(len))?;
        if kind == id {
            return Some(data);
        }
        extra = extra.get(4 + usize::from(len)..)?;
    }
    None
}

/// Every name a header gives: the name field (UTF-8 with flag bit 11,
/// else CP437, and as UTF-8 too when it is valid UTF-8: 7-Zip and
/// Windows may take it so) and the Info-ZIP Unicode Path field (0x7075,
/// version 1: UTF-8 after the CRC of the name field; counted whatever
/// that CRC says).
fn names(raw: &[u8], flags: u16, extra: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    if flags & 0x0800 != 0 || raw.is_ascii() {
        out.push(member_name(raw));
    } else {
        out.push(member_name(cp437(raw).as_bytes()));
        if std::str::from_utf8(raw).is_ok() {
            out.push(member_name(raw));
        }
    }
    if let Some(unicode) = field(extra, 0x7075).filter(|u| u.first() == Some(&1)) {
        out.push(member_name(unicode.get(5..).unwrap_or_default()));
    }
    out
}

/// Code page 437 above ASCII (APPNOTE.TXT appendix D).
const CP437_HIGH: &str = "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u{a0}";

/// `raw` read as code page 437.
fn cp437(raw: &[u8]) -> String {
    raw.iter()
        .map(|&b| {
            if b < 0x80 {
                char::from(b)
            } else {
                CP437_HIGH
                    .chars()
                    .nth(usize::from(b - 0x80))
                    .unwrap_or('\u{FFFD}')
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cp437_covers_the_upper_half() {
        assert_eq!(CP437_HIGH.chars().count(), 128);
        assert_eq!(cp437(b"\x80\x81a\xFF"), "\u{c7}\u{fc}a\u{a0}");
    }
}
