//! Entries a client extracts that a reader could pass over: every LZ4
//! frame of a stream, cpio and tar entries of any type that carry data,
//! ar members named from a table that comes after them and ar symbol
//! tables, ISO 9660 trees deeper than the walk goes, and saved messages
//! inside archives (their header read as leniently as the clients read
//! it, their parser's caps, one level past the depth limit). Each is
//! either read or `unchecked`, never clean. Archives are made by the real
//! tools (lz4, tar, bsdtar, ar, genisoimage, zip), hand-patched where no
//! tool writes the case. A test whose tool is missing says so loudly and
//! skips.

mod container_support;

use container_support::{Scratch, details, findings, have, pe, verdict, with_attachment};
use qmvc::verdict::{Condition, Verdict};

/// A tar of `evil.js` (made by `tar`) in `s`, as `evil.tar`.
fn evil_tar(s: &Scratch) -> Vec<u8> {
    s.file("evil.js", b"WScript.Echo(1)");
    s.make("tar", &["cf", "evil.tar", "evil.js"], "evil.tar")
}

#[test]
fn every_lz4_frame_is_read_and_trailing_bytes_are_unchecked() {
    let test = "every_lz4_frame_is_read_and_trailing_bytes_are_unchecked";
    if !(have("lz4", test) && have("tar", test)) {
        return;
    }
    let s = Scratch::new();
    let tar = evil_tar(&s);
    // The tar split after its first block: `cat a.lz4 b.lz4`, which
    // `lz4 -dc` decodes whole.
    s.file("part1", &tar[..512]);
    s.file("part2", &tar[512..]);
    s.file("empty", b"");
    let a = s.make("lz4", &["-q", "part1", "part1.lz4"], "part1.lz4");
    let b = s.make("lz4", &["-q", "part2", "part2.lz4"], "part2.lz4");
    let e = s.make("lz4", &["-q", "empty", "empty.lz4"], "empty.lz4");
    let skippable = [
        &0x184D_2A53u32.to_le_bytes()[..],
        &3u32.to_le_bytes(),
        b"abc",
    ]
    .concat();
    for (case, stream) in [
        ("two frames", [a.clone(), b.clone()].concat()),
        (
            "an empty frame first",
            [e.clone(), a.clone(), b.clone()].concat(),
        ),
        (
            "a skippable frame between",
            [a.clone(), skippable, b.clone()].concat(),
        ),
    ] {
        let raw = with_attachment("docs.tar.lz4", &stream);
        assert_eq!(
            details(&findings(&raw), Condition::Filename),
            vec!["docs.tar.lz4/docs.tar/evil.js"],
            "{case}"
        );
    }
    // Bytes after the last frame that are no frame: lz4 -dc fails on
    // them, and what they would hide is not examined.
    let whole = s.make("lz4", &["-q", "evil.tar", "evil.tar.lz4"], "evil.tar.lz4");
    s.file("readme.txt", b"hello");
    s.make("tar", &["cf", "clean.tar", "readme.txt"], "clean.tar");
    let clean = s.make(
        "lz4",
        &["-q", "clean.tar", "clean.tar.lz4"],
        "clean.tar.lz4",
    );
    assert_eq!(
        verdict(&with_attachment("c.tar.lz4", &clean)),
        Verdict::Clean
    );
    for junk in [&b"JUNKJUNKJUNKJUNK"[..], b"\0\0\0\0\0\0\0\0", b"xy"] {
        let raw = with_attachment("c.tar.lz4", &[clean.clone(), junk.to_vec()].concat());
        assert_eq!(verdict(&raw), Verdict::Unchecked, "{junk:?}");
    }
    let raw = with_attachment("x.tar.lz4", &[whole, b"JUNKJUNK".to_vec()].concat());
    assert_eq!(verdict(&raw), Verdict::Unchecked);
}

/// `archive` with the `newc` mode field of its first header set to
/// `mode` (octal), as a hand-patched header.
fn newc_mode(archive: &[u8], mode: u32) -> Vec<u8> {
    let mut out = archive.to_vec();
    out[14..22].copy_from_slice(format!("{mode:08X}").as_bytes());
    out
}

/// `archive` with the `odc` mode field of its first header set to `mode`.
fn odc_mode(archive: &[u8], mode: u32) -> Vec<u8> {
    let mut out = archive.to_vec();
    out[18..24].copy_from_slice(format!("{mode:06o}").as_bytes());
    out
}

#[test]
fn cpio_entries_of_any_type_with_data_are_files() {
    let test = "cpio_entries_of_any_type_with_data_are_files";
    if !have("bsdtar", test) {
        return;
    }
    let s = Scratch::new();
    s.file("invoice.exe", &pe());
    s.file("evil.js", b"WScript.Echo(1)");
    // Character and block devices, a socket, a FIFO, a directory, and
    // the types 03 and 07 no system has: 7-Zip and bsdtar extract the
    // data of each as a file.
    // A symbolic link's data, its target, is what 7-Zip on Windows
    // writes as the file's content.
    let kinds = [
        0o020_644, 0o060_644, 0o140_644, 0o010_644, 0o040_755, 0o030_644, 0o070_644, 0o120_777,
    ];
    for (format, patch) in [
        ("newc", newc_mode as fn(&[u8], u32) -> Vec<u8>),
        ("odc", odc_mode),
    ] {
        let out = format!("exe.{format}");
        let exe = s.make(
            "bsdtar",
            &["-cf", &out, "--format", format, "invoice.exe"],
            &out,
        );
        let out = format!("js.{format}");
        let js = s.make(
            "bsdtar",
            &["-cf", &out, "--format", format, "evil.js"],
            &out,
        );
        for mode in kinds {
            let raw = with_attachment("files.cpio", &patch(&exe, mode));
            let found = findings(&raw);
            assert_eq!(
                details(&found, Condition::Mimetype).len(),
                1,
                "{format} {mode:o}: {found:?}"
            );
            let raw = with_attachment("files.cpio", &patch(&js, mode));
            assert_eq!(
                details(&findings(&raw), Condition::Filename),
                vec!["files.cpio/evil.js"],
                "{format} {mode:o}"
            );
        }
    }
    // A directory and a device without data are no files.
    s.file("d/readme.txt", b"hello");
    let clean = s.make(
        "bsdtar",
        &["-cf", "c.cpio", "--format", "newc", "-C", "d", "."],
        "c.cpio",
    );
    assert_eq!(verdict(&with_attachment("c.cpio", &clean)), Verdict::Clean);
}

/// `tar` with the first header's type flag set to `kind` and its
/// checksum made again.
fn tar_type(tar: &[u8], kind: u8) -> Vec<u8> {
    let mut out = tar.to_vec();
    out[156] = kind;
    out[148..156].copy_from_slice(b"        ");
    let sum: u32 = out[..512].iter().map(|&b| u32::from(b)).sum();
    out[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
    out
}

#[test]
fn tar_entries_of_any_type_with_data_are_files() {
    let test = "tar_entries_of_any_type_with_data_are_files";
    if !have("tar", test) {
        return;
    }
    let s = Scratch::new();
    let js = evil_tar(&s);
    s.file("invoice.exe", &pe());
    let exe = s.make("tar", &["cf", "exe.tar", "invoice.exe"], "exe.tar");
    // Symbolic links, devices, FIFO, volume label, GNU's `N`,
    // directories: with data in their header, their data is read as a
    // file under the entry's name (7-Zip extracts it as one).
    for kind in [b'2', b'3', b'4', b'5', b'6', b'D', b'V', b'N'] {
        let case = kind as char;
        let raw = with_attachment("files.tar", &tar_type(&js, kind));
        assert_eq!(
            details(&findings(&raw), Condition::Filename),
            vec!["files.tar/evil.js"],
            "type {case}"
        );
        let raw = with_attachment("files.tar", &tar_type(&exe, kind));
        let found = findings(&raw);
        assert_eq!(
            details(&found, Condition::Mimetype).len(),
            1,
            "type {case}: {found:?}"
        );
    }
    // Directories as GNU tar writes them (no data) stay no files.
    s.file("d/sub/readme.txt", b"hello");
    let clean = s.make("tar", &["cf", "c.tar", "-C", "d", "sub"], "c.tar");
    assert_eq!(clean[156], b'5');
    assert_eq!(verdict(&with_attachment("c.tar", &clean)), Verdict::Clean);
}

/// The members of the ar archive `a` as (header, padded content).
fn ar_members(a: &[u8]) -> Vec<(Vec<u8>, Vec<u8>)> {
    let mut members = Vec::new();
    let mut at = 8;
    while at + 60 <= a.len() {
        let header = a[at..at + 60].to_vec();
        let size: usize = std::str::from_utf8(&header[48..58])
            .expect("size")
            .trim()
            .parse()
            .expect("size");
        let end = at + 60 + size + size % 2;
        members.push((header, a[at + 60..end].to_vec()));
        at = end;
    }
    members
}

#[test]
fn ar_long_name_table_after_the_member_and_symbol_tables_are_read() {
    let test = "ar_long_name_table_after_the_member_and_symbol_tables_are_read";
    if !have("ar", test) {
        return;
    }
    let s = Scratch::new();
    s.file("a_very_long_member_name_evil.js", b"WScript.Echo(1)");
    s.file("invoice.exe", &pe());
    let a = s.make(
        "ar",
        &["rc", "x.a", "a_very_long_member_name_evil.js"],
        "x.a",
    );
    // GNU ar writes the `//` table first; 7-Zip finds it after the
    // member too.
    let members = ar_members(&a);
    assert_eq!(&members[0].0[..2], b"//");
    let mut late = b"!<arch>\n".to_vec();
    for (header, content) in [&members[1], &members[0]] {
        late.extend_from_slice(header);
        late.extend_from_slice(content);
    }
    let raw = with_attachment("lib.a", &late);
    assert_eq!(
        details(&findings(&raw), Condition::Filename),
        vec!["lib.a/a_very_long_member_name_evil.js"]
    );
    // Two tables: the name in either counts.
    s.file("a_very_long_member_name_notes.txt", b"hello");
    let b = s.make(
        "ar",
        &["rc", "y.a", "a_very_long_member_name_notes.txt"],
        "y.a",
    );
    let other = ar_members(&b);
    for tables in [[&other[0], &members[0]], [&members[0], &other[0]]] {
        let mut two = b"!<arch>\n".to_vec();
        for (header, content) in [tables[0], &members[1], tables[1]] {
            two.extend_from_slice(header);
            two.extend_from_slice(content);
        }
        let raw = with_attachment("lib.a", &two);
        assert_eq!(
            details(&findings(&raw), Condition::Filename),
            vec!["lib.a/a_very_long_member_name_evil.js"]
        );
    }
    // A member named like a symbol table: 7-Zip extracts its content.
    let exe = s.make("ar", &["rc", "e.a", "invoice.exe"], "e.a");
    for name in [&b"/"[..], b"/SYM64/", b"__.SYMDEF", b"__.SYMDEF SORTED"] {
        let mut patched = exe.clone();
        let mut field = name.to_vec();
        field.resize(16, b' ');
        patched[8..24].copy_from_slice(&field);
        let raw = with_attachment("lib.a", &patched);
        let found = findings(&raw);
        assert_eq!(
            details(&found, Condition::Mimetype).len(),
            1,
            "{}: {found:?}",
            String::from_utf8_lossy(name)
        );
    }
}

#[test]
fn iso_tree_deeper_than_the_walk_or_cut_short_is_unchecked() {
    let test = "iso_tree_deeper_than_the_walk_or_cut_short_is_unchecked";
    if !have("genisoimage", test) {
        return;
    }
    let s = Scratch::new();
    let deep = (1..=35).map(|n| format!("d{n}")).collect::<Vec<_>>();
    s.file(
        &format!("cd/{}/evil.js", deep.join("/")),
        b"WScript.Echo(1)",
    );
    s.file(&format!("ok/{}/readme.txt", deep[..30].join("/")), b"hello");
    // -D: no relocation of deep directories, as ECMA-119 would want.
    let iso = s.make(
        "genisoimage",
        &["-quiet", "-D", "-R", "-o", "cd.iso", "cd"],
        "cd.iso",
    );
    let raw = with_attachment("disk.bin", &iso);
    assert_eq!(verdict(&raw), Verdict::Unchecked, "{:?}", findings(&raw));
    let iso = s.make(
        "genisoimage",
        &["-quiet", "-D", "-R", "-o", "ok.iso", "ok"],
        "ok.iso",
    );
    assert_eq!(verdict(&with_attachment("disk.bin", &iso)), Verdict::Clean);
    // An image cut inside a file's extent: the rest is not examined.
    s.file("big/notes.txt", &b"hello world\n".repeat(10_000));
    let iso = s.make(
        "genisoimage",
        &["-quiet", "-R", "-o", "big.iso", "big"],
        "big.iso",
    );
    assert_eq!(verdict(&with_attachment("disk.bin", &iso)), Verdict::Clean);
    let start = iso
        .windows(12)
        .position(|w| w == b"hello world\n")
        .expect("file data");
    let raw = with_attachment("disk.bin", &iso[..start + 50_000]);
    assert_eq!(verdict(&raw), Verdict::Unchecked, "{:?}", findings(&raw));
}

/// A saved message carrying `invoice.exe`, its header `header` (lines
/// ending in CRLF, the empty line not included).
fn fwd(header: &str) -> Vec<u8> {
    format!(
        "{header}\r\n--b1\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b1\r\n\
         Content-Type: application/octet-stream\r\n\
         Content-Disposition: attachment; filename=\"invoice.exe\"\r\n\r\nMZ\r\n--b1--\r\n"
    )
    .into_bytes()
}

#[test]
fn saved_message_header_is_read_as_the_clients_read_it() {
    let test = "saved_message_header_is_read_as_the_clients_read_it";
    if !have("zip", test) {
        return;
    }
    let s = Scratch::new();
    let ct = "Content-Type: multipart/mixed; boundary=\"b1\"\r\n";
    // 300 fields of 120 bytes: past 32 KiB, within the parser's cap on
    // fields.
    let padding = format!("X-Trace: {}\r\n", "0123456789".repeat(11)).repeat(300);
    for (case, header) in [
        ("one field", ct.to_string()),
        (
            "blanks before a colon",
            format!("From: a@b.c\r\nSubject : invoice\r\nMIME-Version: 1.0\r\n{ct}"),
        ),
        (
            "a junk line",
            format!("From: a@b.c\r\nhello\r\nMIME-Version: 1.0\r\n{ct}"),
        ),
        (
            "a header past 32 KiB",
            format!("{padding}MIME-Version: 1.0\r\n{ct}"),
        ),
    ] {
        s.file("m/fwd.eml", &fwd(&header));
        let zip = s.make("zip", &["-qjX", "mail.zip", "m/fwd.eml"], "mail.zip");
        std::fs::remove_file(s.path().join("mail.zip")).expect("rm");
        let raw = with_attachment("mail.zip", &zip);
        assert_eq!(
            details(&findings(&raw), Condition::Filename),
            vec!["mail.zip/fwd.eml/invoice.exe"],
            "{case}"
        );
    }
}

#[test]
fn saved_message_parser_caps_are_unchecked_inside_an_archive() {
    let test = "saved_message_parser_caps_are_unchecked_inside_an_archive";
    if !have("zip", test) {
        return;
    }
    let s = Scratch::new();
    let mut many =
        String::from("MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n");
    for _ in 0..1001 {
        many.push_str("--b1\r\nContent-Type: text/plain\r\n\r\nhi\r\n");
    }
    many.push_str("--b1--\r\n");
    // Nine Content-Type fields, each its own boundary: more readings
    // than the parser follows.
    let cts: String = (0..9)
        .map(|n| format!("Content-Type: multipart/mixed; boundary=\"z{n}\"\r\n"))
        .collect();
    for (case, message, limit) in [
        ("1001 parts", many.into_bytes(), "max_parts"),
        (
            "nine Content-Type fields",
            format!("From: a@b.c\r\nMIME-Version: 1.0\r\n{cts}\r\n--z0\r\n\r\nx\r\n--z0--\r\n")
                .into_bytes(),
            "boundary_readings",
        ),
    ] {
        s.file("m/fwd.eml", &message);
        let zip = s.make("zip", &["-qjX", "mail.zip", "m/fwd.eml"], "mail.zip");
        std::fs::remove_file(s.path().join("mail.zip")).expect("rm");
        let raw = with_attachment("mail.zip", &zip);
        let found = details(&findings(&raw), Condition::Unchecked);
        assert!(
            found
                .iter()
                .any(|d| d.starts_with("mail.zip/fwd.eml: saved message: limit")
                    && d.contains(limit)),
            "{case}: {found:?}"
        );
    }
}

#[test]
fn saved_message_past_the_depth_limit_is_unchecked() {
    let test = "saved_message_past_the_depth_limit_is_unchecked";
    if !have("zip", test) {
        return;
    }
    let s = Scratch::new();
    s.file(
        "fwd.eml",
        &fwd("MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n"),
    );
    // mail.zip holds l3.zip holds l2.zip ... holds fwd.eml: `levels`
    // archives around the message.
    let nest = |levels: usize| -> Vec<u8> {
        let mut inner = "fwd.eml".to_string();
        for level in 1..=levels {
            let out = format!("l{level}.zip");
            let _ = std::fs::remove_file(s.path().join(&out));
            s.make("zip", &["-qX", &out, &inner], &out);
            inner = out;
        }
        std::fs::read(s.path().join(inner)).expect("zip")
    };
    let raw = with_attachment("mail.zip", &nest(3));
    assert_eq!(
        details(&findings(&raw), Condition::Filename),
        vec!["mail.zip/l2.zip/l1.zip/fwd.eml/invoice.exe"]
    );
    let raw = with_attachment("mail.zip", &nest(4));
    let found = findings(&raw);
    assert_eq!(verdict(&raw), Verdict::Unchecked, "{found:?}");
    assert!(
        details(&found, Condition::Unchecked)
            .iter()
            .any(|d| d.contains("a saved message nested deeper than 4")),
        "{found:?}"
    );
}

#[test]
fn member_named_like_a_saved_message_is_opened_whatever_its_header() {
    let test = "member_named_like_a_saved_message_is_opened_whatever_its_header";
    if !have("zip", test) {
        return;
    }
    let s = Scratch::new();
    // No field a message must have: Thunderbird still opens a .eml as a
    // message and shows the uuencoded block of its body as an attachment.
    let bare = b"X-Note: forwarded\r\n\r\nsee below\r\n\r\n\
        begin 644 invoice.exe\r\n#35H`\r\n`\r\nend\r\n";
    s.file("m/fwd.eml", bare);
    s.file("t/notes.txt", bare);
    let zip = s.make("zip", &["-qjX", "mail.zip", "m/fwd.eml"], "mail.zip");
    let raw = with_attachment("mail.zip", &zip);
    assert_eq!(
        details(&findings(&raw), Condition::Filename),
        vec!["mail.zip/fwd.eml/invoice.exe"]
    );
    // The same text under another name is text.
    let zip = s.make("zip", &["-qjX", "text.zip", "t/notes.txt"], "text.zip");
    assert_eq!(verdict(&with_attachment("text.zip", &zip)), Verdict::Clean);
    // One too long to have been read whole cannot be opened: unchecked.
    let long = [&bare[..], &b"padding line\r\n".repeat(1000)].concat();
    s.file("l/long.eml", &long);
    let zip = s.make("zip", &["-qjX", "long.zip", "l/long.eml"], "long.zip");
    assert_eq!(
        verdict(&with_attachment("long.zip", &zip)),
        Verdict::Unchecked
    );
}
