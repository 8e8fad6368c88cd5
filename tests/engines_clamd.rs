//! The clamd client against fake servers (every reply path, timeouts,
//! failover; no clamd needed) and against a real private clamd.

mod support {
    pub mod clamd;
}

use std::io::{Read, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use qmvc::engines::clamd::{Answer, Limits, Pool, Server, ping, scan};
use support::clamd::{CLAM_EXE, Clamd, EICAR, Options, TESTFILES, standard_db};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// A fake clamd on a unix socket: each connection is handed to `serve`;
/// the counter says how many connections came.
struct Fake {
    _dir: tempfile::TempDir,
    path: PathBuf,
    connections: Arc<AtomicUsize>,
}

impl Fake {
    fn start(serve: impl Fn(UnixStream) + Send + Sync + 'static) -> std::io::Result<Fake> {
        let dir = tempfile::Builder::new()
            .prefix("qmvc-fake-")
            .tempdir_in("/tmp")?;
        let path = dir.path().join("s");
        let listener = UnixListener::bind(&path)?;
        let connections = Arc::new(AtomicUsize::new(0));
        let count = Arc::clone(&connections);
        let serve = Arc::new(serve);
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                count.fetch_add(1, Ordering::SeqCst);
                let serve = Arc::clone(&serve);
                thread::spawn(move || serve(stream));
            }
        });
        Ok(Fake {
            _dir: dir,
            path,
            connections,
        })
    }

    fn server(&self) -> Server {
        Server::Unix(self.path.clone())
    }

    fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

/// Reads a whole `zINSTREAM` request (command, chunks, zero length) and
/// returns the content.
fn read_stream(s: &mut UnixStream) -> Vec<u8> {
    let mut cmd = [0u8; 10];
    if s.read_exact(&mut cmd).is_err() || &cmd != b"zINSTREAM\0" {
        return Vec::new();
    }
    let mut content = Vec::new();
    loop {
        let mut len = [0u8; 4];
        if s.read_exact(&mut len).is_err() {
            return content;
        }
        let len = u32::from_be_bytes(len) as usize;
        if len == 0 {
            return content;
        }
        let mut chunk = vec![0u8; len];
        if s.read_exact(&mut chunk).is_err() {
            return content;
        }
        content.extend_from_slice(&chunk);
    }
}

fn replying(reply: &'static [u8]) -> impl Fn(UnixStream) + Send + Sync + 'static {
    move |mut s| {
        read_stream(&mut s);
        let _ = s.write_all(reply);
    }
}

fn limits(attempt_ms: u64) -> Limits {
    Limits {
        attempt: Duration::from_millis(attempt_ms),
        deadline: Instant::now() + Duration::from_secs(30),
    }
}

#[test]
fn fake_server_replies_are_understood() -> TestResult {
    let cases: [(&'static [u8], Option<Answer>); 5] = [
        (b"stream: OK\0", Some(Answer::Clean)),
        (
            b"stream: Eicar-Signature FOUND\0",
            Some(Answer::Found(vec!["Eicar-Signature".into()])),
        ),
        (
            b"stream: Eicar-Signature(44d88612fea8a8f36de82e1278abb02f:68) FOUND\0",
            Some(Answer::Found(vec!["Eicar-Signature".into()])),
        ),
        (
            b"INSTREAM size limit exceeded. ERROR\0",
            Some(Answer::SizeLimit),
        ),
        (b"stream: lstat() failed ERROR\0", None),
    ];
    for (reply, expected) in cases {
        let fake = Fake::start(replying(reply))?;
        let got = scan(&fake.server(), b"content", limits(5000)).ok();
        assert_eq!(got, expected, "{:?}", String::from_utf8_lossy(reply));
    }
    Ok(())
}

#[test]
fn garbage_and_silence_are_errors_never_clean() -> TestResult {
    for reply in [&b"HELLO\0"[..], b"", b"stream: OK"] {
        // "stream: OK" without its NUL and then a close is still accepted
        // as a reply; only the first two must fail.
        let fake = Fake::start(replying(reply))?;
        let got = scan(&fake.server(), b"x", limits(5000));
        if reply == b"stream: OK" {
            assert_eq!(got.ok(), Some(Answer::Clean));
        } else {
            assert!(
                got.is_err(),
                "{:?} gave {got:?}",
                String::from_utf8_lossy(reply)
            );
        }
    }
    Ok(())
}

#[test]
fn a_server_that_never_answers_times_out() -> TestResult {
    let fake = Fake::start(|mut s| {
        read_stream(&mut s);
        thread::sleep(Duration::from_secs(20));
        drop(s);
    })?;
    let started = Instant::now();
    let got = scan(&fake.server(), b"x", limits(300));
    let took = started.elapsed();
    assert!(
        matches!(got, Err(qmvc::engines::clamd::Failure::Timeout)),
        "{got:?}"
    );
    assert!(took < Duration::from_secs(5), "{took:?}");
    Ok(())
}

#[test]
fn a_server_dripping_bytes_is_cut_at_the_attempt_timeout() -> TestResult {
    let fake = Fake::start(|mut s| {
        read_stream(&mut s);
        for _ in 0..100 {
            if s.write_all(b"s").is_err() {
                return;
            }
            thread::sleep(Duration::from_millis(100));
        }
    })?;
    let started = Instant::now();
    let got = scan(&fake.server(), b"x", limits(500));
    assert!(got.is_err(), "{got:?}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    Ok(())
}

#[test]
fn a_server_closing_mid_stream_still_gives_its_reply() -> TestResult {
    // What clamd does past StreamMaxLength: reply, close, unread input.
    let fake = Fake::start(|mut s| {
        let mut head = [0u8; 1024];
        let _ = s.read_exact(&mut head);
        let _ = s.write_all(b"INSTREAM size limit exceeded. ERROR\0");
    })?;
    let big = vec![b'a'; 8 << 20];
    let got = scan(&fake.server(), &big, limits(10_000));
    assert_eq!(got.ok(), Some(Answer::SizeLimit));
    Ok(())
}

#[test]
fn a_clean_answer_before_the_whole_stream_is_no_answer() -> TestResult {
    // A broken server or proxy that says OK after a part of the content
    // and closes: what it did not read was not examined. A FOUND in that
    // part still counts.
    let early = |reply: &'static [u8]| {
        move |mut s: UnixStream| {
            let mut head = vec![0u8; 300 << 10];
            let _ = s.read_exact(&mut head);
            let _ = s.write_all(reply);
        }
    };
    let big = vec![b'a'; 8 << 20];
    let ok = Fake::start(early(b"stream: OK\0"))?;
    let got = scan(&ok.server(), &big, limits(10_000));
    let e = got.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(e.contains("before the whole content was sent"), "{e}");
    let found = Fake::start(early(b"stream: Bad.Thing FOUND\0"))?;
    let got = scan(&found.server(), &big, limits(10_000));
    assert_eq!(got.ok(), Some(Answer::Found(vec!["Bad.Thing".into()])));
    Ok(())
}

#[test]
fn failover_moves_a_dead_server_back_and_found_is_final() -> TestResult {
    let dead = Server::Unix("/nonexistent/qmvc/clamd.sock".into());
    let found = Fake::start(replying(b"stream: Bad.Thing FOUND\0"))?;
    let never = Fake::start(replying(b"stream: OK\0"))?;
    let mut pool = Pool::in_order(vec![dead, found.server(), never.server()]);
    assert_eq!(
        pool.scan(b"x", limits(2000)).ok(),
        Some(Answer::Found(vec!["Bad.Thing".into()]))
    );
    assert_eq!(never.connections(), 0, "a FOUND must be final");
    // The dead server went to the back: the next scan starts with the one
    // that answered.
    pool.scan(b"y", limits(2000))?;
    assert_eq!(found.connections(), 2);
    assert_eq!(never.connections(), 0);
    let mut all_dead = Pool::in_order(vec![
        Server::Unix("/nonexistent/a".into()),
        Server::Tcp("127.0.0.1:1".into()),
    ]);
    let e = all_dead.scan(b"x", limits(2000)).err().unwrap_or_default();
    assert!(
        e.contains("unix:/nonexistent/a: cannot connect") && e.contains("tcp:127.0.0.1:1"),
        "{e}"
    );
    Ok(())
}

#[test]
fn the_overall_deadline_bounds_every_server_together() -> TestResult {
    let silent = || {
        Fake::start(|mut s| {
            read_stream(&mut s);
            thread::sleep(Duration::from_secs(20));
        })
    };
    let (a, b, c) = (silent()?, silent()?, silent()?);
    let mut pool = Pool::in_order(vec![a.server(), b.server(), c.server()]);
    let started = Instant::now();
    let limits = Limits {
        attempt: Duration::from_millis(400),
        deadline: Instant::now() + Duration::from_millis(600),
    };
    assert!(pool.scan(b"x", limits).is_err());
    assert!(
        started.elapsed() < Duration::from_millis(1500),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(
        c.connections(),
        0,
        "the deadline passed before the third server"
    );
    Ok(())
}

// Real clamd from here on.

#[test]
#[ignore = "needs clamav-daemon and yara: run tools/install-test-deps"]
fn real_clamd_infected_clean_ping_and_testfiles() -> TestResult {
    let clamd = Clamd::start_with(Options {
        db: standard_db()?,
        tcp: true,
        ..Options::default()
    })?;
    for server in [
        Server::parse(&clamd.server())?,
        Server::parse(&clamd.tcp_server().unwrap_or_default())?,
    ] {
        ping(&server, limits(5000))?;
        assert_eq!(
            scan(&server, EICAR, limits(10_000)).ok(),
            Some(Answer::Found(vec!["Eicar.Test.UNOFFICIAL".into()])),
            "{server}"
        );
        let clean = format!("clean content {:?} {server}", Instant::now());
        assert_eq!(
            scan(&server, clean.as_bytes(), limits(10_000)).ok(),
            Some(Answer::Clean)
        );
        let exe = std::fs::read(CLAM_EXE)?;
        assert_eq!(
            scan(&server, &exe, limits(10_000)).ok(),
            Some(Answer::Found(vec!["Clam.Test.UNOFFICIAL".into()]))
        );
    }
    // Every packed, archived and mailed form of clam.exe in the package.
    let server = Server::parse(&clamd.server())?;
    let mut missed = Vec::new();
    let mut count = 0;
    for entry in std::fs::read_dir(TESTFILES)? {
        let path = entry?.path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_string();
        if !name.starts_with("clam") {
            continue;
        }
        count += 1;
        match scan(&server, &std::fs::read(&path)?, limits(30_000)) {
            Ok(Answer::Found(_)) => {}
            other => missed.push(format!("{name}: {other:?}")),
        }
    }
    eprintln!(
        "clamav-testfiles: {} of {count} detected",
        count - missed.len()
    );
    assert!(count > 20, "only {count} test files");
    assert!(missed.is_empty(), "{missed:#?}");
    Ok(())
}

#[test]
#[ignore = "needs clamav-daemon and yara: run tools/install-test-deps"]
fn real_clamd_size_limit_over_unix_and_tcp() -> TestResult {
    let clamd = Clamd::start_with(Options {
        db: standard_db()?,
        tcp: true,
        stream_max_length: Some("1K".into()),
        ..Options::default()
    })?;
    let big = vec![b'z'; 4 << 20];
    for server in [clamd.server(), clamd.tcp_server().unwrap_or_default()] {
        let server = Server::parse(&server)?;
        assert_eq!(
            scan(&server, &big, limits(10_000)).ok(),
            Some(Answer::SizeLimit),
            "{server}"
        );
        // Under the limit it still scans.
        assert_eq!(
            scan(&server, EICAR, limits(10_000)).ok(),
            Some(Answer::Found(vec!["Eicar.Test.UNOFFICIAL".into()]))
        );
    }
    Ok(())
}

#[test]
#[ignore = "needs clamav-daemon and yara: run tools/install-test-deps"]
fn real_clamd_stopped_is_a_failure_and_a_second_server_takes_over() -> TestResult {
    let first = Clamd::start(standard_db()?)?;
    let second = Clamd::start(standard_db()?)?;
    let first_server = Server::parse(&first.server())?;
    drop(first);
    assert!(scan(&first_server, EICAR, limits(2000)).is_err());
    let mut pool = Pool::in_order(vec![first_server, Server::parse(&second.server())?]);
    assert_eq!(
        pool.scan(EICAR, limits(10_000)).ok(),
        Some(Answer::Found(vec!["Eicar.Test.UNOFFICIAL".into()]))
    );
    Ok(())
}
