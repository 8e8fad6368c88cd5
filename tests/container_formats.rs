//! Container formats beyond the classic ten, and the places a client
//! finds an archive that a plain reading misses: Zstandard and LZ4
//! streams (made by `zstd` and `lz4`) opened; every other archive format
//! a client opens but qmvc does not (made by `bsdtar` and `ar`, or byte by
//! byte where no Debian tool writes it) `unchecked`, whatever its name
//! and wherever it sits. A test whose tool is missing says so loudly and
//! skips (tools/install-test-deps installs them).

mod container_support;

use container_support::{Scratch, details, findings, have, verdict, with_attachment};
use qmvc::verdict::{Condition, Verdict};

/// A tar of `evil.js` (made by `tar`) in `s`, as `evil.tar`.
fn evil_tar(s: &Scratch) -> Vec<u8> {
    s.file("evil.js", b"WScript.Echo(1)");
    s.make("tar", &["cf", "evil.tar", "evil.js"], "evil.tar")
}

#[test]
fn zstd_and_lz4_streams_are_opened_whatever_their_name_and_inside_a_zip() {
    let test = "zstd_and_lz4_streams_are_opened_whatever_their_name_and_inside_a_zip";
    if !(have("zstd", test) && have("lz4", test) && have("tar", test) && have("zip", test)) {
        return;
    }
    let s = Scratch::new();
    evil_tar(&s);
    let zst = s.make(
        "zstd",
        &["-q", "evil.tar", "-o", "evil.tar.zst"],
        "evil.tar.zst",
    );
    let lz4 = s.make("lz4", &["-q", "evil.tar", "evil.tar.lz4"], "evil.tar.lz4");
    for (name, content, member) in [
        (
            "invoice.tar.zst",
            &zst,
            "invoice.tar.zst/invoice.tar/evil.js",
        ),
        ("invoice.tzst", &zst, "invoice.tzst/invoice.tar/evil.js"),
        ("invoice.pdf", &zst, "invoice.pdf/invoice.pdf.out/evil.js"),
        (
            "invoice.tar.lz4",
            &lz4,
            "invoice.tar.lz4/invoice.tar/evil.js",
        ),
        ("invoice.tgz", &lz4, "invoice.tgz/invoice.tgz.out/evil.js"),
    ] {
        let raw = with_attachment(name, content);
        let names = details(&findings(&raw), Condition::Filename);
        assert_eq!(names, vec![member.to_string()], "{name}");
    }
    // Several zstd frames, the second holding the tar: every frame read.
    s.file("empty", b"");
    let first = s.make("zstd", &["-q", "empty", "-o", "empty.zst"], "empty.zst");
    let raw = with_attachment("two.tzst", &[first, zst.clone()].concat());
    assert_eq!(
        details(&findings(&raw), Condition::Filename),
        vec!["two.tzst/two.tar/evil.js"]
    );
    // A 128 MiB window (--long=27 on a stream of unknown size), which
    // zstd -d takes.
    let long = s.make(
        "sh",
        &["-c", "zstd -q --long=27 -c < evil.tar > long.zst"],
        "long.zst",
    );
    let raw = with_attachment("long.tzst", &long);
    assert_eq!(
        details(&findings(&raw), Condition::Filename),
        vec!["long.tzst/long.tar/evil.js"]
    );
    // Inside a zip, as a member.
    s.file("backup.tar.zst", &zst);
    let zip = s.make("zip", &["-q", "docs.zip", "backup.tar.zst"], "docs.zip");
    let raw = with_attachment("docs.zip", &zip);
    assert_eq!(
        details(&findings(&raw), Condition::Filename),
        vec!["docs.zip/backup.tar.zst/backup.tar/evil.js"]
    );
    // An ordinary compressed text stays clean.
    s.file("notes.txt", b"meeting at ten\n");
    let clean = s.make(
        "zstd",
        &["-q", "notes.txt", "-o", "notes.txt.zst"],
        "notes.txt.zst",
    );
    assert_eq!(
        verdict(&with_attachment("notes.txt.zst", &clean)),
        Verdict::Clean
    );
}

/// Archives of formats qmvc does not open, each holding `evil.js` where
/// the format has members: `(format named in the finding, content)`.
/// Made by bsdtar where it writes the format, byte by byte after
/// the format's description otherwise (LHA, ARJ, WIM, SZDD: only their
/// headers matter here).
fn unopened_archives(s: &Scratch) -> Vec<(&'static str, Vec<u8>)> {
    evil_tar(s);
    let mut out = Vec::new();
    for (format, args, file) in [
        (
            "xar",
            &["-cf", "x.xar", "--format=xar", "evil.js"][..],
            "x.xar",
        ),
        ("lzip", &["-cf", "x.tlz", "--lzip", "evil.js"], "x.tlz"),
        ("compress (.Z)", &["-cf", "x.tZ", "-Z", "evil.js"], "x.tZ"),
    ] {
        out.push((format, s.make("bsdtar", args, file)));
    }
    // LHA level-0 header (method -lh0-, stored), then the content.
    let mut lha = vec![0u8, 0];
    lha.extend_from_slice(b"-lh0-");
    lha.extend_from_slice(&15u32.to_le_bytes());
    lha.extend_from_slice(&15u32.to_le_bytes());
    lha.extend_from_slice(&[0, 0, 0, 0, 0x20, 0]);
    lha.push(7);
    lha.extend_from_slice(b"evil.js");
    lha.extend_from_slice(&[0, 0]);
    lha[0] = (lha.len() - 2) as u8;
    lha.extend_from_slice(b"WScript.Echo(1)\0");
    out.push(("LHA/LZH", lha));
    // ARJ main header: magic, basic header size, then its fields, the
    // first being the size of their fixed part (30).
    let mut arj = vec![0x60, 0xEA, 40, 0, 30, 11, 1, 2];
    arj.extend_from_slice(&[0u8; 26]);
    arj.extend_from_slice(b"evil.arj\0\0");
    out.push(("ARJ", arj));
    let mut wim = b"MSWIM\0\0\0".to_vec();
    wim.extend_from_slice(&[0xD0, 0, 0, 0, 0, 0x0D, 1, 0]);
    wim.resize(208, 0);
    out.push(("WIM", wim));
    let mut szdd = b"SZDD\x88\xF0\x27\x33A".to_vec();
    szdd.extend_from_slice(&[b'e', 15, 0, 0, 0, 0xFF]);
    szdd.extend_from_slice(b"WScript.");
    out.push(("MS-DOS COMPRESS (SZDD/KWAJ)", szdd));
    // Disk images known by a 512-byte footer: UDIF (.dmg) and fixed VHD.
    for (format, magic) in [
        ("Apple disk image (UDIF)", &b"koly"[..]),
        ("VHD disk image", b"conectix"),
    ] {
        let mut image = vec![0x11u8; 300];
        image.extend_from_slice(magic);
        image.resize(300 + 512, 0);
        out.push((format, image));
    }
    out
}

#[test]
fn archive_formats_qmvc_does_not_open_are_unchecked_wherever_they_sit() {
    let test = "archive_formats_qmvc_does_not_open_are_unchecked_wherever_they_sit";
    if !(have("bsdtar", test) && have("tar", test) && have("gzip", test)) {
        return;
    }
    let s = Scratch::new();
    for (format, content) in unopened_archives(&s) {
        let reason = format!("{format}: an archive format qmvc does not open");
        // As the attachment, under its own kind of name and another.
        for name in ["invoice.bin", "invoice.pdf", "invoice.tar"] {
            let raw = with_attachment(name, &content);
            let found = findings(&raw);
            assert_eq!(
                details(&found, Condition::Unchecked),
                vec![format!("{name}: unreadable: {reason}")],
                "{format} as {name}"
            );
            assert_eq!(verdict(&raw), Verdict::Unchecked, "{format} as {name}");
        }
        // As a member of a gzipped tar.
        s.file("inner/x.dat", &content);
        let tgz = s.make(
            "tar",
            &["czf", "outer.tgz", "-C", "inner", "x.dat"],
            "outer.tgz",
        );
        let raw = with_attachment("outer.tgz", &tgz);
        assert_eq!(
            details(&findings(&raw), Condition::Unchecked),
            vec![format!("outer.tgz/outer.tar/x.dat: unreadable: {reason}")],
            "{format} in a tgz"
        );
    }
}

#[test]
fn a_large_disk_image_is_known_by_its_footer() {
    // Past the bytes looked at for a container's start: the footer is
    // read from the end of the attachment.
    let mut image = vec![0x11u8; 300 << 10];
    image.extend_from_slice(b"koly");
    image.resize((300 << 10) + 512, 0);
    let raw = with_attachment("photos.img", &image);
    assert_eq!(
        details(&findings(&raw), Condition::Unchecked),
        vec![
            "photos.img: unreadable: Apple disk image (UDIF): an archive format qmvc does not open"
        ]
    );
}

#[test]
fn a_format_the_admin_left_out_stays_closed() {
    let test = "a_format_the_admin_left_out_stays_closed";
    if !(have("zstd", test) && have("tar", test)) {
        return;
    }
    let s = Scratch::new();
    evil_tar(&s);
    let zst = s.make(
        "zstd",
        &["-q", "evil.tar", "-o", "evil.tar.zst"],
        "evil.tar.zst",
    );
    let raw = with_attachment("invoice.tzst", &zst);
    let settings = qmvc::container::Settings {
        formats: vec![qmvc::container::Format::Zip],
        ..Default::default()
    };
    let inside = container_support::inside_with(&raw, &settings);
    assert!(inside.members.is_empty(), "{:?}", inside.members);
    assert!(inside.unexamined.is_empty(), "{:?}", inside.unexamined);
}

/// `n` bytes of a stub: a JPEG's start, then bytes that never form a
/// signature.
fn stub(n: usize) -> Vec<u8> {
    let mut out = b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00".to_vec();
    let mut x = 12345u32;
    while out.len() < n {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        out.push((x >> 16) as u8);
    }
    out.truncate(n);
    out
}

#[test]
fn seven_zip_cab_and_tar_behind_a_stub_are_opened() {
    let test = "seven_zip_cab_and_tar_behind_a_stub_are_opened";
    if !(have("7zz", test) && have("gcab", test) && have("tar", test) && have("zip", test)) {
        return;
    }
    let s = Scratch::new();
    let tar = evil_tar(&s);
    let seven = s.make("7zz", &["a", "-bd", "-bso0", "x.7z", "evil.js"], "x.7z");
    let cab = s.make("gcab", &["-c", "x.cab", "evil.js"], "x.cab");
    for (format, archive) in [("7z", &seven), ("cab", &cab), ("tar", &tar)] {
        for size in [16, 70_000] {
            let polyglot = [stub(size), archive.clone()].concat();
            let raw = with_attachment("scan.jpg", &polyglot);
            assert_eq!(
                details(&findings(&raw), Condition::Filename),
                vec!["scan.jpg/evil.js"],
                "{format} behind {size} bytes"
            );
            // The same as a member of a zip.
            s.file("in/scan.jpg", &polyglot);
            let _ = std::fs::remove_file(s.path().join("outer.zip"));
            let zip = s.make("zip", &["-qj", "outer.zip", "in/scan.jpg"], "outer.zip");
            let raw = with_attachment("outer.zip", &zip);
            assert_eq!(
                details(&findings(&raw), Condition::Filename),
                vec!["outer.zip/scan.jpg/evil.js"],
                "{format} behind {size} bytes in a zip"
            );
        }
    }
    // Compressed streams behind a stub: 7-Zip opens them too.
    let tgz = s.make("tar", &["czf", "x.tgz", "evil.js"], "x.tgz");
    let tbz = s.make("tar", &["cjf", "x.tbz", "evil.js"], "x.tbz");
    let txz = s.make("tar", &["cJf", "x.txz", "evil.js"], "x.txz");
    for (format, archive, tar) in [
        ("gzip", &tgz, "scan.jpg.out"),
        ("bzip2", &tbz, "scan.jpg.out"),
        ("xz", &txz, "scan.jpg.out"),
    ] {
        let polyglot = [stub(5000), archive.clone()].concat();
        let raw = with_attachment("scan.jpg", &polyglot);
        assert_eq!(
            details(&findings(&raw), Condition::Filename),
            vec![format!("scan.jpg/{tar}/evil.js")],
            "{format} behind a stub"
        );
    }
    // A stub alone, and a signature without a valid header behind it:
    // nothing opened, clean.
    let fake = [
        stub(100),
        b"7z\xBC\xAF\x27\x1C\x00\x04junkjunkjunk".to_vec(),
        stub(100),
    ]
    .concat();
    let raw = with_attachment("photo.jpg", &fake);
    assert_eq!(verdict(&raw), Verdict::Clean, "{:?}", findings(&raw));
}

#[test]
fn legacy_lzma_with_any_properties_is_opened_and_garbage_is_not() {
    let test = "legacy_lzma_with_any_properties_is_opened_and_garbage_is_not";
    if !(have("xz", test) && have("tar", test)) {
        return;
    }
    let s = Scratch::new();
    evil_tar(&s);
    for (i, options) in [
        "--lzma1=lc=0,lp=0,pb=0",
        "--lzma1=dict=96KiB",
        "--lzma1=preset=0,dict=4KiB,lc=4,pb=0",
        "--lzma1=lc=1,lp=3,pb=4",
    ]
    .iter()
    .enumerate()
    {
        let out = format!("x{i}.lzma");
        let script = format!("xz --format=lzma {options} -c evil.tar > {out}");
        let lzma = s.make("sh", &["-c", &script], &out);
        assert_ne!(&lzma[..3], b"\x5D\x00\x00", "{options}");
        let raw = with_attachment("backup.tar.lzma", &lzma);
        assert_eq!(
            details(&findings(&raw), Condition::Filename),
            vec!["backup.tar.lzma/backup.tar/evil.js"],
            "{options}"
        );
    }
    // Bytes shaped like an lzma header that do not decode: not lzma, and
    // no finding.
    let mut fake = vec![0x00, 0x00, 0x10, 0x00, 0x00];
    fake.extend_from_slice(&u64::MAX.to_le_bytes());
    fake.push(0);
    fake.extend_from_slice(&[0xFF; 600]);
    let raw = with_attachment("data.bin", &fake);
    assert_eq!(verdict(&raw), Verdict::Clean, "{:?}", findings(&raw));
}

#[test]
fn saved_message_inside_an_archive_shows_its_attachments() {
    let test = "saved_message_inside_an_archive_shows_its_attachments";
    if !(have("zip", test) && have("tar", test) && have("gzip", test)) {
        return;
    }
    let s = Scratch::new();
    // A forwarded message carrying a PE and a zip holding evil.js.
    s.file("evil.js", b"WScript.Echo(1)");
    let inner = s.make("zip", &["-q", "inner.zip", "evil.js"], "inner.zip");
    let mut fwd = with_attachment("invoice.exe", &container_support::pe());
    let boundary = b"--b--\r\n";
    fwd.truncate(fwd.len() - boundary.len());
    fwd.extend_from_slice(
        format!(
            "--b\r\nContent-Type: application/zip; name=\"more.zip\"\r\n\
             Content-Transfer-Encoding: base64\r\n\r\n{}\r\n--b--\r\n",
            base64_lines(&inner)
        )
        .as_bytes(),
    );
    s.file("in/Fwd Invoice.eml", &fwd);
    let zip = s.make(
        "zip",
        &["-qj", "mail.zip", "in/Fwd Invoice.eml"],
        "mail.zip",
    );
    let raw = with_attachment("mail.zip", &zip);
    let found = findings(&raw);
    assert_eq!(
        details(&found, Condition::Filename),
        vec![
            "mail.zip/Fwd Invoice.eml/invoice.exe",
            "mail.zip/Fwd Invoice.eml/more.zip/evil.js"
        ],
        "{found:?}"
    );
    // Whatever the member's name, and in a tgz; an mbox From line first.
    let mbox = [
        &b"From bob@example.org Mon Mar  2 10:00:00 2026\n"[..],
        &fwd,
    ]
    .concat();
    s.file("t/notes.txt", &mbox);
    let tgz = s.make(
        "tar",
        &["czf", "mail.tgz", "-C", "t", "notes.txt"],
        "mail.tgz",
    );
    let raw = with_attachment("mail.tgz", &tgz);
    let names = details(&findings(&raw), Condition::Filename);
    assert!(
        names.contains(&"mail.tgz/mail.tar/notes.txt/invoice.exe".to_string()),
        "{names:?}"
    );
    // A plain message without MIME header fields, its attachment a
    // uuencoded block (Thunderbird and Outlook Express show it as one).
    s.file(
        "b/bare.eml",
        b"From: a@example.org\r\nTo: b@example.com\r\nSubject: fwd\r\n\r\nsee below\r\n\r\n\
          begin 644 invoice.exe\r\n#35H`\r\n`\r\nend\r\n",
    );
    let zip = s.make("zip", &["-qj", "bare.zip", "b/bare.eml"], "bare.zip");
    let raw = with_attachment("bare.zip", &zip);
    let names = details(&findings(&raw), Condition::Filename);
    assert!(
        names.contains(&"bare.zip/bare.eml/invoice.exe".to_string()),
        "{names:?}"
    );
    // The subject of a saved message is what its client shows on opening
    // it: the subject rules read it (here the default's ILOVEYOU, as an
    // encoded word).
    s.file(
        "l/love.eml",
        b"From: a@example.org\r\nSubject: =?utf-8?q?I=4COVEYOU?=\r\n\r\nkindly check\r\n",
    );
    let zip = s.make("zip", &["-qj", "love.zip", "l/love.eml"], "love.zip");
    let raw = with_attachment("love.zip", &zip);
    assert_eq!(
        details(&findings(&raw), Condition::Subject),
        vec!["love.zip/love.eml: ILOVEYOU"]
    );
    // A message with text only, and text that merely has colons: clean.
    s.file(
        "c/hello.eml",
        b"From: a@example.org\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nhello\r\n",
    );
    s.file(
        "c/notes.txt",
        b"Agenda: budget\r\nTime: ten\r\n\r\nsee you\r\n",
    );
    let zip = s.make(
        "zip",
        &["-qj", "clean.zip", "c/hello.eml", "c/notes.txt"],
        "clean.zip",
    );
    let raw = with_attachment("clean.zip", &zip);
    assert_eq!(verdict(&raw), Verdict::Clean, "{:?}", findings(&raw));
}

/// `data` in base64, in lines of 76 characters.
fn base64_lines(data: &[u8]) -> String {
    use base64::Engine as _;
    let encoded = base64::engine::general_purpose::STANDARD.encode(data);
    encoded
        .as_bytes()
        .chunks(76)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("\r\n")
}

#[test]
fn an_archive_inside_a_compound_file_is_left_to_its_readers() {
    let test = "an_archive_inside_a_compound_file_is_left_to_its_readers";
    if !have("7zz", test) {
        return;
    }
    // An OLE2 header, then a 7z archive further in: 7-Zip opens the file
    // as a compound file, not as the 7z; no stub search there.
    let s = Scratch::new();
    s.file("evil.js", b"WScript.Echo(1)");
    let seven = s.make("7zz", &["a", "-bd", "-bso0", "x.7z", "evil.js"], "x.7z");
    let mut doc = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
    doc.resize(4096, 0);
    doc.extend_from_slice(&seven);
    assert_eq!(qmvc::container::stub_start(&doc), None);
    assert_eq!(
        qmvc::container::sniff(&doc[8..]),
        Some(qmvc::container::Format::SevenZ)
    );
}

#[test]
fn cpio_and_ar_members_are_found_in_every_flavour() {
    let test = "cpio_and_ar_members_are_found_in_every_flavour";
    if !(have("bsdtar", test) && have("ar", test) && have("zip", test)) {
        return;
    }
    let s = Scratch::new();
    s.file("readme.txt", b"hello");
    s.file("evil.js", b"WScript.Echo(1)");
    s.file("a_very_long_member_name_evil.js", b"WScript.Echo(2)");
    s.file("run.exe", &container_support::pe());
    let files = ["readme.txt", "evil.js", "run.exe"];
    for format in ["newc", "odc", "bin", "arbsd", "argnu"] {
        let out = format!("x.{format}");
        let mut args = vec!["-cf", out.as_str(), "--format", format];
        args.extend(files);
        let archive = s.make("bsdtar", &args, &out);
        let raw = with_attachment("invoice.pdf", &archive);
        let found = findings(&raw);
        assert_eq!(
            details(&found, Condition::Filename),
            vec!["invoice.pdf/evil.js", "invoice.pdf/run.exe"],
            "{format}"
        );
        assert_eq!(
            details(&found, Condition::Mimetype).len(),
            1,
            "{format}: {found:?}"
        );
        assert!(details(&found, Condition::Unchecked).is_empty(), "{format}");
    }
    // GNU ar's long-name table, inside a zip.
    let a = s.make(
        "ar",
        &["rc", "x.a", "readme.txt", "a_very_long_member_name_evil.js"],
        "x.a",
    );
    s.file("in/lib.a", &a);
    let zip = s.make("zip", &["-qj", "x.zip", "in/lib.a"], "x.zip");
    let raw = with_attachment("x.zip", &zip);
    assert_eq!(
        details(&findings(&raw), Condition::Filename),
        vec!["x.zip/lib.a/a_very_long_member_name_evil.js"]
    );
    // A cpio of ordinary files stays clean.
    let clean = s.make(
        "bsdtar",
        &["-cf", "c.cpio", "--format", "newc", "readme.txt"],
        "c.cpio",
    );
    assert_eq!(verdict(&with_attachment("c.cpio", &clean)), Verdict::Clean);
}
