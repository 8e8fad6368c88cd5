//! Fuzz target: the 7z header reader (`container::read(Format::SevenZ, ..)`),
//! with small limits (`shared/container.rs`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use qmvc::container::Format;

#[path = "shared/container.rs"]
mod shared;

fuzz_target!(|data: &[u8]| shared::read(Format::SevenZ, data));
