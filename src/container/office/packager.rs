//! The files OLE Packager objects carry inside a document: a `.js` or
//! `.exe` dropped into a Word file shows as an icon that runs it when
//! double-clicked, so its name and bytes are the filename rules' business
//! as much as an archive member's.
//!
//! Pure. Walks the same documents [`super::macros`] examines, within the
//! same caps: every `\x01Ole10Native` stream of a compound file, every
//! stream that is itself a document (OLE2 or ZIP by its first bytes), and
//! in an OOXML package every part that is one.

use std::io::{Cursor, Read};

use super::{Budget, OfficeLimits, Packaged, PackagedFile, Unreadable, ole};

/// Adds the packaged files of `bytes` (found at `at`, `depth` documents
/// deep) to `out`. A document that cannot be read, or a cap reached,
/// ends its part of the walk and is noted ([`Packaged::cut`], the first
/// one only).
pub(super) fn walk(
    bytes: &[u8],
    at: &str,
    limits: &OfficeLimits,
    budget: &mut Budget,
    depth: usize,
    out: &mut Packaged,
) {
    if depth > limits.max_depth {
        out.cut_short(Unreadable::Limit {
            what: format!("{at}: documents nested deeper than {}", limits.max_depth),
        });
        return;
    }
    if bytes.starts_with(&super::OLE_MAGIC) {
        compound(bytes, at, limits, budget, depth, out);
    } else if bytes.starts_with(b"PK") || crate::container::zip_end(bytes).is_some() {
        package(bytes, at, limits, budget, depth, out);
    } else if super::rtf::is_rtf(bytes) {
        super::rtf::packaged(bytes, at, limits, budget, depth, out);
    }
}

impl Packaged {
    /// Notes why the walk stopped short, unless it already did.
    pub(super) fn cut_short(&mut self, why: Unreadable) {
        self.cut.get_or_insert(why);
    }
}

/// `at` for a message: the document itself when empty.
fn document_at(at: &str) -> &str {
    if at.is_empty() { "the document" } else { at }
}

/// `inner` within `at`, `/`-separated.
pub(super) fn join(at: &str, inner: &str) -> String {
    if at.is_empty() {
        inner.to_owned()
    } else {
        format!("{at}/{inner}")
    }
}

fn compound(
    bytes: &[u8],
    at: &str,
    limits: &OfficeLimits,
    budget: &mut Budget,
    depth: usize,
    out: &mut Packaged,
) {
    let Ok(mut file) = cfb::CompoundFile::open(Cursor::new(bytes)) else {
        out.cut_short(Unreadable::Malformed {
            what: format!("{}: not a readable compound file", document_at(at)),
        });
        return;
    };
    let entries: Vec<_> = file.walk().take(limits.max_entries + 1).collect();
    if entries.len() > limits.max_entries {
        out.cut_short(Unreadable::Limit {
            what: format!(
                "{}: more than {} entries",
                document_at(at),
                limits.max_entries
            ),
        });
    }
    let streams: Vec<(std::path::PathBuf, String)> = entries
        .iter()
        .take(limits.max_entries)
        .filter(|e| e.is_stream())
        .map(|e| (e.path().to_path_buf(), e.name().to_ascii_lowercase()))
        .collect();
    for (path, name) in streams {
        let here = join(at, path.to_string_lossy().trim_start_matches('/'));
        let Ok(stream) = file.open_stream(&path) else {
            continue;
        };
        if name == "\u{1}ole10native" {
            let native = match budget.read(stream, limits.max_part_bytes, &here) {
                Ok(native) => native,
                Err(why) => {
                    out.cut_short(why);
                    return;
                }
            };
            let body = native.get(4..).unwrap_or_default();
            if let Some((names, data)) = ole::packaged_file(body) {
                walk(data, &here, limits, budget, depth + 1, out);
                out.files.push(PackagedFile {
                    names,
                    location: here,
                    data: data.to_vec(),
                });
            }
            continue;
        }
        match ole::read_document(stream, &here, limits, budget) {
            Ok(Some(inner)) => walk(&inner, &here, limits, budget, depth + 1, out),
            Ok(None) => {}
            Err(why) => {
                out.cut_short(why);
                return;
            }
        }
    }
}

fn package(
    bytes: &[u8],
    at: &str,
    limits: &OfficeLimits,
    budget: &mut Budget,
    depth: usize,
    out: &mut Packaged,
) {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return;
    };
    let count = zip.len().min(limits.max_entries);
    // Only a package's parts: a plain ZIP's members are the archive
    // reader's, and each is examined on its own.
    let is_package = (0..count).any(|i| {
        zip.by_index_data(i)
            .is_ok_and(|e| e.name_raw().eq_ignore_ascii_case(b"[Content_Types].xml"))
    });
    if !is_package {
        return;
    }
    for index in 0..count {
        let Ok(part) = zip.by_index(index) else {
            continue;
        };
        if part.encrypted() || part.size() < 22 {
            continue;
        }
        let name = String::from_utf8_lossy(part.name_raw()).into_owned();
        let here = join(at, &name);
        let mut part = part;
        let mut head = [0u8; 8];
        if part.read_exact(&mut head).is_err() || !super::is_candidate(&head) {
            continue;
        }
        let rest = match budget.read(part, limits.max_part_bytes.saturating_sub(8), &here) {
            Ok(rest) => rest,
            Err(why) => {
                out.cut_short(why);
                return;
            }
        };
        let inner = [&head[..], &rest].concat();
        walk(&inner, &here, limits, budget, depth + 1, out);
    }
}
