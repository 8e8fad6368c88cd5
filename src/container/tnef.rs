//! The attachments inside TNEF, Outlook's `winmail.dat`
//! (`application/ms-tnef`), as Outlook shows them.
//!
//! Pure and hand-written after [MS-OXTNEF]: a stream is a signature, a key,
//! then attributes (level, id, length, data, checksum). An attachment starts
//! at `attAttachRendData`; its name comes from its MAPI properties
//! (`attAttachment`: `PidTagAttachLongFilename`, `PidTagAttachFilename`,
//! `PidTagDisplayName`, 8-bit in the stream's `attOemCodepage` or UTF-16)
//! and from `attAttachTitle`; its content from `attAttachData`,
//! `PidTagAttachDataBinary` and `PidTagAttachDataObject` (an OLE storage).
//! An attached message (`PidTagAttachDataObject` holding another TNEF
//! stream) lists its own attachments in turn, to
//! [`TnefLimits::max_depth`].
//!
//! Every value counts: an attachment repeated properties, several
//! `attAttachment` lists or several data values name and hold is listed
//! with all of its names, once per distinct content, since which value a
//! reader takes is its own choice (`tnef(1)` takes the last name).
//!
//! Best effort, never a panic: checksums are not enforced (Outlook does not
//! either); a property of a type whose size is unknown ends its list, and
//! a stream that ends early keeps what was read; both say so ([`TnefCut`]).
//! Attachment content is never copied: it borrows from the input.
//!
//! Outlook's other form of a message, the `.msg` file (an OLE2 compound
//! file), is read by [`msg_attachments`] (`tnef/msg.rs`) into the same
//! shape, its content copied out of the compound file.

mod msg;
mod props;

use std::collections::{HashMap, HashSet};

pub use msg::{Msg, MsgAttachment, NotMsg, is_msg_candidate, msg_attachments};

use serde::Serialize;

/// The TNEF signature, little-endian ([MS-OXTNEF] §2.1.3.1).
pub const SIGNATURE: [u8; 4] = [0x78, 0x9F, 0x3E, 0x22];

/// Caps on one TNEF stream, nested messages included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TnefLimits {
    /// Attachments listed over the whole stream, those of attached
    /// messages included (count). Default 1000.
    pub max_attachments: usize,
    /// Attached messages inside attached messages (count; the outer
    /// stream is depth 0). Default 4.
    pub max_depth: usize,
}

impl Default for TnefLimits {
    fn default() -> Self {
        TnefLimits {
            max_attachments: 1000,
            max_depth: 4,
        }
    }
}

/// What a TNEF stream holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tnef<'a> {
    /// The attachments in stream order.
    pub attachments: Vec<TnefAttachment<'a>>,
    /// Why the list may be incomplete (the first reason); `None` when the
    /// stream was read to its end.
    pub cut: Option<TnefCut>,
}

/// One attachment of a TNEF stream; an attachment holding several
/// distinct contents is listed once per content, with the same names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TnefAttachment<'a> {
    /// Every name it carries (every value of every name property),
    /// decoded, trailing NULs removed, without duplicates, in the order
    /// Outlook prefers them: long filename,
    /// short filename, `attAttachTitle`, display name, transport name,
    /// long and short path names, then the bare extension property
    /// (`.exe`). The first is what Outlook shows. Attacker text: may hold
    /// any character, path separators included.
    pub names: Vec<String>,
    /// `PidTagAttachMimeTag` as written, if any.
    pub mime_type: Option<String>,
    /// The attachment's bytes (for an attached message, its TNEF stream).
    pub data: &'a [u8],
    /// True when the stream ended before all of `data` was there.
    pub truncated: bool,
    /// True for an attached message (its attachments are in
    /// [`TnefAttachment::attachments`]).
    pub message: bool,
    /// An attached message's own attachments.
    pub attachments: Vec<TnefAttachment<'a>>,
}

/// Why a TNEF listing is incomplete: the caller reports it as `unchecked`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TnefCut {
    /// The stream (or an attached message's) ends inside an attribute.
    #[error("TNEF stream truncated: {what}")]
    Truncated {
        /// Where, one line.
        what: String,
    },
    /// A cap of [`TnefLimits`] was reached.
    #[error("TNEF limit reached: {what}")]
    Limit {
        /// Which cap, one line.
        what: String,
    },
    /// A MAPI property list could not be read to its end (a property of
    /// a type whose size is unknown, a list shorter than its count): what
    /// followed may have named or held an attachment.
    #[error("TNEF property list unreadable: {what}")]
    Unreadable {
        /// Why, one line.
        what: String,
    },
}

/// `bytes` does not start with the TNEF signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a TNEF stream (no signature)")]
pub struct NotTnef;

/// The attachments of the TNEF stream `bytes`, as Outlook shows them.
///
/// Errors only when the signature is missing; everything after it is read
/// best effort, and an incomplete listing says why in [`Tnef::cut`].
/// Time is linear in `bytes.len()`; memory is the listing (names and
/// borrowed slices), bounded by [`TnefLimits`].
pub fn attachments<'a>(bytes: &'a [u8], limits: &TnefLimits) -> Result<Tnef<'a>, NotTnef> {
    if !bytes.starts_with(&SIGNATURE) {
        return Err(NotTnef);
    }
    let mut reader = Reader {
        limits,
        listed: 0,
        cut: None,
    };
    let attachments = reader.stream(bytes, 0);
    Ok(Tnef {
        attachments,
        cut: reader.cut,
    })
}

/// Distinct names kept for one attachment (count): far above the eight
/// name properties a writer sets; more is a [`TnefCut::Limit`].
const MAX_NAMES: usize = 32;

/// Distinct contents kept for one attachment (count): `attAttachData`
/// and the data property, usually the same bytes; more is a
/// [`TnefCut::Limit`]. Each content is listed with every name, so this
/// also bounds the copies of the names.
const MAX_CONTENTS: usize = 8;

/// Attribute ids (the low 16 bits of [MS-OXTNEF] §2.1.3.3's AttributeID;
/// the high bits give a type that Outlook itself does not check).
const ATT_OEM_CODEPAGE: u16 = 0x9007;
const ATT_ATTACH_REND_DATA: u16 = 0x9002;
const ATT_ATTACH_TITLE: u16 = 0x8010;
const ATT_ATTACH_DATA: u16 = 0x800F;
const ATT_ATTACHMENT: u16 = 0x9005;
const ATT_ATTACH_TRANSPORT_FILENAME: u16 = 0x9001;

/// The listing under way: caps, count, first cut.
struct Reader<'l> {
    limits: &'l TnefLimits,
    listed: usize,
    cut: Option<TnefCut>,
}

/// An attachment being read: raw names until the code page is known.
#[derive(Default)]
struct Pending<'a> {
    titles: Vec<&'a [u8]>,
    transports: Vec<&'a [u8]>,
    props: props::AttachProps<'a>,
    /// Every `attAttachData` value, and whether the stream cut it short.
    data: Vec<(&'a [u8], bool)>,
}

impl<'a> Reader<'_> {
    fn note(&mut self, cut: TnefCut) {
        self.cut.get_or_insert(cut);
    }

    /// The attachments of one stream (signature included) at `depth`.
    fn stream(&mut self, bytes: &'a [u8], depth: usize) -> Vec<TnefAttachment<'a>> {
        let mut out = Vec::new();
        let mut codepage = 1252u32;
        let mut current: Option<Pending<'a>> = None;
        // Signature (4 bytes) and legacy key (2 bytes).
        let mut pos = 6usize;
        while pos < bytes.len() {
            // Fewer bytes than a header: cruft some mailers append (a
            // newline); it can hold no attribute.
            let Some(header) = bytes.get(pos..pos + 9) else {
                break;
            };
            let id = u16::from_le_bytes([header[1], header[2]]);
            let len = u32::from_le_bytes([header[5], header[6], header[7], header[8]]);
            let start = pos + 9;
            let end = start.saturating_add(usize::try_from(len).unwrap_or(usize::MAX));
            let data = bytes.get(start..end.min(bytes.len())).unwrap_or_default();
            let truncated = end > bytes.len();
            // Data, then a 2-byte checksum.
            pos = end.saturating_add(2);
            match id {
                ATT_OEM_CODEPAGE => {
                    if let Some(cp) = data.get(..4) {
                        codepage = u32::from_le_bytes([cp[0], cp[1], cp[2], cp[3]]);
                    }
                }
                ATT_ATTACH_REND_DATA => {
                    if let Some(done) = current.take() {
                        self.finish(done, codepage, depth, &mut out);
                    }
                    current = Some(Pending::default());
                }
                ATT_ATTACH_TITLE
                | ATT_ATTACH_DATA
                | ATT_ATTACHMENT
                | ATT_ATTACH_TRANSPORT_FILENAME => {
                    let pending = current.get_or_insert_with(Pending::default);
                    match id {
                        ATT_ATTACH_TITLE => pending.titles.push(data),
                        ATT_ATTACH_TRANSPORT_FILENAME => pending.transports.push(data),
                        ATT_ATTACH_DATA => pending.data.push((data, truncated)),
                        _ => pending.props.read(data),
                    }
                }
                _ => {}
            }
            if truncated {
                self.note(TnefCut::Truncated {
                    what: format!("attribute {id:#06x} at byte {}", start - 9),
                });
                break;
            }
        }
        if let Some(done) = current.take() {
            self.finish(done, codepage, depth, &mut out);
        }
        out
    }

    /// Turns a finished attachment into its listing, within the caps:
    /// one entry per distinct content it holds (`attAttachData`, each
    /// `PidTagAttachDataBinary`, each `PidTagAttachDataObject`), each with
    /// every name the attachment carries, since a reader may show any
    /// name with any content; an attached message's attachments are read
    /// in turn.
    fn finish(
        &mut self,
        p: Pending<'a>,
        codepage: u32,
        depth: usize,
        out: &mut Vec<TnefAttachment<'a>>,
    ) {
        if let Some(why) = &p.props.unreadable {
            self.note(TnefCut::Unreadable { what: why.clone() });
        }
        let eight_bit = |raw: &&[u8]| props::decode_8bit(raw, codepage);
        let wide = |s: &props::MapiString<'_>| s.decode(codepage);
        let props = &p.props;
        let candidates = props
            .long_filename
            .iter()
            .map(wide)
            .chain(props.filename.iter().map(wide))
            .chain(p.titles.iter().map(eight_bit))
            .chain(props.display_name.iter().map(wide))
            .chain(p.transports.iter().map(eight_bit))
            .chain(props.long_pathname.iter().map(wide))
            .chain(props.pathname.iter().map(wide))
            .chain(props.extension.iter().map(wide));
        let mut names: Vec<String> = Vec::new();
        let mut seen = HashSet::new();
        for name in candidates {
            if name.is_empty() || seen.contains(&name) {
                continue;
            }
            if names.len() == MAX_NAMES {
                self.note(TnefCut::Limit {
                    what: format!("an attachment with more than {MAX_NAMES} names"),
                });
                break;
            }
            seen.insert(name.clone());
            names.push(name);
        }
        let mime_type = props.mime_tag.first().map(wide);
        // Every content, the first of each distinct value only (a writer
        // may give the same bytes as attAttachData and as a property).
        let mut contents: Vec<(&'a [u8], bool)> = Vec::new();
        let mut distinct: HashMap<&'a [u8], usize> = HashMap::new();
        let all = p
            .data
            .iter()
            .copied()
            .chain(props.data.iter().map(|d| (*d, props.truncated)))
            .chain(props.object.iter().map(|o| (*o, props.truncated)));
        for (data, truncated) in all {
            if let Some(&at) = distinct.get(data) {
                if let Some(seen) = contents.get_mut(at) {
                    seen.1 |= truncated;
                }
                continue;
            }
            if contents.len() == MAX_CONTENTS {
                self.note(TnefCut::Limit {
                    what: format!("an attachment with more than {MAX_CONTENTS} contents"),
                });
                break;
            }
            distinct.insert(data, contents.len());
            contents.push((data, truncated));
        }
        if contents.is_empty() {
            contents.push((&[], props.truncated));
        }
        for (data, truncated) in contents {
            if self.listed >= self.limits.max_attachments {
                self.note(TnefCut::Limit {
                    what: format!("more than {} attachments", self.limits.max_attachments),
                });
                return;
            }
            self.listed += 1;
            let mut attachment = TnefAttachment {
                names: names.clone(),
                mime_type: mime_type.clone(),
                data,
                truncated,
                message: false,
                attachments: Vec::new(),
            };
            if data.starts_with(&SIGNATURE) && props.object.contains(&data) {
                attachment.message = true;
                if depth < self.limits.max_depth {
                    attachment.attachments = self.stream(data, depth + 1);
                } else {
                    self.note(TnefCut::Limit {
                        what: format!(
                            "attached messages nested deeper than {}",
                            self.limits.max_depth
                        ),
                    });
                }
            }
            out.push(attachment);
        }
    }
}

#[cfg(test)]
mod tests;
