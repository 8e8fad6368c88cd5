//! A release that arrives: `qmvc quarantine release` sends the message
//! back with a one-time token, and the qmvc on the recipient's dot-qmail
//! passes it on unjudged, once, for that recipient only. Every release is
//! in `qmvc.log` and `qmvc.rep`. The delivery after the release is run as
//! qmail-local runs it, on the bytes the (stand-in) inject program got,
//! with qmail-queue's `Received:` line in front.

mod support;

use support::{Site, Stdin, admin, message, release_last, stdout, user_env, virtualdomain_env};

/// Quarantines badmail for info@example.com, releases it; returns the
/// incident id and the injected message as qmail would queue it.
fn quarantine_and_release(site: &Site) -> (String, Vec<u8>) {
    let env = virtualdomain_env("alice@example.org", "example-com", "info", "example.com");
    let run = site.run(&message("badmail-exe.eml"), &env, &[], Stdin::File);
    assert_eq!(run.code, 99, "{run:?}");
    let (id, out) = release_last(site);
    assert!(stdout(&out).contains("one-time release token"), "{out:?}");
    let sent = site.sent();
    assert_eq!(sent.len(), 1, "{sent:?}");
    let mut queued =
        b"Received: (qmail 4242 invoked by uid 0); 28 Nov 2026 14:00:00 -0000\n".to_vec();
    queued.extend_from_slice(&sent[0].1);
    (id, queued)
}

#[test]
fn a_released_message_passes_qmvc_once() {
    let site = Site::new("");
    let (id, queued) = quarantine_and_release(&site);
    let env = virtualdomain_env("alice@example.org", "example-com", "info", "example.com");
    let run = site.run(&queued, &env, &[], Stdin::File);
    assert_eq!(run.code, 0, "the release arrives: {run:?}");
    let line = site.log_lines().pop().expect("log line");
    assert!(line.contains("|A:pass|RC:0|"), "{line}");
    assert!(line.ends_with(&format!("|released:{id}")), "{line}");
    assert_eq!(site.quarantine("new").len(), 0);

    // The same bytes again (a copy, a replay): judged like any message.
    let run = site.run(&queued, &env, &[], Stdin::File);
    assert_eq!(run.code, 99, "a used token is spent: {run:?}");
}

#[test]
fn a_token_is_for_its_recipient_and_cannot_be_forged() {
    let site = Site::new("");
    let (_, queued) = quarantine_and_release(&site);
    // Another recipient copying the token.
    let other = user_env("alice@example.org", "mallory@example.net");
    let run = site.run(&queued, &other, &[], Stdin::File);
    assert_eq!(run.code, 99, "{run:?}");
    // A forged MAC, and a token with its expiry moved.
    let text = String::from_utf8_lossy(&queued).into_owned();
    let token_line = text.lines().nth(1).expect("token line").to_string();
    let parts: Vec<&str> = token_line.split(' ').collect();
    let env = virtualdomain_env("alice@example.org", "example-com", "info", "example.com");
    for forged in [
        format!("{} {} {} {}", parts[0], parts[1], parts[2], "0".repeat(64)),
        format!("{} {} {} {}", parts[0], parts[1], "99999999999", parts[3]),
    ] {
        let bytes = text.replace(&token_line, &forged);
        let run = site.run(bytes.as_bytes(), &env, &[], Stdin::File);
        assert_eq!(run.code, 99, "{forged}: {run:?}");
    }
    // The genuine one still works: nothing above spent it.
    let run = site.run(&queued, &env, &[], Stdin::File);
    assert_eq!(run.code, 0, "{run:?}");
}

#[test]
fn a_token_in_the_body_or_without_a_key_counts_for_nothing() {
    let site = Site::new("");
    let env = virtualdomain_env("alice@example.org", "example-com", "info", "example.com");
    let mut forged = format!("X-Qmvc-Release: 1 99999999999 {}\n", "a".repeat(64)).into_bytes();
    forged.extend_from_slice(&message("badmail-exe.eml"));
    let run = site.run(&forged, &env, &[], Stdin::File);
    assert_eq!(run.code, 99, "no key yet: {run:?}");
}

#[test]
fn every_release_is_in_the_log_and_the_report_file() {
    let site = Site::new("");
    let (id, _) = quarantine_and_release(&site);
    let log = site.log_lines();
    let release = log
        .iter()
        .find(|l| l.contains("|A:release|"))
        .expect("a release log line");
    assert!(
        release.contains("|alice@example.org|info@example.com|"),
        "{release}"
    );
    assert!(release.contains(&format!("|id:{id}|")), "{release}");
    let rep = site.rep();
    assert!(
        rep.contains(&format!("--- qmvc release {id} ---\n")),
        "{rep}"
    );
    assert!(rep.contains("\nreleased to: info@example.com\n"), "{rep}");
    assert!(rep.contains(&format!("--- end {id} ---\n")), "{rep}");
    // The analysis tool reads past it.
    let out = admin(&site, &["report"]);
    assert!(out.status.success(), "{out:?}");
    let text = stdout(&out);
    assert!(
        text.contains("rep: 1 incident blocks, 0 lines not understood"),
        "{text}"
    );
    assert!(text.contains("messages: 1\n"), "{text}");
}

#[test]
fn a_release_keeps_8bit_addresses_as_they_were() {
    // qmail passes 8-bit local parts and domains through (RFC 6531 mail,
    // or plain Latin-1): the release goes back to that very address, from
    // that very sender, not to one with `?` in place of each letter.
    let site = Site::new("");
    let env = user_env("jörg@exämple.de", "jürgen@example.com");
    let run = site.run(&message("badmail-exe.eml"), &env, &[], Stdin::File);
    assert_eq!(run.code, 99, "{run:?}");
    release_last(&site);
    let sent = site.sent();
    assert_eq!(sent.len(), 1, "{sent:?}");
    let args = &sent[0].0;
    assert!(
        args.iter().any(|a| a == "jörg@exämple.de")
            && args.iter().any(|a| a == "jürgen@example.com"),
        "{args:?}"
    );
}

/// Every path below `dir`, directories included (symbolic links not
/// followed).
fn tree(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        out.push(path.clone());
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            out.extend(tree(&path));
        }
    }
    out
}

/// `quarantine release` run as root, as the administrator does, on a data
/// directory that belongs to the delivering user: what it creates there
/// (the state directory and release key, `released/`, a missing log
/// directory with the log and report files) belongs to that user
/// afterwards, so the released copy's token is honoured, deliveries can
/// still write the log, and the user's purge works.
#[test]
fn root_release_leaves_nothing_the_delivering_user_cannot_use() {
    use std::os::unix::fs::MetadataExt;
    use std::os::unix::process::CommandExt;
    if !nix::unistd::geteuid().is_root() {
        eprintln!("SKIPPED root_release_leaves_nothing_the_delivering_user_cannot_use: needs root");
        return;
    }
    let site = Site::new("");
    site.write_config(&site.scanner_engine());
    let data = site.dir().join("data");
    for key in ["quarantine", "workdir", "state"] {
        site.set_path(key, &data.join(key));
    }
    site.set_path("log", &data.join("log/qmvc.log"));
    site.set_path("report", &data.join("log/qmvc.rep"));
    site.hand_over(support::NOBODY, &["data"]);
    let bad = message("badmail-exe.eml");
    let run = site.deliver_as(
        support::NOBODY,
        &bad,
        "alice@example.org",
        "joe@example.net",
    );
    assert_eq!(run.code, 99, "{run:?}");
    assert!(!data.join("state").exists());
    let last_line = || {
        let text = std::fs::read_to_string(data.join("log/qmvc.log")).unwrap_or_default();
        text.lines().last().unwrap_or_default().to_string()
    };
    let id = support::log_id(&last_line());
    // The administrator moved the logs away before releasing.
    std::fs::remove_dir_all(data.join("log")).expect("rm log");
    let out = admin(&site, &["quarantine", "release", &id]);
    assert!(out.status.success(), "{out:?}");
    for path in tree(&data) {
        let meta = std::fs::symlink_metadata(&path).expect("stat");
        assert_eq!(
            (meta.uid(), meta.gid()),
            support::NOBODY,
            "{} is not the delivering user's",
            path.display()
        );
    }
    assert!(data.join("state/release.key").exists());
    // The released copy arrives, the token honoured.
    let sent = site.sent();
    assert_eq!(sent.len(), 1, "{sent:?}");
    let run = site.deliver_as(
        support::NOBODY,
        &sent[0].1,
        "alice@example.org",
        "joe@example.net",
    );
    assert_eq!(run.code, 0, "{run:?}");
    let line = last_line();
    assert!(line.ends_with(&format!("|released:{id}")), "{line}");
    // The delivering user's purge.
    let out = site
        .command(&[], &["quarantine", "purge", "--older-than", "0s"])
        .uid(support::NOBODY.0)
        .gid(support::NOBODY.1)
        .output()
        .expect("purge");
    assert!(out.status.success(), "{out:?}");
    // The same rule for root trying filter mode by hand: the work
    // directory the engine needs did not exist yet.
    std::fs::remove_dir_all(data.join("workdir")).ok();
    let env = user_env("alice@example.org", "joe@example.net");
    let run = site.run(&message("clean-plain.eml"), &env, &[], Stdin::File);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(data.join("workdir").exists());
    for path in tree(&data) {
        let meta = std::fs::symlink_metadata(&path).expect("stat");
        assert_eq!(meta.uid(), support::NOBODY.0, "{}", path.display());
    }
}

/// A quarantine file that names no recipient (written by an older qmvc run
/// without qmail-local's environment) is not "released" to an empty
/// address: the command refuses it, says to use `--to`, and injects
/// nothing; with `--to` it goes out.
#[test]
fn a_file_without_a_recipient_is_not_released_to_nobody() {
    let site = Site::new("");
    let new = site.dir().join("quarantine/new");
    std::fs::create_dir_all(&new).expect("mkdir");
    let mut stored =
        b"Return-Path: <>\nDelivered-To: \nX-Qmvc-Incident: 1764338400.000001.42.mx1\n\
X-Qmvc-Verdict: badmail\nX-Qmvc-Profile: default\nX-Qmvc-Recipient: \n"
            .to_vec();
    stored.extend_from_slice(&message("badmail-exe.eml"));
    std::fs::write(new.join("1764338400.M1P42Q0.mx1"), &stored).expect("write");
    let out = admin(
        &site,
        &["quarantine", "release", "1764338400.000001.42.mx1"],
    );
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("names no recipient"), "{err}");
    assert!(err.contains("--to"), "{err}");
    assert!(site.sent().is_empty());
    assert_eq!(site.quarantine("new").len(), 1);
    let out = admin(
        &site,
        &[
            "quarantine",
            "release",
            "1764338400.000001.42.mx1",
            "--to",
            "joe@example.com",
        ],
    );
    assert!(out.status.success(), "{out:?}");
    assert_eq!(site.sent().len(), 1);
}

/// `check` promises filter mode's decision: on a released copy whose
/// token checks out for `--recipient`, it says pass (exit 0, without
/// spending the token), names the token, and still shows the rules'
/// verdict; for another recipient, or once filter mode used the token, it
/// shows the quarantine filter mode would choose.
#[test]
fn check_takes_a_release_token_as_filter_mode_does() {
    let site = Site::new("");
    let (id, queued) = quarantine_and_release(&site);
    let file = site.dir().join("released.eml");
    std::fs::write(&file, &queued).expect("write");
    let file = file.display().to_string();
    let check = |recipient: &str| {
        let out = admin(&site, &["check", "--recipient", recipient, &file]);
        assert!(out.status.success(), "{out:?}");
        stdout(&out)
    };
    let text = check("info@example.com");
    assert!(text.starts_with("badmail   pass         0  "), "{text}");
    assert!(
        text.contains(&format!("    release token {id}: valid for info@example.com: filter mode passes it on unjudged, once")),
        "{text}"
    );
    let out = admin(
        &site,
        &["check", "--json", "--recipient", "info@example.com", &file],
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(json["action"], "pass", "{json}");
    assert_eq!(json["release"]["honoured"], true, "{json}");
    let text = check("mallory@example.net");
    assert!(text.starts_with("badmail   quarantine  99  "), "{text}");
    assert!(
        text.contains("does not check out for mallory@example.net"),
        "{text}"
    );
    // check spent nothing: filter mode passes it, once.
    let env = virtualdomain_env("alice@example.org", "example-com", "info", "example.com");
    let run = site.run(&queued, &env, &[], Stdin::File);
    assert_eq!(run.code, 0, "{run:?}");
    let text = check("info@example.com");
    assert!(text.starts_with("badmail   quarantine  99  "), "{text}");
    assert!(text.contains("already used"), "{text}");
}
