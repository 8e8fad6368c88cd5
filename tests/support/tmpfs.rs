//! Real filesystems for fault tests: a small tmpfs mounted on a directory
//! (needs root), filled to the last byte, or remounted read-only. Every
//! test that uses one has `full_` in its name and is
//! `#[ignore = "needs root: mounts a tmpfs"]`; `tools/test` runs them.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A tmpfs mounted at a directory; unmounted on drop, also when the test
/// panics (a lazy unmount if something still holds it open).
#[derive(Debug)]
pub struct Tmpfs(PathBuf);

impl Tmpfs {
    /// Mounts a tmpfs of `kib` KiB, mode 0700, at `dir` (created when
    /// missing).
    pub fn mount(dir: &Path, kib: u32) -> Tmpfs {
        fs::create_dir_all(dir).expect("mkdir");
        mount(
            &[
                "-t",
                "tmpfs",
                "-o",
                &format!("size={kib}k,mode=0700"),
                "tmpfs",
            ],
            dir,
        );
        Tmpfs(dir.to_path_buf())
    }

    /// The mount point.
    pub fn path(&self) -> &Path {
        &self.0
    }

    /// Fills the filesystem to the last byte (files named `filler*`).
    pub fn fill(&self) {
        let dir = &self.0;
        for chunk in 0.. {
            if fs::write(dir.join(format!("filler{chunk}")), vec![b'x'; 4096]).is_err() {
                break;
            }
        }
        // The remainder of a partly written last page, if any.
        for i in 0..64 {
            if fs::write(dir.join(format!("filler-small{i}")), b"x").is_err() {
                break;
            }
        }
    }

    /// Remounts it read-only (EROFS for every write, root's included).
    pub fn read_only(&self) {
        mount(&["-o", "remount,ro"], &self.0);
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let ok = Command::new("umount")
            .arg(&self.0)
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            let _ = Command::new("umount").arg("-l").arg(&self.0).status();
        }
    }
}

fn mount(args: &[&str], dir: &Path) {
    let ok = Command::new("mount")
        .args(args)
        .arg(dir)
        .status()
        .expect("run mount");
    assert!(
        ok.success(),
        "mount {args:?} {} (are we root?)",
        dir.display()
    );
}
