//! A misbehaving anti-virus daemon for fault tests: a STAND-IN speaking
//! just enough of clamd's socket protocol (clamd(8): `zINSTREAM\0`, then
//! 4-byte big-endian chunk lengths and chunks, a zero length at the end)
//! to misbehave in one chosen way. It is NOT clamd: a real clamd is used
//! for "down" (stopped); these are the failures a real one only shows
//! under load or when broken.

use std::io::{Read, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::PathBuf;
use std::thread;
use std::time::Duration;

/// How the stand-in treats every connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Misbehaviour {
    /// Reads the whole request, then never answers (holds the connection
    /// for a minute).
    Hang,
    /// Closes the connection as soon as it is accepted, unread.
    CloseAtOnce,
    /// Reads the whole request, then closes without a word.
    CloseAfterRequest,
    /// Reads the whole request, answers something clamd never says.
    Garbage,
}

/// A running stand-in on a unix socket in its own temporary directory;
/// the socket goes with the directory on drop.
#[derive(Debug)]
pub struct FakeAv {
    _dir: tempfile::TempDir,
    /// The socket.
    pub socket: PathBuf,
}

impl FakeAv {
    /// Starts serving every connection as `how` says, each in a thread.
    pub fn start(how: Misbehaviour) -> FakeAv {
        // A short path: unix socket names are limited to 108 bytes.
        let dir = tempfile::Builder::new()
            .prefix("qmvc-fake-av-")
            .tempdir_in("/tmp")
            .expect("tempdir");
        let socket = dir.path().join("s");
        let listener = UnixListener::bind(&socket).expect("bind");
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                thread::spawn(move || serve(stream, how));
            }
        });
        FakeAv { _dir: dir, socket }
    }

    /// An `[[engine]]` table for it: type clamd, `timeout` seconds per
    /// attempt, one attempt.
    pub fn engine(&self, name: &str, timeout: u64) -> String {
        format!(
            "[[engine]]\nname = \"{name}\"\ntype = \"clamd\"\nservers = [\"unix:{}\"]\n\
             timeout = {timeout}\n",
            self.socket.display()
        )
    }
}

fn serve(mut s: UnixStream, how: Misbehaviour) {
    if how == Misbehaviour::CloseAtOnce {
        return;
    }
    read_request(&mut s);
    match how {
        Misbehaviour::Hang => thread::sleep(Duration::from_secs(60)),
        Misbehaviour::Garbage => {
            let _ = s.write_all(b"HELLO THERE, I AM NOT CLAMD\0");
        }
        Misbehaviour::CloseAtOnce | Misbehaviour::CloseAfterRequest => {}
    }
}

/// Reads a `zINSTREAM` request up to its zero-length chunk (or EOF).
fn read_request(s: &mut UnixStream) {
    let mut cmd = [0u8; 10];
    if s.read_exact(&mut cmd).is_err() {
        return;
    }
    loop {
        let mut len = [0u8; 4];
        if s.read_exact(&mut len).is_err() {
            return;
        }
        let len = u32::from_be_bytes(len) as usize;
        if len == 0 {
            return;
        }
        let mut chunk = vec![0u8; len];
        if s.read_exact(&mut chunk).is_err() {
            return;
        }
    }
}
