//! The streamed base64 body against the eager decoder: same bytes, same
//! length, same cleanliness, whatever the input.

use std::io::Read;

use bytes::Bytes;
use proptest::prelude::*;

use super::super::parse::decode_base64;
use super::{Body, probe_base64};

fn streamed(encoded: &[u8]) -> Vec<u8> {
    let probe = probe_base64(encoded, usize::MAX, 0, 0);
    let body = Body::base64(Bytes::copy_from_slice(encoded), probe.len);
    let mut out = Vec::new();
    body.reader()
        .read_to_end(&mut out)
        .expect("reader never fails");
    assert_eq!(out.len(), body.len());
    out
}

/// Valid, invalid, odd-padded and whitespace-laden inputs, some of them
/// longer than one decoding step so that quanta straddle steps.
fn samples() -> Vec<Vec<u8>> {
    let long: Vec<u8> = (0..300_000u32)
        .map(|i| b"QUJD RA==\r\nx!=A\tB"[i as usize % 17])
        .collect();
    let wrapped: Vec<u8> = b"TWFu"
        .iter()
        .cycle()
        .take(200_003)
        .copied()
        .collect::<Vec<u8>>()
        .chunks(76)
        .flat_map(|l| l.iter().copied().chain(*b"\r\n"))
        .collect();
    vec![
        b"".to_vec(),
        b"QUJD".to_vec(),
        b"QQ==QkM=".to_vec(),
        b"QUJD\r\nRA".to_vec(),
        b"Q".to_vec(),
        b"QU=JD===".to_vec(),
        b"  Q U\tJ\nD  ".to_vec(),
        b"QU*J%D".to_vec(),
        long,
        wrapped,
    ]
}

#[test]
fn streamed_decoding_gives_the_eager_bytes() {
    for input in samples() {
        let (eager, clean) = decode_base64(&input);
        let probe = probe_base64(&input, usize::MAX, 0, 0);
        assert_eq!(probe.len, eager.len());
        assert_eq!(probe.clean, clean);
        assert!(streamed(&input) == eager, "input of {} bytes", input.len());
    }
}

#[test]
fn probe_keeps_head_and_tail_of_the_capped_content() {
    for input in samples() {
        let (eager, _) = decode_base64(&input);
        for cap in [0, 1, 5, 70_000, usize::MAX] {
            let probe = probe_base64(&input, cap, 1000, 512);
            let kept = eager.get(..cap).unwrap_or(&eager);
            assert_eq!(probe.len, eager.len(), "the length is never capped");
            assert_eq!(probe.head, kept.get(..1000).unwrap_or(kept));
            assert_eq!(
                probe.tail,
                kept.get(kept.len().saturating_sub(512)..).unwrap_or(kept)
            );
        }
    }
}

#[test]
fn head_bytes_and_truncate_agree_with_the_reader() {
    let (eager, _) = decode_base64(&samples().remove(9));
    let body = Body::base64(Bytes::from(samples().remove(9)), eager.len()).truncate(100_000);
    assert!(body.is_streamed());
    assert_eq!(body.len(), 100_000);
    assert_eq!(&body.head(10)[..], eager.get(..10).expect("long"));
    assert!(body.bytes()[..] == eager[..100_000]);
    assert!(body.head(usize::MAX)[..] == eager[..100_000]);
}

proptest! {
    #[test]
    fn streamed_equals_eager_on_any_input(
        input in proptest::collection::vec(
            prop_oneof![
                Just(b'='), Just(b'\n'), Just(b' '), Just(b'!'),
                b'A'..=b'Z', b'a'..=b'z', b'0'..=b'9', Just(b'+'), Just(b'/'),
            ],
            0..2000,
        )
    ) {
        let (eager, clean) = decode_base64(&input);
        let probe = probe_base64(&input, usize::MAX, 64, 16);
        prop_assert_eq!(probe.len, eager.len());
        prop_assert_eq!(probe.clean, clean);
        prop_assert_eq!(streamed(&input), eager);
    }
}
