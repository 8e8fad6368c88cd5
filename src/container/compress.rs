//! The single-stream compressors: gzip (RFC 1952, its FNAME field as the
//! member's name), bzip2, xz (and legacy `.lzma`), Zstandard (RFC 8878)
//! and LZ4 frames. Each gives one member, decompressed no further than
//! its head unless it is itself a container, always within the message's
//! [`Budget`].

use std::io::{self, Read, Write};

use flate2::read::MultiGzDecoder;

use super::{
    Budget, HEAD, Listing, Member, PEEK, Problem, content, over_budget, ratio_bomb, wants_whole,
};

/// The member of the gzip stream `bytes`, named by its FNAME field
/// (empty when absent: the caller names it after the container, as
/// gunzip does), its size from the ISIZE trailer (modulo 4 GiB).
///
/// A gzip file may hold several members one after the other, each with
/// its own FNAME; `gunzip -N` names the output after the first, 7-Zip
/// lists the first, others may take the last. Every FNAME counts: the
/// first member's is the name, and every other header-shaped run of the
/// raw bytes ([`fnames`]) gives an alias (the only name, when the first
/// member has none: the caller then adds the container's name).
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
    let size = match bytes.len().checked_sub(4).and_then(|at| bytes.get(at..)) {
        Some(&[a, b, c, d]) => u64::from(u32::from_le_bytes([a, b, c, d])),
        _ => 0,
    };
    if let Some(bomb) = ratio_bomb(budget, size, bytes.len() as u64, "gzip") {
        listing.problems.push(bomb);
    }
    let size = data.as_ref().map_or(size, |d| d.len() as u64);
    let mut names = fnames(bytes, budget.max_members()).into_iter().peekable();
    let name = match names.peek() {
        Some((0, _)) => names.next().map(|(_, name)| name).unwrap_or_default(),
        _ => Vec::new(),
    };
    let mut member = Member {
        name,
        size,
        head,
        encrypted: false,
        data,
        aliases: Vec::new(),
    };
    for (_, other) in names {
        member.also_named(other);
    }
    listing.members.push(member);
    listing
}

/// The FNAME fields of every gzip member header found in `bytes` with
/// their offsets, in order, at most `most` of them.
///
/// A member header is raw bytes (RFC 1952 section 2.3: `1f 8b 08`, FLG,
/// MTIME, XFL, OS, FEXTRA when flagged, then the NUL-ended FNAME), so
/// every later member's header is found by looking at every offset
/// rather than by inflating each member to find where the next one
/// starts: time linear in `bytes`, whatever the members decompress to.
/// Compressed data that happens to look like a header may add a name;
/// that only ever adds a reading, never hides one.
fn fnames(bytes: &[u8], most: usize) -> Vec<(usize, Vec<u8>)> {
    /// FLG bits: FEXTRA and FNAME; the reserved bits must be clear.
    const FEXTRA: u8 = 0x04;
    const FNAME: u8 = 0x08;
    const RESERVED: u8 = 0xE0;
    /// The longest FNAME taken (gzip itself writes a path's last part).
    const LONGEST: usize = 4096;
    let mut names = Vec::new();
    let mut at = 0;
    while names.len() < most {
        let Some(found) = bytes
            .get(at..)
            .and_then(|rest| rest.windows(3).position(|w| w == b"\x1f\x8b\x08"))
        else {
            break;
        };
        let start = at + found;
        at = start + 1;
        let Some(&flags) = bytes.get(start + 3) else {
            break;
        };
        if flags & FNAME == 0 || flags & RESERVED != 0 {
            continue;
        }
        let mut field = start + 10;
        if flags & FEXTRA != 0 {
            let Some(&[a, b]) = bytes.get(field..field + 2) else {
                continue;
            };
            field += 2 + usize::from(u16::from_le_bytes([a, b]));
        }
        let Some(rest) = bytes.get(field..) else {
            continue;
        };
        let window = rest.get(..LONGEST).unwrap_or(rest);
        if let Some(end) = window.iter().position(|&b| b == 0)
            && end > 0
        {
            names.push((
                start,
                super::member_name(window.get(..end).unwrap_or_default()),
            ));
        }
    }
    names
}

/// The member of the bzip2 stream `bytes` (no stored name).
pub fn bzip2(bytes: &[u8], budget: &mut Budget) -> Listing {
    stream(
        bzip2::read::MultiBzDecoder::new(bytes),
        bytes,
        budget,
        "bzip2",
    )
}

/// The member of the Zstandard stream `bytes` (no stored name): every
/// frame in turn, skippable frames passed over, as `zstd -d` and
/// libarchive read a file of several frames.
pub fn zstd(bytes: &[u8], budget: &mut Budget) -> Listing {
    // A frame declares its window, which the decoder reserves before
    // decoding (address space: pages are touched only as output is
    // written, which the budget bounds); capped as zstd -d caps it.
    let window = ZSTD_WINDOW;
    stream(
        Zstd {
            source: bytes,
            frame: None,
            window,
        },
        bytes,
        budget,
        "zstd",
    )
}

/// The member of the LZ4 frame stream `bytes` (no stored name): every
/// frame in turn, skippable frames passed over, as `lz4 -dc` reads a
/// file of several frames (`cat a.lz4 b.lz4`). Bytes after the last
/// frame that are no frame are an error (the member is `unchecked`), as
/// gzip and bzip2 treat trailing garbage.
pub fn lz4(bytes: &[u8], budget: &mut Budget) -> Listing {
    stream(
        Lz4 {
            frames: lz4_flex::frame::FrameDecoder::new(bytes),
            between: true,
        },
        bytes,
        budget,
        "lz4",
    )
}

/// A reader of the LZ4 frames of a slice one after the other:
/// `lz4_flex` decodes one frame and then reports its end; the same
/// decoder (its buffers reused) goes on with the next frame.
struct Lz4<'a> {
    /// The decoder, reading from what follows the bytes it consumed.
    frames: lz4_flex::frame::FrameDecoder<&'a [u8]>,
    /// True before the first frame and after each frame's end.
    between: bool,
}

impl Read for Lz4<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        /// The smallest frame header: magic, FLG, BD and its checksum.
        const SMALLEST: usize = 7;
        loop {
            let before = self.frames.get_ref().len();
            if self.between {
                let rest = *self.frames.get_ref();
                if rest.is_empty() {
                    return Ok(0);
                }
                if let Some(&[a, b, c, d, e, f, g, h]) = rest.get(..8)
                    && u32::from_le_bytes([a, b, c, d]) & 0xFFFF_FFF0 == 0x184D_2A50
                {
                    let skip =
                        usize::try_from(u32::from_le_bytes([e, f, g, h])).unwrap_or(usize::MAX);
                    *self.frames.get_mut() = rest
                        .get(8usize.saturating_add(skip)..)
                        .ok_or_else(|| io::Error::other("skippable frame cut short"))?;
                    continue;
                }
                if rest.len() < SMALLEST {
                    return Err(io::Error::other(format!(
                        "{} bytes after the last frame that are no frame",
                        rest.len()
                    )));
                }
                self.between = false;
            }
            let n = self.frames.read(buf)?;
            if n > 0 || buf.is_empty() {
                return Ok(n);
            }
            // The frame ended; the next one (if any) starts where it did.
            self.between = true;
            if self.frames.get_ref().len() == before && before > 0 {
                return Err(io::Error::other("a frame that ends where it starts"));
            }
        }
    }
}

/// The one member of a stream decoded by `reader` from `bytes`, `what`
/// naming the format in problems.
fn stream(reader: impl Read, bytes: &[u8], budget: &mut Budget, what: &str) -> Listing {
    let mut listing = Listing::default();
    let (head, data) = content(
        reader,
        budget,
        bytes.len() as u64,
        what,
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

/// The largest Zstandard window accepted (bytes): what `zstd -d` takes
/// without `--memory` (window log 27, the one `--long` writes).
const ZSTD_WINDOW: u64 = 128 << 20;

/// A reader of the Zstandard frames of `source` one after the other
/// (`ruzstd` decodes one frame at a time). A frame whose window is
/// larger than `window` is an error (the member is `unchecked`).
struct Zstd<'a> {
    /// What follows the frame being decoded.
    source: &'a [u8],
    /// The largest window accepted (bytes).
    window: u64,
    /// The frame being decoded.
    frame: Option<ruzstd::decoding::StreamingDecoder<&'a [u8], ruzstd::decoding::FrameDecoder>>,
}

impl Read for Zstd<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if let Some(frame) = &mut self.frame {
                let n = frame.read(buf)?;
                if n > 0 || buf.is_empty() {
                    return Ok(n);
                }
                self.source = *frame.get_ref();
                self.frame = None;
            }
            if self.source.is_empty() {
                return Ok(0);
            }
            if let Some(&[a, b, c, d, e, f, g, h]) = self.source.get(..8)
                && u32::from_le_bytes([a, b, c, d]) & 0xFFFF_FFF0 == 0x184D_2A50
            {
                let skip = usize::try_from(u32::from_le_bytes([e, f, g, h])).unwrap_or(usize::MAX);
                self.source = self
                    .source
                    .get(8usize.saturating_add(skip)..)
                    .ok_or_else(|| io::Error::other("skippable frame cut short"))?;
                continue;
            }
            let frame = ruzstd::decoding::StreamingDecoder::new_with_max_window_size(
                self.source,
                self.window,
            )
            .map_err(io::Error::other)?;
            self.frame = Some(frame);
        }
    }
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
    if let Some(e) = error.filter(|_| !weak_lzma(bytes)) {
        listing
            .problems
            .push(Problem::Unreadable(format!("xz: {e}")));
    }
    let head = peek.get(..HEAD).unwrap_or(&peek).to_vec();
    member.size = peek.len() as u64;
    // An archive behind a stub shows only at the end: look through the
    // rest (charged to the looking allowance) when the start shows none.
    let mut whole = wants_whole(&peek);
    if !whole && peek.len() >= PEEK {
        let cap = usize::try_from(budget.looked()).unwrap_or(usize::MAX);
        let (all, _) = unxz(bytes, cap);
        budget.look(all.len() as u64);
        if all.len() >= cap {
            listing
                .problems
                .extend(super::unsure(&all, "xz", "the message's budget is spent"));
        } else {
            whole = wants_whole(&all);
        }
    }
    if whole {
        let cap = usize::try_from(budget.left()).unwrap_or(usize::MAX);
        let (data, error) = unxz(bytes, cap);
        // A weakly recognised stream ends where it stops decoding.
        let error = error.filter(|_| !weak_lzma(bytes));
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

/// True when the legacy lzma stream `bytes` decodes without an error
/// to its end or for its first [`HEAD`] bytes (when `bytes` is only the
/// start of a stream, 256 bytes decoded before its input ran out do too)
/// into something recognised ([`crate::message::detect`]: a container,
/// an executable, a document, text). An LZMA decoder turns most bytes
/// into some output: what other bytes decode to is noise, which nothing
/// recognises.
pub(super) fn lzma_decodes(bytes: &[u8]) -> bool {
    let (out, error) = unxz(bytes, HEAD);
    (error.is_none() || out.len() >= 256) && crate::message::detect(&out).is_some()
}

/// True when `bytes` is a legacy lzma stream whose header only a decode
/// confirms (not `5D 00 00`, the `lzma` tool's default, nor xz): a
/// failure to decode it further says it is no lzma stream rather than a
/// damaged one.
fn weak_lzma(bytes: &[u8]) -> bool {
    !bytes.starts_with(b"\xFD7zXZ\x00") && !bytes.starts_with(b"\x5D\x00\x00")
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
