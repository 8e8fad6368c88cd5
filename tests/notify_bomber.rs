//! The virus-bomber brake under concurrency: 40 deliveries from one sender
//! at once, threshold 5, give exactly 5 sender reports and 1 alert to the
//! guards. Each delivery opens the state files itself, as separate qmvc
//! processes do (flock(2) locks belong to the open file description, so
//! threads with their own descriptors contend exactly like processes).

mod notify_support;

use std::time::Duration;

use notify_support::*;
use qmvc::notify::bomber::{self, BomberLimits};
use qmvc::notify::{Audience, Reactions};
use qmvc::verdict::Verdict;

fn reactions(threshold: u32) -> Reactions {
    Reactions {
        sender: vec![Verdict::Badmail],
        bomber: BomberLimits {
            threshold,
            window: Duration::from_secs(3600),
            short_circuit: true,
            count: vec![Verdict::Virus, Verdict::Badmail],
        },
        ..Reactions::default()
    }
}

#[test]
fn forty_concurrent_deliveries_give_five_reports_and_one_alert() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let capture = Capture::default();
    let reactions = reactions(5);
    let outcomes: Vec<_> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..40)
            .map(|_| {
                s.spawn(|| {
                    react(
                        dir.path(),
                        &reactions,
                        &badmail_plan(),
                        &envelope("bomber@example.org"),
                        &message(&[("Subject", "Invoice")]),
                        &capture,
                    )
                })
            })
            .collect();
        handles.into_iter().filter_map(|h| h.join().ok()).collect()
    });
    assert_eq!(outcomes.len(), 40);
    assert!(outcomes.iter().all(|o| o.problems.is_empty()));
    // Every count from 1 to 40 was handed out exactly once.
    let mut counts: Vec<u32> = outcomes
        .iter()
        .filter_map(|o| o.bomber.as_ref().map(|b| b.count))
        .collect();
    counts.sort_unstable();
    assert_eq!(counts, (1..=40).collect::<Vec<u32>>());

    let reports = capture.taken();
    let to_sender = reports
        .iter()
        .filter(|(to, _)| to == &["bomber@example.org"])
        .count();
    let alerts: Vec<Parsed> = reports
        .iter()
        .map(|(_, b)| parse(b))
        .filter(|r| {
            r.header("Message-ID")
                .is_some_and(|id| id.contains(".bomber."))
        })
        .collect();
    let guard_reports = reports
        .iter()
        .filter(|(to, _)| to == &["bm-guard@example.com"])
        .count();
    println!(
        "bomber: {} reports in all, {to_sender} to the sender, {guard_reports} to the guards ({} alert)",
        reports.len(),
        alerts.len()
    );
    assert_eq!(to_sender, 5);
    assert_eq!(alerts.len(), 1);
    assert_eq!(guard_reports, 5 + 1);
    assert_eq!(reports.len(), 5 * 3 + 1);
    let alert = &alerts[0];
    assert_eq!(alert.header("Auto-Submitted"), Some("auto-generated"));
    assert!(
        alert.body.contains("Incidents in this period: 6"),
        "{}",
        alert.body
    );
    assert!(alert.body.contains("Limit: 5"), "{}", alert.body);
    // Past the threshold, each outcome says why nobody was told.
    let silenced = outcomes
        .iter()
        .filter(|o| {
            o.skipped
                .iter()
                .any(|s| s.audience == Audience::Sender && s.reason.contains("bomber threshold"))
        })
        .count();
    assert_eq!(silenced, 35);
}

#[test]
fn short_circuit_finding_once_past_the_threshold() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let limits = reactions(2).bomber;
    let state = dir.path().join("state");
    let deliver = || {
        react(
            dir.path(),
            &reactions(2),
            &badmail_plan(),
            &envelope("x@example.org"),
            &message(&[]),
            &Capture::default(),
        )
    };
    deliver();
    deliver();
    assert_eq!(
        bomber::short_circuit(&state, "x@example.org", now(), &limits)
            .ok()
            .flatten(),
        None
    );
    deliver();
    let finding = bomber::short_circuit(&state, "X@Example.ORG", now(), &limits)
        .ok()
        .flatten();
    assert_eq!(finding.map(|f| f.condition.name()), Some("bomber"));
    // Other senders are not affected.
    assert_eq!(
        bomber::short_circuit(&state, "y@example.org", now(), &limits)
            .ok()
            .flatten(),
        None
    );
}

#[test]
fn state_failure_is_recorded_and_reports_still_go() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    // A file where the state directory should be.
    std::fs::write(dir.path().join("state"), "not a directory").unwrap_or_default();
    let capture = Capture::default();
    let outcome = react(
        dir.path(),
        &reactions(5),
        &badmail_plan(),
        &envelope("x@example.org"),
        &message(&[]),
        &capture,
    );
    assert_eq!(outcome.problems.len(), 1, "{:?}", outcome.problems);
    assert!(
        outcome.problems[0].starts_with("cannot write state directory"),
        "{:?}",
        outcome.problems
    );
    assert_eq!(capture.taken().len(), 3);
}
