//! Multipart bodies split at their delimiter lines (RFC 2046 §5.1.1).

/// The parts of a multipart body between its delimiter lines.
#[derive(Debug, Default)]
pub(super) struct Split<'a> {
    pub(super) parts: Vec<&'a [u8]>,
    /// A delimiter line occurred.
    pub(super) found: bool,
    /// The closing delimiter occurred.
    pub(super) closed: bool,
}

/// Splits `body` at its delimiter lines (RFC 2046 §5.1.1): `--boundary`
/// at the start of a line, then only white space (transport padding), or
/// `--` for the closing one. The CRLF before a delimiter belongs to it. A
/// part after the last delimiter when no closing delimiter came runs to the
/// end of the body. Preamble and epilogue are dropped.
pub(super) fn split_multipart<'a>(body: &'a [u8], boundary: &[u8]) -> Split<'a> {
    let mut delimiter = Vec::with_capacity(boundary.len() + 3);
    delimiter.extend_from_slice(b"\n--");
    delimiter.extend_from_slice(boundary);
    let finder = memchr::memmem::Finder::new(&delimiter);
    let mut split = Split::default();
    // Each candidate: (start of the delimiter line's content ("--"), end of
    // the preceding content).
    let at_start = body
        .get(..delimiter.len() - 1)
        .is_some_and(|h| h == delimiter.get(1..).unwrap_or(b""));
    let candidates =
        at_start
            .then_some((0usize, 0usize))
            .into_iter()
            .chain(finder.find_iter(body).map(|nl| {
                let content_end = if nl > 0 && body.get(nl - 1) == Some(&b'\r') {
                    nl - 1
                } else {
                    nl
                };
                (nl + 1, content_end)
            }));
    let mut open: Option<usize> = None; // start of the current part
    for (line_start, content_end) in candidates {
        let after = line_start + delimiter.len() - 1;
        let line_end = memchr::memchr(b'\n', body.get(after..).unwrap_or(b""))
            .map_or(body.len(), |p| after + p);
        let tail = body.get(after..line_end).unwrap_or(b"");
        let closing = tail.starts_with(b"--");
        let rest = if closing {
            tail.get(2..).unwrap_or(b"")
        } else {
            tail
        };
        // C's isspace (vertical tab included): libmime strips it from the
        // end of a delimiter line before comparing.
        if !closing
            && !rest
                .iter()
                .all(|b| b.is_ascii_whitespace() || *b == b'\x0b')
        {
            // `--boundaryX`: a longer boundary, not ours.
            continue;
        }
        split.found = true;
        if let Some(start) = open.take() {
            split
                .parts
                .push(body.get(start..content_end).unwrap_or(b""));
        }
        if closing {
            split.closed = true;
            return split;
        }
        open = Some((line_end + 1).min(body.len()));
    }
    if let Some(start) = open {
        split.parts.push(body.get(start..).unwrap_or(b""));
    }
    split
}
