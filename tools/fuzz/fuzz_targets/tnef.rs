//! Fuzz target: the TNEF reader (`container::tnef::attachments`); every
//! slice it returns must lie inside the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use qmvc::container::tnef::{TnefAttachment, TnefLimits, attachments};

fn check(data: &[u8], list: &[TnefAttachment<'_>]) {
    let range = data.as_ptr_range();
    for a in list {
        let inner = a.data.as_ptr_range();
        assert!(a.data.is_empty() || (range.start <= inner.start && inner.end <= range.end));
        check(data, &a.attachments);
    }
}

fuzz_target!(|data: &[u8]| {
    let limits = TnefLimits {
        max_attachments: 100,
        max_depth: 3,
    };
    if let Ok(tnef) = attachments(data, &limits) {
        check(data, &tnef.attachments);
    }
});
