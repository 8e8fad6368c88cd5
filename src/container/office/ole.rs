//! Macros in OLE2 compound files ([MS-CFB]): Word, Excel and PowerPoint 97
//! to 2003, and whatever Office embeds as an OLE object.
//!
//! Pure. What counts, after olevba's and Office's own reading:
//! - a non-empty `VBA`, `_VBA_PROJECT_CUR` (Excel) or `Macros` (Word)
//!   storage anywhere in the tree, embedded objects' storages included
//!   ([MS-OVBA] §2.2.1);
//! - in an Excel `Workbook` (BIFF8) or `Book` (BIFF5) stream, a
//!   `BOUNDSHEET` record whose sheet type is an Excel 4.0 macro sheet or a
//!   VBA module ([MS-XLS] §2.4.28);
//! - in a `PowerPoint Document` stream, a VBA information record
//!   ([MS-PPT] §2.4.1 `VBAInfoContainer`), and any OLE2 object stored in
//!   an `ExOleObjStg` record ([MS-PPT] §2.10.34), opened in turn;
//! - every other stream that is a document itself, known by its first
//!   bytes (OLE2 or ZIP): the `Package` stream of an embedded Excel 2007+
//!   workbook, an object's `CONTENTS`, an Outlook message's attachment
//!   data; and the file an OLE Packager object keeps in its
//!   `\x01Ole10Native` stream. Each is opened in turn as an embedded
//!   document.
//!
//! Encryption is recognised by the `EncryptedPackage` stream of an
//! encrypted OOXML file and `EncryptedSummary` of PowerPoint
//! ([MS-OFFCRYPTO] §2.3.4, §2.3.6), Word's `fEncrypted` FIB bit
//! ([MS-DOC] §2.5.2) and Excel's `FILEPASS` record ([MS-XLS] §2.4.117).

use std::io::{BufReader, Cursor, Read, Seek, SeekFrom};

use flate2::read::ZlibDecoder;

use super::{Budget, MacroKind, Macros, OfficeLimits, Unreadable, Verdict, examine_embedded};

/// Storages whose non-empty presence is a VBA project (lower case).
const VBA_STORAGES: [&str; 3] = ["vba", "_vba_project_cur", "macros"];

/// One directory entry, copied out of the compound file so that its
/// streams can be opened afterwards.
struct Entry {
    path: std::path::PathBuf,
    name: String,
    stream: bool,
    len: u64,
}

/// [`super::macros`] for a compound file at embedding `depth`.
pub(super) fn examine(
    bytes: &[u8],
    limits: &OfficeLimits,
    budget: &mut Budget,
    depth: usize,
) -> Result<Option<Macros>, Unreadable> {
    let mut file =
        cfb::CompoundFile::open(Cursor::new(bytes)).map_err(|e| Unreadable::Malformed {
            what: format!("compound file: {e}"),
        })?;
    let mut verdict = Verdict::default();
    let mut entries = Vec::new();
    for entry in file.walk() {
        if entries.len() == limits.max_entries {
            verdict.note(Unreadable::Limit {
                what: format!("more than {} compound file entries", limits.max_entries),
            });
            break;
        }
        entries.push(Entry {
            path: entry.path().to_path_buf(),
            name: entry.name().to_owned(),
            stream: entry.is_stream(),
            len: entry.len(),
        });
    }
    if let Some(found) = vba_storage(&entries) {
        return Ok(Some(found));
    }
    for entry in entries.iter().filter(|e| e.stream) {
        let at = display(&entry.path);
        let step = match entry.name.to_ascii_lowercase().as_str() {
            "encryptedpackage" | "encryptedsummary" => Err(Unreadable::Encrypted {
                what: format!("{at} stream"),
            }),
            "workbook" | "book" => match file.open_stream(&entry.path) {
                Ok(s) => workbook(BufReader::new(s), &at, limits, budget),
                Err(e) => Err(broken(&at, &e)),
            },
            "worddocument" => match file.open_stream(&entry.path) {
                Ok(s) => word_document(s, &at),
                Err(e) => Err(broken(&at, &e)),
            },
            "powerpoint document" => match file.open_stream(&entry.path) {
                Ok(s) => powerpoint(BufReader::new(s), &at, limits, budget, depth),
                Err(e) => Err(broken(&at, &e)),
            },
            OLE10_NATIVE => match file.open_stream(&entry.path) {
                Ok(s) => ole10_native(s, entry.len, &at, limits, budget, depth),
                Err(e) => Err(broken(&at, &e)),
            },
            _ => match file.open_stream(&entry.path) {
                Ok(s) => document_stream(s, entry.len, &at, limits, budget, depth),
                Err(e) => Err(broken(&at, &e)),
            },
        };
        match step {
            Ok(Some(found)) => return Ok(Some(found)),
            Ok(None) => {}
            Err(e) => verdict.note(e),
        }
    }
    verdict.finish()
}

/// The name of the stream an OLE Packager object keeps its file in
/// (lower case): `\x01Ole10Native`.
const OLE10_NATIVE: &str = "\u{1}ole10native";

/// A stream that is a document itself, whatever its name: an OLE2 file
/// or a ZIP (the `Package` stream of an embedded Excel 2007+ workbook,
/// the `CONTENTS` of an embedded object, an Outlook message's attachment
/// data), examined as an embedded document. Anything else is no
/// document Office opens from an OLE file.
fn document_stream(
    stream: impl Read,
    len: u64,
    at: &str,
    limits: &OfficeLimits,
    budget: &mut Budget,
    depth: usize,
) -> Result<Option<Macros>, Unreadable> {
    // The smallest ZIP is an end of central directory record (22 bytes).
    if len < 22 {
        return Ok(None);
    }
    match read_document(stream, at, limits, budget)? {
        Some(bytes) => examine_embedded(&bytes, at, limits, budget, depth),
        None => Ok(None),
    }
}

/// The whole of `stream` when its first 8 bytes are those of an OLE2 or
/// ZIP document, `None` otherwise; read within `limits.max_part_bytes`
/// and charged to `budget`.
///
/// Errors: [`Unreadable`] when the stream is longer than the caps allow.
pub(super) fn read_document(
    mut stream: impl Read,
    at: &str,
    limits: &OfficeLimits,
    budget: &mut Budget,
) -> Result<Option<Vec<u8>>, Unreadable> {
    let mut head = [0u8; 8];
    if stream.read_exact(&mut head).is_err() || !super::is_candidate(&head) {
        return Ok(None);
    }
    let rest = budget.read(stream, limits.max_part_bytes.saturating_sub(8), at)?;
    Ok(Some([&head[..], &rest].concat()))
}

/// An OLE Packager object's `\x01Ole10Native` stream: a 4-byte size,
/// then (in the layout Packager writes) a 2-byte type, a NUL-terminated
/// label, a NUL-terminated source path, 4 bytes, a 4-byte length and the
/// temporary path, then a 4-byte size and the file itself. The file is
/// examined as an embedded document, named after its label. A stream that
/// does not follow the layout is examined as a whole (after its size),
/// like any other stream.
fn ole10_native(
    stream: impl Read,
    len: u64,
    at: &str,
    limits: &OfficeLimits,
    budget: &mut Budget,
    depth: usize,
) -> Result<Option<Macros>, Unreadable> {
    let native = budget.read(stream, limits.max_part_bytes, at)?;
    let body = native.get(4..).unwrap_or_default();
    match packaged_file(body) {
        Some((names, file)) => {
            let label = names.first().map_or("", String::as_str);
            let here = format!("{at}: {label}");
            if super::is_candidate(file) {
                examine_embedded(file, &here, limits, budget, depth)
            } else {
                Ok(None)
            }
        }
        None if super::is_candidate(body) && len > 26 => {
            examine_embedded(body, at, limits, budget, depth)
        }
        None => Ok(None),
    }
}

/// The names and content of a Packager file (the body of an
/// `\x01Ole10Native` stream after its size), or `None` when the body does
/// not follow the layout. The names, each once: the label Packager shows,
/// then the base names of the source and temporary paths (the name the
/// file gets on disk when it is opened); 8-bit, read as Latin-1 so that
/// no byte is lost.
pub(super) fn packaged_file(body: &[u8]) -> Option<(Vec<String>, &[u8])> {
    let mut rest = body.get(2..)?;
    let cstring = |rest: &mut &[u8]| -> Option<Vec<u8>> {
        let end = rest.iter().position(|&b| b == 0)?;
        let text = rest.get(..end)?.to_vec();
        *rest = rest.get(end + 1..)?;
        Some(text)
    };
    let label = cstring(&mut rest)?;
    let source = cstring(&mut rest)?;
    let u32_at = |bytes: &[u8], at: usize| -> Option<usize> {
        let b = bytes.get(at..at + 4)?;
        usize::try_from(u32::from_le_bytes([b[0], b[1], b[2], b[3]])).ok()
    };
    let temp_len = u32_at(rest, 4)?;
    let temp = rest.get(8..8usize.checked_add(temp_len)?)?;
    let temp = temp.split(|&b| b == 0).next().unwrap_or_default();
    let rest = rest.get(8usize.checked_add(temp_len)?..)?;
    let size = u32_at(rest, 0)?;
    let file = rest.get(4..4usize.checked_add(size)?)?;
    let mut names: Vec<String> = Vec::new();
    let base = |path: &[u8]| -> String {
        let base = path
            .rsplit(|&b| b == b'\\' || b == b'/')
            .next()
            .unwrap_or_default();
        base.iter().map(|&b| char::from(b)).collect()
    };
    let label: String = label.iter().map(|&b| char::from(b)).collect();
    for name in [label, base(&source), base(temp)] {
        if !name.is_empty() && !names.contains(&name) {
            names.push(name);
        }
    }
    Some((names, file))
}

/// The first VBA storage that holds something: some entry lies below it.
fn vba_storage(entries: &[Entry]) -> Option<Macros> {
    entries.iter().find_map(|e| {
        let mut ancestors = e.path.ancestors().skip(1);
        ancestors
            .find(|a| {
                a.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| VBA_STORAGES.contains(&n.to_ascii_lowercase().as_str()))
            })
            .map(|storage| Macros {
                kind: MacroKind::Vba,
                location: display(storage),
            })
    })
}

/// A compound file path as `Macros/VBA` (no leading slash).
fn display(path: &std::path::Path) -> String {
    path.to_string_lossy().trim_start_matches('/').to_owned()
}

fn broken(at: &str, e: &std::io::Error) -> Unreadable {
    Unreadable::Malformed {
        what: format!("{at}: {e}"),
    }
}

/// BIFF record types ([MS-XLS] §2.3).
const BIFF_EOF: u16 = 0x000A;
const BIFF_FILEPASS: u16 = 0x002F;
const BIFF_BOUNDSHEET: u16 = 0x0085;

/// The Excel globals substream up to its `EOF` record: macro sheets and
/// VBA module sheets in `BOUNDSHEET`, encryption in `FILEPASS`.
fn workbook(
    mut stream: impl Read + Seek,
    at: &str,
    limits: &OfficeLimits,
    budget: &mut Budget,
) -> Result<Option<Macros>, Unreadable> {
    let mut sheet = 0usize;
    loop {
        budget.record(at, limits)?;
        let mut header = [0u8; 4];
        if stream.read_exact(&mut header).is_err() {
            // A stream that ends without EOF: Excel repairs it; so do we.
            return Ok(None);
        }
        let kind = u16::from_le_bytes([header[0], header[1]]);
        let len = u16::from_le_bytes([header[2], header[3]]);
        match kind {
            BIFF_EOF => return Ok(None),
            BIFF_FILEPASS => {
                return Err(Unreadable::Encrypted {
                    what: format!("{at}: FILEPASS record"),
                });
            }
            BIFF_BOUNDSHEET => {
                sheet += 1;
                let mut body = vec![0u8; usize::from(len)];
                if stream.read_exact(&mut body).is_err() {
                    return Ok(None);
                }
                // lbPlyPos (4 bytes), hsState (1), dt (1): sheet type.
                let kind = match body.get(5) {
                    Some(0x01) => Some(MacroKind::Xlm),
                    Some(0x06) => Some(MacroKind::Vba),
                    _ => None,
                };
                if let Some(kind) = kind {
                    return Ok(Some(Macros {
                        kind,
                        location: format!("{at}: sheet {sheet}"),
                    }));
                }
            }
            _ => {
                if stream.seek(SeekFrom::Current(i64::from(len))).is_err() {
                    return Ok(None);
                }
            }
        }
    }
}

/// Word's File Information Block: `fEncrypted` (or `fObfuscated`) set.
fn word_document(mut stream: impl Read, at: &str) -> Result<Option<Macros>, Unreadable> {
    let mut fib = [0u8; 12];
    if stream.read_exact(&mut fib).is_err() {
        return Ok(None);
    }
    let flags = u16::from_le_bytes([fib[10], fib[11]]);
    if u16::from_le_bytes([fib[0], fib[1]]) == 0xA5EC && flags & 0x8100 != 0 {
        return Err(Unreadable::Encrypted {
            what: format!("{at}: fEncrypted"),
        });
    }
    Ok(None)
}

/// PowerPoint record types ([MS-PPT] §2.13.24).
const RT_VBA_INFO: u16 = 0x03FF;
const RT_VBA_INFO_ATOM: u16 = 0x0400;
const RT_EX_OLE_OBJ_STG: u16 = 0x1011;

/// The `PowerPoint Document` stream, record by record, containers entered
/// in place: a VBA information record is a VBA project; every OLE object
/// storage (zlib-compressed when its instance is 1) is examined as an
/// embedded document.
fn powerpoint(
    mut stream: impl Read + Seek,
    at: &str,
    limits: &OfficeLimits,
    budget: &mut Budget,
    depth: usize,
) -> Result<Option<Macros>, Unreadable> {
    let mut verdict = Verdict::default();
    let mut object = 0usize;
    loop {
        if let Err(e) = budget.record(at, limits) {
            verdict.note(e);
            return verdict.finish();
        }
        let mut header = [0u8; 8];
        if stream.read_exact(&mut header).is_err() {
            return verdict.finish();
        }
        let ver_instance = u16::from_le_bytes([header[0], header[1]]);
        let kind = u16::from_le_bytes([header[2], header[3]]);
        let len = u32::from_le_bytes([header[4], header[5], header[6], header[7]]);
        if kind == RT_VBA_INFO || kind == RT_VBA_INFO_ATOM {
            return Ok(Some(Macros {
                kind: MacroKind::Vba,
                location: format!("{at}: VBAInfo record"),
            }));
        }
        if ver_instance & 0x000F == 0x000F {
            // A container: its children follow its header.
            continue;
        }
        if kind == RT_EX_OLE_OBJ_STG {
            object += 1;
            let here = format!("{at}: object {object}");
            let start = stream.stream_position().map_err(|e| broken(at, &e))?;
            let body = (&mut stream).take(u64::from(len));
            let found = ole_object(body, ver_instance >> 4 == 1, &here, limits, budget, depth);
            match found {
                Ok(Some(found)) => return Ok(Some(found)),
                Ok(None) => {}
                Err(e) => verdict.note(e),
            }
            // Whatever the object's reader left of the record is skipped.
            if stream
                .seek(SeekFrom::Start(start.saturating_add(u64::from(len))))
                .is_err()
            {
                return verdict.finish();
            }
            continue;
        }
        if stream.seek(SeekFrom::Current(i64::from(len))).is_err() {
            return verdict.finish();
        }
    }
}

/// One `ExOleObjStg` body: (compressed: a 4-byte decompressed size, then
/// zlib) an OLE2 storage, examined as an embedded document.
fn ole_object(
    mut body: impl Read,
    compressed: bool,
    at: &str,
    limits: &OfficeLimits,
    budget: &mut Budget,
    depth: usize,
) -> Result<Option<Macros>, Unreadable> {
    let bytes = if compressed {
        let mut size = [0u8; 4];
        if body.read_exact(&mut size).is_err() {
            return Ok(None);
        }
        budget.read(ZlibDecoder::new(body), limits.max_part_bytes, at)?
    } else {
        budget.read(body, limits.max_part_bytes, at)?
    };
    examine_embedded(&bytes, at, limits, budget, depth)
}
