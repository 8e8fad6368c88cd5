//! The chain: bypass, noscan_types, first/mutual, on_error defer/pass,
//! backups, oversize and heuristics policies, the work directory; and the
//! task's "done when" cases through a real private clamd.

mod support {
    pub mod chain;
    pub mod clamd;
    pub mod mime;
}

use std::path::Path;

use qmvc::engines::{
    ChainMode, EngineResult, HeuristicPolicy, OnError, Oversize, ScanInput, ScanPolicy,
};
use qmvc::message::Message;
use qmvc::verdict::{Condition, Finding};
use support::chain::{
    clamd_engine, command_engine, eicar_messages, plain, results, run, run_one, with_attachment,
};
use support::clamd::{Clamd, EICAR, clam_exe_hdb, eicar_ndb, standard_db};
use support::mime::message;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn virus(names: &[&str]) -> EngineResult {
    EngineResult::Virus(names.iter().map(|s| s.to_string()).collect())
}

fn is_error(r: &EngineResult) -> bool {
    matches!(r, EngineResult::Error(_))
}

/// A command engine that reports a virus when any file holds EICAR.
fn grep_engine(name: &str) -> qmvc::engines::EngineConfig {
    command_engine(
        name,
        &[
            "sh",
            "-c",
            "grep -rlq 'EICAR-STANDARD-ANTIVIRUS-TEST-FILE' \"$1\" && { echo VIRUS Grep.Eicar; exit 1; }; exit 0",
            "sh",
            "{dir}",
        ],
    )
}

#[test]
fn bypass_skips_every_engine_and_none_runs() -> TestResult {
    let work = tempfile::tempdir()?;
    let marker = work.path().join("ran");
    let touch = format!("touch {}", marker.display());
    let engines = [
        command_engine("marker", &["sh", "-c", &touch, "sh", "{dir}"]),
        grep_engine("grep"),
    ];
    let raw = with_attachment("a.exe", EICAR);
    let badmail = Finding {
        condition: Condition::Filename,
        part: Some("2".into()),
        detail: "a.exe".into(),
        description: "executable".into(),
    };
    let policy = ScanPolicy::default();
    let out = run(
        &engines,
        &policy,
        &raw,
        &message(&raw),
        std::slice::from_ref(&badmail),
        work.path(),
    );
    for (name, result) in results(&out) {
        assert!(
            matches!(&result, EngineResult::Skipped(why) if why.starts_with("bypass")),
            "{name}: {result:?}"
        );
    }
    assert_eq!(out.reports.len(), 2);
    assert!(!marker.exists(), "an engine ran despite bypass");
    assert!(!out.unscanned);
    // An errormail finding is not badmail: the engines run.
    let errormail = Finding {
        condition: Condition::Errormail,
        ..badmail.clone()
    };
    let out = run(
        &engines,
        &policy,
        &raw,
        &message(&raw),
        &[errormail],
        work.path(),
    );
    assert_eq!(
        out.reports.get(1).map(|r| r.result.clone()),
        Some(virus(&["Grep.Eicar"]))
    );
    // bypass off: they run even after badmail.
    let policy = ScanPolicy {
        bypass: false,
        ..ScanPolicy::default()
    };
    let out = run(
        &engines,
        &policy,
        &raw,
        &message(&raw),
        &[badmail],
        work.path(),
    );
    assert!(marker.exists());
    assert_eq!(
        out.reports.get(1).map(|r| r.result.clone()),
        Some(virus(&["Grep.Eicar"]))
    );
    Ok(())
}

#[test]
fn noscan_types_skip_text_only_mail() -> TestResult {
    let work = tempfile::tempdir()?;
    let engines = [grep_engine("grep")];
    let policy = ScanPolicy {
        noscan_types: vec!["text/plain".into()],
        ..ScanPolicy::default()
    };
    let raw = plain(b"just words");
    let out = run(&engines, &policy, &raw, &message(&raw), &[], work.path());
    assert!(
        matches!(out.reports.first().map(|r| &r.result), Some(EngineResult::Skipped(w)) if w.starts_with("noscan_types"))
    );
    // An attachment of another type: the engines run.
    let raw = with_attachment("x.bin", EICAR);
    let out = run(&engines, &policy, &raw, &message(&raw), &[], work.path());
    assert_eq!(
        out.reports.first().map(|r| r.result.clone()),
        Some(virus(&["Grep.Eicar"]))
    );
    // A text/plain part a client opens as something else by its name (a
    // browser renders invoice.html, Outlook opens fwd.eml as a message),
    // and one whose content is not recognised at all: the engines run.
    for name in ["invoice.html", "fwd.eml", "notes"] {
        let raw = format!(
            "From: a@example.org\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n\
             --b\r\nContent-Type: text/plain\r\n\r\nhi\r\n\
             --b\r\nContent-Type: text/plain; name=\"{name}\"\r\n\r\n{}\r\n--b--\r\n",
            String::from_utf8_lossy(EICAR)
        )
        .into_bytes();
        let out = run(&engines, &policy, &raw, &message(&raw), &[], work.path());
        assert_eq!(
            out.reports.first().map(|r| r.result.clone()),
            Some(virus(&["Grep.Eicar"])),
            "{name}"
        );
    }
    let mut binary = b"From: a@example.org\r\nContent-Type: text/plain\r\n\r\n".to_vec();
    binary.extend_from_slice(&[0x00, 0x9f, 0x92, 0x96, 0x01, 0x02, 0x03, 0xff]);
    binary.extend_from_slice(EICAR);
    let out = run(
        &engines,
        &policy,
        &binary,
        &message(&binary),
        &[],
        work.path(),
    );
    assert_eq!(
        out.reports.first().map(|r| r.result.clone()),
        Some(virus(&["Grep.Eicar"])),
        "unrecognised content"
    );
    // A named part whose name opens as the listed type still skips.
    let raw = b"From: a@example.org\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; name=\"notes.txt\"\r\n\r\njust words\r\n".to_vec();
    let out = run(&engines, &policy, &raw, &message(&raw), &[], work.path());
    assert!(
        matches!(out.reports.first().map(|r| &r.result), Some(EngineResult::Skipped(w)) if w.starts_with("noscan_types")),
        "{:?}",
        out.reports
    );
    // No parts known (parser found none): never skipped on noscan_types.
    let raw = plain(EICAR);
    let out = run(
        &engines,
        &policy,
        &raw,
        &Message::default(),
        &[],
        work.path(),
    );
    assert_eq!(
        out.reports.first().map(|r| r.result.clone()),
        Some(virus(&["Grep.Eicar"]))
    );
    Ok(())
}

#[test]
fn first_stops_at_a_virus_mutual_runs_all() -> TestResult {
    let work = tempfile::tempdir()?;
    let engines = [grep_engine("one"), grep_engine("two")];
    let raw = with_attachment("x.bin", EICAR);
    let msg = message(&raw);
    let out = run(
        &engines,
        &ScanPolicy::default(),
        &raw,
        &msg,
        &[],
        work.path(),
    );
    assert_eq!(
        out.reports.first().map(|r| r.result.clone()),
        Some(virus(&["Grep.Eicar"]))
    );
    assert!(matches!(
        out.reports.get(1).map(|r| &r.result),
        Some(EngineResult::Skipped(_))
    ));
    let mutual = ScanPolicy {
        mode: ChainMode::Mutual,
        ..ScanPolicy::default()
    };
    let out = run(&engines, &mutual, &raw, &msg, &[], work.path());
    assert_eq!(
        results(&out),
        vec![
            ("one".into(), virus(&["Grep.Eicar"])),
            ("two".into(), virus(&["Grep.Eicar"]))
        ]
    );
    Ok(())
}

#[test]
fn failures_defer_by_default_pass_when_asked_and_backups_take_over() -> TestResult {
    let work = tempfile::tempdir()?;
    let broken = command_engine(
        "broken",
        &["sh", "-c", "echo dead >&2; exit 2", "sh", "{dir}"],
    );
    let raw = with_attachment("x.bin", EICAR);
    let msg = message(&raw);
    // Default: defer.
    let out = run_one(&broken, &ScanPolicy::default(), &raw, &msg, work.path());
    assert!(out.unscanned);
    assert!(
        matches!(out.reports.first().map(|r| &r.result), Some(EngineResult::Error(e)) if e.contains("dead"))
    );
    // pass: logged error, not unscanned.
    let pass = ScanPolicy {
        on_error: OnError::Pass,
        ..ScanPolicy::default()
    };
    let out = run_one(&broken, &pass, &raw, &msg, work.path());
    assert!(!out.unscanned);
    assert!(out.reports.first().is_some_and(|r| is_error(&r.result)));
    // A backup answers when every primary failed; it is not a primary.
    let engines = [broken.clone(), grep_engine("backup")];
    let with_backup = ScanPolicy {
        backup: vec!["backup".into()],
        ..ScanPolicy::default()
    };
    let out = run(&engines, &with_backup, &raw, &msg, &[], work.path());
    assert!(!out.unscanned);
    assert_eq!(
        out.reports.get(1).map(|r| r.result.clone()),
        Some(virus(&["Grep.Eicar"]))
    );
    // Only backups configured: they are the chain (else nothing would
    // ever scan), and their failure counts as a primary's.
    let only = [grep_engine("backup")];
    let out = run(&only, &with_backup, &raw, &msg, &[], work.path());
    assert_eq!(
        out.reports.first().map(|r| r.result.clone()),
        Some(virus(&["Grep.Eicar"]))
    );
    let only_broken = [command_engine(
        "backup",
        &["sh", "-c", "echo dead >&2; exit 2", "sh", "{dir}"],
    )];
    let out = run(&only_broken, &with_backup, &raw, &msg, &[], work.path());
    assert!(out.unscanned);
    // The backup is not needed when the primary answers.
    let engines = [grep_engine("primary"), grep_engine("backup")];
    let out = run(&engines, &with_backup, &raw, &msg, &[], work.path());
    assert!(
        matches!(out.reports.get(1).map(|r| &r.result), Some(EngineResult::Skipped(w)) if w.contains("backup"))
    );
    // One of two primaries failing still defers: every engine must answer.
    let engines = [broken.clone(), grep_engine("ok")];
    let mutual = ScanPolicy {
        mode: ChainMode::Mutual,
        ..ScanPolicy::default()
    };
    let clean = plain(b"hello");
    let out = run(
        &engines,
        &mutual,
        &clean,
        &message(&clean),
        &[],
        work.path(),
    );
    assert!(out.unscanned);
    // An engine the profile names but the main file lacks is a failure.
    let missing = ScanPolicy {
        engines: vec!["nonesuch".into()],
        ..ScanPolicy::default()
    };
    let out = run(
        &engines,
        &missing,
        &clean,
        &message(&clean),
        &[],
        work.path(),
    );
    assert!(out.unscanned && out.reports.first().is_some_and(|r| is_error(&r.result)));
    Ok(())
}

#[test]
fn oversize_follows_its_policy() -> TestResult {
    let work = tempfile::tempdir()?;
    let raw = with_attachment("x.bin", EICAR);
    let msg = message(&raw);
    let mut engine = grep_engine("small");
    engine.max_size = Some(10);
    assert_eq!(engine.oversize, Oversize::Unchecked, "the default");
    for (policy, check) in [
        (Oversize::Skip, "skip"),
        (Oversize::Error, "error"),
        (Oversize::Errormail, "errormail"),
        (Oversize::Unchecked, "unchecked"),
    ] {
        engine.oversize = policy;
        let out = run_one(&engine, &ScanPolicy::default(), &raw, &msg, work.path());
        let result = out.reports.first().map(|r| r.result.clone());
        match check {
            "skip" => {
                assert!(
                    matches!(result, Some(EngineResult::Skipped(ref w)) if w.starts_with("oversize")),
                    "{result:?}"
                );
                assert!(!out.unscanned && out.findings.is_empty());
            }
            "error" => assert!(
                out.unscanned && result.as_ref().is_some_and(is_error),
                "{result:?}"
            ),
            finding => {
                assert_eq!(
                    out.findings.first().map(|f| f.condition.name()),
                    Some(finding)
                );
                assert!(!out.unscanned);
            }
        }
    }
    Ok(())
}

#[test]
fn an_engine_without_a_size_limit_never_gets_another_engines_cut_down_files() -> TestResult {
    // "small" refuses the whole message and the large attachment: it gets
    // the skeleton, the text part and the small attachment (3 files).
    // "big" has no limit: the whole message, the small and the large
    // attachment (3 files too). Same count, other files: big must get its
    // own, with the virus in the large attachment.
    let work = tempfile::tempdir()?;
    let mut large = vec![b'A'; 4000];
    large.extend_from_slice(EICAR);
    let raw = format!(
        "From: a@example.org\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n\
         --b\r\nContent-Type: text/plain\r\n\r\nhello\r\n\
         --b\r\nContent-Type: application/pdf; name=small.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n\
         --b\r\nContent-Type: application/pdf; name=big.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n\
         --b--\r\n",
        support::chain::base64(b"%PDF-1.4 small"),
        support::chain::base64(&large),
    )
    .into_bytes();
    let msg = message(&raw);
    let mut small = grep_engine("small");
    small.max_size = Some(1000);
    small.oversize = Oversize::Skip;
    let big = grep_engine("big");
    let out = run(
        &[small, big],
        &ScanPolicy::default(),
        &raw,
        &msg,
        &[],
        work.path(),
    );
    assert_eq!(
        results(&out),
        vec![
            ("small".to_string(), EngineResult::Clean),
            ("big".to_string(), virus(&["Grep.Eicar"])),
        ]
    );
    Ok(())
}

#[test]
fn segments_left_out_are_unchecked_whatever_oversize_says() -> TestResult {
    // More MIME segments than qmvc sends: the rest is content no engine
    // was given, not content too large, so `oversize = "skip"` (which
    // only accepts size) must not silence it.
    let work = tempfile::tempdir()?;
    let mut raw = b"From: a@example.org\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n".to_vec();
    for i in 0..1100 {
        raw.extend_from_slice(
            format!("--b\r\nContent-Type: text/plain\r\n\r\npart {i}\r\n").as_bytes(),
        );
    }
    raw.extend_from_slice(b"--b--\r\n");
    let msg = message(&raw);
    for oversize in [Oversize::Skip, Oversize::Unchecked] {
        let mut engine = grep_engine("parts");
        engine.input = Some(ScanInput::Parts);
        engine.oversize = oversize;
        let out = run_one(&engine, &ScanPolicy::default(), &raw, &msg, work.path());
        assert!(
            out.findings
                .iter()
                .any(|f| f.condition == Condition::Unchecked && f.detail.contains("MIME segments")),
            "{oversize:?}: {:?}",
            out.findings
        );
    }
    Ok(())
}

#[test]
fn a_refused_whole_still_has_its_headers_preamble_and_epilogue_scanned() -> TestResult {
    // The engine takes the parts but not the whole message: what no part
    // covers (an epilogue, a top-level field) must still reach it.
    let work = tempfile::tempdir()?;
    let eicar = String::from_utf8_lossy(EICAR).into_owned();
    let big = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, vec![b'A'; 3000]);
    for (place, raw) in [
        (
            "epilogue",
            format!(
                "From: a@example.org\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n\
                 --b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n{big}\r\n\
                 --b--\r\n{eicar}\r\n"
            ),
        ),
        (
            "header",
            format!(
                "From: a@example.org\r\nX-Data: {eicar}\r\nMIME-Version: 1.0\r\n\
                 Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n{big}\r\n"
            ),
        ),
    ] {
        let raw = raw.into_bytes();
        let msg = message(&raw);
        let mut engine = grep_engine("small");
        engine.max_size = Some(2500);
        assert!(raw.len() > 2500, "the whole is refused");
        let out = run_one(&engine, &ScanPolicy::default(), &raw, &msg, work.path());
        assert_eq!(
            out.reports.first().map(|r| r.result.clone()),
            Some(virus(&["Grep.Eicar"])),
            "{place}: {:?}",
            out.reports
        );
    }
    Ok(())
}

#[test]
fn limit_heuristics_are_their_own_outcome() -> TestResult {
    let work = tempfile::tempdir()?;
    let raw = plain(b"encrypted zip, say");
    let msg = message(&raw);
    let mut engine = command_engine(
        "heur",
        &[
            "sh",
            "-c",
            "echo VIRUS Heuristics.Encrypted.Zip; exit 1",
            "sh",
            "{dir}",
        ],
    );
    assert_eq!(engine.heuristics, HeuristicPolicy::Unchecked, "the default");
    let cases = [
        (HeuristicPolicy::Unchecked, EngineResult::Clean, 1),
        (HeuristicPolicy::Errormail, EngineResult::Clean, 1),
        (HeuristicPolicy::Ignore, EngineResult::Clean, 0),
        (
            HeuristicPolicy::Virus,
            virus(&["Heuristics.Encrypted.Zip"]),
            0,
        ),
    ];
    for (policy, expected, findings) in cases {
        engine.heuristics = policy;
        let out = run_one(&engine, &ScanPolicy::default(), &raw, &msg, work.path());
        assert_eq!(
            out.reports.first().map(|r| r.result.clone()),
            Some(expected),
            "{policy:?}"
        );
        assert_eq!(out.findings.len(), findings, "{policy:?}");
        if let Some(f) = out.findings.first() {
            let want = if policy == HeuristicPolicy::Unchecked {
                Condition::Unchecked
            } else {
                Condition::Errormail
            };
            assert_eq!(
                (f.condition, f.detail.as_str()),
                (want, "Heuristics.Encrypted.Zip")
            );
        }
    }
    Ok(())
}

#[test]
fn command_engines_see_made_up_names_in_a_private_directory_removed_after() -> TestResult {
    let work = tempfile::tempdir()?;
    let listing = work.path().join("listing");
    let script = format!(
        "stat -c '%a %n' \"$1\" \"$1\"/* > {0}; ls \"$1\" >> {0}",
        listing.display()
    );
    let engine = command_engine("ls", &["sh", "-c", &script, "sh", "{dir}"]);
    let raw = with_attachment("../../evil name.exe", b"MZ payload");
    let out = run_one(
        &engine,
        &ScanPolicy::default(),
        &raw,
        &message(&raw),
        work.path(),
    );
    assert_eq!(
        out.reports.first().map(|r| r.result.clone()),
        Some(EngineResult::Clean)
    );
    let seen = std::fs::read_to_string(&listing)?;
    assert!(
        seen.lines().next().is_some_and(|l| l.starts_with("700 ")),
        "{seen}"
    );
    assert!(
        seen.contains("600 ") && seen.contains("message-0001.eml") && seen.contains("part-"),
        "{seen}"
    );
    assert!(!seen.contains("evil"), "{seen}");
    // Only the listing is left: the work directory is gone.
    let left: Vec<_> = std::fs::read_dir(work.path())?
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(left, vec![std::ffi::OsString::from("listing")]);
    Ok(())
}

/// 1.5 MiB of binary with EICAR at its end: base64 of more than 1 MiB,
/// which the parser leaves encoded and the chain decodes as it sends.
fn large_eicar_payload() -> Vec<u8> {
    let mut data: Vec<u8> = (0..3u32 << 19).map(|i| (i % 251) as u8).collect();
    data.extend_from_slice(EICAR);
    data
}

#[test]
fn command_engines_get_a_streamed_attachment_byte_for_byte() -> TestResult {
    let work = tempfile::tempdir()?;
    let data = large_eicar_payload();
    let expected = work.path().join("expected");
    std::fs::write(&expected, &data)?;
    let script = format!(
        "for f in \"$1\"/*; do cmp -s \"$f\" {} && {{ echo VIRUS Same.Bytes; exit 1; }}; done; exit 0",
        expected.display()
    );
    let mut engine = command_engine("cmp", &["sh", "-c", &script, "sh", "{dir}"]);
    engine.input = Some(ScanInput::Parts);
    let raw = with_attachment("data.bin", &data);
    let m = message(&raw);
    assert!(m.parts.iter().any(|p| p.body.is_streamed()));
    let out = run_one(&engine, &ScanPolicy::default(), &raw, &m, work.path());
    assert_eq!(
        out.reports.first().map(|r| r.result.clone()),
        Some(virus(&["Same.Bytes"]))
    );
    Ok(())
}

// Real clamd from here on.

#[test]
#[ignore = "needs clamav-daemon and yara: run tools/install-test-deps"]
fn eicar_attachment_zip_and_body_are_virus_through_clamd() -> TestResult {
    let clamd = Clamd::start(standard_db()?)?;
    let work = tempfile::tempdir()?;
    for input in [ScanInput::Message, ScanInput::Parts, ScanInput::Both] {
        let mut engine = clamd_engine("clamd", &[clamd.server()]);
        engine.input = Some(input);
        for (what, raw) in eicar_messages() {
            let out = run_one(
                &engine,
                &ScanPolicy::default(),
                &raw,
                &message(&raw),
                work.path(),
            );
            assert_eq!(
                out.reports.first().map(|r| r.result.clone()),
                Some(virus(&["Eicar.Test.UNOFFICIAL"])),
                "{what} with input {input:?}"
            );
        }
    }
    Ok(())
}

#[test]
#[ignore = "needs clamav-daemon and yara: run tools/install-test-deps"]
fn clamd_finds_eicar_at_the_end_of_a_streamed_attachment() -> TestResult {
    let clamd = Clamd::start(standard_db()?)?;
    let work = tempfile::tempdir()?;
    let raw = with_attachment("data.bin", &large_eicar_payload());
    let m = message(&raw);
    assert!(m.parts.iter().any(|p| p.body.is_streamed()));
    // A dead server in the pool (tried first or second, at random): an
    // attempt on the live one after it opens a fresh reader.
    let dead = format!("unix:{}", work.path().join("dead.sock").display());
    for input in [ScanInput::Parts, ScanInput::Both] {
        let mut engine = clamd_engine("clamd", &[dead.clone(), clamd.server()]);
        engine.input = Some(input);
        let out = run_one(&engine, &ScanPolicy::default(), &raw, &m, work.path());
        assert_eq!(
            out.reports.first().map(|r| r.result.clone()),
            Some(virus(&["Eicar.Test.UNOFFICIAL"])),
            "input {input:?}"
        );
    }
    Ok(())
}

#[test]
#[ignore = "needs clamav-daemon and yara: run tools/install-test-deps"]
fn clamd_stopped_defers_passes_or_falls_back() -> TestResult {
    let live = Clamd::start(standard_db()?)?;
    let stopped = Clamd::start(standard_db()?)?;
    let stopped_server = stopped.server();
    drop(stopped);
    let work = tempfile::tempdir()?;
    let raw = with_attachment("x.bin", EICAR);
    let msg = message(&raw);
    let dead = clamd_engine("dead", &[stopped_server]);
    let out = run_one(&dead, &ScanPolicy::default(), &raw, &msg, work.path());
    assert!(out.unscanned, "{out:?}");
    let verdict =
        qmvc::verdict::decide(Vec::new(), out.reports, out.unscanned, &Default::default());
    assert_eq!(verdict.exit.code(), 111);
    let pass = ScanPolicy {
        on_error: OnError::Pass,
        ..ScanPolicy::default()
    };
    let out = run_one(&dead, &pass, &raw, &msg, work.path());
    assert!(!out.unscanned);
    assert!(
        matches!(out.reports.first().map(|r| &r.result), Some(EngineResult::Error(e)) if e.contains("cannot connect"))
    );
    let engines = [dead, clamd_engine("backup", &[live.server()])];
    let backup = ScanPolicy {
        backup: vec!["backup".into()],
        ..ScanPolicy::default()
    };
    let out = run(&engines, &backup, &raw, &msg, &[], work.path());
    assert!(!out.unscanned);
    assert_eq!(
        out.reports.get(1).map(|r| r.result.clone()),
        Some(virus(&["Eicar.Test.UNOFFICIAL"]))
    );
    Ok(())
}

#[test]
#[ignore = "needs clamav-daemon and yara: run tools/install-test-deps"]
fn clamd_found_by_the_second_engine_after_a_clean_first_and_mutual_names_all() -> TestResult {
    // The first clamd knows only clam.exe, the second only EICAR, the third
    // EICAR under another name.
    let only_clam = Clamd::start(vec![("a.hdb".into(), clam_exe_hdb()?)])?;
    let only_eicar = Clamd::start(vec![("b.ndb".into(), eicar_ndb())])?;
    let other_name = Clamd::start(vec![(
        "c.ndb".into(),
        eicar_ndb().replace("Eicar.Test", "Other.Eicar"),
    )])?;
    let work = tempfile::tempdir()?;
    let engines = [
        clamd_engine("first", &[only_clam.server()]),
        clamd_engine("second", &[only_eicar.server()]),
        clamd_engine(
            "third",
            &[other_name
                .tcp_server()
                .unwrap_or_else(|| other_name.server())],
        ),
    ];
    let raw = with_attachment("x.bin", EICAR);
    let msg = message(&raw);
    let out = run(
        &engines,
        &ScanPolicy::default(),
        &raw,
        &msg,
        &[],
        work.path(),
    );
    let r = results(&out);
    assert_eq!(r.first().map(|x| x.1.clone()), Some(EngineResult::Clean));
    assert_eq!(
        r.get(1).map(|x| x.1.clone()),
        Some(virus(&["Eicar.Test.UNOFFICIAL"]))
    );
    assert!(matches!(
        r.get(2).map(|x| &x.1),
        Some(EngineResult::Skipped(_))
    ));
    let mutual = ScanPolicy {
        mode: ChainMode::Mutual,
        ..ScanPolicy::default()
    };
    let out = run(&engines, &mutual, &raw, &msg, &[], work.path());
    let plan = qmvc::verdict::decide(Vec::new(), out.reports, out.unscanned, &Default::default());
    let names: Vec<&str> = plan.findings.iter().map(|f| f.detail.as_str()).collect();
    assert_eq!(names, ["Eicar.Test.UNOFFICIAL", "Other.Eicar.UNOFFICIAL"]);
    Ok(())
}

/// Catch figures for the `input` default: which view of each
/// peer-clamav message clamd detects.
#[test]
#[ignore = "needs ../shared/corpus"]
fn corpus_clamd_every_peer_clamav_message_is_virus() -> TestResult {
    let corpus = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/corpus/peer-clamav"
    ));
    let hdb = std::fs::read_to_string(corpus.join("_ref/clamav.hdb"))?;
    let clamd = Clamd::start(vec![("peer.hdb".into(), hdb)])?;
    let work = tempfile::tempdir()?;
    let mut files: Vec<_> = std::fs::read_dir(corpus.join("messages"))?
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    assert_eq!(files.len(), 10, "the corpus changed");
    let mut caught = [0usize; 3];
    for path in &files {
        let raw = std::fs::read(path)?;
        let msg = message(&raw);
        let mut row = Vec::new();
        for (i, input) in [ScanInput::Message, ScanInput::Parts, ScanInput::Both]
            .into_iter()
            .enumerate()
        {
            let mut engine = clamd_engine("clamd", &[clamd.server()]);
            engine.input = Some(input);
            let out = run_one(&engine, &ScanPolicy::default(), &raw, &msg, work.path());
            let hit = matches!(
                out.reports.first().map(|r| &r.result),
                Some(EngineResult::Virus(_))
            );
            caught[i] += usize::from(hit);
            row.push(if hit { "V" } else { "-" });
        }
        eprintln!(
            "peer-clamav {:<50} message={} parts={} both={}",
            path.file_name().and_then(|n| n.to_str()).unwrap_or(""),
            row[0],
            row[1],
            row[2]
        );
    }
    eprintln!(
        "peer-clamav caught of {}: message={} parts={} both={}",
        files.len(),
        caught[0],
        caught[1],
        caught[2]
    );
    // The default (both) must catch every one.
    let engine = clamd_engine("clamd", &[clamd.server()]);
    assert_eq!(engine.scan_input(), ScanInput::Both);
    assert_eq!(caught[2], files.len());
    Ok(())
}
