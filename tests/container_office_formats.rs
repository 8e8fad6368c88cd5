//! Office documents beyond OLE2 and ZIP, built here byte by byte as their
//! specifications lay them out (and as Word writes them): OLE objects in
//! RTF ([MS-OLEDS] §2.2.4 inside `\objdata`), with the VBA project of a
//! real Excel file (tests/data/office/vbaProject.bin) where a macro is
//! needed; and the same documents as attachments of a message, through
//! the rules.

use std::path::Path;

use qmvc::container::office::{MacroKind, OfficeLimits, Unreadable, macros, packaged_files};
use qmvc::verdict::Condition;

mod container_support;
mod office_support;
use office_support::{compound, streams};

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/office")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn kind_of(bytes: &[u8]) -> Result<Option<(MacroKind, String)>, Unreadable> {
    macros(bytes, &OfficeLimits::default()).map(|m| m.map(|m| (m.kind, m.location)))
}

/// A Word 97 document whose `Macros` storage holds Excel's real VBA
/// project.
fn word_with_macros() -> Vec<u8> {
    let mut all: Vec<(String, Vec<u8>)> = vec![("WordDocument".into(), vec![0u8; 64])];
    all.extend(
        streams(&fixture("vbaProject.bin"))
            .into_iter()
            .map(|(p, c)| (format!("Macros/{p}"), c)),
    );
    compound(&all)
}

/// A length-prefixed ANSI string ([MS-OLEDS] §2.1.4): length with the NUL.
fn lpas(s: &str) -> Vec<u8> {
    let mut out = u32::try_from(s.len() + 1)
        .expect("len")
        .to_le_bytes()
        .to_vec();
    out.extend_from_slice(s.as_bytes());
    out.push(0);
    out
}

/// An embedded OLE1 object ([MS-OLEDS] §2.2.4): version 0x0501, format 2,
/// class, empty topic and item, native data.
fn ole1(class: &str, native: &[u8]) -> Vec<u8> {
    let mut o = 0x0501u32.to_le_bytes().to_vec();
    o.extend_from_slice(&2u32.to_le_bytes());
    o.extend(lpas(class));
    o.extend(lpas(""));
    o.extend(lpas(""));
    o.extend_from_slice(&u32::try_from(native.len()).expect("len").to_le_bytes());
    o.extend_from_slice(native);
    o
}

/// The native data of a `Package` object: the Packager layout without the
/// stream's size (type, label, source path, reserved, temporary path,
/// file).
fn packager(label: &str, file: &[u8]) -> Vec<u8> {
    let temp = format!("C:\\Users\\a\\AppData\\Local\\Temp\\{label}\0");
    let mut body = 2u16.to_le_bytes().to_vec();
    body.extend_from_slice(format!("{label}\0C:\\Users\\a\\Desktop\\{label}\0").as_bytes());
    body.extend_from_slice(&0x0003_0000u32.to_le_bytes());
    body.extend_from_slice(&u32::try_from(temp.len()).expect("len").to_le_bytes());
    body.extend_from_slice(temp.as_bytes());
    body.extend_from_slice(&u32::try_from(file.len()).expect("len").to_le_bytes());
    body.extend_from_slice(file);
    body
}

/// Lower-case hex in lines of 128 digits, as Word writes `\objdata`.
fn hex(data: &[u8]) -> String {
    let digits: String = data.iter().map(|b| format!("{b:02x}")).collect();
    digits
        .as_bytes()
        .chunks(128)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("\r\n")
}

/// An RTF document as Word saves one with an embedded object.
fn rtf(class: &str, objdata: &str) -> Vec<u8> {
    format!(
        "{{\\rtf1\\ansi\\ansicpg1252\\deff0{{\\fonttbl{{\\f0 Calibri;}}}}\r\n\\pard Invoice attached.\\par\r\n\
         {{\\object\\objemb{{\\*\\objclass {class}}}\\objw1440\\objh1440{{\\*\\objdata \r\n{objdata}\r\n}}\
         {{\\result{{\\pict\\wmetafile8 0100}}}}}}\\par\r\n}}\r\n"
    )
    .into_bytes()
}

const SCRIPT: &[u8] = b"WScript.Echo('x');\r\n";

#[test]
fn an_rtf_package_object_is_listed_as_a_member() {
    let doc = rtf(
        "Package",
        &hex(&ole1("Package", &packager("invoice.js", SCRIPT))),
    );
    let files = packaged_files(&doc, &OfficeLimits::default());
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].names, ["invoice.js"]);
    assert_eq!(files[0].location, "RTF object 1");
    assert_eq!(files[0].data, SCRIPT);
    assert_eq!(kind_of(&doc), Ok(None));

    // Through the rules: the packaged script is a member of the attachment
    // and its name meets the filename rules.
    let raw = container_support::with_attachment("Rechnung.doc", &doc);
    let paths = container_support::paths(&raw);
    assert!(
        paths.contains(&"Rechnung.doc/RTF object 1/invoice.js".to_owned()),
        "{paths:?}"
    );
    let found = container_support::findings(&raw);
    let names = container_support::details(&found, Condition::Filename);
    assert!(
        names.iter().any(|d| d.contains("RTF object 1/invoice.js")),
        "{found:?}"
    );
}

#[test]
fn an_rtf_embedded_word_document_with_macros() {
    let doc = rtf(
        "Word.Document.8",
        &hex(&ole1("Word.Document.8", &word_with_macros())),
    );
    assert_eq!(
        kind_of(&doc),
        Ok(Some((
            MacroKind::Vba,
            "RTF object 1 (Word.Document.8)/Macros".to_owned()
        )))
    );
    // A macro document packaged as a file is examined too.
    let packaged = rtf(
        "Package",
        &hex(&ole1(
            "Package",
            &packager("report.doc", &word_with_macros()),
        )),
    );
    let (kind, at) = kind_of(&packaged).expect("readable").expect("macro");
    assert_eq!(kind, MacroKind::Vba);
    assert_eq!(at, "RTF object 1: report.doc/Macros");
    // Through the rules: a macro finding on the attachment.
    let raw = container_support::with_attachment("Rechnung.rtf", &doc);
    let found = container_support::findings(&raw);
    assert!(
        !container_support::details(&found, Condition::Macro).is_empty(),
        "{found:?}"
    );
}

/// The tricks rtfobj documents from malware: Word still decodes the
/// object, and so must the reader.
#[test]
fn rtf_obfuscations_word_accepts() {
    let data = ole1("Word.Document.8", &word_with_macros());
    let plain = hex(&data);
    let upper = plain.to_ascii_uppercase();
    // Digits split by spaces, tabs, control words, unknown groups and
    // ignorable destinations, and `\bin` raw bytes in the middle.
    let noisy: String = plain
        .chars()
        .enumerate()
        .map(|(i, c)| match i % 7 {
            0 => format!("{c} \t"),
            3 => format!("{c}\\foo123 "),
            5 => format!("{c}{{\\*\\junk}}"),
            _ => c.to_string(),
        })
        .collect();
    let (head, tail) = data.split_at(40);
    for (what, objdata) in [("upper case", upper.as_str()), ("noise", noisy.as_str())] {
        let doc = rtf("x", objdata);
        assert!(matches!(kind_of(&doc), Ok(Some(_))), "{what}");
    }
    // Raw bytes need a raw document (not valid UTF-8).
    let mut doc = b"{\\rtf1{\\object{\\*\\objdata ".to_vec();
    doc.extend_from_slice(&hex(head).into_bytes());
    doc.extend_from_slice(format!("\\bin{} ", tail.len()).as_bytes());
    doc.extend_from_slice(tail);
    doc.extend_from_slice(b"}}}");
    assert!(matches!(kind_of(&doc), Ok(Some(_))), "\\bin");
    // `{\rt` is all Word needs, and the closing braces may be missing.
    let short = format!("{{\\rtxyz{{\\object{{\\objdata {plain}");
    assert!(matches!(kind_of(short.as_bytes()), Ok(Some(_))), "short");
}

#[test]
fn rtf_objects_that_cannot_be_decoded_are_unchecked() {
    // Hex that is no OLE1 object (shellcode, junk): nothing to examine.
    let junk = rtf("Package", &hex(&[0x90; 300]));
    assert!(
        matches!(kind_of(&junk), Err(Unreadable::Malformed { .. })),
        "{:?}",
        kind_of(&junk)
    );
    // A Package object whose native data is cut short.
    let mut cut = ole1("Package", &packager("a.exe", &[0x4D, 0x5A, 0, 0]));
    cut.truncate(cut.len() - 2);
    assert!(kind_of(&rtf("Package", &hex(&cut))).is_err());
    // Objects past the cap.
    let many: String = (0..5)
        .map(|_| format!("{{\\object{{\\*\\objdata {}}}}}", hex(&ole1("Paint", b"x"))))
        .collect();
    let doc = format!("{{\\rtf1 {many}}}");
    let small = OfficeLimits {
        max_entries: 3,
        ..OfficeLimits::default()
    };
    assert!(matches!(
        macros(doc.as_bytes(), &small),
        Err(Unreadable::Limit { .. })
    ));
}

#[test]
fn clean_rtf_stays_clean() {
    let text = b"{\\rtf1\\ansi{\\fonttbl{\\f0 Arial;}}\\f0 Hello \\'e9t\\'e9\\par}";
    assert_eq!(kind_of(text), Ok(None));
    // A picture object whose native data is no document.
    let paint = rtf("PBrush", &hex(&ole1("PBrush", &[0x42, 0x4D, 1, 2, 3])));
    assert_eq!(kind_of(&paint), Ok(None));
    assert!(packaged_files(&paint, &OfficeLimits::default()).is_empty());
    let raw = container_support::with_attachment("letter.rtf", &paint);
    let found = container_support::findings(&raw);
    assert!(found.is_empty(), "{found:?}");
}

/// `zip -A` as a self-extractor's build does: the offsets made relative
/// to the new start of the file, after `stub` was put in front.
fn zip_adjusted(stub: &[u8], package: &[u8]) -> Vec<u8> {
    let s = container_support::Scratch::new();
    let mut joined = stub.to_vec();
    joined.extend_from_slice(package);
    s.file("doc.xlsx", &joined);
    s.make("zip", &["-q", "-A", "doc.xlsx"], "doc.xlsx")
}

/// Office opens a package with bytes in front of its first entry (it
/// reads the central directory from the end), so the macro reader does
/// too, whether the offsets were adjusted (`zip -A`) or not, and a large
/// stub (beyond the head looked at first) changes nothing.
#[test]
fn a_package_behind_a_stub_is_examined() {
    let xlsm = fixture("macro.xlsm");
    let vba = Ok(Some((MacroKind::Vba, "xl/vbaProject.bin".to_owned())));
    for stub_len in [100usize, 300_000] {
        let stub: Vec<u8> = b"MZ\x90\x00"
            .iter()
            .copied()
            .cycle()
            .take(stub_len)
            .collect();
        let mut raw_join = stub.clone();
        raw_join.extend_from_slice(&xlsm);
        let adjusted = zip_adjusted(&stub, &xlsm);
        for (what, doc) in [("joined", &raw_join), ("zip -A", &adjusted)] {
            assert_eq!(kind_of(doc), vba, "{what} {stub_len}");
            let raw = container_support::with_attachment("Rechnung.xlsx", doc);
            let found = container_support::findings(&raw);
            assert!(
                !container_support::details(&found, Condition::Macro).is_empty(),
                "{what} {stub_len}: {found:?}"
            );
        }
    }
}
