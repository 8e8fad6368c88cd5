//! Fuzz target: the Office macro reader (`container::office::macros`) and
//! the OLE Packager listing (`packaged_files`), on the input as given and
//! as the data of an RTF object (so that the OLE1 and Packager readers
//! get arbitrary bytes), as the base64 data of a Flat OPC part and of a
//! Word 2003 `w:binData` after an ActiveMime header, with small caps so
//! that limits are reached too.
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
    // The wrapped readings cost several passes over a larger input: kept
    // to inputs small enough that the run stays fast.
    if data.len() > 4096 {
        return;
    }
    let mut rtf = b"{\\rtf1{\\object{\\*\\objdata ".to_vec();
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for &b in data {
        rtf.push(HEX[usize::from(b >> 4)]);
        rtf.push(HEX[usize::from(b & 0x0F)]);
    }
    let _ = macros(&rtf, &small);
    let _ = packaged_files(&rtf, &small);
    let encoded = b64(data);
    let flat = format!(
        "<pkg:package xmlns:pkg=\"http://schemas.microsoft.com/office/2006/xmlPackage\">\
         <pkg:part pkg:name=\"/word/x.bin\"><pkg:binaryData>{encoded}</pkg:binaryData></pkg:part></pkg:package>"
    );
    let _ = macros(flat.as_bytes(), &small);
    let mut blob = b"ActiveMime".to_vec();
    blob.resize(0x32, 0);
    blob.extend_from_slice(data);
    let word = format!(
        "<w:wordDocument><w:binData w:name=\"editdata.mso\">{}</w:binData></w:wordDocument>",
        b64(&blob)
    );
    let _ = macros(word.as_bytes(), &small);
});

/// Standard base64 with padding.
fn b64(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] =
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}
