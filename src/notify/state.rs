//! Where the bomber counters live ([`Store`]): the local shard files of
//! [`super::bomber`] (the default), or one Redis shared by every delivery
//! host of a site (`[state] backend = "redis"`), so that a bomber reaches
//! the threshold once for the whole site rather than once per host.
//!
//! Redis is used synchronously (the `redis` crate's blocking connection, no
//! runtime), one atomic operation per incident: a Lua script that counts,
//! starts the window (`PEXPIRE`, on the Redis clock, the same for every
//! host) with the first incident and returns the count and the window's
//! start. A key is `qmvc:bomber:` and the SHA-256 of the sender key in
//! hex: no byte of the envelope sender reaches Redis.
//!
//! The counters are secondary. Redis down, slow or answering garbage falls
//! back to the local files, with one notice for stderr and the `.rep`
//! block, and never changes a delivery's exit code. One operation takes at
//! most `[state] timeout_ms` over all servers, connecting included, and a
//! delivery that found Redis unusable does not try again (the process is
//! one delivery): a short-circuit look and the count together stay within
//! one timeout.

use std::path::Path;
use std::sync::{Mutex, mpsc};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use redis::{Connection, ConnectionAddr, ConnectionInfo, IntoConnectionInfo, RedisResult};
use sha2::{Digest, Sha256};

use super::bomber::{self, BomberLimits, BomberState};
use crate::config::Config;
use crate::config::cluster::{self, Backend};
use crate::error::Error;
use crate::verdict::Finding;

/// The key prefix: every key qmvc writes starts with it.
pub const KEY_PREFIX: &str = "qmvc:bomber:";

/// Counts one incident: `KEYS[1]` the counter (a hash with `n` and
/// `since`), `ARGV[1]` now (Unix seconds), `ARGV[2]` the window (ms).
/// Returns `{n, since}`. A key without a time to live (written by hand, or
/// by a script cut short) gets one, so no counter lives for ever.
const COUNT_SCRIPT: &str = r"
local n = redis.call('HINCRBY', KEYS[1], 'n', 1)
if n == 1 then
  redis.call('HSET', KEYS[1], 'since', ARGV[1])
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
elseif redis.call('PTTL', KEYS[1]) < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
local since = tonumber(redis.call('HGET', KEYS[1], 'since')) or tonumber(ARGV[1])
return {n, since}
";

/// Longest window given to Redis (ms): ten years, far inside `i64`.
const WINDOW_MAX_MS: u64 = 10 * 366 * 24 * 3600 * 1000;

/// One `[state] servers` entry.
#[derive(Debug, Clone)]
pub struct Server {
    /// Where and how to connect (no client name is sent: one round trip
    /// less per connection).
    info: ConnectionInfo,
    /// The address for messages, without any password.
    pub label: String,
}

impl Server {
    /// Parses `redis://[user:pass@]HOST[:PORT][/DB]` or `unix:/PATH`
    /// (also `unix:///PATH`), both with an optional `?db=N`.
    ///
    /// Errors: a one-line reason (unknown scheme, no host, relative socket
    /// path, bad database number).
    pub fn parse(text: &str) -> Result<Server, String> {
        let info = if let Some(rest) = text.strip_prefix("unix:") {
            let rest = rest.strip_prefix("//").unwrap_or(rest);
            let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
            if !path.starts_with('/') {
                return Err("the socket path must be absolute (unix:/PATH)".into());
            }
            let mut db = 0;
            for pair in query.split('&').filter(|p| !p.is_empty()) {
                match pair.split_once('=') {
                    Some(("db", n)) => {
                        db = n
                            .parse()
                            .map_err(|_| format!("bad database number {n:?}"))?;
                    }
                    _ => return Err(format!("unknown option {pair:?} (only db=N)")),
                }
            }
            let addr = ConnectionAddr::Unix(path.into());
            let info = addr.into_connection_info().map_err(|e| e.to_string())?;
            let settings = info.redis_settings().clone().set_db(db);
            info.set_redis_settings(settings)
        } else if text.starts_with("redis://") {
            text.into_connection_info().map_err(|e| e.to_string())?
        } else {
            return Err("must be redis://HOST:PORT/DB or unix:/PATH".into());
        };
        let settings = info.redis_settings().clone().set_skip_set_lib_name();
        let info = info.set_redis_settings(settings);
        let label = match info.addr() {
            ConnectionAddr::Tcp(host, port) => {
                format!("redis://{host}:{port}/{}", info.redis_settings().db())
            }
            ConnectionAddr::Unix(path) => format!("unix:{}", path.display()),
            _ => return Err("must be redis://HOST:PORT/DB or unix:/PATH".into()),
        };
        Ok(Server { info, label })
    }
}

/// The bomber counters of one configuration: its `[state]` and its
/// `[paths].state` (the files, and the fallback for Redis).
#[derive(Debug, Clone, Copy)]
pub struct Store<'a> {
    settings: &'a cluster::State,
    dir: &'a Path,
}

impl<'a> Store<'a> {
    /// The store `config` describes.
    pub fn of(config: &'a Config) -> Store<'a> {
        Store {
            settings: &config.state,
            dir: &config.paths.state,
        }
    }

    /// Counts one incident from `sender` at `now` (as
    /// [`bomber::record`]). With Redis, trouble there is pushed onto
    /// `notices` (one line each) and the local files count instead.
    ///
    /// Errors: those of [`bomber::record`] (the files).
    pub fn record(
        &self,
        sender: &str,
        now: DateTime<Utc>,
        limits: &BomberLimits,
        notices: &mut Vec<String>,
    ) -> Result<Option<BomberState>, Error> {
        self.counter(sender, now, limits, notices, true)
    }

    fn counter(
        &self,
        sender: &str,
        now: DateTime<Utc>,
        limits: &BomberLimits,
        notices: &mut Vec<String>,
        counting: bool,
    ) -> Result<Option<BomberState>, Error> {
        let owned = limits.clone();
        let redis = self.via_redis(sender, limits, notices, move |conn, key| {
            if counting {
                count(conn, key, now, &owned)
            } else {
                look(conn, key, now, &owned)
            }
        });
        match redis {
            Some(state) => Ok(Some(state)),
            None if counting => bomber::record(self.dir, sender, now, limits),
            None => bomber::peek(self.dir, sender, now, limits),
        }
    }

    /// The `bomber` finding for a sender past the threshold when the
    /// profile short-circuits (as [`bomber::short_circuit`]), looked up in
    /// this store.
    ///
    /// Errors: those of [`bomber::peek`] (the files).
    pub fn short_circuit(
        &self,
        sender: &str,
        now: DateTime<Utc>,
        limits: &BomberLimits,
        notices: &mut Vec<String>,
    ) -> Result<Option<Finding>, Error> {
        if !limits.short_circuit {
            return Ok(None);
        }
        // A look, not a count (as bomber::peek).
        let state = self.counter(sender, now, limits, notices, false)?;
        Ok(state.and_then(|s| bomber::finding(&s, limits)))
    }

    /// Runs `op` on Redis for a sender that is counted at all; `None` to
    /// use the files (backend `files`, nobody to count, or Redis failed:
    /// then a notice says why).
    fn via_redis(
        &self,
        sender: &str,
        limits: &BomberLimits,
        notices: &mut Vec<String>,
        op: impl Fn(&mut Connection, &str) -> RedisResult<BomberState> + Send + 'static,
    ) -> Option<BomberState> {
        if self.settings.backend != Backend::Redis
            || limits.threshold == 0
            || crate::envelope::is_null_sender(sender)
        {
            return None;
        }
        let key = key_of(sender);
        match with_redis(self.settings, move |conn| op(conn, &key)) {
            Ok(state) => Some(BomberState {
                sender: bomber::sender_key(sender),
                ..state
            }),
            Err(why) => {
                notices.push(format!(
                    "bomber state: {why}; counted in the local files instead"
                ));
                None
            }
        }
    }
}

/// The Redis key of `sender`: [`KEY_PREFIX`] and the SHA-256, in hex, of
/// the sender key (lower case, as the files use it).
pub fn key_of(sender: &str) -> String {
    let digest = Sha256::digest(bomber::sender_key(sender).as_bytes());
    let mut key = String::with_capacity(KEY_PREFIX.len() + 64);
    key.push_str(KEY_PREFIX);
    for b in digest.iter() {
        key.push_str(&format!("{b:02x}"));
    }
    key
}

fn count(
    conn: &mut Connection,
    key: &str,
    now: DateTime<Utc>,
    limits: &BomberLimits,
) -> RedisResult<BomberState> {
    let window_ms = u64::try_from(limits.window.as_millis())
        .unwrap_or(u64::MAX)
        .clamp(1000, WINDOW_MAX_MS);
    let (n, since): (i64, i64) = redis::Script::new(COUNT_SCRIPT)
        .key(key)
        .arg(now.timestamp())
        .arg(window_ms)
        .invoke(conn)?;
    state_of(n, since, now, limits)
        .filter(|s| s.count >= 1)
        .ok_or_else(garbage)
}

fn look(
    conn: &mut Connection,
    key: &str,
    now: DateTime<Utc>,
    limits: &BomberLimits,
) -> RedisResult<BomberState> {
    let (n, since): (Option<i64>, Option<i64>) = redis::cmd("HMGET")
        .arg(key)
        .arg("n")
        .arg("since")
        .query(conn)?;
    state_of(
        n.unwrap_or(0),
        since.unwrap_or(now.timestamp()),
        now,
        limits,
    )
    .ok_or_else(garbage)
}

/// The counter Redis answered, `None` when it makes no sense (a negative
/// count, a start outside chrono's range).
fn state_of(n: i64, since: i64, now: DateTime<Utc>, limits: &BomberLimits) -> Option<BomberState> {
    let count = u32::try_from(n).ok()?;
    let since =
        DateTime::from_timestamp(since, 0).filter(|s| *s <= now + Duration::from_secs(3600))?;
    Some(BomberState {
        sender: String::new(),
        count,
        since,
        threshold: limits.threshold,
    })
}

fn garbage() -> redis::RedisError {
    redis::RedisError::from((redis::ErrorKind::Parse, "answer makes no sense"))
}

/// The connection kept for this delivery, and whether Redis already
/// failed it: one process is one delivery, and two lookups (the
/// short-circuit look, the count) must share one timeout and one connect.
struct Session {
    /// The `[state]` it belongs to (servers and timeout).
    settings: cluster::State,
    conn: Option<Connection>,
    /// Why Redis is not used any more in this process.
    down: Option<String>,
}

static SESSION: Mutex<Option<Session>> = Mutex::new(None);

/// Runs `op` on the first server that answers, within `settings`'
/// timeout for all servers together. The walk over the servers runs on a
/// thread of its own and the delivery waits for it until the deadline at
/// most: a server that answers a byte at a time, each within the socket
/// timeout, cannot hold the delivery longer (the thread is left to its
/// socket timeouts, and ends with the process at the latest).
///
/// Errors: one line naming each server tried and what went wrong.
fn with_redis<T, F>(settings: &cluster::State, op: F) -> Result<T, String>
where
    T: Send + 'static,
    F: Fn(&mut Connection) -> RedisResult<T> + Send + 'static,
{
    let mut guard = SESSION.lock().unwrap_or_else(|p| p.into_inner());
    if guard.as_ref().is_none_or(|s| s.settings != *settings) {
        *guard = Some(Session {
            settings: settings.clone(),
            conn: None,
            down: None,
        });
    }
    let Some(session) = guard.as_mut() else {
        return Err("redis: no session".into());
    };
    if let Some(why) = &session.down {
        return Err(format!("{why} (earlier in this delivery)"));
    }
    let deadline = Instant::now() + settings.timeout();
    let open = session.conn.take();
    let servers = settings.servers.clone();
    let (tx, rx) = mpsc::channel();
    let walker = std::thread::Builder::new()
        .name("qmvc-redis".into())
        .spawn(move || {
            let _ = tx.send(walk(open, &servers, deadline, &op));
        });
    let answer = match walker {
        Err(e) => Err(format!("redis: cannot start a thread: {e}")),
        Ok(_) => match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok((answer, conn)) => {
                session.conn = conn;
                answer
            }
            Err(_) => Err(format!(
                "redis: no answer within {} ms",
                settings.timeout_ms
            )),
        },
    };
    if let Err(why) = &answer {
        session.down = Some(why.clone());
    }
    answer
}

/// The walk [`with_redis`] waits for: the open connection first, then each
/// server in order while time is left. Returns the answer and the
/// connection to keep.
fn walk<T>(
    open: Option<Connection>,
    servers: &[String],
    deadline: Instant,
    op: &impl Fn(&mut Connection) -> RedisResult<T>,
) -> (Result<T, String>, Option<Connection>) {
    let mut errors = Vec::new();
    if let Some(mut conn) = open {
        match attempt(&mut conn, deadline, op) {
            Ok(v) => return (Ok(v), Some(conn)),
            Err(e) => errors.push(format!("redis (open connection): {}", one_line(&e))),
        }
    }
    for text in servers {
        let server = match Server::parse(text) {
            Ok(s) => s,
            Err(e) => {
                errors.push(format!("redis server {:?}: {e}", super::field(text, 80)));
                continue;
            }
        };
        let Some(left) = remaining(deadline) else {
            errors.push(format!("redis {}: not tried, out of time", server.label));
            break;
        };
        let result = redis::Client::open(server.info.clone())
            .and_then(|c| c.get_connection_with_timeout(left))
            .and_then(|mut conn| attempt(&mut conn, deadline, op).map(|v| (v, conn)));
        match result {
            Ok((v, conn)) => return (Ok(v), Some(conn)),
            Err(e) => errors.push(format!("redis {}: {}", server.label, one_line(&e))),
        }
    }
    (Err(errors.join("; ")), None)
}

/// `config check --probe`: a `PING` to every `[state] servers` entry, each
/// within `timeout_ms`, as `(label, answer)`; nothing when the backend is
/// `files`.
pub fn probe(settings: &cluster::State) -> Vec<(String, Result<(), String>)> {
    if settings.backend != Backend::Redis {
        return Vec::new();
    }
    settings
        .servers
        .iter()
        .map(|text| match Server::parse(text) {
            Err(e) => (super::field(text, 80), Err(e)),
            Ok(server) => {
                let deadline = Instant::now() + settings.timeout();
                let answer = redis::Client::open(server.info.clone())
                    .and_then(|c| c.get_connection_with_timeout(settings.timeout()))
                    .and_then(|mut conn| {
                        attempt(&mut conn, deadline, &|c: &mut Connection| {
                            redis::cmd("PING").query::<String>(c)
                        })
                    });
                let answer = match answer {
                    Ok(pong) if pong == "PONG" => Ok(()),
                    Ok(other) => Err(format!("unexpected answer {:?}", super::field(&other, 40))),
                    Err(e) => Err(one_line(&e)),
                };
                (server.label, answer)
            }
        })
        .collect()
}

/// `op` on `conn` with read and write timeouts set to what is left.
fn attempt<T>(
    conn: &mut Connection,
    deadline: Instant,
    op: &impl Fn(&mut Connection) -> RedisResult<T>,
) -> RedisResult<T> {
    let left = remaining(deadline).ok_or_else(|| {
        redis::RedisError::from(std::io::Error::new(
            std::io::ErrorKind::TimedOut,
            "out of time",
        ))
    })?;
    conn.set_read_timeout(Some(left))?;
    conn.set_write_timeout(Some(left))?;
    op(conn)
}

/// Time left before `deadline`, `None` when none (a zero timeout would
/// mean "block for ever" to some calls).
fn remaining(deadline: Instant) -> Option<Duration> {
    deadline
        .checked_duration_since(Instant::now())
        .filter(|d| *d >= Duration::from_millis(1))
}

/// A Redis error as one short line (a garbage answer may be anything);
/// a read or write that ran out of time says so plainly.
fn one_line(e: &redis::RedisError) -> String {
    if e.is_timeout() {
        return "no answer in time".into();
    }
    super::field(&e.to_string(), 200)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn servers_parse_and_hide_passwords() {
        let s = Server::parse("redis://user:secret@10.0.0.5:6380/2");
        assert_eq!(
            s.map(|s| s.label),
            Ok("redis://10.0.0.5:6380/2".to_string())
        );
        let s = Server::parse("unix:/run/redis/redis.sock?db=3");
        assert_eq!(
            s.map(|s| s.label),
            Ok("unix:/run/redis/redis.sock".to_string())
        );
        assert!(Server::parse("unix:///run/r.sock").is_ok());
        for bad in [
            "unix:relative.sock",
            "unix:/x?db=z",
            "unix:/x?pass=1",
            "rediss://h:1",
            "http://h",
            "h:6379",
            "redis://",
        ] {
            assert!(Server::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn keys_carry_no_sender_bytes_and_fold_case() {
        let k = key_of("Evil\r\nFLUSHALL@Example.COM");
        assert!(k.starts_with(KEY_PREFIX));
        assert_eq!(k.len(), KEY_PREFIX.len() + 64);
        assert!(k[KEY_PREFIX.len()..].bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(key_of("A@B"), key_of("a@b"));
        assert_ne!(key_of("a@b"), key_of("a@c"));
    }

    #[test]
    fn answers_that_make_no_sense_are_refused() {
        let now = DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default();
        let l = BomberLimits::default();
        assert!(state_of(-1, 0, now, &l).is_none());
        assert!(state_of(1, i64::MAX, now, &l).is_none());
        assert_eq!(
            state_of(3, 1_699_999_000, now, &l).map(|s| s.count),
            Some(3)
        );
    }
}
