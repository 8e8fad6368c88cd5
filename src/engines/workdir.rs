//! Per-message work directories under `[paths].workdir`, where command-line
//! scanners find the message and its decoded parts as files.
//!
//! A work directory is `qmvc-PID-NANOS-RANDOM`, mode 0700; files inside are
//! mode 0600 and get names qmvc makes up (`message.eml`, `part-0001.bin`),
//! never an attachment's own name (which is attacker-controlled: `../x`,
//! NUL bytes, names that mean something to a scanner). A [`WorkDir`] removes
//! its directory when dropped, on every exit path, and holds a `flock(2)`
//! lock on it while it lives. [`cleanup`] removes what a crash left behind
//! (qmail-scanner's `-z`), never a directory whose lock is held or whose
//! process is alive: a running delivery keeps its files whatever the age.

use std::fs::{self, DirBuilder, File, OpenOptions};
use std::io::{self, Read};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::error::Error;

/// The prefix of every work directory's name; [`cleanup`] removes nothing
/// else.
const PREFIX: &str = "qmvc-";

/// Default age after which [`cleanup`] removes a work directory: 30 hours,
/// as qmail-scanner's `-z`.
pub const DEFAULT_MAX_AGE: Duration = Duration::from_secs(30 * 3600);

/// One message's work directory; removed with everything in it on drop.
#[derive(Debug)]
pub struct WorkDir {
    path: PathBuf,
    files: usize,
    /// The directory itself, opened and locked exclusively for as long as
    /// the delivery runs (released by the kernel when the process ends,
    /// however it ends).
    _lock: File,
}

impl WorkDir {
    /// Creates a fresh work directory (mode 0700) under `parent`, creating
    /// `parent` (and what is missing above it) mode 0700 first: under a
    /// permissive umask a `parent` others may write would let them rename
    /// a work directory away and put their own in its place.
    ///
    /// Errors: [`Error::Write`] when either cannot be created.
    pub fn create(parent: &Path) -> Result<WorkDir, Error> {
        let write_err = |path: &Path, source| Error::Write {
            what: "work directory",
            path: path.to_path_buf(),
            source,
        };
        // The parent outlives the message: made as every directory under
        // the site's directories is (handed to its directory's owner when
        // root made it).
        crate::actions::open::make_dir(parent).map_err(|e| write_err(parent, e))?;
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let name = format!(
            "{PREFIX}{}-{nanos}-{:08x}",
            std::process::id(),
            fastrand::u32(..)
        );
        let path = parent.join(name);
        // create, not create_all: the name is new, and a directory that is
        // already there is not ours to use.
        DirBuilder::new()
            .mode(0o700)
            .create(&path)
            .map_err(|e| write_err(&path, e))?;
        let lock = File::open(&path).and_then(|f| f.lock().map(|()| f));
        let lock = match lock {
            Ok(f) => f,
            Err(e) => {
                let _ = fs::remove_dir(&path);
                return Err(write_err(&path, e));
            }
        };
        Ok(WorkDir {
            path,
            files: 0,
            _lock: lock,
        })
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Creates the subdirectory `name` (mode 0700) and returns its path;
    /// `name` is one qmvc made up (`v0`, `v1`...), never from the message.
    ///
    /// Errors: [`Error::Write`].
    pub fn subdir(&self, name: &str) -> Result<PathBuf, Error> {
        let path = self.path.join(name);
        DirBuilder::new()
            .mode(0o700)
            .create(&path)
            .map_err(|source| Error::Write {
                what: "work directory",
                path: path.clone(),
                source,
            })?;
        Ok(path)
    }

    /// Writes `content` to a new file (mode 0600) in `dir` (the work
    /// directory or one of its [`WorkDir::subdir`]s), named after `kind`
    /// and a counter: `message-0001.eml`, `part-0002.bin`... Returns its
    /// path.
    ///
    /// Errors: [`Error::Write`] (ENOSPC and the like).
    pub fn write(&mut self, dir: &Path, kind: FileKind, content: &[u8]) -> Result<PathBuf, Error> {
        self.write_from(dir, kind, content)
    }

    /// [`WorkDir::write`] with the content copied from `content` as it is
    /// read (`io::copy`: a streamed part never whole in memory).
    ///
    /// Errors: [`Error::Write`], for a read error of `content` too.
    pub fn write_from(
        &mut self,
        dir: &Path,
        kind: FileKind,
        mut content: impl Read,
    ) -> Result<PathBuf, Error> {
        self.files += 1;
        let name = match kind {
            FileKind::Message => format!("message-{:04}.eml", self.files),
            FileKind::Part => format!("part-{:04}.bin", self.files),
        };
        let path = dir.join(name);
        let result = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)
            .and_then(|mut f| io::copy(&mut content, &mut f).map(drop));
        result.map_err(|source| Error::Write {
            what: "work file",
            path: path.clone(),
            source,
        })?;
        Ok(path)
    }
}

impl Drop for WorkDir {
    fn drop(&mut self) {
        // Nothing to do about a failure here; `qmvc cleanup` catches what
        // is left.
        let _ = fs::remove_dir_all(&self.path);
    }
}

/// What a file in a work directory holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// The whole message as read.
    Message,
    /// One decoded part.
    Part,
}

/// Removes work directories under `parent` whose modification time is
/// older than `older_than` before `now`; only entries named `qmvc-*` that
/// are real directories (not links) and no running delivery uses
/// (`in_use`) are touched. Returns how many were removed. A missing
/// `parent` has nothing to clean (0).
///
/// Errors: [`Error::Read`] when `parent` cannot be listed;
/// [`Error::Write`] for the first directory that could not be removed
/// (the others are still tried).
pub fn cleanup(parent: &Path, older_than: Duration, now: SystemTime) -> Result<usize, Error> {
    if !parent.exists() {
        return Ok(0);
    }
    let cutoff = now.checked_sub(older_than).unwrap_or(UNIX_EPOCH);
    let mut removed = 0;
    let mut first_error = None;
    for entry in walkdir::WalkDir::new(parent).min_depth(1).max_depth(1) {
        let entry = entry.map_err(|e| Error::Read {
            what: "work directory",
            path: parent.to_path_buf(),
            source: e.into(),
        })?;
        let ours = entry
            .file_name()
            .to_str()
            .is_some_and(|n| n.starts_with(PREFIX));
        if !ours || !entry.file_type().is_dir() {
            continue;
        }
        let modified = entry.metadata().ok().and_then(|m| m.modified().ok());
        let old = modified.is_some_and(|t| t < cutoff);
        if !old || modified.is_some_and(|t| in_use(entry.path(), t, now)) {
            continue;
        }
        match fs::remove_dir_all(entry.path()) {
            Ok(()) => removed += 1,
            Err(source) => {
                first_error.get_or_insert(Error::Write {
                    what: "work directory",
                    path: entry.path().to_path_buf(),
                    source,
                });
            }
        }
    }
    match first_error {
        Some(e) => Err(e),
        None => Ok(removed),
    }
}

/// How long after its last change a work directory whose lock is free is
/// still taken as in use while the process its name gives is alive: the
/// lock is taken right after `mkdir`, so only a directory this young can
/// be a delivery between the two. Past it, a live PID is a reused one
/// (after a reboot, say) and must not keep a dead delivery's files forever.
const PID_WINDOW: Duration = Duration::from_secs(600);

/// True while a delivery uses the work directory `path` (last changed at
/// `modified`): its [`WorkDir`] lock is held, or, within [`PID_WINDOW`] of
/// `modified`, the process named in it (`qmvc-PID-...`) is alive (the
/// moment between `mkdir` and the lock). A directory that cannot be
/// opened is left alone too.
fn in_use(path: &Path, modified: SystemTime, now: SystemTime) -> bool {
    let Ok(dir) = File::open(path) else {
        return true;
    };
    match dir.try_lock() {
        Ok(()) => {}
        Err(fs::TryLockError::WouldBlock) => return true,
        Err(fs::TryLockError::Error(_)) => return true,
    }
    let pid = path
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.strip_prefix(PREFIX))
        .and_then(|rest| rest.split('-').next())
        .and_then(|pid| pid.parse::<i32>().ok())
        .filter(|&pid| pid > 0);
    let young = modified
        .checked_add(PID_WINDOW)
        .is_none_or(|until| until > now);
    young
        && pid.is_some_and(|pid| {
            // kill(pid, 0): delivered nowhere, only asks whether it exists;
            // EPERM means it does, under another user.
            let alive = nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), None);
            !matches!(alive, Err(nix::errno::Errno::ESRCH))
        })
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn mode(p: &Path) -> u32 {
        fs::metadata(p)
            .map(|m| m.permissions().mode() & 0o777)
            .unwrap_or(0)
    }

    #[test]
    fn workdir_is_private_and_removed_on_drop() -> Result<(), Box<dyn std::error::Error>> {
        let parent = tempfile::tempdir()?;
        let dir_path;
        {
            let mut dir = WorkDir::create(&parent.path().join("work"))?;
            dir_path = dir.path().to_path_buf();
            assert_eq!(mode(&dir_path), 0o700);
            let root = dir.path().to_path_buf();
            let m = dir.write(&root, FileKind::Message, b"hello")?;
            let sub = dir.subdir("parts")?;
            assert_eq!(mode(&sub), 0o700);
            let p = dir.write(&sub, FileKind::Part, b"part")?;
            assert_eq!(mode(&m), 0o600);
            assert_eq!(fs::read(&p)?, b"part");
            assert_ne!(m, p);
            assert!(
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("part-"))
            );
        }
        assert!(!dir_path.exists());
        Ok(())
    }

    #[test]
    fn cleanup_removes_only_old_qmvc_directories() -> Result<(), Box<dyn std::error::Error>> {
        let parent = tempfile::tempdir()?;
        // What a crash leaves behind: a directory of a process that is gone
        // (PID 0 is never one), nobody holding its lock.
        let old_path = parent.path().join("qmvc-0-1-00000000");
        fs::create_dir(&old_path)?;
        fs::write(old_path.join("message-0001.eml"), b"x")?;
        fs::create_dir(parent.path().join("not-ours"))?;
        fs::write(parent.path().join("qmvc-file"), b"x")?;
        let now = SystemTime::now();
        // Nothing is 30 h old yet.
        assert_eq!(cleanup(parent.path(), DEFAULT_MAX_AGE, now)?, 0);
        assert!(old_path.exists());
        // Seen from 31 h in the future it is.
        let later = now + Duration::from_secs(31 * 3600);
        assert_eq!(cleanup(parent.path(), DEFAULT_MAX_AGE, later)?, 1);
        assert!(!old_path.exists());
        assert!(parent.path().join("not-ours").exists());
        assert!(parent.path().join("qmvc-file").exists());
        assert_eq!(
            cleanup(&parent.path().join("missing"), DEFAULT_MAX_AGE, later)?,
            0
        );
        Ok(())
    }

    #[test]
    fn cleanup_never_removes_a_running_deliverys_directory()
    -> Result<(), Box<dyn std::error::Error>> {
        let parent = tempfile::tempdir()?;
        let running = WorkDir::create(parent.path())?;
        let later = SystemTime::now() + Duration::from_secs(31 * 3600);
        assert_eq!(cleanup(parent.path(), Duration::ZERO, later)?, 0);
        assert!(running.path().exists());
        // Another process's lock (a running delivery) without its PID in
        // the name alive: still in use.
        let foreign = parent.path().join("qmvc-0-2-00000000");
        fs::create_dir(&foreign)?;
        let held = File::open(&foreign)?;
        held.lock()?;
        // flock(2) locks belong to the open file: a second open (as
        // cleanup does) sees it held even in this process.
        assert_eq!(cleanup(parent.path(), Duration::ZERO, later)?, 0);
        drop(held);
        assert_eq!(cleanup(parent.path(), Duration::ZERO, later)?, 1);
        assert!(!foreign.exists());
        assert!(running.path().exists());
        Ok(())
    }
}
