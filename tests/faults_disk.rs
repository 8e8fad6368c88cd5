//! The fault matrix (README, "When things fail"), disk full and read-only
//! filesystems: each write point on a small real tmpfs of its own, filled
//! to the last byte or remounted read-only. Needs root to mount:
//! `tools/test` runs these (a plain `cargo test` ignores them).

mod support;

use std::fs;
use std::path::Path;

use support::tmpfs::Tmpfs;
use support::{Run, Site, message};

const SENDER: &str = "alice@example.org";

/// A badmail message larger than any space left on a small tmpfs.
fn big_badmail() -> Vec<u8> {
    let mut m = message("badmail-exe.eml");
    m.extend(std::iter::repeat_n(b'z', 256 * 1024));
    m.push(b'\n');
    m
}

fn deliver(site: &Site, message: &[u8]) -> Run {
    site.deliver(message, SENDER, "bob@example.com")
}

/// Names in `dir` other than the `filler*` files [`Tmpfs::fill`] wrote.
fn left_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .expect("list")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with("filler"))
        .collect();
    names.sort();
    names
}

#[test]
#[ignore = "needs root: mounts a tmpfs"]
fn full_work_dir_defers_the_unscanned_message_and_leaves_no_work_files() {
    let site = Site::new("");
    site.write_config(&site.scanner_engine());
    let work = Tmpfs::mount(&site.dir().join("work"), 64);
    work.fill();
    let run = deliver(&site, &message("clean-plain.eml"));
    run.assert_defers_with("anti-virus engine unavailable: scanner");
    run.assert_stderr_has(&[
        "qmvc: engine scanner: cannot write work file",
        "No space left on device",
    ]);
    let log = site.log_lines();
    assert_eq!(log.len(), 1, "{log:?}");
    assert!(log[0].contains("|scanner=E|A:defer|RC:111|"), "{log:?}");
    assert!(site.rep().contains("engine: scanner: error: "));
    assert_eq!(left_in(work.path()), Vec::<String>::new(), "work dir");
}

#[test]
#[ignore = "needs root: mounts a tmpfs"]
fn full_quarantine_defers_and_leaves_nothing_in_new_or_tmp() {
    let site = Site::new("");
    let _q = Tmpfs::mount(&site.dir().join("quarantine"), 128);
    let run = deliver(&site, &big_badmail());
    run.assert_defers_with("No space left on device");
    assert!(run.stdout.starts_with("qmvc: cannot write quarantine "));
    assert_eq!(site.whole_quarantine(&big_badmail()), 0);
    assert!(
        site.log_lines().is_empty(),
        "no log line claims a quarantine that did not happen"
    );
}

#[test]
#[ignore = "needs root: mounts a tmpfs"]
fn full_read_only_quarantine_defers() {
    let site = Site::new("");
    let q = Tmpfs::mount(&site.dir().join("quarantine"), 128);
    for sub in ["tmp", "new", "cur"] {
        fs::create_dir(q.path().join(sub)).expect("mkdir");
    }
    q.read_only();
    let run = deliver(&site, &message("badmail-exe.eml"));
    run.assert_defers_with("Read-only file system");
    assert_eq!(site.whole_quarantine(b""), 0);
    assert!(site.log_lines().is_empty());
}

#[test]
#[ignore = "needs root: mounts a tmpfs"]
fn full_log_defers_a_clean_message() {
    let site = Site::new("");
    let log = Tmpfs::mount(&site.dir().join("log"), 16);
    log.fill();
    let run = deliver(&site, &message("clean-plain.eml"));
    run.assert_defers_with("No space left on device");
    assert!(run.stdout.starts_with("qmvc: cannot write log "));
}

#[test]
#[ignore = "needs root: mounts a tmpfs"]
fn full_log_after_quarantine_defers_and_retracts_the_file() {
    let site = Site::new("");
    let log = Tmpfs::mount(&site.dir().join("log"), 16);
    log.fill();
    let run = deliver(&site, &message("badmail-exe.eml"));
    run.assert_defers_with("cannot write log ");
    assert_eq!(
        site.whole_quarantine(b""),
        0,
        "a retry must not store the message twice"
    );
    assert!(site.sent().is_empty(), "no report about a deferred message");
}

#[test]
#[ignore = "needs root: mounts a tmpfs"]
fn full_log_after_a_forward_exits_99_and_says_so_on_stderr() {
    let site = Site::new("");
    site.profile(
        "default",
        "[actions]\nbadmail = \"forward\"\nforward_to = \"guard@example.com\"\n",
    );
    let log = Tmpfs::mount(&site.dir().join("log"), 16);
    log.fill();
    let run = deliver(&site, &message("badmail-exe.eml"));
    // Deferring would forward the message a second time on the retry.
    assert_eq!(run.code, 99, "{run:?}");
    run.assert_stderr_has(&["qmvc: cannot write log ", "No space left on device"]);
    let forwards = site
        .sent()
        .into_iter()
        .filter(|(args, _)| args.last().is_some_and(|a| a == "guard@example.com"))
        .count();
    assert_eq!(forwards, 1);
}

#[test]
#[ignore = "needs root: mounts a tmpfs"]
fn full_rep_changes_nothing_but_stderr() {
    let site = Site::new("");
    let rep = Tmpfs::mount(&site.dir().join("rep"), 16);
    site.set_path("report", &rep.path().join("qmvc.rep"));
    rep.fill();
    let original = message("badmail-exe.eml");
    let run = deliver(&site, &original);
    assert_eq!(run.code, 99, "{run:?}");
    assert_eq!(site.whole_quarantine(&original), 1);
    let log = site.log_lines();
    assert!(
        log.len() == 1 && log[0].contains("|A:quarantine|RC:99|"),
        "{log:?}"
    );
    run.assert_stderr_has(&["qmvc: cannot write report ", "No space left on device"]);
}

#[test]
#[ignore = "needs root: mounts a tmpfs"]
fn full_state_dir_changes_nothing_but_the_rep_and_keeps_old_counters() {
    let site = Site::new("");
    site.profile("default", "[reactions.bomber]\ncount = [\"badmail\"]\n");
    let state = Tmpfs::mount(&site.dir().join("state"), 64);
    let original = message("badmail-exe.eml");
    assert_eq!(deliver(&site, &original).code, 99);
    state.fill();
    let run = deliver(&site, &original);
    assert_eq!(run.code, 99, "{run:?}");
    assert_eq!(site.whole_quarantine(&original), 2);
    run.assert_stderr_has(&[
        "qmvc: bomber: cannot write bomber state ",
        "No space left on device",
    ]);
    assert!(
        site.rep()
            .contains("notify: problem: cannot write bomber state "),
        "{}",
        site.rep()
    );
    // The counter of the first incident survived the failed update, and
    // the failed update left no half-written shard behind.
    let shards: Vec<String> = fs::read_dir(state.path().join("bomber"))
        .expect("list")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(shards.iter().all(|n| !n.ends_with(".new")), "{shards:?}");
    let counters: String = shards
        .iter()
        .filter(|n| n.len() == 2)
        .map(|n| fs::read_to_string(state.path().join("bomber").join(n)).expect("read"))
        .collect();
    assert!(
        counters.starts_with("1\t") && counters.ends_with(&format!("\t{SENDER}\n")),
        "{counters:?}"
    );
}
