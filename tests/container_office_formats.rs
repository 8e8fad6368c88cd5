//! Office documents beyond OLE2 and ZIP, built here byte by byte as their
//! specifications lay them out (and as Word writes them): OLE objects in
//! RTF ([MS-OLEDS] §2.2.4 inside `\objdata`), with the VBA project of a
//! real Excel file (tests/data/office/vbaProject.bin) where a macro is
//! needed; Flat OPC, Word 2003 XML, MHTML and flat OpenDocument files
//! made from the parts of real documents (tests/data/office) as Word and
//! LibreOffice write them; and the same documents as attachments of a
//! message, through the rules.

use std::path::Path;

use qmvc::container::office::{MacroKind, OfficeLimits, Unreadable, macros, packaged_files};
use qmvc::verdict::Condition;

mod container_support;
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
    let files = packaged_files(&doc, &OfficeLimits::default()).files;
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

/// A Package object nested in documents deeper than the reader goes is
/// not looked for: the walk says where it stopped, and the attachment is
/// `unchecked` even with the macro rule off (whose reader would say so).
#[test]
fn a_package_object_past_the_nesting_cap_is_unchecked() {
    let mut doc = rtf(
        "Package",
        &hex(&ole1("Package", &packager("invoice.js", SCRIPT))),
    );
    let limits = OfficeLimits::default();
    for _ in 0..=limits.max_depth {
        doc = rtf("Word.Document.8", &hex(&ole1("Word.Document.8", &doc)));
    }
    let found = packaged_files(&doc, &limits);
    assert!(found.files.is_empty(), "{found:?}");
    assert!(
        matches!(&found.cut, Some(Unreadable::Limit { what }) if what.contains("nested deeper")),
        "{found:?}"
    );
    let raw = container_support::with_attachment("letter.rtf", &doc);
    let settings = qmvc::container::Settings {
        macros: false,
        ..Default::default()
    };
    let inside = container_support::inside_with(&raw, &settings);
    assert!(
        inside
            .unexamined
            .iter()
            .any(|u| u.detail.contains("packaged files not all read")),
        "{inside:?}"
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
    assert_eq!(
        packaged_files(&paint, &OfficeLimits::default()),
        Default::default()
    );
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

fn b64(data: &[u8]) -> String {
    use base64::Engine;
    let text = base64::engine::general_purpose::STANDARD.encode(data);
    text.as_bytes()
        .chunks(76)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("\r\n")
}

/// A Flat OPC package (Word's "Word XML Document") of the parts of the
/// real `clean.docx`, XML parts as `pkg:xmlData`, the others as base64
/// `pkg:binaryData`, with `extra` binary parts (name, content type,
/// bytes), under the namespace prefix `p`.
fn flat_opc(p: &str, extra: &[(&str, &str, &[u8])]) -> Vec<u8> {
    let mut doc = format!(
        "<?xml version=\"1.0\" standalone=\"yes\"?>\r\n<?mso-application progid=\"Word.Document\"?>\r\n\
         <{p}:package xmlns:{p}=\"http://schemas.microsoft.com/office/2006/xmlPackage\">"
    );
    for (name, content) in parts(&fixture("clean.docx")) {
        if name == "[Content_Types].xml" {
            continue;
        }
        let ty = if name.ends_with(".rels") {
            "application/vnd.openxmlformats-package.relationships+xml"
        } else {
            "application/xml"
        };
        if name.ends_with(".xml") || name.ends_with(".rels") {
            let text = String::from_utf8(content).expect("utf-8");
            let body = text
                .find("?>")
                .map_or(text.as_str(), |e| &text[e + 2..])
                .to_owned();
            doc.push_str(&format!(
                "<{p}:part {p}:name=\"/{name}\" {p}:contentType=\"{ty}\"><{p}:xmlData>{body}</{p}:xmlData></{p}:part>"
            ));
        } else {
            doc.push_str(&format!(
                "<{p}:part {p}:name=\"/{name}\" {p}:contentType=\"image/jpeg\" {p}:compression=\"store\"><{p}:binaryData>{}</{p}:binaryData></{p}:part>",
                b64(&content)
            ));
        }
    }
    for (name, ty, content) in extra {
        doc.push_str(&format!(
            "<{p}:part {p}:name=\"{name}\" {p}:contentType=\"{ty}\"><{p}:binaryData>{}</{p}:binaryData></{p}:part>",
            b64(content)
        ));
    }
    doc.push_str(&format!("</{p}:package>"));
    doc.into_bytes()
}

const VBA_TYPE: &str = "application/vnd.ms-office.vbaProject";

#[test]
fn flat_opc_macros() {
    let vba = fixture("vbaProject.bin");
    let clean = flat_opc("pkg", &[]);
    assert_eq!(kind_of(&clean), Ok(None));
    let docm = flat_opc("pkg", &[("/word/vbaProject.bin", VBA_TYPE, &vba)]);
    assert_eq!(
        kind_of(&docm),
        Ok(Some((MacroKind::Vba, "/word/vbaProject.bin".to_owned())))
    );
    // Another name, its content type still says VBA; another prefix.
    let renamed = flat_opc("x", &[("/word/data.bin", VBA_TYPE, &vba)]);
    let (kind, at) = kind_of(&renamed).expect("readable").expect("macro");
    assert_eq!(kind, MacroKind::Vba);
    assert!(at.starts_with("/word/data.bin: "), "{at}");
    // Neither name nor type: the binary data is a compound file with a
    // VBA storage.
    let hidden = flat_opc(
        "pkg",
        &[("/word/data.bin", "application/octet-stream", &vba)],
    );
    assert_eq!(
        kind_of(&hidden),
        Ok(Some((MacroKind::Vba, "/word/data.bin/VBA".to_owned())))
    );
    // The same part stored deflated.
    let deflated = {
        use std::io::Write;
        let mut z = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(&vba).expect("deflate");
        z.finish().expect("deflate")
    };
    let clean_text = String::from_utf8(clean.clone()).expect("utf-8");
    let packed = clean_text.replace(
        "</pkg:package>",
        &format!(
            "<pkg:part pkg:name=\"/word/data.bin\" pkg:contentType=\"application/octet-stream\" \
             pkg:compression=\"deflateNormal\"><pkg:binaryData>{}</pkg:binaryData></pkg:part></pkg:package>",
            b64(&deflated)
        ),
    );
    assert_eq!(
        kind_of(packed.as_bytes()),
        Ok(Some((MacroKind::Vba, "/word/data.bin/VBA".to_owned())))
    );
    // Character references in the name, as an XML reader resolves them.
    let text = String::from_utf8(docm.clone()).expect("utf-8");
    let escaped = text.replace("/word/vbaProject.bin", "/word/vba&#x50;roject&#46;bin");
    assert!(matches!(kind_of(escaped.as_bytes()), Ok(Some(_))));
    // A `>` inside a quoted attribute value does not end the tag; a
    // comment and a CDATA section inside the base64 data are read as an
    // XML reader reads them.
    let quoted = text.replace(
        "<pkg:part pkg:name=\"/word/vbaProject.bin\"",
        "<pkg:part a=\"x>y\" pkg:name=\"/word/vbaProject.bin\"",
    );
    assert!(matches!(kind_of(quoted.as_bytes()), Ok(Some(_))));
    let hidden_text = String::from_utf8(hidden.clone()).expect("utf-8");
    let start = hidden_text.rfind("<pkg:binaryData>").expect("data") + 16;
    let split = format!(
        "{}<!-- > -->{}<![CDATA[{}]]>{}",
        &hidden_text[..start + 10],
        &hidden_text[start + 10..start + 20],
        &hidden_text[start + 20..start + 40],
        &hidden_text[start + 40..]
    );
    assert_eq!(
        kind_of(split.as_bytes()),
        Ok(Some((MacroKind::Vba, "/word/data.bin/VBA".to_owned())))
    );
    // Through the rules, named .xml as Word saves it.
    let raw = container_support::with_attachment("Rechnung.xml", &docm);
    let found = container_support::findings(&raw);
    assert!(
        !container_support::details(&found, Condition::Macro).is_empty(),
        "{found:?}"
    );
}

/// An ActiveMime blob as Word stores `editdata.mso`: the header, the
/// offset of the zlib stream (less 46) at 0x1E, the stream at 0x32.
fn active_mime(ole: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut blob = b"ActiveMime\0\0\x01\xf0\x04\0\0\0\xff\xff\xff\xff\0\0\x06\xf0".to_vec();
    blob.resize(0x1E, 0);
    blob.extend_from_slice(&4u16.to_le_bytes());
    blob.resize(0x2E, 0);
    blob.extend_from_slice(&u32::try_from(ole.len()).expect("len").to_le_bytes());
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(ole).expect("zlib");
    blob.extend(z.finish().expect("zlib"));
    blob
}

#[test]
fn word_2003_xml_and_mhtml_editdata_mso() {
    let blob = active_mime(&fixture("vbaProject.bin"));
    let word2003 = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n\
         <?mso-application progid=\"Word.Document\"?>\r\n\
         <w:wordDocument xmlns:w=\"http://schemas.microsoft.com/office/word/2003/wordml\" w:macrosPresent=\"yes\">\
         <w:docPr><w:view w:val=\"print\"/></w:docPr>\
         <w:docSuppData><w:binData w:name=\"editdata.mso\">{}</w:binData></w:docSuppData>\
         <w:body><w:p><w:r><w:t>Hello</w:t></w:r></w:p></w:body></w:wordDocument>",
        b64(&blob)
    );
    assert_eq!(
        kind_of(word2003.as_bytes()),
        Ok(Some((
            MacroKind::Vba,
            "binData editdata.mso/VBA".to_owned()
        )))
    );
    // UTF-16, as Word can save it.
    let wide: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(word2003.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    assert!(matches!(kind_of(&wide), Ok(Some(_))));

    // MHTML ("Single File Web Page"), named .doc as malware sends it.
    let mhtml = format!(
        "MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"----=_NextPart_01DA\"\r\n\r\n\
         ------=_NextPart_01DA\r\nContent-Location: file:///C:/D/Doc1.htm\r\n\
         Content-Type: text/html; charset=\"us-ascii\"\r\n\r\n<html><body>Hi</body></html>\r\n\r\n\
         ------=_NextPart_01DA\r\nContent-Location: file:///C:/D/Doc1_files/editdata.mso\r\n\
         Content-Transfer-Encoding: base64\r\nContent-Type: application/x-mso\r\n\r\n{}\r\n\r\n\
         ------=_NextPart_01DA--\r\n",
        b64(&blob)
    );
    let (kind, at) = kind_of(mhtml.as_bytes()).expect("readable").expect("macro");
    assert_eq!(kind, MacroKind::Vba);
    assert_eq!(at, "ActiveMime block 1/VBA");
    for name in ["Rechnung.doc", "Rechnung.mht"] {
        let raw = container_support::with_attachment(name, mhtml.as_bytes());
        let found = container_support::findings(&raw);
        assert!(
            !container_support::details(&found, Condition::Macro).is_empty(),
            "{name}: {found:?}"
        );
    }
    // The part quoted-printable instead of base64.
    let qp = String::from_utf8(quoted_printable::encode(&blob)).expect("ascii");
    let qp_mhtml = mhtml
        .replace(
            "Content-Transfer-Encoding: base64",
            "Content-Transfer-Encoding: quoted-printable",
        )
        .replace(&b64(&blob), &qp);
    assert!(!qp_mhtml.contains("QWN0aXZlTWltZ"));
    assert_eq!(
        kind_of(qp_mhtml.as_bytes()),
        Ok(Some((MacroKind::Vba, "ActiveMime part 1/VBA".to_owned())))
    );
    let raw = container_support::with_attachment("Rechnung.doc", qp_mhtml.as_bytes());
    let found = container_support::findings(&raw);
    assert!(
        !container_support::details(&found, Condition::Macro).is_empty(),
        "{found:?}"
    );
    // A blob that does not decompress cannot be examined.
    let mut broken = blob.clone();
    broken.truncate(0x40);
    broken.resize(0x300, 0xAA);
    assert!(matches!(
        kind_of(&broken),
        Err(Unreadable::Malformed { .. })
    ));
    // A large MHTML document whose editdata.mso lies past the first
    // 128 KiB the reader looks at first.
    let padding = "<p>text</p>\r\n".repeat(20_000);
    let large = mhtml.replace("<html><body>Hi", &format!("<html><body>{padding}"));
    assert!(large.find("QWN0aXZlTWltZ").expect("marker") > 200_000);
    let raw = container_support::with_attachment("Rechnung.doc", large.as_bytes());
    let found = container_support::findings(&raw);
    assert!(
        !container_support::details(&found, Condition::Macro).is_empty(),
        "{found:?}"
    );
}

/// A flat OpenDocument text (`.fodt`) as LibreOffice saves one with a
/// Basic module.
fn fodt(scripts: &str) -> Vec<u8> {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <office:document xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
         xmlns:ooo=\"http://openoffice.org/2004/office\" xmlns:script=\"urn:oasis:names:tc:opendocument:xmlns:script:1.0\" \
         office:version=\"1.3\" office:mimetype=\"application/vnd.oasis.opendocument.text\">\
         <office:meta/>{scripts}<office:body><office:text><text:p xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\">Hi</text:p></office:text></office:body></office:document>"
    )
    .into_bytes()
}

#[test]
fn opendocument_scripts() {
    let basic = fodt(
        "<office:scripts><office:script script:language=\"ooo:Basic\"><ooo:libraries>\
         <ooo:library-embedded ooo:name=\"Standard\"><ooo:module ooo:name=\"Module1\">\
         <ooo:source-code>Sub Main\nShell \"calc\"\nEnd Sub</ooo:source-code></ooo:module>\
         </ooo:library-embedded></ooo:libraries></office:script></office:scripts>",
    );
    assert_eq!(
        kind_of(&basic),
        Ok(Some((
            MacroKind::Basic,
            "office:scripts: Module1".to_owned()
        )))
    );
    let empty_library = fodt(
        "<office:scripts><office:script script:language=\"ooo:Basic\"><ooo:libraries>\
         <ooo:library-embedded ooo:name=\"Standard\"/></ooo:libraries></office:script></office:scripts>",
    );
    assert_eq!(kind_of(&empty_library), Ok(None));

    // The real clean.odt with a Python script, or a password-protected
    // Basic module (binary only), added.
    let odt = parts(&fixture("clean.odt"));
    let with = |extra: (&str, &[u8])| {
        let mut all = odt.clone();
        all.push((extra.0.to_owned(), extra.1.to_vec()));
        package(&all)
    };
    assert_eq!(kind_of(&fixture("clean.odt")), Ok(None));
    assert_eq!(
        kind_of(&with(("Scripts/python/evil.py", b"import os\n"))),
        Ok(Some((
            MacroKind::Script,
            "Scripts/python/evil.py".to_owned()
        )))
    );
    assert_eq!(
        kind_of(&with(("Basic/Standard/Module1.bin", &[0u8; 64]))),
        Ok(Some((
            MacroKind::Basic,
            "Basic/Standard/Module1.bin".to_owned()
        )))
    );
    // A plain zip of someone's scripts is no OpenDocument file.
    let plain = package(&[("Scripts/python/tool.py", b"print(1)\n")]);
    assert_eq!(kind_of(&plain), Ok(None));
}

#[test]
fn remote_templates() {
    let rels = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n\
        <Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
        <Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate\" \
        Target=\"http://203.0.113.7/t.dotm\" TargetMode=\"External\"/></Relationships>";
    let mut all = parts(&fixture("clean.docx"));
    all.push((
        "word/_rels/settings.xml.rels".into(),
        rels.as_bytes().to_vec(),
    ));
    let docx = package(&all);
    let (kind, at) = kind_of(&docx).expect("readable").expect("remote");
    assert_eq!(kind, MacroKind::RemoteTemplate);
    assert_eq!(
        at,
        "word/_rels/settings.xml.rels: attachedTemplate http://203.0.113.7/t.dotm"
    );
    let raw = container_support::with_attachment("Rechnung.docx", &docx);
    let found = container_support::findings(&raw);
    let macro_findings = container_support::details(&found, Condition::Macro);
    assert!(
        macro_findings.iter().any(|d| d.contains("remote template")),
        "{found:?}"
    );
    // A template on the local disk, as Word records the one a document
    // was made from, is no finding; a network share is.
    for (target, remote) in [
        (
            "file:///C:\\Users\\a\\AppData\\Roaming\\Microsoft\\Templates\\Letter.dotx",
            false,
        ),
        ("file:///\\\\203.0.113.7\\share\\t.dotm", true),
    ] {
        let rels = rels.replace("http://203.0.113.7/t.dotm", target);
        let mut all = parts(&fixture("clean.docx"));
        all.push(("word/_rels/settings.xml.rels".into(), rels.into_bytes()));
        let kind = kind_of(&package(&all)).map(|m| m.map(|(k, _)| k));
        assert_eq!(
            kind,
            Ok(remote.then_some(MacroKind::RemoteTemplate)),
            "{target}"
        );
    }
    // Word 2003 XML names its template by URL.
    let word2003 = "<?xml version=\"1.0\"?><w:wordDocument xmlns:w=\"http://schemas.microsoft.com/office/word/2003/wordml\">\
        <w:docPr><w:attachedTemplate w:val=\"\\\\203.0.113.7\\share\\t.dot\"/></w:docPr></w:wordDocument>";
    assert_eq!(
        kind_of(word2003.as_bytes()).map(|m| m.map(|(k, _)| k)),
        Ok(Some(MacroKind::RemoteTemplate))
    );
    // RTF attaches its template with `{\*\template ...}`, hex escapes and
    // all.
    let rtf_template =
        b"{\\rtf1\\ansi{\\*\\template http:\\'2f\\'2f203.0.113.7/t.dotm}\\pard Hi\\par}";
    assert_eq!(
        kind_of(rtf_template),
        Ok(Some((
            MacroKind::RemoteTemplate,
            "attachedTemplate http://203.0.113.7/t.dotm".to_owned()
        )))
    );
    let local = b"{\\rtf1{\\*\\template C:\\\\Users\\\\a\\\\Normal.dotm}Hi}";
    assert_eq!(kind_of(local), Ok(None));
}

/// An RTF document inside a package (Word's `altChunk`, imported when the
/// document opens) is examined like any embedded document.
#[test]
fn an_rtf_chunk_inside_a_package() {
    let chunk = rtf(
        "Word.Document.8",
        &hex(&ole1("Word.Document.8", &word_with_macros())),
    );
    let mut all = parts(&fixture("clean.docx"));
    all.push(("word/afchunk.rtf".into(), chunk));
    let (kind, at) = kind_of(&package(&all)).expect("readable").expect("macro");
    assert_eq!(kind, MacroKind::Vba);
    assert_eq!(at, "word/afchunk.rtf/RTF object 1 (Word.Document.8)/Macros");
}

/// Markers inside one long base64 run are one block, decoded once (a run
/// of a million bytes made of markers would otherwise be decoded from each
/// of its 80,000 markers).
#[test]
fn active_mime_markers_inside_a_block_are_one_block() {
    let run = "QWN0aXZlTWltZ".repeat(80_000);
    let text = format!("Content-Type: application/x-mso\r\n\r\n{run}\r\n");
    match kind_of(text.as_bytes()) {
        Err(Unreadable::Malformed { what }) => {
            assert!(what.starts_with("ActiveMime block 1:"), "{what}");
        }
        other => panic!("{other:?}"),
    }
}
