//! The command line fails closed: `--help`, `-h`, `--version`, `-V` and
//! `help` as a dot-qmail line defer instead of delivering unscanned; the
//! defer line on an unwritable stdout keeps exit 111; `check` reads no more
//! than filter mode and creates nothing in the site's directories;
//! `noscan_types` globs match as `[conditions.mimetype]` globs do.

mod support;

use std::fs::{File, OpenOptions};
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::Value;
use support::{Site, admin, files_under, finish, stderr, stdout, user_env};

const MESSAGE: &[u8] = b"From: a@example.org\nTo: b@example.com\nSubject: hi\n\
Date: Sat, 28 Nov 2026 10:00:00 +0000\nMessage-ID: <c@example.org>\n\nhello\n";

#[test]
fn help_and_version_in_a_dot_qmail_line_defer() {
    let site = Site::new("");
    for args in [
        &["--help"][..],
        &["-h"],
        &["--version"],
        &["-V"],
        &["help"],
        &["filter", "--help"],
    ] {
        let run = site.run(
            MESSAGE,
            &user_env("a@example.org", "b@example.com"),
            args,
            support::Stdin::File,
        );
        assert_eq!(run.code, 111, "{args:?}: {run:?}");
        assert_eq!(run.stdout.lines().count(), 1, "{args:?}: {run:?}");
        assert!(run.stdout.trim_end().ends_with("(#4.3.0)"), "{run:?}");
    }
}

#[test]
fn defer_line_on_a_full_stdout_keeps_exit_111() {
    let site = Site::new("");
    let full = OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");
    let out = site
        .command(
            &user_env("a@example.org", "b@example.com"),
            &["--no-such-option"],
        )
        .stdin(site.queue_file(MESSAGE))
        .stdout(full)
        .stderr(Stdio::piped())
        .output()
        .expect("run qmvc");
    assert_eq!(out.status.code(), Some(111), "{}", stderr(&out));
}

#[test]
fn check_reads_no_more_than_filter_mode() {
    let site = Site::new("[limits]\nmax_message_bytes = 1048576\n");
    let started = Instant::now();
    let mut child = std::process::Command::new(support::QMVC)
        .args(["check", "--json", "/dev/zero"])
        .env("QMVC_CONFIG", &site.config)
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    while child.try_wait().expect("wait").is_none() {
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("check /dev/zero did not stop");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().expect("output");
    let json: Value = serde_json::from_str(stdout(&out).trim()).expect("one JSON line");
    assert_eq!(json["verdict"], "unchecked", "{json}");
    assert_eq!(json["size"], 1_048_577, "{json}");
}

#[test]
fn check_creates_nothing_in_the_sites_directories() {
    let site = Site::new("");
    let engine = site.scanner_engine();
    site.write_config(&engine);
    site.profile(
        "default",
        "[reactions.bomber]\nthreshold = 1\nshort_circuit = true\n",
    );
    let file = site.dir().join("m.eml");
    std::fs::write(&file, MESSAGE).expect("write");
    let before = files_under(site.dir());
    let out = admin(&site, &["check", &file.to_string_lossy()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("engine scanner: clean"),
        "{}",
        stdout(&out)
    );
    for dir in ["work", "state", "quarantine", "log"] {
        assert!(!site.dir().join(dir).exists(), "check created {dir}/");
    }
    assert_eq!(files_under(site.dir()), before);
    // Filter mode still creates what it needs.
    let run = finish(
        site.command(&user_env("a@example.org", "b@example.com"), &[])
            .stdin(File::open(&file).expect("open"))
            .output()
            .expect("run"),
    );
    assert_eq!(run.code, 0, "{run:?}");
}

#[test]
fn noscan_types_take_globs_and_config_check_rejects_broken_ones() {
    let site = Site::new("");
    let engine = site.scanner_engine();
    site.write_config(&engine);
    site.profile(
        "default",
        "[scan]\nnoscan_types = [\"text/*\", \"application/x-*\"]\n",
    );
    let raw = b"From: a@example.org\nTo: b@example.com\nSubject: hi\nMIME-Version: 1.0\n\
Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nhi\n\
--b\nContent-Type: application/x-tar-notes\n\nplain words\n--b--\n";
    let file = site.dir().join("m.eml");
    std::fs::write(&file, raw).expect("write");
    let out = admin(&site, &["check", "--json", &file.to_string_lossy()]);
    let json: Value = serde_json::from_str(stdout(&out).trim()).expect("one JSON line");
    assert_eq!(json["engines"][0]["result"], "skipped", "{json}");
    assert!(
        json["engines"][0]["detail"]
            .as_str()
            .is_some_and(|d| d.starts_with("noscan_types")),
        "{json}"
    );
    site.profile("default", "[scan]\nnoscan_types = [\"application/[x\"]\n");
    let out = admin(&site, &["config", "check"]);
    assert_ne!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("noscan_types[0]") || stdout(&out).contains("noscan_types[0]"),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
}

#[test]
fn config_show_gives_every_engine_key_as_it_takes_effect() {
    let site =
        Site::new("[[engine]]\nname = \"kav\"\ntype = \"command\"\npreset = \"kaspersky\"\n");
    let out = admin(&site, &["config", "show", "--format", "json"]);
    let json: Value = serde_json::from_str(stdout(&out).trim()).expect("JSON");
    let engine = &json["engines"][0];
    for (key, want) in [
        ("oversize", "unchecked"),
        ("heuristics", "unchecked"),
        ("input", "both"),
    ] {
        assert_eq!(engine[key], want, "{engine}");
    }
    assert_eq!(
        engine["unchecked_exit"],
        serde_json::json!([10, 15]),
        "{engine}"
    );
    assert_eq!(engine["timeout"], 150, "{engine}");
    let text = stdout(&admin(&site, &["config", "show"]));
    assert!(
        text.contains("[[engine]]") && text.contains("# oversize:"),
        "{text}"
    );
}
