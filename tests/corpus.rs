//! Real mail from `../shared/corpus` (third-party messages, read in place,
//! never copied into the repository): every message keeps the qmail-local
//! contract in filter mode, and `check --json` gives one valid JSON line per
//! phishing_pot message. Ignored in a plain `cargo test` (the corpus is not
//! part of a user's checkout); `tools/test` runs them when it is there.

mod support;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use qmvc::message::Anomaly;
use qmvc::rules::UNCHECKED_DESCRIPTION;
use qmvc::verdict::Condition;
use support::{QMVC, Site, corpus};

/// One message taking longer than this has hung (a bound, not a speed
/// test: the p99 is milliseconds).
const HANG: Duration = Duration::from_secs(10);

/// Every file under the corpus that is a message (or claims to be one):
/// everything but the `_ref/` folders, the expectation files and licences.
fn corpus_messages() -> Vec<PathBuf> {
    let root = corpus();
    assert!(root.is_dir(), "needs ../shared/corpus beside the checkout");
    let mut v: Vec<PathBuf> = walkdir::WalkDir::new(&root)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .filter(|p| {
            let s = p.to_string_lossy();
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            !s.contains("/_ref/")
                && !["csv", "md", "json", "rs"]
                    .iter()
                    .any(|e| name.ends_with(&format!(".{e}")))
                && !["LICENSE", "COPYING", "README", "gitattributes"].contains(&name)
        })
        .collect();
    v.sort();
    v
}

#[test]
#[ignore = "needs ../shared/corpus"]
fn every_corpus_message_passes_or_is_taken_out_in_filter_mode() {
    let site = Site::new("");
    let messages = corpus_messages();
    assert!(
        messages.len() > 2500,
        "only {} corpus messages found",
        messages.len()
    );
    // No engine: nothing may make qmvc defer on a writable disk.
    let config = std::fs::read_to_string(&site.config).expect("main file");
    assert!(!config.contains("[[engine]]"), "{config}");
    let mut codes: BTreeMap<i32, usize> = BTreeMap::new();
    let mut bad = Vec::new();
    for m in &messages {
        let raw = std::fs::read(m).expect("read corpus message");
        let started = Instant::now();
        let run = site.deliver(&raw, "sender@example.org", "user@example.com");
        let took = started.elapsed();
        *codes.entry(run.code).or_default() += 1;
        if took > HANG || run.stderr.contains("panicked") || run.stdout.contains("internal error") {
            bad.push(format!(
                "{}: {took:?}, exit {} {} {}",
                m.display(),
                run.code,
                run.stdout.trim(),
                run.stderr.trim()
            ));
        } else if run.code != 0 && run.code != 99 {
            bad.push(format!(
                "{}: {} {}",
                m.display(),
                run.code,
                run.stdout.trim()
            ));
        }
    }
    eprintln!(
        "filter mode over {} corpus messages: exit codes {codes:?}",
        messages.len()
    );
    assert!(
        bad.is_empty(),
        "{} messages broke the contract:\n{}",
        bad.len(),
        bad.join("\n")
    );
    assert_eq!(
        site.log_lines().len(),
        messages.len(),
        "one log line per message"
    );
}

#[test]
#[ignore = "needs ../shared/corpus"]
fn corpus_check_json_prints_one_valid_line_per_phishing_pot_message() {
    let dir = corpus().join("phishing_pot/email");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("phishing_pot/email")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    files.sort();
    assert_eq!(files.len(), 2000);
    let tmp = tempfile::tempdir().expect("tempdir");
    let config = tmp.path().join("qmvc.toml");
    std::fs::write(
        &config,
        format!(
            "[paths]\nprofiles = \"{}/profiles\"\n",
            tmp.path().display()
        ),
    )
    .expect("write");
    let out = Command::new(QMVC)
        .arg("check")
        .arg("--json")
        .arg("--config")
        .arg(&config)
        .args(&files)
        .output()
        .expect("run qmvc check");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let mut verdicts: BTreeMap<String, usize> = BTreeMap::new();
    let mut slowest = (0u64, String::new());
    let mut lines = 0;
    for line in text.lines() {
        let v: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        assert!(v.get("error").is_none(), "{line}");
        for key in [
            "file", "profile", "verdict", "action", "exit", "findings", "engines",
        ] {
            assert!(v.get(key).is_some(), "{key} missing: {line}");
        }
        *verdicts
            .entry(v["verdict"].as_str().unwrap_or("?").to_string())
            .or_default() += 1;
        let ms = v["ms"].as_u64().unwrap_or(0);
        if ms >= slowest.0 {
            slowest = (ms, v["file"].as_str().unwrap_or("").to_string());
        }
        lines += 1;
    }
    eprintln!(
        "check --json over phishing_pot: {lines} lines, verdicts {verdicts:?}, slowest {} ms: {}",
        slowest.0, slowest.1
    );
    assert_eq!(lines, 2000);
}

/// Every corpus message judged in-process under small limits, so that
/// real mail reaches them: never a deferral (no engine), and every limit
/// reached is an errormail finding (content past a limit never passes
/// unseen), whatever the profile.
#[test]
#[ignore = "needs ../shared/corpus"]
fn every_corpus_message_under_small_limits_reports_each_limit_reached() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path().display();
    let (config, problems) = qmvc::config::Config::parse(
        &format!(
            "[paths]\nlog = \"{d}/l\"\nreport = \"{d}/r\"\nquarantine = \"{d}/q\"\nworkdir = \"{d}/w\"\n\
             state = \"{d}/s\"\nprofiles = \"{d}/p\"\n[limits]\nmax_message_bytes = 65536\n\
             max_header_bytes = 512\nmax_depth = 3\nmax_parts = 8\nmax_decoded_bytes = 32768\n\
             max_uuencode_blocks = 1\n"
        ),
        "small.toml",
    );
    assert!(problems.is_empty(), "{problems:?}");
    std::fs::create_dir_all(tmp.path().join("p")).expect("profiles");
    // The errormail condition off: limits must be reported all the same.
    std::fs::write(
        tmp.path().join("p/default.toml"),
        "[conditions.errormail]\nenabled = false\n",
    )
    .expect("profile");
    let env = qmvc::envelope::Envelope::for_check("sender@example.org", "user@example.com");
    let mut reached: BTreeMap<String, usize> = BTreeMap::new();
    let messages = corpus_messages();
    for m in &messages {
        let raw = bytes::Bytes::from(std::fs::read(m).expect("read corpus message"));
        let judged = qmvc::app::pipeline::judge(&config, &env, &raw, false, chrono::Utc::now())
            .expect("profile loads");
        let code = judged.plan.exit.code();
        assert!([0, 99].contains(&code), "{}: exit {code}", m.display());
        let limits: Vec<&String> = judged
            .message
            .anomalies
            .iter()
            .filter_map(|a| match a {
                Anomaly::LimitExceeded { limit, .. } => Some(limit),
                _ => None,
            })
            .collect();
        let findings = judged
            .plan
            .findings
            .iter()
            // Parser limits concern the whole message (no part); what the
            // container step could not open inside an attachment names it.
            .filter(|f| {
                f.condition == Condition::Unchecked
                    && f.description == UNCHECKED_DESCRIPTION
                    && f.part.is_none()
            })
            .count();
        assert_eq!(findings, limits.len(), "{}", m.display());
        for l in limits {
            *reached.entry(l.clone()).or_default() += 1;
        }
    }
    eprintln!(
        "limits reached over {} corpus messages: {reached:?}",
        messages.len()
    );
    for limit in [
        "max_header_bytes",
        "max_depth",
        "max_parts",
        "max_decoded_bytes",
    ] {
        assert!(
            reached.contains_key(limit),
            "no corpus message reached {limit}"
        );
    }
}
