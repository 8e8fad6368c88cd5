//! The MAPI property list of a TNEF `attAttachment` attribute
//! ([MS-OXTNEF] §2.1.3.4 `MsgPropertyList`), reduced to what names and
//! holds an attachment, and the code-page decoding of its 8-bit strings.
//!
//! Pure. A property is a type, an id, a name for named properties (a GUID
//! then a number or a UTF-16 string), then its value: variable-size types
//! and multi-valued ones carry a value count, and each variable value its
//! size; every value is padded to 4 bytes. The list ends early, keeping
//! what was read, at the first type whose size is unknown or where the
//! data runs out.

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

/// What an attachment's property list says about it.
#[derive(Debug, Default)]
pub(super) struct AttachProps<'a> {
    pub long_filename: Option<MapiString<'a>>,
    pub filename: Option<MapiString<'a>>,
    pub display_name: Option<MapiString<'a>>,
    pub long_pathname: Option<MapiString<'a>>,
    pub pathname: Option<MapiString<'a>>,
    pub extension: Option<MapiString<'a>>,
    pub mime_tag: Option<MapiString<'a>>,
    /// `PidTagAttachDataBinary`.
    pub data: Option<&'a [u8]>,
    /// `PidTagAttachDataObject` after its interface id.
    pub object: Option<&'a [u8]>,
    /// A value's size reached past the end of the list.
    pub truncated: bool,
}

impl<'a> AttachProps<'a> {
    /// Reads one property list, keeping the first value of each property
    /// of interest (a later `attAttachment` fills in what an earlier one
    /// lacked).
    pub(super) fn read(&mut self, list: &'a [u8]) {
        let mut r = Cursor {
            bytes: list,
            pos: 0,
        };
        let Some(count) = r.u32() else { return };
        for _ in 0..count {
            let (Some(ty), Some(id)) = (r.u16(), r.u16()) else {
                return;
            };
            if id >= 0x8000 {
                // Named property: GUID, kind, then an id or a string.
                let (Some(_guid), Some(kind)) = (r.take(16), r.u32()) else {
                    return;
                };
                let skipped = if kind == 0 {
                    r.u32().map(|_| ())
                } else {
                    r.u32().and_then(|n| r.padded(n)).map(|_| ())
                };
                if skipped.is_none() {
                    return;
                }
            }
            let base = ty & !MV_FLAG;
            let variable = matches!(base, PT_STRING8 | PT_UNICODE | PT_BINARY | PT_OBJECT)
                || matches!(base, 0x00FB | 0x00FD | 0x00FE);
            let values = if variable || ty & MV_FLAG != 0 {
                match r.u32() {
                    Some(n) => n,
                    None => return,
                }
            } else {
                1
            };
            for index in 0..values {
                let value = if variable {
                    let Some(size) = r.u32() else { return };
                    match r.padded(size) {
                        Some(v) => v,
                        None => {
                            self.truncated = true;
                            return;
                        }
                    }
                } else {
                    let Some(size) = fixed_size(base) else { return };
                    match r.padded(size) {
                        Some(v) => v,
                        None => return,
                    }
                };
                if index == 0 {
                    self.keep(id, base, value);
                }
            }
        }
    }

    fn keep(&mut self, id: u16, ty: u16, value: &'a [u8]) {
        let string = match ty {
            PT_STRING8 => Some(MapiString::Eight(value)),
            PT_UNICODE => Some(MapiString::Wide(value)),
            _ => None,
        };
        let slot = match id {
            PID_ATTACH_LONG_FILENAME => &mut self.long_filename,
            PID_ATTACH_FILENAME => &mut self.filename,
            PID_DISPLAY_NAME => &mut self.display_name,
            PID_ATTACH_LONG_PATHNAME => &mut self.long_pathname,
            PID_ATTACH_PATHNAME => &mut self.pathname,
            PID_ATTACH_EXTENSION => &mut self.extension,
            PID_ATTACH_MIME_TAG => &mut self.mime_tag,
            PID_ATTACH_DATA => {
                match ty {
                    PT_BINARY => {
                        self.data.get_or_insert(value);
                    }
                    // The interface id (16 bytes) is counted in the size.
                    PT_OBJECT => {
                        self.object
                            .get_or_insert(value.get(16..).unwrap_or_default());
                    }
                    _ => {}
                }
                return;
            }
            _ => return,
        };
        if slot.is_none() {
            *slot = string;
        }
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
