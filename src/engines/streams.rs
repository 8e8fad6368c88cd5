//! Several items scanned by clamd at once, each on its own connection.
//!
//! A delivery sends clamd the whole message and then the parts qmvc
//! decoded (the `both` input). One after the other, a large attachment is
//! paid twice in a row: clamd decodes and scans it inside the message,
//! then scans the decoded copy. clamd serves each connection on a thread
//! of its own (clamd.conf(5) `MaxThreads`), so the two can run side by
//! side and a delivery waits for the longer of them instead of their sum.
//!
//! The answers are the ones the sequential order would give: they are
//! kept by item and read in order by the caller, which stops at the first
//! virus or failure just as before; an item sent early whose turn never
//! comes is simply not counted. Once an answer ends the run, no further
//! item is started.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use super::clamd::{Answer, Pool, Server};

/// Connections one delivery holds open to an engine's servers at most.
/// Two covers the message and its largest part; more would let one
/// message with many parts take a whole clamd's threads from the other
/// deliveries running beside it.
pub(super) const STREAMS: usize = 2;

/// What [`scan_ahead`] got for one item: `None` when it was not sent
/// (not wanted, or the run ended first).
pub(super) type Ahead = Option<Result<Answer, String>>;

/// Scans the items at the indexes `wanted` (in that order of start) on
/// up to [`STREAMS`] connections at once, each stream with its own
/// [`Pool`] over `servers`. `scan` sends one item; `ends` tells an answer
/// that ends the run (a virus, a failure), after which no item is
/// started. Returns one entry per item of `items`.
///
/// With fewer than two items wanted nothing is sent: the caller's own
/// sequential pass is as fast.
pub(super) fn scan_ahead<T: Sync>(
    items: &[T],
    wanted: &[usize],
    servers: &[Server],
    scan: impl Fn(&mut Pool, &T) -> Result<Answer, String> + Sync,
    ends: impl Fn(&Result<Answer, String>) -> bool + Sync,
) -> Vec<Ahead> {
    let mut out: Vec<Ahead> = Vec::new();
    out.resize_with(items.len(), || None);
    if wanted.len() < 2 {
        return out;
    }
    let results = Mutex::new(out);
    let next = AtomicUsize::new(0);
    let ended = AtomicBool::new(false);
    std::thread::scope(|scope| {
        for _ in 0..STREAMS.min(wanted.len()) {
            // A thread the system refuses is no stream: what no stream
            // scanned, the caller scans in its own pass.
            let _ = std::thread::Builder::new().spawn_scoped(scope, || {
                let mut pool = Pool::new(servers.to_vec());
                while !ended.load(Ordering::SeqCst) {
                    let Some(&index) = wanted.get(next.fetch_add(1, Ordering::SeqCst)) else {
                        break;
                    };
                    let Some(item) = items.get(index) else {
                        break;
                    };
                    let answer = scan(&mut pool, item);
                    if ends(&answer) {
                        ended.store(true, Ordering::SeqCst);
                    }
                    // A poisoned lock means another stream panicked; the
                    // scope passes that panic on, so nothing is lost here.
                    if let Ok(mut results) = results.lock()
                        && let Some(slot) = results.get_mut(index)
                    {
                        *slot = Some(answer);
                    }
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};
    use std::os::unix::net::UnixListener;
    use std::sync::atomic::AtomicUsize;
    use std::time::{Duration, Instant};

    use super::*;
    use crate::engines::clamd::Limits;

    /// A stand-in clamd on a Unix socket: answers each INSTREAM with
    /// `FOUND` when the content holds `VIRUS`, else `OK`, after `delay`,
    /// and counts the connections open at once.
    fn stand_in(delay: Duration) -> (tempfile::TempDir, Server, std::sync::Arc<AtomicUsize>) {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("clamd.sock");
        let listener = UnixListener::bind(&path).expect("bind");
        let peak = std::sync::Arc::new(AtomicUsize::new(0));
        let open = std::sync::Arc::new(AtomicUsize::new(0));
        let (peak2, open2) = (peak.clone(), open.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(mut conn) = conn else { break };
                let (peak, open) = (peak2.clone(), open2.clone());
                std::thread::spawn(move || {
                    let now = open.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(now, Ordering::SeqCst);
                    let mut data = Vec::new();
                    let mut buf = [0u8; 4096];
                    while let Ok(n) = conn.read(&mut buf) {
                        if n == 0 {
                            break;
                        }
                        data.extend_from_slice(buf.get(..n).unwrap_or(&[]));
                        if data.ends_with(&[0, 0, 0, 0]) {
                            break;
                        }
                    }
                    std::thread::sleep(delay);
                    let found = data.windows(5).any(|w| w == b"VIRUS");
                    let reply: &[u8] = if found {
                        b"stream: Test.Virus FOUND\0"
                    } else {
                        b"stream: OK\0"
                    };
                    let _ = conn.write_all(reply);
                    open.fetch_sub(1, Ordering::SeqCst);
                });
            }
        });
        let server = Server::parse(&format!("unix:{}", path.display())).expect("server");
        (dir, server, peak)
    }

    fn limits() -> Limits {
        Limits {
            attempt: Duration::from_secs(5),
            deadline: Instant::now() + Duration::from_secs(10),
        }
    }

    fn scan(pool: &mut Pool, item: &&[u8]) -> Result<Answer, String> {
        pool.scan(item, limits())
    }

    #[test]
    fn items_are_scanned_side_by_side_and_kept_in_order() {
        let (_dir, server, peak) = stand_in(Duration::from_millis(200));
        let items: Vec<&[u8]> = vec![b"message", b"part one", b"part two"];
        let ahead = scan_ahead(&items, &[0, 1, 2], &[server], scan, |a| a.is_err());
        assert_eq!(peak.load(Ordering::SeqCst), STREAMS);
        assert!(
            ahead.iter().all(|a| matches!(a, Some(Ok(Answer::Clean)))),
            "{ahead:?}"
        );
    }

    #[test]
    fn nothing_is_started_after_an_answer_that_ends_the_run() {
        let (_dir, server, _) = stand_in(Duration::from_millis(50));
        let items: Vec<&[u8]> = vec![b"VIRUS", b"VIRUS", b"a", b"b", b"c", b"d"];
        let ahead = scan_ahead(&items, &[0, 1, 2, 3, 4, 5], &[server], scan, |a| {
            matches!(a, Ok(Answer::Found(_)))
        });
        assert!(
            matches!(ahead.first(), Some(Some(Ok(Answer::Found(_))))),
            "{ahead:?}"
        );
        let sent = ahead.iter().filter(|a| a.is_some()).count();
        assert!(sent <= STREAMS + 1, "{sent} sent after a virus: {ahead:?}");
    }

    #[test]
    fn fewer_than_two_items_are_left_to_the_caller() {
        let (_dir, server, peak) = stand_in(Duration::ZERO);
        let items: Vec<&[u8]> = vec![b"message", b"part"];
        let ahead = scan_ahead(&items, &[1], &[server], scan, |a| a.is_err());
        assert!(ahead.iter().all(Option::is_none));
        assert_eq!(peak.load(Ordering::SeqCst), 0);
    }
}
