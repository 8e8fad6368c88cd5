//! A private, real `redis-server` (Debian package redis-server) for the
//! cluster tests: started in the foreground on a unix socket in its own
//! temporary directory, no TCP port, no persistence, killed when dropped.
//! Tests that use it have "redis" in their name; without the program they
//! skip loudly (tools/test filters them out the same way).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running redis-server.
pub struct Redis {
    child: Child,
    dir: tempfile::TempDir,
}

impl Redis {
    /// Starts one, or `None` (after saying so on stderr) when redis-server
    /// is not installed.
    pub fn start() -> Option<Redis> {
        let program = ["/usr/bin/redis-server", "/usr/local/bin/redis-server"]
            .into_iter()
            .find(|p| Path::new(p).is_file());
        let Some(program) = program else {
            eprintln!(
                "SKIPPED: redis-server is not installed (Debian package redis-server; tools/install-test-deps)"
            );
            return None;
        };
        let dir = tempfile::tempdir().expect("tempdir");
        let socket = dir.path().join("redis.sock");
        let child = Command::new(program)
            .args(["--port", "0", "--unixsocket"])
            .arg(&socket)
            .args([
                "--unixsocketperm",
                "700",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .args(["--daemonize", "no", "--dir"])
            .arg(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start redis-server");
        let redis = Redis { child, dir };
        let start = Instant::now();
        while redis.ping().is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "redis-server did not come up"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        Some(redis)
    }

    /// Its socket.
    pub fn socket(&self) -> PathBuf {
        self.dir.path().join("redis.sock")
    }

    /// `unix:SOCKET`, as `[state] servers` takes it.
    pub fn url(&self) -> String {
        format!("unix:{}", self.socket().display())
    }

    /// A connection of the test's own.
    pub fn connection(&self) -> redis::RedisResult<redis::Connection> {
        redis::Client::open(redis::ConnectionAddr::Unix(self.socket()))?
            .get_connection_with_timeout(Duration::from_secs(5))
    }

    fn ping(&self) -> redis::RedisResult<()> {
        redis::cmd("PING").query::<String>(&mut self.connection()?)?;
        Ok(())
    }

    /// Every key, sorted.
    pub fn keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = self
            .connection()
            .and_then(|mut c| redis::cmd("KEYS").arg("*").query(&mut c))
            .expect("KEYS");
        keys.sort();
        keys
    }

    /// Kills the server (SIGKILL: its socket file stays behind, as after
    /// a crash) and waits for it.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        self.kill();
    }
}
