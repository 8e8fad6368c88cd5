//! Archives made by the real Debian tools (zip, 7zip, tar, gzip, bzip2,
//! xz-utils, genisoimage, gcab) attached to a message and judged with the
//! default profile: every banned name, executable and encrypted archive
//! inside is stopped, with its path; ordinary archives stay clean. A test
//! whose tool is missing says so loudly and skips (tools/install-test-deps
//! installs them).

mod container_support;

use container_support::{Scratch, details, findings, have, paths, pe, verdict, with_attachment};
use qmvc::verdict::{Condition, Verdict};

#[test]
fn zip_member_with_a_banned_name_is_found_with_its_path() {
    if !have(
        "zip",
        "zip_member_with_a_banned_name_is_found_with_its_path",
    ) {
        return;
    }
    let s = Scratch::new();
    s.file("docs/Rechnung.js", b"WScript.Echo(1)");
    s.file("docs/readme.txt", b"hello");
    let zip = s.make("zip", &["-qr", "invoice.zip", "docs"], "invoice.zip");
    let raw = with_attachment("invoice.zip", &zip);
    let found = findings(&raw);
    let hits: Vec<_> = found
        .iter()
        .filter(|f| f.condition == Condition::Filename)
        .collect();
    assert_eq!(hits.len(), 1, "{found:?}");
    assert_eq!(hits[0].detail, "invoice.zip/docs/Rechnung.js");
    assert_eq!(hits[0].part.as_deref(), Some("2"));
    assert_eq!(verdict(&raw), Verdict::Badmail);
}

#[test]
fn executable_renamed_inside_a_zip_is_found_by_its_content() {
    if !have(
        "zip",
        "executable_renamed_inside_a_zip_is_found_by_its_content",
    ) {
        return;
    }
    let s = Scratch::new();
    s.file("scan.pdf", &pe());
    let zip = s.make("zip", &["-q", "scan.zip", "scan.pdf"], "scan.zip");
    let raw = with_attachment("scan.zip", &zip);
    let found = findings(&raw);
    let types = details(&found, Condition::Mimetype);
    assert_eq!(types.len(), 1, "{found:?}");
    assert!(
        types[0].starts_with("scan.zip/scan.pdf: application/x-msdownload"),
        "{types:?}"
    );
    assert_eq!(verdict(&raw), Verdict::Badmail);
}

#[test]
fn encrypted_zip_is_unchecked_and_its_names_still_count() {
    if !have(
        "zip",
        "encrypted_zip_is_unchecked_and_its_names_still_count",
    ) {
        return;
    }
    let s = Scratch::new();
    s.file("payload.exe", &pe());
    s.file("notes.txt", b"the password is 1234");
    let zip = s.make(
        "zip",
        &["-q", "-P", "1234", "locked.zip", "payload.exe", "notes.txt"],
        "locked.zip",
    );
    let raw = with_attachment("locked.zip", &zip);
    let found = findings(&raw);
    assert_eq!(
        details(&found, Condition::Filename),
        vec!["locked.zip/payload.exe"]
    );
    let unchecked = details(&found, Condition::Unchecked);
    assert_eq!(unchecked.len(), 2, "{found:?}");
    assert!(
        unchecked.iter().all(|d| d.contains("encrypted")),
        "{unchecked:?}"
    );
    assert_eq!(verdict(&raw), Verdict::Unchecked);
}

#[test]
fn seven_zip_members_and_encryption_are_found() {
    if !have("7zz", "seven_zip_members_and_encryption_are_found") {
        return;
    }
    let s = Scratch::new();
    s.file("in/order.lnk", b"L\0\0\0");
    s.file("in/list.txt", b"items");
    let plain = s.make("7zz", &["a", "-bd", "plain.7z", "in"], "plain.7z");
    let raw = with_attachment("order.7z", &plain);
    assert!(
        paths(&raw).contains(&"order.7z/in/order.lnk".to_string()),
        "{:?}",
        paths(&raw)
    );
    assert_eq!(
        details(&findings(&raw), Condition::Filename),
        vec!["order.7z/in/order.lnk"]
    );
    // Heads are decoded: an executable renamed is found by its content.
    s.file("exe/scan.pdf", &pe());
    s.file("exe/notes.txt", b"notes");
    let renamed = s.make("7zz", &["a", "-bd", "renamed.7z", "exe"], "renamed.7z");
    let raw = with_attachment("scan.7z", &renamed);
    let types = details(&findings(&raw), Condition::Mimetype);
    assert_eq!(types.len(), 1, "{types:?}");
    assert!(
        types[0].starts_with("scan.7z/exe/scan.pdf: application/x-msdownload"),
        "{types:?}"
    );
    // Encrypted data, readable names: the name still counts.
    let locked = s.make(
        "7zz",
        &["a", "-bd", "-pinfected", "locked.7z", "in"],
        "locked.7z",
    );
    let raw = with_attachment("order.7z", &locked);
    let found = findings(&raw);
    assert_eq!(
        details(&found, Condition::Filename),
        vec!["order.7z/in/order.lnk"]
    );
    assert!(
        !details(&found, Condition::Unchecked).is_empty(),
        "{found:?}"
    );
    // Encrypted names: nothing to read, unchecked.
    let hidden = s.make(
        "7zz",
        &["a", "-bd", "-pinfected", "-mhe=on", "hidden.7z", "in"],
        "hidden.7z",
    );
    let raw = with_attachment("order.7z", &hidden);
    assert_eq!(verdict(&raw), Verdict::Unchecked, "{:?}", findings(&raw));
}

#[test]
fn tar_gzip_bzip2_and_xz_members_are_found() {
    if !(have("tar", "tar_gzip_bzip2_and_xz_members_are_found")
        && have("xz", "tar_gzip_bzip2_and_xz_members_are_found")
        && have("bzip2", "tar_gzip_bzip2_and_xz_members_are_found"))
    {
        return;
    }
    let s = Scratch::new();
    s.file("pack/setup.scr", b"not really");
    s.file("pack/a.txt", b"text");
    let tgz = s.make("tar", &["czf", "pack.tgz", "pack"], "pack.tgz");
    let raw = with_attachment("pack.tgz", &tgz);
    assert_eq!(
        details(&findings(&raw), Condition::Filename),
        vec!["pack.tgz/pack.tar/pack/setup.scr"]
    );
    let txz = s.make("tar", &["cJf", "pack.tar.xz", "pack"], "pack.tar.xz");
    let raw = with_attachment("pack.tar.xz", &txz);
    assert_eq!(
        details(&findings(&raw), Condition::Filename),
        vec!["pack.tar.xz/pack.tar/pack/setup.scr"]
    );
    // gzip keeps the name in FNAME; bzip2 and xz do not: the member is
    // named after the container, as bunzip2 names it.
    s.file("tool.exe", &pe());
    let gz = s.make("gzip", &["-k", "tool.exe"], "tool.exe.gz");
    let raw = with_attachment("harmless.gz", &gz);
    assert_eq!(
        details(&findings(&raw), Condition::Filename),
        vec!["harmless.gz/tool.exe"]
    );
    let bz = s.make("bzip2", &["-k", "tool.exe"], "tool.exe.bz2");
    let raw = with_attachment("tool.exe.bz2", &bz);
    assert_eq!(
        details(&findings(&raw), Condition::Filename),
        vec!["tool.exe.bz2/tool.exe"]
    );
    let xz = s.make("xz", &["-k", "tool.exe"], "tool.exe.xz");
    let raw = with_attachment("data.xz", &xz);
    let found = findings(&raw);
    assert_eq!(details(&found, Condition::Mimetype).len(), 1, "{found:?}");
}

#[test]
fn iso_image_files_are_found_under_both_name_trees() {
    if !have(
        "genisoimage",
        "iso_image_files_are_found_under_both_name_trees",
    ) {
        return;
    }
    let s = Scratch::new();
    s.file("cd/docs/Rechnung_Dezember.js", b"WScript.Echo(1)");
    s.file("cd/readme.txt", b"hello");
    let iso = s.make(
        "genisoimage",
        &["-quiet", "-J", "-R", "-o", "cd.iso", "cd"],
        "cd.iso",
    );
    let raw = with_attachment("scan.img", &iso);
    let found = findings(&raw);
    let names = details(&found, Condition::Filename);
    assert!(
        names.contains(&"scan.img".to_string()),
        "the image's own name: {names:?}"
    );
    assert!(
        names.contains(&"scan.img/docs/Rechnung_Dezember.js".to_string()),
        "{names:?}"
    );
    // A UDF bridge image without Joliet or Rock Ridge: the same file
    // under its ISO 9660 level 1 name (8.3, upper case).
    let udf = s.make(
        "genisoimage",
        &["-quiet", "-udf", "-o", "udf.iso", "cd"],
        "udf.iso",
    );
    let raw = with_attachment("disc.bin", &udf);
    let names = details(&findings(&raw), Condition::Filename);
    assert!(
        names
            .iter()
            .any(|n| n.starts_with("disc.bin/DOCS/") && n.ends_with(".JS")),
        "{names:?}"
    );
}

#[test]
fn cab_members_are_found() {
    if !have("gcab", "cab_members_are_found") {
        return;
    }
    let s = Scratch::new();
    s.file("update.hta", b"<script>1</script>");
    let cab = s.make("gcab", &["-c", "-z", "pack.cab", "update.hta"], "pack.cab");
    let raw = with_attachment("pack.cab", &cab);
    // `.cab` itself is on the default list; the member is found as well.
    let names = details(&findings(&raw), Condition::Filename);
    assert!(
        names.contains(&"pack.cab/update.hta".to_string()),
        "{names:?}"
    );
}

#[test]
fn nested_archives_are_opened_to_the_depth_limit() {
    if !have("zip", "nested_archives_are_opened_to_the_depth_limit") {
        return;
    }
    let s = Scratch::new();
    s.file("run.bat", b"@echo off");
    s.make("zip", &["-q", "l3.zip", "run.bat"], "l3.zip");
    s.make("zip", &["-q", "l2.zip", "l3.zip"], "l2.zip");
    let outer = s.make("zip", &["-q", "l1.zip", "l2.zip"], "l1.zip");
    let raw = with_attachment("l1.zip", &outer);
    assert_eq!(
        details(&findings(&raw), Condition::Filename),
        vec!["l1.zip/l2.zip/l3.zip/run.bat"]
    );
    // Five levels: the fifth is beyond the default max_depth of 4.
    s.make("zip", &["-q", "l0.zip", "l1.zip"], "l0.zip");
    let deeper = s.make("zip", &["-q", "top.zip", "l0.zip"], "top.zip");
    let raw = with_attachment("top.zip", &deeper);
    let found = findings(&raw);
    let unchecked = details(&found, Condition::Unchecked);
    assert_eq!(unchecked.len(), 1, "{found:?}");
    assert!(unchecked[0].contains("max_depth"), "{unchecked:?}");
}

#[test]
fn zip_bomb_and_too_many_members_are_unchecked() {
    if !have("zip", "zip_bomb_and_too_many_members_are_unchecked") {
        return;
    }
    let s = Scratch::new();
    s.file("zeros.txt", &vec![0u8; 20 << 20]);
    let bomb = s.make("zip", &["-q", "bomb.zip", "zeros.txt"], "bomb.zip");
    let raw = with_attachment("bomb.zip", &bomb);
    let found = findings(&raw);
    let unchecked = details(&found, Condition::Unchecked);
    assert!(
        unchecked.iter().any(|d| d.contains("max_ratio")),
        "{found:?}"
    );
    for i in 0..1200 {
        s.file(&format!("many/f{i}.txt"), b"x");
    }
    let many = s.make("zip", &["-qr", "many.zip", "many"], "many.zip");
    let raw = with_attachment("many.zip", &many);
    let found = findings(&raw);
    assert!(
        details(&found, Condition::Unchecked)
            .iter()
            .any(|d| d.contains("max_members")),
        "{found:?}"
    );
}

#[test]
fn ordinary_archives_and_documents_stay_clean() {
    if !(have("zip", "ordinary_archives_and_documents_stay_clean")
        && have("tar", "ordinary_archives_and_documents_stay_clean"))
    {
        return;
    }
    let s = Scratch::new();
    s.file(
        "p/report.pdf",
        b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n",
    );
    s.file(
        "p/photo.png",
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0",
    );
    s.file("p/notes.txt", b"minutes of the meeting");
    let zip = s.make("zip", &["-qr", "p.zip", "p"], "p.zip");
    let tgz = s.make("tar", &["czf", "t.tar.gz", "p/notes.txt"], "t.tar.gz");
    // OOXML and ODF packages as Word, Excel and LibreOffice lay them out.
    let docx = package(
        &s,
        "docx",
        &[
            ("[Content_Types].xml", "<?xml version=\"1.0\"?><Types/>"),
            ("_rels/.rels", "<?xml version=\"1.0\"?><Relationships/>"),
            ("word/document.xml", "<?xml version=\"1.0\"?><w:document/>"),
            ("word/media/image1.png", "\u{89}PNG"),
        ],
    );
    let xlsx = package(
        &s,
        "xlsx",
        &[
            ("[Content_Types].xml", "<?xml version=\"1.0\"?><Types/>"),
            ("xl/workbook.xml", "<?xml version=\"1.0\"?><workbook/>"),
            (
                "xl/worksheets/sheet1.xml",
                "<?xml version=\"1.0\"?><worksheet/>",
            ),
        ],
    );
    let odt = package(
        &s,
        "odt",
        &[
            ("mimetype", "application/vnd.oasis.opendocument.text"),
            (
                "content.xml",
                "<?xml version=\"1.0\"?><office:document-content/>",
            ),
            (
                "META-INF/manifest.xml",
                "<?xml version=\"1.0\"?><manifest/>",
            ),
        ],
    );
    for (name, bytes) in [
        ("documents.zip", zip),
        ("notes.tar.gz", tgz),
        ("letter.docx", docx),
        ("figures.xlsx", xlsx),
        ("letter.odt", odt),
    ] {
        let raw = with_attachment(name, &bytes);
        assert!(!paths(&raw).is_empty(), "{name}: nothing listed");
        assert_eq!(
            verdict(&raw),
            Verdict::Clean,
            "{name}: {:?}",
            findings(&raw)
        );
    }
}

/// A package of `files` made by Debian's zip (stored `mimetype` first, as
/// ODF wants).
fn package(s: &Scratch, ext: &str, files: &[(&str, &str)]) -> Vec<u8> {
    let dir = format!("pkg-{ext}");
    let mut names = Vec::new();
    for (name, content) in files {
        s.file(&format!("{dir}/{name}"), content.as_bytes());
        names.push(*name);
    }
    let out = format!("../out.{ext}");
    let mut args = vec!["-qX", out.as_str()];
    args.extend(names);
    let status = std::process::Command::new("zip")
        .args(&args)
        .current_dir(s.path().join(&dir))
        .status()
        .expect("zip");
    assert!(status.success());
    std::fs::read(s.path().join(format!("out.{ext}"))).expect("package")
}

#[test]
fn v7_tar_without_the_ustar_magic_is_opened_plain_and_gzipped() {
    if !have(
        "tar",
        "v7_tar_without_the_ustar_magic_is_opened_plain_and_gzipped",
    ) {
        return;
    }
    let s = Scratch::new();
    s.file("run.js", b"WScript.Echo(1)");
    let tar = s.make(
        "tar",
        &["--format=v7", "-cf", "old.tar", "run.js"],
        "old.tar",
    );
    assert_ne!(&tar[257..262], b"ustar");
    let raw = with_attachment("photos.dat", &tar);
    assert_eq!(
        details(&findings(&raw), Condition::Filename),
        vec!["photos.dat/run.js"]
    );
    let tgz = s.make(
        "tar",
        &["--format=v7", "-czf", "old.tgz", "run.js"],
        "old.tgz",
    );
    let raw = with_attachment("old.tgz", &tgz);
    assert_eq!(
        details(&findings(&raw), Condition::Filename),
        vec!["old.tgz/old.tar/run.js"]
    );
    // Text that is no tar header stays what it is.
    let raw = with_attachment("notes.dat", &[b'a'; 2048]);
    assert!(paths(&raw).is_empty());
}

#[test]
fn gzip_member_is_named_by_fname_and_by_every_name_of_its_part_stripped() {
    if !have(
        "gzip",
        "gzip_member_is_named_by_fname_and_by_every_name_of_its_part_stripped",
    ) {
        return;
    }
    let s = Scratch::new();
    s.file("readme.txt", b"WScript.Echo(1)");
    let gz = s.make("gzip", &["-k", "readme.txt"], "readme.txt.gz");
    // gunzip without -N names it invoice.js, whatever FNAME says.
    let raw = with_attachment("invoice.js.gz", &gz);
    let names = details(&findings(&raw), Condition::Filename);
    assert_eq!(names, vec!["invoice.js.gz/invoice.js"], "{names:?}");
    assert!(paths(&raw).contains(&"invoice.js.gz/readme.txt".to_string()));
    // No FNAME, two names for the part: the second one counts too.
    let nameless = s.make("gzip", &["-n", "-kf", "readme.txt"], "readme.txt.gz");
    let raw = String::from_utf8(with_attachment("report.txt.gz", &nameless))
        .expect("ascii")
        .replacen(
            "octet-stream; name=\"report.txt.gz\"",
            "octet-stream; name=\"invoice.js.gz\"",
            1,
        );
    let names = details(&findings(raw.as_bytes()), Condition::Filename);
    assert_eq!(names, vec!["report.txt.gz/invoice.js"], "{names:?}");
}

#[test]
fn disc_images_are_found_inside_archives_and_at_every_block_size() {
    if !(have(
        "genisoimage",
        "disc_images_are_found_inside_archives_and_at_every_block_size",
    ) && have(
        "mkudffs",
        "disc_images_are_found_inside_archives_and_at_every_block_size",
    ) && have(
        "zip",
        "disc_images_are_found_inside_archives_and_at_every_block_size",
    )) {
        return;
    }
    let s = Scratch::new();
    s.file("cd/run.js", b"WScript.Echo(1)");
    s.make(
        "genisoimage",
        &["-quiet", "-J", "-R", "-o", "disk.dat", "cd"],
        "disk.dat",
    );
    let zip = s.make("zip", &["-q", "photos.zip", "disk.dat"], "photos.zip");
    let raw = with_attachment("photos.zip", &zip);
    assert_eq!(
        details(&findings(&raw), Condition::Filename),
        vec!["photos.zip/disk.dat/run.js"]
    );
    if have(
        "xz",
        "disc_images_are_found_inside_archives_and_at_every_block_size",
    ) {
        let xz = s.make("xz", &["-k", "disk.dat"], "disk.dat.xz");
        let raw = with_attachment("disk.dat.xz", &xz);
        assert_eq!(
            details(&findings(&raw), Condition::Filename),
            vec!["disk.dat.xz/disk.dat/run.js"]
        );
    }
    // A UDF-only image cannot be listed: unchecked at every block size.
    for size in ["512", "2048", "4096"] {
        let image = format!("udf{size}.img");
        let udf = s.make(
            "mkudffs",
            &[&format!("--blocksize={size}"), &image, "300"],
            &image,
        );
        let raw = with_attachment("photos.dat", &udf);
        let found = findings(&raw);
        assert_eq!(verdict(&raw), Verdict::Unchecked, "{size}: {found:?}");
    }
}

#[test]
fn zip_with_a_stub_in_front_is_opened() {
    if !have("zip", "zip_with_a_stub_in_front_is_opened") {
        return;
    }
    let s = Scratch::new();
    s.file("run.js", b"WScript.Echo(1)");
    let zip = s.make("zip", &["-q", "plain.zip", "run.js"], "plain.zip");
    let mut prefixed = vec![b'#'; 100];
    prefixed.extend_from_slice(&zip);
    // Offsets as they were (a stub glued in front) and fixed by zip -A
    // (a self-extractor).
    s.file("sfx.zip", &prefixed);
    let sfx = s.make("zip", &["-qA", "sfx.zip"], "sfx.zip");
    for archive in [prefixed, sfx] {
        let raw = with_attachment("setup.dat", &archive);
        assert_eq!(
            details(&findings(&raw), Condition::Filename),
            vec!["setup.dat/run.js"]
        );
    }
    // The same inside a tar, behind a stub longer than a head.
    let mut stubbed = vec![b'#'; 4096];
    stubbed.extend_from_slice(&zip);
    s.file("setup.dat", &stubbed);
    let tar = s.make("tar", &["cf", "a.tar", "setup.dat"], "a.tar");
    let raw = with_attachment("a.tar", &tar);
    assert_eq!(
        details(&findings(&raw), Condition::Filename),
        vec!["a.tar/setup.dat/run.js"]
    );
}

#[test]
fn iso_primary_name_counts_beside_a_different_rock_ridge_name() {
    if !have(
        "genisoimage",
        "iso_primary_name_counts_beside_a_different_rock_ridge_name",
    ) {
        return;
    }
    let s = Scratch::new();
    s.file("cd/evil.js", b"WScript.Echo(1)");
    let mut iso = s.make(
        "genisoimage",
        &["-quiet", "-R", "-o", "cd.iso", "cd"],
        "cd.iso",
    );
    // Rock Ridge says read.me; Windows, without Rock Ridge, shows EVIL.JS.
    let nm = b"NM\x0c\x01\x00evil.js";
    let at = iso
        .windows(nm.len())
        .position(|w| w == nm)
        .expect("Rock Ridge NM entry");
    iso[at + 5..at + 12].copy_from_slice(b"read.me");
    let raw = with_attachment("photos.dat", &iso);
    assert!(paths(&raw).contains(&"photos.dat/read.me".to_string()));
    assert_eq!(
        details(&findings(&raw), Condition::Filename),
        vec!["photos.dat/EVIL.JS"]
    );
}

/// The offset of the `n`th (from 0) occurrence of `needle` in `hay`.
fn nth(hay: &[u8], needle: &[u8], n: usize) -> usize {
    hay.windows(needle.len())
        .enumerate()
        .filter(|(_, w)| *w == needle)
        .nth(n)
        .map(|(i, _)| i)
        .expect("needle")
}

#[test]
fn damaged_zip_entry_is_unchecked_and_its_name_still_counts() {
    if !have(
        "zip",
        "damaged_zip_entry_is_unchecked_and_its_name_still_counts",
    ) {
        return;
    }
    let s = Scratch::new();
    s.file("a.txt", b"hello");
    s.file("evil.js", b"WScript.Echo(1)");
    let mut zip = s.make("zip", &["-q", "d.zip", "a.txt", "evil.js"], "d.zip");
    // The second local header's signature broken: 7-Zip still lists it.
    let second = nth(&zip, b"PK\x03\x04", 1);
    zip[second + 3] = 5;
    let raw = with_attachment("invoice.zip", &zip);
    let found = findings(&raw);
    assert_eq!(
        details(&found, Condition::Filename),
        vec!["invoice.zip/evil.js"]
    );
    let unchecked = details(&found, Condition::Unchecked);
    assert!(
        unchecked.iter().any(|d| d.contains("evil.js")),
        "{unchecked:?}"
    );
}

#[test]
fn every_reading_of_a_zip_counts() {
    if !(have("zip", "every_reading_of_a_zip_counts")
        && have("python3", "every_reading_of_a_zip_counts"))
    {
        return;
    }
    let s = Scratch::new();
    s.file("evil.js", b"WScript.Echo(1)");
    s.file("readme.txt", b"hello");
    let evil = s.make("zip", &["-q", "evil.zip", "evil.js"], "evil.zip");
    let benign = s.make("zip", &["-q", "benign.zip", "readme.txt"], "benign.zip");
    let expect = |archive: &[u8], case: &str| {
        let raw = with_attachment("invoice.zip", archive);
        let names = details(&findings(&raw), Condition::Filename);
        assert_eq!(names, vec!["invoice.zip/evil.js"], "{case}: {names:?}");
    };
    // Two archives one after the other: unzip shows the second, 7-Zip and
    // Java's ZipInputStream the first.
    expect(&[evil.clone(), benign.clone()].concat(), "concatenated");
    // A benign archive in the real one's comment, its end record last.
    let mut hidden = evil.clone();
    let eocd = hidden.len() - 22;
    hidden[eocd + 20..eocd + 22].copy_from_slice(&(benign.len() as u16).to_le_bytes());
    hidden.extend_from_slice(&benign);
    expect(&hidden, "fake end record in the comment");
    // The central directory says evil.tx, the local header evil.js.
    let mut differs = evil.clone();
    let central = nth(&differs, b"evil.js", 1);
    differs[central + 6] = b'x';
    expect(&differs, "local name differs from the central one");
    // Header name evil.js, Unicode Path extra field readme.txt (right CRC):
    // unzip and 7-Zip show readme.txt, Python and Java evil.js.
    let script = "import zipfile,zlib,struct\n\
        u=b'readme.txt'\n\
        zi=zipfile.ZipInfo('evil.js')\n\
        zi.extra=struct.pack('<HHBI',0x7075,5+len(u),1,zlib.crc32(b'evil.js'))+u\n\
        z=zipfile.ZipFile('u.zip','w');z.writestr(zi,'WScript.Echo(1)');z.close()\n";
    let unicode = s.make("python3", &["-c", script], "u.zip");
    let raw = with_attachment("invoice.zip", &unicode);
    assert!(
        paths(&raw).contains(&"invoice.zip/readme.txt".to_string()),
        "{:?}",
        paths(&raw)
    );
    expect(&unicode, "Unicode Path extra field");
}

#[test]
fn seven_zip_coders_are_decoded_or_named_as_unchecked() {
    if !(have("7zz", "seven_zip_coders_are_decoded_or_named_as_unchecked")
        && have("zip", "seven_zip_coders_are_decoded_or_named_as_unchecked"))
    {
        return;
    }
    let s = Scratch::new();
    s.file("readme.txt", &pe());
    s.file("docs/run.js", b"WScript.Echo(1)");
    s.make("zip", &["-qr", "docs.zip", "docs"], "docs.zip");
    // Decoded: an executable renamed is found by its content.
    for (i, methods) in [
        &["-m0=BZip2"][..],
        &["-m0=Deflate"],
        &["-m0=Delta:4", "-m1=LZMA2"],
    ]
    .iter()
    .enumerate()
    {
        let out = format!("m{i}.7z");
        let mut args = vec!["a", "-bd", "-bso0", out.as_str()];
        args.extend_from_slice(methods);
        args.push("readme.txt");
        let archive = s.make("7zz", &args, &out);
        let raw = with_attachment("a.7z", &archive);
        let types = details(&findings(&raw), Condition::Mimetype);
        assert!(
            types
                .first()
                .is_some_and(|t| t.starts_with("a.7z/readme.txt: application/x-msdownload")),
            "{methods:?}: {types:?}"
        );
    }
    // Delta undone: a zip under it is opened.
    let delta = s.make(
        "7zz",
        &[
            "a",
            "-bd",
            "-bso0",
            "d.7z",
            "-m0=Delta:4",
            "-m1=LZMA2",
            "docs.zip",
        ],
        "d.7z",
    );
    let raw = with_attachment("a.7z", &delta);
    assert_eq!(
        details(&findings(&raw), Condition::Filename),
        vec!["a.7z/docs.zip/docs/run.js"]
    );
    // Not decoded: unchecked, with the coder's name.
    let ppmd = s.make(
        "7zz",
        &["a", "-bd", "-bso0", "p.7z", "-m0=PPMd", "docs.zip"],
        "p.7z",
    );
    let raw = with_attachment("a.7z", &ppmd);
    let found = findings(&raw);
    assert_eq!(verdict(&raw), Verdict::Unchecked, "{found:?}");
    assert!(
        details(&found, Condition::Unchecked)
            .iter()
            .any(|d| d.contains("docs.zip") && d.contains("PPMd")),
        "{found:?}"
    );
    // A container under a branch filter left as it is: unchecked.
    let bcj = s.make(
        "7zz",
        &[
            "a",
            "-bd",
            "-bso0",
            "b.7z",
            "-m0=BCJ",
            "-m1=LZMA2",
            "docs.zip",
        ],
        "b.7z",
    );
    let raw = with_attachment("a.7z", &bcj);
    assert_eq!(verdict(&raw), Verdict::Unchecked, "{:?}", findings(&raw));
}

#[test]
fn cab_file_named_like_an_earlier_one_is_unchecked() {
    if !have("gcab", "cab_file_named_like_an_earlier_one_is_unchecked") {
        return;
    }
    let s = Scratch::new();
    s.file("a/docs.txt", b"hello");
    s.file("b/docs.txt", &pe());
    let mut cab = s.make(
        "gcab",
        &["-c", "-z", "d.cab", "a/docs.txt", "b/docs.txt"],
        "d.cab",
    );
    // Both named a\docs.txt: 7-Zip lists both and extracts the second.
    let second = nth(&cab, b"b\\docs.txt", 0);
    cab[second] = b'a';
    let raw = with_attachment("data.bin", &cab);
    let found = findings(&raw);
    assert_eq!(verdict(&raw), Verdict::Unchecked, "{found:?}");
    assert!(
        details(&found, Condition::Unchecked)
            .iter()
            .any(|d| d.contains("docs.txt: a second file")),
        "{found:?}"
    );
}

#[test]
fn zip_entry_with_content_under_a_directory_name_is_a_file() {
    if !have(
        "python3",
        "zip_entry_with_content_under_a_directory_name_is_a_file",
    ) {
        return;
    }
    let s = Scratch::new();
    let script = "import zipfile\n\
        z=zipfile.ZipFile('t.zip','w')\n\
        z.writestr(zipfile.ZipInfo('a\\\\evil.js\\\\'),'WScript.Echo(1)')\n\
        z.writestr(zipfile.ZipInfo('b/run.js/'),'WScript.Echo(1)')\n\
        z.writestr(zipfile.ZipInfo('empty/'),'')\n\
        z.close()\n";
    let zip = s.make("python3", &["-c", script], "t.zip");
    let raw = with_attachment("invoice.zip", &zip);
    assert_eq!(
        details(&findings(&raw), Condition::Filename),
        vec!["invoice.zip/a/evil.js/", "invoice.zip/b/run.js/"]
    );
}

#[test]
fn every_fname_of_a_multi_member_gzip_counts() {
    if !have("sh", "every_fname_of_a_multi_member_gzip_counts")
        || !have("gzip", "every_fname_of_a_multi_member_gzip_counts")
    {
        return;
    }
    let s = Scratch::new();
    s.file("evil.js", b"WScript.Echo(1)");
    s.file("readme.txt", b"hello");
    // gunzip -N and 7-Zip take the first member's name, evil.js.
    let gz = s.make(
        "sh",
        &["-c", "gzip -c evil.js > x.gz && gzip -c readme.txt >> x.gz"],
        "x.gz",
    );
    let raw = with_attachment("notes.gz", &gz);
    let names = details(&findings(&raw), Condition::Filename);
    assert_eq!(names, vec!["notes.gz/evil.js"], "{names:?}");
    // And the other way round: the last member's name counts too.
    let gz = s.make(
        "sh",
        &["-c", "gzip -c readme.txt > y.gz && gzip -c evil.js >> y.gz"],
        "y.gz",
    );
    let raw = with_attachment("notes.gz", &gz);
    let names = details(&findings(&raw), Condition::Filename);
    assert_eq!(names, vec!["notes.gz/evil.js"], "{names:?}");
}

/// One tar header block: `name`, `size` and type flag `kind`, with the
/// ustar magic (`gnu` for the GNU one) and a right checksum.
fn tar_header(name: &[u8], size: usize, kind: u8, gnu: bool) -> Vec<u8> {
    let mut h = vec![0u8; 512];
    h[..name.len()].copy_from_slice(name);
    h[100..108].copy_from_slice(b"0000644\0");
    h[108..116].copy_from_slice(b"0000000\0");
    h[116..124].copy_from_slice(b"0000000\0");
    h[124..136].copy_from_slice(format!("{size:011o}\0").as_bytes());
    h[136..148].copy_from_slice(b"00000000000\0");
    h[156] = kind;
    h[257..265].copy_from_slice(if gnu { b"ustar  \0" } else { b"ustar\x0000" });
    h[148..156].copy_from_slice(b"        ");
    let sum: u32 = h.iter().map(|&b| u32::from(b)).sum();
    h[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
    h
}

/// `data` padded to whole 512-byte blocks.
fn tar_blocks(data: &[u8]) -> Vec<u8> {
    let mut out = data.to_vec();
    out.resize(data.len().div_ceil(512) * 512, 0);
    out
}

#[test]
fn tar_pax_path_gnu_long_name_and_header_name_all_count() {
    let body = b"WScript.Echo(1)";
    let record = |path: &str| {
        let rest = format!(" path={path}\n");
        let mut n = rest.len() + 2;
        n = n.to_string().len() + rest.len();
        format!("{n}{rest}").into_bytes()
    };
    let pax = |path: &str| {
        let r = record(path);
        [
            tar_header(b"PaxHeaders/x", r.len(), b'x', false),
            tar_blocks(&r),
        ]
        .concat()
    };
    let long = |name: &str| {
        let l = format!("{name}\0").into_bytes();
        [
            tar_header(b"././@LongLink", l.len(), b'L', true),
            tar_blocks(&l),
        ]
        .concat()
    };
    let file = |name: &[u8]| [tar_header(name, body.len(), b'0', false), tar_blocks(body)].concat();
    let end = vec![0u8; 1024];
    let cases = [
        // GNU tar and 7-Zip take the pax path, the tar crate the long name.
        (
            "pax then long",
            [
                pax("evil.js"),
                long("readme.txt"),
                file(b"readme.txt"),
                end.clone(),
            ]
            .concat(),
        ),
        (
            "long then pax",
            [
                long("readme.txt"),
                pax("evil.js"),
                file(b"readme.txt"),
                end.clone(),
            ]
            .concat(),
        ),
        (
            "long name",
            [
                pax("readme.txt"),
                long("evil.js"),
                file(b"readme.txt"),
                end.clone(),
            ]
            .concat(),
        ),
        // Old readers ignore both extensions and take the header's name.
        (
            "header name",
            [
                pax("readme.txt"),
                long("readme.txt"),
                file(b"evil.js"),
                end.clone(),
            ]
            .concat(),
        ),
    ];
    for (case, tar) in cases {
        let raw = with_attachment("archive.tar", &tar);
        let names = details(&findings(&raw), Condition::Filename);
        assert_eq!(names, vec!["archive.tar/evil.js"], "{case}: {names:?}");
    }
}

#[test]
fn zip_behind_a_stub_inside_an_archive_is_opened_past_the_peek() {
    if !(have(
        "zip",
        "zip_behind_a_stub_inside_an_archive_is_opened_past_the_peek",
    ) && have(
        "sh",
        "zip_behind_a_stub_inside_an_archive_is_opened_past_the_peek",
    )) {
        return;
    }
    let s = Scratch::new();
    // 40 KB that deflate cannot shrink: the inner end record lies past
    // the first 32 KiB of the member.
    let mut noise = Vec::with_capacity(40_000);
    let mut x: u32 = 0x9E37_79B9;
    while noise.len() < 40_000 {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        noise.extend_from_slice(&x.to_le_bytes());
    }
    s.file("photo.jpg", &noise);
    s.file("evil.js", b"WScript.Echo(1)");
    let outer = s.make(
        "sh",
        &[
            "-c",
            "zip -q inner.zip photo.jpg evil.js && \
             printf 'sixteen byte stb' | cat - inner.zip > docs.zip && \
             zip -q outer.zip docs.zip",
        ],
        "outer.zip",
    );
    let raw = with_attachment("invoice.zip", &outer);
    let names = details(&findings(&raw), Condition::Filename);
    assert_eq!(names, vec!["invoice.zip/docs.zip/evil.js"], "{names:?}");
    // The same behind a gzip member.
    let gz = s.make(
        "sh",
        &["-c", "gzip -c docs.zip > docs.zip.gz"],
        "docs.zip.gz",
    );
    let raw = with_attachment("docs.zip.gz", &gz);
    let names = details(&findings(&raw), Condition::Filename);
    assert_eq!(names, vec!["docs.zip.gz/docs.zip/evil.js"], "{names:?}");
    // And behind bzip2 and xz.
    for (tool, ext) in [("bzip2", "bz2"), ("xz", "xz")] {
        if !have(
            tool,
            "zip_behind_a_stub_inside_an_archive_is_opened_past_the_peek",
        ) {
            continue;
        }
        let out = format!("docs.zip.{ext}");
        let packed = s.make("sh", &["-c", &format!("{tool} -c docs.zip > {out}")], &out);
        let raw = with_attachment(&out, &packed);
        let names = details(&findings(&raw), Condition::Filename);
        assert_eq!(names, vec![format!("{out}/docs.zip/evil.js")], "{names:?}");
    }
}

/// The CRC-32 of `data` (as zip headers carry it).
fn crc32(data: &[u8]) -> u32 {
    let mut crc = flate2::Crc::new();
    crc.update(data);
    crc.sum()
}

/// A zip local file header for `name` (APPNOTE.TXT 4.3.7).
fn zip_local(name: &[u8], flags: u16, method: u16, crc: u32, packed: u32, size: u32) -> Vec<u8> {
    let mut h = b"PK\x03\x04\x14\x00".to_vec();
    h.extend_from_slice(&flags.to_le_bytes());
    h.extend_from_slice(&method.to_le_bytes());
    h.extend_from_slice(&[0; 4]);
    h.extend_from_slice(&crc.to_le_bytes());
    h.extend_from_slice(&packed.to_le_bytes());
    h.extend_from_slice(&size.to_le_bytes());
    h.extend_from_slice(&(name.len() as u16).to_le_bytes());
    h.extend_from_slice(&[0; 2]);
    h.extend_from_slice(name);
    h
}

/// A zip central directory header for `name` whose local header is at
/// `offset` (APPNOTE.TXT 4.3.12).
fn zip_central(name: &[u8], method: u16, crc: u32, packed: u32, size: u32, offset: u32) -> Vec<u8> {
    let mut h = b"PK\x01\x02\x14\x00\x14\x00\x00\x00".to_vec();
    h.extend_from_slice(&method.to_le_bytes());
    h.extend_from_slice(&[0; 4]);
    h.extend_from_slice(&crc.to_le_bytes());
    h.extend_from_slice(&packed.to_le_bytes());
    h.extend_from_slice(&size.to_le_bytes());
    h.extend_from_slice(&(name.len() as u16).to_le_bytes());
    h.extend_from_slice(&[0; 12]);
    h.extend_from_slice(&offset.to_le_bytes());
    h.extend_from_slice(name);
    h
}

/// A zip end of central directory record.
fn zip_end_record(entries: u16, cd_size: u32, cd_offset: u32) -> Vec<u8> {
    let mut h = b"PK\x05\x06\x00\x00\x00\x00".to_vec();
    h.extend_from_slice(&entries.to_le_bytes());
    h.extend_from_slice(&entries.to_le_bytes());
    h.extend_from_slice(&cd_size.to_le_bytes());
    h.extend_from_slice(&cd_offset.to_le_bytes());
    h.extend_from_slice(&[0; 2]);
    h
}

#[test]
fn zip_method_the_local_header_gives_is_read_too() {
    if !have("zip", "zip_method_the_local_header_gives_is_read_too") {
        return;
    }
    let s = Scratch::new();
    s.file("readme.txt", &[pe(), vec![b'A'; 4000]].concat());
    let mut zip = s.make("zip", &["-q", "m.zip", "readme.txt"], "m.zip");
    // The central directory says stored; the local header (which 7-Zip,
    // unzip and Java follow) says deflate, as the data is.
    let central = nth(&zip, b"PK\x01\x02", 0);
    assert_eq!(zip[central + 10], 8, "deflated");
    zip[central + 10] = 0;
    let raw = with_attachment("invoice.zip", &zip);
    let types = details(&findings(&raw), Condition::Mimetype);
    assert!(
        types
            .iter()
            .any(|t| t.starts_with("invoice.zip/readme.txt: application/x-msdownload")),
        "{types:?}"
    );
}

#[test]
fn zip_local_walk_takes_the_local_headers_own_size() {
    // a.txt stored, 4800 bytes by its local header, 100 by the central
    // directory; evil.js after it is in no central directory.
    let body = vec![b'a'; 4800];
    let evil = b"WScript.Echo(1)";
    let first = zip_local(b"a.txt", 0, 0, crc32(&body), 4800, 4800);
    let second = zip_local(b"evil.js", 0, 0, crc32(evil), 15, 15);
    let locals = [first, body.clone(), second, evil.to_vec()].concat();
    let cd = zip_central(b"a.txt", 0, crc32(&body[..100]), 100, 100, 0);
    let end = zip_end_record(1, cd.len() as u32, locals.len() as u32);
    let zip = [locals, cd, end].concat();
    let raw = with_attachment("invoice.zip", &zip);
    let names = details(&findings(&raw), Condition::Filename);
    assert_eq!(names, vec!["invoice.zip/evil.js"], "{names:?}");
}

#[test]
fn zip_data_descriptor_entry_ends_where_its_deflate_stream_ends() {
    use std::io::Write;
    let notes = b"hello";
    // Deflate data (stored blocks) holding a data descriptor signature.
    let plain = b"text PK\x07\x08 and more text".repeat(3);
    let mut encoder = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::none());
    encoder.write_all(&plain).expect("deflate");
    let packed = encoder.finish().expect("deflate");
    let evil = b"WScript.Echo(1)";
    let mut zip = [
        zip_local(b"notes.txt", 0, 0, crc32(notes), 5, 5),
        notes.to_vec(),
    ]
    .concat();
    zip.extend(zip_local(b"readme.txt", 0x08, 8, 0, 0, 0));
    zip.extend_from_slice(&packed);
    zip.extend_from_slice(b"PK\x07\x08");
    for n in [crc32(&plain), packed.len() as u32, plain.len() as u32] {
        zip.extend_from_slice(&n.to_le_bytes());
    }
    zip.extend(zip_local(b"evil.js", 0, 0, crc32(evil), 15, 15));
    zip.extend_from_slice(evil);
    // The central directory knows notes.txt only.
    let cd = zip_central(b"notes.txt", 0, crc32(notes), 5, 5, 0);
    let end = zip_end_record(1, cd.len() as u32, zip.len() as u32);
    let zip = [zip, cd, end].concat();
    let raw = with_attachment("invoice.zip", &zip);
    let names = details(&findings(&raw), Condition::Filename);
    assert_eq!(names, vec!["invoice.zip/evil.js"], "{names:?}");
}

#[test]
fn zip_size_one_reading_claims_does_not_hide_another_readings_end_record() {
    if !have(
        "zip",
        "zip_size_one_reading_claims_does_not_hide_another_readings_end_record",
    ) {
        return;
    }
    let s = Scratch::new();
    s.file("x.txt", b"hello");
    s.file("evil.js", b"WScript.Echo(1)");
    let a = s.make("zip", &["-q0", "a.zip", "x.txt", "evil.js"], "a.zip");
    // A bare central directory after it whose one entry, x.txt at offset
    // 0, claims stored data running into A's end record.
    let data = 30 + 5;
    let packed = (a.len() - 22 + 4 - data) as u32;
    let cd = zip_central(b"x.txt", 0, crc32(b"hello"), packed, packed, 0);
    let end = zip_end_record(1, cd.len() as u32, a.len() as u32);
    let zip = [a, cd, end].concat();
    let raw = with_attachment("invoice.zip", &zip);
    let names = details(&findings(&raw), Condition::Filename);
    assert_eq!(names, vec!["invoice.zip/evil.js"], "{names:?}");
}

#[test]
fn zip64_end_record_directory_counts_beside_the_classic_one() {
    // Local readme.txt, a directory listing it; local evil.js behind that
    // directory (the local walk stops at it), a second directory listing
    // evil.js; a zip64 end record and locator pointing at the second, a
    // classic end record at the first with no all-ones field. unzip and
    // 7-Zip take the classic record, Python's zipfile and bsdtar the
    // zip64 one.
    let (readme, evil) = (&b"hello"[..], &b"WScript.Echo(1)"[..]);
    let mut zip = zip_local(b"readme.txt", 0, 0, crc32(readme), 5, 5);
    zip.extend_from_slice(readme);
    let cd1_at = zip.len();
    let cd1 = zip_central(b"readme.txt", 0, crc32(readme), 5, 5, 0);
    zip.extend_from_slice(&cd1);
    let evil_at = zip.len();
    zip.extend(zip_local(b"evil.js", 0, 0, crc32(evil), 15, 15));
    zip.extend_from_slice(evil);
    let cd2_at = zip.len();
    let cd2 = zip_central(b"evil.js", 0, crc32(evil), 15, 15, evil_at as u32);
    zip.extend_from_slice(&cd2);
    let z64_at = zip.len();
    zip.extend_from_slice(b"PK\x06\x06");
    zip.extend_from_slice(&44u64.to_le_bytes());
    zip.extend_from_slice(&[45, 0, 45, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    zip.extend_from_slice(&1u64.to_le_bytes());
    zip.extend_from_slice(&1u64.to_le_bytes());
    zip.extend_from_slice(&(cd2.len() as u64).to_le_bytes());
    zip.extend_from_slice(&(cd2_at as u64).to_le_bytes());
    zip.extend_from_slice(b"PK\x06\x07\x00\x00\x00\x00");
    zip.extend_from_slice(&(z64_at as u64).to_le_bytes());
    zip.extend_from_slice(&1u32.to_le_bytes());
    zip.extend(zip_end_record(1, cd1.len() as u32, cd1_at as u32));
    let raw = with_attachment("docs.zip", &zip);
    let names = details(&findings(&raw), Condition::Filename);
    assert_eq!(names, vec!["docs.zip/evil.js"], "{names:?}");
}

#[test]
fn tar_entries_every_reader_extracts_count_under_every_name() {
    let body = b"WScript.Echo(1)";
    let record = |key: &str, value: &str| {
        let rest = format!(" {key}={value}\n");
        let mut n = rest.len() + 2;
        n = n.to_string().len() + rest.len();
        format!("{n}{rest}").into_bytes()
    };
    let extended = |kind: u8, key: &str, value: &str| {
        let r = record(key, value);
        [
            tar_header(b"PaxHeaders/x", r.len(), kind, false),
            tar_blocks(&r),
        ]
        .concat()
    };
    let file = |name: &[u8], kind: u8| {
        [tar_header(name, body.len(), kind, false), tar_blocks(body)].concat()
    };
    let end = vec![0u8; 1024];
    let mut cases = vec![
        // GNU tar names a sparse file by GNU.sparse.name.
        (
            "GNU.sparse.name".to_string(),
            [
                extended(b'x', "GNU.sparse.name", "evil.js"),
                file(b"readme.txt", b'0'),
            ]
            .concat(),
        ),
        // Solaris tar's extended header, as GNU tar and 7-Zip read it.
        (
            "Solaris X".to_string(),
            [extended(b'X', "path", "evil.js"), file(b"readme.txt", b'0')].concat(),
        ),
        // A global header's path: GNU tar and Python apply it.
        (
            "global pax".to_string(),
            [extended(b'g', "path", "evil.js"), file(b"readme.txt", b'0')].concat(),
        ),
    ];
    // Type flags nobody defines: GNU tar, bsdtar and 7-Zip extract them
    // as regular files.
    for kind in [b'8', b'9', b'A', b'Q', b'Z'] {
        cases.push((format!("type {}", kind as char), file(b"evil.js", kind)));
    }
    // A symbolic link's own name.
    let mut symlink = tar_header(b"evil.js", 0, b'2', false);
    symlink[157..167].copy_from_slice(b"readme.txt");
    symlink[148..156].copy_from_slice(b"        ");
    let sum: u32 = symlink.iter().map(|&b| u32::from(b)).sum();
    symlink[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
    cases.push((
        "symlink".to_string(),
        [file(b"readme.txt", b'0'), symlink].concat(),
    ));
    for (case, tar) in cases {
        let raw = with_attachment("backup.tar", &[tar, end.clone()].concat());
        let names = details(&findings(&raw), Condition::Filename);
        assert_eq!(names, vec!["backup.tar/evil.js"], "{case}: {names:?}");
    }
}

#[test]
fn tar_hard_link_is_a_file_with_its_targets_content() {
    if !have("tar", "tar_hard_link_is_a_file_with_its_targets_content") {
        return;
    }
    // GNU tar stores the second name of a file as a hard link entry; it
    // extracts as a file of that name with the first one's content.
    let s = Scratch::new();
    s.file("d/readme.txt", &pe());
    std::fs::hard_link(s.path().join("d/readme.txt"), s.path().join("d/notes.txt"))
        .expect("hard link");
    let tar = s.make(
        "tar",
        &["cf", "x.tar", "-C", "d", "readme.txt", "notes.txt"],
        "x.tar",
    );
    assert_eq!(tar[512 * 2 + 156], b'1', "the second entry is a hard link");
    let raw = with_attachment("backup.tar", &tar);
    let types = details(&findings(&raw), Condition::Mimetype);
    assert_eq!(types.len(), 2, "{types:?}");
    assert!(
        types[1].starts_with("backup.tar/notes.txt: application/x-msdownload"),
        "{types:?}"
    );
}
