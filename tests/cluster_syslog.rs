//! The syslog copy of the log line (`[log] syslog = true`): one RFC 5424
//! record per message on the configured socket, the log line unchanged as
//! its message; a missing socket changes nothing but a line on stderr;
//! `qmvc report` reads a central syslog file beside the hosts' own logs
//! and counts each message once. The syslog daemon is a stand-in: a unix
//! datagram socket bound by the test (a real rsyslog would need the
//! machine's /dev/log).

mod support;

use std::fs;
use std::os::unix::net::UnixDatagram;
use std::time::Duration;

use qmvc::actions::log::LogLine;
use support::{Site, message};

#[test]
fn syslog_record_carries_the_log_line_and_report_reads_it_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let socket = dir.path().join("log.sock");
    let daemon = UnixDatagram::bind(&socket).expect("bind the stand-in syslog socket");
    daemon
        .set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    let site = Site::new(&format!(
        "[site]\nhost = \"mx7\"\n\n[log]\nsyslog = true\nsyslog_socket = \"{}\"\n",
        socket.display()
    ));
    let run = site.deliver(
        &message("badmail-exe.eml"),
        "alice@example.org",
        "bob@example.com",
    );
    assert_eq!(run.code, 99, "{run:?}");
    assert_eq!(run.stderr, "");
    let mut buf = vec![0u8; 65536];
    let n = daemon.recv(&mut buf).expect("a syslog record");
    let record = String::from_utf8_lossy(&buf[..n]).into_owned();
    let line = site.log_lines().pop().expect("a log line");
    let parsed = LogLine::parse(&line).expect("log line");
    // <PRI>VERSION TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD MSG
    let f: Vec<&str> = record.splitn(8, ' ').collect();
    assert_eq!(f[0], "<22>1", "{record}");
    assert!(
        chrono::DateTime::parse_from_rfc3339(f[1]).is_ok(),
        "{record}"
    );
    assert_eq!(f[2..7], ["mx7", "qmvc", &parsed.pid.to_string(), "-", "-"]);
    assert_eq!(f[7], line);
    assert_eq!(parsed.host.as_deref(), Some("mx7"));

    // A central file as rsyslog writes it (its own time, host and tag in
    // front), read with the host's own log: the message counts once.
    let central = dir.path().join("mail.log");
    fs::write(
        &central,
        format!("Nov 28 15:00:00 mx7 qmvc[{}]: {line}\n", parsed.pid),
    )
    .expect("write");
    let own = site.dir().join("log/qmvc.log");
    let out = support::admin(
        &site,
        &[
            "report",
            "--json",
            "--log",
            own.to_str().expect("utf-8"),
            "--log",
            central.to_str().expect("utf-8"),
        ],
    );
    let report: serde_json::Value =
        serde_json::from_str(&support::stdout(&out)).expect("report JSON");
    assert_eq!(report["messages"], 1, "{report:#}");
    assert_eq!(report["repeated"], 1);
    assert_eq!(report["not_understood"], 0);

    // No syslog daemon: the delivery is the same, stderr says so.
    drop(daemon);
    fs::remove_file(&socket).expect("remove socket");
    let run = site.deliver(
        &message("clean-plain.eml"),
        "alice@example.org",
        "bob@example.com",
    );
    assert_eq!(run.code, 0, "{run:?}");
    run.assert_stderr_has(&["qmvc: syslog record not sent to ", "log.sock"]);
}
