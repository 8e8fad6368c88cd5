//! The optional syslog copy of the log line (`[log] syslog = true`): one
//! RFC 5424 record per message on the local syslog socket, facility `mail`,
//! severity `info`, application `qmvc`, so that sites collecting logs with
//! rsyslog or syslog-ng get every host's lines in one place.
//!
//! [`record`] is pure; [`send`] is the one effect. The socket is tried as a
//! datagram socket first and as a stream socket second, as glibc's
//! syslog(3) does; it never blocks a delivery: a full socket buffer or a
//! stalled daemon loses the record (the log file has the line), with a
//! message for stderr.

use std::io::{self, Write};
use std::os::unix::net::{UnixDatagram, UnixStream};
use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, FixedOffset};

/// `<PRI>` of every record: facility mail (2) × 8 + severity info (6)
/// (RFC 5424 §6.2.1).
pub const PRI: u8 = 2 * 8 + 6;

/// How long a stream socket may take to accept the record.
const STREAM_TIMEOUT: Duration = Duration::from_millis(100);

/// The RFC 5424 record: `<22>1 TIMESTAMP HOST qmvc PID - - MSG`, with the
/// time to the microsecond and its UTC offset (§6.2.3), `host` the
/// `[site] host` (already restricted to printable ASCII), and `line` the
/// log line without its newline (every field already escaped). No
/// structured data, no MSGID; MSG is the log line as it is in the file.
pub fn record(time: &DateTime<FixedOffset>, host: &str, pid: u32, line: &str) -> String {
    let host = if host.is_empty() { "-" } else { host };
    format!(
        "<{PRI}>1 {} {host} qmvc {pid} - - {}",
        time.to_rfc3339_opts(chrono::SecondsFormat::Micros, false),
        line.trim_end_matches('\n'),
    )
}

/// Sends `record` to the syslog socket at `socket`, without waiting on a
/// busy daemon.
///
/// Errors: the socket is missing, refuses, or its buffer is full (the
/// caller says so on stderr; the message's fate does not change).
pub fn send(socket: &Path, record: &str) -> io::Result<()> {
    let datagram = UnixDatagram::unbound()?;
    datagram.set_nonblocking(true)?;
    match datagram.send_to(record.as_bytes(), socket) {
        Ok(_) => Ok(()),
        // A stream socket (some syslog-ng set-ups): one record ended by
        // NUL, as syslog(3) writes it there.
        Err(e) if e.raw_os_error() == Some(nix::libc::EPROTOTYPE) => {
            let mut stream = UnixStream::connect(socket)?;
            stream.set_write_timeout(Some(STREAM_TIMEOUT))?;
            let mut bytes = record.as_bytes().to_vec();
            bytes.push(0);
            stream.write_all(&bytes)
        }
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_has_the_rfc_5424_shape() {
        let time =
            DateTime::parse_from_rfc3339("2026-11-21T04:13:00.123456+01:00").unwrap_or_default();
        let r = record(&time, "mx1", 4242, "qmvc pid:4242|x|host:mx1\n");
        assert_eq!(
            r,
            "<22>1 2026-11-21T04:13:00.123456+01:00 mx1 qmvc 4242 - - qmvc pid:4242|x|host:mx1"
        );
    }

    #[test]
    fn send_reaches_a_datagram_socket_and_reports_a_missing_one() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("log");
        // A stand-in for the syslog daemon's /dev/log.
        let daemon = UnixDatagram::bind(&path)?;
        send(&path, "<22>1 - - qmvc 1 - - hello")?;
        let mut buf = [0u8; 256];
        let n = daemon.recv(&mut buf)?;
        assert_eq!(buf.get(..n), Some(&b"<22>1 - - qmvc 1 - - hello"[..]));
        assert!(send(&dir.path().join("missing"), "x").is_err());
        Ok(())
    }
}
