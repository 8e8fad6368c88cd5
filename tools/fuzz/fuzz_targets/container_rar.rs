//! Fuzz target: the RAR 4/5 header reader (`container::read(Format::Rar, ..)`),
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
    let _ = container::read(Format::Rar, data, &mut budget);
});
