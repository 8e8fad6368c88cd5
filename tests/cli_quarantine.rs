//! `qmvc quarantine list|show|release|purge` as an administrator runs them,
//! on messages that filter mode really quarantined in a temporary site:
//! release goes to the stand-in inject program, whose argv and received
//! bytes are checked against the original message; a failing inject keeps
//! the file; IDs from the command line never reach a path.

mod support;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use support::{Run, Site, Stdin, admin, data, qmail_env, stderr, stdout, virtualdomain_env};

/// Quarantines `message` for `info@example.com`, delivered as virtualdomains
/// do (`LOCAL=example-com-info` under `~alias/.qmail-example-com-default`);
/// returns the incident id from the log line's `id:` field and the file's
/// path.
fn quarantine_virtualdomain(site: &Site, message: &[u8], sender: &str) -> (String, PathBuf) {
    let env = virtualdomain_env(sender, "example-com", "info", "example.com");
    let run = site.run(message, &env, &[], Stdin::File);
    quarantined(site, &run)
}

/// The incident id and file of the delivery that just ended in `run`.
fn quarantined(site: &Site, run: &Run) -> (String, PathBuf) {
    assert_eq!(run.code, 99, "{run:?}");
    let line = site.log_lines().pop().expect("a log line");
    let id = line.rsplit_once("|id:").expect("id field").1.to_string();
    let file = site
        .quarantine("new")
        .into_iter()
        .find(|p| {
            fs::read_to_string(p).is_ok_and(|t| t.contains(&format!("X-Qmvc-Incident: {id}\n")))
        })
        .expect("the quarantine file");
    (id, file)
}

/// Forgets what the stand-in inject received so far (incident reports).
fn clear_sent(site: &Site) {
    for p in fs::read_dir(site.dir().join("sent")).expect("sent/") {
        fs::remove_file(p.expect("entry").path()).expect("rm");
    }
}

fn released(site: &Site) -> Vec<PathBuf> {
    site.quarantine("released")
}

#[test]
fn list_show_and_release_a_quarantined_message() {
    let site = Site::new("");
    let original = fs::read(data("badmail-exe.eml")).expect("message");
    let (id, file) = quarantine_virtualdomain(&site, &original, "alice@example.org");

    let out = admin(&site, &["quarantine", "list"]);
    assert!(out.status.success(), "{out:?}");
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines[0].starts_with("ID "), "{text}");
    let row = lines[1];
    for want in [
        id.as_str(),
        " badmail ",
        "<alice@example.org>",
        " info@example.com ",
        "Your invoice",
        &format!(" {} ", original.len()),
        "filename: invoice.exe",
    ] {
        assert!(row.contains(want), "{want:?} not in {row}");
    }

    let out = admin(&site, &["quarantine", "list", "--json"]);
    let v: serde_json::Value = serde_json::from_str(stdout(&out).trim()).expect("one JSON object");
    assert_eq!(v["id"], id.as_str());
    assert_eq!(v["folder"], "new");
    assert_eq!(v["sender"], "alice@example.org");
    assert_eq!(v["recipient"], "info@example.com");
    assert_eq!(v["subject"], "Your invoice");
    assert_eq!(v["size"], original.len());
    assert_eq!(v["verdict"], "badmail");

    let out = admin(&site, &["quarantine", "show", &id]);
    assert!(out.status.success(), "{out:?}");
    let shown = stdout(&out);
    for want in [
        "\nrelease to: info@example.com\n",
        "\nX-Qmvc-Verdict: badmail\n",
        "\nSubject: Your invoice\n",
        "\nContent-Type: multipart/mixed; boundary=\"=_qmvc_b1\"\n",
    ] {
        assert!(shown.contains(want), "{want:?} not in {shown}");
    }
    assert!(!shown.contains("TVoAAA"), "show prints no body: {shown}");
    let raw = admin(&site, &["quarantine", "show", "--raw", &id]);
    assert_eq!(raw.stdout, fs::read(&file).expect("file"));

    clear_sent(&site);
    let out = admin(&site, &["quarantine", "release", &id]);
    assert!(out.status.success(), "{out:?}");
    assert!(stdout(&out).contains("to info@example.com"), "{out:?}");
    let sent = site.sent();
    assert_eq!(sent.len(), 1);
    assert_eq!(
        sent[0].0,
        ["-f", "alice@example.org", "-a", "--", "info@example.com"]
    );
    assert!(
        sent[0].1 == original,
        "released bytes differ from the original:\n{}",
        String::from_utf8_lossy(&sent[0].1)
    );
    assert!(site.quarantine("new").is_empty());
    let kept = released(&site);
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].file_name(), file.file_name());

    // Released means gone from the quarantine: not listed, not released twice.
    assert_eq!(
        stdout(&admin(&site, &["quarantine", "list"]))
            .lines()
            .count(),
        1
    );
    let again = admin(&site, &["quarantine", "release", &id]);
    assert_eq!(again.status.code(), Some(1), "{again:?}");
    assert!(
        stderr(&again).contains("no quarantined message"),
        "{again:?}"
    );
    assert_eq!(site.sent().len(), 1);
}

#[test]
fn release_by_maildir_name_from_cur_to_other_addresses_keeps_null_sender() {
    let site = Site::new("");
    let original = fs::read(data("badmail-iloveyou.eml")).expect("message");
    let (_, file) = quarantined(&site, &site.deliver(&original, "", "bob@example.com"));
    // A mail client saw it: moved to cur/ with an info part.
    let name = file
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    let seen = site
        .dir()
        .join("quarantine/cur")
        .join(format!("{name}:2,S"));
    fs::rename(&file, &seen).expect("mv to cur");

    let listed = stdout(&admin(&site, &["quarantine", "list", "--json"]));
    assert!(listed.contains("\"folder\":\"cur\""), "{listed}");
    assert!(listed.contains("\"sender\":\"\""), "{listed}");

    clear_sent(&site);
    let out = admin(
        &site,
        &[
            "quarantine",
            "release",
            &name,
            "--to",
            "a@x.org",
            "--to",
            "b@y.org",
        ],
    );
    assert!(out.status.success(), "{out:?}");
    let sent = site.sent();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].0, ["-f", "", "-a", "--", "a@x.org", "b@y.org"]);
    assert!(sent[0].1 == original);
    assert!(site.quarantine("cur").is_empty());
    assert_eq!(released(&site).len(), 1);
}

#[test]
fn release_after_preline_drops_its_lines() {
    // `|preline qmvc`: the message qmvc sees starts with preline's
    // Return-Path and Delivered-To; sending those back to the same
    // recipient would make qmail-local bounce it as looping.
    let site = Site::new("");
    let original = fs::read(data("badmail-iloveyou.eml")).expect("message");
    let mut prelined =
        b"Return-Path: <carol@example.net>\nDelivered-To: bob@example.com\n".to_vec();
    prelined.extend_from_slice(&original);
    let env = qmail_env("carol@example.net", "bob", "example.com", "");
    let (id, _) = quarantined(&site, &site.run(&prelined, &env, &[], Stdin::Pipe));
    clear_sent(&site);
    let out = admin(&site, &["quarantine", "release", &id]);
    assert!(out.status.success(), "{out:?}");
    let sent = site.sent();
    assert_eq!(
        sent[0].0,
        ["-f", "carol@example.net", "-a", "--", "bob@example.com"]
    );
    assert!(sent[0].1 == original);
}

#[test]
fn failing_inject_keeps_the_message() {
    let site = Site::new("");
    let original = fs::read(data("badmail-exe.eml")).expect("message");
    let (id, file) = quarantine_virtualdomain(&site, &original, "alice@example.org");
    let before = fs::read(&file).expect("file");
    let inject = site.dir().join("bin/inject");
    let working = fs::read(&inject).expect("inject");
    // qmail-inject refusing the message (e.g. the queue is full).
    fs::write(&inject, "#!/bin/sh\ncat > /dev/null\nexit 111\n").expect("write inject");
    let out = admin(&site, &["quarantine", "release", &id]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(stderr(&out).contains("stays in the quarantine"), "{out:?}");
    assert_eq!(fs::read(&file).expect("still there"), before);
    assert!(released(&site).is_empty());
    // Once inject works again, the same id releases it.
    fs::write(&inject, working).expect("restore inject");
    clear_sent(&site);
    let out = admin(&site, &["quarantine", "release", &id]);
    assert!(out.status.success(), "{out:?}");
    assert!(site.sent()[0].1 == original);
    assert!(!file.exists());
}

#[test]
fn hostile_ids_never_become_paths() {
    let site = Site::new("");
    let original = fs::read(data("badmail-iloveyou.eml")).expect("message");
    let (_, file) = quarantined(
        &site,
        &site.deliver(&original, "a@b.org", "bob@example.com"),
    );
    let name = file
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    // A file outside the quarantine that looks like a quarantine file, and a
    // link to it planted in new/.
    let outside = site.dir().join("outside");
    fs::copy(&file, &outside).expect("copy");
    std::os::unix::fs::symlink(&outside, site.dir().join("quarantine/new/planted"))
        .expect("symlink");
    clear_sent(&site);
    let abs = outside.display().to_string();
    let up = format!("../../{name}");
    let sub = format!("new/{name}");
    for id in [
        "../outside",
        "../../outside",
        abs.as_str(),
        up.as_str(),
        sub.as_str(),
        "planted",
        ".",
        "..",
        "",
        "*",
        "new",
    ] {
        for cmd in ["show", "release"] {
            let out = admin(&site, &["quarantine", cmd, "--", id]);
            assert_eq!(out.status.code(), Some(1), "{cmd} {id:?}: {out:?}");
            assert!(stdout(&out).is_empty(), "{cmd} {id:?}: {out:?}");
        }
    }
    assert!(site.sent().is_empty());
    assert!(outside.exists() && file.exists());
    // The link is not a quarantined message.
    let listed = stdout(&admin(&site, &["quarantine", "list"]));
    assert_eq!(listed.lines().count(), 2, "{listed}");
    assert!(!listed.contains("planted"), "{listed}");
}

#[test]
fn list_and_show_keep_control_characters_off_the_terminal() {
    let site = Site::new("");
    // RFC 2047 hides ESC sequences and a bidi override in the subject; the
    // raw header carries a DEL and a C1 CSI.
    let message = "Received: (qmail 1 invoked from network); 21 Nov 2026 04:13:00 -0000\n\
        From: x@example.org\nDate: Sat, 21 Nov 2026 04:12:59 +0000\n\
        Subject: =?UTF-8?B?SUxPVkVZT1UbXTI7cHduZWQHG1sySiDigK5mZHAuZXhl?=\n\
        X-Evil: a\u{7f}b\u{9b}2Jc\n\nbody\n";
    let (id, _) = quarantined(
        &site,
        &site.deliver(message.as_bytes(), "x@example.org", "bob@example.com"),
    );
    for args in [
        vec!["quarantine", "list"],
        vec!["quarantine", "list", "--json"],
        vec!["quarantine", "show", id.as_str()],
    ] {
        let out = admin(&site, &args);
        assert!(out.status.success(), "{args:?}: {out:?}");
        let text = stdout(&out);
        assert!(text.contains("ILOVEYOU"), "{args:?}: {text}");
        let bad: Vec<char> = text
            .chars()
            .filter(|&c| (c.is_control() && c != '\n') || c == '\u{202e}')
            .collect();
        assert!(bad.is_empty(), "{args:?}: {bad:?} in {text:?}");
    }
}

#[test]
fn purge_removes_only_old_messages() {
    let site = Site::new("");
    let a = fs::read(data("badmail-exe.eml")).expect("message");
    let b = fs::read(data("badmail-iloveyou.eml")).expect("message");
    let (_, old) = quarantine_virtualdomain(&site, &a, "alice@example.org");
    let (_, young) = quarantined(&site, &site.deliver(&b, "", "bob@example.com"));
    age(&old, "40 days ago");
    let old_len = fs::metadata(&old).expect("stat").len();

    let dry = admin(
        &site,
        &["quarantine", "purge", "--older-than", "30d", "--dry-run"],
    );
    assert!(dry.status.success(), "{dry:?}");
    assert!(
        stdout(&dry).contains(&format!(
            "would remove 1 quarantined file ({old_len} bytes)"
        )),
        "{dry:?}"
    );
    assert!(old.exists());

    let out = admin(&site, &["quarantine", "purge", "--older-than", "30d"]);
    assert!(out.status.success(), "{out:?}");
    assert!(
        stdout(&out).contains(&format!("removed 1 quarantined file ({old_len} bytes)")),
        "{out:?}"
    );
    assert!(!old.exists() && young.exists());

    let bad = admin(&site, &["quarantine", "purge", "--older-than", "soon"]);
    assert_eq!(bad.status.code(), Some(2), "{bad:?}");
    let missing = admin(&site, &["quarantine", "purge"]);
    assert_eq!(missing.status.code(), Some(2), "{missing:?}");
    assert!(young.exists());
}

/// Sets `path`'s modification time with touch(1).
fn age(path: &Path, when: &str) {
    let ok = Command::new("touch")
        .args(["-m", "-d", when])
        .arg(path)
        .status()
        .expect("touch");
    assert!(ok.success());
}
