//! Unit tests of the package reader's name rules and XML normalisation;
//! tests/container_office.rs and tests/container_office_built.rs examine
//! whole documents.

use super::*;

#[test]
fn package_part_names() {
    for (name, kind) in [
        ("word/vbaProject.bin", MacroKind::Vba),
        ("XL\\VBAPROJECT.BIN", MacroKind::Vba),
        ("xl/macrosheets/sheet1.xml", MacroKind::Xlm),
        ("xl/macroSheets/sheet1.bin", MacroKind::Xlm),
        ("Basic/Standard/Module1.xml", MacroKind::Basic),
    ] {
        assert_eq!(ooxml::macro_part(name), Some(kind), "{name}");
    }
    for name in [
        "xl/worksheets/sheet1.xml",
        "Basic/Standard/script-lb.xml",
        "Basic/script-lc.xml",
        "vbaProject.bin.txt",
    ] {
        assert_eq!(ooxml::macro_part(name), None, "{name}");
    }
}

#[test]
fn xml_normalisation() {
    assert_eq!(
        ooxml::normalise_xml(b"A&amp;B&#66;&#x43;&bogus;&"),
        "a&bbc&bogus;&"
    );
    let many = vec![b'&'; 100_000];
    assert_eq!(ooxml::normalise_xml(&many).len(), 100_000);
}

#[test]
fn character_references_of_any_length() {
    // XML 1.0 allows any number of digits, leading zeros included.
    assert_eq!(
        ooxml::normalise_xml(b"&#0000000000109;&#x000000000006D;&#X6d;&#0;"),
        "mmm\0"
    );
    let long = format!("&#{}109;", "0".repeat(100_000));
    assert_eq!(ooxml::normalise_xml(long.as_bytes()), "m");
    // Too large for any character, no digits, no `;`: left as written.
    assert_eq!(
        ooxml::normalise_xml(b"&#99999999999999999999;&#;&#x;&#12"),
        "&#99999999999999999999;&#;&#x;&#12"
    );
    // Digits without their `;` are scanned a bounded number of times.
    let many = "&#1".repeat(50_000);
    assert_eq!(ooxml::normalise_xml(many.as_bytes()), many);
}

#[test]
fn remote_template_paths() {
    for remote in [
        "http://203.0.113.7/t.dotm",
        "HTTPS://example.net/t.dotm",
        "\\\\203.0.113.7\\share\\t.dotm",
        "//host/share/t.dotm",
        "file://host/share/t.dotm",
        "file:///\\\\host\\share\\t.dotm",
        "file:////host/share/t.dotm",
        "file:\\\\host\\t.dotm",
    ] {
        assert!(xml::is_remote(remote), "{remote}");
    }
    for local in [
        "Normal.dotm",
        "file:///C:\\Users\\a\\AppData\\Roaming\\Microsoft\\Templates\\Normal.dotm",
        "file:///C:/Templates/Letter.dotx",
        "file:///home/a/t.ott",
        "file:/C:/t.dotx",
        "C:\\Templates\\t.dotx",
        "templates/t.dotx",
    ] {
        assert!(!xml::is_remote(local), "{local}");
    }
}
