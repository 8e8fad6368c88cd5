//! The Microsoft Cabinet reader (MS-CAB) through the `cab` crate: every
//! file's name and size from the folder entries, its head decompressed
//! (MSZIP, LZX or stored) within the message's budget.

use std::io::Cursor;
use std::panic::{self, AssertUnwindSafe};

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
    let mut files: Vec<(String, u64, u64, bool)> = Vec::new();
    for folder in cabinet.folder_entries() {
        let mut offset = 0u64;
        // A folder without data blocks holds no content (the crate would
        // index past its block list).
        let readable = folder.num_data_blocks() > 0;
        for file in folder.file_entries() {
            let size = u64::from(file.uncompressed_size());
            files.push((file.name().to_string(), size, offset, readable));
            offset = offset.saturating_add(size);
        }
    }
    let mut seen = std::collections::HashSet::new();
    for (name, size, offset, readable) in files {
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
        } else if !readable {
            listing.problems.push(Problem::Unreadable(format!(
                "{what}: its folder has no data blocks"
            )));
        } else if offset > budget.left() {
            listing.problems.push(Problem::Limit {
                limit: "max_bytes",
                detail: format!("{what}: {offset} bytes into its folder, beyond the budget"),
            });
        } else {
            // The `cab` crate indexes its block list without a bound
            // check when a file lies past its folder's data (a hostile
            // cabinet, found by the container_other fuzz target): its
            // panic is contained here and the file is damage, not a
            // deferral of the whole message.
            let packed = (bytes.len() as u64).max(1);
            let mut problems = Vec::new();
            let mut left = budget.clone();
            let read = panic::catch_unwind(AssertUnwindSafe(|| match cabinet.read_file(&name) {
                Ok(reader) => Ok(content(reader, &mut left, packed, &what, &mut problems)),
                Err(e) => Err(e.to_string()),
            }));
            match read {
                Ok(Ok((head, data))) => {
                    (member.head, member.data) = (head, data);
                    *budget = left;
                    listing.problems.append(&mut problems);
                }
                Ok(Err(e)) => listing
                    .problems
                    .push(Problem::Unreadable(format!("{what}: {e}"))),
                Err(_) => listing.problems.push(Problem::Unreadable(format!(
                    "{what}: the cabinet is damaged (its data ends before the file)"
                ))),
            }
        }
        listing.members.push(member);
    }
    listing
}
