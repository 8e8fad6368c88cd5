//! Fuzz target: the Office macro reader (`container::office::macros`) and
//! the OLE Packager listing (`packaged_files`), on the input as given and
//! as the data of an RTF object (so that the OLE1 and Packager readers
//! get arbitrary bytes), with small caps so that limits are reached too.
#![no_main]

use libfuzzer_sys::fuzz_target;
use qmvc::container::office::{OfficeLimits, macros, packaged_files};

fuzz_target!(|data: &[u8]| {
    let small = OfficeLimits {
        max_entries: 64,
        max_part_bytes: 1 << 20,
        max_total_bytes: 2 << 20,
        max_depth: 2,
        max_records: 10_000,
    };
    let _ = macros(data, &small);
    let _ = packaged_files(data, &small);
    let _ = macros(data, &OfficeLimits::default());
    let mut rtf = b"{\\rtf1{\\object{\\*\\objdata ".to_vec();
    for b in data {
        rtf.extend_from_slice(format!("{b:02x}").as_bytes());
    }
    let _ = macros(&rtf, &small);
    let _ = packaged_files(&rtf, &small);
});
