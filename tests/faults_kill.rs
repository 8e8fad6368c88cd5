//! The fault matrix (README, "When things fail"), a delivery killed at any
//! moment: SIGTERM or SIGKILL at a spread of delays while qmvc quarantines
//! a 32 MiB badmail message. qmail-local treats a killed program as a
//! crash and defers, so the message comes back; what must hold at every
//! moment is that `new/` never holds a partial file. Leftovers in `tmp/`
//! (maildir(5)) and work directories are what `qmvc cleanup` removes.

mod support;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use support::{QMVC, Site, is_whole, user_env};

/// Kill runs; half SIGTERM, half SIGKILL.
const RUNS: u32 = 60;

/// A badmail message (subject ILOVEYOU) of 32 MiB: the quarantine write
/// and its fsync take long enough to be hit.
fn big_badmail() -> Vec<u8> {
    let mut m = b"From: a@example.org\nTo: bob@example.com\n\
        Date: Thu, 1 Jan 2026 00:00:00 +0000\nSubject: ILOVEYOU\n\
        Message-ID: <kill@example.org>\n\n"
        .to_vec();
    let line = [b"x".repeat(75), b"\n".to_vec()].concat();
    for _ in 0..(32 << 20) / line.len() {
        m.extend_from_slice(&line);
    }
    m
}

/// The quarantine file with its incident id (which differs per run)
/// blanked out.
fn without_incident_id(stored: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(stored);
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        if line.starts_with("X-Qmvc-Incident: ") {
            out.push_str("X-Qmvc-Incident: *\n");
        } else {
            out.push_str(line);
        }
    }
    out.into_bytes()
}

/// Where a killed delivery stood, from what it left behind.
fn phase(site: &Site, finished: bool) -> &'static str {
    let (tmp, new) = (site.quarantine("tmp"), site.quarantine("new"));
    match (
        finished,
        site.log_lines().is_empty(),
        new.is_empty(),
        tmp.is_empty(),
    ) {
        (true, ..) => "finished (exit 99) before the signal",
        (false, false, ..) => "killed after the log line (reports)",
        (false, true, false, _) => "killed after the link into new/, before the log line",
        (false, true, true, false) => "killed while writing tmp/",
        (false, true, true, true) => "killed before the quarantine",
    }
}

/// Runs qmvc on `queue` for `site`, sends `signal` after `delay`, and
/// says whether it had already finished (exit 99) by then.
fn kill_after(site: &Site, queue: &Path, delay: Duration, signal: Signal) -> bool {
    let mut cmd = site.command(&user_env("alice@example.org", "bob@example.com"), &[]);
    cmd.stdin(fs::File::open(queue).expect("queue file"))
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let mut child = cmd.spawn().expect("spawn qmvc");
    let end = Instant::now() + delay;
    // Poll rather than sleep, so that an early exit ends the wait; once
    // reaped, the pid is no longer ours to signal.
    let mut status = None;
    while status.is_none() && Instant::now() < end {
        status = child.try_wait().expect("try_wait");
        let left = end.saturating_duration_since(Instant::now());
        thread::sleep(left.min(Duration::from_micros(200)));
    }
    let status = match status {
        Some(s) => s,
        None => {
            let pid = Pid::from_raw(i32::try_from(child.id()).expect("pid"));
            // Not reaped yet: the pid is still this child's.
            let _ = kill(pid, signal);
            child.wait().expect("wait")
        }
    };
    match status.code() {
        None => false,
        Some(99) => true,
        Some(other) => panic!("exit {other} under {signal}"),
    }
}

#[test]
fn sigterm_and_sigkill_mid_delivery_leave_only_whole_files_in_new() {
    let original = big_badmail();
    let queue_dir = tempfile::tempdir().expect("tempdir");
    let queue = queue_dir.path().join("queue-file");
    fs::write(&queue, &original).expect("write queue file");

    // One undisturbed delivery: the complete quarantine file and how long
    // a delivery takes here.
    let reference = Site::new("");
    let start = Instant::now();
    let finished = kill_after(
        &reference,
        &queue,
        Duration::from_secs(600),
        Signal::SIGKILL,
    );
    let took = start.elapsed();
    assert!(finished);
    let complete = match reference.quarantine("new").as_slice() {
        [one] => without_incident_id(&fs::read(one).expect("read")),
        other => panic!("reference run stored {other:?}"),
    };
    assert!(is_whole(&complete, &original));

    let mut phases: BTreeMap<&str, u32> = BTreeMap::new();
    let mut tmp_leftovers = 0;
    for i in 0..RUNS {
        let site = Site::new("");
        // Delays from 0 to 1.3 times an undisturbed delivery.
        let delay = took.mul_f64(1.3 * f64::from(i) / f64::from(RUNS));
        let signal = if i % 2 == 0 {
            Signal::SIGTERM
        } else {
            Signal::SIGKILL
        };
        let finished = kill_after(&site, &queue, delay, signal);
        *phases.entry(phase(&site, finished)).or_default() += 1;
        for p in site.quarantine("new") {
            let stored = fs::read(&p).expect("read");
            assert!(
                without_incident_id(&stored) == complete,
                "run {i} ({signal} after {delay:?}): {} is not the complete file ({} of {} bytes)",
                p.display(),
                stored.len(),
                complete.len()
            );
        }
        tmp_leftovers += site.quarantine("tmp").len();
    }
    println!(
        "{RUNS} deliveries of {} MiB killed at 0..{:?} (undisturbed: {took:?}):",
        original.len() >> 20,
        took.mul_f64(1.3)
    );
    for (phase, n) in &phases {
        println!("  {n:3} {phase}");
    }
    println!("  {tmp_leftovers} file(s) left in tmp/, none partial in new/");
    assert_eq!(phases.values().sum::<u32>(), RUNS);
    assert!(phases.len() >= 2, "the delays did not spread: {phases:?}");
}

/// `touch -d` (coreutils): sets a file's or directory's times.
fn age(path: &Path, when: &str) {
    let ok = Command::new("touch")
        .args(["-d", when])
        .arg(path)
        .status()
        .expect("touch");
    assert!(ok.success());
}

#[test]
fn cleanup_removes_stale_tmp_files_and_work_dirs_a_kill_left_behind() {
    let site = Site::new("");
    let q = site.dir().join("quarantine");
    let work = site.dir().join("work");
    for dir in ["tmp", "new", "cur"] {
        fs::create_dir_all(q.join(dir)).expect("mkdir");
    }
    fs::create_dir_all(work.join("qmvc-1-2-3/v0")).expect("mkdir");
    fs::create_dir_all(work.join("qmvc-4-5-6")).expect("mkdir");
    fs::write(work.join("qmvc-1-2-3/v0/message-0001.eml"), b"x").expect("write");
    fs::write(q.join("tmp/1.M1P1Q0.host"), b"partial").expect("write");
    fs::write(q.join("tmp/2.M2P2Q0.host"), b"in progress").expect("write");
    fs::write(q.join("new/0.M0P0Q0.host"), b"old, whole").expect("write");
    for stale in [
        work.join("qmvc-1-2-3"),
        q.join("tmp/1.M1P1Q0.host"),
        q.join("new/0.M0P0Q0.host"),
    ] {
        age(&stale, "2 days ago");
    }
    let out = Command::new(QMVC)
        .arg("cleanup")
        .env("QMVC_CONFIG", &site.config)
        .output()
        .expect("run cleanup");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(
        stdout,
        format!(
            "removed 1 stale work directory from {}\nremoved 1 stale tmp/ file from {}\n",
            work.display(),
            q.display()
        )
    );
    assert!(!work.join("qmvc-1-2-3").exists());
    assert!(work.join("qmvc-4-5-6").exists(), "a running delivery's");
    assert!(!q.join("tmp/1.M1P1Q0.host").exists());
    assert!(q.join("tmp/2.M2P2Q0.host").exists(), "a running delivery's");
    assert!(
        q.join("new/0.M0P0Q0.host").exists(),
        "new/ is never cleaned"
    );
}
