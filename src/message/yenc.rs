//! yEnc blocks (yEnc 1.3, www.yenc.org): `=ybegin ... name=NAME` lines,
//! 8-bit data lines, `=yend`. Usenet readers and Thunderbird decode them
//! wherever they appear in a text body, and some mailers send a part with
//! `Content-Transfer-Encoding: x-yencode`.
//!
//! Pure and bounded like [`super::uuencode::blocks`]: at most `max_blocks`
//! blocks, no more decoded bytes than the caller's budget. Decoding is
//! lenient as the readers are: a missing `=yend`, a wrong size or CRC
//! make the block unclean, not unread.

use super::uuencode::{Block, Found};

/// Every yEnc block of `text` (one per `=ybegin` line), at most
/// `max_blocks`, decoding no more than `*budget` bytes in all (the budget
/// is decreased by what was decoded).
pub(crate) fn blocks(text: &[u8], max_blocks: usize, budget: &mut usize) -> Found {
    let mut found = Found::default();
    if memchr::memmem::find(text, b"=ybegin ").is_none() {
        return found;
    }
    let mut lines = text.split(|&b| b == b'\n').map(trim_cr);
    while let Some(line) = lines.next() {
        let Some(rest) = line.strip_prefix(b"=ybegin ") else {
            continue;
        };
        if found.blocks.len() >= max_blocks {
            found.blocks_cut = true;
            break;
        }
        // The name is the last keyword and runs to the end of the line
        // (it may hold spaces).
        let name = find_sub(rest, b"name=")
            .and_then(|at| rest.get(at + 5..))
            .unwrap_or(b"")
            .to_vec();
        let size = keyword(rest, b"size=");
        let mut data = Vec::new();
        let mut ended = false;
        let mut cut = false;
        for line in lines.by_ref() {
            if line.starts_with(b"=ypart ") {
                continue;
            }
            if line.starts_with(b"=yend") {
                ended = true;
                break;
            }
            if data.len() >= *budget {
                cut = true;
                continue;
            }
            decode_line(line, &mut data);
        }
        if data.len() > *budget {
            data.truncate(*budget);
            cut = true;
        }
        found.budget_cut |= cut;
        *budget -= data.len();
        let clean = ended && size.is_none_or(|s| s == data.len());
        found.blocks.push(Block { name, data, clean });
    }
    found
}

/// One data line: every byte minus 42, `=X` is `X` minus 64 minus 42;
/// line ends are not data.
fn decode_line(line: &[u8], out: &mut Vec<u8>) {
    let mut escaped = false;
    for &b in line {
        if escaped {
            out.push(b.wrapping_sub(64).wrapping_sub(42));
            escaped = false;
        } else if b == b'=' {
            escaped = true;
        } else {
            out.push(b.wrapping_sub(42));
        }
    }
}

/// The number after `key` (`size=1234`) among the line's keywords.
fn keyword(line: &[u8], key: &[u8]) -> Option<usize> {
    let at = line
        .split(|&b| b == b' ')
        .find_map(|word| word.strip_prefix(key))?;
    std::str::from_utf8(at).ok()?.parse().ok()
}

fn find_sub(hay: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(hay, needle)
}

fn trim_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        for &c in data {
            let o = c.wrapping_add(42);
            if matches!(o, 0 | b'\n' | b'\r' | b'=') {
                out.extend_from_slice(&[b'=', o.wrapping_add(64)]);
            } else {
                out.push(o);
            }
        }
        out
    }

    #[test]
    fn block_in_text_decoded_with_its_name() {
        let data: Vec<u8> = (0..=255).collect();
        let mut text = b"hello\r\n=ybegin line=128 size=256 name=a b.exe\r\n".to_vec();
        text.extend(encode(&data));
        text.extend_from_slice(b"\r\n=yend size=256\r\nbye\r\n");
        let mut budget = 1000;
        let found = blocks(&text, 5, &mut budget);
        assert_eq!(found.blocks.len(), 1);
        let b = &found.blocks[0];
        assert_eq!(b.name, b"a b.exe");
        assert_eq!(b.data, data);
        assert!(b.clean);
        assert_eq!(budget, 1000 - 256);
    }

    #[test]
    fn unterminated_block_and_caps() {
        let text = b"=ybegin size=3 name=x\r\nKLM\r\n=yend\r\n=ybegin name=y\r\nK\r\n=yend\r\n";
        let mut budget = 2;
        let found = blocks(text, 1, &mut budget);
        assert!(found.blocks_cut);
        assert_eq!(found.blocks[0].data, b"!\"");
        assert!(!found.blocks[0].clean, "cut at the budget: size differs");
        assert!(found.budget_cut);
        assert_eq!(budget, 0);
    }

    #[test]
    fn text_without_ybegin_costs_nothing() {
        let mut budget = 10;
        assert!(
            blocks(b"=ybeginning of nothing", 5, &mut budget)
                .blocks
                .is_empty()
        );
    }
}
