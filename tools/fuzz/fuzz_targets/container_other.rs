//! Fuzz target: the container readers without a target of their own
//! (cpio, ar, tar, cab and the single streams: gzip, bzip2, xz, zstd,
//! lz4), the first byte choosing the reader (`container::read`, with the
//! small limits of `shared/container.rs`), and the format check with its
//! searches behind a stub (`container::sniff`) on the rest.
#![no_main]

use libfuzzer_sys::fuzz_target;
use qmvc::container::{self, Format};

#[path = "shared/container.rs"]
mod shared;

const FORMATS: [Format; 9] = [
    Format::Cpio,
    Format::Ar,
    Format::Tar,
    Format::Cab,
    Format::Gzip,
    Format::Bzip2,
    Format::Xz,
    Format::Zstd,
    Format::Lz4,
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let format = FORMATS[usize::from(pick) % FORMATS.len()];
    shared::read(format, rest);
    let _ = container::sniff(rest);
});
