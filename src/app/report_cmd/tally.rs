//! Bounded counters for `qmvc report`: a top-N table that never holds more
//! than a fixed number of keys ([`Top`]) and a millisecond histogram with
//! bounded buckets for the median and p99 ([`Histogram`]). Memory stays the
//! same whether the log has a thousand lines or a billion.
//!
//! Pure.

use std::collections::{BTreeMap, HashMap};

/// Counts per key, keeping at most [`Top::KEEP`] keys between prunings and
/// twice that at most: when the table fills, the less frequent half goes
/// (a "lossy counting" scheme). While fewer distinct keys than `2 * KEEP`
/// were seen, every count is exact; after a pruning the counts of the keys
/// that stayed are lower bounds and [`Top::approximate`] says so.
#[derive(Debug, Clone, Default)]
pub struct Top {
    counts: HashMap<String, u64>,
    approximate: bool,
}

impl Top {
    /// Keys kept after a pruning.
    pub const KEEP: usize = 2048;

    /// Adds one to `key`'s count (`key` is copied only when new).
    pub fn add(&mut self, key: &str) {
        if let Some(n) = self.counts.get_mut(key) {
            *n += 1;
            return;
        }
        if self.counts.len() >= 2 * Self::KEEP {
            self.prune();
        }
        self.counts.insert(key.to_string(), 1);
    }

    /// Keeps the [`Top::KEEP`] most frequent keys.
    fn prune(&mut self) {
        let mut all: Vec<(String, u64)> = self.counts.drain().collect();
        all.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        all.truncate(Self::KEEP);
        self.counts.extend(all);
        self.approximate = true;
    }

    /// The `n` most frequent keys, most frequent first, ties by key.
    pub fn first(&self, n: usize) -> Vec<(String, u64)> {
        let mut all: Vec<(&String, &u64)> = self.counts.iter().collect();
        all.sort_unstable_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
        all.into_iter()
            .take(n)
            .map(|(k, v)| (k.clone(), *v))
            .collect()
    }

    /// Distinct keys held now.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.counts.len()
    }

    /// True once keys were dropped: counts are then lower bounds.
    pub fn approximate(&self) -> bool {
        self.approximate
    }
}

/// A histogram of millisecond values: exact below 1024 ms, then 64
/// buckets per power of two (within 1.6 %), held sparsely (at most 4480
/// buckets whatever the values).
#[derive(Debug, Clone, Default)]
pub struct Histogram {
    buckets: BTreeMap<u32, u64>,
    count: u64,
}

/// Values below this are their own bucket.
const EXACT: u64 = 1024;
/// Buckets per power of two above [`EXACT`].
const SUB: u32 = 64;

impl Histogram {
    /// Records one value.
    pub fn add(&mut self, ms: u64) {
        *self.buckets.entry(bucket(ms)).or_default() += 1;
        self.count += 1;
    }

    /// The value at quantile `q` (0.0..=1.0, nearest rank) as its bucket's
    /// lower bound; `None` when empty.
    pub fn quantile(&self, q: f64) -> Option<u64> {
        if self.count == 0 {
            return None;
        }
        // Nearest rank: the smallest value with at least q of all at or below.
        let rank = ((q.clamp(0.0, 1.0) * self.count as f64).ceil() as u64).max(1);
        let mut seen = 0;
        for (b, n) in &self.buckets {
            seen += n;
            if seen >= rank {
                return Some(lower_bound(*b));
            }
        }
        self.buckets.keys().next_back().map(|b| lower_bound(*b))
    }
}

/// The bucket of `ms`.
fn bucket(ms: u64) -> u32 {
    if ms < EXACT {
        return ms as u32;
    }
    let exp = 63 - ms.leading_zeros(); // >= 10
    let sub = ((ms >> (exp - 6)) & u64::from(SUB - 1)) as u32;
    EXACT as u32 + (exp - 10) * SUB + sub
}

/// The smallest value in bucket `b`.
fn lower_bound(b: u32) -> u64 {
    if u64::from(b) < EXACT {
        return u64::from(b);
    }
    let rest = b - EXACT as u32;
    let exp = rest / SUB + 10;
    let sub = u64::from(rest % SUB);
    (1u64 << exp) | (sub << (exp - 6))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_is_exact_below_its_bound_and_ordered() {
        let mut t = Top::default();
        for k in ["b", "a", "b", "c", "b", "a"] {
            t.add(k);
        }
        assert_eq!(t.first(2), [("b".to_string(), 3), ("a".to_string(), 2)]);
        assert!(!t.approximate());
    }

    #[test]
    fn top_keeps_memory_bounded_and_the_frequent_keys() {
        let mut t = Top::default();
        for i in 0..100_000 {
            t.add("frequent");
            t.add(&format!("rare-{i}"));
        }
        assert!(t.len() <= 2 * Top::KEEP, "{}", t.len());
        assert_eq!(t.first(1), [("frequent".to_string(), 100_000)]);
        assert!(t.approximate());
    }

    #[test]
    fn histogram_quantiles() {
        let mut h = Histogram::default();
        assert_eq!(h.quantile(0.5), None);
        for ms in 1..=100 {
            h.add(ms);
        }
        assert_eq!(h.quantile(0.5), Some(50));
        assert_eq!(h.quantile(0.99), Some(99));
        assert_eq!(h.quantile(1.0), Some(100));
        h.add(5000);
        // 5000 ms falls in the bucket starting at 4992 (64 per power of two).
        assert_eq!(h.quantile(1.0), Some(4992));
    }

    #[test]
    fn buckets_round_trip_within_their_precision() {
        for ms in [0, 1, 1023, 1024, 1500, 65_535, 1 << 40, u64::MAX] {
            let low = lower_bound(bucket(ms));
            assert!(low <= ms && ms - low <= ms / 64, "{ms} -> {low}");
        }
        assert!(bucket(u64::MAX) < 4480);
    }
}
