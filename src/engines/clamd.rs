//! A clamd client: `zINSTREAM` and `zPING` over a unix socket or TCP, as
//! clamd(8) describes them, with several servers tried in a shuffled order.
//!
//! The protocol (clamd(8), "COMMANDS"): a command prefixed with `z` ends in
//! a NUL byte, and so does each reply. `zINSTREAM\0` is followed by chunks,
//! each a 4-byte big-endian length and that many bytes, and a zero length
//! ends the stream. The replies are `stream: OK`, `stream: NAME FOUND`
//! (with `ExtendedDetectionInfo` the name carries a `(hash:size)` suffix),
//! `stream: ... ERROR`, and `INSTREAM size limit exceeded. ERROR` once the
//! stream passes `StreamMaxLength`. clamd closes the connection as soon as
//! the limit is passed, so a write that fails with EPIPE or ECONNRESET still
//! reads the reply; but `stream: OK` from a server that closed before it
//! had the whole content is about bytes it never saw, and is an error.
//! Anything not recognised is an error, never clean.
//!
//! Every read and write runs under the smaller of the per-attempt timeout
//! and the overall deadline, so a server that accepts and never answers
//! (or answers one byte a minute) costs at most the timeout. This module
//! does network I/O and nothing else.

use std::fmt;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// The size of one `INSTREAM` chunk (bytes). clamd reads chunks of any size
/// up to `StreamMaxLength`; 64 KiB keeps the number of writes low.
const CHUNK: usize = 64 * 1024;

/// The most reply bytes read from a server; clamd's replies are short.
const MAX_REPLY: usize = 8 * 1024;

/// The most characters kept of a virus name (names come from the server).
const MAX_NAME: usize = 200;

/// One clamd server address, as written in `servers`: `unix:/path` or
/// `tcp:host:port`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Server {
    /// A unix-domain socket (clamd.conf `LocalSocket`).
    Unix(PathBuf),
    /// A TCP address `host:port` (clamd.conf `TCPSocket`/`TCPAddr`).
    Tcp(String),
}

impl Server {
    /// Parses `unix:/absolute/path` or `tcp:host:port` (IPv6 hosts in
    /// brackets: `tcp:[::1]:3310`). Errors name what is wrong, lower case.
    pub fn parse(s: &str) -> Result<Server, String> {
        if let Some(path) = s.strip_prefix("unix:") {
            if !path.starts_with('/') {
                return Err(format!("unix socket path must be absolute: {path:?}"));
            }
            return Ok(Server::Unix(PathBuf::from(path)));
        }
        if let Some(addr) = s.strip_prefix("tcp:") {
            let (host, port) = addr
                .rsplit_once(':')
                .ok_or_else(|| format!("tcp address needs host:port: {addr:?}"))?;
            if host.is_empty() {
                return Err(format!("tcp address has no host: {addr:?}"));
            }
            match port.parse::<u16>() {
                Ok(p) if p > 0 => {}
                _ => return Err(format!("tcp port must be 1 to 65535: {port:?}")),
            }
            return Ok(Server::Tcp(addr.to_string()));
        }
        Err(format!(
            "server must be unix:/path or tcp:host:port, not {s:?}"
        ))
    }
}

impl fmt::Display for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Server::Unix(p) => write!(f, "unix:{}", p.display()),
            Server::Tcp(a) => write!(f, "tcp:{a}"),
        }
    }
}

/// A definite answer from a server about some content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// `stream: OK`.
    Clean,
    /// `stream: NAME FOUND`, names without the `(hash:size)` suffix, at
    /// least one.
    Found(Vec<String>),
    /// `INSTREAM size limit exceeded. ERROR`: the content is larger than the
    /// server's `StreamMaxLength`; nothing was scanned.
    SizeLimit,
}

/// Why an attempt on one server gave no answer. Display is one lower-case
/// line.
#[derive(Debug)]
pub enum Failure {
    /// Could not connect (refused, no such socket, unresolvable host).
    Connect(io::Error),
    /// The attempt timeout or the overall deadline passed.
    Timeout,
    /// clamd said `... ERROR` (other than the size limit).
    Server(String),
    /// The reply was not one clamd gives, or the connection closed early.
    Garbage(String),
    /// Reading or writing failed otherwise.
    Io(io::Error),
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Connect(e) => write!(f, "cannot connect: {e}"),
            Failure::Timeout => f.write_str("timed out"),
            Failure::Server(s) => write!(f, "server error: {s}"),
            Failure::Garbage(s) => write!(f, "unrecognised reply: {s}"),
            Failure::Io(e) => write!(f, "i/o error: {e}"),
        }
    }
}

impl std::error::Error for Failure {}

/// Time limits of one attempt: the per-attempt timeout and the overall
/// deadline, whichever comes first.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Longest one attempt (connect, send, reply) may take.
    pub attempt: Duration,
    /// When every attempt must have ended.
    pub deadline: Instant,
}

impl Limits {
    fn attempt_end(&self) -> Instant {
        let end = Instant::now() + self.attempt;
        end.min(self.deadline)
    }
}

/// A connection to one server.
enum Conn {
    Unix(UnixStream),
    Tcp(TcpStream),
}

/// Resolves `host:port` (getaddrinfo(3), through `ToSocketAddrs`) within
/// `left`. getaddrinfo has no timeout of its own and a dead resolver can
/// block it for tens of seconds, so it runs on its own thread; past `left`
/// that thread is abandoned (it ends with the lookup, or with the process)
/// and the attempt fails as [`Failure::Timeout`]. An IP address literal
/// needs no lookup and is returned at once.
fn resolve(addr: &str, left: Duration) -> Result<Vec<SocketAddr>, Failure> {
    if let Ok(a) = addr.parse::<SocketAddr>() {
        return Ok(vec![a]);
    }
    let (tx, rx) = std::sync::mpsc::channel();
    let owned = addr.to_owned();
    std::thread::Builder::new()
        .name("clamd-resolve".into())
        .spawn(move || {
            let _ = tx.send(owned.to_socket_addrs().map(Iterator::collect::<Vec<_>>));
        })
        .map_err(Failure::Connect)?;
    match rx.recv_timeout(left) {
        Ok(found) => found.map_err(Failure::Connect),
        Err(_) => Err(Failure::Timeout),
    }
}

impl Conn {
    fn connect(server: &Server, end: Instant) -> Result<Conn, Failure> {
        let left = remaining(end)?;
        match server {
            Server::Unix(path) => {
                // connect(2) on a unix socket does not wait for accept: it
                // fails at once when nobody listens or the backlog is full.
                UnixStream::connect(path)
                    .map(Conn::Unix)
                    .map_err(Failure::Connect)
            }
            Server::Tcp(addr) => {
                let addrs = resolve(addr, left)?;
                let mut last = io::Error::new(io::ErrorKind::NotFound, "no address");
                for a in addrs {
                    match TcpStream::connect_timeout(&a, left) {
                        Ok(s) => {
                            // Chunks are written whole; no need to wait for
                            // Nagle's algorithm between them.
                            let _ = s.set_nodelay(true);
                            return Ok(Conn::Tcp(s));
                        }
                        Err(e) if is_timeout(&e) => return Err(Failure::Timeout),
                        Err(e) => last = e,
                    }
                }
                Err(Failure::Connect(last))
            }
        }
    }

    /// Sets both socket timeouts to what is left until `end`.
    fn limit(&self, end: Instant) -> Result<(), Failure> {
        let left = Some(remaining(end)?);
        let r = match self {
            Conn::Unix(s) => s
                .set_read_timeout(left)
                .and_then(|_| s.set_write_timeout(left)),
            Conn::Tcp(s) => s
                .set_read_timeout(left)
                .and_then(|_| s.set_write_timeout(left)),
        };
        r.map_err(Failure::Io)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match self {
            Conn::Unix(s) => s.write_all(buf),
            Conn::Tcp(s) => s.write_all(buf),
        }
    }

    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Conn::Unix(s) => s.read(buf),
            Conn::Tcp(s) => s.read(buf),
        }
    }
}

/// Time left until `end`, or [`Failure::Timeout`] when none is.
fn remaining(end: Instant) -> Result<Duration, Failure> {
    let left = end.saturating_duration_since(Instant::now());
    if left.is_zero() {
        Err(Failure::Timeout)
    } else {
        Ok(left)
    }
}

fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

/// The peer closed while we were writing: clamd does this once a stream
/// passes `StreamMaxLength`, and its reply is still waiting to be read.
fn is_closed_by_peer(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::BrokenPipe
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
    )
}

/// Sends `data` to `server` with `zINSTREAM` and reads the answer.
///
/// Errors: [`Failure`] when there is no definite answer (connect, timeout,
/// clamd `ERROR`, unrecognised reply, I/O).
pub fn scan(server: &Server, data: &[u8], limits: Limits) -> Result<Answer, Failure> {
    scan_from(server, data, limits)
}

/// [`scan`] on content read from `data` as it is sent, 64 KiB at
/// a time (a part decoded while streamed: no copy of it in memory).
///
/// Errors: as [`scan`]; a read error of `data` is [`Failure::Io`].
pub fn scan_from(server: &Server, data: impl Read, limits: Limits) -> Result<Answer, Failure> {
    let end = limits.attempt_end();
    let mut conn = Conn::connect(server, end)?;
    conn.limit(end)?;
    let cut_short = match send_stream(&mut conn, data, end) {
        Ok(()) => None,
        // clamd answers and closes as soon as the stream passes its
        // StreamMaxLength: the answer says so.
        Err(Failure::Io(e)) if is_closed_by_peer(&e) => Some(e),
        Err(f) => return Err(f),
    };
    let reply = read_reply(&mut conn, end)?;
    let answer = parse_reply(&reply)?;
    match cut_short {
        // A server that closed before it had the whole content can have
        // found something in what it read, or refused the size; "clean"
        // would be about bytes it never saw, so it is no answer at all.
        Some(e) if answer == Answer::Clean => Err(Failure::Garbage(printable(&format!(
            "answered clean before the whole content was sent ({e})"
        )))),
        _ => Ok(answer),
    }
}

/// `zPING`: the server answers `PONG` when it is up.
///
/// Errors: [`Failure`] for anything but `PONG`.
pub fn ping(server: &Server, limits: Limits) -> Result<(), Failure> {
    let end = limits.attempt_end();
    let mut conn = Conn::connect(server, end)?;
    conn.limit(end)?;
    write(&mut conn, b"zPING\0", end)?;
    let reply = read_reply(&mut conn, end)?;
    let text = String::from_utf8_lossy(&reply);
    match text.trim_end_matches(['\0', '\n']).trim() {
        "PONG" => Ok(()),
        other => Err(Failure::Garbage(printable(other))),
    }
}

fn write(conn: &mut Conn, buf: &[u8], end: Instant) -> Result<(), Failure> {
    conn.limit(end)?;
    conn.write_all(buf).map_err(|e| {
        if is_timeout(&e) {
            Failure::Timeout
        } else {
            Failure::Io(e)
        }
    })
}

/// INSTREAM (clamd(8)): frames of a 4-byte big-endian length and at most
/// [`CHUNK`] bytes read from `data`, then a zero length.
fn send_stream(conn: &mut Conn, data: impl Read, end: Instant) -> Result<(), Failure> {
    write(conn, b"zINSTREAM\0", end)?;
    let mut frame = Vec::with_capacity(CHUNK + 4);
    // CHUNK fits in a u64 and in a u32.
    let mut data = data.take(u64::MAX);
    loop {
        frame.clear();
        frame.extend_from_slice(&[0; 4]);
        data.set_limit(CHUNK as u64);
        data.by_ref().read_to_end(&mut frame).map_err(Failure::Io)?;
        let len = frame.len().saturating_sub(4);
        if len == 0 {
            break;
        }
        let be = u32::try_from(len).unwrap_or(u32::MAX).to_be_bytes();
        if let Some(head) = frame.get_mut(..4) {
            head.copy_from_slice(&be);
        }
        write(conn, &frame, end)?;
    }
    write(conn, &0u32.to_be_bytes(), end)
}

/// Reads until the server closes, at most [`MAX_REPLY`] bytes. When time
/// runs out after a complete (NUL-terminated) reply came, that reply
/// counts: clamd closes after answering, but a proxy might not.
fn read_reply(conn: &mut Conn, end: Instant) -> Result<Vec<u8>, Failure> {
    let mut reply = Vec::new();
    let mut buf = [0u8; 1024];
    loop {
        if let Err(f) = conn.limit(end) {
            return complete_or(reply, f);
        }
        match conn.read(&mut buf) {
            Ok(0) => return Ok(reply),
            Ok(n) => {
                reply.extend_from_slice(buf.get(..n).unwrap_or_default());
                if reply.len() > MAX_REPLY {
                    return Err(Failure::Garbage(format!(
                        "reply longer than {MAX_REPLY} bytes"
                    )));
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) if is_timeout(&e) => return complete_or(reply, Failure::Timeout),
            // A reset after the reply arrived (the server closed with
            // unread input) still leaves a complete reply.
            Err(e) => return complete_or(reply, Failure::Io(e)),
        }
    }
}

fn complete_or(reply: Vec<u8>, f: Failure) -> Result<Vec<u8>, Failure> {
    if reply.ends_with(b"\0") {
        Ok(reply)
    } else {
        Err(f)
    }
}

/// Parses the bytes clamd sent in answer to `zINSTREAM`: one or more
/// NUL-terminated replies (several with `AllMatchScan`). A newline also ends
/// a reply, for servers that ignore the `z` prefix.
///
/// Errors: [`Failure::Server`] for `... ERROR`, [`Failure::Garbage`] for
/// an empty or unrecognised reply.
pub fn parse_reply(reply: &[u8]) -> Result<Answer, Failure> {
    let text = String::from_utf8_lossy(reply);
    let mut found = Vec::new();
    let mut clean = false;
    let mut size_limit = false;
    let mut error = None;
    for line in text
        .split(['\0', '\n'])
        .map(str::trim)
        .filter(|l| !l.is_empty())
    {
        if line == "INSTREAM size limit exceeded. ERROR" {
            size_limit = true;
        } else if let Some(what) = line.strip_suffix(" ERROR") {
            let what = what.strip_prefix("stream: ").unwrap_or(what);
            error.get_or_insert_with(|| printable(what));
        } else if let Some(rest) = line.strip_prefix("stream: ") {
            if rest == "OK" {
                clean = true;
            } else if let Some(name) = rest.strip_suffix(" FOUND").map(strip_hash) {
                if name.is_empty() {
                    return Err(Failure::Garbage(printable(line)));
                }
                let name = printable(name);
                if !found.contains(&name) {
                    found.push(name);
                }
            } else {
                return Err(Failure::Garbage(printable(line)));
            }
        } else {
            return Err(Failure::Garbage(printable(line)));
        }
    }
    if !found.is_empty() {
        Ok(Answer::Found(found))
    } else if size_limit {
        Ok(Answer::SizeLimit)
    } else if let Some(e) = error {
        Err(Failure::Server(e))
    } else if clean {
        Ok(Answer::Clean)
    } else {
        Err(Failure::Garbage("no reply".into()))
    }
}

/// Drops the `(hash:size)` suffix `ExtendedDetectionInfo` adds to a name:
/// `Eicar-Signature(44d88612fea8a8f36de82e1278abb02f:68)`.
fn strip_hash(name: &str) -> &str {
    let name = name.trim();
    if let Some(open) = name.rfind('(')
        && let Some(inner) = name.get(open + 1..).and_then(|s| s.strip_suffix(')'))
        && let Some((hash, size)) = inner.split_once(':')
        && !hash.is_empty()
        && hash.bytes().all(|b| b.is_ascii_hexdigit())
        && !size.is_empty()
        && size.bytes().all(|b| b.is_ascii_digit())
    {
        return name.get(..open).unwrap_or(name).trim_end();
    }
    name
}

/// A server-supplied text made safe for logs: control characters become
/// spaces, at most [`MAX_NAME`] characters.
fn printable(s: &str) -> String {
    s.chars()
        .take(MAX_NAME)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// Several servers of one engine, tried in a shuffled order; a server that
/// fails moves to the back, so later scans of the same message (its
/// decoded parts) try it last.
#[derive(Debug)]
pub struct Pool {
    servers: Vec<Server>,
    order: Vec<usize>,
}

impl Pool {
    /// A pool over `servers` in a random order (fastrand), so that many
    /// qmvc processes spread over the servers.
    pub fn new(servers: Vec<Server>) -> Pool {
        let mut order: Vec<usize> = (0..servers.len()).collect();
        fastrand::shuffle(&mut order);
        Pool { servers, order }
    }

    /// The servers, in the order configured.
    pub fn servers(&self) -> &[Server] {
        &self.servers
    }

    /// A pool that tries `servers` in the order given (for tests).
    pub fn in_order(servers: Vec<Server>) -> Pool {
        let order = (0..servers.len()).collect();
        Pool { servers, order }
    }

    /// Scans `data` on the first server that answers. An answer (clean,
    /// found, size limit) is final; failures move the server to the back and
    /// the next one is tried while the deadline allows.
    ///
    /// Errors: one line listing every server's failure.
    pub fn scan(&mut self, data: &[u8], limits: Limits) -> Result<Answer, String> {
        self.scan_from(|| data, limits)
    }

    /// [`Pool::scan`] on content streamed from `open()`, called once per
    /// server tried (each attempt reads the content from its start).
    ///
    /// Errors: as [`Pool::scan`].
    pub fn scan_from<R: Read>(
        &mut self,
        mut open: impl FnMut() -> R,
        limits: Limits,
    ) -> Result<Answer, String> {
        self.each(|server| scan_from(server, open(), limits), limits)
    }

    /// Pings every server.
    ///
    /// Errors: one line listing the servers that did not answer `PONG`.
    pub fn ping_all(&self, limits: Limits) -> Result<(), String> {
        let failed: Vec<String> = self
            .servers
            .iter()
            .filter_map(|s| ping(s, limits).err().map(|f| format!("{s}: {f}")))
            .collect();
        if failed.is_empty() {
            Ok(())
        } else {
            Err(failed.join("; "))
        }
    }

    fn each<T>(
        &mut self,
        mut attempt: impl FnMut(&Server) -> Result<T, Failure>,
        limits: Limits,
    ) -> Result<T, String> {
        let mut failures = Vec::new();
        for _ in 0..self.order.len() {
            if Instant::now() >= limits.deadline {
                failures.push("deadline passed".to_string());
                break;
            }
            let Some(server) = self.order.first().and_then(|&i| self.servers.get(i)) else {
                break;
            };
            match attempt(server) {
                Ok(answer) => return Ok(answer),
                Err(f) => {
                    failures.push(format!("{server}: {f}"));
                    self.order.rotate_left(1);
                }
            }
        }
        if failures.is_empty() {
            failures.push("no servers".to_string());
        }
        Err(failures.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_takes_literals_at_once_and_names_within_the_time_left() {
        let lit = resolve("127.0.0.1:3310", Duration::ZERO);
        assert!(
            matches!(lit.as_deref(), Ok([a]) if a.port() == 3310),
            "{lit:?}"
        );
        let named = resolve("localhost:3310", Duration::from_secs(30));
        assert!(
            named
                .as_ref()
                .is_ok_and(|v| v.iter().all(|a| a.ip().is_loopback())),
            "{named:?}"
        );
        assert!(matches!(
            resolve("no-such-host.invalid:3310", Duration::from_secs(30)),
            Err(Failure::Connect(_) | Failure::Timeout)
        ));
    }

    #[test]
    fn servers_parse() {
        assert_eq!(
            Server::parse("unix:/run/clamd.sock"),
            Ok(Server::Unix("/run/clamd.sock".into()))
        );
        assert_eq!(
            Server::parse("tcp:127.0.0.1:3310"),
            Ok(Server::Tcp("127.0.0.1:3310".into()))
        );
        assert_eq!(
            Server::parse("tcp:[::1]:3310"),
            Ok(Server::Tcp("[::1]:3310".into()))
        );
        for bad in [
            "unix:relative",
            "tcp:host",
            "tcp::3310",
            "tcp:h:0",
            "tcp:h:99999",
            "/x",
            "",
        ] {
            assert!(Server::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn replies_parse() {
        assert_eq!(parse_reply(b"stream: OK\0").ok(), Some(Answer::Clean));
        assert_eq!(
            parse_reply(b"stream: Eicar-Signature FOUND\0").ok(),
            Some(Answer::Found(vec!["Eicar-Signature".into()]))
        );
        assert_eq!(
            parse_reply(b"stream: Eicar-Signature(44d88612fea8a8f36de82e1278abb02f:68) FOUND\0")
                .ok(),
            Some(Answer::Found(vec!["Eicar-Signature".into()]))
        );
        // A name that merely ends in parentheses keeps them.
        assert_eq!(
            parse_reply(b"stream: Odd.Name(x) FOUND\0").ok(),
            Some(Answer::Found(vec!["Odd.Name(x)".into()]))
        );
        assert_eq!(
            parse_reply(b"INSTREAM size limit exceeded. ERROR\0").ok(),
            Some(Answer::SizeLimit)
        );
        // AllMatchScan: several replies, found wins over OK.
        assert_eq!(
            parse_reply(b"stream: A FOUND\0stream: B FOUND\0stream: A FOUND\0").ok(),
            Some(Answer::Found(vec!["A".into(), "B".into()]))
        );
        assert_eq!(parse_reply(b"stream: OK\n").ok(), Some(Answer::Clean));
    }

    #[test]
    fn anything_unrecognised_is_a_failure_never_clean() {
        for bad in [
            &b""[..],
            b"\0",
            b"OK\0",
            b"stream: \0",
            b"stream: FOUND\0",
            b"stream: Okay\0",
            b"PONG\0",
            b"UNKNOWN COMMAND\0",
            b"stream: OK trailing\0",
        ] {
            match parse_reply(bad) {
                Err(Failure::Garbage(_)) => {}
                other => panic!("{:?} gave {other:?}", String::from_utf8_lossy(bad)),
            }
        }
        match parse_reply(b"stream: Can't allocate memory ERROR\0") {
            Err(Failure::Server(s)) => assert_eq!(s, "Can't allocate memory"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn names_are_made_printable_and_bounded() {
        let mut reply = b"stream: A\x1bB".to_vec();
        reply.extend(std::iter::repeat_n(b'x', 1000));
        reply.extend_from_slice(b" FOUND\0");
        match parse_reply(&reply) {
            Ok(Answer::Found(names)) => {
                let name = names.first().cloned().unwrap_or_default();
                assert!(name.starts_with("A B"), "{name}");
                assert_eq!(name.chars().count(), MAX_NAME);
            }
            other => panic!("{other:?}"),
        }
    }
}
