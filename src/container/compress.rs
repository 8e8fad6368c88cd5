//! The single-stream compressors: gzip (RFC 1952, its FNAME field as the
//! member's name), bzip2 and xz (and legacy `.lzma`). Each gives one
//! member, decompressed no further than its head unless it is itself a
//! container, always within the message's [`Budget`].

use std::io::{self, Write};

use flate2::read::MultiGzDecoder;

use super::{
    Budget, HEAD, Listing, Member, PEEK, Problem, content, over_budget, ratio_bomb, wants_whole,
};

/// The member of the gzip stream `bytes`, named by its FNAME field
/// (empty when absent: the caller names it after the container, as
/// gunzip does), its size from the ISIZE trailer (modulo 4 GiB).
pub fn gzip(bytes: &[u8], budget: &mut Budget) -> Listing {
    let mut listing = Listing::default();
    let mut decoder = MultiGzDecoder::new(bytes);
    let (head, data) = content(
        &mut decoder,
        budget,
        bytes.len() as u64,
        "gzip",
        &mut listing.problems,
    );
    let name = decoder
        .header()
        .and_then(|h| h.filename())
        .map(super::member_name)
        .unwrap_or_default();
    let size = match bytes.len().checked_sub(4).and_then(|at| bytes.get(at..)) {
        Some(&[a, b, c, d]) => u64::from(u32::from_le_bytes([a, b, c, d])),
        _ => 0,
    };
    if let Some(bomb) = ratio_bomb(budget, size, bytes.len() as u64, "gzip") {
        listing.problems.push(bomb);
    }
    let size = data.as_ref().map_or(size, |d| d.len() as u64);
    listing.members.push(Member {
        name,
        size,
        head,
        encrypted: false,
        data,
        aliases: Vec::new(),
    });
    listing
}

/// The member of the bzip2 stream `bytes` (no stored name).
pub fn bzip2(bytes: &[u8], budget: &mut Budget) -> Listing {
    let mut listing = Listing::default();
    let decoder = bzip2::read::MultiBzDecoder::new(bytes);
    let (head, data) = content(
        decoder,
        budget,
        bytes.len() as u64,
        "bzip2",
        &mut listing.problems,
    );
    listing.members.push(Member {
        size: data.as_ref().map_or(head.len() as u64, |d| d.len() as u64),
        head,
        data,
        ..Member::default()
    });
    listing
}

/// The member of the xz (or legacy lzma) stream `bytes` (no stored name).
/// `lzma-rs` writes rather than reads, so the head and the whole are two
/// decompressions, each stopped by a [`Capped`] writer.
pub fn xz(bytes: &[u8], budget: &mut Budget) -> Listing {
    let mut listing = Listing::default();
    let mut member = Member::default();
    // The head, and as far as a disc image's descriptor at 32 KiB.
    let (peek, error) = unxz(bytes, PEEK);
    if !budget.take(peek.len() as u64) {
        listing.problems.push(over_budget("xz"));
        listing.members.push(member);
        return listing;
    }
    if let Some(e) = error {
        listing
            .problems
            .push(Problem::Unreadable(format!("xz: {e}")));
    }
    let head = peek.get(..HEAD).unwrap_or(&peek).to_vec();
    member.size = peek.len() as u64;
    if wants_whole(&peek) {
        let cap = usize::try_from(budget.left()).unwrap_or(usize::MAX);
        let (data, error) = unxz(bytes, cap);
        if data.len() >= cap && cap > 0 {
            listing.problems.push(over_budget("xz"));
        } else if let Some(e) = error {
            listing
                .problems
                .push(Problem::Unreadable(format!("xz: {e}")));
        } else if let Some(bomb) = ratio_bomb(budget, data.len() as u64, bytes.len() as u64, "xz") {
            listing.problems.push(bomb);
        } else if budget.take(data.len() as u64) {
            member.size = data.len() as u64;
            member.data = Some(data);
        }
    }
    member.head = head;
    listing.members.push(member);
    listing
}

/// Decompresses at most `cap` bytes of the xz or lzma stream `bytes`:
/// the bytes and the error that stopped it, `None` when the stream ended
/// (or `cap` was reached, which is not an error of the stream).
fn unxz(bytes: &[u8], cap: usize) -> (Vec<u8>, Option<String>) {
    let mut out = Capped::new(cap);
    let mut input = io::BufReader::new(bytes);
    let result = if bytes.starts_with(b"\xFD7zXZ\x00") {
        lzma_rs::xz_decompress(&mut input, &mut out)
    } else {
        lzma_rs::lzma_decompress(&mut input, &mut out)
    };
    let error = match result {
        Err(_) if out.full => None,
        Err(e) => Some(e.to_string()),
        Ok(()) => None,
    };
    (out.buf, error)
}

/// A writer that keeps the first `cap` bytes and then refuses more (the
/// decompressors of gzip's neighbours and of 7z folders write into it).
pub(super) struct Capped {
    /// What was kept.
    pub(super) buf: Vec<u8>,
    /// Most bytes kept.
    pub(super) cap: usize,
    /// True once a write was refused for the cap.
    pub(super) full: bool,
}

impl Capped {
    /// An empty writer keeping at most `cap` bytes.
    pub(super) fn new(cap: usize) -> Capped {
        Capped {
            buf: Vec::new(),
            cap,
            full: false,
        }
    }
}

impl Write for Capped {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let room = self.cap.saturating_sub(self.buf.len());
        if room == 0 {
            self.full = true;
            return Err(io::Error::other("output cap reached"));
        }
        let n = data.len().min(room);
        self.buf
            .extend_from_slice(data.get(..n).unwrap_or_default());
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
