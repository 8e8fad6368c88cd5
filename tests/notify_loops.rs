//! Never backscatter, never loop (RFC 3834): no report to the null sender,
//! `#@[]`, MAILER-DAEMON, `owner-*`, `*-request`, about bulk, list or
//! automatic mail, and no report at all about one of our own reports.
//! One test each, each against a control that does get its report.

mod notify_support;

use notify_support::*;
use qmvc::notify::{Audience, Outcome, Reactions};

/// Reacts to a badmail message from `sender` with `headers`, every
/// audience on; returns the outcome and the addresses reports went to.
fn run(sender: &str, headers: &[(&str, &str)]) -> (Outcome, Vec<String>) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let capture = Capture::default();
    let outcome = react(
        dir.path(),
        &everyone(),
        &badmail_plan(),
        &envelope(sender),
        &message(headers),
        &capture,
    );
    let to = capture.taken().into_iter().flat_map(|(to, _)| to).collect();
    (outcome, to)
}

fn sender_reason(outcome: &Outcome) -> String {
    outcome
        .skipped
        .iter()
        .find(|s| s.audience == Audience::Sender)
        .map(|s| s.reason.clone())
        .unwrap_or_default()
}

fn assert_no_sender_report(sender: &str, headers: &[(&str, &str)], reason: &str) {
    let (outcome, to) = run(sender, headers);
    assert!(
        !to.iter().any(|a| a == sender),
        "{sender} {headers:?} got a report"
    );
    assert!(!outcome.sent.iter().any(|s| s.audience == Audience::Sender));
    assert!(
        sender_reason(&outcome).contains(reason),
        "{}",
        sender_reason(&outcome)
    );
    // The guards and the recipient are still told.
    assert!(to.contains(&"bm-guard@example.com".to_string()), "{to:?}");
    assert!(to.contains(&"alice@example.com".to_string()), "{to:?}");
}

#[test]
fn control_an_ordinary_sender_gets_a_report() {
    let (_, to) = run(
        "bob@example.org",
        &[("Auto-Submitted", "no"), ("Precedence", "first-class")],
    );
    assert_eq!(
        to,
        [
            "bm-guard@example.com",
            "alice@example.com",
            "bob@example.org"
        ]
    );
}

#[test]
fn no_report_to_the_null_sender() {
    assert_no_sender_report("", &[], "null sender");
}

#[test]
fn no_report_to_the_double_bounce_sender() {
    assert_no_sender_report("#@[]", &[], "null sender");
}

#[test]
fn no_report_to_mailer_daemon() {
    assert_no_sender_report("MAILER-DAEMON@example.org", &[], "automatic address");
}

#[test]
fn no_report_to_list_owners() {
    assert_no_sender_report("owner-announce@lists.example.org", &[], "automatic address");
}

#[test]
fn no_report_to_request_addresses() {
    assert_no_sender_report(
        "announce-request@lists.example.org",
        &[],
        "automatic address",
    );
}

#[test]
fn no_report_about_bulk_junk_or_list_precedence() {
    for p in ["bulk", "junk", "LIST"] {
        assert_no_sender_report("bob@example.org", &[("Precedence", p)], "bulk mail");
    }
}

#[test]
fn no_report_about_list_mail() {
    assert_no_sender_report(
        "bob@example.org",
        &[("List-Id", "Announcements <announce.lists.example.org>")],
        "list mail (List-Id)",
    );
}

#[test]
fn no_report_about_auto_submitted_mail() {
    for v in [
        "auto-replied",
        "auto-generated",
        "auto-notified; owner-email=\"x@y\"",
    ] {
        assert_no_sender_report(
            "bob@example.org",
            &[("Auto-Submitted", v)],
            "Auto-Submitted",
        );
    }
}

#[test]
fn no_report_about_our_own_report() {
    // What qmvc's own reports look like: null envelope sender,
    // Auto-Submitted and X-Qmvc-Incident (a forged header alone is not
    // enough: tests/failclosed_notify.rs).
    let (outcome, to) = run(
        "",
        &[
            ("Auto-Submitted", "auto-generated"),
            ("X-Qmvc-Incident", "1714979289.1"),
        ],
    );
    assert!(to.is_empty(), "{to:?}");
    assert_eq!(outcome.skipped.len(), 3);
    assert!(
        outcome
            .skipped
            .iter()
            .all(|s| s.reason.contains("X-Qmvc-Incident"))
    );
    // And it is not counted against the sender either.
    assert_eq!(outcome.bomber, None);
}

#[test]
fn no_report_to_a_recipient_that_is_list_software() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let capture = Capture::default();
    let envelope =
        qmvc::envelope::Envelope::for_check("bob@example.org", "list-request@example.com");
    react(
        dir.path(),
        &everyone(),
        &badmail_plan(),
        &envelope,
        &message(&[]),
        &capture,
    );
    let to: Vec<String> = capture.taken().into_iter().flat_map(|(to, _)| to).collect();
    assert_eq!(to, ["bm-guard@example.com", "bob@example.org"]);
}

#[test]
fn virus_sender_reports_are_off_by_default() {
    let (outcome, taken) =
        react_fresh(&Reactions::default(), &virus_plan(), "bob@example.org", &[]);
    let to: Vec<String> = taken.into_iter().flat_map(|(to, _)| to).collect();
    assert_eq!(to, ["av-guard@example.com", "alice@example.com"]);
    assert_eq!(sender_reason(&outcome), "sender reports are off for virus");
}

#[test]
fn clean_and_deferred_messages_cause_no_report() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let capture = Capture::default();
    let policy = qmvc::verdict::ActionPolicy::default();
    let clean = qmvc::verdict::decide(Vec::new(), Vec::new(), false, &policy);
    let deferred = qmvc::verdict::decide(Vec::new(), Vec::new(), true, &policy);
    for plan in [clean, deferred] {
        let outcome = react(
            dir.path(),
            &everyone(),
            &plan,
            &envelope("bob@example.org"),
            &message(&[]),
            &capture,
        );
        assert!(outcome.sent.is_empty());
        assert_eq!(outcome.bomber, None);
    }
    assert!(capture.taken().is_empty());
}

/// ezmlm list mail: ezmlm-send writes `Mailing-List:` and `Delivered-To:
/// mailing list`, and sends from the list's `-return-` address (VERP form
/// with the subscriber in it). Each mark alone stops the sender report.
#[test]
fn no_report_about_ezmlm_list_mail() {
    assert_no_sender_report(
        "bob@example.org",
        &[(
            "Mailing-List",
            "contact x-help@lists.example.org; run by ezmlm",
        )],
        "list mail (Mailing-List)",
    );
    assert_no_sender_report(
        "bob@example.org",
        &[
            ("Delivered-To", "joe@example.com"),
            ("Delivered-To", "mailing list x@lists.example.org"),
        ],
        "list mail (Delivered-To: mailing list)",
    );
    assert_no_sender_report(
        "bob@example.org",
        &[("Delivered-To", "responder for x@lists.example.org")],
        "list mail (Delivered-To: responder for)",
    );
    for sender in [
        "x-return-12-info=example.com@lists.example.org",
        "x-return-@lists.example.org",
    ] {
        assert_no_sender_report(sender, &[], "automatic address");
    }
}

/// What other list managers write: SmartList and vger (`X-Mailing-List`),
/// Mailman (`X-BeenThere`, `X-Mailman-Version`), SmartList and Sympa
/// (`X-Loop`), majordomo's `Sender: LIST-owner`, Mailman's `Errors-To:
/// LIST-bounces`; and Exchange's request for no automatic reply.
#[test]
fn no_report_about_other_list_managers_mail() {
    for (field, value, reason) in [
        (
            "X-Mailing-List",
            "linux-kernel@vger.kernel.org",
            "X-Mailing-List",
        ),
        ("X-BeenThere", "announce@lists.example.org", "X-BeenThere"),
        ("X-Mailman-Version", "2.1.39", "X-Mailman-Version"),
        ("X-Loop", "announce@lists.example.org", "X-Loop"),
        (
            "Sender",
            "\"Announce\" <announce-owner@lists.example.org>",
            "Sender: announce-owner@",
        ),
        (
            "Errors-To",
            "announce-bounces@lists.example.org",
            "Errors-To: announce-bounces@",
        ),
        (
            "X-Auto-Response-Suppress",
            "DR, OOF, AutoReply",
            "X-Auto-Response-Suppress",
        ),
    ] {
        assert_no_sender_report("bob@example.org", &[(field, value)], reason);
    }
}

/// Control: a plain `Delivered-To:` (qmail-local writes one on every
/// delivery), a `Sender:` and `Errors-To:` naming a person keep the report.
#[test]
fn control_delivered_to_and_a_personal_sender_keep_the_report() {
    let (_, to) = run(
        "bob@example.org",
        &[
            ("Delivered-To", "alice@example.com"),
            ("Sender", "Bob's secretary <carol@example.org>"),
            ("Errors-To", "bob@example.org"),
            ("X-Auto-Response-Suppress", "None"),
        ],
    );
    assert!(to.contains(&"bob@example.org".to_string()), "{to:?}");
}
