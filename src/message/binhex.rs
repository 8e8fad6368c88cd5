//! BinHex 4.0 blocks (RFC 1741): `(This file must be converted with
//! BinHex 4.0)`, then `:` six-bit text `:`, run-length encoded (0x90),
//! holding a header (name, type, creator, fork lengths, CRC), the data
//! fork and the resource fork. Eudora, Apple Mail and Thunderbird
//! (mimebinhex) decode it in text bodies, in parts sent as
//! `application/mac-binhex40`, and with `Content-Transfer-Encoding:
//! x-binhex40`.
//!
//! Pure and bounded like [`super::uuencode::blocks`]. The data fork is the
//! part's content (the resource fork of a Macintosh file holds no program
//! Windows runs). A CRC that does not match makes a block unclean, as the
//! readers still show it.

use super::uuencode::{Block, Found};

/// The line that announces a block (RFC 1741 §2, "BinHex 4.0 format").
const MARK: &[u8] = b"(This file must be converted with BinHex";

/// The 64 characters of the six-bit encoding, in value order.
const ALPHABET: &[u8; 64] = b"!\"#$%&'()*+,-012345689@ABCDEFGHIJKLMNPQRSTUVXYZ[`abcdefhijklmpqr";

/// Every BinHex block of `text`, at most `max_blocks`, decoding no more
/// than `*budget` bytes in all. `anywhere` also reads a block without
/// its announcement line (a part declared BinHex starts at its `:`).
pub(crate) fn blocks(text: &[u8], max_blocks: usize, budget: &mut usize, anywhere: bool) -> Found {
    let mut found = Found::default();
    let mut at = match memchr::memmem::find(text, MARK) {
        Some(at) => at,
        None if anywhere => 0,
        None => return found,
    };
    while let Some(colon) = memchr::memchr(b':', text.get(at..).unwrap_or(b"")) {
        if found.blocks.len() >= max_blocks {
            found.blocks_cut = true;
            break;
        }
        let start = at + colon + 1;
        let (raw, end, closed) = six_bit(text.get(start..).unwrap_or(b""), budget);
        let stream = run_length(&raw, budget.saturating_add(64));
        if let Some((name, data, crc_ok)) = fork(&stream, budget) {
            *budget -= data.len();
            found.budget_cut |= *budget == 0;
            found.blocks.push(Block {
                name,
                data,
                clean: closed && crc_ok,
            });
        }
        // The next block needs its own announcement.
        at = match memchr::memmem::find(text.get(start + end..).unwrap_or(b""), MARK) {
            Some(next) => start + end + next,
            None => break,
        };
    }
    found
}

/// The bytes of the six-bit text up to the closing `:` (white space
/// skipped, other characters ending it); the offset after it and whether
/// the `:` came. Stops at a little over `budget` bytes.
fn six_bit(text: &[u8], budget: &usize) -> (Vec<u8>, usize, bool) {
    let cap = budget.saturating_mul(2).saturating_add(64);
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0u32);
    for (i, &c) in text.iter().enumerate() {
        if c == b':' {
            return (out, i + 1, true);
        }
        if c.is_ascii_whitespace() {
            continue;
        }
        let Some(v) = ALPHABET.iter().position(|&a| a == c) else {
            return (out, i, false);
        };
        acc = (acc << 6 | v as u32) & 0xFF_FFFF;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
        if out.len() > cap {
            return (out, i, false);
        }
    }
    (out, text.len(), false)
}

/// RFC 1741's run-length encoding undone: `c 0x90 n` is `c` n times,
/// `0x90 0x00` a literal 0x90. At most `cap` bytes out.
fn run_length(raw: &[u8], cap: usize) -> Vec<u8> {
    let mut out: Vec<u8> = Vec::with_capacity(raw.len().min(cap));
    let mut i = 0;
    while let Some(&b) = raw.get(i) {
        if out.len() >= cap {
            break;
        }
        if b == 0x90 {
            match raw.get(i + 1) {
                Some(0) => out.push(0x90),
                Some(&n) => {
                    let last = out.last().copied().unwrap_or(0);
                    let more = usize::from(n).saturating_sub(1).min(cap - out.len());
                    out.extend(std::iter::repeat_n(last, more));
                }
                None => {}
            }
            i += 2;
            continue;
        }
        out.push(b);
        i += 1;
    }
    out
}

/// The header and data fork of a decoded stream: (name, data cut at
/// `budget`, both CRCs right).
fn fork(stream: &[u8], budget: &usize) -> Option<(Vec<u8>, Vec<u8>, bool)> {
    let name_len = usize::from(*stream.first()?);
    let name = stream.get(1..1 + name_len)?.to_vec();
    // version 1, type 4, creator 4, flags 2, data length 4, resource length 4.
    let fixed = 1 + name_len + 1 + 4 + 4 + 2;
    let data_len = u32::from_be_bytes(stream.get(fixed..fixed + 4)?.try_into().ok()?) as usize;
    let header_end = fixed + 8;
    let header_crc = u16::from_be_bytes(stream.get(header_end..header_end + 2)?.try_into().ok()?);
    let header_ok = crc16(stream.get(..header_end)?) == header_crc;
    let data_start = header_end + 2;
    let available = stream.get(data_start..).unwrap_or(b"");
    let data = available.get(..data_len.min(*budget)).unwrap_or(available);
    let data_ok = data.len() == data_len
        && stream
            .get(data_start + data_len..data_start + data_len + 2)
            .and_then(|c| c.try_into().ok())
            .map(u16::from_be_bytes)
            == Some(crc16(data));
    Some((name, data.to_vec(), header_ok && data_ok))
}

/// CRC-16/XMODEM (polynomial 0x1021, initial 0), as RFC 1741 computes it.
fn crc16(data: &[u8]) -> u16 {
    let mut crc: u16 = 0;
    for &b in data {
        crc ^= u16::from(b) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
        }
    }
    crc
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(data: &[u8], name: &[u8]) -> Vec<u8> {
        let mut hdr = vec![name.len() as u8];
        hdr.extend_from_slice(name);
        hdr.extend_from_slice(&[0; 11]);
        hdr.extend_from_slice(&(data.len() as u32).to_be_bytes());
        hdr.extend_from_slice(&[0; 4]);
        let mut stream = hdr.clone();
        stream.extend_from_slice(&crc16(&hdr).to_be_bytes());
        stream.extend_from_slice(data);
        stream.extend_from_slice(&crc16(data).to_be_bytes());
        stream.extend_from_slice(&[0, 0]);
        let mut rle = Vec::new();
        for b in stream {
            rle.push(b);
            if b == 0x90 {
                rle.push(0);
            }
        }
        let mut out = b"(This file must be converted with BinHex 4.0)\r\n\r\n:".to_vec();
        let (mut acc, mut bits) = (0u32, 0);
        for b in rle {
            acc = acc << 8 | u32::from(b);
            bits += 8;
            while bits >= 6 {
                bits -= 6;
                out.push(ALPHABET[((acc >> bits) & 63) as usize]);
                if out.len().is_multiple_of(64) {
                    out.extend_from_slice(b"\r\n");
                }
            }
        }
        if bits > 0 {
            out.push(ALPHABET[((acc << (6 - bits)) & 63) as usize]);
        }
        out.push(b':');
        out
    }

    #[test]
    fn block_decoded_with_name_and_crc() {
        let data: Vec<u8> = (0..=255).chain([0x90, 0x90, 7]).collect();
        let text = [b"see\r\n".as_slice(), &encode(&data, b"invoice.exe")].concat();
        let mut budget = 10_000;
        let found = blocks(&text, 5, &mut budget, false);
        assert_eq!(found.blocks.len(), 1);
        assert_eq!(found.blocks[0].name, b"invoice.exe");
        assert_eq!(found.blocks[0].data, data);
        assert!(found.blocks[0].clean);
    }

    #[test]
    fn run_length_repeats_and_escapes() {
        assert_eq!(run_length(&[b'a', 0x90, 4, 0x90, 0], 100), b"aaaa\x90");
        assert_eq!(run_length(&[b'a', 0x90, 255], 10).len(), 10);
    }

    #[test]
    fn broken_blocks_do_not_panic_and_respect_the_budget() {
        let mut budget = 3;
        let text = encode(&[1; 100], b"x");
        let found = blocks(&text, 5, &mut budget, false);
        assert_eq!(found.blocks[0].data.len(), 3);
        assert!(!found.blocks[0].clean);
        for t in [
            &b":"[..],
            b"(This file must be converted with BinHex:!!!!",
            b"::::",
        ] {
            let mut budget = 100;
            let _ = blocks(t, 5, &mut budget, true);
        }
    }
}
