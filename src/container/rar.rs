//! The RAR reader, hand-written (no maintained crate reads RAR without
//! the non-free C library): member names, sizes and encryption from the
//! block headers of RAR 1.5-4.x and RAR 5.0, nothing decompressed. A
//! stored member (method "store") also gives its head (and its whole
//! content when it is a container); a compressed one, whose content
//! cannot be examined (a nested archive, a macro document), is a
//! [`Problem::Unreadable`], as amavisd-new marks what it cannot decode.
//!
//! Follows RARLAB's `technote.txt` (RAR 4.x) and "RAR 5.0 archive
//! format" (rarlab.com/technote.htm), and unrar's `encname.cpp` for
//! RAR 4 Unicode names.

use super::{Budget, Listing, Member, Problem, member_name, stored, too_many};

/// RAR 1.5-4.x marker block.
const RAR4: &[u8] = b"Rar!\x1A\x07\x00";
/// RAR 5.0 signature.
const RAR5: &[u8] = b"Rar!\x1A\x07\x01\x00";

/// Longest member name kept (bytes); longer ones are cut.
const MAX_NAME: usize = 4096;

/// The members of the RAR archive `bytes` (either version). Encrypted
/// headers stop the listing with a [`Problem::Encrypted`]; an encrypted
/// member is listed and reported; a damaged block ends the listing with
/// a [`Problem::Unreadable`].
pub fn read(bytes: &[u8], budget: &mut Budget) -> Listing {
    let mut listing = Listing::default();
    if bytes.starts_with(RAR5) {
        rar5(bytes, RAR5.len(), budget, &mut listing);
    } else if bytes.starts_with(RAR4) {
        rar4(bytes, RAR4.len(), budget, &mut listing);
    } else {
        listing
            .problems
            .push(Problem::Unreadable("rar: no RAR signature".into()));
    }
    listing
}

/// A little-endian cursor over a block; every read is checked.
struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.at.checked_add(n)?;
        let s = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(s)
    }

    fn u8(&mut self) -> Option<u8> {
        self.take(1)?.first().copied()
    }

    fn u16(&mut self) -> Option<u16> {
        let b = self.take(2)?;
        Some(u16::from_le_bytes([*b.first()?, *b.get(1)?]))
    }

    fn u32(&mut self) -> Option<u32> {
        let b = self.take(4)?;
        Some(u32::from_le_bytes([
            *b.first()?,
            *b.get(1)?,
            *b.get(2)?,
            *b.get(3)?,
        ]))
    }

    /// RAR 5 variable-length integer: 7 bits per byte, low first, at
    /// most 10 bytes.
    fn vint(&mut self) -> Option<u64> {
        let mut value = 0u64;
        for shift in (0..70).step_by(7) {
            let b = self.u8()?;
            if shift < 64 {
                value |= u64::from(b & 0x7F) << shift;
            }
            if b & 0x80 == 0 {
                return Some(value);
            }
        }
        None
    }
}

/// True (with the problem recorded, the extra member dropped) when the
/// listing holds more members than allowed.
fn full(listing: &mut Listing, budget: &Budget) -> bool {
    if listing.members.len() <= budget.max_members() {
        return false;
    }
    listing.members.truncate(budget.max_members());
    listing.problems.push(too_many(budget, "rar"));
    true
}

/// The problem of a member whose content is not examined: compressed
/// (qmvc has no RAR decompressor: RARLAB's is non-free C, and no
/// maintained Rust crate decodes RAR), or `continued` from a previous
/// volume of a multi-volume archive. Its name still counts.
fn not_decoded(name: &[u8], continued: bool) -> Problem {
    let why = if continued {
        "continued from a previous volume, not examined"
    } else {
        "RAR compression not decoded, content not examined"
    };
    Problem::Unreadable(format!(
        "rar member {}: {why}",
        String::from_utf8_lossy(name)
    ))
}

fn damaged(listing: &mut Listing, version: u8, at: usize) {
    listing.problems.push(Problem::Unreadable(format!(
        "rar{version}: damaged block header at offset {at}"
    )));
}

fn rar4(bytes: &[u8], mut at: usize, budget: &mut Budget, listing: &mut Listing) {
    while at < bytes.len() {
        let mut c = Cursor { bytes, at };
        let header = (|| {
            let _crc = c.u16()?;
            let kind = c.u8()?;
            let flags = c.u16()?;
            let size = usize::from(c.u16()?);
            Some((kind, flags, size))
        })();
        let Some((kind, flags, size)) = header else {
            // Trailing bytes too short for a block: the end.
            return;
        };
        if size < 7 || at + size > bytes.len() {
            damaged(listing, 4, at);
            return;
        }
        let mut add = 0u64;
        match kind {
            0x73 if flags & 0x0080 != 0 => {
                listing.problems.push(Problem::Encrypted(
                    "rar4: encrypted headers (names hidden)".into(),
                ));
                return;
            }
            0x74 => match file4(bytes, at, flags, size, budget, listing) {
                Some(packed) => add = packed,
                None => {
                    damaged(listing, 4, at);
                    return;
                }
            },
            0x7B => return,
            _ => {
                if flags & 0x8000 != 0 {
                    add = u64::from(c.u32().unwrap_or(0));
                }
            }
        }
        let next = (at as u64).saturating_add(size as u64).saturating_add(add);
        at = usize::try_from(next).unwrap_or(usize::MAX);
        if full(listing, budget) {
            return;
        }
    }
}

/// One RAR 4 file header at `at`: the member is pushed, the packed size
/// returned.
fn file4(
    bytes: &[u8],
    at: usize,
    flags: u16,
    size: usize,
    budget: &mut Budget,
    listing: &mut Listing,
) -> Option<u64> {
    let block = bytes.get(at..at + size)?;
    let mut c = Cursor {
        bytes: block,
        at: 7,
    };
    let packed_low = c.u32()?;
    let unpacked_low = c.u32()?;
    let _host = c.u8()?;
    let _crc = c.u32()?;
    let _time = c.u32()?;
    let _version = c.u8()?;
    let method = c.u8()?;
    let name_len = usize::from(c.u16()?);
    let _attr = c.u32()?;
    let (packed_high, unpacked_high) = if flags & 0x0100 != 0 {
        (c.u32()?, c.u32()?)
    } else {
        (0, 0)
    };
    let name = c.take(name_len)?;
    let packed = u64::from(packed_high) << 32 | u64::from(packed_low);
    let directory = flags & 0x00E0 == 0x00E0;
    if directory {
        return Some(packed);
    }
    let name = if flags & 0x0200 != 0 {
        unicode_name(name)
    } else {
        name.to_vec()
    };
    let mut member = Member {
        name: member_name(name.get(..MAX_NAME).unwrap_or(&name)),
        size: u64::from(unpacked_high) << 32 | u64::from(unpacked_low),
        encrypted: flags & 0x0004 != 0,
        ..Member::default()
    };
    if member.encrypted {
        listing.problems.push(Problem::Encrypted(format!(
            "rar member {}",
            String::from_utf8_lossy(&member.name)
        )));
    } else if method == 0x30 && flags & 0x0001 == 0 {
        let start = at + size;
        let end = usize::try_from((start as u64).saturating_add(packed)).unwrap_or(usize::MAX);
        let data = bytes.get(start..end.min(bytes.len())).unwrap_or_default();
        let what = format!("rar member {}", String::from_utf8_lossy(&member.name));
        (member.head, member.data) = stored(data, budget, &what, &mut listing.problems);
    } else if member.size > 0 || packed > 0 {
        // A compressed member declaring no size still has data.
        listing
            .problems
            .push(not_decoded(&member.name, flags & 0x0001 != 0));
    }
    listing.members.push(member);
    Some(packed)
}

/// A RAR 4 Unicode name (`ascii NUL encoded`), as UTF-8 (unrar's
/// `EncodeFileName::Decode`); the ASCII part alone when there is no
/// encoded part.
fn unicode_name(raw: &[u8]) -> Vec<u8> {
    let Some(nul) = raw.iter().position(|&b| b == 0) else {
        return raw.to_vec();
    };
    let ascii = raw.get(..nul).unwrap_or_default();
    let enc = raw.get(nul + 1..).unwrap_or_default();
    let Some(&high) = enc.first() else {
        return ascii.to_vec();
    };
    let high = u16::from(high) << 8;
    let mut out: Vec<u16> = Vec::new();
    let (mut pos, mut flags, mut bits) = (1usize, 0u8, 0u32);
    let byte = |i: usize| enc.get(i).copied().map(u16::from);
    while pos < enc.len() && out.len() < MAX_NAME {
        if bits == 0 {
            flags = enc.get(pos).copied().unwrap_or(0);
            pos += 1;
            bits = 8;
        }
        match flags >> 6 {
            0 => {
                let Some(b) = byte(pos) else { break };
                out.push(b);
                pos += 1;
            }
            1 => {
                let Some(b) = byte(pos) else { break };
                out.push(b + high);
                pos += 1;
            }
            2 => {
                let (Some(lo), Some(hi)) = (byte(pos), byte(pos + 1)) else {
                    break;
                };
                out.push(lo | hi << 8);
                pos += 2;
            }
            _ => {
                let Some(length) = byte(pos) else { break };
                pos += 1;
                if length & 0x80 != 0 {
                    let Some(correction) = byte(pos) else { break };
                    pos += 1;
                    for _ in 0..(length & 0x7F) + 2 {
                        let Some(&a) = ascii.get(out.len()) else {
                            break;
                        };
                        out.push(((u16::from(a) + correction) & 0xFF) + high);
                    }
                } else {
                    for _ in 0..length + 2 {
                        let Some(&a) = ascii.get(out.len()) else {
                            break;
                        };
                        out.push(u16::from(a));
                    }
                }
            }
        }
        flags <<= 2;
        bits -= 2;
    }
    String::from_utf16_lossy(&out).into_bytes()
}

fn rar5(bytes: &[u8], mut at: usize, budget: &mut Budget, listing: &mut Listing) {
    while at < bytes.len() {
        let Some((next, done)) = block5(bytes, at, budget, listing) else {
            damaged(listing, 5, at);
            return;
        };
        if done || next <= at {
            return;
        }
        at = next;
        if full(listing, budget) {
            return;
        }
    }
}

/// One RAR 5 block at `at`: the offset of the next and whether the
/// listing ends here. `None` for a damaged block.
fn block5(
    bytes: &[u8],
    at: usize,
    budget: &mut Budget,
    listing: &mut Listing,
) -> Option<(usize, bool)> {
    let mut c = Cursor { bytes, at };
    let _crc = c.u32()?;
    let size = usize::try_from(c.vint()?).ok()?;
    let start = c.at;
    let end = start.checked_add(size)?;
    if size == 0 || end > bytes.len() {
        return None;
    }
    let mut c = Cursor {
        bytes: bytes.get(..end)?,
        at: start,
    };
    let kind = c.vint()?;
    let flags = c.vint()?;
    let extra = if flags & 1 != 0 { c.vint()? } else { 0 };
    let data_size = if flags & 2 != 0 { c.vint()? } else { 0 };
    let next = usize::try_from((end as u64).checked_add(data_size)?).ok()?;
    match kind {
        2 => {
            let file_flags = c.vint()?;
            let unpacked = c.vint()?;
            let _attributes = c.vint()?;
            if file_flags & 2 != 0 {
                c.u32()?;
            }
            if file_flags & 4 != 0 {
                c.u32()?;
            }
            let compression = c.vint()?;
            let _host = c.vint()?;
            let name_len = usize::try_from(c.vint()?).ok()?;
            let name = c.take(name_len)?;
            let extra_start = end.checked_sub(usize::try_from(extra).ok()?)?;
            let encrypted = extra_records(bytes.get(extra_start.max(c.at)..end)?);
            if file_flags & 1 == 0 {
                let mut member = Member {
                    name: member_name(name.get(..MAX_NAME).unwrap_or(name)),
                    size: unpacked,
                    encrypted,
                    ..Member::default()
                };
                if encrypted {
                    listing.problems.push(Problem::Encrypted(format!(
                        "rar member {}",
                        String::from_utf8_lossy(&member.name)
                    )));
                } else if (compression >> 7) & 7 == 0 && flags & 0x08 == 0 {
                    let data = bytes.get(end..next.min(bytes.len())).unwrap_or_default();
                    let what = format!("rar member {}", String::from_utf8_lossy(&member.name));
                    (member.head, member.data) = stored(data, budget, &what, &mut listing.problems);
                } else if member.size > 0 || file_flags & 0x08 != 0 || next > end {
                    // A compressed member whose size is unknown (file
                    // flag 0x08) or declared 0 still has data.
                    listing
                        .problems
                        .push(not_decoded(&member.name, flags & 0x08 != 0));
                }
                listing.members.push(member);
            }
            Some((next, false))
        }
        4 => {
            listing.problems.push(Problem::Encrypted(
                "rar5: encrypted headers (names hidden)".into(),
            ));
            Some((next, true))
        }
        5 => Some((next, true)),
        _ => Some((next, false)),
    }
}

/// True when the extra area `area` of a RAR 5 file header holds a file
/// encryption record (type 1).
fn extra_records(area: &[u8]) -> bool {
    let mut c = Cursor { bytes: area, at: 0 };
    while c.at < area.len() {
        let Some(size) = c.vint().and_then(|s| usize::try_from(s).ok()) else {
            return false;
        };
        let record_start = c.at;
        if c.vint() == Some(1) {
            return true;
        }
        match record_start.checked_add(size) {
            Some(next) if next > record_start => c.at = next,
            _ => return false,
        }
    }
    false
}
