//! RAR 4 and RAR 5 archives. `rar` is non-free and not in Debian main, so
//! these archives are built here byte by byte after RARLAB's technote
//! (header CRCs included, so `unrar` lists them); real RAR 4 archives made
//! by WinRAR are in rspamd's messages (`container_corpus`).

mod container_support;

use container_support::{details, findings, pe, verdict, with_attachment};
use qmvc::container::{self, Budget, Format, Limits};
use qmvc::verdict::{Condition, Verdict};

/// CRC-32 (IEEE), as RAR uses it.
fn crc32(data: &[u8]) -> u32 {
    crc32fast::hash(data)
}

/// A RAR 4 block: CRC16, then `body` (type, flags, size filled in, rest).
fn block4(kind: u8, flags: u16, rest: &[u8]) -> Vec<u8> {
    let size = (7 + rest.len()) as u16;
    let mut h = vec![kind];
    h.extend_from_slice(&flags.to_le_bytes());
    h.extend_from_slice(&size.to_le_bytes());
    h.extend_from_slice(rest);
    let mut out = ((crc32(&h) & 0xFFFF) as u16).to_le_bytes().to_vec();
    out.extend(h);
    out
}

/// A RAR 4 archive of `(name, flags, content)` files stored (method 0x30).
fn rar4(main_flags: u16, files: &[(&[u8], u16, &[u8])]) -> Vec<u8> {
    rar4_method(main_flags, 0x30, files)
}

/// A RAR 4 archive of `(name, flags, packed content)` files, each
/// declared packed with `method` (0x30 stored, 0x31 to 0x35 compressed).
fn rar4_method(main_flags: u16, method: u8, files: &[(&[u8], u16, &[u8])]) -> Vec<u8> {
    let mut out = b"Rar!\x1A\x07\x00".to_vec();
    out.extend(block4(0x73, main_flags, &[0; 6]));
    for (name, flags, content) in files {
        let mut rest = Vec::new();
        rest.extend_from_slice(&(content.len() as u32).to_le_bytes());
        rest.extend_from_slice(&(content.len() as u32).to_le_bytes());
        rest.push(2); // Windows
        rest.extend_from_slice(&crc32(content).to_le_bytes());
        rest.extend_from_slice(&0u32.to_le_bytes());
        rest.push(29);
        rest.push(method);
        rest.extend_from_slice(&(name.len() as u16).to_le_bytes());
        rest.extend_from_slice(&0x20u32.to_le_bytes());
        rest.extend_from_slice(name);
        out.extend(block4(0x74, 0x8000 | flags, &rest));
        out.extend_from_slice(content);
    }
    out.extend(block4(0x7B, 0x4000, &[]));
    out
}

fn vint(mut v: u64) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let b = (v & 0x7F) as u8;
        v >>= 7;
        if v == 0 {
            out.push(b);
            return out;
        }
        out.push(b | 0x80);
    }
}

/// A RAR 5 block: CRC32, size, then `fields` (type, flags, ...).
fn block5(fields: &[u8]) -> Vec<u8> {
    let mut h = vint(fields.len() as u64);
    h.extend_from_slice(fields);
    let mut out = crc32(&h).to_le_bytes().to_vec();
    out.extend(h);
    out
}

/// A RAR 5 archive of `(name, encrypted, content)` files stored; with
/// `hidden`, an archive encryption header in front (names encrypted).
fn rar5(hidden: bool, files: &[(&[u8], bool, &[u8])]) -> Vec<u8> {
    rar5_method(hidden, 0, files)
}

/// [`rar5`] with every file declared packed with `method` (0 stored, 1
/// to 5 compressed; the compression information's bits 7 to 9).
fn rar5_method(hidden: bool, method: u64, files: &[(&[u8], bool, &[u8])]) -> Vec<u8> {
    let mut out = b"Rar!\x1A\x07\x01\x00".to_vec();
    if hidden {
        let mut f = vint(4);
        f.extend(vint(0));
        f.extend(vint(0)); // version
        f.extend(vint(0)); // flags
        f.push(15); // KDF count
        f.extend_from_slice(&[0x55; 16]); // salt
        out.extend(block5(&f));
        out.extend_from_slice(&[0xAA; 64]);
        return out;
    }
    out.extend(block5(&[1, 0, 0]));
    for (name, encrypted, content) in files {
        let mut extra = Vec::new();
        if *encrypted {
            let mut record = vint(1);
            record.extend(vint(0));
            record.extend(vint(0));
            record.push(15);
            record.extend_from_slice(&[0x11; 16]);
            record.extend_from_slice(&[0x22; 16]);
            extra = vint(record.len() as u64);
            extra.extend(record);
        }
        let mut f = vint(2);
        f.extend(vint(if extra.is_empty() { 2 } else { 3 }));
        if !extra.is_empty() {
            f.extend(vint(extra.len() as u64));
        }
        f.extend(vint(content.len() as u64));
        f.extend(vint(4)); // file flags: CRC present
        f.extend(vint(content.len() as u64));
        f.extend(vint(0x20));
        f.extend_from_slice(&crc32(content).to_le_bytes());
        f.extend(vint(method << 7));
        f.extend(vint(0)); // Windows
        f.extend(vint(name.len() as u64));
        f.extend_from_slice(name);
        f.extend(extra);
        out.extend(block5(&f));
        out.extend_from_slice(content);
    }
    out.extend(block5(&[5, 0, 0]));
    out
}

#[test]
fn rar4_member_names_types_and_encryption() {
    let exe = pe();
    let archive = rar4(
        0,
        &[
            (b"docs\\invoice.pdf.exe", 0, &exe),
            (b"readme.txt", 0, b"hello"),
        ],
    );
    let raw = with_attachment("invoice.rar", &archive);
    let found = findings(&raw);
    assert_eq!(
        details(&found, Condition::Filename),
        vec!["invoice.rar/docs/invoice.pdf.exe"]
    );
    assert_eq!(details(&found, Condition::Mimetype).len(), 1, "{found:?}");
    // An encrypted member (flag 0x04): unchecked, its name still counts.
    let archive = rar4(0, &[(b"Rechnung.js", 0x04, b"\x13\x37ciphertext")]);
    let raw = with_attachment("invoice.rar", &archive);
    let found = findings(&raw);
    assert_eq!(
        details(&found, Condition::Filename),
        vec!["invoice.rar/Rechnung.js"]
    );
    assert_eq!(verdict(&raw), Verdict::Unchecked, "{found:?}");
    // Encrypted headers (main header flag 0x80): nothing readable.
    let archive = rar4(0x0080, &[]);
    let raw = with_attachment("invoice.rar", &archive);
    let unchecked = details(&findings(&raw), Condition::Unchecked);
    assert!(
        unchecked.iter().any(|d| d.contains("encrypted headers")),
        "{unchecked:?}"
    );
}

#[test]
fn rar4_unicode_names_are_decoded() {
    // "Счёт.exe": the ASCII part is a fallback, the encoded part (high
    // byte 0x04, then 2-bit opcodes) is the real name.
    let mut name = b"????.exe\0".to_vec();
    name.push(0x04); // high byte
    name.push(0b0101_0101); // 4 x "low byte + high byte"
    name.extend_from_slice(&[0x21, 0x47, 0x51, 0x42]);
    name.push(0b1100_0000); // copy from the ASCII part
    name.push(0x02); // length - 2 = 2: four characters
    let archive = rar4(0x0000, &[(&name, 0x0200, b"MZ")]);
    let mut budget = Budget::new(&Limits::default());
    let listing = container::read(Format::Rar, &archive, &mut budget);
    let names: Vec<String> = listing
        .members
        .iter()
        .map(|m| String::from_utf8_lossy(&m.name).into_owned())
        .collect();
    assert_eq!(names, vec!["Счёт.exe"], "{listing:?}");
}

#[test]
fn rar5_member_names_types_and_encryption() {
    let exe = pe();
    let archive = rar5(
        false,
        &[
            ("Rechnung/Scan 2026.pdf".as_bytes(), false, &exe),
            (
                "Rechnung/Ausführung.js".as_bytes(),
                false,
                b"WScript.Echo(1)",
            ),
        ],
    );
    let raw = with_attachment("Rechnung.rar", &archive);
    let found = findings(&raw);
    assert_eq!(
        details(&found, Condition::Filename),
        vec!["Rechnung.rar/Rechnung/Ausführung.js"]
    );
    let types = details(&found, Condition::Mimetype);
    assert!(
        types
            .iter()
            .any(|t| t.starts_with("Rechnung.rar/Rechnung/Scan 2026.pdf:")),
        "{types:?}"
    );
    let archive = rar5(false, &[(b"payload.iso", true, &[0x99; 64])]);
    let raw = with_attachment("a.rar", &archive);
    let found = findings(&raw);
    assert_eq!(
        details(&found, Condition::Filename),
        vec!["a.rar/payload.iso"]
    );
    assert_eq!(verdict(&raw), Verdict::Unchecked, "{found:?}");
    let archive = rar5(true, &[]);
    let raw = with_attachment("a.rar", &archive);
    let unchecked = details(&findings(&raw), Condition::Unchecked);
    assert!(
        unchecked.iter().any(|d| d.contains("encrypted headers")),
        "{unchecked:?}"
    );
}

#[test]
fn damaged_and_truncated_rar_never_panics_and_is_unchecked() {
    let archive = rar5(false, &[(b"a.txt", false, b"hello")]);
    for cut in 8..archive.len() {
        let mut budget = Budget::new(&Limits::default());
        let _ = container::read(Format::Rar, &archive[..cut], &mut budget);
    }
    let mut broken = rar4(0, &[(b"a.txt", 0, b"x")]);
    // A block size below the minimum.
    broken[7 + 13 + 5] = 2;
    broken[7 + 13 + 6] = 0;
    let raw = with_attachment("a.rar", &broken);
    assert_eq!(verdict(&raw), Verdict::Unchecked, "{:?}", findings(&raw));
}

/// Writes the archives above to `$QMVC_RAR_SEEDS` as fuzzing seeds
/// (tools/fuzz-run); does nothing without it.
#[test]
fn write_seeds() {
    let Some(dir) = std::env::var_os("QMVC_RAR_SEEDS") else {
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    let exe = pe();
    let seeds = [
        (
            "rar4",
            rar4(0, &[(b"a\\b.exe", 0, &exe), (b"c.txt", 0x04, b"x")]),
        ),
        ("rar4-hidden", rar4(0x0080, &[])),
        (
            "rar5",
            rar5(false, &[(b"a/b.exe", false, &exe), (b"c.txt", true, b"x")]),
        ),
        ("rar5-hidden", rar5(true, &[])),
    ];
    for (name, bytes) in seeds {
        std::fs::write(dir.join(name), bytes).expect("write seed");
    }
}

#[test]
fn rar_behind_a_stub_is_opened_and_a_bare_signature_is_not() {
    let exe = pe();
    for archive in [
        rar4(0, &[(b"run.js", 0, b"WScript.Echo(1)")]),
        rar5(false, &[(b"run.js", false, b"WScript.Echo(1)")]),
    ] {
        // A self-extractor's stub holds the bare signature in its code.
        let mut sfx = exe.clone();
        sfx.extend_from_slice(b"Rar!\x1A\x07\x00 not an archive");
        sfx.resize(300 << 10, 0);
        sfx.extend_from_slice(&archive);
        let raw = with_attachment("setup.dat", &sfx);
        let found = findings(&raw);
        assert_eq!(
            details(&found, Condition::Filename),
            vec!["setup.dat/run.js"],
            "{found:?}"
        );
        assert!(
            details(&found, Condition::Unchecked).is_empty(),
            "{found:?}"
        );
    }
}

#[test]
fn compressed_rar_members_are_unchecked_and_their_names_still_count() {
    // The packed bytes are a zip, as they would be after decompression:
    // qmvc cannot decompress RAR, so it cannot see that.
    let zip = b"PK\x03\x04 a nested archive qmvc never sees";
    for (version, archive) in [
        (
            4,
            rar4_method(0, 0x33, &[(b"docs.zip", 0, zip), (b"run.js", 0, b"x")]),
        ),
        (
            5,
            rar5_method(
                false,
                3,
                &[(b"docs.zip", false, zip), (b"run.js", false, b"x")],
            ),
        ),
    ] {
        let raw = with_attachment("invoice.rar", &archive);
        let found = findings(&raw);
        assert_eq!(
            details(&found, Condition::Unchecked),
            vec![
                "invoice.rar: unreadable: rar member docs.zip: RAR compression not decoded, content not examined",
                "invoice.rar: unreadable: rar member run.js: RAR compression not decoded, content not examined",
            ],
            "rar{version}"
        );
        assert_eq!(
            details(&found, Condition::Filename),
            vec!["invoice.rar/run.js"],
            "rar{version}"
        );
        assert_eq!(verdict(&raw), Verdict::Unchecked, "rar{version}");
    }
    // Stored members are read, and stay clean when they are.
    let archive = rar4(0, &[(b"readme.txt", 0, b"hello")]);
    assert_eq!(
        verdict(&with_attachment("notes.rar", &archive)),
        Verdict::Clean
    );
}

/// A RAR 5 archive of one member `name` compressed with method 3 whose
/// header says its unpacked size is unknown (file flag 0x0008, size 0),
/// as a stream archived by WinRAR from standard input is.
fn rar5_unknown_size(name: &[u8], packed: &[u8]) -> Vec<u8> {
    let mut out = b"Rar!\x1A\x07\x01\x00".to_vec();
    out.extend(block5(&[1, 0, 0]));
    let mut f = vint(2);
    f.extend(vint(2)); // a data area follows
    f.extend(vint(packed.len() as u64));
    f.extend(vint(0x08)); // file flags: unpacked size unknown
    f.extend(vint(0));
    f.extend(vint(0x20));
    f.extend(vint(3 << 7));
    f.extend(vint(0));
    f.extend(vint(name.len() as u64));
    f.extend_from_slice(name);
    out.extend(block5(&f));
    out.extend_from_slice(packed);
    out.extend(block5(&[5, 0, 0]));
    out
}

#[test]
fn compressed_rar_member_of_unknown_or_zero_size_is_unchecked() {
    let zip = b"PK\x03\x04 a nested archive qmvc never sees";
    // RAR 4: the unpacked size field says 0, the packed data is there.
    let mut rar4 = rar4_method(0, 0x33, &[(b"photos.zip", 0, zip)]);
    let file = 7 + 13;
    rar4[file + 11..file + 15].copy_from_slice(&0u32.to_le_bytes());
    let size = usize::from(u16::from_le_bytes([rar4[file + 5], rar4[file + 6]]));
    let crc = (crc32(&rar4[file + 2..file + size]) & 0xFFFF) as u16;
    rar4[file..file + 2].copy_from_slice(&crc.to_le_bytes());
    for (version, archive) in [(4, rar4), (5, rar5_unknown_size(b"photos.zip", zip))] {
        let raw = with_attachment("photos.rar", &archive);
        assert_eq!(
            details(&findings(&raw), Condition::Unchecked),
            vec![
                "photos.rar: unreadable: rar member photos.zip: RAR compression not decoded, content not examined"
            ],
            "rar{version}"
        );
    }
    // A compressed member with no data at all is an empty file.
    let empty = rar5_method(false, 3, &[(b"empty.txt", false, b"")]);
    assert_eq!(
        verdict(&with_attachment("notes.rar", &empty)),
        Verdict::Clean
    );
}
