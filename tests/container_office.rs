//! Office documents made by the real libraries (tests/data/office, see its
//! make-fixtures.py: python-docx, openpyxl, odfpy, XlsxWriter, xlwt) and
//! Excel's own VBA project (`vbaProject.bin`), put together here the way
//! Office stores them, through `qmvc::container::office::macros`.

use std::io::{Cursor, Write};
use std::path::Path;

use qmvc::container::office::{MacroKind, OfficeLimits, Unreadable, macros};

mod office_support;
use office_support::{compound, package, parts, streams};

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/office")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn kind_of(bytes: &[u8]) -> Result<Option<(MacroKind, String)>, Unreadable> {
    macros(bytes, &OfficeLimits::default()).map(|m| m.map(|m| (m.kind, m.location)))
}

/// Excel's VBA project under `storage` (`Macros` for Word,
/// `_VBA_PROJECT_CUR` for Excel).
fn vba_under(storage: &str) -> Vec<(String, Vec<u8>)> {
    streams(&fixture("vbaProject.bin"))
        .into_iter()
        .map(|(p, c)| (format!("{storage}/{p}"), c))
        .collect()
}

/// The ZIP `bytes` rewritten: parts for which `edit` returns `None` are
/// dropped, the others get its name and content; `extra` parts are added.
fn rezip(
    bytes: &[u8],
    edit: impl Fn(&str, Vec<u8>) -> Option<(String, Vec<u8>)>,
    extra: &[(&str, &[u8])],
) -> Vec<u8> {
    let mut all: Vec<(String, Vec<u8>)> = parts(bytes)
        .into_iter()
        .filter_map(|(name, content)| edit(&name, content))
        .collect();
    all.extend(extra.iter().map(|(n, c)| ((*n).to_owned(), c.to_vec())));
    package(&all)
}

#[test]
fn real_documents_without_macros_are_clean() {
    for name in ["clean.docx", "clean.xlsx", "clean.odt", "plain.xls"] {
        assert_eq!(kind_of(&fixture(name)), Ok(None), "{name}");
    }
}

#[test]
fn a_macro_workbook_is_found_whatever_it_is_called() {
    // The same bytes arrive as .xlsm or renamed .xlsx: the name plays no part.
    let xlsm = fixture("macro.xlsm");
    assert_eq!(
        kind_of(&xlsm),
        Ok(Some((MacroKind::Vba, "xl/vbaProject.bin".to_owned())))
    );
    // The VBA part renamed, its content type declared under another name:
    // found by its content type.
    let renamed = rezip(
        &xlsm,
        |name, content| match name {
            "xl/vbaProject.bin" => Some(("xl/data.bin".to_owned(), content)),
            _ => Some((name.to_owned(), content)),
        },
        &[],
    );
    let (kind, at) = kind_of(&renamed).expect("readable").expect("macro");
    assert_eq!(kind, MacroKind::Vba);
    assert!(at.starts_with("[Content_Types].xml"), "{at}");
    // And with every trace of its type removed: found as an OLE2 part
    // holding a VBA storage.
    let hidden = rezip(
        &renamed,
        |name, content| match name {
            "[Content_Types].xml" => {
                let text = String::from_utf8(content).expect("utf-8");
                let text = text.replace(
                    "application/vnd.ms-office.vbaProject",
                    "application/octet-stream",
                );
                Some((name.to_owned(), text.into_bytes()))
            }
            _ => Some((name.to_owned(), content)),
        },
        &[],
    );
    assert_eq!(
        kind_of(&hidden),
        Ok(Some((MacroKind::Vba, "xl/data.bin/VBA".to_owned())))
    );
}

#[test]
fn a_docm_made_from_a_real_docx() {
    let docm = rezip(
        &fixture("clean.docx"),
        |name, content| Some((name.to_owned(), content)),
        &[("word/vbaProject.bin", &fixture("vbaProject.bin"))],
    );
    assert_eq!(
        kind_of(&docm),
        Ok(Some((MacroKind::Vba, "word/vbaProject.bin".to_owned())))
    );
}

/// `plain.xls`'s Workbook stream with its `n`th BOUNDSHEET's sheet type
/// set to `dt`.
fn xls_with_sheet_type(n: usize, dt: u8) -> Vec<u8> {
    let mut parts = streams(&fixture("plain.xls"));
    let workbook = &mut parts
        .iter_mut()
        .find(|(p, _)| p == "Workbook")
        .expect("Workbook")
        .1;
    let (mut pos, mut seen) = (0, 0);
    while pos + 4 <= workbook.len() {
        let kind = u16::from_le_bytes([workbook[pos], workbook[pos + 1]]);
        let len = usize::from(u16::from_le_bytes([workbook[pos + 2], workbook[pos + 3]]));
        if kind == 0x0085 {
            seen += 1;
            if seen == n {
                workbook[pos + 4 + 5] = dt;
                return compound(&parts);
            }
        }
        pos += 4 + len;
    }
    panic!("no BOUNDSHEET {n}");
}

#[test]
fn an_excel_4_macro_sheet_in_a_real_xls() {
    assert_eq!(
        kind_of(&xls_with_sheet_type(2, 0x01)),
        Ok(Some((MacroKind::Xlm, "Workbook: sheet 2".to_owned())))
    );
    assert_eq!(kind_of(&xls_with_sheet_type(2, 0x00)), Ok(None));
}

#[test]
fn vba_projects_where_word_and_excel_keep_them() {
    let mut xls = streams(&fixture("plain.xls"));
    xls.extend(vba_under("_VBA_PROJECT_CUR"));
    assert_eq!(
        kind_of(&compound(&xls)),
        Ok(Some((MacroKind::Vba, "_VBA_PROJECT_CUR".to_owned())))
    );
    // A Word 97 document: File Information Block, then the project.
    let mut fib = vec![0u8; 1024];
    fib[..2].copy_from_slice(&0xA5ECu16.to_le_bytes());
    let mut doc = vec![
        ("WordDocument".to_owned(), fib),
        ("1Table".to_owned(), vec![0; 512]),
    ];
    assert_eq!(kind_of(&compound(&doc)), Ok(None));
    doc.extend(vba_under("Macros"));
    assert_eq!(
        kind_of(&compound(&doc)),
        Ok(Some((MacroKind::Vba, "Macros".to_owned())))
    );
}

#[test]
fn a_macro_workbook_embedded_in_a_real_docx() {
    let mut xls = streams(&fixture("plain.xls"));
    xls.extend(vba_under("_VBA_PROJECT_CUR"));
    let docx = rezip(
        &fixture("clean.docx"),
        |name, content| Some((name.to_owned(), content)),
        &[("word/embeddings/oleObject1.bin", &compound(&xls))],
    );
    assert_eq!(
        kind_of(&docx),
        Ok(Some((
            MacroKind::Vba,
            "word/embeddings/oleObject1.bin/_VBA_PROJECT_CUR".to_owned()
        )))
    );
}

/// How Word 97 and Word 2007+ embed an Excel 2007+ workbook: an OLE
/// object storage whose `Package` stream is the workbook itself, in a
/// `.doc`'s `ObjectPool` or a `.docx`'s `word/embeddings/oleObject1.bin`.
#[test]
fn a_macro_workbook_in_an_ole_package_stream() {
    let object = |xlsx: &[u8]| {
        vec![
            ("\u{1}CompObj".to_owned(), b"Excel.Sheet.12".to_vec()),
            ("Package".to_owned(), xlsx.to_vec()),
        ]
    };
    let mut doc = streams(&fixture("plain.xls"))
        .into_iter()
        .filter(|(p, _)| p != "Workbook")
        .collect::<Vec<_>>();
    let mut fib = vec![0u8; 1024];
    fib[..2].copy_from_slice(&0xA5ECu16.to_le_bytes());
    doc.push(("WordDocument".to_owned(), fib));
    let with = |xlsx: &[u8]| {
        let mut all = doc.clone();
        all.extend(
            object(xlsx)
                .into_iter()
                .map(|(p, c)| (format!("ObjectPool/_1234567890/{p}"), c)),
        );
        compound(&all)
    };
    assert_eq!(
        kind_of(&with(&fixture("macro.xlsm"))),
        Ok(Some((
            MacroKind::Vba,
            "ObjectPool/_1234567890/Package/xl/vbaProject.bin".to_owned()
        )))
    );
    assert_eq!(kind_of(&with(&fixture("clean.xlsx"))), Ok(None));

    let docx = rezip(
        &fixture("clean.docx"),
        |name, content| Some((name.to_owned(), content)),
        &[(
            "word/embeddings/oleObject1.bin",
            &compound(&object(&fixture("macro.xlsm"))),
        )],
    );
    assert_eq!(
        kind_of(&docx),
        Ok(Some((
            MacroKind::Vba,
            "word/embeddings/oleObject1.bin/Package/xl/vbaProject.bin".to_owned()
        )))
    );
}

#[test]
fn an_encrypted_package_cannot_be_examined() {
    // [MS-OFFCRYPTO]: an encrypted .docx is a compound file holding the
    // encryption parameters and the encrypted ZIP.
    let encrypted = compound(&[
        ("EncryptionInfo", vec![4, 0, 4, 0, 0x40, 0, 0, 0]),
        ("EncryptedPackage", fixture("clean.docx")),
    ]);
    assert!(matches!(
        kind_of(&encrypted),
        Err(Unreadable::Encrypted { .. })
    ));
}

#[test]
fn a_bomb_inside_a_package_is_a_limit() {
    // 32 MiB of zeros behind an OLE2 signature, written in chunks: the
    // reader stops at its 16 MiB part cap.
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(false);
    out.start_file("[Content_Types].xml", options)
        .expect("start");
    out.write_all(b"<Types/>").expect("write");
    out.start_file("word/embeddings/oleObject1.bin", options)
        .expect("start");
    out.write_all(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
        .expect("write");
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..32 {
        out.write_all(&zeros).expect("write");
    }
    let bomb = out.finish().expect("finish").into_inner();
    assert!(bomb.len() < 1 << 20);
    match kind_of(&bomb) {
        Err(Unreadable::Limit { what }) => assert!(what.contains("oleObject1.bin"), "{what}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn corrupted_real_documents_never_panic() {
    // Every byte of a real .xls and the first 8 KiB of a real .xlsm set to
    // 0xFF in turn, and every tenth prefix: an answer, never a panic.
    for (name, span) in [("plain.xls", usize::MAX), ("macro.xlsm", 8 << 10)] {
        let bytes = fixture(name);
        for at in 0..bytes.len().min(span) {
            let mut evil = bytes.clone();
            evil[at] = 0xFF;
            let _ = macros(&evil, &OfficeLimits::default());
        }
        for end in (0..bytes.len()).step_by(10) {
            let _ = macros(&bytes[..end], &OfficeLimits::default());
        }
    }
}
