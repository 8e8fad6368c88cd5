//! The quarantine Maildir, written exactly as maildir(5) says: a unique
//! name, exclusive create in `tmp/`, write, fsync, close with every return
//! checked, link into `new/`, then unlink the `tmp/` name. qmvc exits 99 only
//! after [`deliver`] returned the file's name in `new/`.

use std::fs::{self, DirBuilder, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

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
        DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&p)
            .map_err(|source| Error::Write {
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
        let file = match OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&tmp)
        {
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
        if let Err(e) = File::open(dir.join("new")).and_then(|d| d.sync_all()) {
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

/// Removes the files in `dir/tmp/` whose modification time is more than
/// `older_than` before `now`: what a delivery killed between create and
/// link left behind. maildir(5) lets a reader clean `tmp/` of files not
/// accessed for 36 hours; qmvc never goes back to a `tmp/` file once its
/// delivery has ended, so any age above the longest delivery is safe.
/// Only regular files are touched. A missing `tmp/` has nothing to clean.
/// Returns how many were removed.
///
/// Errors: [`Error::Read`] when `tmp/` cannot be listed; [`Error::Write`]
/// for the first file that could not be removed (the others are still
/// tried).
pub fn clean_tmp(dir: &Path, older_than: Duration, now: SystemTime) -> Result<usize> {
    let tmp = dir.join("tmp");
    let entries = match fs::read_dir(&tmp) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(0),
        Err(source) => {
            return Err(Error::Read {
                what: "quarantine",
                path: tmp,
                source,
            });
        }
    };
    let cutoff = now.checked_sub(older_than).unwrap_or(UNIX_EPOCH);
    let mut removed = 0;
    let mut first_error = None;
    for entry in entries.flatten() {
        let stale = entry
            .metadata()
            .is_ok_and(|m| m.is_file() && m.modified().is_ok_and(|t| t < cutoff));
        if !stale {
            continue;
        }
        match fs::remove_file(entry.path()) {
            Ok(()) => removed += 1,
            Err(source) => {
                first_error.get_or_insert(Error::Write {
                    what: "quarantine",
                    path: entry.path(),
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
        let later = now + Duration::from_secs(31 * 3600);
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
}
