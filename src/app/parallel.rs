//! Work on a list of items with a bounded number of threads, results handed
//! on in the list's order (`qmvc check` over many files: the output reads
//! as if the files had been judged one after the other).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::thread;

/// Runs `work` on every item with at most `jobs` threads (1 = in this
/// thread) and gives each result to `sink` in the order of `items`.
/// `sink` returns `false` to stop: no new item is started after that.
///
/// Memory: each thread holds the item it works on; results that arrive
/// before an earlier one are kept until it comes (results are meant to be
/// small, such as lines of output). A panic in `work` is carried on to
/// the caller once the other threads have ended.
pub fn map_in_order<T, R>(
    items: &[T],
    jobs: usize,
    work: impl Fn(&T) -> R + Sync,
    mut sink: impl FnMut(R) -> bool,
) where
    T: Sync,
    R: Send,
{
    let jobs = jobs.clamp(1, items.len().max(1));
    if jobs == 1 {
        for item in items {
            if !sink(work(item)) {
                return;
            }
        }
        return;
    }
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let (tx, rx) = mpsc::channel::<(usize, R)>();
    thread::scope(|scope| {
        for _ in 0..jobs {
            let tx = tx.clone();
            let (next, stop, work) = (&next, &stop, &work);
            scope.spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(i) else { break };
                    if tx.send((i, work(item))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let mut waiting = BTreeMap::new();
        let mut due = 0;
        for (i, result) in rx {
            waiting.insert(i, result);
            while let Some(result) = waiting.remove(&due) {
                due += 1;
                if !sink(result) {
                    stop.store(true, Ordering::Relaxed);
                    return;
                }
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn results_come_in_input_order_whatever_finishes_first() {
        let items: Vec<u64> = (0..40).collect();
        let mut seen = Vec::new();
        map_in_order(
            &items,
            4,
            |n| {
                // Early items take longest.
                thread::sleep(Duration::from_millis(40u64.saturating_sub(*n)));
                n * 10
            },
            |r| {
                seen.push(r);
                true
            },
        );
        assert_eq!(seen, (0..40).map(|n| n * 10).collect::<Vec<_>>());
    }

    #[test]
    fn at_most_jobs_run_at_once_and_stop_is_honoured() {
        let running = AtomicUsize::new(0);
        let most = AtomicUsize::new(0);
        let started = AtomicUsize::new(0);
        let items: Vec<u32> = (0..200).collect();
        let mut taken = 0;
        map_in_order(
            &items,
            3,
            |_| {
                started.fetch_add(1, Ordering::SeqCst);
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                thread::sleep(Duration::from_millis(2));
                running.fetch_sub(1, Ordering::SeqCst);
            },
            |()| {
                taken += 1;
                taken < 5
            },
        );
        assert_eq!(taken, 5);
        assert!(most.load(Ordering::SeqCst) <= 3);
        assert!(started.load(Ordering::SeqCst) < 200);
    }
}
