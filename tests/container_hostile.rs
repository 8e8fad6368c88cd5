//! Hostile bytes behind every container signature, and every truncation
//! of real archives: the readers never panic, never loop, and whatever
//! they cannot read is `unchecked`, never silently clean.

mod container_support;

use container_support::{Scratch, have, verdict, with_attachment};
use proptest::prelude::*;
use qmvc::container::{self, Budget, Format, Limits, Settings};
use qmvc::message::{self, Limits as MessageLimits};
use qmvc::verdict::Verdict;

/// The first bytes of each format, as `sniff` knows them.
const MAGIC: &[&[u8]] = &[
    b"PK\x03\x04",
    b"PK\x05\x06",
    b"PK\x01\x02\x00\x00\x00\x00\x00\x00\x00\x00",
    b"7z\xBC\xAF\x27\x1C\x00\x04",
    b"Rar!\x1A\x07\x00",
    b"Rar!\x1A\x07\x01\x00",
    b"\x1F\x8B\x08\x08",
    b"BZh9",
    b"\xFD7zXZ\x00",
    b"MSCF\x00\x00\x00\x00",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn random_bytes_behind_a_signature_never_panic(
        which in 0..MAGIC.len(),
        tail in proptest::collection::vec(any::<u8>(), 0..4096),
    ) {
        let mut bytes = MAGIC[which].to_vec();
        bytes.extend(tail);
        for format in Format::ALL {
            let mut budget = Budget::new(&Limits { max_bytes: 1 << 20, ..Limits::default() });
            let _ = container::read(format, &bytes, &mut budget);
        }
    }
}

#[test]
fn every_truncation_of_real_archives_is_read_without_panic() {
    if !(have(
        "zip",
        "every_truncation_of_real_archives_is_read_without_panic",
    ) && have(
        "7zz",
        "every_truncation_of_real_archives_is_read_without_panic",
    )) {
        return;
    }
    let s = Scratch::new();
    s.file("d/a.exe", b"MZ\x90\0");
    s.file("d/b.txt", b"hello hello hello hello");
    let archives = [
        s.make("zip", &["-qr", "a.zip", "d"], "a.zip"),
        s.make("7zz", &["a", "-bd", "-bso0", "a.7z", "d"], "a.7z"),
        s.make("tar", &["czf", "a.tgz", "d"], "a.tgz"),
    ];
    for archive in &archives {
        for cut in 1..archive.len() {
            let mut budget = Budget::new(&Limits::default());
            let format = container::sniff(archive).expect("known format");
            let _ = container::read(format, &archive[..cut], &mut budget);
        }
        // Cut in the middle: the message is not clean.
        let raw = with_attachment("a.bin", &archive[..archive.len() / 2]);
        assert_eq!(verdict(&raw), Verdict::Unchecked, "{:?}", &archive[..8]);
    }
}

#[test]
fn a_container_that_holds_itself_stops_at_the_depth_limit() {
    // A gzip whose content is the same gzip signature again, nested as
    // deep as the budget lets an attacker: max_depth ends it.
    let mut data = b"plain".to_vec();
    for _ in 0..12 {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut gz, &data).expect("gzip");
        data = gz.finish().expect("gzip");
    }
    let raw = with_attachment("deep.gz", &data);
    let parsed = message::parse(&raw, &MessageLimits::default());
    let inside = container::expand(&parsed.parts, &Settings::default());
    assert!(inside.members.len() <= 4, "{}", inside.members.len());
    assert!(
        inside
            .unexamined
            .iter()
            .any(|u| u.detail.contains("max_depth")),
        "{:?}",
        inside.unexamined
    );
}

/// A UDF image with no ISO 9660 bridge (no primary volume descriptor:
/// only the volume recognition sequence BEA01, NSR02, TEA01 at 32 KiB,
/// ECMA-167 2/8.3) cannot be listed: `unchecked`, never clean, whatever it
/// is called.
#[test]
fn a_udf_image_without_an_iso_bridge_is_unchecked() {
    let mut image = vec![0u8; 32 * 1024];
    for id in [b"BEA01", b"NSR02", b"TEA01"] {
        let mut sector = vec![0u8; 2048];
        sector[1..6].copy_from_slice(id);
        sector[6] = 1;
        image.extend(sector);
    }
    image.resize(image.len() + 8 * 2048, 0);
    for name in ["disc.iso", "photos.bin"] {
        assert_eq!(
            verdict(&with_attachment(name, &image)),
            Verdict::Unchecked,
            "{name}"
        );
    }
}
