//! Fuzz target: the decoders added to read MIME the way every client
//! might (yEnc, BinHex 4.0, S/MIME signed data, the other readings of
//! base64 and quoted-printable, uuencode under its other names, boundary
//! and parameter readings, Windows' views of names), reached through
//! `message::parse` by wrapping the input in each way a message can hand
//! it to them: as a text body holding blocks, as a part under each
//! transfer encoding and type, and as a header parameter value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use qmvc::message::{self, Limits};

/// (header lines of the part, whether the input goes in the header).
const WRAPPERS: &[(&str, bool)] = &[
    ("Content-Type: text/plain\r\n", false),
    ("Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: x-yencode\r\n", false),
    ("Content-Type: application/mac-binhex40\r\n", false),
    ("Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: x-uu\r\n", false),
    ("Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n", false),
    ("Content-Type: text/plain\r\nContent-Transfer-Encoding: quoted-printable\r\n", false),
    ("Content-Type: application/pkcs7-mime; smime-type=signed-data\r\n", false),
    ("Content-Type: message/partial; number=1; total=1\r\n", false),
    ("Content-Type: application/octet-stream\r\nContent-Disposition: attachment; filename", true),
    ("Content-Type: multipart/mixed; boundary", true),
];

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        max_message_bytes: 1 << 20,
        max_header_bytes: 4096,
        max_depth: 8,
        max_parts: 64,
        max_decoded_bytes: 1 << 20,
        max_uuencode_blocks: 4,
    };
    for (head, in_header) in WRAPPERS {
        let mut raw = b"From: f@example.org\r\nMIME-Version: 1.0\r\n".to_vec();
        raw.extend_from_slice(head.as_bytes());
        if *in_header {
            raw.push(b'=');
            raw.extend_from_slice(data);
            raw.extend_from_slice(b"\r\n\r\nbody\r\n");
        } else {
            raw.extend_from_slice(b"\r\n");
            raw.extend_from_slice(data);
        }
        let m = message::parse(&raw, &limits);
        assert!(m.parts.len() <= limits.max_parts);
        let decoded: usize = m.parts.iter().map(|p| p.body.len()).sum();
        assert!(decoded <= limits.max_decoded_bytes.max(raw.len()));
        for part in &m.parts {
            assert!(part.names.len() <= 64);
            for name in &part.names {
                let _ = message::normalise_windows_name(name);
            }
        }
    }
});
