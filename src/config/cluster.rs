//! The main file's sections for sites with several delivery hosts:
//! `[site]` (this host's name in incident ids, quarantine file names and
//! log lines), `[state]` (where the bomber counters live: local files or
//! a shared Redis) and `[log]` (an optional syslog record per message).
//!
//! Plain data and its checks; nothing here touches the network or a file.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Longest `[site] host` (bytes): a DNS label is 63, a short host name
/// rarely longer; ids and file names stay short.
pub const HOST_MAX: usize = 64;

/// `[site]`: who this delivery host is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Site {
    /// This host's name in incident ids, quarantine file names and the log
    /// line's `host:` field; letters, digits, `.`, `-` and `_`, at most
    /// [`HOST_MAX`] bytes. Empty (the default): the system's host name
    /// (gethostname(2)), cleaned the same way ([`clean_host`]).
    pub host: String,
}

impl Site {
    /// The host name to use: `host` when set, else `system` (the caller
    /// passes gethostname's answer) made safe by [`clean_host`].
    pub fn host_or(&self, system: &str) -> String {
        if self.host.is_empty() {
            clean_host(system)
        } else {
            self.host.clone()
        }
    }

    /// The host name to use: `host` when set, else the system's host name
    /// (gethostname(2), asked only then), made safe by [`clean_host`];
    /// `localhost` when the system has none.
    pub fn host(&self) -> String {
        if !self.host.is_empty() {
            return self.host.clone();
        }
        let system = nix::unistd::gethostname()
            .ok()
            .and_then(|h| h.into_string().ok())
            .unwrap_or_default();
        self.host_or(&system)
    }
}

/// `name` with every byte outside `[A-Za-z0-9._-]` written `_`, cut at
/// [`HOST_MAX`] bytes; `localhost` when nothing is left.
pub fn clean_host(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| if is_host_char(c) { c } else { '_' })
        .take(HOST_MAX)
        .collect();
    if cleaned.is_empty() {
        "localhost".into()
    } else {
        cleaned
    }
}

fn is_host_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')
}

/// `[state] backend`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// Shard files under `[paths].state` (the default): exact on one host.
    #[default]
    Files,
    /// A Redis server shared by every delivery host, with the local files
    /// as the fallback when it cannot be used.
    Redis,
}

/// `[state]`: where the bomber counters live.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct State {
    /// `files` (default) or `redis`.
    pub backend: Backend,
    /// Redis servers, tried in order until one answers:
    /// `redis://HOST:PORT/DB` or `unix:/PATH` (`unix:/PATH?db=N`).
    pub servers: Vec<String>,
    /// Milliseconds one counter operation may take over all servers,
    /// connecting included. Default 200; 1 to [`STATE_TIMEOUT_MAX_MS`].
    pub timeout_ms: u64,
}

/// The longest `[state] timeout_ms` accepted: 10 s. The counters are
/// secondary; a delivery must not wait long for them.
pub const STATE_TIMEOUT_MAX_MS: u64 = 10_000;

impl Default for State {
    fn default() -> Self {
        State {
            backend: Backend::Files,
            servers: Vec::new(),
            timeout_ms: 200,
        }
    }
}

impl State {
    /// `timeout_ms` as a [`Duration`].
    pub fn timeout(&self) -> Duration {
        Duration::from_millis(self.timeout_ms)
    }
}

/// `[log]`: copies of the log line elsewhere.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Log {
    /// Also send one syslog record per message (RFC 5424, facility
    /// `mail`, severity `info`) to [`Log::syslog_socket`]. Default off.
    pub syslog: bool,
    /// The local syslog socket. Default `/dev/log`.
    pub syslog_socket: std::path::PathBuf,
}

impl Default for Log {
    fn default() -> Self {
        Log {
            syslog: false,
            syslog_socket: "/dev/log".into(),
        }
    }
}

/// The problems of `[site]`, `[state]` and `[log]` as `(key, what)`.
pub fn check(site: &Site, state: &State, log: &Log) -> Vec<(String, String)> {
    let mut found = Vec::new();
    if !site.host.is_empty() && (site.host.len() > HOST_MAX || !site.host.chars().all(is_host_char))
    {
        found.push((
            "site.host".into(),
            format!("must be up to {HOST_MAX} letters, digits, '.', '-' or '_'"),
        ));
    }
    if state.backend == Backend::Redis && state.servers.is_empty() {
        found.push((
            "state.servers".into(),
            "must name a server when backend = \"redis\"".into(),
        ));
    }
    for (i, server) in state.servers.iter().enumerate() {
        if let Err(e) = crate::notify::state::Server::parse(server) {
            found.push((format!("state.servers[{i}]"), e));
        }
    }
    if !(1..=STATE_TIMEOUT_MAX_MS).contains(&state.timeout_ms) {
        found.push((
            "state.timeout_ms".into(),
            format!("must be 1 to {STATE_TIMEOUT_MAX_MS} milliseconds"),
        ));
    }
    if !log.syslog_socket.is_absolute() {
        found.push((
            "log.syslog_socket".into(),
            "must be an absolute path".into(),
        ));
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_cleaned_and_checked() {
        assert_eq!(clean_host("mx1.example.com"), "mx1.example.com");
        assert_eq!(clean_host("a/b:c d\n"), "a_b_c_d_");
        assert_eq!(clean_host(""), "localhost");
        assert_eq!(clean_host(&"x".repeat(300)).len(), HOST_MAX);
        let site = Site {
            host: "mx/1".into(),
        };
        let found = check(&site, &State::default(), &Log::default());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, "site.host");
        assert_eq!(Site::default().host_or("box:1"), "box_1");
        assert_eq!(site.host_or("ignored"), "mx/1");
    }

    #[test]
    fn redis_needs_valid_servers_and_a_sane_timeout() {
        let state = State {
            backend: Backend::Redis,
            servers: vec![],
            timeout_ms: 0,
        };
        let keys: Vec<String> = check(&Site::default(), &state, &Log::default())
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        assert_eq!(keys, ["state.servers", "state.timeout_ms"]);
        let state = State {
            backend: Backend::Redis,
            servers: vec!["redis://127.0.0.1:6379/0".into(), "http://x".into()],
            timeout_ms: 200,
        };
        let keys: Vec<String> = check(&Site::default(), &state, &Log::default())
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        assert_eq!(keys, ["state.servers[1]"]);
    }
}
