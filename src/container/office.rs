//! Office macros: does a document carry VBA, Excel 4.0 (XLM) or StarBasic
//! macros, whatever it is called?
//!
//! Pure: bytes and limits in, an answer out; no I/O. The document's format
//! comes from its first bytes, never from its name: an OLE2 compound file
//! (`.doc`, `.xls`, `.ppt`, an encrypted OOXML package) is read with the
//! `cfb` crate (`office/ole.rs`); a ZIP (OOXML `.docx`/`.xlsm`/`.pptm`, a macro
//! workbook renamed `.xlsx`, OpenDocument, also behind a stub) with the
//! `zip` crate (`office/ooxml.rs`); an RTF file's OLE objects are decoded
//! from their hex (`office/rtf.rs`); documents saved as one XML or MHTML
//! file (Flat OPC, Word 2003 XML, flat OpenDocument) and the ActiveMime
//! blobs Word keeps their macros in are read by `office/xml.rs`, which
//! also finds remote templates. Documents embedded in any of them (an Excel object inside a Word file, a
//! `word/embeddings/oleObject1.bin`, the workbook in an OLE object's
//! `Package` stream, a file in an OLE Packager object) are opened in turn,
//! to [`OfficeLimits::max_depth`].
//!
//! Everything is bounded by [`OfficeLimits`]: directory entries, bytes
//! decompressed per part and per document, embedding depth. A limit
//! reached, an encrypted document and a file that claims a format it
//! does not hold are [`Unreadable`]: nothing in them could be examined,
//! which the caller reports as `unchecked`. A macro found wins over all
//! of these: the scan stops at the first one.

mod ole;
mod ooxml;
mod packager;
mod rtf;
mod xml;

use std::io::Read;

use serde::Serialize;

/// The OLE2 compound file signature ([MS-CFB] §2.2, `_abSig`).
const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Caps on the work done for one document. Defaults suit mail: a real
/// document stays far below each of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficeLimits {
    /// Entries examined in one ZIP central directory or one compound
    /// file's directory (count). Default 10,000.
    pub max_entries: usize,
    /// Bytes decompressed from one part: `[Content_Types].xml`, an
    /// embedded OLE2 object, a PowerPoint storage (bytes). Default 16 MiB.
    pub max_part_bytes: usize,
    /// Bytes decompressed for the whole document, embedded documents
    /// included (bytes). Default 32 MiB.
    pub max_total_bytes: usize,
    /// Documents inside documents (count; the outer one is depth 0).
    /// Default 3.
    pub max_depth: usize,
    /// Records read from Excel `Workbook` globals substreams and
    /// `PowerPoint Document` streams, over the whole document (count).
    /// Default 1,000,000.
    pub max_records: usize,
}

impl Default for OfficeLimits {
    fn default() -> Self {
        OfficeLimits {
            max_entries: 10_000,
            max_part_bytes: 16 << 20,
            max_total_bytes: 32 << 20,
            max_depth: 3,
            max_records: 1_000_000,
        }
    }
}

/// Which kind of macro a document carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MacroKind {
    /// A Visual Basic for Applications project ([MS-OVBA]): the `VBA`,
    /// `_VBA_PROJECT_CUR` or `Macros` storage of an OLE2 document,
    /// `vbaProject.bin` in OOXML, the VBA information record of a
    /// PowerPoint 97 file.
    Vba,
    /// An Excel 4.0 macro sheet: a BIFF `BOUNDSHEET` record of sheet type
    /// macro ([MS-XLS] §2.4.28), an OOXML `xl/macrosheets/` part.
    Xlm,
    /// An OpenDocument Basic library (`Basic/<library>/<module>.xml` or
    /// `.bin`, a module in a flat OpenDocument file's `<office:scripts>`),
    /// which LibreOffice runs as Office runs VBA.
    Basic,
    /// A Python, JavaScript or BeanShell script in an OpenDocument file
    /// (`Scripts/python/...`), which LibreOffice runs like Basic.
    Script,
    /// A template the document loads from outside itself when it opens
    /// (an external `attachedTemplate` relationship, a Word 2003
    /// `w:attachedTemplate` URL): its macros arrive with it, past any
    /// examination of the document.
    #[serde(rename = "remote_template")]
    RemoteTemplate,
}

/// A macro found in a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Macros {
    /// Its kind.
    pub kind: MacroKind,
    /// Where it is inside the document, `/`-separated: the storage
    /// (`Macros/VBA`, `_VBA_PROJECT_CUR`), the ZIP part (`xl/vbaProject.bin`)
    /// or the stream (`Workbook: sheet 2`), embedded documents first
    /// (`word/embeddings/oleObject1.bin/_VBA_PROJECT_CUR`). Made of the
    /// document's own names: attacker bytes, to be escaped by whoever
    /// prints it.
    pub location: String,
}

/// Why a document could not be examined (it is `unchecked`, not clean).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unreadable {
    /// The document, or a part of it, is encrypted: password-protected
    /// Word/Excel/PowerPoint 97 files, encrypted OOXML packages
    /// ([MS-OFFCRYPTO] `EncryptedPackage`), encrypted ZIP entries.
    #[error("encrypted document: {what}")]
    Encrypted {
        /// What is encrypted, one line.
        what: String,
    },
    /// A cap of [`OfficeLimits`] was reached before the whole document
    /// was examined.
    #[error("document limit reached: {what}")]
    Limit {
        /// Which cap, and where, one line.
        what: String,
    },
    /// The first bytes say OLE2 but the compound file is broken beyond
    /// what the reader accepts (a ZIP without a readable central directory
    /// is `Ok(None)` instead: judging archives is the archive reader's
    /// business), or a part of a document could not be decompressed.
    #[error("malformed document: {what}")]
    Malformed {
        /// What was broken, one line.
        what: String,
    },
}

/// Whether `bytes` is an Office or OpenDocument file carrying macros.
///
/// `Ok(Some(_))` for the first macro found (see [`MacroKind`] for what
/// counts); `Ok(None)` when the document has none, or when `bytes` is
/// none of the formats [`is_candidate`] names. A plain ZIP archive is examined too: a part
/// called `vbaProject.bin` is a macro wherever it is. Errors say why the
/// document could not be examined; they never come from I/O (there is
/// none). Follows [MS-CFB], [MS-OVBA] §2.2, [MS-XLS] §2.4.28, [MS-PPT]
/// §2.4.1 and §2.10.1, ECMA-376 Part 2 (OPC content types), [MS-OLEDS]
/// §2.2.4 (OLE1 objects in RTF), RTF 1.9.1, the Flat OPC `xmlPackage`
/// schema, OpenDocument 1.3 (`office:scripts`) and oletools' reading of
/// ActiveMime.
pub fn macros(bytes: &[u8], limits: &OfficeLimits) -> Result<Option<Macros>, Unreadable> {
    let mut budget = Budget {
        left: limits.max_total_bytes,
        records: limits.max_records,
    };
    examine(bytes, limits, &mut budget, 0)
}

/// A file an OLE Packager object carries inside a document (an icon in a
/// Word file that runs the file it holds when double-clicked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackagedFile {
    /// Every name it carries, each once: the label Packager shows, then
    /// the base names of its source and temporary paths. 8-bit, read as
    /// Latin-1. Attacker text.
    pub names: Vec<String>,
    /// Where it is, `/`-separated, like [`Macros::location`]
    /// (`word/embeddings/oleObject1.bin/\u{1}Ole10Native`).
    pub location: String,
    /// Its bytes.
    pub data: Vec<u8>,
}

/// What [`packaged_files`] found in a document.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Packaged {
    /// The files, in document order.
    pub files: Vec<PackagedFile>,
    /// Why the walk stopped short of the whole document, when it did: a
    /// cap of [`OfficeLimits`] (nesting deeper than `max_depth`, bytes,
    /// entries) or a part that could not be read. Packaged files past
    /// that point were not looked for, whether or not the macro rule is
    /// on to say so.
    pub cut: Option<Unreadable>,
}

/// The files OLE Packager objects carry anywhere in the document `bytes`
/// (embedded documents included, to [`OfficeLimits::max_depth`]), in
/// document order (in an RTF document, each `Package` object at
/// `RTF object N`); none when `bytes` is neither OLE2, an OOXML package
/// nor RTF. Within the same caps as [`macros`], and the first one reached
/// (or the first part that could not be read) is [`Packaged::cut`].
/// Follows the `\x01Ole10Native` layout the Windows Object Packager
/// writes.
pub fn packaged_files(bytes: &[u8], limits: &OfficeLimits) -> Packaged {
    let mut budget = Budget {
        left: limits.max_total_bytes,
        records: limits.max_records,
    };
    let mut out = Packaged::default();
    packager::walk(bytes, "", limits, &mut budget, 0, &mut out);
    out
}

/// True when `bytes` looks like a document [`macros`] can examine: the
/// OLE2 signature, a ZIP local file header (or an empty ZIP), `{\rt`
/// (Word reads such a file as RTF, whatever follows) or `ActiveMime` at
/// the start; a ZIP with bytes in front of it (its end record in the last
/// 64 KiB, see [`super::zip_end`]), which Office opens as it opens any
/// package; an XML file (its first character `<`, UTF-8 or UTF-16); or a
/// text holding an ActiveMime part ([`carries_active_mime`]). Given only
/// the head of a larger file, a ZIP behind a stub and an ActiveMime part
/// further on are not seen: the caller checks the rest.
pub fn is_candidate(bytes: &[u8]) -> bool {
    starts_as_document(bytes) || super::zip_end(bytes).is_some() || xml::is_text_document(bytes)
}

/// True when `bytes` holds the start of an ActiveMime blob as a MIME
/// part encodes it (base64 `QWN0aXZlTWltZ`, or quoted-printable
/// `ActiveMime` at a line start): a text file (MHTML saved by Word,
/// whatever its name) that [`macros`] examines whole. For a caller that
/// reads a large file in pieces rather than giving [`is_candidate`] all
/// of it.
pub fn carries_active_mime(bytes: &[u8]) -> bool {
    xml::carries_active_mime(bytes)
}

/// The first bytes of a document [`macros`] reads: OLE2, ZIP, RTF or
/// ActiveMime.
fn starts_as_document(bytes: &[u8]) -> bool {
    bytes.starts_with(&OLE_MAGIC)
        || rtf::is_rtf(bytes)
        || bytes.starts_with(xml::ACTIVE_MIME)
        || bytes.starts_with(b"PK\x03\x04")
        || bytes.starts_with(b"PK\x05\x06")
}

/// [`macros`] at embedding `depth`, sharing the document's byte budget.
fn examine(
    bytes: &[u8],
    limits: &OfficeLimits,
    budget: &mut Budget,
    depth: usize,
) -> Result<Option<Macros>, Unreadable> {
    if bytes.starts_with(&OLE_MAGIC) {
        ole::examine(bytes, limits, budget, depth)
    } else if bytes.starts_with(b"PK") {
        ooxml::examine(bytes, limits, budget, depth)
    } else if rtf::is_rtf(bytes) {
        rtf::examine(bytes, limits, budget, depth)
    } else if bytes.starts_with(xml::ACTIVE_MIME) {
        xml::active_mime(bytes, "ActiveMime", limits, budget, depth)
    } else if super::zip_end(bytes).is_some() {
        // A package behind a stub: the zip reader finds it from its end.
        ooxml::examine(bytes, limits, budget, depth)
    } else if xml::is_text_document(bytes) {
        xml::examine(bytes, limits, budget, depth)
    } else {
        Ok(None)
    }
}

/// An embedded document at `depth + 1`, its findings prefixed by `at`.
fn examine_embedded(
    bytes: &[u8],
    at: &str,
    limits: &OfficeLimits,
    budget: &mut Budget,
    depth: usize,
) -> Result<Option<Macros>, Unreadable> {
    if depth + 1 > limits.max_depth {
        return Err(Unreadable::Limit {
            what: format!("{at}: documents nested deeper than {}", limits.max_depth),
        });
    }
    let inner = examine(bytes, limits, budget, depth + 1).map_err(|e| e.at(at))?;
    Ok(inner.map(|m| Macros {
        kind: m.kind,
        location: format!("{at}/{}", m.location),
    }))
}

impl Unreadable {
    /// The same reason, said of the part at `at` of an outer document.
    fn at(self, at: &str) -> Unreadable {
        match self {
            Unreadable::Encrypted { what } => Unreadable::Encrypted {
                what: format!("{at}: {what}"),
            },
            Unreadable::Limit { what } => Unreadable::Limit {
                what: format!("{at}: {what}"),
            },
            Unreadable::Malformed { what } => Unreadable::Malformed {
                what: format!("{at}: {what}"),
            },
        }
    }
}

/// What the document may still cost: bytes decompressed
/// ([`OfficeLimits::max_total_bytes`]) and records read
/// ([`OfficeLimits::max_records`]). Shared by every stream and embedded
/// document, so that many streams over the same sectors cost no more than
/// one long one.
struct Budget {
    left: usize,
    records: usize,
}

impl Budget {
    /// Counts one record read in `what`; none left is a
    /// [`Unreadable::Limit`].
    fn record(&mut self, what: &str, limits: &OfficeLimits) -> Result<(), Unreadable> {
        if self.records == 0 {
            return Err(Unreadable::Limit {
                what: format!("{what}: more than {} records", limits.max_records),
            });
        }
        self.records -= 1;
        Ok(())
    }

    /// Reads `reader` to its end, at most `cap` bytes and at most what is
    /// left of the budget; more is a [`Unreadable::Limit`] naming `what`.
    /// Memory never exceeds the smaller cap plus one byte.
    fn read(&mut self, reader: impl Read, cap: usize, what: &str) -> Result<Vec<u8>, Unreadable> {
        let cap = cap.min(self.left);
        let mut out = Vec::new();
        let mut limited = reader.take(u64::try_from(cap).unwrap_or(u64::MAX).saturating_add(1));
        limited
            .read_to_end(&mut out)
            .map_err(|e| Unreadable::Malformed {
                what: format!("{what}: {e}"),
            })?;
        if out.len() > cap {
            return Err(Unreadable::Limit {
                what: format!("{what}: more than {cap} bytes decompressed"),
            });
        }
        self.left -= out.len();
        Ok(out)
    }
}

/// Holds the first reason a document could not be fully examined while the
/// scan goes on looking for a macro (a macro found later wins).
#[derive(Default)]
struct Verdict {
    unreadable: Option<Unreadable>,
}

impl Verdict {
    /// Remembers `e` unless an earlier reason is already held.
    fn note(&mut self, e: Unreadable) {
        self.unreadable.get_or_insert(e);
    }

    /// The scan's result when no macro was found.
    fn finish(self) -> Result<Option<Macros>, Unreadable> {
        match self.unreadable {
            Some(e) => Err(e),
            None => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests;
