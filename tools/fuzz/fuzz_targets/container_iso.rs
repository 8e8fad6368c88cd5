//! Fuzz target: the ISO 9660 directory reader (`container::read(Format::Iso, ..)`),
//! with small limits (`shared/container.rs`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use qmvc::container::Format;

#[path = "shared/container.rs"]
mod shared;

fuzz_target!(|data: &[u8]| shared::read(Format::Iso, data));
