//! Fuzz target: the ISO 9660 directory reader (`container::read(Format::Iso, ..)`),
//! with small limits so that every path, the limits' included, is reached.
#![no_main]

use libfuzzer_sys::fuzz_target;
use qmvc::container::{self, Budget, Format, Limits};

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        max_members: 64,
        max_depth: 3,
        max_bytes: 1 << 20,
        max_ratio: 50,
    };
    let mut budget = Budget::new(&limits);
    let _ = container::read(Format::Iso, data, &mut budget);
});
