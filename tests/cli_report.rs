//! `qmvc report` as an administrator runs it: on a `qmvc.log` and
//! `qmvc.rep` that filter mode really wrote in a temporary site (a clean
//! message, badmail, a virus found by a STAND-IN command-line scanner,
//! hostile envelope and subject), and on hand-written logs with garbage
//! lines, rotated and gzip-compressed files, a period, and a 200,000-line
//! log that must run under a 48 MiB data limit. Figures are checked exactly,
//! the HTML for balanced tags, its three SVG charts and escaped values.

mod support;

use std::fs;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;
use support::{QMVC, Site, admin, message, stderr, stdout};

/// Runs `qmvc report ARGS` as the administrator.
fn report(site: &Site, args: &[&str]) -> Output {
    admin(site, &[&["report"], args].concat())
}

fn json(o: &Output) -> Value {
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    serde_json::from_slice(&o.stdout).expect("JSON on stdout")
}

/// `[{name, count}...]` as pairs.
fn named(v: &Value) -> Vec<(String, u64)> {
    v.as_array()
        .expect("a list")
        .iter()
        .map(|r| {
            (
                r["name"].as_str().expect("name").to_string(),
                r["count"].as_u64().expect("count"),
            )
        })
        .collect()
}

fn pairs(items: &[(&str, u64)]) -> Vec<(String, u64)> {
    items.iter().map(|(n, c)| (n.to_string(), *c)).collect()
}

/// A site whose only engine is a STAND-IN scanner: it reports
/// `Test.Standin.Virus` for any message holding `STANDIN-VIRUS-MARK`.
fn site_with_standin_scanner() -> Site {
    let site = Site::new("");
    let scan = site.dir().join("bin/virusscan");
    fs::write(
        &scan,
        "#!/bin/sh\nif grep -rq STANDIN-VIRUS-MARK \"$1\"; then echo 'VIRUS Test.Standin.Virus'; exit 1; fi\nexit 0\n",
    )
    .expect("write scanner");
    fs::set_permissions(&scan, fs::Permissions::from_mode(0o755)).expect("chmod");
    site.write_config(&format!(
        "[[engine]]\nname = \"standin\"\ntype = \"command\"\ncommand = [\"{}\", \"{{dir}}\"]\n\
         clean_exit = [0]\nvirus_exit = [1]\nvirus_regex = '^VIRUS (\\S+)'\n",
        scan.display()
    ));
    site
}

const HOSTILE: &str = "<script>alert(1)</script>@evil.example";

/// Delivers four messages through filter mode: clean, badmail (an .exe
/// from a hostile sender with a hostile subject), a virus, and one more
/// badmail. Returns the site.
fn site_with_deliveries() -> Site {
    let site = site_with_standin_scanner();
    let runs = [
        (message("clean-plain.eml"), "alice@example.org", 0),
        (
            String::from_utf8(message("badmail-exe.eml"))
                .expect("utf-8")
                .replacen("Subject:", "Subject: <script>x</script>", 1)
                .into_bytes(),
            HOSTILE,
            99,
        ),
        (
            b"From: a@example.org\nDate: Sat, 21 Nov 2026 04:12:59 +0000\nSubject: hi\n\nSTANDIN-VIRUS-MARK\n"
                .to_vec(),
            "",
            99,
        ),
        (message("badmail-iloveyou.eml"), HOSTILE, 99),
    ];
    for (msg, sender, code) in runs {
        let run = site.deliver(&msg, sender, "info@example.com");
        assert_eq!(run.code, code, "{run:?}");
    }
    site
}

#[test]
fn filter_written_log_and_rep_give_exact_figures() {
    let site = site_with_deliveries();
    let d = json(&report(&site, &["--json"]));
    assert_eq!(d["log_lines"], 4);
    assert_eq!(d["not_understood"], 0);
    assert_eq!(d["messages"], 4);
    assert_eq!(d["rep_blocks"], 3);
    assert_eq!(d["rep_not_understood"], 0);
    assert_eq!(
        d["verdicts"],
        serde_json::json!({"clean": 1, "errormail": 0, "badmail": 2, "unchecked": 0, "virus": 1})
    );
    assert_eq!(
        named(&d["actions"]),
        pairs(&[("quarantine", 3), ("pass", 1)])
    );
    assert_eq!(named(&d["exits"]), pairs(&[("99", 3), ("0", 1)]));
    assert_eq!(named(&d["viruses"]), pairs(&[("Test.Standin.Virus", 1)]));
    assert_eq!(named(&d["senders"]), pairs(&[(HOSTILE, 2), ("<>", 1)]));
    assert_eq!(named(&d["recipients"]), pairs(&[("info@example.com", 3)]));
    assert_eq!(named(&d["profiles"]), pairs(&[("default", 4)]));
    let engines = &d["engines"][0];
    assert_eq!(engines["name"], "standin");
    // Badmail decided first: the engine is skipped (bypass).
    assert_eq!(
        (
            &engines["clean"],
            &engines["virus"],
            &engines["error"],
            &engines["skipped"]
        ),
        (&1.into(), &1.into(), &0.into(), &2.into())
    );
    let conditions: Vec<(String, u64)> = d["conditions"]
        .as_array()
        .expect("conditions")
        .iter()
        .filter(|c| c["messages"] != 0)
        .map(|c| {
            (
                c["condition"].as_str().unwrap_or("").to_string(),
                c["messages"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(
        conditions,
        // The .exe is also an executable declared as something else.
        pairs(&[
            ("subject", 1),
            ("filename", 1),
            ("mimetype", 1),
            ("virus", 1)
        ])
    );
    let subjects = named(&d["subjects"]);
    assert!(
        subjects
            .iter()
            .any(|(s, _)| s.starts_with("<script>x</script>")),
        "{subjects:?}"
    );
    let findings = d["findings"].as_array().expect("findings");
    assert!(
        findings
            .iter()
            .any(|f| f["condition"] == "subject" && f["detail"] == "ILOVEYOU"),
        "{findings:?}"
    );
}

#[test]
fn html_is_self_contained_balanced_has_charts_and_escapes_hostile_values() {
    let site = site_with_deliveries();
    let out = site.dir().join("report.html");
    let o = report(&site, &["--html", out.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    assert!(stdout(&o).contains("messages: 4\n"));
    let html = fs::read_to_string(&out).expect("the HTML file");
    assert_balanced(&html);
    for id in ["days", "viruses", "engines"] {
        assert!(html.contains(&format!("<svg id=\"{id}\"")), "chart {id}");
    }
    assert!(html.contains("<rect "), "bars drawn");
    assert!(
        !html.to_lowercase().contains("<script"),
        "hostile value unescaped"
    );
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;@evil.example"));
    assert!(
        html.contains("&lt;script&gt;x&lt;/script&gt;"),
        "the subject, escaped"
    );
    // Self-contained: nothing fetched from elsewhere (the SVG namespace is
    // a name, not a fetch).
    for fetch in ["src=", "href=", "@import", "url("] {
        assert!(!html.contains(fetch), "{fetch}");
    }
}

#[test]
fn html_shows_bidi_and_control_characters_instead_of_obeying_them() {
    // A sender that a browser would draw reversed ("paypal.com"), and one
    // with a terminal escape sequence.
    let site = site_with_standin_scanner();
    for sender in [
        "billing@\u{202e}moc.lapyap\u{202c}.evil.example",
        "x\u{1b}]0;PWN\u{7}@evil.example",
    ] {
        let run = site.deliver(&message("badmail-exe.eml"), sender, "info@example.com");
        assert_eq!(run.code, 99, "{run:?}");
    }
    let out = site.dir().join("report.html");
    let o = report(&site, &["--html", out.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let html = fs::read_to_string(&out).expect("the HTML file");
    assert!(
        !html.contains('\u{202e}') && !html.contains('\u{1b}'),
        "raw control in the page"
    );
    assert!(
        html.contains("billing@&lt;U+202E&gt;moc.lapyap"),
        "bidi shown"
    );
}

/// Every element that is opened is closed, in order (void elements and
/// comments aside): "parses" for the HTML the template writes.
fn assert_balanced(html: &str) {
    let tag = regex::Regex::new(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*?(/?)>").expect("regex");
    let void = ["meta", "br", "img", "input", "link", "hr"];
    let mut open: Vec<String> = Vec::new();
    for c in tag.captures_iter(html) {
        let name = c[2].to_lowercase();
        if void.contains(&name.as_str()) || &c[3] == "/" {
            continue;
        }
        if &c[1] == "/" {
            assert_eq!(
                open.pop().as_deref(),
                Some(name.as_str()),
                "closing </{name}>"
            );
        } else {
            open.push(name);
        }
    }
    assert!(open.is_empty(), "unclosed: {open:?}");
    assert!(html.starts_with("<!DOCTYPE html>") || html.contains("\n<!DOCTYPE html>"));
}

/// A log line as filter mode writes it.
fn line(
    time: &str,
    sender: &str,
    counts: &str,
    engines: &str,
    action: &str,
    rc: u8,
    ms: u64,
) -> String {
    format!(
        "qmvc pid:1|{time}|{sender}|info@example.com|default|{counts}|{engines}|A:{action}|RC:{rc}|ms:{ms}|id:x\n"
    )
}

const CLEAN: &str = "E:0+S:0+B:0+F:0+T:0+N:0+V:0";
const FILENAME: &str = "E:0+S:0+B:0+F:2+T:0+N:0+V:0";
const VIRUS: &str = "E:0+S:0+B:0+F:0+T:0+N:0+V:1";
const ERRORMAIL: &str = "E:1+S:0+B:0+F:0+T:0+N:0+V:0";

/// Writes a hand-made log in `dir`: 6 qmvc lines on two days and three
/// lines that are not qmvc's.
fn hand_log(dir: &Path) -> String {
    let text = [
        line(
            "2026-11-20 10:00:00",
            "a@example.org",
            CLEAN,
            "clamd=C",
            "pass",
            0,
            10,
        ),
        line(
            "2026-11-20 11:00:00",
            "a@example.org",
            CLEAN,
            "clamd=C",
            "pass",
            0,
            20,
        ),
        "@400000006560 qmail-send: delivery 1: success\n".to_string(),
        line(
            "2026-11-20 12:00:00",
            "bad@example.net",
            FILENAME,
            "clamd=-",
            "quarantine",
            99,
            3,
        ),
        "qmvc pid:1|cut in the midd".to_string() + "\n",
        line(
            "2026-11-21 09:00:00",
            "",
            VIRUS,
            "clamd=V",
            "quarantine",
            99,
            40,
        ),
        line(
            "2026-11-21 09:30:00",
            "b@example.org",
            ERRORMAIL,
            "clamd=C",
            "pass",
            0,
            30,
        ),
        "\u{1b}[31mnot a log line\n".to_string(),
        line(
            "2026-11-21 10:00:00",
            "c@example.org",
            CLEAN,
            "clamd=E",
            "defer",
            111,
            5000,
        ),
    ]
    .concat();
    let path = dir.join("qmvc.log");
    fs::write(&path, text).expect("write log");
    path.to_str().expect("utf-8").to_string()
}

#[test]
fn hand_written_log_with_garbage_gives_exact_text() {
    let site = Site::new("");
    let log = hand_log(site.dir());
    let o = report(&site, &["--log", &log]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let text = stdout(&o);
    for expected in [
        "period: 2026-11-20 10:00:00 .. 2026-11-21 10:00:00\n",
        "log: 9 lines, 3 lines not understood, 0 outside the period\n",
        "messages: 6\n  clean                3\n  errormail            1\n  badmail              1\n  unchecked            0\n  virus                1\n",
        "actions: pass=3, quarantine=2, defer=1\n",
        "exit codes: 0=3, 99=2, 111=1\n",
        "time per message: median 20 ms, p99 4992 ms\n",
        "  2026-11-20           3        2         0        1         0        0\n",
        "  2026-11-21           3        1         1        0         0        1\n",
        "  filename             1        2\n",
        // Incidents (as filter mode's): every verdict but clean, and the
        // deferral; the virus came from the null sender.
        "top envelope senders of incidents\n         1  <>\n         1  b@example.org\n         1  bad@example.net\n         1  c@example.org\n\n",
        "  clamd                3        1        1        1  median 30 ms, p99 4992 ms\n",
    ] {
        assert!(text.contains(expected), "{expected:?} not in\n{text}");
    }
    // No rep file yet: said, not an error.
    assert!(stderr(&o).contains("no report file"));
    assert!(!text.contains('\u{1b}'));
}

#[test]
fn period_options_and_several_logs_gzip_included() {
    let site = Site::new("");
    let log = hand_log(site.dir());
    let rotated = site.dir().join("qmvc.log.1.gz");
    let mut gz = flate2::write::GzEncoder::new(
        fs::File::create(&rotated).expect("create"),
        Default::default(),
    );
    gz.write_all(
        line(
            "2026-11-19 23:00:00",
            "old@example.org",
            VIRUS,
            "clamd=V",
            "quarantine",
            99,
            9,
        )
        .as_bytes(),
    )
    .expect("gzip");
    gz.finish().expect("gzip");
    let rotated = rotated.to_str().expect("utf-8");
    let d = json(&report(&site, &["--json", "--log", rotated, "--log", &log]));
    assert_eq!(
        (&d["messages"], &d["verdicts"]["virus"]),
        (&7.into(), &2.into())
    );
    assert_eq!(d["first"], "2026-11-19 23:00:00");
    let d = json(&report(
        &site,
        &[
            "--json",
            "--log",
            rotated,
            "--log",
            &log,
            "--since",
            "2026-11-20",
            "--until",
            "2026-11-20",
        ],
    ));
    assert_eq!(
        (&d["messages"], &d["outside_period"]),
        (&3.into(), &4.into())
    );
    let d = json(&report(
        &site,
        &["--json", "--log", &log, "--since", "2026-11-21 09:15"],
    ));
    assert_eq!(d["messages"], 2);
    // --days counts back from today (local time, as the log's).
    let day = |back: u64| {
        let d = chrono::Local::now().date_naive() - chrono::Days::new(back);
        format!("{} 12:00:00", d.format("%Y-%m-%d"))
    };
    let recent = site.dir().join("recent.log");
    let text = [0, 3, 9].map(|back| line(&day(back), "a@example.org", CLEAN, "-", "pass", 0, 1));
    fs::write(&recent, text.concat()).expect("write");
    let recent = recent.to_str().expect("utf-8");
    for (days, messages) in [("1", 1), ("4", 2), ("10", 3)] {
        let d = json(&report(&site, &["--json", "--log", recent, "--days", days]));
        assert_eq!(d["messages"], messages, "--days {days}");
    }
}

#[test]
fn exit_codes_unreadable_input_1_usage_2() {
    let site = Site::new("");
    let log = hand_log(site.dir());
    let o = report(&site, &["--log", &log, "--log", "/nonexistent/qmvc.log"]);
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    assert!(
        stdout(&o).contains("messages: 6\n"),
        "what could be read is summarised"
    );
    assert!(stderr(&o).contains("cannot read log /nonexistent/qmvc.log: No such file"));
    let o = report(&site, &["--log", &log, "--rep", "/nonexistent/qmvc.rep"]);
    assert_eq!(o.status.code(), Some(1), "an explicit --rep must exist");
    for bad in [
        &["--since", "yesterday"][..],
        &["--days", "0"],
        &["--days", "2", "--since", "2026-11-01"],
        &["--no-such-option"],
    ] {
        let o = report(&site, bad);
        assert_eq!(o.status.code(), Some(2), "{bad:?}: {o:?}");
    }
}

#[test]
fn a_200k_line_log_runs_in_bounded_memory() {
    let site = Site::new("");
    let path = site.dir().join("big.log");
    let mut w = std::io::BufWriter::new(fs::File::create(&path).expect("create"));
    // Every line a different sender and recipient of 120 bytes or more:
    // keeping them would take well over 50 MiB.
    let pad = "x".repeat(100);
    for i in 0..200_000u32 {
        let day = 1 + i % 28;
        writeln!(
            w,
            "qmvc pid:{i}|2026-11-{day:02} 10:00:00|s{i}{pad}@example.org|r{i}{pad}@example.com|default|{FILENAME}|clamd=-|A:quarantine|RC:99|ms:{}|id:{i}",
            i % 50
        )
        .expect("write");
    }
    w.flush().expect("flush");
    drop(w);
    // The data segment (heap, private mappings: setrlimit(2) RLIMIT_DATA)
    // is capped at 48 MiB: keeping the lines would fail to allocate.
    let o = Command::new("sh")
        .args([
            "-c",
            "ulimit -d 49152 && exec \"$0\" \"$@\"",
            QMVC,
            "report",
            "--json",
            "--log",
        ])
        .arg(&path)
        .env("QMVC_CONFIG", &site.config)
        .output()
        .expect("run qmvc");
    let d = json(&o);
    assert_eq!(d["messages"], 200_000);
    assert_eq!(d["days"].as_array().map(Vec::len), Some(28));
    assert_eq!(d["approximate"], true);
    assert_eq!(named(&d["senders"]).len(), 10);
}

/// Log times that carry their UTC offset are compared as instants: the
/// night the clocks go back (Europe/Berlin, 2026-10-25), `02:10:00+0100`
/// comes 40 minutes after `02:30:00+0200`. The period runs from the one to
/// the other, and `--since` / `--until` (local wall-clock times, taken in
/// the widest sense when the hour is ambiguous) count by the instant.
#[test]
fn times_with_an_offset_are_compared_as_instants() {
    let site = Site::new("");
    let log = site.dir().join("dst.log");
    fs::write(
        &log,
        "qmvc pid:1|2026-10-25 02:30:00+0200|a@example.org|joe@example.net|default|\
         E:0+S:0+B:0+F:1+T:0+M:0+N:0+U:0+V:0|-|A:quarantine|RC:99|ms:3|id:1792888200.000001.1.mx1|host:mx1\n\
         qmvc pid:2|2026-10-25 02:10:00+0100|b@example.org|joe@example.net|default|\
         E:0+S:0+B:0+F:1+T:0+M:0+N:0+U:0+V:0|-|A:quarantine|RC:99|ms:3|id:1792890600.000001.2.mx1|host:mx1\n",
    )
    .expect("write log");
    let rep = site.dir().join("empty.rep");
    fs::write(&rep, "").expect("write rep");
    let run = |extra: &[&str]| {
        let out = Command::new(QMVC)
            .args(["report", "--json", "--log"])
            .arg(&log)
            .arg("--rep")
            .arg(&rep)
            .args(extra)
            .env("QMVC_CONFIG", &site.config)
            .env("TZ", "Europe/Berlin")
            .output()
            .expect("run qmvc");
        json(&out)
    };
    let d = run(&[]);
    assert_eq!(
        (&d["first"], &d["last"]),
        (
            &"2026-10-25 02:30:00+0200".into(),
            &"2026-10-25 02:10:00+0100".into()
        )
    );
    for (option, value, messages) in [
        ("--since", "2026-10-25 02:20", 2),
        ("--since", "2026-10-25 02:35", 1),
        ("--until", "2026-10-25 02:05", 1),
        ("--until", "2026-10-25 02:40", 2),
    ] {
        let d = run(&[option, value]);
        assert_eq!(d["messages"], messages, "{option} {value}");
    }
}

/// A message the bomber brake stopped is not a virus: its log line keeps
/// V at 0 and carries the trailing field `bomber:1`, which `qmvc report`
/// shows as its own condition row (the verdict is badmail). A clean
/// message the brake stops is not counted against the sender, and nobody
/// is told about it.
#[test]
fn bomber_stopped_messages_are_not_counted_as_viruses() {
    let site = site_with_standin_scanner();
    site.profile(
        "default",
        "[reactions.bomber]\nthreshold = 2\nshort_circuit = true\ncount = [\"badmail\"]\n",
    );
    let bad = message("badmail-iloveyou.eml");
    let clean = message("clean-plain.eml");
    for msg in [&bad, &bad, &bad, &bad, &clean] {
        let run = site.deliver(msg, "bomb@evil.example", "info@example.com");
        assert_eq!(run.code, 99, "{run:?}");
    }
    let log = site.log_lines();
    assert_eq!(log.len(), 5, "{log:?}");
    for line in &log {
        assert!(line.contains("+U:0+V:0|"), "{line}");
    }
    // Three real incidents (the third passed the threshold), then two
    // messages the brake stopped without running the engines.
    for line in &log[3..] {
        assert!(line.contains("|-|A:quarantine|"), "{line}");
        assert!(line.ends_with("|bomber:1"), "{line}");
    }
    // Every badmail message counts (the fourth is badmail itself); the
    // clean one the brake stopped does not.
    let counts: Vec<u32> = support::bomber_counts(&site.rep()).into_values().collect();
    assert_eq!(counts, vec![1, 2, 3, 4], "{}", site.rep());
    // Reports: the recipient's for the first two (the site names no
    // guards); nothing for the messages the brake stopped.
    assert_eq!(site.sent().len(), 2, "{:?}", site.sent());
    let d = json(&report(&site, &["--json"]));
    assert_eq!(
        d["verdicts"],
        serde_json::json!({"clean": 0, "errormail": 0, "badmail": 5, "unchecked": 0, "virus": 0})
    );
    let bomber = d["conditions"]
        .as_array()
        .expect("conditions")
        .iter()
        .find(|c| c["condition"] == "bomber")
        .cloned();
    assert_eq!(
        bomber,
        Some(serde_json::json!({"condition": "bomber", "messages": 2, "findings": 2}))
    );
    let text = stdout(&report(&site, &[]));
    assert!(
        text.contains("  bomber               2        2\n"),
        "{text}"
    );
}

/// The same log read through two inputs (a copy, overlapping rotated
/// files, a merged log) counts each message once, and each release line
/// once too.
#[test]
fn release_lines_read_twice_are_counted_once() {
    let site = Site::new("");
    let run = site.deliver(
        &message("badmail-exe.eml"),
        "a@example.org",
        "joe@example.com",
    );
    assert_eq!(run.code, 99, "{run:?}");
    support::release_last(&site);
    let log = site.dir().join("log/qmvc.log");
    let copy = site.dir().join("copy.log");
    fs::copy(&log, &copy).expect("copy");
    let (log, copy) = (log.display().to_string(), copy.display().to_string());
    let d = json(&report(&site, &["--json", "--log", &log, "--log", &copy]));
    assert_eq!(d["messages"], 1, "{d}");
    assert_eq!(
        named(&d["actions"]),
        pairs(&[("quarantine", 1), ("release", 1)])
    );
    assert_eq!(d["repeated"], 2, "{d}");
}
