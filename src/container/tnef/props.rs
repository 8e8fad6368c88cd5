//! The MAPI property list of a TNEF `attAttachment` attribute
//! ([MS-OXTNEF] §2.1.3.4 `MsgPropertyList`), reduced to what names and
//! holds an attachment, and the code-page decoding of its 8-bit strings.
//!
//! Pure. A property is a type, an id, a name for named properties (a GUID
//! then a number or a UTF-16 string), then its value: variable-size types
//! and multi-valued ones carry a value count, and each variable value its
//! size; every value is padded to 4 bytes. The list ends early, keeping
//! what was read and saying why, at the first type whose size is unknown
//! or where the data runs out.

use std::borrow::Cow;

/// Property ids ([MS-OXPROPS]).
const PID_ATTACH_DATA: u16 = 0x3701;
const PID_ATTACH_EXTENSION: u16 = 0x3703;
const PID_ATTACH_FILENAME: u16 = 0x3704;
const PID_ATTACH_LONG_FILENAME: u16 = 0x3707;
const PID_ATTACH_PATHNAME: u16 = 0x3708;
const PID_ATTACH_LONG_PATHNAME: u16 = 0x370D;
const PID_ATTACH_MIME_TAG: u16 = 0x370E;
const PID_DISPLAY_NAME: u16 = 0x3001;

/// Property types ([MS-OXCDATA] §2.11.1).
const PT_STRING8: u16 = 0x001E;
const PT_UNICODE: u16 = 0x001F;
const PT_BINARY: u16 = 0x0102;
const PT_OBJECT: u16 = 0x000D;
const MV_FLAG: u16 = 0x1000;

/// A string property as stored: 8-bit (in the stream's code page) or
/// UTF-16LE.
#[derive(Debug, Clone, Copy)]
pub(super) enum MapiString<'a> {
    /// `PT_STRING8`.
    Eight(&'a [u8]),
    /// `PT_UNICODE`.
    Wide(&'a [u8]),
}

impl MapiString<'_> {
    /// The text up to its first NUL, decoded (lossily).
    pub(super) fn decode(&self, codepage: u32) -> String {
        match *self {
            MapiString::Eight(raw) => decode_8bit(raw, codepage),
            MapiString::Wide(raw) => {
                let units = raw
                    .chunks_exact(2)
                    .map(|p| u16::from_le_bytes([p[0], p[1]]))
                    .take_while(|&u| u != 0);
                char::decode_utf16(units)
                    .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
                    .collect()
            }
        }
    }
}

/// What an attachment's property lists say about it: every value of every
/// property of interest, in stream order (a list may repeat a property,
/// a multi-valued property holds several values, and an attachment may
/// carry several `attAttachment` lists; a reader may take any of them).
#[derive(Debug, Default)]
pub(super) struct AttachProps<'a> {
    pub long_filename: Vec<MapiString<'a>>,
    pub filename: Vec<MapiString<'a>>,
    pub display_name: Vec<MapiString<'a>>,
    pub long_pathname: Vec<MapiString<'a>>,
    pub pathname: Vec<MapiString<'a>>,
    pub extension: Vec<MapiString<'a>>,
    pub mime_tag: Vec<MapiString<'a>>,
    /// `PidTagAttachDataBinary` values.
    pub data: Vec<&'a [u8]>,
    /// `PidTagAttachDataObject` values, each after its interface id.
    pub object: Vec<&'a [u8]>,
    /// A value's size reached past the end of the list.
    pub truncated: bool,
    /// Why the rest of a list could not be read (a property of a type
    /// whose size is unknown, a list that ends before its count), the
    /// first reason; what followed may have named or held the attachment.
    pub unreadable: Option<String>,
}

impl<'a> AttachProps<'a> {
    /// Reads one property list, keeping every value of each property of
    /// interest.
    pub(super) fn read(&mut self, list: &'a [u8]) {
        if let Err(why) = self.list(list) {
            self.unreadable.get_or_insert(why);
        }
    }

    /// [`AttachProps::read`], saying why the list could not be read to
    /// the end of its count.
    fn list(&mut self, list: &'a [u8]) -> Result<(), String> {
        let mut r = Cursor {
            bytes: list,
            pos: 0,
        };
        let short = |what: &str, index: u32| format!("property list ends inside {what} {index}");
        let Some(count) = r.u32() else {
            // An empty attribute: no list at all.
            return Ok(());
        };
        for index in 0..count {
            let (Some(ty), Some(id)) = (r.u16(), r.u16()) else {
                return Err(short("property", index));
            };
            if id >= 0x8000 {
                // Named property: GUID, kind, then an id or a string.
                let (Some(_guid), Some(kind)) = (r.take(16), r.u32()) else {
                    return Err(short("property", index));
                };
                let skipped = if kind == 0 {
                    r.u32().map(|_| ())
                } else {
                    r.u32().and_then(|n| r.padded(n)).map(|_| ())
                };
                if skipped.is_none() {
                    return Err(short("property", index));
                }
            }
            let base = ty & !MV_FLAG;
            let variable = matches!(base, PT_STRING8 | PT_UNICODE | PT_BINARY | PT_OBJECT)
                || matches!(base, 0x00FB | 0x00FD | 0x00FE);
            if !variable && fixed_size(base).is_none() {
                return Err(format!(
                    "property {index} has type {ty:#06x}, whose size is unknown"
                ));
            }
            let values = if variable || ty & MV_FLAG != 0 {
                r.u32().ok_or_else(|| short("property", index))?
            } else {
                1
            };
            for _ in 0..values {
                let value = if variable {
                    let size = r.u32().ok_or_else(|| short("property", index))?;
                    match r.padded(size) {
                        Some(v) => v,
                        None => {
                            self.truncated = true;
                            return Ok(());
                        }
                    }
                } else {
                    let size = fixed_size(base).unwrap_or(0);
                    r.padded(size).ok_or_else(|| short("property", index))?
                };
                self.keep(id, base, value);
            }
        }
        Ok(())
    }

    fn keep(&mut self, id: u16, ty: u16, value: &'a [u8]) {
        let string = match ty {
            PT_STRING8 => MapiString::Eight(value),
            PT_UNICODE => MapiString::Wide(value),
            _ => {
                if id == PID_ATTACH_DATA {
                    match ty {
                        PT_BINARY => self.data.push(value),
                        // The interface id (16 bytes) is counted in the size.
                        PT_OBJECT => self.object.push(value.get(16..).unwrap_or_default()),
                        _ => {}
                    }
                }
                return;
            }
        };
        let slot = match id {
            PID_ATTACH_LONG_FILENAME => &mut self.long_filename,
            PID_ATTACH_FILENAME => &mut self.filename,
            PID_DISPLAY_NAME => &mut self.display_name,
            PID_ATTACH_LONG_PATHNAME => &mut self.long_pathname,
            PID_ATTACH_PATHNAME => &mut self.pathname,
            PID_ATTACH_EXTENSION => &mut self.extension,
            PID_ATTACH_MIME_TAG => &mut self.mime_tag,
            _ => return,
        };
        slot.push(string);
    }
}

/// The size of one value of a fixed-size type (before padding).
fn fixed_size(ty: u16) -> Option<u32> {
    match ty {
        0x0002 | 0x000B => Some(2),
        0x0003 | 0x0004 | 0x000A => Some(4),
        0x0005..=0x0007 | 0x0014 | 0x0040 => Some(8),
        0x0048 => Some(16),
        _ => None,
    }
}

/// A little-endian reader over a property list.
struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let out = self.bytes.get(self.pos..self.pos.checked_add(n)?)?;
        self.pos += n;
        Some(out)
    }

    fn u16(&mut self) -> Option<u16> {
        self.take(2).map(|b| u16::from_le_bytes([b[0], b[1]]))
    }

    fn u32(&mut self) -> Option<u32> {
        self.take(4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// `n` bytes, then the padding to the next multiple of 4 (which may be
    /// missing at the very end).
    fn padded(&mut self, n: u32) -> Option<&'a [u8]> {
        let n = usize::try_from(n).ok()?;
        let value = self.take(n)?;
        let pad = (4 - n % 4) % 4;
        self.pos = self.pos.saturating_add(pad).min(self.bytes.len());
        Some(value)
    }
}

/// 8-bit text up to its first NUL, decoded from Windows code page
/// `codepage` (`attOemCodepage`); Windows-1252 when the code page is
/// unknown, as Outlook falls back to the system's ANSI code page.
pub(super) fn decode_8bit(raw: &[u8], codepage: u32) -> String {
    let raw = raw.split(|&b| b == 0).next().unwrap_or_default();
    let label: Cow<'_, str> = match codepage {
        65001 => "utf-8".into(),
        932 => "shift_jis".into(),
        936 => "gbk".into(),
        949 => "euc-kr".into(),
        950 => "big5".into(),
        866 => "ibm866".into(),
        874 => "windows-874".into(),
        1250..=1258 => format!("windows-{codepage}").into(),
        20866 => "koi8-r".into(),
        21866 => "koi8-u".into(),
        28591..=28606 => format!("iso-8859-{}", codepage - 28590).into(),
        50220..=50222 => "iso-2022-jp".into(),
        51932 => "euc-jp".into(),
        54936 => "gb18030".into(),
        _ => "windows-1252".into(),
    };
    match charset::Charset::for_label(label.as_bytes()) {
        Some(charset) => charset.decode_without_bom_handling(raw).0.into_owned(),
        None => charset::decode_latin1(raw).into_owned(),
    }
}
