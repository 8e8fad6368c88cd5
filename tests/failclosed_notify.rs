//! Reports and the bomber brake cannot be gamed: a forged `X-Qmvc-Incident`
//! header silences nothing and hides nothing from the bomber count (only
//! qmvc's own reports, null sender plus `Auto-Submitted` plus the header,
//! are exempt), and errormail never makes a sender a bomber.

mod notify_support;

use notify_support::*;
use qmvc::engines::{EngineReport, EngineResult};
use qmvc::notify::bomber::BomberLimits;
use qmvc::notify::{Audience, Reactions};
use qmvc::verdict::{ActionPolicy, Condition, Verdict, decide};

#[test]
fn a_forged_incident_header_silences_no_report_and_is_counted() {
    let dir = tempfile::tempdir().expect("tempdir");
    let capture = Capture::default();
    let outcome = react(
        dir.path(),
        &everyone(),
        &virus_plan(),
        &envelope("attacker@example.org"),
        &message(&[("X-Qmvc-Incident", "1714979289.1")]),
        &capture,
    );
    let to: Vec<String> = capture.taken().into_iter().flat_map(|(to, _)| to).collect();
    assert!(to.contains(&"av-guard@example.com".to_string()), "{to:?}");
    assert_eq!(outcome.bomber.map(|b| b.count), Some(1));
    // With Auto-Submitted too, but from a real sender: still reported to
    // the guards (no sender report: RFC 3834 forbids it).
    let capture = Capture::default();
    let outcome = react(
        dir.path(),
        &everyone(),
        &virus_plan(),
        &envelope("attacker@example.org"),
        &message(&[
            ("X-Qmvc-Incident", "1714979289.1"),
            ("Auto-Submitted", "auto-generated"),
        ]),
        &capture,
    );
    let to: Vec<String> = capture.taken().into_iter().flat_map(|(to, _)| to).collect();
    assert!(to.contains(&"av-guard@example.com".to_string()), "{to:?}");
    assert_eq!(outcome.bomber.map(|b| b.count), Some(2));
    assert!(
        !outcome
            .skipped
            .iter()
            .any(|s| s.audience == Audience::AntivirusGuard),
        "{:?}",
        outcome.skipped
    );
}

#[test]
fn errormail_never_counts_toward_the_bomber() {
    let dir = tempfile::tempdir().expect("tempdir");
    let errormail = decide(
        vec![finding(
            Condition::Errormail,
            None,
            "no From header",
            "broken",
        )],
        Vec::<EngineReport>::new(),
        false,
        &ActionPolicy::default(),
    );
    assert_eq!(errormail.verdict, Verdict::Errormail);
    let reactions = Reactions {
        bomber: BomberLimits {
            threshold: 2,
            short_circuit: true,
            ..BomberLimits::default()
        },
        ..everyone()
    };
    let count = |plan: &qmvc::verdict::Plan| {
        react(
            dir.path(),
            &reactions,
            plan,
            &envelope("broken-mailer@example.org"),
            &message(&[]),
            &Capture::default(),
        )
        .bomber
        .map(|b| b.count)
    };
    for _ in 0..5 {
        assert_eq!(count(&errormail), None);
    }
    // Viruses count by default, badmail does not.
    assert_eq!(count(&badmail_plan()), None);
    let virus = decide(
        Vec::new(),
        vec![EngineReport {
            name: "clamd".into(),
            result: EngineResult::Virus(vec!["Eicar-Signature".into()]),
            ms: 1,
        }],
        false,
        &ActionPolicy::default(),
    );
    assert_eq!(count(&virus), Some(1));
}
