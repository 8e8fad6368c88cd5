//! Who may have written the files qmvc trusts. The main file, the profile
//! files and the `profiles`, `templates` and `locales` directories name
//! programs, addresses and rules: whoever can write them steers qmvc. So
//! qmvc follows qmail-local's own rule for dot-qmail files ("Uh-oh: .qmail
//! file is writable. (#4.7.0)", qmail-local.c): a site file or directory
//! that everyone may write is not trusted, and filter mode defers with
//! `(#4.7.0)` until the administrator fixes the mode.
//!
//! A per-user profile (`qmvc -u`) is held to more: a regular file (not a
//! symbolic link), owned by the owner of the home directory (or by root,
//! and then readable by everyone), and writable by its owner alone. qmvc
//! thus never takes rules from a file someone else could change, and never
//! reads, on a user's behalf, a file that user could not read (which
//! matters when root runs `qmvc config show --user HOME`).
//!
//! The refusal travels as the source of an [`std::io::Error`], so that it
//! reaches the user through the ordinary read errors; [`is_untrusted`]
//! recognises it for the status code.

use std::fs::Metadata;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;

use super::Paths;
use crate::error::{Error, Problem};
pub use crate::error::{Untrusted, is_untrusted};

/// Written by others: group (`S_IWGRP`).
const GROUP_WRITE: u32 = 0o020;
/// Written by others: everyone (`S_IWOTH`).
const OTHER_WRITE: u32 = 0o002;
/// Readable by everyone (`S_IROTH`).
const OTHER_READ: u32 = 0o004;

fn mode(meta: &Metadata) -> u32 {
    meta.permissions().mode() & 0o7777
}

/// A site file or directory: nobody but its owner and group may write it
/// (qmail's `conf-patrn` 002).
///
/// Errors: [`Untrusted`] when everyone may write it.
pub fn site(meta: &Metadata) -> Result<(), Untrusted> {
    if mode(meta) & OTHER_WRITE != 0 {
        return Err(Untrusted(format!(
            "writable by everyone (mode {:04o})",
            mode(meta)
        )));
    }
    Ok(())
}

/// A per-user profile whose home directory belongs to `owner` (a uid): a
/// regular file, owned by `owner` (or by root and readable by everyone),
/// writable by its owner alone. `meta` must come from the open file (not
/// followed through a symbolic link).
///
/// Errors: [`Untrusted`] naming what is wrong.
pub fn user(meta: &Metadata, owner: u32) -> Result<(), Untrusted> {
    if !meta.is_file() {
        return Err(Untrusted("not a regular file".into()));
    }
    let uid = meta.uid();
    if uid != owner && uid != 0 {
        return Err(Untrusted(format!(
            "owned by uid {uid}, not by the user (uid {owner})"
        )));
    }
    if uid != owner && mode(meta) & OTHER_READ == 0 {
        return Err(Untrusted(
            "owned by root and not readable by the user".into(),
        ));
    }
    if mode(meta) & (GROUP_WRITE | OTHER_WRITE) != 0 {
        return Err(Untrusted(format!(
            "writable by others (mode {:04o})",
            mode(meta)
        )));
    }
    Ok(())
}

/// The directories of `paths` that hold rules and texts (`profiles`,
/// `templates`, `locales`), with their keys. A missing one is no problem.
fn site_dirs(paths: &Paths) -> [(&'static str, &'static str, &Path); 3] {
    [
        (
            "paths.profiles",
            "profile directory",
            paths.profiles.as_path(),
        ),
        (
            "paths.templates",
            "template directory",
            paths.templates.as_path(),
        ),
        ("paths.locales", "locale directory", paths.locales.as_path()),
    ]
}

/// Filter mode's check of the site directories.
///
/// Errors: [`Error::Read`] with an [`Untrusted`] source for the first
/// directory everyone may write.
pub fn check_dirs(paths: &Paths) -> Result<(), Error> {
    for (_, what, dir) in site_dirs(paths) {
        if let Ok(meta) = std::fs::metadata(dir)
            && let Err(why) = site(&meta)
        {
            return Err(Error::Read {
                what,
                path: dir.to_path_buf(),
                source: why.into_io(),
            });
        }
    }
    Ok(())
}

/// `config check`'s view: the main file (`main`, when one is read) and the
/// site directories, each that everyone may write as a problem labelled
/// `config_file`. Profile files are checked as they are read.
pub fn problems(paths: &Paths, main: Option<&Path>, config_file: &str) -> Vec<Problem> {
    let mut out = Vec::new();
    if let Some(main) = main
        && let Ok(meta) = std::fs::metadata(main)
        && let Err(why) = site(&meta)
    {
        out.push(Problem {
            file: config_file.to_string(),
            key: "-".into(),
            what: why.to_string(),
        });
    }
    for (key, _, dir) in site_dirs(paths) {
        if let Ok(meta) = std::fs::metadata(dir)
            && let Err(why) = site(&meta)
        {
            out.push(Problem {
                file: config_file.to_string(),
                key: key.into(),
                what: format!("{}: {why}", dir.display()),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::{fs, io};

    use super::*;

    fn meta_with(mode: u32) -> Result<(tempfile::TempDir, Metadata), io::Error> {
        let dir = tempfile::tempdir()?;
        let p = dir.path().join("f");
        fs::write(&p, b"x")?;
        fs::set_permissions(&p, fs::Permissions::from_mode(mode))?;
        let meta = fs::metadata(&p)?;
        Ok((dir, meta))
    }

    #[test]
    fn site_files_may_not_be_world_writable() -> Result<(), io::Error> {
        assert!(site(&meta_with(0o644)?.1).is_ok());
        assert!(site(&meta_with(0o664)?.1).is_ok());
        let e = site(&meta_with(0o666)?.1)
            .err()
            .unwrap_or(Untrusted(String::new()));
        assert_eq!(
            e.to_string(),
            "writable by everyone (mode 0666): not trusted"
        );
        Ok(())
    }

    #[test]
    fn user_files_are_the_users_alone() -> Result<(), io::Error> {
        let (_d, m) = meta_with(0o644)?;
        let me = m.uid();
        assert!(user(&m, me).is_ok());
        assert!(user(&meta_with(0o664)?.1, me).is_err());
        assert!(user(&meta_with(0o646)?.1, me).is_err());
        if me == 0 {
            // Root's file for another user: only when that user may read it.
            assert!(user(&m, 1).is_ok());
            assert!(user(&meta_with(0o600)?.1, 1).is_err());
        } else {
            assert!(user(&m, me.wrapping_add(1)).is_err());
        }
        Ok(())
    }

    #[test]
    fn refusals_are_recognised_through_io_and_error() {
        let io = Untrusted("x".into()).into_io();
        assert!(is_untrusted(&io));
        let e = Error::Read {
            what: "profile",
            path: "/p".into(),
            source: Untrusted("x".into()).into_io(),
        };
        assert!(is_untrusted(&e));
        assert!(e.chain().ends_with(": x: not trusted"), "{}", e.chain());
        assert!(!is_untrusted(&io::Error::other("plain")));
    }
}
