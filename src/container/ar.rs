//! The ar reader, hand-written (a global header, then for each member a
//! 60-byte text header and the content, stored): the common format of
//! ar(5), with GNU's long-name table (`//`, names `/123`) and BSD's long
//! names (`#1/17`, the name in front of the content); symbol tables
//! (`/`, `/SYM64/`, `__.SYMDEF`) are members under those names, as
//! 7-Zip extracts them. Debian packages are ar archives. Each member's
//! name and head.

use super::{Budget, Listing, Member, Problem, member_name, stored, too_many};

/// The global header.
pub(super) const MAGIC: &[u8] = b"!<arch>\n";

/// The members of the ar archive `bytes`. A damaged header ends the
/// listing with a [`Problem::Unreadable`]; what was listed before it
/// stays.
///
/// GNU long names (`/123`) are resolved once the whole archive is walked,
/// against its `//` table wherever it stands (7-Zip finds it after the
/// member too); when there are several tables, the name in the last one
/// counts beside the first's. The symbol tables (`/`, `/SYM64/`, `__.SYMDEF`) are
/// members like the others: 7-Zip extracts them as files.
pub fn read(bytes: &[u8], budget: &mut Budget) -> Listing {
    let mut listing = Listing::default();
    let mut entries: Vec<(&[u8], &[u8], bool)> = Vec::new();
    // The first and the last `//` table: readers that meet a second one
    // refuse it (libarchive) or may take it instead of the first.
    let mut tables: [Option<&[u8]>; 2] = [None, None];
    let mut at = MAGIC.len();
    while at < bytes.len() {
        let Some(header) = bytes.get(at..at + 60) else {
            // A stray byte or newline at the end.
            break;
        };
        let size = header
            .get(48..58)
            .and_then(|f| std::str::from_utf8(f).ok())
            .and_then(|f| f.trim_end().parse::<usize>().ok());
        let (Some(size), Some(b"`\n")) = (size, header.get(58..60)) else {
            listing.problems.push(Problem::Unreadable(format!(
                "ar: damaged header at offset {at}"
            )));
            break;
        };
        let start = at + 60;
        let end = start.saturating_add(size);
        let data = bytes.get(start..end.min(bytes.len())).unwrap_or_default();
        let field = header.get(..16).unwrap_or_default();
        let field = field
            .iter()
            .rposition(|&b| b != b' ')
            .map_or(&field[..0], |last| field.get(..=last).unwrap_or_default());
        if field == b"//" {
            tables[0].get_or_insert(data);
            tables[1] = Some(data);
        } else {
            if entries.len() == budget.max_members() {
                listing.problems.push(too_many(budget, "ar"));
                break;
            }
            entries.push((field, data, end > bytes.len()));
        }
        // Contents are padded to an even length.
        at = end.saturating_add(end % 2);
    }
    for (field, mut data, cut) in entries {
        let mut other = None;
        let name: Vec<u8> = match field {
            b"/" | b"/SYM64/" | b"__.SYMDEF" | b"__.SYMDEF SORTED" => field.to_vec(),
            _ if field.starts_with(b"#1/") => {
                let n = std::str::from_utf8(field.get(3..).unwrap_or_default())
                    .ok()
                    .and_then(|n| n.parse::<usize>().ok())
                    .unwrap_or(0)
                    .min(data.len());
                let (name, rest) = data.split_at(n);
                data = rest;
                name.split(|&b| b == 0).next().unwrap_or_default().to_vec()
            }
            _ if field.len() > 1 && field.starts_with(b"/") => {
                let offset = std::str::from_utf8(field.get(1..).unwrap_or_default())
                    .ok()
                    .and_then(|n| n.parse::<usize>().ok());
                let [first, last] = tables.map(|table| long_name(table, offset));
                if last != first {
                    other = Some(last);
                }
                first
            }
            _ => field.strip_suffix(b"/").unwrap_or(field).to_vec(),
        };
        let name = member_name(&name);
        let what = format!("ar member {}", String::from_utf8_lossy(&name));
        if cut {
            listing
                .problems
                .push(Problem::Unreadable(format!("{what}: cut short")));
        }
        let mut member = Member {
            name,
            size: data.len() as u64,
            ..Member::default()
        };
        (member.head, member.data) = stored(data, budget, &what, &mut listing.problems);
        if let Some(other) = other.filter(|o| !o.is_empty()) {
            member.also_named(member_name(&other));
        }
        listing.members.push(member);
    }
    listing
}

/// The GNU long name at `offset` of the name table `table`: up to its
/// newline, without the closing `/` (empty when either is missing).
fn long_name(table: Option<&[u8]>, offset: Option<usize>) -> Vec<u8> {
    let long = offset
        .and_then(|o| table.and_then(|t| t.get(o..)))
        .unwrap_or_default();
    let long = long.split(|&b| b == b'\n').next().unwrap_or_default();
    long.strip_suffix(b"/").unwrap_or(long).to_vec()
}
