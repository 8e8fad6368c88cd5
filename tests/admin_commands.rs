//! What an administrator meets in the first hour and in cron jobs, run
//! through the built binary: `config init`, what `config check` says about
//! the file it checked, `--help`, `check --fail-on-stop` and `--jobs`,
//! `--quiet`, `report --log -` / `--html -`, `quarantine list` filters,
//! the `"schema"` of every JSON output and the log time's UTC offset.

mod support;

use std::fs;
use std::io::Write;
use std::process::{Command, Output, Stdio};

use support::{QMVC, Site, data, message, user_env};

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs qmvc with `args` against `site`'s main file; stdin empty.
fn admin(site: &Site, args: &[&str]) -> Output {
    site.command(&[], args)
        .stdin(Stdio::null())
        .output()
        .expect("run qmvc")
}

/// Runs qmvc with `args` and `input` on stdin.
fn admin_with_stdin(site: &Site, args: &[&str], input: &[u8]) -> Output {
    let mut child = site
        .command(&[], args)
        .stdin(Stdio::piped())
        .spawn()
        .expect("spawn qmvc");
    let mut stdin = child.stdin.take().expect("stdin");
    let data = input.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&data);
    });
    let out = child.wait_with_output().expect("wait qmvc");
    let _ = writer.join();
    out
}

fn json_lines(out: &[u8]) -> Vec<serde_json::Value> {
    text(out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect()
}

#[test]
fn config_init_writes_the_shipped_files_and_never_overwrites() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("etc-qmvc");
    let run = |args: &[&str]| {
        Command::new(QMVC)
            .args(args)
            .env_remove("QMVC_CONFIG")
            .output()
            .expect("run qmvc")
    };
    let dir_s = dir.display().to_string();
    let out = run(&["config", "init", &dir_s]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let main = dir.join("qmvc.toml");
    let profile = dir.join("profiles/default.toml");
    assert!(text(&out.stdout).contains(&format!("wrote {}", main.display())));
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let shipped_profile =
        fs::read_to_string(repo.join("profiles/default.toml")).expect("shipped profile");
    assert_eq!(fs::read_to_string(&profile).ok(), Some(shipped_profile));
    let written = fs::read_to_string(&main).expect("main file");
    // The site directories follow DIR; everything else is the shipped text.
    assert!(
        written.contains(&format!("profiles = \"{dir_s}/profiles\"")),
        "{written}"
    );
    assert!(written.contains("log = \"/var/qmail/qmvc/log/qmvc.log\""));
    use std::os::unix::fs::PermissionsExt;
    let mode = fs::metadata(&main).expect("stat").permissions().mode();
    assert_eq!(
        mode & 0o022,
        0,
        "a site file must not be writable by others"
    );

    // The administrator's edit survives a second init.
    fs::write(&main, "# mine\n").expect("edit");
    let again = run(&["config", "init", &dir_s]);
    assert_eq!(again.status.code(), Some(0));
    assert!(
        text(&again.stdout).contains("kept"),
        "{}",
        text(&again.stdout)
    );
    assert_eq!(fs::read_to_string(&main).ok().as_deref(), Some("# mine\n"));
    // A symbolic link in the way is not followed.
    let other = tmp.path().join("elsewhere");
    fs::create_dir_all(&other).expect("mkdir");
    let link_dir = tmp.path().join("linked");
    fs::create_dir_all(link_dir.join("profiles")).expect("mkdir");
    std::os::unix::fs::symlink(other.join("victim"), link_dir.join("qmvc.toml")).expect("symlink");
    let linked = run(&["config", "init", &link_dir.display().to_string()]);
    assert_eq!(linked.status.code(), Some(0));
    assert!(
        !other.join("victim").exists(),
        "init wrote through a symbolic link"
    );
}

#[test]
fn config_check_names_the_file_and_warns_without_an_engine() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().display().to_string();
    let init = Command::new(QMVC)
        .args(["config", "init", &dir])
        .output()
        .expect("init");
    assert_eq!(init.status.code(), Some(0));
    let main = tmp.path().join("qmvc.toml");
    let out = Command::new(QMVC)
        .args(["--config", &main.display().to_string(), "config", "check"])
        .output()
        .expect("check");
    let err = text(&out.stderr);
    assert_eq!(
        (out.status.code(), text(&out.stdout).as_str()),
        (Some(0), "configuration ok\n"),
        "{err}"
    );
    assert!(
        err.contains(&format!("checking {}", main.display())),
        "{err}"
    );
    assert!(err.contains("no anti-virus engine is configured"), "{err}");

    // With an engine the warning goes.
    let site = Site::new(
        "[[engine]]\nname = \"clamd\"\ntype = \"clamd\"\nservers = [\"unix:/run/clamav/clamd.ctl\"]\n",
    );
    let out = admin(&site, &["config", "check"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(!text(&out.stderr).contains("no anti-virus engine"));

    // No file anywhere: the embedded default, said so.
    if !std::path::Path::new("/etc/qmvc/qmvc.toml").exists() {
        let out = Command::new(QMVC)
            .args(["config", "check"])
            .env_remove("QMVC_CONFIG")
            .output()
            .expect("check");
        let err = text(&out.stderr);
        assert!(
            err.contains("using the embedded default configuration"),
            "{err}"
        );
        assert!(err.contains("qmvc config init /etc/qmvc"), "{err}");
    }
}

#[test]
fn help_shows_the_dot_qmail_line_and_the_exit_codes() {
    // What `qmvc -h` and `qmvc --help` print at a terminal (in a dot-qmail
    // line, without one, they defer instead: see filter_context).
    use clap::CommandFactory;
    let mut cmd = qmvc::cli::Cli::command();
    for help in [
        cmd.render_help().to_string(),
        cmd.render_long_help().to_string(),
    ] {
        assert!(help.contains("|/usr/local/bin/qmvc"), "{help}");
        for code in ["0 ", "99 ", "100 ", "111 "] {
            assert!(
                help.contains(&format!("    {code}")),
                "{code} missing: {help}"
            );
        }
    }
}

#[test]
fn shipped_manual_pages_and_completions_are_current() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = Command::new(QMVC)
        .args(["man", &tmp.path().display().to_string()])
        .output()
        .expect("man");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for page in ["qmvc.8", "qmvc.toml.5"] {
        let made = fs::read_to_string(tmp.path().join(page)).expect("made page");
        let shipped = fs::read_to_string(repo.join("doc/man").join(page)).unwrap_or_default();
        assert!(
            made == shipped,
            "doc/man/{page} is out of date: run `qmvc man doc/man`"
        );
    }
    let page = fs::read_to_string(tmp.path().join("qmvc.8")).expect("qmvc.8");
    for section in [
        "EXIT STATUS",
        "ENVIRONMENT",
        "FILES",
        "EXAMPLES",
        "COMMANDS",
    ] {
        assert!(
            page.contains(&format!(".SH \"{section}\""))
                || page.contains(&format!(".SH {section}")),
            "{section}"
        );
    }
    assert!(
        page.contains("fail\\-on\\-stop"),
        "every command's options are in qmvc(8)"
    );
    for (shell, file) in [
        ("bash", "qmvc.bash"),
        ("zsh", "_qmvc"),
        ("fish", "qmvc.fish"),
    ] {
        let out = Command::new(QMVC)
            .args(["completions", shell])
            .output()
            .expect("completions");
        assert_eq!(out.status.code(), Some(0));
        let shipped = fs::read(repo.join("doc/completions").join(file)).unwrap_or_default();
        assert!(
            out.stdout == shipped,
            "doc/completions/{file} is out of date: run `qmvc completions {shell}`"
        );
        assert!(text(&out.stdout).contains("quarantine"));
    }
}

#[test]
fn check_fail_on_stop_and_parallel_output_keeps_the_order() {
    let site = Site::new("");
    let clean = data("clean-plain.eml").display().to_string();
    let bad = data("badmail-exe.eml").display().to_string();
    let out = admin(&site, &["check", &clean, &bad]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    let out = admin(&site, &["check", "--fail-on-stop", &clean]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    let out = admin(&site, &["check", "--fail-on-stop", &clean, &bad]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));

    // Every shipped message, many times over: --jobs 4 prints exactly
    // what one job prints, in the order given.
    let mut files: Vec<String> = Vec::new();
    for _ in 0..6 {
        for entry in fs::read_dir(data("")).expect("tests/data") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "eml") {
                files.push(path.display().to_string());
            }
        }
    }
    let run = |jobs: &str| {
        let mut args = vec!["check", "--json", "--jobs", jobs];
        args.extend(files.iter().map(String::as_str));
        let out = admin(&site, &args);
        assert_eq!(out.status.code(), Some(0));
        json_lines(&out.stdout)
            .into_iter()
            .map(|v| (v["file"].clone(), v["verdict"].clone(), v["action"].clone()))
            .collect::<Vec<_>>()
    };
    let one = run("1");
    assert_eq!(one.len(), files.len());
    assert_eq!(run("4"), one);
    for (i, (file, _, _)) in one.iter().enumerate() {
        assert_eq!(file.as_str(), Some(files[i].as_str()));
    }
}

#[test]
fn every_json_output_carries_schema_1_and_lists_stay_lists() {
    let site = Site::new("");
    let bad = data("badmail-exe.eml").display().to_string();
    let out = admin(&site, &["check", "--json", &bad, "/nonexistent/x.eml"]);
    let lines = json_lines(&out.stdout);
    assert_eq!(lines.len(), 2);
    for v in &lines {
        assert_eq!(v["schema"], 1, "{v}");
    }
    assert!(lines[0]["findings"].is_array() && lines[0]["engines"].is_array());

    let delivered = site.deliver(
        &message("badmail-exe.eml"),
        "a@example.org",
        "joe@example.com",
    );
    assert_eq!(delivered.code, 99, "{delivered:?}");
    let out = admin(&site, &["quarantine", "list", "--json"]);
    let listed = json_lines(&out.stdout);
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["schema"], 1);
    assert!(listed[0]["findings"].is_array() && listed[0]["engines"].is_array());

    let out = admin(&site, &["report", "--json"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("report json");
    assert_eq!(report["schema"], 1);
    assert_eq!(report["messages"], 1);

    let out = admin(&site, &["config", "show", "--format", "json"]);
    let shown: serde_json::Value = serde_json::from_slice(&out.stdout).expect("show json");
    assert_eq!(shown["schema"], 1);
}

#[test]
fn log_time_carries_the_utc_offset_and_report_reads_both_forms() {
    let site = Site::new("");
    let run = site.deliver(
        &message("clean-plain.eml"),
        "a@example.org",
        "joe@example.com",
    );
    assert_eq!(run.code, 0, "{run:?}");
    let log = fs::read_to_string(site.dir().join("log/qmvc.log")).expect("log");
    let time = log.split('|').nth(1).unwrap_or_default();
    let (wall, offset) = time.split_at_checked(19).unwrap_or((time, ""));
    assert!(
        chrono::NaiveDateTime::parse_from_str(wall, "%Y-%m-%d %H:%M:%S").is_ok(),
        "{log}"
    );
    assert!(
        offset.len() == 5
            && offset.starts_with(['+', '-'])
            && offset[1..].bytes().all(|b| b.is_ascii_digit()),
        "no UTC offset after the time: {log}"
    );

    // Old and new lines, one of them an hour repeated at the end of DST,
    // read from stdin.
    let lines = "\
qmvc pid:1|2026-10-25 02:30:00+0200|a@example.org|joe@example.com|default|E:0+S:0+B:0+F:0+T:0+M:0+N:0+U:0+V:0|-|A:pass|RC:0|ms:1|id:1.1.1
qmvc pid:2|2026-10-25 02:30:00+0100|a@example.org|joe@example.com|default|E:0+S:0+B:0+F:1+T:0+M:0+N:0+U:0+V:0|-|A:quarantine|RC:99|ms:1|id:2.2.2
qmvc pid:3|2026-10-24 12:00:00|a@example.org|joe@example.com|default|E:0+S:0+B:0+F:0+T:0+N:0+V:0|-|A:pass|RC:0|ms:1|id:3.3.3
qmvc pid:4|2026-10-26 12:00:00-0500|a@example.org|joe@example.com|default|E:0+S:0+B:0+F:0+T:0+M:0+N:0+U:0+V:0|-|A:pass|RC:0|ms:1|id:4.4.4
";
    let rep = site.dir().join("none.rep");
    fs::write(&rep, "").expect("rep");
    let rep = rep.display().to_string();
    let out = admin_with_stdin(
        &site,
        &[
            "report",
            "--json",
            "--log",
            "-",
            "--rep",
            &rep,
            "--until",
            "2026-10-25",
        ],
        lines.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(r["messages"], 3, "{r}");
    assert_eq!(r["not_understood"], 0, "{r}");
    assert_eq!(r["outside_period"], 1, "{r}");

    // --html - : the page on stdout, nothing else.
    let out = admin_with_stdin(
        &site,
        &["report", "--log", "-", "--rep", &rep, "--html", "-"],
        lines.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let page = text(&out.stdout);
    assert!(
        page.trim_start()
            .to_lowercase()
            .starts_with("<!doctype html"),
        "{page}"
    );
    assert!(page.trim_end().ends_with("</html>"));
    let both = admin(&site, &["report", "--json", "--html", "-"]);
    assert_eq!(both.status.code(), Some(2));
}

#[test]
fn quiet_cleanup_and_purge_print_nothing() {
    let site = Site::new("");
    let out = admin(&site, &["cleanup"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(!out.stdout.is_empty());
    for args in [
        &["cleanup", "--quiet"][..],
        &["cleanup", "-q", "--older-than", "1h"][..],
        &["quarantine", "purge", "--older-than", "30d", "--quiet"][..],
    ] {
        let out = admin(&site, args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert_eq!(text(&out.stdout), "", "{args:?}");
        assert_eq!(text(&out.stderr), "", "{args:?}");
    }
    // Trouble still speaks: a bad duration is a usage error on stderr.
    let out = admin(
        &site,
        &["quarantine", "purge", "--older-than", "soon", "--quiet"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(!out.stderr.is_empty());
}

#[test]
fn quarantine_list_filters_by_recipient_sender_verdict_and_date() {
    let site = Site::new("");
    let deliveries = [
        ("badmail-exe.eml", "eve@evil.example", "joe@example.com"),
        ("badmail-iloveyou.eml", "", "ann@example.com"),
        (
            "badmail-exe.eml",
            "mallory@other.example",
            "bob@example.org",
        ),
    ];
    for (file, sender, recipient) in deliveries {
        let env = user_env(sender, recipient);
        let run = site.run(&message(file), &env, &[], support::Stdin::File);
        assert_eq!(run.code, 99, "{run:?}");
    }
    let list = |filters: &[&str]| -> Vec<String> {
        let mut args = vec!["quarantine", "list", "--json"];
        args.extend_from_slice(filters);
        let out = admin(&site, &args);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        json_lines(&out.stdout)
            .iter()
            .map(|v| v["recipient"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    assert_eq!(list(&[]).len(), 3);
    assert_eq!(
        list(&["--recipient", "@EXAMPLE.com"]),
        ["joe@example.com", "ann@example.com"]
    );
    assert_eq!(list(&["--sender", "<>"]), ["ann@example.com"]);
    assert_eq!(list(&["--sender", "mallory"]), ["bob@example.org"]);
    assert_eq!(
        list(&["--verdict", "badmail", "--recipient", "bob@"]),
        ["bob@example.org"]
    );
    assert!(list(&["--verdict", "virus"]).is_empty());
    let today = chrono::Local::now().format("%Y-%m-%d").to_string();
    assert_eq!(list(&["--since", &today]).len(), 3);
    assert!(list(&["--until", "2000-01-01"]).is_empty());
    for bad in [&["--verdict", "viruses"][..], &["--since", "last week"][..]] {
        let mut args = vec!["quarantine", "list"];
        args.extend_from_slice(bad);
        assert_eq!(admin(&site, &args).status.code(), Some(2), "{bad:?}");
    }
    // The table shows the same selection.
    let out = admin(&site, &["quarantine", "list", "--recipient", "ann@"]);
    let table = text(&out.stdout);
    assert_eq!(table.lines().count(), 2, "{table}");
    assert!(table.contains("ann@example.com"));
}

/// `check` without `--sender` takes the envelope sender from the file's
/// first `Return-Path:` (a held file starts with qmail-local's), else an
/// ordinary stand-in sender: never the null sender, which made every
/// file a bounce (nullsender findings, required headers exempt). The
/// decision is the one filter mode makes for the delivery; `--json` names
/// the sender and where it came from.
#[test]
fn check_without_sender_reads_return_path_else_no_bounce() {
    let site = Site::new("");
    site.profile(
        "example.com",
        "[conditions.nullsender]\nenabled = true\n[actions]\nerrormail = \"quarantine\"\n",
    );
    // No Date: a required header missing (errormail), unless a bounce.
    let body = "From: Alice <alice@example.org>\nTo: joe@example.com\nSubject: hi\n\nhello\n";
    let dir = site.dir();
    let write = |name: &str, text: String| {
        let path = dir.join(name);
        fs::write(&path, text).expect("write message");
        path.display().to_string()
    };
    let held = write(
        "held.eml",
        format!("Return-Path: <alice@example.org>\nDelivered-To: joe@example.com\n{body}"),
    );
    let plain = write("plain.eml", body.to_string());
    let bounce = write("bounce.eml", format!("Return-Path: <>\n{body}"));
    let out = admin(
        &site,
        &[
            "check",
            "--json",
            "--recipient",
            "joe@example.com",
            &held,
            &plain,
            &bounce,
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let lines = json_lines(&out.stdout);
    let conditions = |v: &serde_json::Value| -> Vec<String> {
        v["findings"]
            .as_array()
            .map(|f| f.iter().map(|x| x["condition"].to_string()).collect())
            .unwrap_or_default()
    };
    assert_eq!(lines.len(), 3);
    assert_eq!(
        (&lines[0]["sender"], &lines[0]["sender_from"]),
        (&"alice@example.org".into(), &"return-path".into())
    );
    assert_eq!(conditions(&lines[0]), ["\"errormail\""], "{}", lines[0]);
    assert_eq!(
        (&lines[1]["sender"], &lines[1]["sender_from"]),
        (&"unknown@invalid".into(), &"stand-in".into())
    );
    assert_eq!(conditions(&lines[1]), ["\"errormail\""], "{}", lines[1]);
    assert_eq!(
        (&lines[2]["sender"], &lines[2]["sender_from"]),
        (&"".into(), &"return-path".into())
    );
    assert_eq!(conditions(&lines[2]), ["\"nullsender\""], "{}", lines[2]);

    // Filter mode on the same delivery decides the same.
    let run = site.deliver(body.as_bytes(), "alice@example.org", "joe@example.com");
    assert_eq!(Some(run.code), lines[0]["exit"].as_i64().map(|c| c as i32));
    let log = site.log_lines();
    assert!(log.last().is_some_and(|l| l.contains("|E:1+")), "{log:?}");

    // --sender still wins, "" is the null sender.
    let out = admin(
        &site,
        &[
            "check",
            "--json",
            "--sender",
            "",
            "--recipient",
            "joe@example.com",
            &held,
        ],
    );
    let lines = json_lines(&out.stdout);
    assert_eq!(lines[0]["sender_from"], "option");
    assert_eq!(conditions(&lines[0]), ["\"nullsender\""], "{}", lines[0]);
}
