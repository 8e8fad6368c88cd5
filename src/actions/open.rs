//! Opening qmvc's write points (the log, the report file, the quarantine
//! Maildir, the bomber state) so that whatever sits at the path cannot
//! block qmvc or redirect its writes: a FIFO with no reader would block an
//! open for writing forever (fifo(7)), a socket or device is no file, and
//! a root-run qmvc must not append through a symbolic link planted by the
//! delivering user (open(2): `O_NOFOLLOW`, `O_NONBLOCK`, `O_DIRECTORY`).

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
/// `mkdir -p` does.
///
/// Errors: the mkdir error; where something that is no directory stands
/// in the way, `NotADirectory` ("not a directory"), not the `EEXIST`
/// ("File exists") mkdir(2) gives, which names no problem an
/// administrator can see.
pub fn make_dir(path: &Path) -> io::Result<()> {
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
        })
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
