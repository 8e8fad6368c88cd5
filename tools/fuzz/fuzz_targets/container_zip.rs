//! Fuzz target: the zip reader (`container::read(Format::Zip, ..)`: every
//! end record, the local headers, the extra fields), with small limits
//! (`shared/container.rs`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use qmvc::container::Format;

#[path = "shared/container.rs"]
mod shared;

fuzz_target!(|data: &[u8]| shared::read(Format::Zip, data));
