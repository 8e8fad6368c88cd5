//! Attacker-chosen names never become paths: attachment names (plain,
//! absolute, traversal, NUL, very long, RFC 2231, RFC 2047, uuencode) as
//! seen by a recording command engine; the recipient domain that chooses a
//! profile; and `qmvc cleanup` in a work directory where links were
//! planted.

mod security_support;
mod support;

use std::fs;
use std::path::Path;

use security_support::{multipart, recording_engine, recording_site, scans, tree};
use support::{QMVC, Site, Stdin, qmail_env};

/// In every hostile name, so that anything created from one can be found.
const TOKEN: &str = "qmvcsecTOKEN";

/// Attachments whose names try to leave the work directory, each with a
/// harmless body.
fn hostile_parts() -> Vec<(String, Vec<u8>)> {
    let long = format!("{}{TOKEN}-long.txt", "x".repeat(5000));
    let names: Vec<String> = vec![
        format!("Content-Type: text/plain; name=\"../../{TOKEN}-a\"\n"),
        format!("Content-Disposition: attachment; filename=\"/tmp/{TOKEN}-abs\"\n"),
        format!("Content-Disposition: attachment; filename=\"a/../../{TOKEN}-b\"\n"),
        "Content-Disposition: attachment; filename=\"..\"\n".to_string(),
        "Content-Disposition: attachment; filename=\".\"\n".to_string(),
        format!("Content-Disposition: attachment; filename*=UTF-8''..%2F..%2F{TOKEN}-c%00.txt\n"),
        format!(
            "Content-Disposition: attachment;\n filename*0*=UTF-8''..%2F..;\n filename*1=\"/{TOKEN}-d\"\n"
        ),
        // RFC 2047: "../../qmvcsecTOKEN-e" in base64.
        "Content-Disposition: attachment; filename=\"=?UTF-8?B?Li4vLi4vcW12Y3NlY1RPS0VOLWU=?=\"\n"
            .to_string(),
        format!("Content-Disposition: attachment; filename=\"..\\\\..\\\\{TOKEN}-f\"\n"),
        format!("Content-Disposition: attachment; filename=\"{long}\"\n"),
    ];
    let mut parts: Vec<(String, Vec<u8>)> = names
        .into_iter()
        .map(|h| {
            let h = if h.starts_with("Content-Type") {
                h
            } else {
                format!("Content-Type: application/octet-stream\n{h}")
            };
            (h, b"harmless content\n".to_vec())
        })
        .collect();
    // A uuencoded file in a text part: `begin 644 ../../TOKEN-g`.
    parts.push((
        "Content-Type: text/plain\n".into(),
        format!("see attached\n\nbegin 644 ../../{TOKEN}-g\n#:&D*\n`\nend\n").into_bytes(),
    ));
    parts
}

/// True when a made-up work file name: `message-NNNN.eml`, `part-NNNN.bin`.
fn made_up(name: &str) -> bool {
    let ok = |prefix: &str, ext: &str| {
        name.strip_prefix(prefix)
            .and_then(|r| r.strip_suffix(ext))
            .is_some_and(|n| n.len() == 4 && n.bytes().all(|b| b.is_ascii_digit()))
    };
    ok("message-", ".eml") || ok("part-", ".bin")
}

fn anything_named_token(root: &Path) -> Vec<String> {
    tree(root)
        .into_iter()
        .map(|p| p.display().to_string())
        .filter(|p| p.contains(TOKEN))
        .collect()
}

#[test]
fn attachment_names_never_become_paths() {
    let site = recording_site(|s| {
        format!(
            "{}\n{}",
            recording_engine(s, "perdir", &[], "{dir}"),
            recording_engine(s, "perfile", &[], "{file}")
        )
    });
    // Every engine runs, whatever the rules say.
    site.profile(
        "default",
        "[scan]\nbypass = false\nmode = \"mutual\"\n[conditions.filename]\nenabled = false\n",
    );
    let before: Vec<_> = tree(site.dir()).into_iter().collect();
    let message = multipart("names", &hostile_parts());
    let run = site.deliver(&message, "a@example.org", "bob@example.com");
    assert!(run.code == 0 || run.code == 99, "{run:?}");
    assert!(
        site.log_lines()[0].contains("|perdir=C+perfile=C|"),
        "both engines ran: {:?}",
        site.log_lines()
    );

    let work = site.dir().join("work");
    let scans = scans(&site);
    assert!(scans.len() >= 2, "{scans:?}");
    let mut files_seen = 0;
    for scan in &scans {
        // argv: ROOT, then one target, a path qmvc made up.
        assert_eq!(scan.argv.len(), 2, "{scan:?}");
        let target = String::from_utf8(scan.argv[1].clone()).expect("utf-8 target");
        let rel = Path::new(&target)
            .strip_prefix(&work)
            .unwrap_or_else(|_| panic!("{target} outside {}", work.display()));
        let parts: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        assert!(parts[0].starts_with("qmvc-"), "{target}");
        assert!(parts[1].starts_with('v'), "{target}");
        if let Some(name) = parts.get(2) {
            assert!(made_up(name), "{target}");
            assert_eq!(parts.len(), 3, "{target}");
        }
        // Everything that existed under [paths].workdir while it ran.
        for e in &scan.tree {
            assert!(!e.path.contains(TOKEN), "{e:?}");
            let rel = Path::new(&e.path).strip_prefix(&work).expect("under work");
            let depth = rel.components().count();
            let name = rel
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            match (depth, e.kind) {
                (0, 'd') => {}
                (1, 'd') => assert!(name.starts_with("qmvc-"), "{e:?}"),
                (2, 'd') => assert!(name.starts_with('v'), "{e:?}"),
                (3, 'f') => {
                    assert!(made_up(&name), "{e:?}");
                    files_seen += 1;
                }
                _ => panic!("unexpected entry {e:?}"),
            }
        }
    }
    // The eleven attachments were written (as part files) for the engines.
    assert!(files_seen >= 11, "{files_seen}");

    // Nothing appeared outside: the work directory is gone, the site holds
    // only what qmvc writes, and no file bears the token in the site, its
    // parent or /.
    assert!(tree(&work).is_empty(), "{:?}", tree(&work));
    let after: Vec<_> = tree(site.dir())
        .into_iter()
        .filter(|p| !before.contains(p))
        .filter(|p| {
            let rel = p.strip_prefix(site.dir()).expect("in site");
            !["log", "quarantine", "rec", "work", "state"]
                .iter()
                .any(|top| rel.starts_with(top))
        })
        .collect();
    assert!(after.is_empty(), "{after:?}");
    assert!(anything_named_token(site.dir()).is_empty());
    for dir in [site.dir().parent().expect("parent"), Path::new("/")] {
        let hits: Vec<_> = fs::read_dir(dir)
            .expect("read dir")
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().contains(TOKEN))
            .collect();
        assert!(hits.is_empty(), "{hits:?}");
    }
}

#[test]
fn recipient_domain_never_becomes_a_profile_path() {
    let site = Site::new("");
    // A profile outside the profile directory that passes everything: used,
    // it would let the .exe through (exit 0).
    let lax = "[actions]\nbadmail = \"pass\"\n";
    fs::write(site.dir().join("evil.toml"), lax).expect("write");
    fs::create_dir_all(site.dir().join("etc")).expect("mkdir");
    fs::write(site.dir().join("etc/x.toml"), lax).expect("write");
    let exe = fs::read(support::data("badmail-exe.eml")).expect("read");
    for host in [
        "../evil",
        "..",
        ".",
        "../../etc/x",
        "../etc/x",
        "/etc/x",
        "profiles/../../evil",
        "..%2Fevil",
        "evil/..",
        "",
    ] {
        let env = qmail_env("a@example.org", "bob", host, "");
        let run = site.run(&exe, &env, &[], Stdin::File);
        assert_eq!(run.code, 99, "{host:?}: {run:?}");
        let log = site.log_lines();
        let line = log.last().expect("log line");
        assert_eq!(line.split('|').nth(4), Some("default"), "{host:?}: {line}");
    }
    // The check command takes the domain from --recipient the same way.
    let out = std::process::Command::new(QMVC)
        .args(["--config"])
        .arg(&site.config)
        .args(["check", "--json", "--recipient", "bob@../evil"])
        .arg(support::data("badmail-exe.eml"))
        .output()
        .expect("run check");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("\"profile\":\"default\""), "{text}");
}

#[test]
fn cleanup_never_follows_links_planted_in_the_work_directory() {
    let site = Site::new("");
    let work = site.dir().join("work");
    let victim = site.dir().join("victim");
    fs::create_dir_all(&victim).expect("mkdir");
    fs::write(victim.join("keep"), b"x").expect("write");
    fs::create_dir_all(&work).expect("mkdir");
    // A link with a work directory's name, and a real (stale) work
    // directory holding a link to the victim.
    std::os::unix::fs::symlink(&victim, work.join("qmvc-1-2-link")).expect("symlink");
    // Its PID is past Linux's largest pid_max (2^22): no live process can
    // hold it, so the directory is stale however young.
    let stale = work.join("qmvc-4194305-2-00000000");
    fs::create_dir_all(&stale).expect("mkdir");
    std::os::unix::fs::symlink(&victim, stale.join("v0")).expect("symlink");
    let out = std::process::Command::new(QMVC)
        .arg("--config")
        .arg(&site.config)
        .args(["cleanup", "--older-than", "0s"])
        .output()
        .expect("run cleanup");
    assert!(out.status.success(), "{out:?}");
    assert!(!stale.exists(), "the stale work directory is removed");
    assert!(victim.join("keep").exists(), "what a link points at stays");
    assert!(
        work.join("qmvc-1-2-link").symlink_metadata().is_ok(),
        "a link is not a work directory: left alone"
    );
}
