//! The skeleton of a message: what an engine must still see when it
//! refused the whole message as too large and the decoded parts stand in
//! for it.
//!
//! Pure. The decoded parts cover the bodies of the MIME parts; they do not
//! cover the top-level header, the preamble before the first delimiter,
//! the epilogue after a closing delimiter, or the header of each part, and
//! an attacker can put anything there (an `X-Data:` field, a uuencoded
//! block in the epilogue of a large message). The skeleton is the message
//! with only the bodies of its parts left out: every line that begins
//! with `--` is taken for a delimiter (whatever boundary the headers
//! declare, as the segments are cut), the text after an opening one is a
//! part (its header kept, its body left out), the text after a closing
//! one (`--...--`) and before the first is kept whole. A body with no
//! such line is the one part's, and left out.

/// Most bytes of one part's header kept (a header longer than this is cut:
/// the parser caps a field at `max_header_bytes` anyway).
const PART_HEADER_MAX: usize = 256 * 1024;

/// The pieces of `raw` that make its skeleton, in order (slices of `raw`).
pub(super) fn pieces(raw: &[u8]) -> Vec<&[u8]> {
    let Some(body_at) = header_end(raw) else {
        return vec![raw];
    };
    let (head, body) = raw.split_at(body_at);
    let mut out = vec![head];
    // Whether the text since the last delimiter is kept whole (preamble,
    // epilogue) or is a part (header only).
    let mut whole = true;
    let mut start = 0;
    let mut at = 0;
    for line in body.split_inclusive(|&b| b == b'\n') {
        if line.starts_with(b"--") {
            push_piece(&mut out, body.get(start..at).unwrap_or_default(), whole);
            out.push(line);
            let trimmed = line.trim_ascii_end();
            whole = trimmed.len() >= 4 && trimmed.ends_with(b"--");
            start = at + line.len();
        }
        at += line.len();
    }
    if start == 0 && at == body.len() && !body.starts_with(b"--") {
        // No delimiter at all: the body is the one part's, which its
        // decoded copy stands in for.
        return out;
    }
    push_piece(&mut out, body.get(start..).unwrap_or_default(), whole);
    out.retain(|p| !p.is_empty());
    out
}

/// The skeleton's length in bytes.
pub(super) fn len(raw: &[u8]) -> usize {
    pieces(raw).iter().map(|p| p.len()).sum()
}

/// The skeleton as one buffer.
pub(super) fn bytes(raw: &[u8]) -> Vec<u8> {
    pieces(raw).concat()
}

fn push_piece<'a>(out: &mut Vec<&'a [u8]>, piece: &'a [u8], whole: bool) {
    if whole {
        out.push(piece);
    } else {
        let end = header_end(piece)
            .unwrap_or(piece.len())
            .min(PART_HEADER_MAX);
        out.push(piece.get(..end).unwrap_or_default());
    }
}

/// Where the body begins: after the first empty line (LF or CRLF), or
/// right away when the text starts with one. `None` when there is none.
fn header_end(text: &[u8]) -> Option<usize> {
    if text.starts_with(b"\n") {
        return Some(1);
    }
    if text.starts_with(b"\r\n") {
        return Some(2);
    }
    let lf = memchr::memmem::find(text, b"\n\n").map(|i| i + 2);
    let crlf = memchr::memmem::find(text, b"\n\r\n").map(|i| i + 3);
    lf.into_iter().chain(crlf).min()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_headers_preamble_epilogue_and_part_headers_only() {
        let raw = b"X-Data: top\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n\
preamble\r\n--b\r\nContent-Type: text/plain\r\n\r\nBIG BODY ONE\r\n\
--b\r\nContent-Type: application/octet-stream\r\n\r\nBIG BODY TWO\r\n--b--\r\nepilogue\r\n";
        let s = String::from_utf8(bytes(raw)).expect("ascii");
        for kept in [
            "X-Data: top",
            "preamble",
            "Content-Type: text/plain",
            "--b--",
            "epilogue",
        ] {
            assert!(s.contains(kept), "{kept}: {s}");
        }
        assert!(!s.contains("BIG BODY"), "{s}");
        assert_eq!(len(raw), s.len());
        // No body at all: the header is the skeleton.
        assert_eq!(bytes(b"Subject: x"), b"Subject: x");
        // Not multipart: the body is the one part's, left out.
        assert_eq!(bytes(b"Subject: x\n\nbody"), b"Subject: x\n\n");
    }
}
