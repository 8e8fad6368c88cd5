//! Nothing from the message or the environment reaches a shell: SENDER,
//! RECIPIENT, LOCAL/EXT, the subject and attachment names carrying
//! `$(...)`, backticks, `;`, `|`, `&&` and newlines go through forwards
//! (inject argv), incident reports (inject argv and headers) and command
//! engines (argv). No command in them runs, and an address arrives as one
//! argv element, byte for byte.

mod security_support;
mod support;

use std::fs;
use std::path::{Path, PathBuf};

use security_support::{injects, multipart, recording_engine, recording_site, scans, tree};
use support::{Run, Site, Stdin, qmail_env};

/// Shell payloads that would each create a file under `marks` if any
/// shell ever saw them.
fn payloads(marks: &Path) -> Vec<String> {
    let m = marks.display();
    vec![
        format!("$(touch {m}/p1)"),
        format!("`touch {m}/p2`"),
        format!(";touch {m}/p3;"),
        format!("\ntouch {m}/p4\n"),
        format!("|touch {m}/p5"),
        format!("&&touch {m}/p6"),
    ]
}

/// The hostile envelope: addresses without spaces or parentheses (so that
/// qmvc does send reports to them) but with backticks and `${IFS}`.
struct Hostile {
    sender: String,
    ext: String,
}

fn hostile(marks: &Path) -> Hostile {
    let m = marks.display();
    Hostile {
        sender: format!("`touch${{IFS}}{m}/sender`@example.org"),
        ext: format!("x`touch${{IFS}}{m}/ext`&&touch${{IFS}}{m}/ext2|y"),
    }
}

fn hostile_message(marks: &Path) -> Vec<u8> {
    let p = payloads(marks);
    let subject = p.join(" ").replace('\n', " ");
    let parts: Vec<(String, Vec<u8>)> = p
        .iter()
        .map(|payload| {
            let name = payload.replace('\n', "%0A").replace('"', "");
            (
                format!(
                    "Content-Type: application/octet-stream\nContent-Disposition: attachment; filename=\"{name}.exe\"\n"
                ),
                b"MZ harmless\n".to_vec(),
            )
        })
        .collect();
    multipart(&subject, &parts)
}

fn deliver(site: &Site, h: &Hostile) -> Run {
    let local = format!("example-com-{}", h.ext);
    let env = qmail_env(&h.sender, &local, "example.com", &h.ext);
    site.run(&hostile_message(&marks(site)), &env, &[], Stdin::File)
}

fn marks(site: &Site) -> PathBuf {
    let m = site.dir().join("marks");
    fs::create_dir_all(&m).expect("mkdir marks");
    m
}

fn assert_nothing_ran(site: &Site) {
    let made = tree(&marks(site));
    assert!(made.is_empty(), "a payload ran: {made:?}");
    // Nor anywhere else qmvc or its children could have run it.
    for dir in [site.dir().to_path_buf(), site.dir().join("home")] {
        for entry in fs::read_dir(&dir).expect("read").flatten() {
            let n = entry.file_name().to_string_lossy().into_owned();
            assert!(!n.starts_with('p') || n == "profiles", "{n} in {dir:?}");
        }
    }
}

fn site_with_engines(profile: &str) -> Site {
    let site = recording_site(|s| {
        format!(
            "[guards]\nbadmail = [\"guard@example.com\"]\n\n{}\n{}",
            recording_engine(s, "perdir", &[], "{dir}"),
            recording_engine(s, "perfile", &[], "{file}")
        )
    });
    site.profile("default", profile);
    site
}

fn args(argv: &[Vec<u8>]) -> Vec<String> {
    argv.iter()
        .map(|a| String::from_utf8_lossy(a).into_owned())
        .collect()
}

#[test]
fn incident_reports_and_engines_get_hostile_values_as_plain_arguments() {
    let site = site_with_engines(
        "[scan]\nbypass = false\nmode = \"mutual\"\n\
         [reactions]\nguards = [\"badmail\"]\nrecipient = [\"badmail\"]\nsender = [\"badmail\"]\n",
    );
    let h = hostile(&marks(&site));
    let run = deliver(&site, &h);
    assert_eq!(run.code, 99, "{run:?}");
    assert_nothing_ran(&site);

    // Reports to the guard, the recipient (EXT@HOST) and the sender: each
    // address one argument after `--`, exactly as it came.
    let user = format!("{}@example.com", h.ext);
    let mut to: Vec<String> = injects(&site)
        .iter()
        .map(|(argv, _)| {
            let a = args(argv);
            assert_eq!(a.len(), 5, "{a:?}");
            assert_eq!(a[..4], ["-f", "", "-a", "--"], "{a:?}");
            a[4].clone()
        })
        .collect();
    to.sort();
    let mut expected = vec!["guard@example.com".to_string(), user, h.sender.clone()];
    expected.sort();
    assert_eq!(to, expected);
    // The payloads stay text in the reports' headers: no header line
    // starts with them.
    for (_, eml) in injects(&site) {
        let text = String::from_utf8_lossy(&eml);
        let head = text.split("\n\n").next().unwrap_or_default();
        for line in head.lines() {
            assert!(!line.trim_start().starts_with("touch"), "{line}");
        }
    }

    // Engines: one work path per run, never a name from the message.
    let scans = scans(&site);
    assert!(scans.len() >= 2);
    for scan in &scans {
        let a = args(&scan.argv);
        assert_eq!(a.len(), 2, "{a:?}");
        assert!(
            !a[1].contains("touch") && !a[1].contains('$') && !a[1].contains('`'),
            "{a:?}"
        );
    }
}

#[test]
fn forward_gets_only_the_configured_address() {
    let site = site_with_engines(
        "[actions]\nbadmail = \"forward\"\nforward_to = \"quarantine@example.com\"\n\
         [reactions]\nguards = []\nrecipient = []\nsender = []\n",
    );
    let h = hostile(&marks(&site));
    let run = deliver(&site, &h);
    assert_eq!(run.code, 99, "{run:?}");
    assert_nothing_ran(&site);
    let sent = injects(&site);
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(
        args(&sent[0].0),
        ["-f", "", "-a", "--", "quarantine@example.com"]
    );
    // The forwarded copy names the envelope in headers qmvc wrote, made
    // safe: the sender on one Return-Path line, no line from the payloads.
    let text = String::from_utf8_lossy(&sent[0].1);
    let first = text.lines().next().unwrap_or_default();
    assert!(first.starts_with("Return-Path: <`touch${IFS}"), "{first}");
    let head = text.split("\n\n").next().unwrap_or_default();
    assert!(head.lines().all(|l| !l.starts_with("touch")), "{head}");
}
