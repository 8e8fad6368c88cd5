//! The message model against real mail from `../shared/corpus`: decoded
//! filenames as peers (Exim, mail-parser, php-mime-mail-parser) decode
//! them, robustness over every message file, and magic detection against
//! rspamd's expectations for gargantua.eml.
//!
//! Skipped (ignored, with the reason) where the corpus is absent; the
//! project's test script runs them with `--include-ignored`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use qmvc::message::{self, Limits, Message, Part, is_executable_type};
use sha2::{Digest, Sha256};

fn corpus() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus"))
}

fn load(path: &Path) -> Message {
    let raw = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    message::parse(&raw, &Limits::default())
}

/// Rows of a CSV file as maps from column name to value.
fn rows(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let headers = reader.headers().cloned().unwrap_or_default();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            headers
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_owned(), v.to_owned()))
                .collect()
        })
        .collect()
}

fn col<'a>(row: &'a BTreeMap<String, String>, name: &str) -> &'a str {
    row.get(name).map_or("", String::as_str)
}

/// One expected filename and where it should be.
struct Case {
    source: String,
    expected: String,
    /// The parts it may belong to (the one the peer means, when the CSV
    /// says which).
    parts: Vec<Part>,
}

/// Parts of a message as the peer counts leaves: MIME parts, not the
/// uuencoded blocks and not the named message/rfc822 parts qmvc adds.
fn mime_leaves(m: &Message) -> Vec<&Part> {
    m.parts
        .iter()
        .filter(|p| p.origin == message::Origin::Mime && !p.declared_type.starts_with("message/"))
        .collect()
}

/// The parts that satisfy `pick`, or every part when none does (the
/// expected name may then be anywhere in the message).
fn parts_where(m: &Message, pick: impl Fn(&Part) -> bool) -> Vec<Part> {
    let picked: Vec<Part> = m.parts.iter().filter(|p| pick(p)).cloned().collect();
    if picked.is_empty() {
        m.parts.clone()
    } else {
        picked
    }
}

fn sha16(data: &[u8]) -> String {
    let digest = Sha256::digest(data);
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// Exim's expected.csv: `part_index` walks containers too
/// (`is_multipart` = 1); the n-th non-container row is our n-th leaf.
/// Exim writes undecodable raw 8-bit names as Latin-1 and notes the
/// bytes in brackets, which are not part of the name.
fn exim_cases(cases: &mut Vec<Case>) {
    let dir = corpus().join("peer-exim");
    let mut by_file: BTreeMap<String, Vec<BTreeMap<String, String>>> = BTreeMap::new();
    for row in rows(&dir.join("expected.csv")) {
        by_file
            .entry(col(&row, "file").to_owned())
            .or_default()
            .push(row);
    }
    for (file, rows) in by_file {
        let m = load(&dir.join(&file));
        let leaves = mime_leaves(&m);
        let mut leaf = 0;
        for row in rows {
            if col(&row, "part_index").is_empty() || col(&row, "is_multipart") == "1" {
                continue;
            }
            let n = leaf;
            leaf += 1;
            let name = col(&row, "filename");
            let name = name.split(" [raw bytes").next().unwrap_or(name).trim_end();
            if name.is_empty() {
                continue;
            }
            cases.push(Case {
                source: format!("peer-exim/{file} leaf {n}"),
                expected: name.to_owned(),
                parts: leaves.get(n).map(|p| (*p).clone()).into_iter().collect(),
            });
        }
    }
}

/// mail-parser's expected_attachments.csv: the part is the one whose
/// decoded content hashes to `decoded_sha256_16` (its own part index counts
/// containers and nested messages differently); both the disposition
/// `filename` and the Content-Type `name` must be among the names.
fn stalwart_cases(cases: &mut Vec<Case>) {
    let dir = corpus().join("parser-stalwart");
    for row in rows(&dir.join("expected_attachments.csv")) {
        let file = col(&row, "file");
        let m = load(&dir.join(file));
        let hash = col(&row, "decoded_sha256_16");
        let parts = parts_where(&m, |p| {
            !hash.is_empty()
                && (sha16(&p.body.bytes()) == hash
                    || p.text(usize::MAX)
                        .is_some_and(|(t, _)| sha16(t.as_bytes()) == hash))
        });
        for column in ["filename", "ctype_name"] {
            let name = col(&row, column);
            if name.is_empty() {
                continue;
            }
            cases.push(Case {
                source: format!(
                    "parser-stalwart/{file} part {} {column}",
                    col(&row, "part_index")
                ),
                expected: name.to_owned(),
                parts: parts.clone(),
            });
        }
    }
}

/// php-mime-mail-parser's expected_attachments.csv: the part is the one of
/// the expected decoded `size` (attachment order differs: it lists inline
/// parts after attachments).
fn php_cases(cases: &mut Vec<Case>) {
    let dir = corpus().join("parser-php-mime-mail-parser");
    for row in rows(&dir.join("expected_attachments.csv")) {
        let file = col(&row, "file");
        let name = col(&row, "filename");
        if name.is_empty() {
            continue;
        }
        let path = dir.join(file);
        if !path.exists() {
            // The corpus left out php-mime-mail-parser's largest mails.
            println!("  skip {file}: not in the corpus");
            continue;
        }
        let m = load(&path);
        let size: Option<usize> = col(&row, "size").parse().ok();
        let parts = parts_where(&m, |p| Some(p.body.len()) == size);
        cases.push(Case {
            source: format!(
                "parser-php-mime-mail-parser/{file} #{}",
                col(&row, "attachment_index")
            ),
            expected: name.to_owned(),
            parts,
        });
    }
}

/// Expected names that are a peer's quirk, not a name any client shows,
/// and why qmvc does not produce them.
const PEER_QUIRKS: &[(&str, &str)] = &[
    // parser-stalwart legacy/016, 023, 026 (5 cases): the names are raw
    // Latin-1 bytes (0xF6); mail-parser reads them as lossy UTF-8 and gets
    // U+FFFD. qmvc reads them as Windows-1252/Latin-1: "HasenundFrösche.txt",
    // which is what the sender's client wrote.
    (
        "HasenundFr\u{FFFD}sche.txt",
        "mail-parser's lossy UTF-8 of a Latin-1 name",
    ),
    // php-mime-mail-parser m0010, m0020: it makes up `noname1` for an
    // attachment without any name; the part has none.
    ("noname1", "php-mime-mail-parser's made-up name"),
];

/// How many cases the quirks above account for.
const QUIRK_CASES: usize = 7;

#[test]
#[ignore = "needs ../shared/corpus"]
fn corpus_filenames_match_the_peers() {
    let mut cases = Vec::new();
    exim_cases(&mut cases);
    stalwart_cases(&mut cases);
    php_cases(&mut cases);
    assert!(!cases.is_empty(), "no filename cases found");
    let mut misses = Vec::new();
    let mut quirks = 0;
    for case in &cases {
        let found = case.parts.iter().any(|p| p.names.contains(&case.expected));
        if found {
            continue;
        }
        let seen: Vec<&Vec<String>> = case.parts.iter().map(|p| &p.names).collect();
        let line = format!("{}: {:?} not in {:?}", case.source, case.expected, seen);
        match PEER_QUIRKS.iter().find(|(name, _)| *name == case.expected) {
            Some((_, why)) => {
                quirks += 1;
                println!("  quirk {line} ({why})");
            }
            None => misses.push(line),
        }
    }
    let matched = cases.len() - misses.len() - quirks;
    println!("filenames: {matched}/{} matched", cases.len());
    for miss in &misses {
        println!("  miss {miss}");
    }
    assert!(misses.is_empty(), "{} filename misses", misses.len());
    assert_eq!(quirks, QUIRK_CASES, "peer quirks changed");
    assert_eq!(matched + QUIRK_CASES, cases.len());
}

/// rspamd's extension for a type, as magic_expected.csv names it, and the
/// types qmvc may detect for it.
const MAGIC_TYPES: &[(&str, &[&str])] = &[
    ("zip", &["application/zip"]),
    ("rar", &["application/vnd.rar"]),
    (
        "exe",
        &["application/x-msdownload", "application/x-dosexec"],
    ),
    ("elf", &["application/x-executable"]),
    ("lnk", &["application/x-ms-shortcut"]),
    ("class", &["application/java-vm"]),
    ("rtf", &["application/rtf"]),
    ("pdf", &["application/pdf"]),
    ("ps", &["application/postscript"]),
    ("chm", &["application/vnd.ms-htmlhelp"]),
    ("djvu", &["image/vnd.djvu"]),
    ("arj", &["application/x-arj"]),
    ("cab", &["application/vnd.ms-cab-compressed"]),
    ("ace", &["application/x-ace-compressed"]),
    ("tar", &["application/x-tar"]),
    ("bz2", &["application/x-bzip2"]),
    ("xz", &["application/x-xz"]),
    ("lz4", &["application/x-lz4"]),
    ("zst", &["application/zstd"]),
    ("dmg", &["application/x-apple-diskimage"]),
    ("iso", &["application/x-iso9660-image"]),
    ("zoo", &["application/x-zoo"]),
    ("epub", &["application/epub+zip"]),
    ("xar", &["application/x-xar"]),
    ("psd", &["image/vnd.adobe.photoshop"]),
    ("pcx", &["image/x-pcx"]),
    ("tiff", &["image/tiff"]),
    ("ico", &["image/vnd.microsoft.icon"]),
    ("swf", &["application/x-shockwave-flash"]),
    ("doc", &["application/msword"]),
    ("xls", &["application/vnd.ms-excel"]),
    ("ppt", &["application/vnd.ms-powerpoint"]),
    ("msi", &["application/x-msi"]),
    ("msg", &["application/vnd.ms-outlook"]),
    (
        "docx",
        &["application/vnd.openxmlformats-officedocument.wordprocessingml.document"],
    ),
    (
        "xlsx",
        &["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"],
    ),
    (
        "pptx",
        &["application/vnd.openxmlformats-officedocument.presentationml.presentation"],
    ),
    ("odt", &["application/vnd.oasis.opendocument.text"]),
    ("ods", &["application/vnd.oasis.opendocument.spreadsheet"]),
    ("odp", &["application/vnd.oasis.opendocument.presentation"]),
    ("7z", &["application/x-7z-compressed"]),
    ("vsd", &["application/vnd.visio"]),
    ("png", &["image/png"]),
    ("jpg", &["image/jpeg"]),
    ("gif", &["image/gif"]),
    ("bmp", &["image/bmp"]),
    ("txt", &["text/plain"]),
    ("html", &["text/html"]),
    ("csv", &["text/csv"]),
    ("dwg", &["image/vnd.dwg"]),
    ("jar", &["application/java-archive"]),
    ("apk", &["application/vnd.android.package-archive"]),
    ("bat", &["application/x-bat"]),
    ("ics", &["text/calendar"]),
    ("vcf", &["text/vcard"]),
    ("heic", &["image/heif", "image/heic"]),
    ("svg", &["image/svg+xml"]),
];

/// rspamd's magic_expected.csv: `part_index_walk_order` counts the
/// multipart/mixed root as 1, so index N is qmvc's part `N - 1`.
#[test]
#[ignore = "needs ../shared/corpus"]
fn corpus_magic_matches_rspamd() {
    let dir = corpus().join("peer-rspamd");
    let expected = rows(&dir.join("magic_expected.csv"));
    assert!(!expected.is_empty(), "no magic cases found");
    let mut messages: BTreeMap<String, Message> = BTreeMap::new();
    let mut misses = Vec::new();
    for row in &expected {
        let file = col(row, "file");
        let m = messages
            .entry(file.to_owned())
            .or_insert_with(|| load(&dir.join(file)));
        let index: usize = col(row, "part_index_walk_order").parse().unwrap_or(0);
        let id = index.saturating_sub(1).to_string();
        let ext = col(row, "expected_detected_ext");
        let detected = m
            .parts
            .iter()
            .find(|p| p.id == id)
            .and_then(|p| p.detected_type);
        let allowed = MAGIC_TYPES
            .iter()
            .find(|(e, _)| *e == ext)
            .map_or(&[][..], |(_, t)| *t);
        if !detected.is_some_and(|d| allowed.contains(&d)) {
            misses.push(format!("{file} part {id}: {ext} detected as {detected:?}"));
        }
    }
    let matched = expected.len() - misses.len();
    println!("magic: {matched}/{} matched", expected.len());
    for miss in &misses {
        println!("  miss {miss}");
    }
    assert_eq!(misses.len(), 0, "magic misses");
    // What the rules rely on: executables are recognised as such.
    let m = messages
        .values()
        .next()
        .map(|m| m.parts.clone())
        .unwrap_or_default();
    let executables: Vec<&str> = m
        .iter()
        .filter(|p| p.detected_type.is_some_and(is_executable_type))
        .map(|p| p.id.as_str())
        .collect();
    println!("executables in gargantua: parts {executables:?}");
    for id in ["3", "4", "5", "6", "33", "51", "52", "53"] {
        assert!(executables.contains(&id), "part {id} not executable");
    }
}

/// Every file of the corpus that is a message (everything but the
/// expectations, licences, READMEs and upstream `_ref` sources) parses
/// without a panic, and every part's invariants hold.
#[test]
#[ignore = "needs ../shared/corpus"]
fn every_corpus_message_parses() {
    let mut files = 0;
    let mut parts = 0;
    let mut anomalous = 0;
    let mut bytes = 0;
    let started = std::time::Instant::now();
    for entry in walkdir::WalkDir::new(corpus())
        .into_iter()
        .filter_entry(|e| e.file_name() != "_ref")
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
    {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy();
        if name.ends_with(".csv") || name.ends_with(".md") || name.starts_with("LICENSE") {
            continue;
        }
        let m = load(path);
        files += 1;
        bytes += m.size;
        parts += m.parts.len();
        anomalous += usize::from(!m.anomalies.is_empty());
        for p in &m.parts {
            assert!(!p.id.is_empty(), "{}: part without id", path.display());
            assert!(!p.declared_type.is_empty() && p.declared_type.contains('/'));
            assert_eq!(
                p.text(usize::MAX).is_some(),
                p.declared_type.starts_with("text/"),
                "{} part {}",
                path.display(),
                p.id
            );
        }
    }
    println!(
        "parsed {files} files ({bytes} bytes) into {parts} parts in {:?}; {anomalous} with anomalies",
        started.elapsed()
    );
    assert!(files > 2000, "only {files} message files found");
}

/// ClamAV's test mails hide clam.exe behind boundary and header evasions;
/// every one must come out as an executable part of its own (544 bytes).
#[test]
#[ignore = "needs ../shared/corpus"]
fn corpus_clamav_evasions_expose_clam_exe() {
    let dir = corpus().join("peer-clamav");
    let expected = rows(&dir.join("expected.csv"));
    assert!(!expected.is_empty(), "no clamav cases found");
    let mut found = 0;
    for row in &expected {
        let file = col(row, "file");
        let m = load(&dir.join(file));
        let exe = m
            .parts
            .iter()
            .any(|p| p.body.len() == 544 && p.detected_type.is_some_and(is_executable_type));
        if exe {
            found += 1;
        } else {
            println!("  miss {file} ({})", col(row, "trick"));
        }
    }
    println!("clamav: {found}/{} expose clam.exe", expected.len());
    assert_eq!(found, expected.len());
}
