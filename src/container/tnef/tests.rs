//! Unit tests of the TNEF reader's property lists and code pages;
//! tests/container_tnef.rs reads whole streams.

use super::props::{AttachProps, decode_8bit};

/// A property list: count, then (type, id, value already encoded).
fn list(count: u32, body: &[&[u8]]) -> Vec<u8> {
    [&count.to_le_bytes()[..], &body.concat()].concat()
}

#[test]
fn named_multivalued_and_fixed_properties_are_stepped_over() {
    let named = [
        &0x001Fu16.to_le_bytes()[..],
        &0x8005u16.to_le_bytes(),
        &[0xAB; 16],
        &1u32.to_le_bytes(),
        &6u32.to_le_bytes(),
        b"n\0m\0\0\0\0\0",
        &1u32.to_le_bytes(),
        &4u32.to_le_bytes(),
        b"x\0\0\0",
    ]
    .concat();
    let multi = [
        &0x1003u16.to_le_bytes()[..],
        &0x1234u16.to_le_bytes(),
        &2u32.to_le_bytes(),
        &[1, 0, 0, 0, 2, 0, 0, 0],
    ]
    .concat();
    let short = [
        &0x0002u16.to_le_bytes()[..],
        &0x0FF4u16.to_le_bytes(),
        &[7, 0, 0, 0],
    ]
    .concat();
    let name = [
        &0x001Eu16.to_le_bytes()[..],
        &0x3707u16.to_le_bytes(),
        &1u32.to_le_bytes(),
        &7u32.to_le_bytes(),
        b"a.exe\0\0\0",
    ]
    .concat();
    let bytes = list(4, &[&named, &multi, &short, &name]);
    let mut props = AttachProps::default();
    props.read(&bytes);
    let long = props.long_filename.first().map(|s| s.decode(1252));
    assert_eq!(long.as_deref(), Some("a.exe"));
    assert!(!props.truncated);
    assert_eq!(props.unreadable, None);
}

#[test]
fn an_unknown_type_or_an_oversized_value_ends_the_list() {
    let unknown = [
        &0x0099u16.to_le_bytes()[..],
        &0x3707u16.to_le_bytes(),
        b"????",
    ]
    .concat();
    let bytes = list(1_000_000, &[&unknown]);
    let mut props = AttachProps::default();
    props.read(&bytes);
    assert!(props.long_filename.is_empty());
    // The rest of the list cannot be read: that is said, not dropped.
    let why = props.unreadable.expect("unreadable");
    assert!(why.contains("0x0099"), "{why}");

    let oversized = [
        &0x0102u16.to_le_bytes()[..],
        &0x3701u16.to_le_bytes(),
        &1u32.to_le_bytes(),
        &u32::MAX.to_le_bytes(),
        b"abc",
    ]
    .concat();
    let bytes = list(1, &[&oversized]);
    let mut props = AttachProps::default();
    props.read(&bytes);
    assert!(props.truncated);
    assert!(props.data.is_empty());
}

#[test]
fn every_value_of_a_repeated_or_multi_valued_property_is_kept() {
    let long = |name: &[u8]| {
        [
            &0x001Eu16.to_le_bytes()[..],
            &0x3707u16.to_le_bytes(),
            &1u32.to_le_bytes(),
            &12u32.to_le_bytes(),
            name,
        ]
        .concat()
    };
    // PT_MV_BINARY attach data with two values.
    let data = [
        &0x1102u16.to_le_bytes()[..],
        &0x3701u16.to_le_bytes(),
        &2u32.to_le_bytes(),
        &4u32.to_le_bytes(),
        b"aaaa",
        &4u32.to_le_bytes(),
        b"bbbb",
    ]
    .concat();
    let bytes = list(
        3,
        &[&long(b"invoice.txt\0"), &long(b"invoice.js\0\0"), &data],
    );
    let mut props = AttachProps::default();
    props.read(&bytes);
    let names: Vec<String> = props.long_filename.iter().map(|s| s.decode(1252)).collect();
    assert_eq!(names, ["invoice.txt", "invoice.js"]);
    assert_eq!(props.data, [b"aaaa", b"bbbb"]);
    assert_eq!(props.unreadable, None);
    // A list shorter than its count says so.
    let bytes = list(4, &[&long(b"invoice.txt\0")]);
    let mut props = AttachProps::default();
    props.read(&bytes);
    assert!(props.unreadable.is_some());
}

#[test]
fn code_pages() {
    assert_eq!(decode_8bit(b"caf\xE9.txt\0junk", 1252), "café.txt");
    assert_eq!(decode_8bit(b"\x82\xA0.js", 932), "あ.js");
    assert_eq!(decode_8bit(b"\xE4.vbs", 28597), "δ.vbs");
    // Unknown code pages fall back to Windows-1252.
    assert_eq!(decode_8bit(b"\x80.exe", 4242), "€.exe");
}
