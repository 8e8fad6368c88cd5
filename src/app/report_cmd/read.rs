//! Reading `qmvc.log` and `qmvc.rep` for `qmvc report`: one line at a
//! time (never the whole file), gzip-compressed rotations (`qmvc.log.1.gz`,
//! told by their magic bytes, RFC 1952) decompressed on the fly, and lines
//! cut at [`LINE_MAX`] so that a file without newlines cannot fill memory.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

use flate2::read::MultiGzDecoder;

/// Bytes kept of one line; the rest of a longer line is skipped. A qmvc
/// log line is at most a few KiB (its fields are capped at 400 bytes).
pub const LINE_MAX: usize = 64 << 10;

/// Opens `path` for reading line by line, decompressing gzip; `-` is
/// standard input (`zcat qmvc.log.*.gz | qmvc report --log -`).
///
/// Errors: the file's own (not found, permission denied...).
pub fn open(path: &Path) -> io::Result<Box<dyn BufRead>> {
    let input: Box<dyn Read> = if is_stdin(path) {
        Box::new(io::stdin())
    } else {
        Box::new(File::open(path)?)
    };
    let mut file = BufReader::with_capacity(64 << 10, input);
    let gzip = file.fill_buf()?.starts_with(&[0x1f, 0x8b]);
    Ok(if gzip {
        Box::new(BufReader::with_capacity(
            64 << 10,
            MultiGzDecoder::new(file),
        ))
    } else {
        Box::new(file)
    })
}

/// True for `-`, the name of standard input (and output) on the command
/// line.
pub fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// Reads the next line into `buf` (without its newline, cut at
/// [`LINE_MAX`] bytes). `Ok(false)` at the end of the input.
///
/// Errors: the reader's (a read error, a corrupt gzip stream).
pub fn next_line(reader: &mut dyn BufRead, buf: &mut Vec<u8>) -> io::Result<bool> {
    buf.clear();
    let n = reader.take(LINE_MAX as u64).read_until(b'\n', buf)?;
    if n == 0 {
        return Ok(false);
    }
    if buf.last() == Some(&b'\n') {
        buf.pop();
    } else if buf.len() >= LINE_MAX {
        // Skip the rest of an overlong line without keeping it.
        skip_line(reader)?;
    }
    Ok(true)
}

/// Consumes input up to and including the next newline.
fn skip_line(reader: &mut dyn BufRead) -> io::Result<()> {
    loop {
        let chunk = reader.fill_buf()?;
        if chunk.is_empty() {
            return Ok(());
        }
        match memchr::memchr(b'\n', chunk) {
            Some(i) => {
                reader.consume(i + 1);
                return Ok(());
            }
            None => {
                let n = chunk.len();
                reader.consume(n);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn lines(mut r: &mut dyn BufRead) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        let mut buf = Vec::new();
        while next_line(&mut r, &mut buf).unwrap_or(false) {
            out.push(buf.clone());
        }
        out
    }

    #[test]
    fn long_lines_are_cut_and_skipped() {
        let mut text = vec![b'x'; LINE_MAX * 3];
        text.extend_from_slice(b"\nshort\nlast");
        let got = lines(&mut &text[..]);
        assert_eq!(got.len(), 3);
        assert_eq!(got.first().map(Vec::len), Some(LINE_MAX));
        assert_eq!(&got[1..], [b"short".to_vec(), b"last".to_vec()]);
    }

    #[test]
    fn gzip_is_told_by_its_magic() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("qmvc.log.1");
        let mut gz = flate2::write::GzEncoder::new(File::create(&path)?, Default::default());
        gz.write_all(b"one\ntwo\n")?;
        gz.finish()?;
        assert_eq!(
            lines(&mut *open(&path)?),
            [b"one".to_vec(), b"two".to_vec()]
        );
        std::fs::write(&path, b"plain\n")?;
        assert_eq!(lines(&mut *open(&path)?), [b"plain".to_vec()]);
        Ok(())
    }
}
