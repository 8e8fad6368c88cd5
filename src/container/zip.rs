//! The zip reader (PKWARE APPNOTE.TXT, with its flavours: jar, apk,
//! OOXML, ODF): member names from the central directory, heads
//! decompressed through the `zip` crate, encryption from the general
//! purpose flag (bit 0, traditional PKWARE and WinZip AES alike). Names
//! are UTF-8 when the entry says so, else CP437 (APPNOTE.TXT appendix D),
//! as unzip and Windows in a Western locale show them.

use std::io::Cursor;

use memchr::memmem;

use super::{Budget, Listing, Member, Problem, content, member_name, ratio_bomb, too_many};

/// The members of the zip archive `bytes`.
///
/// Before the `zip` crate indexes the central directory, the central
/// directory signatures are counted: more than [`Budget::max_members`]
/// is a [`Problem::Limit`] and nothing is listed, so that a directory of
/// a million entries costs no memory. Encrypted members are listed with
/// their names and a [`Problem::Encrypted`] each; a member the crate
/// cannot decompress (an unsupported method) is a [`Problem::Unreadable`].
pub fn read(bytes: &[u8], budget: &mut Budget) -> Listing {
    let mut listing = Listing::default();
    let entries = memmem::find_iter(bytes, b"PK\x01\x02").count();
    if entries > budget.max_members() {
        listing.problems.push(too_many(budget, "zip"));
        return listing;
    }
    let mut archive = match zip::ZipArchive::new(Cursor::new(bytes)) {
        Ok(a) => a,
        Err(e) => {
            listing
                .problems
                .push(Problem::Unreadable(format!("zip: {e}")));
            return listing;
        }
    };
    for index in 0..archive.len() {
        let Ok(raw) = archive.by_index_raw(index) else {
            continue;
        };
        if raw.is_dir() {
            continue;
        }
        // The name as an unzip tool shows it: UTF-8 when the entry says
        // so (flag bit 11 or the Unicode path extra field), else CP437.
        let name = match raw.name() {
            Ok(name) => member_name(name.as_bytes()),
            Err(_) => member_name(raw.name_raw()),
        };
        let what = format!("zip member {}", String::from_utf8_lossy(&name));
        let mut member = Member {
            size: raw.size(),
            encrypted: raw.encrypted(),
            ..Member::default()
        };
        let packed = raw.compressed_size();
        drop(raw);
        if member.encrypted {
            listing.problems.push(Problem::Encrypted(what));
        } else if let Some(problem) = ratio_bomb(budget, member.size, packed, &what) {
            listing.problems.push(problem);
        } else {
            match archive.by_index(index) {
                Ok(file) => {
                    let (head, data) = content(file, budget, packed, &what, &mut listing.problems);
                    member.head = head;
                    member.data = data;
                }
                Err(e) => listing
                    .problems
                    .push(Problem::Unreadable(format!("{what}: {e}"))),
            }
        }
        member.name = name;
        listing.members.push(member);
    }
    listing
}
