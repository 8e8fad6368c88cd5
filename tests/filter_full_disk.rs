//! A real full filesystem: the quarantine and the log on a small tmpfs.
//! qmvc must defer (111) and leave nothing in the quarantine's `new/`.
//! Needs root to mount; `tools/test` runs these (they are ignored in a plain
//! `cargo test`).

mod support;

use std::fs;
use std::path::Path;
use std::process::Command;

use support::{Site, data};

/// A tmpfs of `kib` KiB mounted at `dir`, unmounted on drop.
struct Tmpfs(std::path::PathBuf);

impl Tmpfs {
    fn mount(dir: &Path, kib: u32) -> Tmpfs {
        fs::create_dir_all(dir).expect("mkdir");
        let ok = Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={kib}k,mode=0700"),
                "tmpfs",
            ])
            .arg(dir)
            .status()
            .expect("run mount");
        assert!(
            ok.success(),
            "mount tmpfs on {} (are we root?)",
            dir.display()
        );
        Tmpfs(dir.to_path_buf())
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

/// Fills the filesystem holding `dir` completely.
fn fill(dir: &Path) {
    let mut chunk = 0;
    loop {
        let p = dir.join(format!("filler{chunk}"));
        if fs::write(&p, vec![b'x'; 4096]).is_err() {
            break;
        }
        chunk += 1;
    }
    // Small remainders too.
    for i in 0..64 {
        if fs::write(dir.join(format!("small{i}")), b"x").is_err() {
            break;
        }
    }
}

fn big_badmail() -> Vec<u8> {
    let mut m = fs::read(data("badmail-exe.eml")).expect("msg");
    // Grow the message past any space left, keeping it badmail.
    m.extend(std::iter::repeat_n(b'z', 256 * 1024));
    m.push(b'\n');
    m
}

#[test]
#[ignore = "needs root to mount a tmpfs: run tools/test"]
fn full_quarantine_filesystem_defers_and_leaves_nothing_in_new() {
    let site = Site::new("");
    let q = site.dir().join("quarantine");
    let _fs = Tmpfs::mount(&q, 128);
    let run = site.deliver(&big_badmail(), "a@example.org", "b@example.com");
    assert_eq!(run.code, 111, "{run:?}");
    assert!(
        run.stdout.contains("No space left on device"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.ends_with("(#4.3.0)\n"));
    assert!(site.quarantine("new").is_empty());
    assert!(
        site.quarantine("tmp").is_empty(),
        "the partial tmp/ file is removed"
    );
    assert!(
        site.log_lines().is_empty(),
        "no log line claims a quarantine that did not happen"
    );
}

#[test]
#[ignore = "needs root to mount a tmpfs: run tools/test"]
fn full_log_filesystem_defers_a_clean_message() {
    let site = Site::new("");
    let log = site.dir().join("log");
    let _fs = Tmpfs::mount(&log, 16);
    fill(&log);
    let run = site.deliver(
        &fs::read(data("clean-plain.eml")).expect("msg"),
        "a@example.org",
        "b@example.com",
    );
    assert_eq!(run.code, 111, "{run:?}");
    assert!(
        run.stdout.contains("No space left on device"),
        "{}",
        run.stdout
    );
}

#[test]
#[ignore = "needs root to mount a tmpfs: run tools/test"]
fn full_log_filesystem_after_quarantine_defers_and_retracts() {
    let site = Site::new("");
    let log = site.dir().join("log");
    let _fs = Tmpfs::mount(&log, 16);
    fill(&log);
    let run = site.deliver(
        &fs::read(data("badmail-exe.eml")).expect("msg"),
        "a@example.org",
        "b@example.com",
    );
    assert_eq!(run.code, 111, "{run:?}");
    assert!(site.quarantine("new").is_empty());
}
