//! The tar reader (POSIX ustar and pax, GNU, v7) through the `tar`
//! crate: every regular file's path (long names and pax paths included),
//! size and head. Where a member carries several names (a pax `path`
//! record, a GNU `L` long name, the header's own name field), readers
//! disagree on which wins (GNU tar and 7-Zip take the pax path, the `tar`
//! crate the GNU long name), so all of them count.

use std::io::Cursor;

use super::{Budget, Listing, Member, Problem, content, member_name, too_many};

/// The regular files of the tar archive `bytes`. A damaged header ends
/// the listing with a [`Problem::Unreadable`]; what was listed before it
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
        let kind = entry.header().entry_type();
        if !(kind.is_file() || kind.is_contiguous() || kind.is_gnu_sparse()) {
            continue;
        }
        if listing.members.len() == budget.max_members() {
            listing.problems.push(too_many(budget, "tar"));
            break;
        }
        let name = member_name(&entry.path_bytes());
        let mut others = vec![member_name(&entry.header().path_bytes())];
        if let Ok(Some(pax)) = entry.pax_extensions() {
            for record in pax.flatten() {
                if matches!(record.key_bytes(), b"path" | b"GNU.path") {
                    others.push(member_name(record.value_bytes()));
                }
            }
        }
        let size = entry.size();
        let what = format!("tar member {}", String::from_utf8_lossy(&name));
        // Stored, not compressed: the ratio never applies.
        let (head, data) = content(entry, budget, size.max(1), &what, &mut listing.problems);
        let mut member = Member {
            name,
            size,
            head,
            encrypted: false,
            data,
            aliases: Vec::new(),
        };
        for other in others {
            if !other.is_empty() {
                member.also_named(other);
            }
        }
        listing.members.push(member);
    }
    listing
}
