//! The 7z reader, hand-written after 7-Zip's `7zFormat.txt`: member names
//! (UTF-16), sizes and encryption from the header, which 7-Zip usually
//! compresses (an "encoded header", decoded here with `lzma-rs`) and, with
//! `-mhe`, encrypts. Heads come from decoding each folder's chain of
//! coders: LZMA, LZMA2 (`lzma-rs`), BZip2 (`bzip2`), Deflate (`flate2`),
//! stored, and the Delta filter undone; a branch filter (BCJ and its
//! kin) is not undone (it leaves the first bytes of an executable as they
//! are, but garbles a container: one under it is `unchecked`). Any other
//! coder (PPMd, BCJ2, Deflate64, ...) leaves the folder's members
//! unchecked, named with the coder. All within the message's budget. No
//! maintained crate reads 7z headers with bounded
//! memory: counts in the header are attacker numbers, so every count is
//! checked against the bytes that could hold it before anything is
//! allocated.

use std::io;

use super::compress::Capped;
use super::{
    Budget, HEAD, Listing, Member, Problem, member_name, over_budget, ratio_bomb, too_many,
    wants_whole,
};

const SIGNATURE: &[u8] = b"7z\xBC\xAF\x27\x1C";
const AES: &[u8] = &[0x06, 0xF1, 0x07, 0x01];
const COPY: &[u8] = &[0x00];
const LZMA: &[u8] = &[0x03, 0x01, 0x01];
const LZMA2: &[u8] = &[0x21];
const BZIP2: &[u8] = &[0x04, 0x02, 0x02];
const DEFLATE: &[u8] = &[0x04, 0x01, 0x08];
const DELTA: &[u8] = &[0x03];
/// Branch converters that keep a stream's length (x86, PPC, IA64, ARM,
/// ARMT, SPARC, ARM64): their output's first bytes are close enough to
/// the input's for type detection.
const FILTERS: &[&[u8]] = &[
    &[0x03, 0x03, 0x01, 0x03],
    &[0x03, 0x03, 0x02, 0x05],
    &[0x03, 0x03, 0x04, 0x01],
    &[0x03, 0x03, 0x05, 0x01],
    &[0x03, 0x03, 0x07, 0x01],
    &[0x03, 0x03, 0x08, 0x05],
    &[0x0A],
];
/// Largest decoded header (bytes).
const MAX_HEADER: u64 = 16 << 20;
/// Coders or streams in one folder.
const MAX_CODERS: usize = 32;

/// The members of the 7z archive `bytes`.
pub fn read(bytes: &[u8], budget: &mut Budget) -> Listing {
    let mut listing = Listing::default();
    if let Err(problem) = members(bytes, budget, &mut listing) {
        listing.problems.push(problem);
    }
    listing
}

fn unreadable(what: &str) -> Problem {
    Problem::Unreadable(format!("7z: {what}"))
}

/// A cursor over header bytes; every read is checked.
struct R<'a> {
    b: &'a [u8],
    at: usize,
}

type Res<T> = Result<T, Problem>;

impl<'a> R<'a> {
    fn byte(&mut self) -> Res<u8> {
        let b = self
            .b
            .get(self.at)
            .copied()
            .ok_or_else(|| unreadable("header cut short"))?;
        self.at += 1;
        Ok(b)
    }

    fn take(&mut self, n: u64) -> Res<&'a [u8]> {
        let n = usize::try_from(n).map_err(|_| unreadable("header cut short"))?;
        let end = self
            .at
            .checked_add(n)
            .ok_or_else(|| unreadable("header cut short"))?;
        let s = self
            .b
            .get(self.at..end)
            .ok_or_else(|| unreadable("header cut short"))?;
        self.at = end;
        Ok(s)
    }

    /// 7z's NUMBER: the first byte's leading ones say how many bytes
    /// follow (7zFormat.txt, "UINT64 means real UINT64 encoded...").
    fn number(&mut self) -> Res<u64> {
        let first = self.byte()?;
        let mut mask = 0x80u8;
        let mut value = 0u64;
        for i in 0..8 {
            if first & mask == 0 {
                let high = u64::from(first & mask.wrapping_sub(1));
                return Ok(value | high << (8 * i));
            }
            value |= u64::from(self.byte()?) << (8 * i);
            mask >>= 1;
        }
        Ok(value)
    }

    /// A count of items each taking at least `min_bytes` of what is left
    /// (or `cap`, whichever is smaller): a bigger one is a lie.
    fn count(&mut self, cap: usize) -> Res<usize> {
        let n = self.number()?;
        let left = (self.b.len() - self.at) as u64;
        match usize::try_from(n) {
            Ok(n) if n <= cap && n as u64 <= left.saturating_mul(8).saturating_add(8) => Ok(n),
            _ => Err(unreadable(&format!("implausible count {n}"))),
        }
    }

    fn bits(&mut self, n: usize) -> Res<Vec<bool>> {
        let bytes = self.take(n.div_ceil(8) as u64)?;
        Ok((0..n)
            .map(|i| bytes.get(i / 8).is_some_and(|b| b & (0x80 >> (i % 8)) != 0))
            .collect())
    }

    fn defined(&mut self, n: usize) -> Res<Vec<bool>> {
        if self.byte()? != 0 {
            Ok(vec![true; n])
        } else {
            self.bits(n)
        }
    }

    fn digests(&mut self, n: usize) -> Res<()> {
        let defined = self.defined(n)?;
        let count = defined.iter().filter(|d| **d).count();
        self.take(4 * count as u64).map(|_| ())
    }

    fn expect(&mut self, id: u8) -> Res<()> {
        if self.byte()? == id {
            Ok(())
        } else {
            Err(unreadable(&format!("property {id:#04x} expected")))
        }
    }
}

#[derive(Debug, Clone, Default)]
struct Coder {
    id: Vec<u8>,
    props: Vec<u8>,
}

#[derive(Debug, Clone, Default)]
struct Folder {
    coders: Vec<Coder>,
    /// Per coder, its numbers of in and out streams.
    streams: Vec<(usize, usize)>,
    /// Bind pairs: (in stream, out stream that feeds it).
    binds: Vec<(usize, usize)>,
    /// Pack streams it reads.
    packed: usize,
    /// Unpack size of each coder output; the last is the folder's.
    sizes: Vec<u64>,
    /// The out stream no bind pair consumes: the folder's result.
    main_out: usize,
    has_crc: bool,
}

impl Folder {
    fn encrypted(&self) -> bool {
        self.coders.iter().any(|c| c.id == AES)
    }

    fn size(&self) -> u64 {
        self.sizes.get(self.main_out).copied().unwrap_or(0)
    }
}

#[derive(Debug, Default)]
struct Streams {
    pack_pos: u64,
    pack_sizes: Vec<u64>,
    folders: Vec<Folder>,
    /// Per folder, the sizes of the files it holds.
    files: Vec<Vec<u64>>,
}

fn folder(r: &mut R<'_>) -> Res<Folder> {
    let n = r.count(MAX_CODERS)?;
    let mut f = Folder::default();
    let (mut ins, mut outs) = (0usize, 0usize);
    for _ in 0..n {
        let flag = r.byte()?;
        if flag & 0x80 != 0 {
            return Err(unreadable("alternative coder methods"));
        }
        let id = r.take(u64::from(flag & 0x0F))?.to_vec();
        let (i, o) = if flag & 0x10 != 0 {
            (r.count(MAX_CODERS)?, r.count(MAX_CODERS)?)
        } else {
            (1, 1)
        };
        ins += i;
        outs += o;
        f.streams.push((i, o));
        let props = if flag & 0x20 != 0 {
            let size = r.number()?;
            r.take(size)?.to_vec()
        } else {
            Vec::new()
        };
        f.coders.push(Coder { id, props });
    }
    if ins > MAX_CODERS || outs > MAX_CODERS || outs == 0 {
        return Err(unreadable("implausible coder streams"));
    }
    let mut bound_outs = vec![false; outs];
    for _ in 0..outs - 1 {
        let input = usize::try_from(r.number()?).unwrap_or(usize::MAX);
        let out = usize::try_from(r.number()?).unwrap_or(usize::MAX);
        if let Some(b) = bound_outs.get_mut(out) {
            *b = true;
        }
        f.binds.push((input, out));
    }
    f.main_out = bound_outs.iter().position(|b| !b).unwrap_or(0);
    f.packed = ins.saturating_sub(outs - 1);
    if f.packed > 1 {
        for _ in 0..f.packed {
            r.number()?;
        }
    }
    f.sizes = vec![0; outs];
    Ok(f)
}

fn streams(r: &mut R<'_>, max: usize) -> Res<Streams> {
    let mut s = Streams::default();
    loop {
        match r.byte()? {
            0x00 => break,
            0x06 => {
                s.pack_pos = r.number()?;
                let n = r.count(max)?;
                loop {
                    match r.byte()? {
                        0x00 => break,
                        0x09 => {
                            s.pack_sizes = (0..n).map(|_| r.number()).collect::<Res<_>>()?;
                        }
                        0x0A => r.digests(n)?,
                        _ => return Err(unreadable("pack info")),
                    }
                }
            }
            0x07 => {
                r.expect(0x0B)?;
                let n = r.count(max)?;
                if r.byte()? != 0 {
                    return Err(unreadable("external folders"));
                }
                s.folders = (0..n).map(|_| folder(r)).collect::<Res<_>>()?;
                r.expect(0x0C)?;
                for f in &mut s.folders {
                    for size in &mut f.sizes {
                        *size = r.number()?;
                    }
                }
                loop {
                    match r.byte()? {
                        0x00 => break,
                        0x0A => {
                            let defined = r.defined(n)?;
                            r.take(4 * defined.iter().filter(|d| **d).count() as u64)?;
                            for (f, d) in s.folders.iter_mut().zip(defined) {
                                f.has_crc = d;
                            }
                        }
                        _ => return Err(unreadable("unpack info")),
                    }
                }
            }
            0x08 => substreams(r, &mut s, max)?,
            _ => return Err(unreadable("streams info")),
        }
    }
    if s.files.is_empty() {
        s.files = s.folders.iter().map(|f| vec![f.size()]).collect();
    }
    Ok(s)
}

fn substreams(r: &mut R<'_>, s: &mut Streams, max: usize) -> Res<()> {
    let mut counts = vec![1usize; s.folders.len()];
    let mut sized = false;
    loop {
        match r.byte()? {
            0x00 => break,
            0x0D => {
                for c in &mut counts {
                    *c = r.count(max)?;
                }
            }
            0x09 => {
                sized = true;
                s.files.clear();
                for (f, &n) in s.folders.iter().zip(&counts) {
                    let mut sizes = Vec::new();
                    let mut sum = 0u64;
                    for _ in 1..n {
                        let size = r.number()?;
                        sum = sum.saturating_add(size);
                        sizes.push(size);
                    }
                    if n > 0 {
                        sizes.push(f.size().saturating_sub(sum));
                    }
                    s.files.push(sizes);
                }
            }
            0x0A => {
                let n = s
                    .folders
                    .iter()
                    .zip(&counts)
                    .map(|(f, &c)| if c == 1 && f.has_crc { 0 } else { c })
                    .sum();
                r.digests(n)?;
            }
            _ => return Err(unreadable("substreams info")),
        }
    }
    if !sized {
        s.files = s
            .folders
            .iter()
            .zip(&counts)
            .map(|(f, &n)| match n {
                0 => Vec::new(),
                1 => vec![f.size()],
                _ => vec![0; n],
            })
            .collect();
    }
    Ok(())
}

/// The packed bytes of folder `index` (its first pack stream).
fn packed<'a>(bytes: &'a [u8], s: &Streams, index: usize) -> Option<&'a [u8]> {
    let first: usize = s.folders.get(..index)?.iter().map(|f| f.packed).sum();
    let before: u64 = s.pack_sizes.get(..first)?.iter().sum();
    let start = 32u64.checked_add(s.pack_pos)?.checked_add(before)?;
    let len = *s.pack_sizes.get(first)?;
    let start = usize::try_from(start).ok()?;
    let end = start.checked_add(usize::try_from(len).ok()?)?;
    bytes.get(start..end.min(bytes.len()))
}

/// A folder decoded: its bytes, and whether a branch filter was left in
/// them (not undone); else why it could not be decoded.
type Decoded = Result<(Vec<u8>, bool), String>;

/// The name of a coder for problems (7-Zip's `Methods.txt`).
fn coder_name(id: &[u8]) -> String {
    let name = match id {
        [0x03, 0x04, 0x01] => "PPMd",
        [0x03, 0x03, 0x01, 0x1B] => "BCJ2",
        [0x04, 0x01, 0x09] => "Deflate64",
        [0x04, 0xF7, 0x11, 0x01] => "Zstandard",
        [0x04, 0xF7, 0x11, 0x02] => "Brotli",
        [0x04, 0xF7, 0x11, 0x04] => "LZ4",
        [0x0B] => "RISC-V filter",
        [0x04, 0x05] | [0x04, 0x06] => "ARJ",
        [0x04, 0x01, 0x06] | [0x04, 0x01, 0x0C] | [0x04, 0x01, 0x0E] => "zip method",
        _ => "",
    };
    if name.is_empty() {
        let hex: Vec<String> = id.iter().map(|b| format!("{b:02X}")).collect();
        format!("coder {}", hex.join(""))
    } else {
        name.to_string()
    }
}

/// Decodes at most `cap` bytes of `folder` from `input`, its coders
/// applied in the order the bind pairs chain them (each with one in and
/// one out stream; a coder with several, BCJ2, is not decoded). An error
/// of a stream ends its bytes early.
fn decode(folder: &Folder, input: &[u8], cap: u64) -> Decoded {
    if let Some((c, _)) = folder
        .coders
        .iter()
        .zip(&folder.streams)
        .find(|(_, s)| **s != (1, 1))
    {
        return Err(format!("{} not supported", coder_name(&c.id)));
    }
    // From the coder whose output is the folder's back to the one the
    // packed stream feeds.
    let mut chain = vec![folder.main_out];
    while let Some(&(_, out)) = folder
        .binds
        .iter()
        .find(|(input, _)| Some(input) == chain.last())
    {
        if chain.len() > folder.coders.len() || chain.contains(&out) {
            return Err("coders bound in a loop".into());
        }
        chain.push(out);
    }
    let cap = usize::try_from(cap.min(folder.size())).unwrap_or(usize::MAX);
    let mut data: Vec<u8> = Vec::new();
    let mut filtered = false;
    for (step, &index) in chain.iter().rev().enumerate() {
        let coder = folder
            .coders
            .get(index)
            .ok_or_else(|| "a bind pair names no coder".to_string())?;
        let from: &[u8] = if step == 0 { input } else { &data };
        let size = folder.sizes.get(index).copied().unwrap_or(0);
        let mut out = Capped::new(usize::try_from(size).unwrap_or(usize::MAX).min(cap));
        let id = coder.id.as_slice();
        if id == COPY {
            out.buf = from
                .get(..out.cap.min(from.len()))
                .unwrap_or_default()
                .to_vec();
        } else if id == LZMA {
            let mut stream = coder.props.clone();
            stream.extend_from_slice(from);
            let options = lzma_rs::decompress::Options {
                unpacked_size: lzma_rs::decompress::UnpackedSize::UseProvided(Some(size)),
                memlimit: Some(out.cap.saturating_add(1 << 20)),
                allow_incomplete: true,
            };
            let _ = lzma_rs::lzma_decompress_with_options(
                &mut io::BufReader::new(stream.as_slice()),
                &mut out,
                &options,
            );
        } else if id == LZMA2 {
            let _ = lzma_rs::lzma2_decompress(&mut io::BufReader::new(from), &mut out);
        } else if id == BZIP2 {
            let _ = io::copy(&mut bzip2::read::BzDecoder::new(from), &mut out);
        } else if id == DEFLATE {
            let _ = io::copy(&mut flate2::read::DeflateDecoder::new(from), &mut out);
        } else if id == DELTA {
            // out[i] = in[i] + out[i - distance] (7-Zip's Delta.c).
            let distance = usize::from(coder.props.first().copied().unwrap_or(0)) + 1;
            out.buf = from
                .get(..out.cap.min(from.len()))
                .unwrap_or_default()
                .to_vec();
            for i in distance..out.buf.len() {
                let before = out.buf.get(i - distance).copied().unwrap_or(0);
                if let Some(b) = out.buf.get_mut(i) {
                    *b = b.wrapping_add(before);
                }
            }
        } else if FILTERS.contains(&id) {
            filtered = true;
            out.buf = from
                .get(..out.cap.min(from.len()))
                .unwrap_or_default()
                .to_vec();
        } else {
            return Err(format!("{} not supported", coder_name(id)));
        }
        data = out.buf;
    }
    Ok((data, filtered))
}

/// The header: decoded as long as it is encoded (at most 4 times).
fn header(bytes: &[u8], budget: &Budget) -> Res<Vec<u8>> {
    let start = bytes
        .get(12..32)
        .ok_or_else(|| unreadable("signature header cut short"))?;
    let mut r = R { b: start, at: 0 };
    let offset = u64::from_le_bytes(r.take(8)?.try_into().unwrap_or([0; 8]));
    let size = u64::from_le_bytes(r.take(8)?.try_into().unwrap_or([0; 8]));
    let from = 32u64
        .checked_add(offset)
        .and_then(|v| usize::try_from(v).ok());
    let to = from.and_then(|f| f.checked_add(usize::try_from(size).ok()?));
    let mut header = match (from, to) {
        (Some(f), Some(t)) if t <= bytes.len() => bytes.get(f..t).unwrap_or_default().to_vec(),
        _ => return Err(unreadable("header outside the archive")),
    };
    for _ in 0..4 {
        if header.first() != Some(&0x17) {
            return Ok(header);
        }
        let mut r = R { b: &header, at: 1 };
        let s = streams(&mut r, budget.max_members())?;
        let folder = s
            .folders
            .first()
            .ok_or_else(|| unreadable("encoded header without a folder"))?;
        if folder.encrypted() {
            return Err(Problem::Encrypted(
                "7z: encrypted headers (names hidden)".into(),
            ));
        }
        let input =
            packed(bytes, &s, 0).ok_or_else(|| unreadable("encoded header outside the archive"))?;
        if folder.size() > MAX_HEADER {
            return Err(unreadable("encoded header larger than 16 MiB"));
        }
        header = decode(folder, input, MAX_HEADER)
            .map_err(|e| unreadable(&format!("header: {e}")))?
            .0;
    }
    Err(unreadable("header encoded too many times"))
}

fn members(bytes: &[u8], budget: &mut Budget, listing: &mut Listing) -> Res<()> {
    if !bytes.starts_with(SIGNATURE) {
        return Err(unreadable("no 7z signature"));
    }
    let header = header(bytes, budget)?;
    if header.is_empty() {
        return Ok(());
    }
    let mut r = R { b: &header, at: 0 };
    r.expect(0x01)?;
    let mut s = Streams::default();
    let mut names: Vec<Vec<u8>> = Vec::new();
    let mut empty_stream: Vec<bool> = Vec::new();
    let mut empty_file: Vec<bool> = Vec::new();
    let mut num_files = 0;
    loop {
        match r.byte()? {
            0x00 => break,
            0x02 => loop {
                if r.byte()? == 0 {
                    break;
                }
                let size = r.number()?;
                r.take(size)?;
            },
            0x03 => {
                streams(&mut r, budget.max_members())?;
            }
            0x04 => s = streams(&mut r, budget.max_members())?,
            0x05 => {
                let n = r.number()?;
                if n > budget.max_members() as u64 {
                    listing.problems.push(too_many(budget, "7z"));
                    return Ok(());
                }
                num_files = n as usize;
                loop {
                    let kind = r.byte()?;
                    if kind == 0 {
                        break;
                    }
                    let size = r.number()?;
                    let data = r.take(size)?;
                    let mut p = R { b: data, at: 0 };
                    match kind {
                        0x0E => empty_stream = p.bits(num_files)?,
                        0x0F => {
                            let n = empty_stream.iter().filter(|e| **e).count();
                            empty_file = p.bits(n)?;
                        }
                        0x11 => {
                            if p.byte()? != 0 {
                                return Err(unreadable("external names"));
                            }
                            names = utf16_names(data.get(1..).unwrap_or_default());
                        }
                        _ => {}
                    }
                }
            }
            _ => return Err(unreadable("header property")),
        }
    }
    let mut heads: Vec<Option<Decoded>> = vec![None; s.folders.len()];
    let (mut folder, mut in_folder, mut offset) = (0usize, 0usize, 0u64);
    let mut empty_index = 0;
    for i in 0..num_files {
        let name = names.get(i).cloned().unwrap_or_default();
        let empty = empty_stream.get(i).copied().unwrap_or(false);
        if empty {
            let is_file = empty_file.get(empty_index).copied().unwrap_or(false);
            empty_index += 1;
            if is_file {
                listing.members.push(Member {
                    name: member_name(&name),
                    ..Member::default()
                });
            }
            continue;
        }
        while s.files.get(folder).is_some_and(|f| in_folder >= f.len()) {
            folder += 1;
            in_folder = 0;
            offset = 0;
        }
        let Some(f) = s.folders.get(folder) else {
            return Err(unreadable("more files than streams"));
        };
        let size = s
            .files
            .get(folder)
            .and_then(|f| f.get(in_folder))
            .copied()
            .unwrap_or(0);
        let what = format!("7z member {}", String::from_utf8_lossy(&name));
        let mut member = Member {
            name: member_name(&name),
            size,
            encrypted: f.encrypted(),
            ..Member::default()
        };
        if member.encrypted {
            listing.problems.push(Problem::Encrypted(what));
        } else {
            match folder_bytes(bytes, &s, folder, &mut heads, budget, listing) {
                Ok((decoded, filtered)) => {
                    let start = usize::try_from(offset).unwrap_or(usize::MAX);
                    let end = usize::try_from(offset.saturating_add(size)).unwrap_or(usize::MAX);
                    let whole = decoded
                        .get(start..end.min(decoded.len()))
                        .unwrap_or_default();
                    member.head = whole.get(..HEAD).unwrap_or(whole).to_vec();
                    if wants_whole(whole) {
                        if *filtered {
                            listing.problems.push(Problem::Unreadable(format!(
                                "{what}: a container under a branch filter (BCJ), not undone"
                            )));
                        } else if whole.len() as u64 == size {
                            member.data = Some(whole.to_vec());
                        }
                    }
                }
                Err(reason) => listing
                    .problems
                    .push(Problem::Unreadable(format!("{what}: {reason}"))),
            }
        }
        listing.members.push(member);
        in_folder += 1;
        offset = offset.saturating_add(size);
    }
    Ok(())
}

/// Folder `index` decoded (once, then kept), as far as the budget goes;
/// a stream that ends before the folder's size is a problem (the members
/// past its end are not examined).
fn folder_bytes<'h>(
    bytes: &[u8],
    s: &Streams,
    index: usize,
    cache: &'h mut [Option<Decoded>],
    budget: &mut Budget,
    listing: &mut Listing,
) -> &'h Decoded {
    const NONE: &Decoded = &Err(String::new());
    let Some(slot) = cache.get_mut(index) else {
        return NONE;
    };
    slot.get_or_insert_with(|| {
        let folder = s.folders.get(index).ok_or("no such folder")?;
        let input = packed(bytes, s, index).ok_or("packed data outside the archive")?;
        if let Some(bomb) = ratio_bomb(budget, folder.size(), input.len() as u64, "7z folder") {
            listing.problems.push(bomb);
            return Ok((Vec::new(), false));
        }
        let cap = folder.size().min(budget.left());
        let (decoded, filtered) = decode(folder, input, cap)?;
        budget.take(decoded.len() as u64);
        let got = decoded.len() as u64;
        if got < folder.size() && got == cap {
            listing.problems.push(over_budget("7z folder"));
        } else if got < folder.size() {
            listing.problems.push(unreadable(&format!(
                "folder {index} ends after {got} of {} bytes",
                folder.size()
            )));
        }
        Ok((decoded, filtered))
    })
}

/// NUL-terminated UTF-16LE names, as UTF-8.
fn utf16_names(data: &[u8]) -> Vec<Vec<u8>> {
    let units: Vec<u16> = data
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    units
        .split(|&u| u == 0)
        .map(|name| String::from_utf16_lossy(name).into_bytes())
        .collect()
}
