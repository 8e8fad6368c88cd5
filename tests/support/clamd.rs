//! A private clamd for tests: started in the foreground from a temporary
//! directory holding its own clamd.conf, unix socket, pid file, log and a
//! signature database the test writes (freshclam cannot reach the internet
//! here, and clamd refuses to start with an empty database directory).
//! Stopped (SIGTERM, then SIGKILL) and its directory removed on drop.
//!
//! Use from an integration test with `mod support { pub mod clamd; }`
//! (or `#[path = "support/clamd.rs"] mod clamd;`). Tests that need it are
//! `#[ignore = "needs clamav-daemon and yara: run tools/install-test-deps"]`.
//!
//! Facts this relies on (clamd(8), clamd.conf(5), measured with Debian's
//! clamav 1.4): `.hdb` lines are `md5:size:Name`, `.ndb` lines
//! `Name:0:*:hexbytes`; names come back with `.UNOFFICIAL` appended; clamd
//! caches clean results by hash, so benchmarks need fresh content.
#![allow(dead_code)]

use std::fs;
use std::io::{self, Read, Write};
use std::net::TcpListener;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The EICAR test string (www.eicar.org): 68 bytes every engine detects.
pub const EICAR: &[u8] = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

/// ClamAV's harmless test binary, from the clamav-testfiles package.
pub const CLAM_EXE: &str = "/usr/share/clamav-testfiles/clam.exe";

/// The clamav-testfiles directory.
pub const TESTFILES: &str = "/usr/share/clamav-testfiles";

/// An `.ndb` body signature named `Eicar.Test` matching EICAR anywhere.
pub fn eicar_ndb() -> String {
    let hex: String = EICAR.iter().map(|b| format!("{b:02x}")).collect();
    format!("Eicar.Test:0:*:{hex}\n")
}

/// An `.hdb` line (`md5:size:Name`) for `content`.
pub fn hdb_line(content: &[u8], name: &str) -> io::Result<String> {
    Ok(format!("{}:{}:{name}\n", md5_hex(content)?, content.len()))
}

/// An `.hdb` line named `Clam.Test` for clam.exe: with only this,
/// clamd detects every file of clamav-testfiles (zip, 7z, tar.gz, mail...).
pub fn clam_exe_hdb() -> io::Result<String> {
    hdb_line(&fs::read(CLAM_EXE)?, "Clam.Test")
}

/// The standard test database: EICAR (`Eicar.Test`) and clam.exe
/// (`Clam.Test`).
pub fn standard_db() -> io::Result<Vec<(String, String)>> {
    Ok(vec![
        ("test.ndb".into(), eicar_ndb()),
        ("test.hdb".into(), clam_exe_hdb()?),
    ])
}

/// The clamd binary: Debian installs it in /usr/sbin.
pub fn clamd_binary() -> PathBuf {
    let sbin = Path::new("/usr/sbin/clamd");
    if sbin.exists() {
        sbin.to_path_buf()
    } else {
        PathBuf::from("clamd")
    }
}

/// How to start a private clamd.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Database files: (file name such as `test.ndb`, content).
    pub db: Vec<(String, String)>,
    /// Also listen on 127.0.0.1 at a free port.
    pub tcp: bool,
    /// clamd.conf `StreamMaxLength` (e.g. `1K`, `1M`); clamd's default
    /// otherwise.
    pub stream_max_length: Option<String>,
    /// More clamd.conf lines.
    pub extra: Vec<String>,
}

/// A running private clamd.
#[derive(Debug)]
pub struct Clamd {
    child: Child,
    dir: tempfile::TempDir,
    /// Its unix socket.
    pub socket: PathBuf,
    /// Its TCP port on 127.0.0.1, when asked for.
    pub port: Option<u16>,
}

impl Clamd {
    /// Starts clamd with `db` as its database, on a unix socket only.
    pub fn start(db: Vec<(String, String)>) -> io::Result<Clamd> {
        Clamd::start_with(Options {
            db,
            ..Options::default()
        })
    }

    /// Starts clamd as `options` say and waits (up to 60 s) until it
    /// answers `zPING` on every socket.
    pub fn start_with(options: Options) -> io::Result<Clamd> {
        if options.db.is_empty() {
            return Err(io::Error::other(
                "clamd refuses to start without signatures",
            ));
        }
        // A short path: unix socket names are limited to 108 bytes.
        let dir = tempfile::Builder::new()
            .prefix("qmvc-clamd-")
            .tempdir_in("/tmp")?;
        let db = dir.path().join("db");
        fs::create_dir(&db)?;
        for (name, content) in &options.db {
            fs::write(db.join(name), content)?;
        }
        let socket = dir.path().join("clamd.sock");
        let mut conf = format!(
            "Foreground yes\nLocalSocket {}\nPidFile {}\nDatabaseDirectory {}\nLogFile {}\n\
             TemporaryDirectory {}\n",
            socket.display(),
            dir.path().join("clamd.pid").display(),
            db.display(),
            dir.path().join("clamd.log").display(),
            dir.path().display(),
        );
        let port = if options.tcp {
            let port = free_port()?;
            conf.push_str(&format!("TCPSocket {port}\nTCPAddr 127.0.0.1\n"));
            Some(port)
        } else {
            None
        };
        if let Some(max) = &options.stream_max_length {
            conf.push_str(&format!("StreamMaxLength {max}\n"));
        }
        for line in &options.extra {
            conf.push_str(line);
            conf.push('\n');
        }
        let conf_path = dir.path().join("clamd.conf");
        fs::write(&conf_path, conf)?;
        let child = Command::new(clamd_binary())
            .arg("--config-file")
            .arg(&conf_path)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        let mut clamd = Clamd {
            child,
            dir,
            socket,
            port,
        };
        clamd.wait_ready(Duration::from_secs(60))?;
        Ok(clamd)
    }

    /// The unix socket as a qmvc server address: `unix:/path`.
    pub fn server(&self) -> String {
        format!("unix:{}", self.socket.display())
    }

    /// The TCP address as a qmvc server address: `tcp:127.0.0.1:PORT`.
    pub fn tcp_server(&self) -> Option<String> {
        self.port.map(|p| format!("tcp:127.0.0.1:{p}"))
    }

    /// clamd's log so far (for failure messages).
    pub fn log(&self) -> String {
        fs::read_to_string(self.dir.path().join("clamd.log")).unwrap_or_default()
    }

    fn wait_ready(&mut self, limit: Duration) -> io::Result<()> {
        let end = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait()? {
                return Err(io::Error::other(format!(
                    "clamd exited ({status}) before answering: {}",
                    self.log()
                )));
            }
            let unix_ok = ping_unix(&self.socket);
            let tcp_ok = self.port.is_none_or(ping_tcp);
            if unix_ok && tcp_ok {
                return Ok(());
            }
            if Instant::now() > end {
                return Err(io::Error::other(format!(
                    "clamd did not answer within {limit:?}: {}",
                    self.log()
                )));
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Clamd {
    fn drop(&mut self) {
        let pid = nix::unistd::Pid::from_raw(self.child.id() as i32);
        let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM);
        let end = Instant::now() + Duration::from_secs(5);
        while Instant::now() < end {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port on 127.0.0.1 that was free a moment ago.
pub fn free_port() -> io::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

fn ping(mut s: impl Read + Write) -> bool {
    let mut reply = Vec::new();
    s.write_all(b"zPING\0").is_ok() && s.read_to_end(&mut reply).is_ok() && reply == b"PONG\0"
}

fn ping_unix(socket: &Path) -> bool {
    UnixStream::connect(socket).is_ok_and(|s| {
        let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
        ping(s)
    })
}

fn ping_tcp(port: u16) -> bool {
    std::net::TcpStream::connect(("127.0.0.1", port)).is_ok_and(|s| {
        let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
        ping(s)
    })
}

/// The MD5 of `content` in hex, from coreutils' md5sum(1) (an `.hdb`
/// line needs it; no crate for one test helper).
pub fn md5_hex(content: &[u8]) -> io::Result<String> {
    let mut child = Command::new("md5sum")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(content)?;
    }
    let out = child.wait_with_output()?;
    let text = String::from_utf8_lossy(&out.stdout);
    match text.split_whitespace().next() {
        Some(hex) if hex.len() == 32 => Ok(hex.to_string()),
        _ => Err(io::Error::other(format!("md5sum said {text:?}"))),
    }
}
