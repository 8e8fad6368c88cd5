//! Several delivery hosts, one site: the bomber counters in one real
//! Redis (tests/support/redis.rs) shared by two qmvc "hosts" (two
//! configurations with their own `[site] host`, state directory, log and
//! quarantine), and what happens when Redis is stopped, hangs or answers
//! garbage (tiny TCP listeners in the test, named as stand-ins): the
//! delivery keeps its exit code, finishes within the timeout plus 100 ms,
//! counts in the local files instead and says so.

mod support;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::Stdio;
use std::time::{Duration, Instant};

use qmvc::actions::log::LogLine;
use support::redis::Redis;
use support::{Site, bomber_counts, message, user_env};

/// The tests here run one at a time: the timing test must not share two
/// cores with 50 deliveries of another.
static ALONE: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn alone() -> std::sync::MutexGuard<'static, ()> {
    ALONE.lock().unwrap_or_else(|p| p.into_inner())
}

const SENDER: &str = "Bomber@Example.ORG";
const TIMEOUT_MS: u64 = 200;
const THRESHOLD: u32 = 20;

/// A "host": a site whose bomber state is in `servers` (within
/// `timeout_ms`), sending incident reports or not.
fn host(name: &str, servers: &[String], timeout_ms: u64, reports: bool) -> Site {
    let servers: Vec<String> = servers.iter().map(|s| format!("{s:?}")).collect();
    let site = Site::new(&format!(
        "[guards]\nbadmail = [\"bm@example.com\"]\n\n[site]\nhost = \"{name}\"\n\n\
         [state]\nbackend = \"redis\"\nservers = [{}]\ntimeout_ms = {timeout_ms}\n",
        servers.join(", ")
    ));
    let reactions = if reports {
        "sender = [\"badmail\"]"
    } else {
        "sender = []\nguards = []\nrecipient = []"
    };
    site.profile(
        "default",
        &format!(
            "[reactions]\n{reactions}\n\n[reactions.bomber]\nthreshold = {THRESHOLD}\n\
             window = \"1h\"\nshort_circuit = true\n"
        ),
    );
    site
}

/// Bomber alerts the stand-in inject program was given.
fn alerts(site: &Site) -> usize {
    site.sent()
        .iter()
        .filter(|(_, m)| String::from_utf8_lossy(m).contains(".bomber."))
        .count()
}

#[test]
fn redis_two_hosts_reach_the_threshold_together_exactly() {
    let _alone = alone();
    let Some(redis) = Redis::start() else { return };
    const DELIVERIES: usize = 50;
    // 50 debug-build processes at once on two shared cores: each gets a
    // long timeout here, so that none falls back only for want of CPU.
    let hosts = [
        host("mx1", &[redis.url()], 5000, true),
        host("mx2", &[redis.url()], 5000, true),
    ];
    let original = message("badmail-exe.eml");
    let env = user_env(SENDER, "bob@example.com");
    let children: Vec<_> = (0..DELIVERIES)
        .map(|i| hosts[i % 2].spawn(&original, &env))
        .collect();
    for child in children {
        let out = child.wait_with_output().expect("wait");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(99), "{stderr}");
        assert!(stderr.is_empty(), "{stderr}");
    }
    // Counts 1..50 handed out once each, over both hosts' .rep files.
    let mut counts: Vec<u32> = Vec::new();
    for site in &hosts {
        let mine = bomber_counts(&site.rep());
        assert_eq!(mine.len(), DELIVERIES / 2);
        counts.extend(mine.values());
    }
    counts.sort_unstable();
    assert_eq!(counts, (1..=DELIVERIES as u32).collect::<Vec<u32>>());
    // One alert for the whole site, from whichever host counted 21.
    assert_eq!(alerts(&hosts[0]) + alerts(&hosts[1]), 1);
    // Redis holds one key, a hash of the sender; no host used its files.
    let keys = redis.keys();
    assert_eq!(keys.len(), 1, "{keys:?}");
    assert!(keys[0].starts_with("qmvc:bomber:"), "{keys:?}");
    assert!(!keys[0].to_lowercase().contains("bomber@"), "{keys:?}");
    for site in &hosts {
        assert!(!site.dir().join("state/bomber").exists());
        let lines: Vec<LogLine> = site
            .log_lines()
            .iter()
            .filter_map(|l| LogLine::parse(l))
            .collect();
        assert_eq!(lines.len(), DELIVERIES / 2);
    }
    println!(
        "redis: {DELIVERIES} deliveries over 2 hosts, counts 1..={DELIVERIES} once each, 1 alert"
    );
}

/// A stand-in for a Redis that accepts connections and then does
/// `behave` with each (never answer, answer garbage).
fn stand_in(behave: fn(std::net::TcpStream)) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || behave(stream));
        }
    });
    format!("redis://{addr}/0")
}

fn hang(mut stream: std::net::TcpStream) {
    let mut buf = [0u8; 4096];
    // Read what comes, never answer, keep the connection open.
    while stream.read(&mut buf).is_ok_and(|n| n > 0) {}
}

fn garbage(mut stream: std::net::TcpStream) {
    let mut buf = [0u8; 4096];
    let answers: [&[u8]; 4] = [
        b"HTTP/1.0 400 Bad Request\r\n\r\n",
        b"$99999999999\r\nxx",
        b"*2\r\n:1\r\n",
        b"\x00\xff\xfe garbage \x1b[31m\r\n",
    ];
    let mut i = 0;
    while stream.read(&mut buf).is_ok_and(|n| n > 0) {
        let _ = stream.write_all(answers[i % answers.len()]);
        i += 1;
    }
}

/// Delivers `name` to a host whose Redis is `servers`, twice (the second
/// time the files say 2), and checks exit code, time and the fallback.
fn falls_back(what: &str, servers: &[String]) {
    let site = host("mx1", servers, TIMEOUT_MS, false);
    let env = user_env(SENDER, "bob@example.com");
    for (name, code, incident) in [
        ("badmail-exe.eml", 99, true),
        ("clean-plain.eml", 0, false),
        ("badmail-exe.eml", 99, true),
    ] {
        let original = message(name);
        let mut cmd = site.command(&env, &[]);
        cmd.stdin(site.queue_file(&original))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let start = Instant::now();
        let out = cmd.output().expect("run qmvc");
        let took = start.elapsed();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{what} {name}: {stderr}");
        assert!(
            took <= Duration::from_millis(TIMEOUT_MS + 100),
            "{what} {name}: took {took:?}"
        );
        if incident {
            assert!(
                stderr.contains("counted in the local files instead"),
                "{what}: {stderr}"
            );
        }
        println!("redis {what}: {name} exit {code} in {took:?}");
    }
    let rep = site.rep();
    assert_eq!(
        rep.matches("problem: bomber state: redis").count(),
        2,
        "{what}: {rep}"
    );
    let mut counts: Vec<u32> = bomber_counts(&rep).into_values().collect();
    counts.sort_unstable();
    assert_eq!(counts, [1, 2], "{what}: the files counted");
    assert!(site.dir().join("state/bomber").is_dir());
}

#[test]
fn redis_stopped_hanging_or_garbage_keeps_exit_codes_and_falls_back() {
    let _alone = alone();
    let Some(mut redis) = Redis::start() else {
        return;
    };
    let socket = redis.url();
    redis.kill();
    falls_back("stopped", std::slice::from_ref(&socket));
    falls_back("hanging", &[stand_in(hang)]);
    falls_back("garbage", &[stand_in(garbage)]);
    // Every server is tried within one timeout, in order.
    falls_back("all three", &[socket, stand_in(garbage), stand_in(hang)]);
}

#[test]
fn redis_second_server_takes_over_when_the_first_is_down() {
    let _alone = alone();
    let Some(redis) = Redis::start() else { return };
    let site = host("mx1", &[stand_in(garbage), redis.url()], TIMEOUT_MS, true);
    let env = user_env(SENDER, "bob@example.com");
    let original = message("badmail-exe.eml");
    let run = site.run(&original, &env, &[], support::Stdin::File);
    assert_eq!(run.code, 99, "{run:?}");
    assert!(run.stderr.is_empty(), "{run:?}");
    assert_eq!(redis.keys().len(), 1);
    assert!(!site.dir().join("state/bomber").exists());
}
