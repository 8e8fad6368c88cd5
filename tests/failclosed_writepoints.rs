//! A FIFO, socket, device or symbolic link at a write point (`[paths].log`,
//! `report`, the quarantine Maildir, the bomber state) neither blocks qmvc
//! nor receives its writes: the log and the quarantine defer at once, the
//! report file is only a warning (the message stored once, never again on
//! a retry), the bomber state is an error the shell records.

mod support;

use std::os::unix::net::UnixListener;
use std::path::Path;
use std::process::Stdio;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use nix::sys::stat::Mode;
use qmvc::notify::bomber::{self, BomberLimits};
use support::{Run, Site, finish, user_env};

/// Longer than any honest delivery; a blocked qmvc is killed and fails.
const BLOCKED: Duration = Duration::from_secs(20);

/// A message the default profile quarantines (a blocked extension).
const BANNED: &[u8] = b"From: a@example.org\nTo: b@example.com\nSubject: x\n\
Date: Sat, 28 Nov 2026 10:00:00 +0000\nMessage-ID: <w@example.org>\nMIME-Version: 1.0\n\
Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nhi\n\
--b\nContent-Type: application/octet-stream\nContent-Disposition: attachment; filename=evil.vbs\n\n\
MsgBox 1\n--b--\n";

/// Delivers `message`, killing qmvc (and failing) if it runs past
/// [`BLOCKED`].
fn deliver_bounded(site: &Site, message: &[u8]) -> Run {
    let mut cmd = site.command(&user_env("a@example.org", "b@example.com"), &[]);
    cmd.stdin(site.queue_file(message))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn qmvc");
    let started = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if started.elapsed() > BLOCKED {
            let _ = child.kill();
            let _ = child.wait();
            panic!("qmvc blocked for more than {BLOCKED:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    finish(child.wait_with_output().expect("output"))
}

fn mkfifo(path: &Path) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    nix::unistd::mkfifo(path, Mode::from_bits_truncate(0o600)).expect("mkfifo");
}

#[test]
fn fifo_or_socket_at_the_log_defers_at_once() {
    let site = Site::new("");
    mkfifo(&site.dir().join("log/qmvc.log"));
    deliver_bounded(&site, BANNED).assert_defers_with("cannot write log");
    let site = Site::new("");
    std::fs::create_dir_all(site.dir().join("log")).expect("mkdir");
    let _socket = UnixListener::bind(site.dir().join("log/qmvc.log")).expect("bind");
    deliver_bounded(&site, BANNED).assert_defers_with("cannot write log");
}

#[test]
fn symlink_at_the_log_is_not_followed() {
    let site = Site::new("");
    let target = site.dir().join("elsewhere");
    std::fs::write(&target, "untouched\n").expect("write");
    std::fs::create_dir_all(site.dir().join("log")).expect("mkdir");
    std::os::unix::fs::symlink(&target, site.dir().join("log/qmvc.log")).expect("symlink");
    deliver_bounded(&site, BANNED).assert_defers_with("cannot write log");
    assert_eq!(
        std::fs::read_to_string(&target).expect("read"),
        "untouched\n"
    );
}

#[test]
fn fifo_at_the_report_file_is_a_warning_and_stores_the_message_once() {
    let site = Site::new("");
    mkfifo(&site.dir().join("log/qmvc.rep"));
    for _ in 0..2 {
        let run = deliver_bounded(&site, BANNED);
        assert_eq!(run.code, 99, "{run:?}");
        assert!(run.stderr.contains("cannot write report"), "{run:?}");
    }
    // Two deliveries, two quarantined files: neither run deferred into a
    // retry that would store it again.
    assert_eq!(site.quarantine("new").len(), 2);
    assert_eq!(site.log_lines().len(), 2);
}

#[test]
fn fifo_at_the_quarantine_defers_at_once() {
    let site = Site::new("");
    for sub in ["tmp", "cur"] {
        std::fs::create_dir_all(site.dir().join("quarantine").join(sub)).expect("mkdir");
    }
    mkfifo(&site.dir().join("quarantine/new"));
    let run = deliver_bounded(&site, BANNED);
    run.assert_defers_with("quarantine");
    assert!(site.quarantine("tmp").is_empty());
}

#[test]
fn a_file_in_place_of_a_quarantine_directory_is_named_plainly() {
    let site = Site::new("");
    std::fs::create_dir_all(site.dir().join("quarantine")).expect("mkdir");
    std::fs::write(site.dir().join("quarantine/tmp"), b"x").expect("write");
    let run = deliver_bounded(&site, BANNED);
    run.assert_defers_with("quarantine");
    assert!(
        run.stdout.contains("not a directory") && !run.stdout.contains("File exists"),
        "{run:?}"
    );
}

#[test]
fn fifos_in_the_bomber_state_are_an_error_not_a_hang() {
    let dir = tempfile::tempdir().expect("tempdir");
    for shard in bomber::shard_paths(dir.path()) {
        mkfifo(&shard);
        mkfifo(&shard.with_extension("lock"));
    }
    let (tx, rx) = mpsc::channel();
    let state = dir.path().to_path_buf();
    std::thread::spawn(move || {
        let limits = BomberLimits::default();
        let _ =
            tx.send(bomber::record(&state, "x@example.org", chrono::Utc::now(), &limits).is_err());
    });
    assert_eq!(rx.recv_timeout(BLOCKED), Ok(true), "blocked or succeeded");
}
