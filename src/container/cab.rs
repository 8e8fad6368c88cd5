//! The Microsoft Cabinet reader (MS-CAB) through the `cab` crate: every
//! file's name and size from the folder entries, its head decompressed
//! (MSZIP, LZX or stored) within the message's budget.

use std::io::Cursor;

use super::{Budget, Listing, Member, Problem, content, member_name, too_many};

/// The files of the cabinet `bytes`. A folder is solid: reaching a file
/// means decompressing the files before it, so a file further into its
/// folder than the budget has left is not opened (a
/// [`Problem::Limit`]). The `cab` crate reads a file by its name only:
/// a second file of a name already met (7-Zip lists and extracts both)
/// is listed but not read, a [`Problem::Unreadable`].
pub fn read(bytes: &[u8], budget: &mut Budget) -> Listing {
    let mut listing = Listing::default();
    let mut cabinet = match cab::Cabinet::new(Cursor::new(bytes)) {
        Ok(c) => c,
        Err(e) => {
            listing
                .problems
                .push(Problem::Unreadable(format!("cab: {e}")));
            return listing;
        }
    };
    let mut files: Vec<(String, u64, u64)> = Vec::new();
    for folder in cabinet.folder_entries() {
        let mut offset = 0u64;
        for file in folder.file_entries() {
            let size = u64::from(file.uncompressed_size());
            files.push((file.name().to_string(), size, offset));
            offset = offset.saturating_add(size);
        }
    }
    let mut seen = std::collections::HashSet::new();
    for (name, size, offset) in files {
        if listing.members.len() == budget.max_members() {
            listing.problems.push(too_many(budget, "cab"));
            break;
        }
        let what = format!("cab file {name}");
        let mut member = Member {
            name: member_name(name.as_bytes()),
            size,
            ..Member::default()
        };
        if !seen.insert(name.clone()) {
            listing.problems.push(Problem::Unreadable(format!(
                "{what}: a second file of this name, not read"
            )));
        } else if offset > budget.left() {
            listing.problems.push(Problem::Limit {
                limit: "max_bytes",
                detail: format!("{what}: {offset} bytes into its folder, beyond the budget"),
            });
        } else {
            match cabinet.read_file(&name) {
                Ok(reader) => {
                    let packed = (bytes.len() as u64).max(1);
                    (member.head, member.data) =
                        content(reader, budget, packed, &what, &mut listing.problems);
                }
                Err(e) => listing
                    .problems
                    .push(Problem::Unreadable(format!("{what}: {e}"))),
            }
        }
        listing.members.push(member);
    }
    listing
}
