//! The fault matrix (README, "When things fail"), permission denied and
//! missing directories. qmvc runs as `nobody`, a real user without
//! privileges, on a site handed over to it as an administrator would
//! (root ignores mode bits: this is how a test gets a real EACCES); the
//! one write point under test stays root's. A missing directory is
//! created, mode 0700, as the delivering user. Only root can start a
//! process as another user: every test here is named `nobody_*` and
//! ignored in a plain `cargo test`; `tools/test` runs them as root.

mod support;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use support::{NOBODY, Run, Site, message};

const SENDER: &str = "alice@example.org";

/// The directories qmvc writes on a [`Site`], and the stand-in inject's.
const WRITABLE: [&str; 6] = ["log", "quarantine", "work", "state", "sent", "home"];

/// A site handed over to `nobody`, except the directory `denied`, which
/// is created root's, mode 0755.
fn site_denying(denied: &str, extra: &str) -> Site {
    let site = Site::new(extra);
    let writable: Vec<&str> = WRITABLE.into_iter().filter(|d| *d != denied).collect();
    site.hand_over(NOBODY, &writable);
    fs::create_dir_all(site.dir().join(denied)).expect("mkdir");
    site
}

fn deliver(site: &Site, message: &[u8]) -> Run {
    site.deliver_as(NOBODY, message, SENDER, "bob@example.com")
}

fn mode(p: &Path) -> u32 {
    fs::metadata(p).expect("stat").permissions().mode() & 0o777
}

#[test]
#[ignore = "needs root: runs qmvc as nobody"]
fn nobody_can_deliver_on_a_site_handed_over_to_it() {
    // The control: the same setup with nothing denied works.
    let site = Site::new("");
    site.hand_over(NOBODY, &WRITABLE);
    let original = message("badmail-exe.eml");
    let run = deliver(&site, &original);
    assert_eq!(run.code, 99, "{run:?}");
    assert_eq!(site.whole_quarantine(&original), 1);
}

#[test]
#[ignore = "needs root: runs qmvc as nobody"]
fn nobody_work_dir_permission_denied_defers_the_unscanned_message() {
    let site = site_denying("work", "");
    site.write_config(&site.scanner_engine());
    let run = deliver(&site, &message("clean-plain.eml"));
    run.assert_defers_with("anti-virus engine unavailable: scanner");
    run.assert_stderr_has(&[
        "qmvc: engine scanner: cannot write work directory ",
        "Permission denied",
    ]);
    assert!(site.log_lines()[0].contains("|scanner=E|A:defer|RC:111|"));
}

#[test]
#[ignore = "needs root: runs qmvc as nobody"]
fn nobody_quarantine_permission_denied_defers_and_stores_nothing() {
    let site = site_denying("quarantine", "");
    let run = deliver(&site, &message("badmail-exe.eml"));
    run.assert_defers_with("Permission denied");
    assert!(run.stdout.starts_with("qmvc: cannot write quarantine "));
    assert_eq!(site.whole_quarantine(b""), 0);
    assert!(site.log_lines().is_empty());
    assert!(site.sent().is_empty());
}

#[test]
#[ignore = "needs root: runs qmvc as nobody"]
fn nobody_log_permission_denied_defers_clean_mail_and_retracts_a_quarantine() {
    let site = site_denying("log", "");
    let run = deliver(&site, &message("clean-plain.eml"));
    run.assert_defers_with("Permission denied");
    assert!(run.stdout.starts_with("qmvc: cannot write log "));
    // Which user could not write: the usual cause is a second delivering
    // user (a ~user/.qmail) on one data directory.
    assert!(
        run.stdout.contains("qmvc runs as uid 65534 (USER alias): the data directory must belong to the delivering user"),
        "{}",
        run.stdout
    );
    let run = deliver(&site, &message("badmail-exe.eml"));
    run.assert_defers_with("cannot write log ");
    assert_eq!(site.whole_quarantine(b""), 0, "retracted");
    assert!(site.sent().is_empty());
}

#[test]
#[ignore = "needs root: runs qmvc as nobody"]
fn nobody_rep_permission_denied_changes_nothing_but_stderr() {
    let site = Site::new("");
    site.hand_over(NOBODY, &WRITABLE);
    // The administrator's own file, not the delivering user's.
    fs::write(site.dir().join("log/qmvc.rep"), b"").expect("write");
    let original = message("badmail-exe.eml");
    let run = deliver(&site, &original);
    assert_eq!(run.code, 99, "{run:?}");
    assert_eq!(site.whole_quarantine(&original), 1);
    assert!(site.log_lines()[0].contains("|A:quarantine|RC:99|"));
    run.assert_stderr_has(&["qmvc: cannot write report ", "Permission denied"]);
}

#[test]
#[ignore = "needs root: runs qmvc as nobody"]
fn nobody_state_permission_denied_changes_nothing_but_the_rep() {
    let site = site_denying("state", "[guards]\nbadmail = [\"bm@example.com\"]\n");
    site.profile("default", "[reactions.bomber]\ncount = [\"badmail\"]\n");
    let original = message("badmail-exe.eml");
    let run = deliver(&site, &original);
    assert_eq!(run.code, 99, "{run:?}");
    assert_eq!(site.whole_quarantine(&original), 1);
    run.assert_stderr_has(&[
        "qmvc: bomber: cannot write state directory ",
        "Permission denied",
    ]);
    let rep = site.rep();
    assert!(
        rep.contains("notify: problem: cannot write state directory "),
        "{rep}"
    );
    // The reports still go out: only the counting is lost.
    assert!(
        rep.contains("notify: guard-badmail to bm@example.com [en]: sent"),
        "{rep}"
    );
}

#[test]
#[ignore = "needs root: runs qmvc as nobody"]
fn nobody_missing_directories_are_created_private_by_the_delivering_user() {
    let site = Site::new("");
    site.write_config(&site.scanner_engine());
    // Badmail counts against the sender here, so the state is written.
    site.profile("default", "[reactions.bomber]\ncount = [\"badmail\"]\n");
    let gone = site.dir().join("gone");
    for (key, path) in [
        ("log", "log/qmvc.log"),
        ("report", "rep/qmvc.rep"),
        ("quarantine", "quarantine"),
        ("workdir", "work"),
        ("state", "state"),
    ] {
        site.set_path(key, &gone.join(path));
    }
    site.hand_over(NOBODY, &["gone", "sent", "home"]);
    let clean = deliver(&site, &message("clean-plain.eml"));
    assert_eq!(clean.code, 0, "{clean:?}");
    let original = message("badmail-exe.eml");
    let bad = deliver(&site, &original);
    assert_eq!(bad.code, 99, "{bad:?}");
    for dir in [
        "log",
        "rep",
        "quarantine",
        "quarantine/new",
        "quarantine/tmp",
        "quarantine/cur",
        "work",
        "state",
    ] {
        let p = gone.join(dir);
        assert_eq!(mode(&p), 0o700, "{}", p.display());
        let owner = std::os::unix::fs::MetadataExt::uid(&fs::metadata(&p).expect("stat"));
        assert_eq!(owner, NOBODY.0, "{}", p.display());
    }
    assert_eq!(fs::read_dir(gone.join("work")).expect("list").count(), 0);
    let stored = fs::read_dir(gone.join("quarantine/new"))
        .expect("list")
        .count();
    assert_eq!(stored, 1);
    // A Maildir that lost only new/ gets it back.
    fs::remove_dir_all(gone.join("quarantine/new")).expect("rm");
    assert_eq!(deliver(&site, &original).code, 99);
    assert_eq!(
        fs::read_dir(gone.join("quarantine/new"))
            .expect("list")
            .count(),
        1
    );
}
