//! uuencoded blocks inside text parts, decoded as qmail-scanner did (it
//! ran uudecode over every text part): `begin MODE name` ... `end`, and
//! GNU's `begin-base64 MODE name` ... `====` (uuencode(5), POSIX
//! `uuencode`). Old mailers and some malware still send attachments so.
//!
//! Pure and bounded: at most `max_blocks` blocks per call, and no more
//! decoded bytes than the caller's budget.

/// One decoded block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Block {
    /// The name on the `begin` line, raw bytes (trailing CR and blanks
    /// removed).
    pub name: Vec<u8>,
    /// The decoded content, cut at the budget.
    pub data: Vec<u8>,
    /// False when the `end` line never came (the block ran to the end of
    /// the text) or a line did not decode cleanly.
    pub clean: bool,
}

/// What [`blocks`] found.
#[derive(Debug, Default)]
pub(crate) struct Found {
    /// The blocks, in order.
    pub blocks: Vec<Block>,
    /// More blocks followed than `max_blocks` allowed.
    pub blocks_cut: bool,
    /// The budget of decoded bytes ran out.
    pub budget_cut: bool,
}

/// Every uuencoded block in `text`, at most `max_blocks`, decoding no more
/// than `*budget` bytes in all (the budget is decreased by what was
/// decoded).
pub(crate) fn blocks(text: &[u8], max_blocks: usize, budget: &mut usize) -> Found {
    let mut found = Found::default();
    // Cheap test first: most text parts have no `begin` at all.
    if memchr::memmem::find(text, b"begin").is_none() {
        return found;
    }
    let mut lines = text.split(|&b| b == b'\n').map(trim_line);
    while let Some(line) = lines.next() {
        let Some((base64, name)) = begin_line(line) else {
            continue;
        };
        if found.blocks.len() >= max_blocks {
            found.blocks_cut = true;
            break;
        }
        let mut data = Vec::new();
        let mut clean = false;
        let mut bad_line = false;
        let mut base64_bits = Vec::new();
        for line in lines.by_ref() {
            if base64 {
                if line == b"====" {
                    clean = true;
                    break;
                }
                base64_bits.extend_from_slice(line);
                continue;
            }
            if line == b"end" {
                clean = true;
                break;
            }
            bad_line |= !decode_line(line, &mut data);
        }
        if base64 {
            let (decoded, ok) = super::parse::decode_base64(&base64_bits);
            data = decoded;
            bad_line = !ok;
        }
        if data.len() > *budget {
            data.truncate(*budget);
            found.budget_cut = true;
        }
        *budget -= data.len();
        found.blocks.push(Block {
            name: name.to_vec(),
            data,
            clean: clean && !bad_line,
        });
        if found.budget_cut {
            break;
        }
    }
    found
}

fn trim_line(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// `begin 644 name` (mode: one to four octal digits, as uudecode(1)
/// accepts) or `begin-base64 644 name`; returns (is base64, name).
fn begin_line(line: &[u8]) -> Option<(bool, &[u8])> {
    let (base64, rest) = if let Some(rest) = line.strip_prefix(b"begin-base64 ") {
        (true, rest)
    } else {
        (false, line.strip_prefix(b"begin ")?)
    };
    let rest = trim_start(rest);
    let digits = rest
        .iter()
        .take_while(|b| (b'0'..=b'7').contains(b))
        .count();
    if !(1..=4).contains(&digits) {
        return None;
    }
    let after = rest.get(digits..)?;
    if !after.first().is_some_and(|b| *b == b' ' || *b == b'\t') {
        return None;
    }
    let name = trim_end(trim_start(after));
    (!name.is_empty()).then_some((base64, name))
}

fn trim_start(b: &[u8]) -> &[u8] {
    let n = b.iter().take_while(|c| **c == b' ' || **c == b'\t').count();
    b.get(n..).unwrap_or(b"")
}

fn trim_end(b: &[u8]) -> &[u8] {
    let n = b
        .iter()
        .rev()
        .take_while(|c| c.is_ascii_whitespace())
        .count();
    b.get(..b.len() - n).unwrap_or(b"")
}

/// One uuencoded line: a length character, then groups of four characters
/// for three bytes, each character `(c - 0x20) & 0x3F` (so both space and
/// backquote are zero). Missing characters count as zero, as encoders that
/// strip trailing blanks require. Returns false for a line that cannot be
/// uuencode.
fn decode_line(line: &[u8], out: &mut Vec<u8>) -> bool {
    let Some((&len_char, rest)) = line.split_first() else {
        return true;
    };
    if !(0x20..=0x60).contains(&len_char) {
        return false;
    }
    let want = usize::from((len_char - 0x20) & 0x3F);
    let mut ok = rest.iter().all(|c| (0x20..=0x60).contains(c));
    let mut produced = 0;
    for group in rest.chunks(4) {
        let v = |i: usize| u32::from(group.get(i).map_or(0, |c| c.wrapping_sub(0x20) & 0x3F));
        let n = v(0) << 18 | v(1) << 12 | v(2) << 6 | v(3);
        for shift in [16u32, 8, 0] {
            if produced < want {
                out.push(((n >> shift) & 0xFF) as u8);
                produced += 1;
            }
        }
    }
    if produced < want {
        ok = false;
    }
    ok
}

#[cfg(test)]
mod tests {
    use super::*;

    // "Cat" and "hello world\n" encoded by GNU uuencode.
    const HELLO: &[u8] = b"begin 644 hello.txt\n,:&5L;&\\@=V]R;&0*\n`\nend\n";

    #[test]
    fn decodes_a_block() {
        let mut budget = 1000;
        let f = blocks(HELLO, 10, &mut budget);
        assert_eq!(f.blocks.len(), 1);
        let b = &f.blocks[0];
        assert_eq!(b.name, b"hello.txt");
        assert_eq!(b.data, b"hello world\n");
        assert!(b.clean);
        assert_eq!(budget, 1000 - 12);
    }

    #[test]
    fn crlf_and_text_around() {
        let text = b"Hi,\r\nsee attached.\r\n\r\nbegin 755 run.exe\r\n#0V%T\r\n`\r\nend\r\nbye\r\n";
        let mut budget = 1000;
        let f = blocks(text, 10, &mut budget);
        assert_eq!(f.blocks.len(), 1);
        assert_eq!(f.blocks[0].name, b"run.exe");
        assert_eq!(f.blocks[0].data, b"Cat");
        assert!(f.blocks[0].clean);
    }

    #[test]
    fn base64_flavour() {
        let text = b"begin-base64 644 cat.txt\nQ2F0\n====\n";
        let mut budget = 1000;
        let f = blocks(text, 10, &mut budget);
        assert_eq!(f.blocks[0].data, b"Cat");
        assert_eq!(f.blocks[0].name, b"cat.txt");
    }

    #[test]
    fn missing_end_is_not_clean() {
        let mut budget = 1000;
        let f = blocks(b"begin 644 x.bin\n#0V%T\n", 10, &mut budget);
        assert_eq!(f.blocks[0].data, b"Cat");
        assert!(!f.blocks[0].clean);
    }

    #[test]
    fn not_a_begin_line() {
        let mut budget = 1000;
        for text in [
            &b"begin to write\nend\n"[..],
            b"begin 999 x\nend\n",
            b"begin 644\nend\n",
            b" begin 644 x\nend\n",
        ] {
            assert!(blocks(text, 10, &mut budget).blocks.is_empty());
        }
    }

    #[test]
    fn limits_blocks_and_budget() {
        let text = HELLO.repeat(5);
        let mut budget = 1000;
        let f = blocks(&text, 3, &mut budget);
        assert_eq!(f.blocks.len(), 3);
        assert!(f.blocks_cut);
        let mut budget = 15;
        let f = blocks(&text, 10, &mut budget);
        assert_eq!(f.blocks.len(), 2);
        assert_eq!(f.blocks[1].data, b"hel");
        assert!(f.budget_cut);
        assert_eq!(budget, 0);
    }

    #[test]
    fn garbage_lines_do_not_panic() {
        let mut budget = 1 << 20;
        let f = blocks(b"begin 644 x\n\xff\xfe\x00\nM\nend\n", 10, &mut budget);
        assert!(!f.blocks[0].clean);
    }
}
