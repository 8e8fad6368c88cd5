//! The virus-bomber brake: per-sender incident counters in
//! `[paths].state/bomber/`, shared by every concurrent qmvc process.
//!
//! Counters live in 64 shard files chosen by a stable hash (FNV-1a) of the
//! lower-cased envelope sender. Each update takes an exclusive `flock(2)`
//! lock on the shard's lock file (`NN.lock`, std's `File::lock`), reads
//! the shard `NN`, changes one line, writes the result to `NN.new` and
//! renames it over `NN` before the lock is released, so every count is
//! exact however many deliveries race, and a full disk or a kill halfway
//! through leaves the previous shard whole (rename(2) is atomic). A counter counts incidents in a
//! fixed window starting at the first one; expired lines are dropped and a
//! shard keeps at most 128 senders (the oldest go first), so the state
//! never exceeds 64 × 128 short lines.
//!
//! Past the threshold, reports about that sender stop; the incident that
//! passes it causes one aggregated alert to the guards ([`BomberState::alert`]),
//! and a profile may take the sender's further mail out without running
//! the engines ([`short_circuit`], finding `bomber`).

use std::fs::{self, OpenOptions};
use std::io::{Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use chrono::{DateTime, TimeDelta, Utc};

use crate::actions::open::{create, make_dir, regular_file};
use crate::error::Error;
use crate::verdict::{Condition, Finding};

/// Shard files.
const SHARDS: u64 = 64;
/// Senders kept per shard.
const MAX_ENTRIES: usize = 128;
/// Longest sender key kept (bytes; RFC 5321 §4.5.3.1.3 caps a path at 256).
const MAX_KEY: usize = 256;
/// Largest shard read (bytes): more than 128 lines of 300 bytes.
const MAX_SHARD: u64 = 64 << 10;

pub use crate::profile::reactions::BomberLimits;

/// One sender's counter after an update (or a look).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BomberState {
    /// The sender key (lower case).
    pub sender: String,
    /// Incidents in the current window, this one included.
    pub count: u32,
    /// When the window began.
    pub since: DateTime<Utc>,
    /// The threshold it was counted against.
    pub threshold: u32,
}

impl BomberState {
    /// True past the threshold: no more reports about this sender.
    pub fn over(&self) -> bool {
        self.threshold > 0 && self.count > self.threshold
    }

    /// True for exactly one incident per window: the one that passes the
    /// threshold, which sends the aggregated alert to the guards.
    pub fn alert(&self) -> bool {
        self.threshold > 0 && self.count == self.threshold.saturating_add(1)
    }
}

/// Counts one incident from `sender` at `now` and returns the counter.
/// `Ok(None)` when the brake is off (threshold 0) or the sender is null
/// (`""`, `#@[]`): nobody to count.
///
/// Errors: [`Error::Write`] when the state directory or shard cannot be
/// created, locked, read or written. The shell records it and goes on: a
/// counter never changes the exit code.
pub fn record(
    state_dir: &Path,
    sender: &str,
    now: DateTime<Utc>,
    limits: &BomberLimits,
) -> Result<Option<BomberState>, Error> {
    update(state_dir, sender, now, limits, true)
}

/// Looks at `sender`'s counter without counting (for the short-circuit
/// before the engines run). `Ok(None)` as for [`record`].
pub fn peek(
    state_dir: &Path,
    sender: &str,
    now: DateTime<Utc>,
    limits: &BomberLimits,
) -> Result<Option<BomberState>, Error> {
    update(state_dir, sender, now, limits, false)
}

/// The `bomber` finding for a sender already past the threshold, when the
/// profile short-circuits: the shell then skips the engines and goes
/// straight to the action. `Ok(None)` otherwise (and always when
/// `short_circuit` is off, without touching the state).
pub fn short_circuit(
    state_dir: &Path,
    sender: &str,
    now: DateTime<Utc>,
    limits: &BomberLimits,
) -> Result<Option<Finding>, Error> {
    if !limits.short_circuit {
        return Ok(None);
    }
    let Some(state) = peek(state_dir, sender, now, limits)? else {
        return Ok(None);
    };
    Ok(finding(&state, limits))
}

/// The `bomber` finding for a counter past the threshold, `None` below it
/// (for every store of the counters, see [`super::state`]).
pub fn finding(state: &BomberState, limits: &BomberLimits) -> Option<Finding> {
    state.over().then(|| Finding {
        condition: Condition::Bomber,
        part: None,
        detail: super::field(&state.sender, MAX_KEY),
        description: format!(
            "more than {} incidents from this sender within {} s",
            state.threshold,
            limits.window.as_secs()
        ),
    })
}

/// One line of a shard: `count TAB since TAB sender`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    count: u32,
    since: i64,
    sender: String,
}

/// How far (seconds) a counter's window may start after this delivery's
/// clock and still be the current one (see `update`).
const CLOCK_SKEW_SECS: i64 = 120;

fn update(
    state_dir: &Path,
    sender: &str,
    now: DateTime<Utc>,
    limits: &BomberLimits,
    count: bool,
) -> Result<Option<BomberState>, Error> {
    if limits.threshold == 0 || crate::envelope::is_null_sender(sender) {
        return Ok(None);
    }
    let key = sender_key(sender);
    let dir = state_dir.join("bomber");
    let path = dir.join(format!("{:02x}", fnv1a(key.as_bytes()) % SHARDS));
    let write_err = |source| Error::Write {
        what: "bomber state",
        path: path.clone(),
        source,
    };
    // A look creates nothing: `qmvc check` run as root must not leave a
    // root-owned directory or lock file that later deliveries by the
    // delivering user cannot open.
    if count {
        make_dir(&dir).map_err(|source| Error::Write {
            what: "state directory",
            path: dir.clone(),
            source,
        })?;
    }
    // The lock lives on a file that is never replaced: a lock on the
    // shard itself would be lost with the inode at the rename.
    let lock = match create(
        &path.with_extension("lock"),
        OpenOptions::new()
            .read(true)
            .write(true)
            .create(count)
            .truncate(false)
            .mode(0o600),
    ) {
        Ok(lock) => lock,
        // Nothing was ever counted in this shard.
        Err(e) if !count && e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Some(BomberState {
                sender: key,
                count: 0,
                since: now,
                threshold: limits.threshold,
            }));
        }
        Err(e) => return Err(write_err(e)),
    };
    if count {
        lock.lock().map_err(write_err)?;
    } else {
        lock.lock_shared().map_err(write_err)?;
    }
    let mut text = String::new();
    match regular_file(&path, OpenOptions::new().read(true)) {
        Ok(file) => {
            file.take(MAX_SHARD)
                .read_to_string(&mut text)
                .map_err(write_err)?;
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(write_err(e)),
    }
    let mut entries = parse_shard(&text);
    let window = TimeDelta::seconds(i64::try_from(limits.window.as_secs()).unwrap_or(i64::MAX));
    let now_s = now.timestamp();
    let expired = |e: &Entry| {
        // A window that starts in the future is expired too (the clock
        // stepped back), except by a few seconds: concurrent deliveries
        // read the clock when they start, so one that started a moment
        // before another may update the counter after it.
        e.since > now_s.saturating_add(CLOCK_SKEW_SECS)
            || now_s.saturating_sub(e.since) >= window.num_seconds()
    };
    let mut entry = entries
        .iter()
        .find(|e| e.sender == key)
        .filter(|e| !expired(e))
        .cloned()
        .unwrap_or(Entry {
            count: 0,
            since: now_s,
            sender: key.clone(),
        });
    if count {
        entry.count = entry.count.saturating_add(1);
        entries.retain(|e| e.sender != key && !expired(e));
        entries.push(entry.clone());
        if entries.len() > MAX_ENTRIES {
            entries.sort_by_key(|e| std::cmp::Reverse(e.since));
            entries.truncate(MAX_ENTRIES);
        }
        replace_shard(&path, &entries).map_err(write_err)?;
    }
    drop(lock);
    Ok(Some(BomberState {
        sender: key,
        count: entry.count,
        since: DateTime::from_timestamp(entry.since, 0).unwrap_or(now),
        threshold: limits.threshold,
    }))
}

/// Writes the shard to `NN.new` and renames it over `NN` (the caller
/// holds the lock). A failed write removes `NN.new` and leaves `NN` as it
/// was.
fn replace_shard(path: &Path, entries: &[Entry]) -> std::io::Result<()> {
    let mut out = String::with_capacity(entries.len() * 64);
    for e in entries {
        out.push_str(&format!("{}\t{}\t{}\n", e.count, e.since, e.sender));
    }
    let new = path.with_extension("new");
    let written = create(
        &new,
        OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600),
    )
    .and_then(|mut f| f.write_all(out.as_bytes()))
    .and_then(|()| fs::rename(&new, path));
    if written.is_err() {
        let _ = fs::remove_file(&new);
    }
    written
}

/// The lines that parse; anything else (a torn write after a crash) is
/// dropped.
fn parse_shard(text: &str) -> Vec<Entry> {
    text.lines()
        .filter_map(|line| {
            let mut f = line.splitn(3, '\t');
            let count = f.next()?.parse().ok()?;
            let since = f.next()?.parse().ok()?;
            let sender = f.next()?.to_string();
            (!sender.is_empty()).then_some(Entry {
                count,
                since,
                sender,
            })
        })
        .take(MAX_ENTRIES * 2)
        .collect()
}

/// The counter's key: the sender lower-cased, without control characters
/// or tabs (they would break the line format), cut at 256 bytes.
pub(super) fn sender_key(sender: &str) -> String {
    let mut key = String::new();
    for c in sender.chars().flat_map(char::to_lowercase) {
        let c = if c.is_control() || c.is_whitespace() {
            '_'
        } else {
            c
        };
        if key.len() + c.len_utf8() > MAX_KEY {
            break;
        }
        key.push(c);
    }
    key
}

/// FNV-1a, 64 bits: stable across processes and Rust versions (std's
/// hasher promises neither).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// The shard files of a state directory (for tests and cleanup tools).
pub fn shard_paths(state_dir: &Path) -> Vec<PathBuf> {
    (0..SHARDS)
        .map(|n| state_dir.join("bomber").join(format!("{n:02x}")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn limits(threshold: u32) -> BomberLimits {
        BomberLimits {
            threshold,
            window: Duration::from_secs(600),
            short_circuit: true,
            ..BomberLimits::default()
        }
    }

    fn at(s: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000 + s, 0).unwrap_or_default()
    }

    #[test]
    fn counts_alerts_once_and_resets_after_the_window() -> Result<(), Error> {
        let dir = tempfile::tempdir().map_err(|source| Error::Message { source })?;
        let l = limits(2);
        let mut alerts = 0;
        for i in 1..=5 {
            let s = record(dir.path(), "Bomber@Example.COM", at(i), &l)?;
            let s = s.ok_or(Error::Usage("no state".into()))?;
            assert_eq!(s.count, i as u32);
            assert_eq!(s.over(), i > 2);
            alerts += usize::from(s.alert());
        }
        assert_eq!(alerts, 1);
        // Another sender is counted apart; same sender in other case is one.
        let other = record(dir.path(), "someone@else", at(6), &l)?;
        assert_eq!(other.map(|s| s.count), Some(1));
        // The window ends 600 s after the first incident.
        let later = record(dir.path(), "bomber@example.com", at(601), &l)?;
        assert_eq!(later.map(|s| s.count), Some(1));
        // A delivery that read the clock a moment before the one that
        // started the window still counts in it...
        let early = record(dir.path(), "bomber@example.com", at(600), &l)?;
        assert_eq!(early.map(|s| s.count), Some(2));
        // ...but a window far in the future (the clock stepped back) is
        // over.
        let stepped_back = record(dir.path(), "bomber@example.com", at(100), &l)?;
        assert_eq!(stepped_back.map(|s| s.count), Some(1));
        Ok(())
    }

    #[test]
    fn off_and_null_senders_count_nothing() -> Result<(), Error> {
        let dir = tempfile::tempdir().map_err(|source| Error::Message { source })?;
        assert_eq!(record(dir.path(), "a@b", at(0), &limits(0))?, None);
        assert_eq!(record(dir.path(), "", at(0), &limits(3))?, None);
        assert_eq!(record(dir.path(), "#@[]", at(0), &limits(3))?, None);
        assert!(!dir.path().join("bomber").exists());
        Ok(())
    }

    #[test]
    fn peek_does_not_count_and_short_circuit_finds_bombers() -> Result<(), Error> {
        let dir = tempfile::tempdir().map_err(|source| Error::Message { source })?;
        let l = limits(1);
        assert_eq!(short_circuit(dir.path(), "x@y", at(0), &l)?, None);
        record(dir.path(), "x@y", at(0), &l)?;
        assert_eq!(
            peek(dir.path(), "x@y", at(1), &l)?.map(|s| s.count),
            Some(1)
        );
        assert_eq!(short_circuit(dir.path(), "x@y", at(1), &l)?, None);
        record(dir.path(), "x@y", at(2), &l)?;
        let f = short_circuit(dir.path(), "x@y", at(3), &l)?;
        assert_eq!(f.map(|f| f.condition), Some(Condition::Bomber));
        let off = BomberLimits {
            short_circuit: false,
            ..l
        };
        assert_eq!(short_circuit(dir.path(), "x@y", at(3), &off)?, None);
        Ok(())
    }

    #[test]
    fn state_stays_bounded() -> Result<(), Error> {
        let dir = tempfile::tempdir().map_err(|source| Error::Message { source })?;
        let l = limits(5);
        for i in 0..(SHARDS as usize * MAX_ENTRIES + 2000) {
            record(dir.path(), &format!("s{i}@example.com"), at(0), &l)?;
        }
        let mut total = 0;
        for p in shard_paths(dir.path()) {
            let text = fs::read_to_string(&p).unwrap_or_default();
            let lines = text.lines().count();
            assert!(lines <= MAX_ENTRIES, "{} has {lines}", p.display());
            total += lines;
        }
        assert!(total <= SHARDS as usize * MAX_ENTRIES);
        Ok(())
    }

    #[test]
    fn hostile_sender_keys_stay_one_line() {
        let k = sender_key("a\tb\nc@X");
        assert_eq!(k, "a_b_c@x");
        assert!(sender_key(&"é".repeat(1000)).len() <= MAX_KEY);
        assert_eq!(
            parse_shard("garbage\n3\t17\tok@x\n\t\t\n"),
            vec![Entry {
                count: 3,
                since: 17,
                sender: "ok@x".into()
            }]
        );
    }
}
