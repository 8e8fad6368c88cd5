//! The attachments of an Outlook message file (`.msg`, [MS-OXMSG]), as
//! Outlook shows them when the file is opened.
//!
//! Pure. A `.msg` is an OLE2 compound file (read with the `cfb` crate):
//! each attachment is a storage `__attach_version1.0_#XXXXXXXX` holding its
//! properties as streams `__substg1.0_<id><type>`: its names (long file
//! name `3707`, 8.3 name `3704`, display name `3001`, path names `3708`
//! and `370D`, extension `3703`; `001F` UTF-16, `001E` 8-bit), its MIME
//! type (`370E`) and its bytes (`37010102`). An attached message is a
//! storage `__substg1.0_3701000D` laid out like a message, read in turn
//! to [`TnefLimits::max_depth`]; any other object there (an OLE object)
//! is listed by its names only, its storages being the macro reader's.
//!
//! Unlike TNEF the bytes of a `.msg` attachment are scattered over
//! sectors, so they are copied out: never more bytes in all than the file
//! itself holds (streams sharing sectors could otherwise multiply it).

use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};

use super::{TnefAttachment, TnefCut, TnefLimits, props};

/// The OLE2 compound file signature ([MS-CFB] §2.2).
const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Directory entries read from one file (count): far above any real
/// message, and the walk stays bounded.
const MAX_ENTRIES: usize = 10_000;

/// The name properties, in the order Outlook prefers them (lower-case
/// hex ids as in stream names).
const NAME_IDS: [&str; 6] = ["3707", "3704", "3001", "370d", "3708", "3703"];

/// What a `.msg` file holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Msg {
    /// The attachments in storage order.
    pub attachments: Vec<MsgAttachment>,
    /// Why the list may be incomplete (the first reason); `None` when the
    /// whole file was read.
    pub cut: Option<TnefCut>,
}

/// One attachment of a `.msg` file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MsgAttachment {
    /// Every name it carries, decoded (8-bit ones as Windows-1252), cut at
    /// the first NUL, without duplicates, in the order Outlook prefers
    /// them: long filename, short filename, display name, long and short
    /// path names, the bare extension. Attacker text.
    pub names: Vec<String>,
    /// `PidTagAttachMimeTag` as written, if any.
    pub mime_type: Option<String>,
    /// Its bytes (`PidTagAttachDataBinary`); empty for an attached
    /// message or OLE object.
    pub data: Vec<u8>,
    /// True for an attached message (its attachments are in
    /// [`MsgAttachment::attachments`]).
    pub message: bool,
    /// An attached message's own attachments.
    pub attachments: Vec<MsgAttachment>,
}

impl MsgAttachment {
    /// The same attachment (and its attached message's, in turn) in the
    /// shape of a TNEF attachment, borrowing its bytes: one code path
    /// lists both.
    pub fn as_tnef(&self) -> TnefAttachment<'_> {
        TnefAttachment {
            names: self.names.clone(),
            mime_type: self.mime_type.clone(),
            data: &self.data,
            truncated: false,
            message: self.message,
            attachments: self
                .attachments
                .iter()
                .map(MsgAttachment::as_tnef)
                .collect(),
        }
    }
}

/// `bytes` is no Outlook message file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not an Outlook message file")]
pub struct NotMsg;

/// True when `bytes` starts with the OLE2 signature: a `.msg` candidate
/// for [`msg_attachments`] (which decides from the storages inside).
pub fn is_msg_candidate(bytes: &[u8]) -> bool {
    bytes.starts_with(&OLE_MAGIC)
}

/// The attachments of the Outlook message file `bytes`, attached messages
/// read in turn.
///
/// Errors when `bytes` is no compound file or holds neither a
/// `__properties_version1.0` stream nor an attachment storage at its root.
/// Everything else is best effort; an incomplete listing says why in
/// [`Msg::cut`]. Memory is bounded by the file's size and
/// [`TnefLimits`].
pub fn msg_attachments(bytes: &[u8], limits: &TnefLimits) -> Result<Msg, NotMsg> {
    if !is_msg_candidate(bytes) {
        return Err(NotMsg);
    }
    let mut file = cfb::CompoundFile::open(Cursor::new(bytes)).map_err(|_| NotMsg)?;
    let mut reader = Reader {
        limits,
        listed: 0,
        bytes_left: bytes.len(),
        cut: None,
        entries: Vec::new(),
    };
    for entry in file.walk() {
        if reader.entries.len() == MAX_ENTRIES {
            reader.note(TnefCut::Limit {
                what: format!("more than {MAX_ENTRIES} compound file entries"),
            });
            break;
        }
        reader.entries.push(Entry {
            path: entry.path().to_path_buf(),
            name: entry.name().to_ascii_lowercase(),
            stream: entry.is_stream(),
        });
    }
    let root = Path::new("/");
    if !reader.is_message(root) {
        return Err(NotMsg);
    }
    let attachments = reader.message(&mut file, root, 0);
    Ok(Msg {
        attachments,
        cut: reader.cut,
    })
}

/// One directory entry, copied out so that streams can be opened.
struct Entry {
    path: PathBuf,
    /// Lower case.
    name: String,
    stream: bool,
}

/// The listing under way.
struct Reader<'l> {
    limits: &'l TnefLimits,
    listed: usize,
    bytes_left: usize,
    cut: Option<TnefCut>,
    entries: Vec<Entry>,
}

type File<'b> = cfb::CompoundFile<Cursor<&'b [u8]>>;

impl Reader<'_> {
    fn note(&mut self, cut: TnefCut) {
        self.cut.get_or_insert(cut);
    }

    /// The entries directly inside `storage`, by index.
    fn children(&self, storage: &Path) -> Vec<usize> {
        (0..self.entries.len())
            .filter(|&i| self.entries.get(i).and_then(|e| e.path.parent()) == Some(storage))
            .collect()
    }

    /// True when `storage` is laid out like a message.
    fn is_message(&self, storage: &Path) -> bool {
        self.children(storage).into_iter().any(|i| {
            self.entries.get(i).is_some_and(|e| {
                e.name == "__properties_version1.0"
                    || (!e.stream && e.name.starts_with("__attach_version1.0_#"))
            })
        })
    }

    /// The attachments of the message in `storage` at `depth`.
    fn message(&mut self, file: &mut File<'_>, storage: &Path, depth: usize) -> Vec<MsgAttachment> {
        let mut out = Vec::new();
        let attachments: Vec<PathBuf> = self
            .children(storage)
            .into_iter()
            .filter_map(|i| self.entries.get(i))
            .filter(|e| !e.stream && e.name.starts_with("__attach_version1.0_#"))
            .map(|e| e.path.clone())
            .collect();
        for path in attachments {
            if self.listed >= self.limits.max_attachments {
                self.note(TnefCut::Limit {
                    what: format!("more than {} attachments", self.limits.max_attachments),
                });
                break;
            }
            self.listed += 1;
            let attachment = self.attachment(file, &path, depth);
            out.push(attachment);
        }
        out
    }

    /// One attachment storage.
    fn attachment(&mut self, file: &mut File<'_>, storage: &Path, depth: usize) -> MsgAttachment {
        let mut found = MsgAttachment::default();
        let mut names: Vec<(usize, String)> = Vec::new();
        for i in self.children(storage) {
            let Some(entry) = self.entries.get(i) else {
                continue;
            };
            let (name, path, stream) = (entry.name.clone(), entry.path.clone(), entry.stream);
            let Some(tag) = name.strip_prefix("__substg1.0_") else {
                continue;
            };
            let (id, ty) = (tag.get(..4).unwrap_or_default(), tag.get(4..8));
            match (stream, id, ty) {
                (true, "3701", Some("0102")) => {
                    if let Some(data) = self.read(file, &path) {
                        found.data = data;
                    }
                }
                (false, "3701", Some("000d")) => {
                    if !self.is_message(&path) {
                        // An OLE object: its storages are the macro reader's.
                        continue;
                    }
                    found.message = true;
                    if depth < self.limits.max_depth {
                        found.attachments = self.message(file, &path, depth + 1);
                    } else {
                        self.note(TnefCut::Limit {
                            what: format!(
                                "attached messages nested deeper than {}",
                                self.limits.max_depth
                            ),
                        });
                    }
                }
                (true, id, Some(ty @ ("001f" | "001e"))) => {
                    let rank = NAME_IDS.iter().position(|n| *n == id);
                    if rank.is_none() && id != "370e" {
                        continue;
                    }
                    let Some(raw) = self.read(file, &path) else {
                        continue;
                    };
                    let text = if ty == "001f" {
                        props::MapiString::Wide(&raw).decode(1252)
                    } else {
                        props::decode_8bit(&raw, 1252)
                    };
                    match rank {
                        Some(rank) => names.push((rank, text)),
                        None => found.mime_type = Some(text),
                    }
                }
                _ => {}
            }
        }
        names.sort_by_key(|(rank, _)| *rank);
        for (_, name) in names {
            if !name.is_empty() && !found.names.contains(&name) {
                found.names.push(name);
            }
        }
        found
    }

    /// A stream's bytes, within what is left of the file's size.
    fn read(&mut self, file: &mut File<'_>, path: &Path) -> Option<Vec<u8>> {
        let stream = match file.open_stream(path) {
            Ok(s) => s,
            Err(e) => {
                self.note(TnefCut::Truncated {
                    what: format!("{}: {e}", path.display()),
                });
                return None;
            }
        };
        let cap = self.bytes_left;
        let mut out = Vec::new();
        let limited = stream.take(u64::try_from(cap).unwrap_or(u64::MAX).saturating_add(1));
        if let Err(e) = { limited }.read_to_end(&mut out) {
            self.note(TnefCut::Truncated {
                what: format!("{}: {e}", path.display()),
            });
            return None;
        }
        if out.len() > cap {
            self.note(TnefCut::Limit {
                what: "streams hold more bytes than the file".into(),
            });
            self.bytes_left = 0;
            return None;
        }
        self.bytes_left -= out.len();
        Some(out)
    }
}
