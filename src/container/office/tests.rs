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
