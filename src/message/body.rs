//! The content of a part ([`Body`]): its bytes, or a large base64
//! attachment kept encoded (a slice of the raw message, no copy) and
//! decoded in chunks each time it is read, so that peak memory for a
//! message of N bytes stays near N plus a constant however much of it is
//! base64 (issue 5).
//!
//! Pure: decoding only, no I/O. The chunked decoder is the same code as the
//! one-go [`super::parse::decode_base64`] (`Base64::feed`), so a lazy body
//! reads back exactly the bytes an eager decode gives.

use std::borrow::Cow;
use std::io::{self, Read};

use bytes::Bytes;

use super::parse::Base64;

/// Decoded bytes produced per step of a [`BodyReader`] (bytes).
const CHUNK: usize = 64 << 10;

/// Encoded characters consumed per step: about [`CHUNK`] decoded bytes.
const ENCODED_CHUNK: usize = CHUNK / 3 * 4;

/// The content of a part with its transfer encoding removed, capped by
/// `Limits::max_decoded_bytes`. Read it with [`Body::len`],
/// [`Body::head`], [`Body::reader`] (streaming, for engines) or
/// [`Body::bytes`] (the whole content in memory).
#[derive(Debug, Clone)]
pub struct Body(Repr);

#[derive(Debug, Clone)]
enum Repr {
    /// The content itself: a slice of the raw message (no transfer
    /// encoding) or a decoded copy.
    Bytes(Bytes),
    /// base64 kept encoded (a slice of the raw message); `len` is the
    /// exact number of decoded bytes it stands for (after the cap).
    Base64 { encoded: Bytes, len: usize },
}

impl Body {
    /// A body decoded from the base64 text `encoded` on demand, of `len`
    /// decoded bytes (the first `len` bytes `decode_base64` gives; `len`
    /// must not exceed what it gives).
    pub(crate) fn base64(encoded: Bytes, len: usize) -> Body {
        Body(Repr::Base64 { encoded, len })
    }

    /// The exact length of the decoded content (bytes).
    pub fn len(&self) -> usize {
        match &self.0 {
            Repr::Bytes(b) => b.len(),
            Repr::Base64 { len, .. } => *len,
        }
    }

    /// True when the content is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// True when the content is decoded on each read (a large base64
    /// attachment) rather than held in memory.
    pub fn is_streamed(&self) -> bool {
        matches!(self.0, Repr::Base64 { .. })
    }

    /// The first `n` bytes of the content (fewer when it is shorter).
    /// Borrowed when the content is in memory, else decoded (costs `n`).
    pub fn head(&self, n: usize) -> Cow<'_, [u8]> {
        match &self.0 {
            Repr::Bytes(b) => Cow::Borrowed(b.get(..n).unwrap_or(b)),
            Repr::Base64 { len, .. } => {
                Cow::Owned(read_all(self.reader().take(n as u64), n.min(*len)))
            }
        }
    }

    /// The whole content. Borrowed when it is in memory; a decoded copy of
    /// [`Body::len`] bytes for a streamed body (engines use
    /// [`Body::reader`] instead).
    pub fn bytes(&self) -> Cow<'_, [u8]> {
        match &self.0 {
            Repr::Bytes(b) => Cow::Borrowed(b.as_ref()),
            Repr::Base64 { len, .. } => Cow::Owned(read_all(self.reader(), *len)),
        }
    }

    /// The content as a stream, decoded 64 KiB at a time: the
    /// memory a streamed body costs while read. Each call starts at the
    /// beginning. Reading never fails.
    pub fn reader(&self) -> BodyReader<'_> {
        BodyReader(match &self.0 {
            Repr::Bytes(b) => ReaderRepr::Slice(b.as_ref()),
            Repr::Base64 { encoded, len } => ReaderRepr::Base64 {
                encoded: encoded.as_ref(),
                decoder: Base64::default(),
                buf: Vec::new(),
                pos: 0,
                left: *len,
                finished: false,
            },
        })
    }

    /// The body cut to its first `len` bytes (unchanged when shorter).
    pub(crate) fn truncate(self, len: usize) -> Body {
        match self.0 {
            Repr::Bytes(b) if b.len() > len => Body(Repr::Bytes(b.slice(..len))),
            Repr::Base64 { encoded, len: was } => Body::base64(encoded, was.min(len)),
            other => Body(other),
        }
    }
}

impl From<Bytes> for Body {
    fn from(b: Bytes) -> Body {
        Body(Repr::Bytes(b))
    }
}

impl From<Vec<u8>> for Body {
    fn from(v: Vec<u8>) -> Body {
        Body(Repr::Bytes(Bytes::from(v)))
    }
}

fn read_all(mut r: impl Read, capacity: usize) -> Vec<u8> {
    let mut v = Vec::with_capacity(capacity);
    // A BodyReader never fails; a failure would only end the content early.
    let _ = r.read_to_end(&mut v);
    v
}

/// A [`Body`] as a stream ([`Body::reader`]).
#[derive(Debug)]
pub struct BodyReader<'a>(ReaderRepr<'a>);

#[derive(Debug)]
enum ReaderRepr<'a> {
    Slice(&'a [u8]),
    Base64 {
        /// Encoded text not yet fed to the decoder.
        encoded: &'a [u8],
        decoder: Base64,
        /// Decoded bytes of the current step, `pos` of them already read.
        buf: Vec<u8>,
        pos: usize,
        /// Decoded bytes still to give (the cap).
        left: usize,
        finished: bool,
    },
}

impl Read for BodyReader<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        match &mut self.0 {
            ReaderRepr::Slice(s) => s.read(out),
            ReaderRepr::Base64 {
                encoded,
                decoder,
                buf,
                pos,
                left,
                finished,
            } => loop {
                if *left == 0 || out.is_empty() {
                    return Ok(0);
                }
                let ready = buf.get(*pos..).unwrap_or_default();
                if !ready.is_empty() {
                    let n = ready.len().min(out.len()).min(*left);
                    if let (Some(to), Some(from)) = (out.get_mut(..n), ready.get(..n)) {
                        to.copy_from_slice(from);
                    }
                    *pos += n;
                    *left -= n;
                    return Ok(n);
                }
                if *finished {
                    return Ok(0);
                }
                buf.clear();
                *pos = 0;
                if encoded.is_empty() {
                    decoder.finish(buf);
                    *finished = true;
                } else {
                    let (step, rest) = encoded.split_at(ENCODED_CHUNK.min(encoded.len()));
                    decoder.feed(step, buf);
                    *encoded = rest;
                }
            },
        }
    }
}

/// What parsing needs of a large base64 part without keeping its decoded
/// content ([`probe_base64`]).
#[derive(Debug, Default)]
pub(crate) struct Probe {
    /// Decoded length of the whole input (before any cap).
    pub(crate) len: usize,
    /// The first `head` bytes asked for (of the capped content).
    pub(crate) head: Vec<u8>,
    /// The last `tail` bytes asked for of the capped content.
    pub(crate) tail: Vec<u8>,
    /// False when the input had stray characters or a cut quantum (as
    /// [`super::parse::decode_base64`] says).
    pub(crate) clean: bool,
}

/// Decodes `encoded` in chunks, keeping only its exact decoded length,
/// whether it was clean, and the first `head` and last `tail` bytes of the
/// content cut at `cap` bytes. Memory: `head + tail` plus one chunk.
pub(crate) fn probe_base64(encoded: &[u8], cap: usize, head: usize, tail: usize) -> Probe {
    let mut probe = Probe::default();
    let mut decoder = Base64::default();
    let mut buf = Vec::with_capacity(CHUNK + 3);
    let mut steps = encoded.chunks(ENCODED_CHUNK);
    loop {
        buf.clear();
        let last = match steps.next() {
            Some(step) => {
                decoder.feed(step, &mut buf);
                false
            }
            None => {
                decoder.finish(&mut buf);
                true
            }
        };
        let kept = buf.get(..cap.saturating_sub(probe.len)).unwrap_or(&buf);
        let room = head.saturating_sub(probe.head.len());
        probe
            .head
            .extend_from_slice(kept.get(..room).unwrap_or(kept));
        let recent = kept.get(kept.len().saturating_sub(tail)..).unwrap_or(kept);
        probe.tail.extend_from_slice(recent);
        let extra = probe.tail.len().saturating_sub(tail);
        probe.tail.drain(..extra);
        probe.len += buf.len();
        if last {
            break;
        }
    }
    probe.clean = decoder.clean;
    probe
}

#[cfg(test)]
mod tests;
