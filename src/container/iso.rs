//! The ISO 9660 reader, hand-written (ECMA-119): the files of a CD or DVD
//! image from its directory records, under every name a reader may show:
//! the Rock Ridge `NM` names (as Linux shows them), the primary volume's
//! identifiers (`;1` version dropped, as Windows shows an image without
//! Joliet) and the Joliet names (UCS-2, as Windows shows them). The trees
//! may disagree on purpose: a file (one extent) is one member whose other
//! names are its aliases. Stored, not compressed: heads are slices of the
//! image.

use std::collections::{HashMap, HashSet};

use super::{Budget, Listing, Member, Problem, stored, too_many};

/// Sector size of the volume descriptors (ECMA-119 §6.1.2).
const SECTOR: usize = 2048;
/// Directory levels followed (ECMA-119 allows 8; Rock Ridge deeper).
const MAX_LEVELS: usize = 32;
/// Directory records read over the whole image, files and directories.
const MAX_RECORDS: usize = 100_000;

/// The files of the ISO 9660 image `bytes`.
pub fn read(bytes: &[u8], budget: &mut Budget) -> Listing {
    let mut listing = Listing::default();
    let mut roots = Vec::new();
    for sector in 16..64usize {
        let Some(d) = bytes.get(sector * SECTOR..(sector + 1) * SECTOR) else {
            break;
        };
        if d.get(1..6) != Some(b"CD001") {
            break;
        }
        let kind = d.first().copied().unwrap_or(0);
        let joliet = kind == 2 && matches!(d.get(88..91), Some(b"%/@" | b"%/C" | b"%/E"));
        if kind == 1 || joliet {
            let block = usize::from(u16::from_le_bytes([d[128], d[129]]));
            if let Some(root) = record(d.get(156..190).unwrap_or_default()) {
                roots.push((root, joliet, block));
            }
        }
        if kind == 255 {
            break;
        }
    }
    if roots.is_empty() {
        listing.problems.push(Problem::Unreadable(
            "iso: no primary volume descriptor".into(),
        ));
        return listing;
    }
    let mut walk = Walk {
        bytes,
        budget,
        listing: &mut listing,
        records: 0,
        by_extent: HashMap::new(),
    };
    for (root, joliet, block) in roots {
        if !(512..=SECTOR).contains(&block) || !block.is_power_of_two() {
            walk.listing.problems.push(Problem::Unreadable(format!(
                "iso: logical block size {block}"
            )));
            continue;
        }
        let mut visited = HashSet::new();
        if !walk.directory(&root, ["", ""], joliet, block, 0, &mut visited) {
            break;
        }
    }
    listing
}

/// One directory record (ECMA-119 §9.1).
#[derive(Debug, Clone)]
struct Record {
    extent: usize,
    size: usize,
    directory: bool,
    /// The identifier as stored.
    name: Vec<u8>,
    /// The Rock Ridge alternate name, if any.
    rock_ridge: Option<Vec<u8>>,
}

/// Parses the record at the start of `r` (its length byte first).
fn record(r: &[u8]) -> Option<Record> {
    let len = usize::from(*r.first()?);
    if len < 34 {
        return None;
    }
    let r = r.get(..len)?;
    let extent = u32::from_le_bytes(r.get(2..6)?.try_into().ok()?) as usize;
    let size = u32::from_le_bytes(r.get(10..14)?.try_into().ok()?) as usize;
    let flags = *r.get(25)?;
    let name_len = usize::from(*r.get(32)?);
    let name = r.get(33..33 + name_len)?.to_vec();
    let system_use = r
        .get(33 + name_len + (1 - name_len % 2)..)
        .unwrap_or_default();
    Some(Record {
        extent,
        size,
        directory: flags & 0x02 != 0,
        name,
        rock_ridge: rock_ridge_name(system_use),
    })
}

/// The Rock Ridge `NM` name (RRIP §4.1.4) in a System Use area, its
/// continuations joined.
fn rock_ridge_name(mut area: &[u8]) -> Option<Vec<u8>> {
    let mut name: Option<Vec<u8>> = None;
    while area.len() >= 4 {
        let len = usize::from(area[2]);
        if len < 4 || len > area.len() {
            break;
        }
        if &area[..2] == b"NM" && len >= 5 {
            name.get_or_insert_with(Vec::new)
                .extend_from_slice(area.get(5..len).unwrap_or_default());
        }
        area = &area[len..];
    }
    name.filter(|n| !n.is_empty())
}

/// The name of `r` as a reader sees it: Joliet UCS-2 decoded, else the
/// identifier without its `;1` version (the Rock Ridge name is
/// [`Record::rock_ridge`]).
fn display(r: &Record, joliet: bool) -> Vec<u8> {
    let raw = if joliet {
        let units: Vec<u16> = r
            .name
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16_lossy(&units).into_bytes()
    } else {
        r.name.clone()
    };
    match raw.iter().rposition(|&b| b == b';') {
        Some(at) if raw[at + 1..].iter().all(u8::is_ascii_digit) => raw[..at].to_vec(),
        _ => raw,
    }
}

struct Walk<'a, 'b> {
    bytes: &'a [u8],
    budget: &'b mut Budget,
    listing: &'b mut Listing,
    records: usize,
    /// Members already listed, by their extent and size (the Joliet tree
    /// repeats the primary one): a file met again gains aliases.
    by_extent: HashMap<(usize, usize), usize>,
}

impl Walk<'_, '_> {
    /// Lists the directory `dir` at `paths` (under Rock Ridge names where
    /// there are, and under the plain identifiers): false when a limit
    /// stops the whole listing.
    fn directory(
        &mut self,
        dir: &Record,
        paths: [&str; 2],
        joliet: bool,
        block: usize,
        level: usize,
        visited: &mut HashSet<usize>,
    ) -> bool {
        let path = paths[0];
        if level > MAX_LEVELS {
            // 7-Zip and bsdtar follow deeper trees: what is below is
            // not examined.
            self.listing.problems.push(Problem::Unreadable(format!(
                "iso: directory {path}/ nested deeper than {MAX_LEVELS} levels, not listed"
            )));
            return true;
        }
        if !visited.insert(dir.extent) {
            return true;
        }
        let start = dir.extent.saturating_mul(block);
        let Some(content) = self
            .bytes
            .get(start..start.saturating_add(dir.size).min(self.bytes.len()))
        else {
            self.listing.problems.push(Problem::Unreadable(format!(
                "iso: directory {path}/ outside the image"
            )));
            return true;
        };
        let mut at = 0;
        while at < content.len() {
            let len = usize::from(content[at]);
            if len == 0 {
                // Records never cross a sector: go to the next one.
                at = (at / SECTOR + 1) * SECTOR;
                continue;
            }
            self.records += 1;
            if self.records > MAX_RECORDS {
                self.listing.problems.push(Problem::Limit {
                    limit: "max_members",
                    detail: format!("iso: more than {MAX_RECORDS} directory records"),
                });
                return false;
            }
            let Some(r) = record(&content[at..]) else {
                self.listing.problems.push(Problem::Unreadable(format!(
                    "iso: damaged directory record in {path}/"
                )));
                return true;
            };
            at += len;
            if r.name == [0] || r.name == [1] {
                continue;
            }
            let plain = String::from_utf8_lossy(&display(&r, joliet)).into_owned();
            let shown = match &r.rock_ridge {
                Some(rr) if !joliet => String::from_utf8_lossy(rr).into_owned(),
                _ => plain.clone(),
            };
            let child = [format!("{path}/{shown}"), format!("{}/{plain}", paths[1])];
            if r.directory {
                let child = [child[0].as_str(), child[1].as_str()];
                if !self.directory(&r, child, joliet, block, level + 1, visited) {
                    return false;
                }
            } else if !self.file(&r, &child, block) {
                return false;
            }
        }
        true
    }

    /// Lists one file under its `paths`: false when the member limit is
    /// reached.
    fn file(&mut self, r: &Record, paths: &[String; 2], block: usize) -> bool {
        let [name, plain] = paths
            .clone()
            .map(|p| p.trim_start_matches('/').as_bytes().to_vec());
        if let Some(member) = self
            .by_extent
            .get(&(r.extent, r.size))
            .and_then(|&i| self.listing.members.get_mut(i))
        {
            member.also_named(name);
            member.also_named(plain);
            return true;
        }
        if self.listing.members.len() == self.budget.max_members() {
            self.listing.problems.push(too_many(self.budget, "iso"));
            return false;
        }
        let start = r.extent.saturating_mul(block);
        let end = start.saturating_add(r.size).min(self.bytes.len());
        let content = self.bytes.get(start..end).unwrap_or_default();
        let what = format!("iso file {}", paths[0]);
        if content.len() != r.size {
            // Its extent runs past the image: the rest is not there to
            // examine.
            self.listing
                .problems
                .push(Problem::Unreadable(format!("{what}: cut short")));
        }
        let (head, data) = stored(content, self.budget, &what, &mut self.listing.problems);
        let mut member = Member {
            name,
            size: r.size as u64,
            head,
            encrypted: false,
            data,
            aliases: Vec::new(),
        };
        member.also_named(plain);
        self.by_extent
            .insert((r.extent, r.size), self.listing.members.len());
        self.listing.members.push(member);
        true
    }
}
