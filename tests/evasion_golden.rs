//! The evasion set: messages in `tests/data/evasion` that hide a banned
//! attachment name or the EICAR test string behind a reading of MIME some
//! mail client makes (each row of `expected.csv` names the technique, the
//! client behaviour and its source). Judged by `qmvc check --json` with
//! the embedded default configuration: without an engine, every banned
//! name is stopped; with a private clamd holding the EICAR and clam.exe
//! signatures, every EICAR is stopped too.

#[path = "support/clamd.rs"]
mod clamd;
mod support;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use clamd::{Clamd, standard_db};
use support::{QMVC, data};

/// Techniques the set must hold at least (the issue asks for 60).
const MIN_CASES: usize = 60;

/// One row of `expected.csv`.
struct Case {
    file: String,
    verdict: String,
    action: String,
    clamd: String,
    technique: String,
}

fn cases() -> Vec<Case> {
    let path = data("evasion/expected.csv");
    let text = fs::read_to_string(&path).expect("evasion/expected.csv");
    let body: String = text
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect();
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let cases: Vec<Case> = reader
        .records()
        .map(|r| {
            let r = r.expect("a well-formed row");
            let col = |i: usize| r.get(i).unwrap_or_default().to_owned();
            Case {
                file: col(0),
                verdict: col(1),
                action: col(2),
                clamd: col(3),
                technique: col(4),
            }
        })
        .collect();
    assert!(
        cases.len() >= MIN_CASES,
        "the evasion set holds only {} cases",
        cases.len()
    );
    for c in &cases {
        assert!(
            c.technique.len() > 20,
            "{}: no technique and source named",
            c.file
        );
    }
    cases
}

/// `qmvc check --json` over every case in one run: (file, verdict,
/// action, findings) per message.
fn judge(config: &Path, cases: &[Case]) -> Vec<(String, String, String, String)> {
    let dir = data("evasion");
    let out = Command::new(QMVC)
        .current_dir(&dir)
        .args([
            "check",
            "--json",
            "--sender",
            "mallory@example.net",
            "--recipient",
            "bob@example.com",
            "--config",
        ])
        .arg(config)
        .args(cases.iter().map(|c| c.file.as_str()))
        .env_remove("QMVC_CONFIG")
        .output()
        .expect("run qmvc check");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|line| {
            let v: serde_json::Value =
                serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
            let s = |k: &str| v[k].as_str().unwrap_or_default().to_owned();
            (
                s("file"),
                s("verdict"),
                s("action"),
                v["findings"].to_string(),
            )
        })
        .collect()
}

fn main_file(dir: &Path, engine: Option<&str>) -> PathBuf {
    let p = dir.join("qmvc.toml");
    let mut text = format!("[paths]\nprofiles = \"{}/profiles\"\n", dir.display());
    if let Some(server) = engine {
        text.push_str(&format!(
            "\n[[engine]]\nname = \"clamd\"\ntype = \"clamd\"\nservers = [\"{server}\"]\ntimeout = 30\n"
        ));
    }
    fs::write(&p, text).expect("write main file");
    p
}

/// Compares the verdicts with the expected column; panics listing every
/// difference.
fn check(
    cases: &[Case],
    got: &[(String, String, String, String)],
    expected: impl Fn(&Case) -> (String, Option<String>),
) {
    assert_eq!(got.len(), cases.len(), "one line per message");
    let mut failures = Vec::new();
    for (case, (file, verdict, action, findings)) in cases.iter().zip(got) {
        assert_eq!(&case.file, file);
        let (want, want_action) = expected(case);
        if *verdict != want || want_action.is_some_and(|a| a != *action) {
            failures.push(format!(
                "{file}: expected {want}, got {verdict}/{action} {findings} ({})",
                case.technique
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
    eprintln!("evasion: {} cases matched", cases.len());
}

#[test]
fn every_evasion_message_gets_its_expected_verdict() {
    let cases = cases();
    let dir = tempfile::tempdir().expect("tempdir");
    let got = judge(&main_file(dir.path(), None), &cases);
    check(&cases, &got, |c| {
        (c.verdict.clone(), Some(c.action.clone()))
    });
}

#[test]
#[ignore = "needs clamav-daemon and yara: run tools/install-test-deps"]
fn every_evasion_message_is_stopped_with_clamd() {
    let cases = cases();
    let eicar = cases.iter().filter(|c| c.clamd == "virus").count();
    assert!(eicar >= 10, "only {eicar} EICAR cases");
    let clamd = Clamd::start(standard_db().expect("test signatures")).expect("start clamd");
    let dir = tempfile::tempdir().expect("tempdir");
    let got = judge(&main_file(dir.path(), Some(&clamd.server())), &cases);
    check(&cases, &got, |c| (c.clamd.clone(), None));
    // Nothing of the set gets through: every case is taken out.
    for (file, verdict, action, _) in &got {
        assert!(
            ["virus", "badmail", "unchecked"].contains(&verdict.as_str()) && action != "pass",
            "{file}: {verdict}/{action}"
        );
    }
}
