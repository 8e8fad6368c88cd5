//! Office macro tests on documents built here, structure by structure,
//! with the `cfb` and `zip` writers: what the real libraries cannot make
//! (Excel 4.0 sheets and VBA modules in BIFF, PowerPoint records,
//! encrypted Word and Excel files, obfuscated content types, limits).
//! tests/container_office.rs has the documents made by real libraries.

use std::io::Write;

use qmvc::container::office::{
    MacroKind, Macros, OfficeLimits, Unreadable, is_candidate, macros, packaged_files,
};

mod office_support;
use office_support::{compound, package};

const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
const RT_VBA_INFO: u16 = 0x03FF;
const RT_VBA_INFO_ATOM: u16 = 0x0400;
const RT_EX_OLE_OBJ_STG: u16 = 0x1011;

fn found(bytes: &[u8]) -> Macros {
    match macros(bytes, &OfficeLimits::default()) {
        Ok(Some(m)) => m,
        other => panic!("expected a macro, got {other:?}"),
    }
}

const TYPES: &[u8] = br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>"#;

#[test]
fn neither_ole_nor_zip_is_no_document() {
    assert_eq!(macros(b"%PDF-1.7\n", &OfficeLimits::default()), Ok(None));
    assert_eq!(macros(b"", &OfficeLimits::default()), Ok(None));
    assert!(!is_candidate(b"MZ\x90\x00"));
    assert!(is_candidate(&OLE_MAGIC));
}

#[test]
fn vba_storages_count_only_when_they_hold_something() {
    let doc = compound(&[("WordDocument", b"x"), ("Macros/VBA/dir", b"x")]);
    let m = found(&doc);
    assert_eq!((m.kind, m.location.as_str()), (MacroKind::Vba, "Macros"));
    let xls = compound(&[("Workbook", &b""[..]), ("_vba_project_cur/PROJECT", b"x")]);
    assert_eq!(found(&xls).location, "_vba_project_cur");
    let empty = compound(&[("WordDocument", b"x"), ("Other/stream", b"x")]);
    assert_eq!(macros(&empty, &OfficeLimits::default()), Ok(None));
}

/// A BIFF8 globals substream: BOF, one BOUNDSHEET of sheet type `dt`, EOF.
fn biff(dt: u8, extra: &[u8]) -> Vec<u8> {
    let mut s = vec![0x09, 0x08, 0x04, 0x00, 0x00, 0x06, 0x05, 0x00];
    s.extend_from_slice(extra);
    s.extend_from_slice(&[0x85, 0x00, 0x08, 0x00, 0, 0, 0, 0, 0x00, dt, 1, 0]);
    s.extend_from_slice(&[0x0A, 0x00, 0x00, 0x00]);
    s
}

#[test]
fn boundsheet_sheet_types() {
    let xlm = compound(&[("Workbook", &biff(0x01, b""))]);
    let m = found(&xlm);
    assert_eq!(
        (m.kind, m.location.as_str()),
        (MacroKind::Xlm, "Workbook: sheet 1")
    );
    let module = compound(&[("Book", &biff(0x06, b""))]);
    assert_eq!(found(&module).kind, MacroKind::Vba);
    let plain = compound(&[("Workbook", &biff(0x00, b""))]);
    assert_eq!(macros(&plain, &OfficeLimits::default()), Ok(None));
}

#[test]
fn encryption_is_unreadable_unless_a_macro_is_found() {
    let filepass = compound(&[("Workbook", &biff(0x00, &[0x2F, 0x00, 0x00, 0x00]))]);
    assert!(matches!(
        macros(&filepass, &OfficeLimits::default()),
        Err(Unreadable::Encrypted { .. })
    ));
    let mut fib = [0u8; 12];
    fib[..2].copy_from_slice(&0xA5ECu16.to_le_bytes());
    fib[10..].copy_from_slice(&0x0100u16.to_le_bytes());
    let word = compound(&[("WordDocument", &fib)]);
    assert!(matches!(
        macros(&word, &OfficeLimits::default()),
        Err(Unreadable::Encrypted { .. })
    ));
    let ooxml = compound(&[("EncryptionInfo", b"x"), ("EncryptedPackage", b"x")]);
    assert!(matches!(
        macros(&ooxml, &OfficeLimits::default()),
        Err(Unreadable::Encrypted { .. })
    ));
    let both = compound(&[
        ("Workbook", &biff(0, &[0x2F, 0, 0, 0])),
        ("_VBA_PROJECT_CUR/VBA/dir", &b"x".to_vec()),
    ]);
    assert_eq!(found(&both).kind, MacroKind::Vba);
}

/// A PowerPoint record header.
fn record(ver_instance: u16, kind: u16, body: &[u8]) -> Vec<u8> {
    let mut r = ver_instance.to_le_bytes().to_vec();
    r.extend_from_slice(&kind.to_le_bytes());
    r.extend_from_slice(&u32::try_from(body.len()).expect("len").to_le_bytes());
    r.extend_from_slice(body);
    r
}

#[test]
fn powerpoint_vba_info_and_embedded_objects() {
    let atom = record(0x0002, RT_ATOM, &[0; 12]);
    let info = record(
        0x001F,
        RT_VBA_INFO,
        &record(0x0002, RT_VBA_INFO_ATOM, &[0; 12]),
    );
    let stream = [record(0x000F, 0x03E8, &[atom.clone(), info].concat())].concat();
    let ppt = compound(&[("PowerPoint Document", &stream)]);
    assert_eq!(found(&ppt).location, "PowerPoint Document: VBAInfo record");

    // An Excel workbook with macros stored compressed as an OLE object.
    let inner = compound(&[("Workbook", &biff(1, b""))]);
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(&inner).expect("zlib");
    let mut body = u32::try_from(inner.len())
        .expect("len")
        .to_le_bytes()
        .to_vec();
    body.extend(z.finish().expect("zlib"));
    let stream = [atom, record(0x0010, RT_EX_OLE_OBJ_STG, &body)].concat();
    let ppt = compound(&[("PowerPoint Document", &stream)]);
    let m = found(&ppt);
    assert_eq!(m.kind, MacroKind::Xlm);
    assert_eq!(
        m.location,
        "PowerPoint Document: object 1/Workbook: sheet 1"
    );
}

const RT_ATOM: u16 = 0x0FF5;

#[test]
fn content_types_are_read_as_xml() {
    let hidden = br#"<Types><Override PartName="/word/x.dat" ContentType="application/vnd.ms-office.&#x76;ba&#80;roject"/></Types>"#;
    let doc = package(&[
        ("[Content_Types].xml", &hidden[..]),
        ("word/x.dat", b"not ole"),
    ]);
    let m = found(&doc);
    assert_eq!(m.kind, MacroKind::Vba);
    assert!(
        m.location.starts_with("[Content_Types].xml"),
        "{}",
        m.location
    );

    let wide: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(
            "<Types><Default Extension=\"bin\" ContentType=\"application/vnd.ms-excel.intlmacrosheet\"/></Types>"
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        )
        .collect();
    let doc = package(&[("[content_types].xml", &wide)]);
    assert_eq!(found(&doc).kind, MacroKind::Xlm);

    let plain = package(&[
        ("[Content_Types].xml", TYPES),
        ("word/document.xml", b"<w/>"),
    ]);
    assert_eq!(macros(&plain, &OfficeLimits::default()), Ok(None));
}

/// XML 1.0 lets a character reference carry any number of digits:
/// `&#0000000000109;` is `m`, as Excel's parser reads it.
#[test]
fn content_type_references_of_any_length() {
    for hidden in [
        "application/vnd.ms-excel.&#0000000000109;acrosheet+xml",
        "application/vnd.ms-excel.&#x00000000006D;acrosheet+xml",
        "application/vnd.ms-excel.intl&#00000000000000000109;acrosheet+xml",
    ] {
        let types = format!(
            r#"<Types><Override PartName="/xl/sheets/s1.xml" ContentType="{hidden}"/></Types>"#
        );
        let doc = package(&[
            ("[Content_Types].xml", types.as_bytes()),
            ("xl/sheets/s1.xml", b"<xm:macrosheet/>".as_slice()),
        ]);
        assert_eq!(found(&doc).kind, MacroKind::Xlm, "{hidden}");
    }
}

/// A package whose central directory names a part twice: the zip crate
/// keeps the last copy, Office may read the first. Here the first
/// `[Content_Types].xml` declares a VBA project in `xl/data.dat` and the
/// first `xl/data.dat` holds one; the later copies are harmless.
#[test]
fn duplicate_part_names_are_unchecked() {
    let vba = compound(&[
        ("VBA/dir", b"x".as_slice()),
        ("VBA/Module1", b"Sub AutoOpen()"),
    ]);
    let real = br#"<Types><Override PartName="/xl/data.dat" ContentType="application/vnd.ms-office.vbaProject"/></Types>"#;
    let built = package(&[
        ("[Content_Types].xml", &real[..]),
        ("xl/data.dat", &vba),
        ("[Content_Types].xmY", TYPES),
        ("xl/data.daY", b"harmless"),
    ]);
    // The same names again, in the local headers and the central directory.
    let mut doc = built;
    for (from, to) in [
        (&b"[Content_Types].xmY"[..], &b"[Content_Types].xml"[..]),
        (b"xl/data.daY", b"xl/data.dat"),
    ] {
        let mut at = 0;
        while let Some(i) = doc[at..].windows(from.len()).position(|w| w == from) {
            doc[at + i..at + i + to.len()].copy_from_slice(to);
            at += i + to.len();
        }
    }
    assert!(
        matches!(
            macros(&doc, &OfficeLimits::default()),
            Err(Unreadable::Malformed { .. })
        ),
        "{:?}",
        macros(&doc, &OfficeLimits::default())
    );
}

/// An OLE Packager object (`\x01Ole10Native`): size, type, label, source
/// path, a reserved word, the temporary path, then the file.
fn ole10_native(label: &str, file: &[u8]) -> Vec<u8> {
    let temp = format!("C:\\Temp\\{label}\0");
    let mut body = 2u16.to_le_bytes().to_vec();
    body.extend_from_slice(format!("{label}\0C:\\Users\\a\\{label}\0").as_bytes());
    body.extend_from_slice(&0x0003_0000u32.to_le_bytes());
    body.extend_from_slice(&u32::try_from(temp.len()).expect("len").to_le_bytes());
    body.extend_from_slice(temp.as_bytes());
    body.extend_from_slice(&u32::try_from(file.len()).expect("len").to_le_bytes());
    body.extend_from_slice(file);
    let mut stream = u32::try_from(body.len())
        .expect("len")
        .to_le_bytes()
        .to_vec();
    stream.extend_from_slice(&body);
    stream
}

/// Streams that are documents themselves, whatever their name: the
/// `CONTENTS` of an embedded object and the file an OLE Packager object
/// carries are examined as embedded documents, within the depth cap.
#[test]
fn documents_inside_ole_streams_are_examined() {
    let vba = compound(&[("_VBA_PROJECT_CUR/VBA/dir", b"x".as_slice())]);
    let doc = compound(&[
        ("WordDocument", vec![0u8; 64]),
        ("ObjectPool/_1/CONTENTS", vba.clone()),
    ]);
    let m = found(&doc);
    assert_eq!(m.location, "ObjectPool/_1/CONTENTS/_VBA_PROJECT_CUR");

    let xlsm = package(&[
        ("[Content_Types].xml", TYPES),
        ("xl/vbaProject.bin", vba.as_slice()),
    ]);
    let packager = compound(&[
        ("WordDocument", vec![0u8; 64]),
        (
            "ObjectPool/_2/\u{1}Ole10Native",
            ole10_native("report.xlsm", &xlsm),
        ),
    ]);
    let m = found(&packager);
    assert_eq!(m.kind, MacroKind::Vba);
    assert!(m.location.contains("report.xlsm"), "{}", m.location);
    // A packaged text file is no document.
    let text = compound(&[(
        "ObjectPool/_2/\u{1}Ole10Native",
        ole10_native("readme.txt", b"PK is how this line starts, no zip"),
    )]);
    assert_eq!(macros(&text, &OfficeLimits::default()), Ok(None));

    let shallow = OfficeLimits {
        max_depth: 0,
        ..OfficeLimits::default()
    };
    assert!(matches!(
        macros(&doc, &shallow),
        Err(Unreadable::Limit { .. })
    ));
}

/// A script in an OLE Packager object, in a `.doc` and in a `.docx`'s
/// `oleObject1.bin`: its names (label, source and temporary file names)
/// and bytes are given for the filename rules.
#[test]
fn files_in_packager_objects_are_listed_with_their_names() {
    let script = b"WScript.Shell".as_slice();
    let object = compound(&[("\u{1}Ole10Native", ole10_native("invoice.js", script))]);
    let doc = compound(&[
        ("WordDocument", vec![0u8; 64]),
        (
            "ObjectPool/_3/\u{1}Ole10Native",
            ole10_native("invoice.js", script),
        ),
    ]);
    let found = packaged_files(&doc, &OfficeLimits::default()).files;
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].names, ["invoice.js"]);
    assert_eq!(found[0].location, "ObjectPool/_3/\u{1}Ole10Native");
    assert_eq!(found[0].data, script);

    let docx = package(&[
        ("[Content_Types].xml", TYPES),
        ("word/embeddings/oleObject1.bin", &object),
    ]);
    let found = packaged_files(&docx, &OfficeLimits::default()).files;
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0].location,
        "word/embeddings/oleObject1.bin/\u{1}Ole10Native"
    );
    assert_eq!(found[0].names, ["invoice.js"]);
    // No package, no packager object: nothing.
    assert_eq!(
        packaged_files(&package(&[("a.bin", &object)]), &OfficeLimits::default()),
        Default::default()
    );
    assert_eq!(
        packaged_files(b"%PDF", &OfficeLimits::default()),
        Default::default()
    );
}

#[test]
fn embedded_ole_parts_are_examined_to_the_depth_limit() {
    let xls = compound(&[
        ("Workbook", &biff(0, b"")),
        ("_VBA_PROJECT_CUR/VBA/dir", &b"x".to_vec()),
    ]);
    let docx = package(&[
        ("[Content_Types].xml", TYPES),
        ("word/embeddings/oleObject1.bin", &xls),
    ]);
    let m = found(&docx);
    assert_eq!(
        m.location,
        "word/embeddings/oleObject1.bin/_VBA_PROJECT_CUR"
    );

    let shallow = OfficeLimits {
        max_depth: 0,
        ..OfficeLimits::default()
    };
    assert!(matches!(
        macros(&docx, &shallow),
        Err(Unreadable::Limit { .. })
    ));
}

#[test]
fn a_bomb_part_is_a_limit_not_memory() {
    let small = OfficeLimits {
        max_part_bytes: 1 << 20,
        ..OfficeLimits::default()
    };
    let mut bomb = OLE_MAGIC.to_vec();
    bomb.resize(8 << 20, 0);
    let doc = package(&[
        ("[Content_Types].xml", TYPES),
        ("word/embeddings/x.bin", &bomb),
    ]);
    match macros(&doc, &small) {
        Err(Unreadable::Limit { what }) => {
            assert!(what.contains("word/embeddings/x.bin"), "{what}")
        }
        other => panic!("{other:?}"),
    }
    let big_types = vec![b' '; 2 << 20];
    let doc = package(&[("[Content_Types].xml", &big_types)]);
    assert!(matches!(
        macros(&doc, &small),
        Err(Unreadable::Limit { .. })
    ));
    let budget = OfficeLimits {
        max_total_bytes: 1 << 10,
        ..OfficeLimits::default()
    };
    assert!(matches!(
        macros(&doc, &budget),
        Err(Unreadable::Limit { .. })
    ));
}

#[test]
fn too_many_entries_is_a_limit_but_a_macro_still_wins() {
    let names: Vec<String> = (0..20).map(|i| format!("f{i}.xml")).collect();
    let mut parts: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b"x"[..])).collect();
    let few = OfficeLimits {
        max_entries: 10,
        ..OfficeLimits::default()
    };
    assert!(matches!(
        macros(&package(&parts), &few),
        Err(Unreadable::Limit { .. })
    ));
    parts.insert(3, ("xl/vbaProject.bin", b"x"));
    assert_eq!(
        macros(&package(&parts), &few).map(|m| m.map(|m| m.kind)),
        Ok(Some(MacroKind::Vba))
    );
}

#[test]
fn broken_signatures_are_malformed() {
    let mut fake = OLE_MAGIC.to_vec();
    fake.resize(4096, 0xFF);
    assert!(matches!(
        macros(&fake, &OfficeLimits::default()),
        Err(Unreadable::Malformed { .. })
    ));
    assert_eq!(
        macros(b"PK\x03\x04garbage", &OfficeLimits::default()),
        Ok(None)
    );
}

#[test]
fn records_are_counted_over_the_whole_document() {
    // Ten workbooks of 100 empty records each (embedded objects' storages).
    let mut stream = [0x0B_u8, 0x02, 0x00, 0x00].repeat(100);
    stream.extend_from_slice(&[0x0A, 0x00, 0x00, 0x00]);
    let names: Vec<String> = (0..10).map(|i| format!("MBD{i:08}/Workbook")).collect();
    let parts: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &stream[..])).collect();
    let doc = compound(&parts);
    let limits = |max_records| OfficeLimits {
        max_records,
        ..OfficeLimits::default()
    };
    assert!(matches!(
        macros(&doc, &limits(500)),
        Err(Unreadable::Limit { .. })
    ));
    assert_eq!(macros(&doc, &limits(2000)), Ok(None));
}

mod container_support;

/// Through the whole pipeline: an OOXML workbook with a VBA project,
/// attached as `.xlsx` (the name says no macros), is a macro finding; the
/// same inside a zip too; the same package without the project is clean.
#[test]
fn macro_documents_meet_the_macro_rule_whatever_their_name() {
    use qmvc::verdict::{Condition, Verdict};
    let vba = compound(&[
        ("VBA/dir", b"x".as_slice()),
        ("VBA/Module1", b"Sub AutoOpen()"),
    ]);
    let with_macros = package(&[
        ("[Content_Types].xml", TYPES),
        ("xl/workbook.xml", b"<workbook/>".as_slice()),
        ("xl/vbaProject.bin", vba.as_slice()),
    ]);
    let raw = container_support::with_attachment("report.xlsx", &with_macros);
    let found = container_support::findings(&raw);
    let macros = container_support::details(&found, Condition::Macro);
    assert!(
        macros.iter().any(|d| d.contains("report.xlsx")),
        "{found:?}"
    );
    assert_eq!(container_support::verdict(&raw), Verdict::Badmail);

    let zipped = package(&[("q3/report.xlsx", with_macros.as_slice())]);
    let raw = container_support::with_attachment("reports.zip", &zipped);
    let found = container_support::findings(&raw);
    let macros = container_support::details(&found, Condition::Macro);
    assert!(
        macros
            .iter()
            .any(|d| d.contains("reports.zip/q3/report.xlsx")),
        "{found:?}"
    );

    let plain = package(&[
        ("[Content_Types].xml", TYPES),
        ("xl/workbook.xml", b"<workbook/>".as_slice()),
    ]);
    let raw = container_support::with_attachment("report.xlsx", &plain);
    assert_eq!(
        container_support::verdict(&raw),
        Verdict::Clean,
        "{:?}",
        container_support::findings(&raw)
    );
}
