//! Fuzz target: `message::parse` (the MIME walker, header fields, transfer
//! and charset decoding, RFC 2231/2047 filename decoding, uuencode) with
//! small limits so that every limit is reached, then the filename
//! normalisation and control-character check on every decoded name.
#![no_main]

use libfuzzer_sys::fuzz_target;
use qmvc::message::{self, Limits};

fuzz_target!(|data: &[u8]| {
    let small = Limits {
        max_message_bytes: 1 << 20,
        max_header_bytes: 4096,
        max_depth: 8,
        max_parts: 64,
        max_decoded_bytes: 1 << 20,
        max_uuencode_blocks: 4,
    };
    for limits in [Limits::default(), small] {
        let m = message::parse(data, &limits);
        assert!(m.parts.len() <= limits.max_parts);
        let decoded: usize = m.parts.iter().map(|p| p.body.len()).sum();
        assert!(decoded <= limits.max_decoded_bytes.max(data.len()));
        for part in &m.parts {
            for name in &part.names {
                let _ = message::normalise_windows_name(name);
                let _ = message::suspicious_chars(name);
            }
        }
    }
    // The filename decoder on its own, as if the input were a name.
    let name = String::from_utf8_lossy(data);
    let _ = message::normalise_windows_name(&name);
    let _ = message::suspicious_chars(&name);
});
