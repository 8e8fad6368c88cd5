//! The fault matrix (README, "When things fail"), the anti-virus engine:
//! a real clamd that was stopped, and a STAND-IN daemon (support/fake_av.rs)
//! that hangs, closes early or answers garbage. A message that could not be
//! scanned is never passed on unscanned: it defers (111) under the default
//! `on_error = "defer"`, passes only where the profile fails open
//! (`on_error = "pass"`), and a badmail rule that already decided takes it
//! out without any engine.

#[path = "support/clamd.rs"]
mod clamd;
mod support;

use std::time::{Duration, Instant};

use clamd::{Clamd, standard_db};
use support::fake_av::{FakeAv, Misbehaviour};
use support::{Run, Site, message};

fn deliver(site: &Site, name: &str) -> Run {
    site.deliver(&message(name), "alice@example.org", "bob@example.com")
}

/// The one log line of a site that saw one message.
fn only_log_line(site: &Site) -> String {
    let lines = site.log_lines();
    assert_eq!(lines.len(), 1, "{lines:?}");
    lines.into_iter().next().unwrap_or_default()
}

/// A clean message through a misbehaving daemon defers, says why on stdout
/// (the engine) and stderr (what it did), and logs `av=E|A:defer`.
fn assert_unscanned_defers(how: Misbehaviour, why: &str) {
    let fake = FakeAv::start(how);
    let site = Site::new(&fake.engine("av", 2));
    let start = Instant::now();
    let run = deliver(&site, "clean-plain.eml");
    run.assert_defers_with("anti-virus engine unavailable: av");
    run.assert_stderr_has(&["qmvc: engine av: ", why]);
    assert!(
        only_log_line(&site).contains("|av=E|A:defer|RC:111|"),
        "{how:?}"
    );
    // The engine's 2 s timeout, not its 150 s default.
    assert!(start.elapsed() < Duration::from_secs(60), "{how:?}");
}

#[test]
fn av_daemon_hanging_defers_after_the_engine_timeout() {
    assert_unscanned_defers(Misbehaviour::Hang, "timed out");
}

#[test]
fn av_daemon_closing_at_once_defers() {
    // Connection reset, broken pipe or no reply: whichever the race gives.
    assert_unscanned_defers(Misbehaviour::CloseAtOnce, "unix:");
}

#[test]
fn av_daemon_closing_after_the_request_defers() {
    assert_unscanned_defers(Misbehaviour::CloseAfterRequest, "no reply");
}

#[test]
fn av_daemon_answering_garbage_defers() {
    assert_unscanned_defers(Misbehaviour::Garbage, "unrecognised reply");
}

#[test]
fn av_daemon_failing_passes_where_the_profile_fails_open() {
    let fake = FakeAv::start(Misbehaviour::Garbage);
    let site = Site::new(&fake.engine("av", 2));
    site.profile("default", "[scan]\non_error = \"pass\"\n");
    let run = deliver(&site, "clean-plain.eml");
    assert_eq!(run.code, 0, "{run:?}");
    // Let through unscanned, and said so.
    run.assert_stderr_has(&["qmvc: engine av: ", "unrecognised reply"]);
    assert!(only_log_line(&site).contains("|av=E|A:pass|RC:0|"));
}

#[test]
fn av_daemon_failing_does_not_hold_back_decided_badmail() {
    let fake = FakeAv::start(Misbehaviour::Hang);
    let site = Site::new(&fake.engine("av", 2));
    let original = message("badmail-exe.eml");
    let run = site.deliver(&original, "alice@example.org", "bob@example.com");
    assert_eq!(run.code, 99, "{run:?}");
    assert_eq!(site.whole_quarantine(&original), 1);
    assert!(only_log_line(&site).contains("|av=-|A:quarantine|RC:99|"));
}

#[test]
#[ignore = "needs clamav-daemon: run tools/install-test-deps"]
fn clamd_stopped_defers_a_clean_message_it_passed_while_running() {
    let clamd = Clamd::start(standard_db().expect("test signatures")).expect("start clamd");
    let engine = format!(
        "[[engine]]\nname = \"clamav\"\ntype = \"clamd\"\nservers = [\"{}\"]\ntimeout = 10\n",
        clamd.server()
    );
    let site = Site::new(&engine);
    let running = deliver(&site, "clean-plain.eml");
    assert_eq!(running.code, 0, "{running:?} {}", clamd.log());
    drop(clamd);
    let stopped = deliver(&site, "clean-plain.eml");
    stopped.assert_defers_with("anti-virus engine unavailable: clamav");
    stopped.assert_stderr_has(&["qmvc: engine clamav: ", "cannot connect"]);
    let log = site.log_lines();
    assert!(log[0].contains("|clamav=C|A:pass|RC:0|"), "{log:?}");
    assert!(log[1].contains("|clamav=E|A:defer|RC:111|"), "{log:?}");
    let rep = site.rep();
    assert!(
        rep.contains("action: defer\n") && rep.contains("engine: clamav: error: "),
        "{rep}"
    );
}

/// qmail-local keeps at most 3000 bytes of what a delivery program writes
/// on stdout and stderr together: however many engines fail, and however
/// much each says, the trouble on stderr stays small enough for the one
/// line that gives the reason of the deferral.
#[test]
fn many_noisy_failing_engines_leave_room_for_the_reason() {
    let mut engines = String::new();
    for i in 0..15 {
        engines.push_str(&format!(
            "[[engine]]\nname = \"e{i}\"\ntype = \"command\"\n\
             command = [\"/bin/sh\", \"-c\", \"printf '%0500d' 0 >&2; exit 2\", \"sh\", \"{{file}}\"]\n\
             clean_exit = [0]\nvirus_exit = [1]\n"
        ));
    }
    let site = Site::new(&engines);
    let run = deliver(&site, "clean-plain.eml");
    run.assert_defers_with("anti-virus engine unavailable: e0");
    run.assert_stderr_has(&["qmvc: engine e0: ", "qmvc: more trouble not shown"]);
    let shown = run.stdout.len() + run.stderr.len();
    assert!(shown <= 3000, "{shown} bytes: {run:?}");
}
