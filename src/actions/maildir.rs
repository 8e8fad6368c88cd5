//! The quarantine Maildir, written exactly as maildir(5) says: a unique
//! name, exclusive create in `tmp/`, write, fsync, close with every return
//! checked, link into `new/`, then unlink the `tmp/` name. qmvc exits 99 only
//! after [`deliver`] returned the file's name in `new/`.
//!
//! The readers ([`entries`], [`open_message`], [`read_head`]) serve the
//! administrative `qmvc quarantine` commands: they list by reading the
//! directories (never by joining a name someone typed onto a path), never
//! follow a symbolic link, and read only as much of a file as asked.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use nix::fcntl::OFlag;

use crate::error::{Error, Result};

/// How many unique names are tried when `new/` already holds one.
const NAME_TRIES: u32 = 8;

/// What makes a Maildir name unique on this host (maildir(5): time, a
/// delivery identifier, the host name).
#[derive(Debug, Clone)]
pub struct Unique {
    /// Seconds since the epoch.
    pub secs: i64,
    /// Microseconds within the second.
    pub micros: u32,
    /// The delivering process.
    pub pid: u32,
    /// The host name, as `gethostname` gives it (sanitised here).
    pub host: String,
}

impl Unique {
    /// `SECS.M<usec>P<pid>Q<n>.HOST`, with `/` and `:` in the host name
    /// written `\057` and `\072` as maildir(5) asks.
    pub fn name(&self, n: u32) -> String {
        let host: String = self
            .host
            .chars()
            .map(|c| match c {
                '/' => "\\057".to_string(),
                ':' => "\\072".to_string(),
                c if c.is_ascii_graphic() => c.to_string(),
                _ => "_".to_string(),
            })
            .collect();
        format!("{}.M{}P{}Q{}.{}", self.secs, self.micros, self.pid, n, host)
    }
}

/// A file safely in `new/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    /// The full path of the file in `new/`.
    pub path: PathBuf,
    /// Its unique name (the quarantine id).
    pub name: String,
}

/// Creates `dir/{tmp,new,cur}` (mode 0700) when missing.
///
/// Errors: [`Error::Write`] with what = `what`.
pub fn ensure(dir: &Path, what: &'static str) -> Result<()> {
    for sub in ["tmp", "new", "cur"] {
        let p = dir.join(sub);
        super::open::make_dir(&p).map_err(|source| Error::Write {
            what,
            path: p,
            source,
        })?;
    }
    Ok(())
}

/// Delivers `head` followed by `body` into the Maildir `dir` and returns
/// where it landed. `head` is header lines qmvc wrote (each ending in
/// `\n`); `body` the original message, byte for byte.
///
/// Nothing is left in `new/` unless the whole file was written and fsynced;
/// a failed attempt removes its `tmp/` file.
///
/// Errors: [`Error::Write`] (what = `what`) for any failing step, ENOSPC
/// and EDQUOT included.
pub fn deliver(
    dir: &Path,
    unique: &Unique,
    head: &[u8],
    body: &[u8],
    what: &'static str,
) -> Result<Stored> {
    ensure(dir, what)?;
    let write_err = |path: &Path, source: io::Error| Error::Write {
        what,
        path: path.to_path_buf(),
        source,
    };
    for n in 0..NAME_TRIES {
        let name = unique.name(n);
        let tmp = dir.join("tmp").join(&name);
        let new = dir.join("new").join(&name);
        let file = match super::open::create(
            &tmp,
            OpenOptions::new().write(true).create_new(true).mode(0o600),
        ) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(write_err(&tmp, e)),
        };
        if let Err(e) = write_synced(file, head, body) {
            let _ = fs::remove_file(&tmp);
            return Err(write_err(&tmp, e));
        }
        match fs::hard_link(&tmp, &new) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                let _ = fs::remove_file(&tmp);
                continue;
            }
            Err(e) => {
                let _ = fs::remove_file(&tmp);
                return Err(write_err(&new, e));
            }
        }
        // The link is the commit point; make it durable before exit 99.
        if let Err(e) = super::open::directory(&dir.join("new")).and_then(|d| d.sync_all()) {
            let _ = fs::remove_file(&new);
            let _ = fs::remove_file(&tmp);
            return Err(write_err(&new, e));
        }
        // A stale tmp/ name is harmless (maildir readers clean tmp/ after
        // 36 hours), so a failing unlink is not an error.
        let _ = fs::remove_file(&tmp);
        return Ok(Stored { path: new, name });
    }
    Err(write_err(
        &dir.join("new"),
        io::Error::new(io::ErrorKind::AlreadyExists, "no unique name left"),
    ))
}

/// maildir(5): a file in `tmp/` untouched this long belongs to a delivery
/// that died; younger ones may be a delivery still writing.
pub const TMP_STALE: Duration = Duration::from_secs(36 * 3600);

/// The files in `dir/tmp/` older than both `older_than` and [`TMP_STALE`]
/// before `now`: what a delivery killed between create and link left
/// behind. The one rule `qmvc cleanup` and `qmvc quarantine purge` share:
/// however small `older_than`, a file a running delivery is writing is
/// never among them. Regular files only (not links), listed as
/// [`entries`] lists them; a missing `tmp/` has none.
///
/// Errors: [`Error::Read`] when `tmp/` cannot be listed.
pub fn stale_tmp(dir: &Path, older_than: Duration, now: SystemTime) -> Result<Vec<Entry>> {
    let limit = older_than.max(TMP_STALE);
    Ok(entries(dir, &["tmp"], "quarantine")?
        .into_iter()
        .filter(|e| now.duration_since(e.modified).unwrap_or_default() > limit)
        .collect())
}

/// Removes the files [`stale_tmp`] finds. Returns how many were removed.
///
/// Errors: [`Error::Read`] when `tmp/` cannot be listed; [`Error::Write`]
/// for the first file that could not be removed (the others are still
/// tried; one already gone counts as removed by someone else).
pub fn clean_tmp(dir: &Path, older_than: Duration, now: SystemTime) -> Result<usize> {
    let mut removed = 0;
    let mut first_error = None;
    for entry in stale_tmp(dir, older_than, now)? {
        match fs::remove_file(&entry.path) {
            Ok(()) => removed += 1,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(source) => {
                first_error.get_or_insert(Error::Write {
                    what: "quarantine",
                    path: entry.path,
                    source,
                });
            }
        }
    }
    first_error.map_or(Ok(removed), Err)
}

/// Removes a delivered file again (used when a later step of the plan fails
/// and the message is deferred, so that the retry does not store it twice).
pub fn retract(stored: &Stored) {
    let _ = fs::remove_file(&stored.path);
}

/// One message file found by [`entries`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The full path (`DIR/new/NAME` or `DIR/cur/NAME:2,FLAGS`).
    pub path: PathBuf,
    /// The file name as found, info part (`:2,FLAGS`) included.
    pub name: String,
    /// The subdirectory it was found in (`new` or `cur`, as asked).
    pub sub: &'static str,
    /// Last modification: when qmvc wrote it (renames keep it).
    pub modified: SystemTime,
    /// Size in bytes.
    pub len: u64,
}

impl Entry {
    /// The unique name: the file name without the info part maildir(5)
    /// readers add in `cur/` (`:2,S`).
    pub fn unique(&self) -> &str {
        self.name.split_once(':').map_or(&self.name, |(u, _)| u)
    }
}

/// The regular files in `dir/SUB` for each of `subs`, unsorted. Names
/// starting with `.` are skipped (maildir(5)), so are symbolic links,
/// directories and anything else that is not a regular file, and names that
/// are not UTF-8. A missing subdirectory (nothing quarantined yet) holds
/// nothing.
///
/// Errors: [`Error::Read`] (what = `what`) when a subdirectory exists but
/// cannot be read.
pub fn entries(dir: &Path, subs: &[&'static str], what: &'static str) -> Result<Vec<Entry>> {
    let mut out = Vec::new();
    for &sub in subs {
        let path = dir.join(sub);
        let read_err = |source: io::Error| Error::Read {
            what,
            path: path.clone(),
            source,
        };
        let listing = match fs::read_dir(&path) {
            Ok(l) => l,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(read_err(e)),
        };
        for item in listing {
            let item = item.map_err(read_err)?;
            let Ok(name) = item.file_name().into_string() else {
                continue;
            };
            // DirEntry::metadata is lstat(2): a link is seen as a link.
            let Ok(meta) = item.metadata() else { continue };
            if name.starts_with('.') || !meta.file_type().is_file() {
                continue;
            }
            out.push(Entry {
                path: item.path(),
                name,
                sub,
                modified: meta.modified().unwrap_or(SystemTime::UNIX_EPOCH),
                len: meta.len(),
            });
        }
    }
    Ok(out)
}

/// Opens a message file for reading without following a symbolic link
/// (`O_NOFOLLOW`) or blocking on a FIFO (`O_NONBLOCK`), and checks that
/// what was opened is a regular file: a link planted in the quarantine
/// must not make root read another file.
///
/// Errors: the open error, or `InvalidInput` for anything not a regular
/// file.
pub fn open_message(path: &Path) -> io::Result<File> {
    let file = OpenOptions::new()
        .read(true)
        .custom_flags((OFlag::O_NOFOLLOW | OFlag::O_NONBLOCK).bits())
        .open(path)?;
    if !file.metadata()?.file_type().is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a regular file",
        ));
    }
    Ok(file)
}

/// Reads from `file` up to and including the empty line that ends the
/// header block (RFC 5322 §2.1; LF or CRLF), reading at most `cap` bytes:
/// a message's body is never read. Without an empty line within `cap` (or
/// before the end of the file) the bytes read so far are returned.
///
/// Errors: read errors.
pub fn read_head(file: &mut impl Read, cap: usize) -> io::Result<Vec<u8>> {
    const CHUNK: usize = 8192;
    let mut buf: Vec<u8> = Vec::with_capacity(CHUNK.min(cap));
    loop {
        let start = buf.len();
        let want = CHUNK.min(cap.saturating_sub(start));
        if want == 0 {
            return Ok(buf);
        }
        buf.resize(start + want, 0);
        let n = match file.read(buf.get_mut(start..).unwrap_or_default()) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => 0,
            Err(e) => return Err(e),
        };
        buf.truncate(start + n);
        // Look again from a little before the new bytes: the empty line may
        // straddle two reads.
        if let Some(end) = head_end(&buf, start.saturating_sub(2)) {
            buf.truncate(end);
            return Ok(buf);
        }
        if n == 0 {
            return Ok(buf);
        }
    }
}

/// The offset just past the empty line ending the header block, searching
/// from `from` (which must be at a line start or inside the previous
/// line's end): the first `\n` that is followed by `\n` or `\r\n`.
fn head_end(buf: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while let Some(nl) = buf.get(i..).and_then(|b| memchr::memchr(b'\n', b)) {
        let after = i + nl + 1;
        match buf.get(after..) {
            Some([b'\n', ..]) => return Some(after + 1),
            Some([b'\r', b'\n', ..]) => return Some(after + 2),
            _ => i = after,
        }
    }
    None
}

fn write_synced(mut file: File, head: &[u8], body: &[u8]) -> io::Result<()> {
    file.write_all(head)?;
    file.write_all(body)?;
    file.sync_all()?;
    // close(2) errors surface on NFS; std drops them, so sync_all above is
    // the check that counts.
    drop(file);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unique() -> Unique {
        Unique {
            secs: 1_700_000_000,
            micros: 42,
            pid: 7,
            host: "mx/1:a b".into(),
        }
    }

    #[test]
    fn name_follows_maildir5() {
        assert_eq!(unique().name(3), "1700000000.M42P7Q3.mx\\0571\\072a_b");
    }

    #[test]
    fn deliver_writes_whole_file_into_new() -> Result<()> {
        let dir = tempfile::tempdir().map_err(|e| Error::Message { source: e })?;
        let q = dir.path().join("q");
        let s = deliver(
            &q,
            &unique(),
            b"X-Qmvc-Incident: 1\n",
            b"Subject: hi\n\nbody\n",
            "quarantine",
        )?;
        assert_eq!(
            fs::read(&s.path).unwrap_or_default(),
            b"X-Qmvc-Incident: 1\nSubject: hi\n\nbody\n"
        );
        assert_eq!(
            fs::read_dir(q.join("tmp")).map(|d| d.count()).unwrap_or(99),
            0
        );
        // The same unique stamp again gets the next Q number.
        let s2 = deliver(&q, &unique(), b"", b"x", "quarantine")?;
        assert_ne!(s.name, s2.name);
        Ok(())
    }

    #[test]
    fn clean_tmp_removes_only_stale_files() -> Result<()> {
        let dir = tempfile::tempdir().map_err(|e| Error::Message { source: e })?;
        let q = dir.path().join("q");
        assert_eq!(clean_tmp(&q, Duration::ZERO, SystemTime::now())?, 0);
        ensure(&q, "quarantine")?;
        let io = |source| Error::Message { source };
        fs::write(q.join("tmp/left-by-a-kill"), b"partial").map_err(io)?;
        fs::create_dir(q.join("tmp/a-directory")).map_err(io)?;
        let s = deliver(&q, &unique(), b"", b"x", "quarantine")?;
        let now = SystemTime::now();
        assert_eq!(clean_tmp(&q, Duration::from_secs(3600), now)?, 0);
        // Below 36 hours a tmp/ file may be a delivery still writing,
        // whatever age was asked for.
        let later = now + Duration::from_secs(31 * 3600);
        assert_eq!(clean_tmp(&q, Duration::ZERO, later)?, 0);
        let later = now + Duration::from_secs(37 * 3600);
        assert_eq!(clean_tmp(&q, Duration::from_secs(30 * 3600), later)?, 1);
        assert!(!q.join("tmp/left-by-a-kill").exists());
        assert!(q.join("tmp/a-directory").exists());
        assert!(s.path.exists(), "new/ is never touched");
        Ok(())
    }

    #[test]
    fn unwritable_dir_is_an_error_and_leaves_nothing() {
        let dir = tempfile::tempdir().ok();
        let Some(dir) = dir else { return };
        let file = dir.path().join("plainfile");
        let _ = fs::write(&file, b"");
        let r = deliver(&file, &unique(), b"", b"x", "quarantine");
        assert!(matches!(
            r,
            Err(Error::Write {
                what: "quarantine",
                ..
            })
        ));
    }

    /// A body that fails when read: [`read_head`] must stop before it.
    struct Unreadable;

    impl Read for Unreadable {
        fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
            Err(io::Error::other("body read"))
        }
    }

    #[test]
    fn read_head_stops_at_the_empty_line() {
        let head = b"A: 1\r\nB: 2\r\n\r\n";
        let mut r = io::Cursor::new(&head[..]).chain(Unreadable);
        assert_eq!(read_head(&mut r, 1 << 20).ok().as_deref(), Some(&head[..]));
        let mut r = io::Cursor::new(&b"A: 1\n\nbody\n"[..]);
        assert_eq!(
            read_head(&mut r, 1 << 20).ok().as_deref(),
            Some(&b"A: 1\n\n"[..])
        );
        // No empty line: everything up to the cap, or to the end.
        let mut r = io::Cursor::new(vec![b'x'; 100_000]);
        assert_eq!(
            read_head(&mut r, 20_000).map(|b| b.len()).ok(),
            Some(20_000)
        );
        let mut r = io::Cursor::new(&b"A: 1\n"[..]);
        assert_eq!(read_head(&mut r, 100).ok().as_deref(), Some(&b"A: 1\n"[..]));
    }

    #[test]
    fn read_head_finds_an_empty_line_across_reads() {
        // The first read (8192 bytes) ends inside the "\n\n" pair.
        let mut data = vec![b'a'; 8191];
        data.extend_from_slice(b"\n\n\nrest");
        let mut r = io::Cursor::new(data);
        assert_eq!(read_head(&mut r, 1 << 20).map(|b| b.len()).ok(), Some(8193));
    }

    #[test]
    fn entries_list_files_only_and_open_refuses_links() -> Result<()> {
        let dir = tempfile::tempdir().map_err(|e| Error::Message { source: e })?;
        let q = dir.path().join("q");
        let s = deliver(&q, &unique(), b"", b"x", "quarantine")?;
        let secret = dir.path().join("secret");
        let _ = fs::write(&secret, b"secret");
        let _ = std::os::unix::fs::symlink(&secret, q.join("new/link"));
        let _ = fs::create_dir(q.join("new/subdir"));
        let _ = fs::write(q.join("cur/.hidden"), b"");
        let _ = fs::write(q.join("cur/1.M2P3Q4.h:2,S"), b"seen");
        let mut found = entries(&q, &["new", "cur", "missing"], "quarantine")?;
        found.sort_by(|a, b| a.name.cmp(&b.name));
        let names: Vec<(&str, &str, &str)> = found
            .iter()
            .map(|e| (e.sub, e.name.as_str(), e.unique()))
            .collect();
        assert_eq!(
            names,
            [
                ("cur", "1.M2P3Q4.h:2,S", "1.M2P3Q4.h"),
                ("new", s.name.as_str(), s.name.as_str())
            ]
        );
        assert!(open_message(&q.join("new/link")).is_err());
        assert!(open_message(&q.join("new/subdir")).is_err());
        assert!(open_message(&s.path).is_ok());
        Ok(())
    }
}
