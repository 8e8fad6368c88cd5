//! The tar reader (POSIX ustar and pax, GNU, v7, Solaris) through the
//! `tar` crate: every entry a reader extracts as a file, with its path
//! (long names and pax paths included), size and head. Where a member
//! carries several names (a pax `path` or `GNU.sparse.name` record, a
//! Solaris `X` header's `path`, a global pax header's `path`, a GNU `L`
//! long name, the header's own name field), readers disagree on which
//! wins (GNU tar and 7-Zip take the pax path, the `tar` crate the GNU
//! long name, GNU tar a sparse file's `GNU.sparse.name`), so all of them
//! count.
//!
//! Which entries are files follows GNU tar, bsdtar and 7-Zip: regular
//! files, contiguous and sparse files, and every type flag they do not
//! know (GNU tar: "Unknown file type; file extracted as normal file").
//! A hard link's name is a new file with its target's content (the
//! target's head is its head); a symbolic link is listed under its own
//! name, without content unless its header declares data. Directories,
//! devices, FIFOs, volume labels and GNU's `N` entries are files only
//! when their header declares data (7-Zip extracts that data as a file
//! under the entry's name); the extension headers are not files.

use std::io::{Cursor, Read};

use super::{Budget, Listing, Member, Problem, content, member_name, too_many};

/// Largest extended header (Solaris `X`, global pax `g`) whose records
/// are read (bytes): a path takes at most a few KiB.
const MAX_EXTENDED: u64 = 64 << 10;

/// The files of the tar archive `bytes`. A damaged header ends the
/// listing with a [`Problem::Unreadable`]; what was listed before it
/// stays.
pub fn read(bytes: &[u8], budget: &mut Budget) -> Listing {
    let mut listing = Listing::default();
    let mut archive = ::tar::Archive::new(Cursor::new(bytes));
    let entries = match archive.entries() {
        Ok(entries) => entries,
        Err(e) => {
            listing
                .problems
                .push(Problem::Unreadable(format!("tar: {e}")));
            return listing;
        }
    };
    // Names from global pax headers: every later entry may go by them
    // (GNU tar and Python apply a global `path` to the entries after it).
    let mut global: Vec<Vec<u8>> = Vec::new();
    // Names from a Solaris `X` header: the next entry's.
    let mut solaris: Vec<Vec<u8>> = Vec::new();
    for entry in entries {
        let mut entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                listing
                    .problems
                    .push(Problem::Unreadable(format!("tar: {e}")));
                break;
            }
        };
        let kind = entry.header().entry_type().as_byte();
        match kind {
            b'g' | b'X' => {
                let names = extended_names(&mut entry);
                if kind == b'g' {
                    global.extend(names);
                } else {
                    solaris = names;
                }
                continue;
            }
            // Hard and symbolic links, files and everything unknown.
            b'1' | b'2' => {}
            // Directories (GNU dump directories too), devices, FIFOs,
            // volume labels, GNU's old long-name scripts, when they carry
            // no data; with data, 7-Zip extracts them as files (bsdtar
            // an `N` entry), so they are read as files below.
            b'3' | b'4' | b'5' | b'6' | b'D' | b'V' | b'N' if entry.size() == 0 => {
                solaris.clear();
                continue;
            }
            _ => {}
        }
        if listing.members.len() == budget.max_members() {
            listing.problems.push(too_many(budget, "tar"));
            break;
        }
        let name = member_name(&entry.path_bytes());
        let mut others = vec![member_name(&entry.header().path_bytes())];
        if let Ok(Some(pax)) = entry.pax_extensions() {
            for record in pax.flatten() {
                if matches!(
                    record.key_bytes(),
                    b"path" | b"GNU.path" | b"GNU.sparse.name"
                ) {
                    others.push(member_name(record.value_bytes()));
                }
            }
        }
        others.append(&mut solaris);
        others.extend(global.iter().cloned());
        let size = entry.size();
        let what = format!("tar member {}", String::from_utf8_lossy(&name));
        let target = (kind == b'1')
            .then(|| entry.link_name_bytes().map(|t| member_name(&t)))
            .flatten();
        let mut member = Member {
            name,
            size,
            ..Member::default()
        };
        match target {
            // A hard link with no data of its own: its target's content,
            // the first earlier member of that name.
            Some(target) if size == 0 => {
                if let Some(earlier) = listing
                    .members
                    .iter()
                    .find(|m| m.name == target || m.aliases.contains(&target))
                {
                    member.size = earlier.size;
                    member.head = earlier.head.clone();
                    member.data = earlier.data.clone();
                }
            }
            // A symbolic link is its name; one whose header declares data
            // is read as a file too.
            _ if kind == b'2' && size == 0 => {}
            // Stored, not compressed: the ratio never applies.
            _ => {
                (member.head, member.data) =
                    content(entry, budget, size.max(1), &what, &mut listing.problems);
            }
        }
        for other in others {
            if !other.is_empty() {
                member.also_named(other);
            }
        }
        listing.members.push(member);
    }
    listing
}

/// The `path` (and `GNU.path`) values of the pax-format records of an
/// extended header entry (a Solaris `X` or a global pax `g` header),
/// read up to [`MAX_EXTENDED`] bytes.
fn extended_names(entry: &mut impl Read) -> Vec<Vec<u8>> {
    let mut records = Vec::new();
    if entry.take(MAX_EXTENDED).read_to_end(&mut records).is_err() {
        return Vec::new();
    }
    ::tar::PaxExtensions::new(&records)
        .flatten()
        .filter(|r| matches!(r.key_bytes(), b"path" | b"GNU.path"))
        .map(|r| member_name(r.value_bytes()))
        .filter(|n| !n.is_empty())
        .collect()
}
