//! Reading the message: filter mode's stdin (qmail-local's queue file, a
//! read-only seekable regular file at offset 0, or a pipe under preline),
//! and message files for the administrative commands.
//!
//! At most `max_message_bytes` + 1 bytes are read for checking (one more
//! than the limit, so that the parser sees that the limit was passed and
//! records it). The rest is never lost: a seekable stdin is left where it
//! is and read again only when the message must be kept whole (quarantine,
//! forward); a pipe is drained into an unlinked file in the work directory
//! (preline must be able to write all of it). A regular file is read into
//! a buffer of its exact size (fstat), so that reading N bytes costs N, not
//! the 2N of `read_to_end`'s doubling.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom};
use std::os::fd::AsFd;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use bytes::Bytes;

/// The message as read for checking.
#[derive(Debug)]
pub struct Input {
    /// The first `limit` + 1 bytes at most: what the pipeline judges.
    pub head: Bytes,
    /// Where the bytes after `head` are, when there are any.
    rest: Option<File>,
}

impl Input {
    /// True when the message is longer than what was read for checking.
    pub fn is_cut(&self) -> bool {
        self.rest.is_some()
    }

    /// The message to carry the plan out with: the whole message when
    /// `keep` (it is to be quarantined or forwarded) and the head was cut,
    /// else the head (cheap: shared). The whole message is read into one
    /// buffer of its exact size.
    ///
    /// Errors: the rest cannot be read (the caller defers).
    pub fn message(&mut self, keep: bool) -> io::Result<Bytes> {
        let Some(rest) = self.rest.as_mut().filter(|_| keep) else {
            return Ok(self.head.clone());
        };
        let left = remaining(rest).unwrap_or(0);
        let mut whole = Vec::with_capacity(self.head.len().saturating_add(left));
        whole.extend_from_slice(&self.head);
        rest.read_to_end(&mut whole)?;
        Ok(Bytes::from(whole))
    }
}

/// Reads filter mode's stdin: at most `limit` + 1 bytes into
/// [`Input::head`]; when there is more and stdin is not seekable, the rest
/// goes to an unlinked file created (mode 0600) in `spill_dir` (made 0700
/// when missing).
///
/// Errors: reading stdin or writing the spill file failed (the caller
/// defers: the message stays in the queue).
pub fn read_stdin(limit: usize, spill_dir: &Path) -> io::Result<Input> {
    let stdin = File::from(io::stdin().as_fd().try_clone_to_owned()?);
    read_from(stdin, limit, spill_dir)
}

/// [`read_stdin`] on any file descriptor (a regular file or a pipe).
pub fn read_from(mut file: File, limit: usize, spill_dir: &Path) -> io::Result<Input> {
    let cap = limit.saturating_add(1);
    let seekable = remaining(&mut file);
    let mut head = Vec::with_capacity(seekable.map_or(0, |n| n.min(cap)));
    (&mut file).take(cap as u64).read_to_end(&mut head)?;
    if head.len() < cap {
        return Ok(Input {
            head: Bytes::from(head),
            rest: None,
        });
    }
    let rest = match seekable {
        Some(_) => file,
        None => spill(&mut file, spill_dir)?,
    };
    Ok(Input {
        head: Bytes::from(head),
        rest: Some(rest),
    })
}

/// Reads a message file for the administrative commands (`-` is stdin):
/// at most `limit` + 1 bytes, as filter mode reads for checking (so that
/// `qmvc check /dev/zero` or a 5 GB file costs what a delivery costs, and
/// the parser still sees that the limit was passed), into a buffer of its
/// exact size when it is a regular file.
///
/// Errors: opening or reading failed.
pub fn read_file(path: &Path, limit: usize) -> io::Result<Bytes> {
    let mut file = if path.as_os_str() == "-" {
        File::from(io::stdin().as_fd().try_clone_to_owned()?)
    } else {
        File::open(path)?
    };
    let cap = limit.saturating_add(1);
    let mut buf = Vec::with_capacity(remaining(&mut file).unwrap_or(0).min(cap));
    file.take(cap as u64).read_to_end(&mut buf)?;
    Ok(Bytes::from(buf))
}

/// Bytes from the current offset to the end, for a regular file; `None`
/// for a pipe, a socket or a terminal.
fn remaining(file: &mut File) -> Option<usize> {
    let meta = file.metadata().ok()?;
    if !meta.is_file() {
        return None;
    }
    let pos = file.stream_position().ok()?;
    usize::try_from(meta.len().saturating_sub(pos)).ok()
}

/// Copies what is left of `from` into a new file in `dir`, unlinked at
/// once (nothing is left behind, whatever happens next), rewound.
fn spill(from: &mut File, dir: &Path) -> io::Result<File> {
    crate::actions::open::make_dir(dir)?;
    let name = dir.join(format!(
        "spill.{}.{}",
        std::process::id(),
        fastrand::u64(..)
    ));
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&name)?;
    std::fs::remove_file(&name)?;
    io::copy(from, &mut file)?;
    file.seek(SeekFrom::Start(0))?;
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn pipe_with(data: &[u8]) -> File {
        let (r, w) = nix::unistd::pipe().expect("pipe");
        let data = data.to_vec();
        std::thread::spawn(move || {
            let mut w = File::from(w);
            let _ = w.write_all(&data);
        });
        File::from(r)
    }

    fn regular_with(data: &[u8]) -> File {
        let mut f = tempfile_in(&std::env::temp_dir());
        f.write_all(data).expect("write");
        f.seek(SeekFrom::Start(0)).expect("rewind");
        f
    }

    fn tempfile_in(dir: &Path) -> File {
        let name = dir.join(format!("qmvc-input-test.{}", fastrand::u64(..)));
        let f = OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&name)
            .expect("temp file");
        std::fs::remove_file(&name).expect("unlink");
        f
    }

    #[test]
    fn short_message_is_read_whole_with_its_exact_size() {
        let data = b"Subject: hi\n\nbody\n";
        let mut input = read_from(regular_with(data), 100, &std::env::temp_dir()).expect("read");
        assert!(!input.is_cut());
        assert_eq!(&input.head[..], data);
        assert_eq!(input.head.len(), data.len());
        assert_eq!(&input.message(true).expect("whole")[..], data);
    }

    #[test]
    fn long_message_is_cut_for_checking_but_kept_whole() {
        let data: Vec<u8> = (0..10_000u32).map(|i| (i % 251) as u8).collect();
        let spill = std::env::temp_dir().join(format!("qmvc-spill-test.{}", fastrand::u64(..)));
        for file in [regular_with(&data), pipe_with(&data)] {
            let mut input = read_from(file, 1000, &spill).expect("read");
            assert!(input.is_cut());
            assert_eq!(input.head.len(), 1001);
            assert_eq!(&input.message(false).expect("head")[..], &data[..1001]);
            assert_eq!(input.message(true).expect("whole").as_ref(), &data[..]);
        }
        // The spill file was unlinked at once.
        let left = std::fs::read_dir(&spill).map(|d| d.count()).unwrap_or(0);
        assert_eq!(left, 0);
        let _ = std::fs::remove_dir(&spill);
    }

    #[test]
    fn admin_read_stops_one_byte_past_the_limit() {
        // An endless device costs limit + 1 bytes, not all memory.
        let read = read_file(Path::new("/dev/zero"), 1000).expect("read /dev/zero");
        assert_eq!(read.len(), 1001);
        let name = std::env::temp_dir().join(format!("qmvc-read-test.{}", fastrand::u64(..)));
        std::fs::write(&name, b"Subject: x\n\nshort\n").expect("write");
        let read = read_file(&name, 1000);
        let _ = std::fs::remove_file(&name);
        assert_eq!(read.expect("read").as_ref(), b"Subject: x\n\nshort\n");
    }

    #[test]
    fn message_of_exactly_the_limit_is_not_cut() {
        let data = vec![b'x'; 1000];
        let input = read_from(pipe_with(&data), 1000, &std::env::temp_dir()).expect("read");
        assert!(!input.is_cut());
        assert_eq!(input.head.len(), 1000);
    }
}
