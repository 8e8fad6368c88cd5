//! `qmvc cleanup` from cron while qmail-local is delivering: a running
//! delivery's work directory stays whatever `--older-than` says, and
//! `cleanup` and `quarantine purge` follow one rule for the quarantine's
//! `tmp/` (maildir(5): nothing younger than 36 hours).

mod support;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::{Site, admin, finish, message, stdout, user_env};

/// A STAND-IN command-line scanner that holds the delivery for a while:
/// it marks that it started, sleeps, then reads the files it was given
/// (they must still be there) and reports clean.
fn slow_scanner(site: &Site) -> String {
    let scan = site.dir().join("bin/slow-scan");
    let started = site.dir().join("started");
    fs::write(
        &scan,
        format!(
            "#!/bin/sh\ntouch {}\nsleep 2\ncat \"$1\"/* >/dev/null || exit 7\nexit 0\n",
            started.display()
        ),
    )
    .expect("write scanner");
    fs::set_permissions(&scan, fs::Permissions::from_mode(0o755)).expect("chmod");
    format!(
        "[[engine]]\nname = \"slow\"\ntype = \"command\"\ncommand = [\"{}\", \"{{dir}}\"]\n\
         clean_exit = [0]\nvirus_exit = [1]\n",
        scan.display()
    )
}

fn wait_for(path: &Path) {
    let start = Instant::now();
    while !path.exists() {
        assert!(start.elapsed() < Duration::from_secs(20), "never started");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn cleanup_leaves_a_running_deliverys_work_directory() {
    let site = Site::new("");
    site.write_config(&slow_scanner(&site));
    let mut delivery = site.command(&user_env("a@example.org", "bob@example.com"), &[]);
    delivery.stdin(site.queue_file(&message("clean-pdf.eml")));
    let child = delivery.spawn().expect("spawn qmvc");
    wait_for(&site.dir().join("started"));

    let out = admin(&site, &["cleanup", "--older-than", "0s"]);
    assert!(out.status.success(), "{out:?}");
    assert!(
        stdout(&out).contains("removed 0 stale work directories"),
        "{}",
        stdout(&out)
    );
    let run = finish(child.wait_with_output().expect("wait qmvc"));
    // The scanner still found its files: the message passed as clean.
    assert_eq!(run.code, 0, "{run:?}");
    let log = site.log_lines();
    assert!(log[0].contains("|slow=C|"), "{log:?}");
}

#[test]
fn cleanup_removes_a_dead_deliverys_work_directory() {
    let site = Site::new("");
    let dead = site.dir().join("work/qmvc-999999999-1-00000000");
    fs::create_dir_all(&dead).expect("mkdir");
    fs::write(dead.join("message-0001.eml"), b"left by a kill").expect("write");
    let out = admin(&site, &["cleanup", "--older-than", "0s"]);
    assert!(out.status.success(), "{out:?}");
    assert!(!dead.exists(), "{}", stdout(&out));
}

/// Sets a file's modification time `hours` into the past (coreutils
/// touch).
fn age(path: &Path, hours: u32) {
    let ok = Command::new("touch")
        .arg("-m")
        .arg("-d")
        .arg(format!("{hours} hours ago"))
        .arg(path)
        .stdout(Stdio::null())
        .status()
        .expect("touch")
        .success();
    assert!(ok);
}

#[test]
fn cleanup_and_purge_treat_quarantine_tmp_alike() {
    for command in [
        &["cleanup", "--older-than", "0s"][..],
        &["quarantine", "purge", "--older-than", "0s"],
    ] {
        let site = Site::new("");
        let tmp = site.dir().join("quarantine/tmp");
        fs::create_dir_all(&tmp).expect("mkdir");
        let writing = tmp.join("1764338400.M1P1.host");
        let died = tmp.join("1764200000.M2P2.host");
        for (file, hours) in [(&writing, 1), (&died, 40)] {
            fs::write(file, b"partial").expect("write");
            age(file, hours);
        }
        let out = admin(&site, command);
        assert!(out.status.success(), "{command:?}: {out:?}");
        assert!(writing.exists(), "{command:?} removed a file being written");
        assert!(!died.exists(), "{command:?} left a dead delivery's file");
    }
}
