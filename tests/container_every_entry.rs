//! Entries a client extracts that a reader could pass over: every LZ4
//! frame of a stream, cpio and tar entries of any type that carry data,
//! ar members named from a table that comes after them and ar symbol
//! tables, ISO 9660 trees deeper than the walk goes, and saved messages
//! inside archives (their header read as leniently as the clients read
//! it, their parser's caps, one level past the depth limit). Each is
//! either read or `unchecked`, never clean. Archives are made by the real
//! tools (lz4, tar, bsdtar, ar, genisoimage, zip), hand-patched where no
//! tool writes the case. A test whose tool is missing says so loudly and
//! skips.

mod container_support;

use container_support::{Scratch, details, findings, have, pe, verdict, with_attachment};
use qmvc::verdict::{Condition, Verdict};

/// A tar of `evil.js` (made by `tar`) in `s`, as `evil.tar`.
fn evil_tar(s: &Scratch) -> Vec<u8> {
    s.file("evil.js", b"WScript.Echo(1)");
    s.make("tar", &["cf", "evil.tar", "evil.js"], "evil.tar")
}

#[test]
fn every_lz4_frame_is_read_and_trailing_bytes_are_unchecked() {
    let test = "every_lz4_frame_is_read_and_trailing_bytes_are_unchecked";
    if !(have("lz4", test) && have("tar", test)) {
        return;
    }
    let s = Scratch::new();
    let tar = evil_tar(&s);
    // The tar split after its first block: `cat a.lz4 b.lz4`, which
    // `lz4 -dc` decodes whole.
    s.file("part1", &tar[..512]);
    s.file("part2", &tar[512..]);
    s.file("empty", b"");
    let a = s.make("lz4", &["-q", "part1", "part1.lz4"], "part1.lz4");
    let b = s.make("lz4", &["-q", "part2", "part2.lz4"], "part2.lz4");
    let e = s.make("lz4", &["-q", "empty", "empty.lz4"], "empty.lz4");
    let skippable = [
        &0x184D_2A53u32.to_le_bytes()[..],
        &3u32.to_le_bytes(),
        b"abc",
    ]
    .concat();
    for (case, stream) in [
        ("two frames", [a.clone(), b.clone()].concat()),
        (
            "an empty frame first",
            [e.clone(), a.clone(), b.clone()].concat(),
        ),
        (
            "a skippable frame between",
            [a.clone(), skippable, b.clone()].concat(),
        ),
    ] {
        let raw = with_attachment("docs.tar.lz4", &stream);
        assert_eq!(
            details(&findings(&raw), Condition::Filename),
            vec!["docs.tar.lz4/docs.tar/evil.js"],
            "{case}"
        );
    }
    // Bytes after the last frame that are no frame: lz4 -dc fails on
    // them, and what they would hide is not examined.
    let whole = s.make("lz4", &["-q", "evil.tar", "evil.tar.lz4"], "evil.tar.lz4");
    s.file("readme.txt", b"hello");
    s.make("tar", &["cf", "clean.tar", "readme.txt"], "clean.tar");
    let clean = s.make(
        "lz4",
        &["-q", "clean.tar", "clean.tar.lz4"],
        "clean.tar.lz4",
    );
    assert_eq!(
        verdict(&with_attachment("c.tar.lz4", &clean)),
        Verdict::Clean
    );
    for junk in [&b"JUNKJUNKJUNKJUNK"[..], b"\0\0\0\0\0\0\0\0", b"xy"] {
        let raw = with_attachment("c.tar.lz4", &[clean.clone(), junk.to_vec()].concat());
        assert_eq!(verdict(&raw), Verdict::Unchecked, "{junk:?}");
    }
    let raw = with_attachment("x.tar.lz4", &[whole, b"JUNKJUNK".to_vec()].concat());
    assert_eq!(verdict(&raw), Verdict::Unchecked);
}
