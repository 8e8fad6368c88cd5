//! Opening qmvc's write points (the log, the report file, the quarantine
//! Maildir, the bomber state) so that whatever sits at the path cannot
//! block qmvc or redirect its writes: a FIFO with no reader would block an
//! open for writing forever (fifo(7)), a socket or device is no file, and
//! a root-run qmvc must not append through a symbolic link planted by the
//! delivering user (open(2): `O_NOFOLLOW`, `O_NONBLOCK`, `O_DIRECTORY`).
//!
//! Every file and directory qmvc creates under the site's directories is
//! created here ([`make_dir`], [`create`]). When qmvc runs as root (an
//! administrator's `quarantine release`), what it creates is handed to the
//! owner of the directory it was made in, as qmail's own programs keep
//! their queue files: the delivering user who owns the data directory must
//! still be able to append to the log, read the release key, count
//! bombers and purge the quarantine afterwards (a root-owned `log/` would
//! make every delivery defer).

use std::fs::{DirBuilder, File, OpenOptions};
use std::io;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::Path;

use nix::fcntl::OFlag;

/// Opens `path` as `options` say, never following a symbolic link in the
/// last component and never blocking, and returns it only when it is a
/// regular file.
///
/// Errors: the open error (`ELOOP` for a symbolic link, `ENXIO` for a FIFO
/// without a reader or a socket), or `InvalidInput` for a FIFO, device or
/// directory that did open.
pub fn regular_file(path: &Path, options: &mut OpenOptions) -> io::Result<File> {
    let file = options
        .custom_flags((OFlag::O_NOFOLLOW | OFlag::O_NONBLOCK).bits())
        .open(path)?;
    let kind = file.metadata()?.file_type();
    if !kind.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a regular file (a FIFO, socket, device or directory is refused)",
        ));
    }
    Ok(file)
}

/// Opens the directory `path` for reading (to fsync it) without blocking:
/// anything that is not a directory fails with `ENOTDIR` at once.
///
/// Errors: the open error.
pub fn directory(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .read(true)
        .custom_flags((OFlag::O_DIRECTORY | OFlag::O_NONBLOCK).bits())
        .open(path)
}

/// Creates the directory `path` and its missing parents, mode 0700, as
/// `mkdir -p` does; run as root, each directory it made is handed to the
/// owner of the directory it was made in ([`hand_over`]).
///
/// Errors: the mkdir or chown error; where something that is no directory
/// stands in the way, `NotADirectory` ("not a directory"), not the `EEXIST`
/// ("File exists") mkdir(2) gives, which names no problem an
/// administrator can see.
pub fn make_dir(path: &Path) -> io::Result<()> {
    // The missing ancestors, deepest first (a bounded walk: a path has
    // finitely many components).
    let mut missing = Vec::new();
    let mut at = Some(path);
    while let Some(p) = at.filter(|p| !p.as_os_str().is_empty()) {
        match p.symlink_metadata() {
            Err(e) if e.kind() == io::ErrorKind::NotFound => missing.push(p.to_path_buf()),
            _ => break,
        }
        at = p.parent();
    }
    DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(path)
        .map_err(|e| {
            if e.kind() == io::ErrorKind::AlreadyExists {
                io::Error::new(
                    io::ErrorKind::NotADirectory,
                    "not a directory (a file is in the way)",
                )
            } else {
                e
            }
        })?;
    // Outermost first: each one's directory is already handed over.
    for dir in missing.iter().rev() {
        hand_over(dir)?;
    }
    Ok(())
}

/// Opens `path` as [`regular_file`] does, with `options` that may create
/// it; run as root, a file this call created is handed to the owner of
/// its directory ([`hand_over`]).
///
/// Errors: those of [`regular_file`], and the chown error.
pub fn create(path: &Path, options: &mut OpenOptions) -> io::Result<File> {
    let root = nix::unistd::geteuid().is_root();
    let existed = root && path.symlink_metadata().is_ok();
    let file = regular_file(path, options)?;
    if root && !existed {
        hand_over(path)?;
    }
    Ok(file)
}

/// Run as root: gives `path` (a file or directory this process just made,
/// so still root's) to the owner and group of the directory it is in,
/// unless that directory is root's too. Without root, nothing to do: what
/// a user creates is the user's. The link itself is changed, never what
/// it points to (lchown(2)).
///
/// Errors: the stat or chown error.
pub fn hand_over(path: &Path) -> io::Result<()> {
    use std::os::unix::fs::MetadataExt;
    if !nix::unistd::geteuid().is_root() {
        return Ok(());
    }
    let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) else {
        return Ok(());
    };
    let owner = dir.metadata()?;
    let made = path.symlink_metadata()?;
    if owner.uid() == 0 || made.uid() != 0 {
        return Ok(());
    }
    std::os::unix::fs::lchown(path, Some(owner.uid()), Some(owner.gid()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use nix::sys::stat::Mode;

    #[test]
    fn fifo_symlink_and_directory_are_refused_at_once() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        let fifo = dir.path().join("fifo");
        nix::unistd::mkfifo(&fifo, Mode::from_bits_truncate(0o600)).map_err(io::Error::from)?;
        let target = dir.path().join("target");
        std::fs::write(&target, "x")?;
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&target, &link)?;
        let append = || {
            let mut o = OpenOptions::new();
            o.append(true).create(true);
            o
        };
        for bad in [&fifo, &link, &dir.path().to_path_buf()] {
            assert!(
                regular_file(bad, &mut append()).is_err(),
                "{}",
                bad.display()
            );
        }
        // A FIFO that has a reader opens, and is refused all the same.
        let _reader = OpenOptions::new()
            .read(true)
            .custom_flags(OFlag::O_NONBLOCK.bits())
            .open(&fifo)?;
        assert!(regular_file(&fifo, &mut append()).is_err());
        assert!(regular_file(&target, &mut append()).is_ok());
        assert!(directory(&fifo).is_err() && directory(dir.path()).is_ok());
        Ok(())
    }
}
