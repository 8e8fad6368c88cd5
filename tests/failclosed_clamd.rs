//! Fail closed through a real private clamd (tests/support/clamd.rs): what
//! clamd could not examine (its `StreamMaxLength`, its limit and encryption
//! heuristics) is `unchecked`, what fits is still sent, and EICAR nested
//! deeper than the parser walks is still caught. Every test has "clamd" in
//! its name: tools/test filters them out when clamd is missing.

#[path = "support/chain.rs"]
mod chain;
#[path = "support/clamd.rs"]
mod clamd;
mod support;

use std::process::Command;

use chain::base64;
use clamd::{Clamd, EICAR, Options, standard_db};
use serde_json::Value;
use support::{Site, admin, stdout};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// A site whose one engine is `clamd`.
fn site_with(clamd: &Clamd) -> Site {
    Site::new(&format!(
        "[[engine]]\nname = \"clamd\"\ntype = \"clamd\"\nservers = [\"{}\"]\ntimeout = 30\n",
        clamd.server()
    ))
}

/// `size` bytes of attachment content starting with `head`, the rest a
/// repeating pattern (not text, not compressible to nothing).
fn content(head: &[u8], size: usize) -> Vec<u8> {
    let mut v = head.to_vec();
    let mut x: u32 = 12345;
    while v.len() < size {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        v.push((x >> 16) as u8);
    }
    v
}

/// A message with a text part and one base64 attachment per `(name,
/// content)`.
fn message(attachments: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut m = String::from(
        "From: a@example.org\nTo: b@example.com\nSubject: files\n\
         Date: Sat, 28 Nov 2026 10:00:00 +0000\nMessage-ID: <f@example.org>\n\
         MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n\
         --b\nContent-Type: text/plain\n\nsee the files\n",
    );
    for (name, data) in attachments {
        m.push_str(&format!(
            "--b\nContent-Type: application/octet-stream\n\
             Content-Disposition: attachment; filename={name}\n\
             Content-Transfer-Encoding: base64\n\n{}\n",
            base64(data)
        ));
    }
    m.push_str("--b--\n");
    m.into_bytes()
}

/// Delivers `raw` and returns (exit code, `check --json` verdict).
fn judge(site: &Site, raw: &[u8]) -> (i32, String, Value) {
    let run = site.deliver(raw, "a@example.org", "b@example.com");
    let file = site.dir().join("m.eml");
    std::fs::write(&file, raw).expect("write message");
    let out = admin(site, &["check", "--json", &file.to_string_lossy()]);
    let json: Value = serde_json::from_str(stdout(&out).trim()).unwrap_or(Value::Null);
    let verdict = json["verdict"].as_str().unwrap_or_default().to_string();
    (run.code, verdict, json)
}

#[test]
#[ignore = "needs clamav-daemon and yara: run tools/install-test-deps"]
fn clamd_stream_limit_parts_that_fit_are_scanned_the_rest_is_unchecked() -> TestResult {
    let clamd = Clamd::start_with(Options {
        db: standard_db()?,
        stream_max_length: Some("1M".into()),
        ..Options::default()
    })?;
    let site = site_with(&clamd);
    let small_eicar = message(&[
        ("a.bin", content(EICAR, 500 << 10)),
        ("b.bin", content(b"", 2 << 20)),
        ("c.bin", content(b"", 500 << 10)),
    ]);
    let big_eicar = message(&[
        ("a.bin", content(b"", 500 << 10)),
        ("b.bin", content(EICAR, 2 << 20)),
        ("c.bin", content(b"", 500 << 10)),
    ]);
    let all_small = message(&[
        ("a.bin", content(b"", 700 << 10)),
        ("b.bin", content(b"", 700 << 10)),
        ("c.bin", content(b"", 700 << 10)),
    ]);
    assert!(small_eicar.len() > 3 << 20 && big_eicar.len() > 3 << 20);
    let (code, verdict, json) = judge(&site, &small_eicar);
    assert_eq!((code, verdict.as_str()), (99, "virus"), "{json}");
    let (code, verdict, json) = judge(&site, &big_eicar);
    assert_eq!((code, verdict.as_str()), (99, "unchecked"), "{json}");
    assert!(
        json.to_string().contains("part 3"),
        "names the part: {json}"
    );
    let line = site.log_lines().pop().unwrap_or_default();
    assert!(line.contains("+U:1+"), "{line}");
    // A message over the limit whose every part fits is examined in full.
    let (code, verdict, json) = judge(&site, &all_small);
    assert_eq!((code, verdict.as_str()), (0, "clean"), "{json}");
    Ok(())
}

#[test]
#[ignore = "needs clamav-daemon and yara: run tools/install-test-deps"]
fn clamd_eicar_nested_101_levels_is_not_clean() -> TestResult {
    let clamd = Clamd::start(standard_db()?)?;
    let site = site_with(&clamd);
    let mut inner = format!(
        "--n0\nContent-Type: application/octet-stream\n\
         Content-Disposition: attachment; filename=x.bin\n\n{}\n--n0--\n",
        String::from_utf8_lossy(EICAR)
    );
    for level in 1..101 {
        inner = format!(
            "--n{level}\nContent-Type: multipart/mixed; boundary=n{}\n\n{inner}--n{level}--\n",
            level - 1
        );
    }
    let raw = format!(
        "From: a@example.org\nTo: b@example.com\nSubject: deep\nMIME-Version: 1.0\n\
         Content-Type: multipart/mixed; boundary=n100\n\n{inner}"
    );
    let (code, verdict, json) = judge(&site, raw.as_bytes());
    assert_eq!(code, 99, "{json}");
    assert!(verdict == "virus" || verdict == "unchecked", "{json}");
    Ok(())
}

#[test]
#[ignore = "needs clamav-daemon and yara: run tools/install-test-deps"]
fn clamd_encrypted_archive_is_unchecked() -> TestResult {
    // zip(1) -P: an encrypted archive whose member is EICAR.
    let tmp = tempfile::tempdir()?;
    std::fs::write(tmp.path().join("eicar.com"), EICAR)?;
    let zip = Command::new("zip")
        .current_dir(tmp.path())
        .args(["-q", "-P", "secret", "e.zip", "eicar.com"])
        .status();
    if !zip.is_ok_and(|s| s.success()) {
        eprintln!("SKIPPED: zip(1) is missing (run tools/install-test-deps as root)");
        return Ok(());
    }
    let encrypted = std::fs::read(tmp.path().join("e.zip"))?;
    let clamd = Clamd::start_with(Options {
        db: standard_db()?,
        extra: vec!["AlertEncrypted yes".into()],
        ..Options::default()
    })?;
    let site = site_with(&clamd);
    // With qmvc's own archive reading off, the engine's answer alone
    // makes the message unchecked...
    site.profile("default", "[conditions.archives]\nenabled = false\n");
    let (code, verdict, json) = judge(&site, &message(&[("e.zip", encrypted.clone())]));
    assert_eq!((code, verdict.as_str()), (99, "unchecked"), "{json}");
    assert!(json.to_string().contains("Heuristics.Encrypted"), "{json}");
    // ...and with it on (the default), qmvc sees the encryption itself.
    site.profile("default", "");
    let (code, verdict, json) = judge(&site, &message(&[("e.zip", encrypted)]));
    assert_eq!((code, verdict.as_str()), (99, "unchecked"), "{json}");
    assert!(json.to_string().contains("encrypted"), "{json}");
    Ok(())
}

#[test]
#[ignore = "needs clamav-daemon and yara: run tools/install-test-deps"]
fn clamd_scan_limit_heuristic_is_unchecked() -> TestResult {
    // A file over clamd's MaxFileSize, with AlertExceedsMax.
    let clamd = Clamd::start_with(Options {
        db: standard_db()?,
        extra: vec!["MaxFileSize 100K".into(), "AlertExceedsMax yes".into()],
        ..Options::default()
    })?;
    let site = site_with(&clamd);
    let (code, verdict, json) = judge(&site, &message(&[("big.bin", content(b"", 300 << 10))]));
    assert_eq!((code, verdict.as_str()), (99, "unchecked"), "{json}");
    assert!(
        json.to_string().contains("Heuristics.Limits.Exceeded"),
        "{json}"
    );
    Ok(())
}

#[test]
#[ignore = "needs clamav-daemon and yara: run tools/install-test-deps"]
fn clamdscan_preset_sees_past_the_stream_limit() -> TestResult {
    let clamd = Clamd::start_with(Options {
        db: standard_db()?,
        stream_max_length: Some("1M".into()),
        ..Options::default()
    })?;
    let conf = clamd
        .socket
        .parent()
        .map(|d| d.join("clamd.conf"))
        .ok_or("no clamd directory")?;
    // The preset as shipped, only pointed at the private clamd's
    // configuration (clamdscan reads the socket path from it): its values
    // spelled out, since a preset and a command together are refused.
    let preset = qmvc::engines::presets::find("clamdscan").ok_or("no clamdscan preset")?;
    let mut argv: Vec<String> = preset.command.iter().map(|a| a.to_string()).collect();
    argv.insert(1, format!("--config-file={}", conf.display()));
    let site = Site::new(&format!(
        "[[engine]]\nname = \"cds\"\ntype = \"command\"\ncommand = {argv:?}\n\
         clean_exit = {:?}\nvirus_exit = {:?}\nunchecked_exit = {:?}\nvirus_regex = {:?}\n\
         unchecked_regex = {:?}\nmatch_is_virus = {}\ntimeout = 60\n",
        preset.clean_exit,
        preset.virus_exit,
        preset.unchecked_exit,
        preset.virus_regex,
        preset.unchecked_regex,
        preset.match_is_virus,
    ));
    // EICAR 2 MiB into a file: past the stream limit.
    let mut late = content(b"", 2 << 20);
    late.extend_from_slice(EICAR);
    let (code, verdict, json) = judge(&site, &message(&[("late.bin", late)]));
    assert_eq!((code, verdict.as_str()), (99, "virus"), "{json}");
    let (code, verdict, json) = judge(&site, &message(&[("big.bin", content(b"", 2 << 20))]));
    assert_eq!((code, verdict.as_str()), (0, "clean"), "{json}");
    Ok(())
}

/// An archive made by `tool` (`zip` or `gzip`) in `dir` from one file of
/// `size` zero bytes with EICAR at its end, past any 1 MiB cut.
fn packed(
    dir: &std::path::Path,
    tool: &str,
    size: usize,
) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
    let mut data = vec![0u8; size];
    data.extend_from_slice(EICAR);
    let file = dir.join("data.bin");
    std::fs::write(&file, &data)?;
    let out = match tool {
        "zip" => {
            let out = dir.join("data.zip");
            let ok = Command::new("zip")
                .current_dir(dir)
                .args(["-q", "-9", "data.zip", "data.bin"])
                .status()?
                .success();
            assert!(ok, "zip failed");
            out
        }
        _ => {
            let ok = Command::new("gzip")
                .args(["-9", "-k", "-f"])
                .arg(&file)
                .status()?
                .success();
            assert!(ok, "gzip failed");
            dir.join("data.bin.gz")
        }
    };
    Ok(std::fs::read(out)?)
}

#[test]
#[ignore = "needs clamav-daemon and yara: run tools/install-test-deps"]
fn clamd_members_over_max_file_size_are_unchecked_whether_clamd_alerts_or_not() -> TestResult {
    // clamd with MaxFileSize 1M: a zip member or a gzip content of 2 MiB
    // is cut or skipped, and clamd answers OK (without AlertExceedsMax,
    // and for a zip member even with it). qmvc knows the sizes from the
    // containers: unchecked, naming the member.
    let work = tempfile::tempdir()?;
    let zip = packed(work.path(), "zip", 2 << 20)?;
    let gz = packed(work.path(), "gzip", 2 << 20)?;
    assert!(
        zip.len() < 100 << 10 && gz.len() < 100 << 10,
        "small to send"
    );
    for alert in ["no", "yes"] {
        let clamd = Clamd::start_with(Options {
            db: standard_db()?,
            extra: vec!["MaxFileSize 1M".into(), format!("AlertExceedsMax {alert}")],
            ..Options::default()
        })?;
        let site = Site::new(&format!(
            "[[engine]]\nname = \"clamd\"\ntype = \"clamd\"\nservers = [\"{}\"]\ntimeout = 30\n\
             max_file_size = 1048576\n",
            clamd.server()
        ));
        for (name, data) in [("figures.zip", &zip), ("data.bin.gz", &gz)] {
            let raw = message(&[(name, data.clone())]);
            let (code, verdict, json) = judge(&site, &raw);
            assert_eq!(
                (code, verdict.as_str()),
                (99, "unchecked"),
                "{name}, AlertExceedsMax {alert}: {json}"
            );
            assert!(
                json.to_string()
                    .contains("(2097220 bytes) over max_file_size 1048576"),
                "{name}: names the member and the limit: {json}"
            );
        }
    }
    Ok(())
}

#[test]
#[ignore = "needs clamav-daemon and yara: run tools/install-test-deps"]
fn clamd_probe_warns_when_clamd_does_not_alert_at_its_limits() -> TestResult {
    // `config check --probe` sends clamd a few bytes in 64 layers of gzip:
    // past MaxRecursion, clamd without AlertExceedsMax answers OK, and
    // the probe says what that costs and what to set.
    for alert in ["no", "yes"] {
        let clamd = Clamd::start_with(Options {
            db: standard_db()?,
            extra: vec![format!("AlertExceedsMax {alert}")],
            ..Options::default()
        })?;
        let site = site_with(&clamd);
        let out = admin(&site, &["config", "check", "--probe"]);
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        let stdout = stdout(&out);
        assert!(out.status.success(), "{stdout}{stderr}");
        assert!(stdout.contains("engine clamd: ok"), "{stdout}");
        let warned = stderr.contains("`AlertExceedsMax yes`") && stderr.contains("passes as clean");
        assert_eq!(warned, alert == "no", "AlertExceedsMax {alert}: {stderr}");
    }
    Ok(())
}

#[test]
#[ignore = "needs clamav-daemon and yara: run tools/install-test-deps"]
fn clamd_members_adding_up_past_max_scan_size_are_unchecked() -> TestResult {
    // clamd with MaxScanSize 1M and no AlertExceedsMax: it extracts the
    // first members of a zip, stops, and answers OK. Three members of
    // 600 KiB (EICAR at the end of the last) add up past it.
    let work = tempfile::tempdir()?;
    for i in 0..3 {
        let mut data: Vec<u8> = content(&[i], 600 << 10)
            .iter()
            .map(|b| b'a' + b % 26)
            .collect();
        if i == 2 {
            data.extend_from_slice(EICAR);
        }
        std::fs::write(work.path().join(format!("f{i}.txt")), data)?;
    }
    let ok = Command::new("zip")
        .current_dir(work.path())
        .args(["-q", "-9", "files.zip", "f0.txt", "f1.txt", "f2.txt"])
        .status()?
        .success();
    assert!(ok, "zip failed");
    let zip = std::fs::read(work.path().join("files.zip"))?;
    let clamd = Clamd::start_with(Options {
        db: standard_db()?,
        extra: vec!["MaxScanSize 1M".into(), "AlertExceedsMax no".into()],
        ..Options::default()
    })?;
    let site = Site::new(&format!(
        "[[engine]]\nname = \"clamd\"\ntype = \"clamd\"\nservers = [\"{}\"]\ntimeout = 30\n\
         max_scan_size = 1048576\n",
        clamd.server()
    ));
    let (code, verdict, json) = judge(&site, &message(&[("files.zip", zip)]));
    assert_eq!((code, verdict.as_str()), (99, "unchecked"), "{json}");
    assert!(
        json.to_string().contains("over max_scan_size 1048576"),
        "names the limit: {json}"
    );
    Ok(())
}
