//! The cpio reader, hand-written (the format is a header, a name and the
//! content, stored): the portable ASCII formats `newc` and `crc` (hex
//! fields, 4-byte alignment) and `odc` (octal fields), and the old
//! binary format in either byte order (2-byte alignment), as described
//! in cpio(5) of libarchive and GNU cpio's manual. Regular files are
//! members with their heads; a symbolic link is listed by its own name,
//! its data (the target) examined as its content;
//! an entry of any other type (directory, device, socket, FIFO, a type
//! no system has) is a file when it carries data, as 7-Zip and bsdtar
//! extract it, and is passed over when it does not. `TRAILER!!!` ends
//! the archive.

use super::{Budget, Listing, Member, Problem, member_name, stored, too_many};

/// Longest member name kept (bytes); longer ones are cut.
const MAX_NAME: usize = 4096;

/// One header, read.
struct Header {
    /// `st_mode`: the file type in its top bits.
    mode: u64,
    /// Name length, its closing NUL included.
    name_size: u64,
    /// Content length.
    file_size: u64,
    /// Header length.
    len: usize,
    /// Alignment of the name's end and of the content's end.
    align: usize,
}

/// The members of the cpio archive `bytes`. A damaged header ends the
/// listing with a [`Problem::Unreadable`]; what was listed before it
/// stays.
pub fn read(bytes: &[u8], budget: &mut Budget) -> Listing {
    let mut listing = Listing::default();
    let mut at = 0usize;
    loop {
        if at >= bytes.len() {
            // Ended without a trailer: GNU cpio and bsdtar list what was
            // there.
            break;
        }
        let Some(header) = header(bytes.get(at..).unwrap_or_default()) else {
            listing.problems.push(Problem::Unreadable(format!(
                "cpio: damaged header at offset {at}"
            )));
            break;
        };
        let name_start = at + header.len;
        let Some(name_end) = usize::try_from(header.name_size)
            .ok()
            .and_then(|n| name_start.checked_add(n))
        else {
            break;
        };
        let raw = bytes
            .get(name_start..name_end.min(bytes.len()))
            .unwrap_or_default();
        let raw = raw.split(|&b| b == 0).next().unwrap_or_default();
        let data_start = align(name_end, header.align);
        let Some(data_end) = usize::try_from(header.file_size)
            .ok()
            .and_then(|n| data_start.checked_add(n))
        else {
            break;
        };
        if raw == b"TRAILER!!!" {
            break;
        }
        let kind = header.mode & 0o170_000;
        // Regular files (and a type of 0, which old archivers wrote),
        // symbolic links by their own name, and any other entry that
        // carries data (a device, a socket, a FIFO, a directory, a type
        // no system has: 7-Zip and bsdtar extract the data as a file).
        if matches!(kind, 0 | 0o100_000 | 0o120_000) || header.file_size > 0 {
            if listing.members.len() == budget.max_members() {
                listing.problems.push(too_many(budget, "cpio"));
                break;
            }
            let mut member = Member {
                name: member_name(raw.get(..MAX_NAME).unwrap_or(raw)),
                size: header.file_size,
                ..Member::default()
            };
            // A symbolic link's data is its target, which a client that
            // cannot make links (7-Zip on Windows) writes as the file's
            // content: examined like any other.
            let data = bytes
                .get(data_start.min(bytes.len())..data_end.min(bytes.len()))
                .unwrap_or_default();
            let what = format!("cpio member {}", String::from_utf8_lossy(&member.name));
            if data.len() as u64 != header.file_size {
                listing
                    .problems
                    .push(Problem::Unreadable(format!("{what}: cut short")));
            }
            (member.head, member.data) = stored(data, budget, &what, &mut listing.problems);
            listing.members.push(member);
        }
        let next = align(data_end, header.align);
        if next <= at {
            break;
        }
        at = next;
    }
    listing
}

/// `end` rounded up to a multiple of `align`, counted from the archive's
/// start (every header is on such a boundary).
fn align(end: usize, align: usize) -> usize {
    end.div_ceil(align).saturating_mul(align)
}

/// The header at the start of `bytes`, of any of the four formats.
fn header(bytes: &[u8]) -> Option<Header> {
    let ascii = |from: usize, len: usize, radix: u32| -> Option<u64> {
        let field = std::str::from_utf8(bytes.get(from..from + len)?).ok()?;
        u64::from_str_radix(field, radix).ok()
    };
    let magic = bytes.get(..6)?;
    if magic == b"070701" || magic == b"070702" {
        return Some(Header {
            mode: ascii(14, 8, 16)?,
            file_size: ascii(54, 8, 16)?,
            name_size: ascii(94, 8, 16)?,
            len: 110,
            align: 4,
        });
    }
    if magic == b"070707" {
        return Some(Header {
            mode: ascii(18, 6, 8)?,
            name_size: ascii(59, 6, 8)?,
            file_size: ascii(65, 11, 8)?,
            len: 76,
            align: 1,
        });
    }
    let field = bytes.get(..26)?;
    let big = match field.get(..2)? {
        [0xC7, 0x71] => false,
        [0x71, 0xC7] => true,
        _ => return None,
    };
    let word = |at: usize| -> Option<u64> {
        let pair = [*field.get(at)?, *field.get(at + 1)?];
        Some(u64::from(if big {
            u16::from_be_bytes(pair)
        } else {
            u16::from_le_bytes(pair)
        }))
    };
    Some(Header {
        mode: word(6)?,
        name_size: word(20)?,
        // The most significant half first, in either byte order.
        file_size: word(22)? << 16 | word(24)?,
        len: 26,
        align: 2,
    })
}
