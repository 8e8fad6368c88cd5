//! The golden set: messages the team wrote in `tests/data`, each with its
//! expected verdict and action in `tests/data/expected.csv`, judged by
//! `qmvc check --json` with the embedded default configuration.

mod support;

use std::fs;
use std::process::Command;

use support::{QMVC, data};

#[test]
fn every_test_message_gets_its_expected_verdict() {
    let expected = fs::read_to_string(data("expected.csv")).expect("expected.csv");
    let cases: Vec<(&str, &str, &str)> = expected
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let mut it = l.split(',');
            Some((it.next()?, it.next()?, it.next()?))
        })
        .collect();
    assert!(
        cases.len() >= 10,
        "the golden set ran only {} cases",
        cases.len()
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let mut failures = Vec::new();
    for (file, verdict, action) in &cases {
        let out = Command::new(QMVC)
            .args([
                "check",
                "--json",
                "--sender",
                "alice@example.org",
                "--recipient",
                "bob@example.com",
            ])
            .arg(data(file))
            .env_remove("QMVC_CONFIG")
            // No /etc/qmvc here either: an explicit empty main file means
            // "all defaults" without depending on the machine.
            .arg("--config")
            .arg(empty_config(dir.path()))
            .output()
            .expect("run qmvc check");
        let line = String::from_utf8_lossy(&out.stdout);
        let v: serde_json::Value =
            serde_json::from_str(line.trim()).unwrap_or_else(|e| panic!("{file}: {e}: {line}"));
        if v["verdict"] != *verdict || v["action"] != *action {
            failures.push(format!(
                "{file}: expected {verdict}/{action}, got {}/{} {}",
                v["verdict"], v["action"], v["findings"]
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} wrong:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    eprintln!("golden: {} cases matched", cases.len());
}

fn empty_config(dir: &std::path::Path) -> std::path::PathBuf {
    let p = dir.join("qmvc.toml");
    let _ = fs::write(
        &p,
        format!("[paths]\nprofiles = \"{}/profiles\"\n", dir.display()),
    );
    p
}
