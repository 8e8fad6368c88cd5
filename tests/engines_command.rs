//! Command-line scanner presets: the commercial ones against stand-in
//! scripts in tests/standins/ (each prints its vendor's documented output
//! and exits with its documented codes), clamscan and yara for real.

mod support {
    pub mod chain;
    pub mod clamd;
    pub mod mime;
}

use std::path::Path;

use qmvc::engines::{EngineConfig, EngineKind, EngineResult, ScanPolicy, presets};
use qmvc::verdict::Condition;
use support::chain::{plain, run_one, with_attachment};
use support::clamd::{EICAR, standard_db};
use support::mime::message;

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// An engine using `preset`, its program replaced by `program` and its
/// documented arguments kept.
fn preset_engine(preset: &str, program: &str) -> EngineConfig {
    let mut e = EngineConfig::new(preset, EngineKind::Command);
    e.preset = Some(preset.into());
    let p = presets::find(preset).map(|p| p.command).unwrap_or_default();
    e.command = std::iter::once(program.to_string())
        .chain(p.iter().skip(1).map(|s| s.to_string()))
        .collect();
    e.timeout = Some(20);
    e
}

fn verdicts(engine: &EngineConfig, work: &Path) -> (EngineResult, EngineResult) {
    let infected = with_attachment("x.com", EICAR);
    let clean = plain(b"nothing to see");
    let policy = ScanPolicy::default();
    let first = |raw: &[u8]| {
        run_one(engine, &policy, raw, &message(raw), work)
            .reports
            .first()
            .map(|r| r.result.clone())
            .unwrap_or(EngineResult::Skipped("no report".into()))
    };
    (first(&infected), first(&clean))
}

#[test]
fn commercial_presets_read_their_vendors_output_and_exit_codes() -> TestResult {
    let standins = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/standins");
    let cases = [
        ("savscan", "savscan", "EICAR-AV-Test"),
        ("sweep", "savscan", "EICAR-AV-Test"),
        ("fsav", "fsav", "EICAR_Test_File"),
        ("uvscan", "uvscan", "EICAR test file"),
        ("vscan", "vscan", "Eicar_test_file"),
        ("inocucmd", "inocucmd", "EICAR"),
        ("eset", "odscan", "Eicar test file"),
        ("kaspersky", "kavscanner", "EICAR-Test-File"),
        ("drweb", "drweb", "EICAR Test File (NOT a Virus!)"),
        ("avast", "avast-scan", "EICAR Test-NOT virus!!!"),
        ("comodo", "cmdscan", "Malware"),
    ];
    let work = tempfile::tempdir()?;
    for (preset, standin, name) in cases {
        let engine = preset_engine(preset, &format!("{standins}/{standin}"));
        let (infected, clean) = verdicts(&engine, work.path());
        assert_eq!(infected, EngineResult::Virus(vec![name.into()]), "{preset}");
        assert_eq!(clean, EngineResult::Clean, "{preset}");
    }
    assert_eq!(
        std::fs::read_dir(work.path())?.count(),
        0,
        "work directories left"
    );
    Ok(())
}

#[test]
#[ignore = "needs clamav-daemon and yara: run tools/install-test-deps"]
fn yara_matches_only_on_a_rule() -> TestResult {
    let work = tempfile::tempdir()?;
    let rules = work.path().join("rules.yar");
    std::fs::write(
        &rules,
        "rule Eicar_Test { strings: $a = \"EICAR-STANDARD-ANTIVIRUS-TEST-FILE\" condition: $a }\n",
    )?;
    let scan_dir = work.path().join("work");
    let mut engine = EngineConfig::new("yara", EngineKind::Command);
    engine.preset = Some("yara".into());
    engine.command = [
        "yara",
        "--no-warnings",
        "--recursive",
        &rules.to_string_lossy(),
        "{dir}",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let (infected, clean) = verdicts(&engine, &scan_dir);
    assert_eq!(infected, EngineResult::Virus(vec!["Eicar_Test".into()]));
    assert_eq!(clean, EngineResult::Clean);
    Ok(())
}

#[test]
#[ignore = "needs clamav-daemon and yara: run tools/install-test-deps"]
fn clamscan_preset_with_a_private_database() -> TestResult {
    let work = tempfile::tempdir()?;
    let db = work.path().join("db");
    std::fs::create_dir(&db)?;
    for (name, content) in standard_db()? {
        std::fs::write(db.join(name), content)?;
    }
    let mut engine = preset_engine("clamscan", "clamscan");
    engine
        .command
        .insert(1, format!("--database={}", db.display()));
    let (infected, clean) = verdicts(&engine, &work.path().join("work"));
    assert_eq!(
        infected,
        EngineResult::Virus(vec!["Eicar.Test.UNOFFICIAL".into()])
    );
    assert_eq!(clean, EngineResult::Clean);
    Ok(())
}

#[test]
#[ignore = "needs clamav-daemon and yara: run tools/install-test-deps"]
fn clamscan_preset_says_when_it_stops_at_a_scan_limit() -> TestResult {
    // A few bytes in 24 layers of gzip (made by gzip): past clamscan's
    // recursion limit (17). Without --alert-exceeds-max clamscan stops
    // there without a word and exits 0; the preset asks it to say so,
    // and its limit alert is content not examined.
    let work = tempfile::tempdir()?;
    let db = work.path().join("db");
    std::fs::create_dir(&db)?;
    for (name, content) in standard_db()? {
        std::fs::write(db.join(name), content)?;
    }
    let mut data = b"deep inside\n".to_vec();
    for _ in 0..24 {
        let mut gzip = std::process::Command::new("gzip")
            .args(["-c", "-n"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()?;
        if let Some(mut stdin) = gzip.stdin.take() {
            std::io::Write::write_all(&mut stdin, &data)?;
        }
        data = gzip.wait_with_output()?.stdout;
    }
    let raw = with_attachment("deep.gz", &data);
    let mut engine = preset_engine("clamscan", "clamscan");
    engine
        .command
        .insert(1, format!("--database={}", db.display()));
    let out = run_one(
        &engine,
        &ScanPolicy::default(),
        &raw,
        &message(&raw),
        &work.path().join("work"),
    );
    assert!(
        out.findings
            .iter()
            .any(|f| f.condition == Condition::Unchecked
                && f.detail.contains("Heuristics.Limits.Exceeded")),
        "{:?} {:?}",
        out.reports,
        out.findings
    );
    Ok(())
}
