//! `|preline qmvc`: preline(1) puts qmail-local's `From ` line,
//! `Return-Path:` and `Delivered-To:` in front of the message (`-f`, `-r`,
//! `-d` leave one out). qmvc judges what it is given, but a release must
//! hand qmail back the message as it was queued: a `Delivered-To:` naming
//! the recipient makes qmail-local bounce it as looping (#5.4.6). preline
//! here is a STAND-IN script (tests/standins/preline): qmail has no Debian
//! package.

mod support;

use std::fs;

use support::{Site, Stdin, admin, message, set, stdout, virtualdomain_env};

const PRELINE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/standins/preline");

/// Delivers the message under `preline FLAGS qmvc` and releases it; returns
/// what the inject program got (argv, bytes).
fn deliver_and_release(flags: &[&str], env: &[(String, String)]) -> (Vec<String>, Vec<u8>) {
    let site = Site::new("");
    let original = message("badmail-exe.eml");
    let wrapper: Vec<&str> = std::iter::once(PRELINE)
        .chain(flags.iter().copied())
        .collect();
    let run = site.run_wrapped(&wrapper, &original, env, &[], Stdin::Pipe);
    assert_eq!(run.code, 99, "{flags:?}: {run:?}");
    let stored = fs::read(&site.quarantine("new")[0]).expect("stored");
    let out = release_last(&site);
    let mut sent = site.sent();
    assert_eq!(sent.len(), 1, "{sent:?}");
    let (args, bytes) = sent.remove(0);
    assert!(
        bytes == original,
        "{flags:?}: released {} bytes, queued {}; stored file began {:?}; {}",
        bytes.len(),
        original.len(),
        String::from_utf8_lossy(&stored[..stored.len().min(600)]),
        stdout(&out)
    );
    (args, bytes)
}

/// Releases the message the last log line names, after forgetting what
/// the inject program got so far (incident reports).
fn release_last(site: &Site) -> std::process::Output {
    let line = site.log_lines().pop().expect("log line");
    let id = line.rsplit_once("|id:").expect("id").1.to_string();
    for p in fs::read_dir(site.dir().join("sent")).expect("sent/") {
        fs::remove_file(p.expect("entry").path()).expect("rm");
    }
    let out = admin(site, &["quarantine", "release", &id]);
    assert!(out.status.success(), "{out:?}");
    out
}

#[test]
fn release_takes_off_exactly_what_preline_added() {
    let env = virtualdomain_env("alice@example.org", "example-com", "info", "example.com");
    for flags in [
        &[][..],
        &["-f"],
        &["-r"],
        &["-d"],
        &["-fr"],
        &["-f", "-d"],
        &["-rd"],
        &["-frd"],
    ] {
        let (args, bytes) = deliver_and_release(flags, &env);
        assert_eq!(
            args,
            ["-f", "alice@example.org", "-a", "--", "info@example.com"]
        );
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("Delivered-To: example-com-info@example.com"));
        assert!(!text.starts_with("From "), "{flags:?}");
    }
}

#[test]
fn null_sender_under_preline() {
    // qmail-local writes MAILER-DAEMON in the From line of a bounce.
    let mut env = virtualdomain_env("", "example-com", "info", "example.com");
    set(
        &mut env,
        "UFLINE",
        "From MAILER-DAEMON Sat Nov 28 14:00:00 2026\n",
    );
    let (args, _) = deliver_and_release(&[], &env);
    assert_eq!(args, ["-f", "", "-a", "--", "info@example.com"]);
}

#[test]
fn the_messages_own_delivered_to_lines_stay() {
    // A Delivered-To: from an earlier hop (after qmail's Received:) is the
    // message's own: only preline's lines in front come off.
    let site = Site::new("");
    let mut original = b"Received: (qmail 1 invoked by uid 0); 28 Nov 2026 14:00:00 -0000\n\
        Delivered-To: list@example.org\n"
        .to_vec();
    original.extend_from_slice(&message("badmail-exe.eml"));
    let env = virtualdomain_env("alice@example.org", "example-com", "info", "example.com");
    let run = site.run_wrapped(&[PRELINE], &original, &env, &[], Stdin::Pipe);
    assert_eq!(run.code, 99, "{run:?}");
    release_last(&site);
    assert!(site.sent()[0].1 == original);
}
