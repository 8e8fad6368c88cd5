//! Several delivery hosts, one site: incident ids and quarantine names
//! never collide across hosts, and `qmvc report` over every host's logs
//! counts every incident once and shows the hosts.
//!
//! Two "hosts" (two configurations with their own `[site] host` and log,
//! one shared quarantine as on NFS) deliver at the same time, each in its
//! own PID namespace (unshare(1), as root): process ids repeat across the
//! hosts exactly as on two machines, so only the host keeps the ids apart.
//! Without unshare the deliveries run in this namespace, and the test says
//! so. Deliveries per host: `QMVC_CLUSTER_IDS`, default 300 (10,000 each
//! is a run of some ten minutes on two cores).

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use qmvc::actions::log::LogLine;
use support::{QMVC, Site, data, user_env};

fn deliveries() -> usize {
    std::env::var("QMVC_CLUSTER_IDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(300)
}

/// A host of the site: its own log, report file and state, the shared
/// quarantine; no incident reports, no bomber (not what is tested here).
fn host(name: &str, quarantine: &Path) -> Site {
    let site = Site::new(&format!("[site]\nhost = \"{name}\"\n"));
    site.set_path("quarantine", quarantine);
    site.profile(
        "default",
        "[reactions]\nsender = []\nguards = []\nrecipient = []\n\n[reactions.bomber]\nthreshold = 0\n",
    );
    site
}

/// True when unshare(1) can give a process its own PID namespace here.
fn have_pid_namespaces() -> bool {
    Command::new("unshare")
        .args(["--pid", "--fork", "true"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Starts `n` deliveries of `message` one after the other on `site`, in
/// a PID namespace of their own when `namespace`.
fn start(site: &Site, n: usize, message: &Path, namespace: bool) -> std::process::Child {
    let script = format!(
        "i=0; while [ $i -lt {n} ]; do \"$QMVC\" < \"$MESSAGE\" >/dev/null 2>>\"$ERRORS\"; rc=$?; [ $rc -eq 99 ] || echo \"exit $rc\" >>\"$ERRORS\"; i=$((i+1)); done"
    );
    let mut cmd = if namespace {
        let mut c = Command::new("unshare");
        c.args(["--pid", "--fork", "sh", "-c", &script]);
        c
    } else {
        let mut c = Command::new("sh");
        c.args(["-c", &script]);
        c
    };
    cmd.env_clear()
        .envs(user_env("alice@example.org", "bob@example.com"))
        .env("PATH", "/usr/bin:/bin")
        .env("QMVC_CONFIG", &site.config)
        .env("QMVC", QMVC)
        .env("MESSAGE", message)
        .env("ERRORS", site.dir().join("errors"))
        .current_dir(site.dir())
        .spawn()
        .expect("start the host's deliveries")
}

#[test]
fn ids_never_collide_across_hosts_and_report_counts_each_incident_once() {
    let n = deliveries();
    let shared = tempfile::tempdir().expect("tempdir");
    let quarantine = shared.path().join("quarantine");
    let hosts = [host("mx1", &quarantine), host("mx2", &quarantine)];
    let namespace = have_pid_namespaces();
    if !namespace {
        eprintln!("NOTE: unshare --pid is not available: process ids do not repeat across hosts");
    }
    let message = data("badmail-exe.eml");
    let runs: Vec<_> = hosts
        .iter()
        .map(|h| start(h, n, &message, namespace))
        .collect();
    for mut run in runs {
        assert!(run.wait().expect("wait").success());
    }
    let mut ids: BTreeMap<String, String> = BTreeMap::new();
    let mut pids: Vec<BTreeSet<u32>> = Vec::new();
    for (site, name) in hosts.iter().zip(["mx1", "mx2"]) {
        let errors = fs::read_to_string(site.dir().join("errors")).unwrap_or_default();
        assert_eq!(errors, "", "{name}");
        let lines: Vec<LogLine> = site
            .log_lines()
            .iter()
            .map(|l| LogLine::parse(l).unwrap_or_else(|| panic!("{l}")))
            .collect();
        assert_eq!(lines.len(), n, "{name}");
        pids.push(lines.iter().map(|l| l.pid).collect());
        for l in lines {
            assert_eq!(l.host.as_deref(), Some(name));
            assert!(l.id.ends_with(&format!(".{name}")), "{}", l.id);
            assert_eq!(l.exit, 99);
            if let Some(other) = ids.insert(l.id.clone(), name.to_string()) {
                panic!("id {} from {name} and {other}", l.id);
            }
        }
    }
    assert_eq!(ids.len(), 2 * n, "every id once");
    let same_pids = pids[0].intersection(&pids[1]).count();
    if namespace {
        assert!(same_pids > 0, "the namespaces gave the hosts the same pids");
    }
    // One shared quarantine: every file there, under its own name with
    // the host in it, carrying one of the ids.
    let stored = fs::read_dir(quarantine.join("new"))
        .expect("quarantine new/")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect::<Vec<_>>();
    assert_eq!(stored.len(), 2 * n);
    for host in ["mx1", "mx2"] {
        let suffix = format!(".{host}");
        assert_eq!(stored.iter().filter(|s| s.ends_with(&suffix)).count(), n);
    }

    // qmvc report over both hosts' logs and report files, one log given
    // a second time as a gzip-compressed copy (as logrotate leaves it).
    let log1 = hosts[0].dir().join("log/qmvc.log");
    let copy = shared.path().join("qmvc.log.1.gz");
    let mut gz = flate2::write::GzEncoder::new(
        fs::File::create(&copy).expect("create"),
        flate2::Compression::fast(),
    );
    gz.write_all(&fs::read(&log1).expect("read log"))
        .expect("gzip");
    gz.finish().expect("gzip");
    let mut args: Vec<String> = vec!["report".into(), "--json".into()];
    for p in [
        log1.clone(),
        hosts[1].dir().join("log/qmvc.log"),
        copy,
        log1,
    ] {
        args.extend(["--log".into(), p.display().to_string()]);
    }
    for h in &hosts {
        let rep = h.dir().join("log/qmvc.rep");
        args.extend(["--rep".into(), rep.display().to_string()]);
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = support::admin(&hosts[0], &args);
    assert_eq!(out.status.code(), Some(0), "{}", support::stderr(&out));
    let report: serde_json::Value =
        serde_json::from_str(&support::stdout(&out)).expect("report JSON");
    let total = 2 * n as u64;
    assert_eq!(report["messages"], total, "{report:#}");
    assert_eq!(report["verdicts"]["badmail"], total);
    assert_eq!(report["rep_blocks"], total);
    assert_eq!(report["repeated"], n as u64, "the gzip copy, counted once");
    let hosts_seen: Vec<(String, u64)> = report["hosts"]
        .as_array()
        .expect("hosts")
        .iter()
        .map(|h| {
            (
                h["name"].as_str().unwrap_or_default().to_string(),
                h["incidents"].as_u64().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        hosts_seen,
        [("mx1".to_string(), n as u64), ("mx2".to_string(), n as u64)]
    );
    assert!(support::stderr(&out).contains("already read; counted once"));
    println!(
        "cluster ids: {n} deliveries per host{}, {same_pids} pids used on both hosts, {} distinct ids, report: {total} messages, {total} incidents",
        if namespace {
            " (own PID namespaces)"
        } else {
            ""
        },
        ids.len()
    );
}
