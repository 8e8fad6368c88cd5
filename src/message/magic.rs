//! Content type from magic bytes: what a part really is, whatever its
//! declared type and name say.
//!
//! Pure. The `infer` crate recognises most formats; what it lacks or gets
//! too coarse for a mail filter is checked first, here: executables (PE
//! with its `PE\0\0` header, DOS `MZ`, ELF, every Mach-O variant including
//! fat binaries), shebang scripts, Windows shortcuts, OLE compound files
//! told apart by their root CLSID (MSI, MSP, MST, Outlook .msg, Word,
//! Excel, PowerPoint, Visio), Java archives and Android packages, and a few
//! archive and text formats that mail still carries (ARJ, ACE, ZOO, CHM,
//! XAR, ISO 9660, DMG, PCX, SVG, iCalendar, vCard). OLE files never reach
//! `infer`, whose `cfb` reader parses the whole compound file: our own
//! reader only looks at the header and one directory entry.
//!
//! Formats follow: Microsoft PE/COFF specification §2-3; the ELF gABI;
//! Apple's `<mach-o/loader.h>` and `<mach-o/fat.h>`; [MS-SHLLINK] §2.1;
//! [MS-CFB] §2.2 and §2.6; the JVM specification §4.1 (class files);
//! ECMA-119 §8 (ISO 9660 volume descriptors); file(1)'s magic database for
//! the archive formats.

/// At most this many leading bytes are examined (bytes). Every format
/// recognised here is identified by its first KiB; ZIP member names are
/// searched further, ISO 9660 descriptors sit at 32 KiB.
pub(crate) const SCAN_BYTES: usize = 1 << 20;

/// Trailing bytes examined (bytes): the UDIF trailer.
pub(crate) const TAIL_BYTES: usize = 512;

/// The MIME type detected from `content`'s magic bytes, if recognised.
///
/// Executables get: `application/x-msdownload` (PE), `application/x-dosexec`
/// (MZ without a PE header), `application/x-executable` (ELF),
/// `application/x-mach-binary` (Mach-O, fat included), `text/x-shellscript`
/// (`#!` scripts), `application/x-ms-shortcut` (.lnk), `application/x-msi`
/// (MSI, MSP and MST), `application/java-vm` (class files),
/// `application/java-archive` (JAR), `application/vnd.android.package-archive`
/// (APK), `application/x-bat` (`@echo off` batch files). Everything else is
/// what `infer` says, or one of the extra types listed in the module doc;
/// content that looks like text is `text/csv` or `text/plain`. `None` for
/// empty or unrecognised binary content.
pub fn detect(content: &[u8]) -> Option<&'static str> {
    let head = content.get(..SCAN_BYTES).unwrap_or(content);
    let tail = content
        .get(content.len().saturating_sub(TAIL_BYTES)..)
        .unwrap_or(content);
    detect_probe(head, content.len(), tail)
}

/// [`detect`] from what it reads of a content of `len` bytes: its first
/// [`SCAN_BYTES`] (`head`, fewer when shorter) and its last [`TAIL_BYTES`]
/// (`tail`), so that content never held whole in memory is detected the
/// same (`crate::message::Body`).
pub(crate) fn detect_probe(head: &[u8], len: usize, tail: &[u8]) -> Option<&'static str> {
    let head = head.get(..SCAN_BYTES).unwrap_or(head);
    if head.is_empty() {
        return None;
    }
    executable(head)
        .or_else(|| ole(head))
        .or_else(|| zip_flavour(head))
        .or_else(|| archive(head, len, tail))
        .or_else(|| infer::get(head).map(|t| t.mime_type()))
        .or_else(|| text(head))
}

/// True when `mime` (as returned by [`detect`]) is executable content:
/// PE, DOS, ELF, Mach-O, scripts with a shebang, Windows shortcuts, MSI,
/// Java class files and archives, Android packages, DEX, WebAssembly.
pub fn is_executable_type(mime: &str) -> bool {
    const EXECUTABLE: &[&str] = &[
        "application/x-msdownload",
        "application/x-dosexec",
        "application/vnd.microsoft.portable-executable",
        "application/x-executable",
        "application/x-sharedlib",
        "application/x-mach-binary",
        "text/x-shellscript",
        "application/x-ms-shortcut",
        "application/x-msi",
        "application/java-vm",
        "application/java",
        "application/java-archive",
        "application/vnd.android.package-archive",
        "application/vnd.android.dex",
        "application/vnd.android.dey",
        "application/wasm",
        "application/x-bat",
    ];
    let mime = mime.trim();
    EXECUTABLE.iter().any(|e| e.eq_ignore_ascii_case(mime))
}

fn at(content: &[u8], offset: usize, magic: &[u8]) -> bool {
    content
        .get(offset..)
        .is_some_and(|rest| rest.starts_with(magic))
}

fn u32_le(content: &[u8], offset: usize) -> Option<u32> {
    let b = content.get(offset..offset.checked_add(4)?)?;
    Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

fn u32_be(content: &[u8], offset: usize) -> Option<u32> {
    let b = content.get(offset..offset.checked_add(4)?)?;
    Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

fn u16_le(content: &[u8], offset: usize) -> Option<u16> {
    let b = content.get(offset..offset.checked_add(2)?)?;
    Some(u16::from_le_bytes([b[0], b[1]]))
}

fn executable(c: &[u8]) -> Option<&'static str> {
    if c.starts_with(b"MZ") {
        // PE/COFF §2: the PE signature's offset is at 0x3C.
        let pe = u32_le(c, 0x3C).and_then(|o| usize::try_from(o).ok());
        if pe.is_some_and(|o| at(c, o, b"PE\0\0")) {
            return Some("application/x-msdownload");
        }
        // `infer` calls any `MZ` a PE; without the PE header it is a DOS
        // program (.com/.exe), still executable.
        return Some("application/x-dosexec");
    }
    if c.starts_with(b"\x7fELF") {
        return Some("application/x-executable");
    }
    // <mach-o/loader.h>: MH_MAGIC, MH_CIGAM, MH_MAGIC_64, MH_CIGAM_64.
    if [
        [0xFE, 0xED, 0xFA, 0xCE],
        [0xCE, 0xFA, 0xED, 0xFE],
        [0xFE, 0xED, 0xFA, 0xCF],
        [0xCF, 0xFA, 0xED, 0xFE],
    ]
    .iter()
    .any(|m| c.starts_with(m))
    {
        return Some("application/x-mach-binary");
    }
    // <mach-o/fat.h>: FAT_MAGIC and FAT_MAGIC_64 share 0xCAFEBABE's
    // prefix with Java class files; file(1) tells them apart by the next
    // word: a fat binary's architecture count is small, a class file's
    // version (minor << 16 | major, major >= 45) is not.
    if c.starts_with(&[0xCA, 0xFE, 0xBA, 0xBE]) || c.starts_with(&[0xCA, 0xFE, 0xBA, 0xBF]) {
        let next = u32_be(c, 4)?;
        return Some(if next < 20 {
            "application/x-mach-binary"
        } else {
            "application/java-vm"
        });
    }
    if c.starts_with(&[0xBE, 0xBA, 0xFE, 0xCA]) || c.starts_with(&[0xBF, 0xBA, 0xFE, 0xCA]) {
        return Some("application/x-mach-binary");
    }
    // A shebang names an interpreter by absolute path (execve(2)).
    if let Some(rest) = c.strip_prefix(b"#!") {
        let rest = rest.strip_prefix(b" ").unwrap_or(rest);
        if rest.starts_with(b"/") {
            return Some("text/x-shellscript");
        }
    }
    // [MS-SHLLINK] §2.1: HeaderSize 0x4C, then LinkCLSID
    // 00021401-0000-0000-C000-000000000046.
    if c.starts_with(&[
        0x4C, 0, 0, 0, 0x01, 0x14, 0x02, 0, 0, 0, 0, 0, 0xC0, 0, 0, 0, 0, 0, 0, 0x46,
    ]) {
        return Some("application/x-ms-shortcut");
    }
    None
}

/// OLE compound files by root storage CLSID ([MS-CFB] §2.2 header,
/// §2.6.1 directory entry: CLSID at offset 0x50 of the root entry).
fn ole(c: &[u8]) -> Option<&'static str> {
    if !c.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return None;
    }
    let generic = Some("application/x-ole-storage");
    let shift = u16_le(c, 0x1E)?;
    if !(7..=16).contains(&shift) {
        return generic;
    }
    let sector = 1usize << shift;
    let first_dir = u32_le(c, 0x30).and_then(|s| usize::try_from(s).ok())?;
    let root = first_dir
        .checked_add(1)
        .and_then(|s| s.checked_mul(sector))
        .and_then(|o| o.checked_add(0x50));
    let Some(clsid) = root.and_then(|o| c.get(o..o.checked_add(16)?)) else {
        return generic;
    };
    // CLSIDs as stored: the first three fields little-endian.
    const TABLE: &[([u8; 16], &str)] = &[
        (guid(0x000C1084, 0, 0), "application/x-msi"), // MSI
        (guid(0x000C1086, 0, 0), "application/x-msi"), // MSP patch
        (guid(0x000C1082, 0, 0), "application/x-msi"), // MST transform
        (guid(0x00020D0B, 0, 0), "application/vnd.ms-outlook"),
        (guid(0x00020906, 0, 0), "application/msword"),
        (guid(0x00020900, 0, 0), "application/msword"),
        (guid(0x00020810, 0, 0), "application/vnd.ms-excel"),
        (guid(0x00020820, 0, 0), "application/vnd.ms-excel"),
        (
            [
                0x10, 0x8D, 0x81, 0x64, 0x9B, 0x4F, 0xCF, 0x11, 0x86, 0xEA, 0x00, 0xAA, 0x00, 0xB9,
                0x29, 0xE8,
            ],
            "application/vnd.ms-powerpoint",
        ),
        (guid(0x00021A14, 0, 0), "application/vnd.visio"),
        (guid(0x00021A13, 0, 0), "application/vnd.visio"),
    ];
    let by_clsid = TABLE
        .iter()
        .find(|(id, _)| id.as_slice() == clsid)
        .map(|(_, mime)| *mime);
    if by_clsid == Some("application/x-msi") {
        return by_clsid;
    }
    // The application opens its own stream whatever the CLSID says (an
    // Excel workbook stamped with Word's CLSID is still a workbook).
    root.and_then(|o| ole_by_streams(c, o - 0x50, sector))
        .or(by_clsid)
        .or(generic)
}

/// The names of the streams in the first directory sector tell an Office
/// document's kind (Excel often leaves the root CLSID null) ([MS-CFB] §2.6.1: 128-byte
/// entries, the name UTF-16LE in the first 64 bytes; [MS-XLS] `Workbook`,
/// [MS-DOC] `WordDocument`, [MS-PPT] `PowerPoint Document`, [MS-OXMSG]
/// `__substg1.0_`, [MS-VSDX]'s binary predecessor `VisioDocument`).
fn ole_by_streams(c: &[u8], dir: usize, sector: usize) -> Option<&'static str> {
    const STREAMS: &[(&str, &str)] = &[
        ("Workbook", "application/vnd.ms-excel"),
        ("Book", "application/vnd.ms-excel"),
        ("WordDocument", "application/msword"),
        ("PowerPoint Document", "application/vnd.ms-powerpoint"),
        ("__substg1.0_", "application/vnd.ms-outlook"),
        ("VisioDocument", "application/vnd.visio"),
    ];
    let entries = c
        .get(dir..dir.checked_add(sector)?)
        .unwrap_or(c.get(dir..)?);
    for entry in entries.chunks(128) {
        let units: Vec<u16> = entry
            .get(..64)?
            .chunks(2)
            .filter_map(|u| Some(u16::from_le_bytes([*u.first()?, *u.get(1)?])))
            .take_while(|&u| u != 0)
            .collect();
        let name = String::from_utf16_lossy(&units);
        if let Some((_, mime)) = STREAMS.iter().find(|(s, _)| name.starts_with(s)) {
            return Some(mime);
        }
    }
    None
}

/// `{XXXXXXXX-YYYY-ZZZZ-C000-000000000046}` (the OLE family) as stored.
const fn guid(a: u32, b: u16, c: u16) -> [u8; 16] {
    let a = a.to_le_bytes();
    let b = b.to_le_bytes();
    let c = c.to_le_bytes();
    [
        a[0], a[1], a[2], a[3], b[0], b[1], c[0], c[1], 0xC0, 0, 0, 0, 0, 0, 0, 0x46,
    ]
}

/// JAR, APK and OOXML documents are ZIP files told apart by their
/// members' names: the
/// local file headers' names in the first MiB (APPNOTE.TXT §4.3.7).
fn zip_flavour(c: &[u8]) -> Option<&'static str> {
    if !c.starts_with(b"PK\x03\x04") {
        return None;
    }
    let finder = memchr::memmem::Finder::new(b"PK\x03\x04");
    let mut jar = false;
    for (n, pos) in finder.find_iter(c).enumerate() {
        if n >= 64 {
            break;
        }
        let len = u16_le(c, pos + 26).map_or(0, usize::from);
        let name = c.get(pos + 30..pos + 30 + len).unwrap_or(b"");
        match name {
            b"AndroidManifest.xml" | b"classes.dex" => {
                return Some("application/vnd.android.package-archive");
            }
            b"META-INF/MANIFEST.MF" => jar = true,
            // ECMA-376 Part 2: the main part's folder names the kind.
            _ if name.starts_with(b"word/") => {
                return Some(
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                );
            }
            _ if name.starts_with(b"xl/") => {
                return Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
            }
            _ if name.starts_with(b"ppt/") => {
                return Some(
                    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
                );
            }
            _ if name.ends_with(b".class") => jar = true,
            _ => {}
        }
    }
    jar.then_some("application/java-archive")
}

/// Archive and image formats `infer` does not know.
/// `c` is the head, `len` and `tail` as [`detect_probe`] says.
fn archive(c: &[u8], len: usize, tail: &[u8]) -> Option<&'static str> {
    if c.starts_with(&[0x60, 0xEA]) && c.len() > 10 {
        return Some("application/x-arj");
    }
    if at(c, 7, b"**ACE**") {
        return Some("application/x-ace-compressed");
    }
    if c.starts_with(b"ZOO ") && at(c, 20, &[0xDC, 0xA7, 0xC4, 0xFD]) {
        return Some("application/x-zoo");
    }
    if c.starts_with(b"ITSF") {
        return Some("application/vnd.ms-htmlhelp");
    }
    // Mozilla's LZ4 framing (jsonlz4, session stores).
    if c.starts_with(b"mozLz40\0") {
        return Some("application/x-lz4");
    }
    if c.starts_with(b"xar!") {
        return Some("application/x-xar");
    }
    // ECMA-119 §8: volume descriptors from sector 16 (offset 32 KiB).
    if [0x8001, 0x8801, 0x9001].iter().any(|&o| at(c, o, b"CD001")) {
        return Some("application/x-iso9660-image");
    }
    // UDIF disk images end with a 512-byte "koly" trailer.
    if len >= TAIL_BYTES && tail.len() == TAIL_BYTES && tail.starts_with(b"koly") {
        return Some("application/x-apple-diskimage");
    }
    // ZSoft PCX: manufacturer 10, version 0..5, encoding 0 or 1, 1..8 bpp.
    if let [0x0A, version, encoding, bpp, ..] = c
        && *version <= 5
        && *encoding <= 1
        && matches!(bpp, 1 | 2 | 4 | 8)
        && c.len() >= 128
    {
        return Some("image/x-pcx");
    }
    None
}

/// Text formats recognised by their opening line.
fn text(c: &[u8]) -> Option<&'static str> {
    let start = c
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(c.len());
    let end = c.len().min(start.saturating_add(1024));
    let head = c.get(start..end).unwrap_or(b"");
    let lower = head.to_ascii_lowercase();
    if lower.starts_with(b"begin:vcalendar") {
        return Some("text/calendar");
    }
    if lower.starts_with(b"begin:vcard") {
        return Some("text/vcard");
    }
    if lower.starts_with(b"<svg") || (lower.starts_with(b"<?xml") && contains(&lower, b"<svg")) {
        return Some("image/svg+xml");
    }
    if lower.starts_with(b"<!doctype html") || lower.starts_with(b"<html") {
        return Some("text/html");
    }
    if lower.starts_with(b"@echo off") {
        return Some("application/x-bat");
    }
    plain_text(c)
}

/// `text/csv` or `text/plain` for content that looks like text: no
/// control characters but tab, line ends, form feed and escape in the
/// first 4 KiB, and valid UTF-8 there (or 8-bit text in a legacy
/// charset). CSV when the first lines (at least two, up to ten) hold the
/// same non-zero number of commas, semicolons or tabs (RFC 4180 loosely).
fn plain_text(c: &[u8]) -> Option<&'static str> {
    let head = c.get(..4096).unwrap_or(c);
    if head
        .iter()
        .any(|&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C | 0x1B))
    {
        return None;
    }
    let lines: Vec<&[u8]> = head
        .split(|&b| b == b'\n')
        .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
        .take(10)
        .collect();
    // The last line of the 4 KiB window may be cut.
    let whole = if head.len() < c.len() {
        lines.len().saturating_sub(1)
    } else {
        lines.len()
    };
    let lines = lines.get(..whole).unwrap_or(&[]);
    if lines.len() >= 2 {
        for sep in [b',', b';', b'\t'] {
            let count = |l: &&[u8]| l.iter().filter(|&&b| b == sep).count();
            let first = lines.first().map_or(0, count);
            if first > 0 && lines.iter().all(|l| count(l) == first) {
                return Some("text/csv");
            }
        }
    }
    Some("text/plain")
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    memchr::memmem::find(haystack, needle).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pe() -> Vec<u8> {
        let mut v = vec![0u8; 0x100];
        v[..2].copy_from_slice(b"MZ");
        v[0x3C] = 0x80;
        v[0x80..0x84].copy_from_slice(b"PE\0\0");
        v
    }

    #[test]
    fn pe_needs_its_header() {
        assert_eq!(detect(&pe()), Some("application/x-msdownload"));
        let mut dos = pe();
        dos[0x80] = b'X';
        assert_eq!(detect(&dos), Some("application/x-dosexec"));
        // A PE offset pointing past the end is no PE header.
        let mut cut = pe();
        cut[0x3C..0x40].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(detect(&cut), Some("application/x-dosexec"));
        assert_eq!(detect(b"MZ"), Some("application/x-dosexec"));
    }

    #[test]
    fn elf() {
        assert_eq!(
            detect(b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0"),
            Some("application/x-executable")
        );
    }

    #[test]
    fn mach_o_every_magic() {
        for m in [
            [0xFE, 0xED, 0xFA, 0xCE],
            [0xCE, 0xFA, 0xED, 0xFE],
            [0xFE, 0xED, 0xFA, 0xCF],
            [0xCF, 0xFA, 0xED, 0xFE],
            [0xBE, 0xBA, 0xFE, 0xCA],
        ] {
            let mut v = m.to_vec();
            v.extend_from_slice(&[0; 28]);
            assert_eq!(detect(&v), Some("application/x-mach-binary"), "{m:x?}");
        }
        // Fat binary with two architectures, fat64 with one.
        let fat = [0xCA, 0xFE, 0xBA, 0xBE, 0, 0, 0, 2, 0, 0, 0, 7];
        assert_eq!(detect(&fat), Some("application/x-mach-binary"));
        let fat64 = [0xCA, 0xFE, 0xBA, 0xBF, 0, 0, 0, 1, 0, 0, 0, 7];
        assert_eq!(detect(&fat64), Some("application/x-mach-binary"));
        // A Java class file (version 52.0) is not a fat binary.
        let class = [0xCA, 0xFE, 0xBA, 0xBE, 0, 0, 0, 52, 0, 10];
        assert_eq!(detect(&class), Some("application/java-vm"));
    }

    #[test]
    fn shebang_scripts() {
        assert_eq!(detect(b"#!/bin/sh\necho hi\n"), Some("text/x-shellscript"));
        assert_eq!(
            detect(b"#! /usr/bin/env python3\n"),
            Some("text/x-shellscript")
        );
    }

    #[test]
    fn windows_shortcut() {
        let mut lnk = vec![
            0x4C, 0, 0, 0, 0x01, 0x14, 0x02, 0, 0, 0, 0, 0, 0xC0, 0, 0, 0, 0, 0, 0, 0x46,
        ];
        lnk.extend_from_slice(&[0; 60]);
        assert_eq!(detect(&lnk), Some("application/x-ms-shortcut"));
    }

    fn ole_with(clsid: [u8; 16]) -> Vec<u8> {
        let mut v = vec![0u8; 3 * 512];
        v[..8].copy_from_slice(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
        v[0x1E] = 9; // 512-byte sectors
        v[0x30] = 1; // directory in sector 1, at offset 1024
        v[1024 + 0x50..1024 + 0x60].copy_from_slice(&clsid);
        v
    }

    #[test]
    fn ole_by_clsid() {
        assert_eq!(
            detect(&ole_with(guid(0x000C1084, 0, 0))),
            Some("application/x-msi")
        );
        assert_eq!(
            detect(&ole_with(guid(0x00020906, 0, 0))),
            Some("application/msword")
        );
        assert_eq!(
            detect(&ole_with([7; 16])),
            Some("application/x-ole-storage")
        );
        // A truncated compound file is still OLE, never a panic.
        assert_eq!(
            detect(&ole_with([0; 16])[..600]),
            Some("application/x-ole-storage")
        );
    }

    #[test]
    fn zip_flavours() {
        fn zip(name: &[u8]) -> Vec<u8> {
            let mut v = b"PK\x03\x04".to_vec();
            v.extend_from_slice(&[0; 22]);
            v.extend_from_slice(&u16::try_from(name.len()).unwrap_or(0).to_le_bytes());
            v.extend_from_slice(&[0, 0]);
            v.extend_from_slice(name);
            v.extend_from_slice(&[0; 64]);
            v
        }
        assert_eq!(
            detect(&zip(b"META-INF/MANIFEST.MF")),
            Some("application/java-archive")
        );
        assert_eq!(
            detect(&zip(b"AndroidManifest.xml")),
            Some("application/vnd.android.package-archive")
        );
        assert_eq!(detect(&zip(b"readme.txt")), Some("application/zip"));
        assert_eq!(
            detect(&zip(b"xl/workbook.xml")),
            Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        );
    }

    #[test]
    fn infer_fallback_and_text() {
        assert_eq!(detect(b"%PDF-1.7\n"), Some("application/pdf"));
        assert_eq!(detect(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Some("image/png"));
        assert_eq!(detect(b"BEGIN:VCALENDAR\r\n"), Some("text/calendar"));
        assert_eq!(detect(b"hello world"), Some("text/plain"));
        assert_eq!(detect(b"a,b,c\n1,2,3\n"), Some("text/csv"));
        assert_eq!(detect(b"a,b\nno comma\n"), Some("text/plain"));
        assert_eq!(
            detect(b"@ECHO OFF\r\ndel *.*\r\n"),
            Some("application/x-bat")
        );
        assert_eq!(detect(b"\x00\x01\x02binary"), None);
        assert_eq!(detect(b""), None);
    }

    #[test]
    fn executable_types() {
        for t in [
            "application/x-msdownload",
            "application/x-executable",
            "application/x-mach-binary",
            "text/x-shellscript",
            "application/x-ms-shortcut",
            "application/x-msi",
            "Application/X-MSDownload",
        ] {
            assert!(is_executable_type(t), "{t}");
        }
        for t in [
            "image/png",
            "application/pdf",
            "text/plain",
            "application/zip",
        ] {
            assert!(!is_executable_type(t), "{t}");
        }
    }
}
