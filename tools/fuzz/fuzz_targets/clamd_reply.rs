//! Fuzz target: the clamd reply parser (`engines::clamd::parse_reply`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = qmvc::engines::clamd::parse_reply(data);
});
