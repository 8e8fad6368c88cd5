//! The fault matrix (README, "When things fail"), the inject program:
//! failing (exit 111, exit 100), hanging, missing. For a forward the
//! message stays in the queue (111): it is not stored anywhere else. For
//! incident reports the message's fate is already sealed: the exit code
//! stays as planned and the failure is in the `.rep` block and on stderr.
//! A hanging inject program is killed after `[mail].timeout` (2 s here),
//! with every process it started.

mod support;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::{Duration, Instant};

use support::{Run, Site, message};

/// `[mail].timeout` for these tests, seconds. (Site::new puts its extra
/// text right after its own `[mail]` keys.)
const MAIL_TIMEOUT: &str = "timeout = 2\n[guards]\nbadmail = [\"bm@example.com\"]\n";

const FORWARD: &str = "[actions]\nbadmail = \"forward\"\nforward_to = \"guard@example.com\"\n";

/// Replaces the stand-in inject program with `script` (a /bin/sh body).
fn inject(site: &Site, script: &str) {
    let path = site.dir().join("bin/inject");
    fs::write(&path, format!("#!/bin/sh\n{script}\n")).expect("write inject");
    fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).expect("chmod");
}

/// An inject program that never ends: it records its pid and the pid of
/// a child it starts in `pids`, then waits.
fn hanging(site: &Site) -> std::path::PathBuf {
    let pids = site.dir().join("pids");
    inject(
        site,
        &format!(
            "echo $$ >> {p}\nsleep 300 &\necho $! >> {p}\nwait",
            p = pids.display()
        ),
    );
    pids
}

fn deliver(site: &Site) -> (Run, Duration) {
    let start = Instant::now();
    let run = site.deliver(
        &message("badmail-exe.eml"),
        "alice@example.org",
        "bob@example.com",
    );
    (run, start.elapsed())
}

/// True once the process is gone (or a zombie: dead, not yet reaped by
/// whoever inherited it).
fn dead(pid: &str) -> bool {
    let stat = fs::read_to_string(Path::new("/proc").join(pid).join("stat"));
    match stat {
        Err(_) => true,
        Ok(s) => s
            .rsplit_once(") ")
            .is_some_and(|(_, rest)| rest.starts_with('Z')),
    }
}

/// Asserts that every pid in `pids` (at least two: the program and its
/// child) is dead, allowing a moment for SIGKILL to land.
fn assert_all_killed(pids: &Path) {
    let pids = fs::read_to_string(pids).expect("pids file");
    let pids: Vec<&str> = pids.lines().collect();
    assert!(pids.len() >= 2, "{pids:?}");
    let end = Instant::now() + Duration::from_secs(10);
    while !pids.iter().all(|p| dead(p)) && Instant::now() < end {
        std::thread::sleep(Duration::from_millis(20));
    }
    let alive: Vec<&&str> = pids.iter().filter(|p| !dead(p)).collect();
    assert!(alive.is_empty(), "still running: {alive:?}");
}

#[test]
fn forward_inject_failing_defers_and_stores_nothing() {
    for code in [111, 100, 1] {
        let site = Site::new(MAIL_TIMEOUT);
        site.profile("default", FORWARD);
        inject(&site, &format!("cat >/dev/null\nexit {code}"));
        let (run, _) = deliver(&site);
        // 100 from the inject program refuses the forward, not the
        // message: a bounce would go to the (often forged) sender.
        run.assert_defers_with(&format!("inject failed: {}", site.dir().display()));
        assert!(
            run.stdout.contains(&format!("exit status: {code}")),
            "{}",
            run.stdout
        );
        assert_eq!(site.whole_quarantine(b""), 0);
        assert!(site.log_lines().is_empty(), "the retry logs it");
    }
}

#[test]
fn forward_inject_missing_defers() {
    let site = Site::new(MAIL_TIMEOUT);
    site.profile("default", FORWARD);
    fs::remove_file(site.dir().join("bin/inject")).expect("rm");
    let (run, _) = deliver(&site);
    run.assert_defers_with("No such file or directory");
}

#[test]
fn forward_inject_hanging_is_killed_after_the_timeout_and_defers() {
    let site = Site::new(MAIL_TIMEOUT);
    site.profile("default", FORWARD);
    let pids = hanging(&site);
    let (run, took) = deliver(&site);
    run.assert_defers_with("timed out after 2 s");
    // Well under the 60 s default: [mail].timeout was applied.
    assert!(took < Duration::from_secs(30), "{took:?}");
    assert_all_killed(&pids);
    assert_eq!(site.whole_quarantine(b""), 0);
}

#[test]
fn report_inject_failing_keeps_exit_99_and_records_it() {
    for code in [111, 100] {
        let site = Site::new(MAIL_TIMEOUT);
        inject(&site, &format!("cat >/dev/null\nexit {code}"));
        let original = message("badmail-exe.eml");
        let (run, _) = deliver(&site);
        assert_eq!(run.code, 99, "{run:?}");
        assert_eq!(site.whole_quarantine(&original), 1);
        let rep = site.rep();
        let failed = format!("exited with exit status: {code}");
        assert!(
            rep.contains("notify: guard-badmail to bm@example.com [en]: FAILED: ")
                && rep.contains("notify: recipient to bob@example.com [en]: FAILED: ")
                && rep.contains(&failed),
            "{rep}"
        );
        run.assert_stderr_has(&["qmvc: guard-badmail report not sent: ", &failed]);
    }
}

#[test]
fn report_inject_missing_keeps_exit_99() {
    let site = Site::new(MAIL_TIMEOUT);
    fs::remove_file(site.dir().join("bin/inject")).expect("rm");
    let (run, _) = deliver(&site);
    assert_eq!(run.code, 99, "{run:?}");
    assert_eq!(site.whole_quarantine(&message("badmail-exe.eml")), 1);
    run.assert_stderr_has(&["qmvc: recipient report not sent: ", "No such file"]);
}

#[test]
fn report_inject_hanging_is_killed_after_the_timeout_and_keeps_exit_99() {
    let site = Site::new(MAIL_TIMEOUT);
    let pids = hanging(&site);
    let (run, took) = deliver(&site);
    assert_eq!(run.code, 99, "{run:?}");
    assert_eq!(site.whole_quarantine(&message("badmail-exe.eml")), 1);
    // Two reports (guard, recipient), each given 2 s.
    assert!(took < Duration::from_secs(30), "{took:?}");
    let rep = site.rep();
    assert_eq!(rep.matches("timed out after 2 s").count(), 2, "{rep}");
    assert!(site.log_lines()[0].contains("|A:quarantine|RC:99|"));
    assert_all_killed(&pids);
}

#[test]
fn mail_timeout_is_checked_by_config_check() {
    for (value, ok) in [("0", false), ("3601", false), ("-1", false), ("2", true)] {
        let site = Site::new(&format!("timeout = {value}\n"));
        let out = std::process::Command::new(support::QMVC)
            .args(["config", "check"])
            .env("QMVC_CONFIG", &site.config)
            .output()
            .expect("run qmvc");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let line = format!("{}: mail.timeout: ", site.config.display());
        assert_eq!(
            out.status.code(),
            Some(if ok { 0 } else { 1 }),
            "{value}: {stdout}"
        );
        assert_eq!(stdout.contains(&line), !ok, "{value}: {stdout}");
    }
}
