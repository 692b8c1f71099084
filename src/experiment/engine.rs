//! The engine that runs many independent runs (a calibration's points × replicates, a
//! sweep's) on the current rayon pool.
//!
//! Workers take runs in the order given, one at a time, from a shared counter, so runs finish
//! roughly in that order. [`run_each`] hands results over as they finish; [`run_in_order`]
//! hands them over in job order and bounds how many finished ones wait for their turn. Each result goes to one sink, called on one thread at a time as runs finish;
//! a sink error (a full disk, say) stops the workers from starting new runs and is returned
//! once the runs in progress have finished (their results are dropped: the sink has failed).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};

/// Runs `run(job)` for every job in `jobs`, in parallel on the current rayon pool, and hands
/// each result to `sink(position in jobs, result)` as it finishes. Returns the sink's first
/// error, if any, after every run started has been handed over.
pub fn run_each<J, T, E>(
    jobs: &[J],
    run: impl Fn(&J) -> T + Sync,
    sink: impl FnMut(usize, T) -> Result<(), E> + Send,
) -> Result<(), E>
where
    J: Sync,
    T: Send,
    E: Send,
{
    let stop = AtomicBool::new(false);
    let sink = Mutex::new((sink, None::<E>));
    // No worker waits on a turn here; the panic guard's wake-up goes to no one.
    let idle = Condvar::new();
    workers(jobs, &stop, &idle, |k, job| {
        let result = run(job);
        // A poisoned lock means another worker's sink panicked: that panic is propagated by
        // the scope, so this worker just stops.
        let Ok(mut guard) = sink.lock() else {
            return false;
        };
        let (sink, error) = &mut *guard;
        if error.is_none()
            && let Err(e) = sink(k, result)
        {
            *error = Some(e);
            stop.store(true, Ordering::Relaxed);
        }
        true
    });
    match sink.into_inner() {
        Ok((_, Some(e))) => Err(e),
        _ => Ok(()),
    }
}

/// Runs `run(job)` for every job in `jobs`, in parallel on the current rayon pool, and hands
/// the results to `sink(position in jobs, result)` in job order, each as soon as it and every
/// earlier one are done. A worker does not start a job more than `ahead` places past the first
/// one not yet handed over (it waits for that one), so at most `ahead` finished results wait
/// in memory for their turn, whatever the number of jobs or how long one of them takes.
/// Returns the sink's first error, if any, after the runs in progress have finished; results
/// after the error are dropped.
pub fn run_in_order<J, T, E>(
    jobs: &[J],
    ahead: usize,
    run: impl Fn(&J) -> T + Sync,
    sink: impl FnMut(usize, T) -> Result<(), E> + Send,
) -> Result<(), E>
where
    J: Sync,
    T: Send,
    E: Send,
{
    /// The sink and the results waiting for it.
    struct Turn<T, S, E> {
        sink: S,
        error: Option<E>,
        waiting: BTreeMap<usize, T>,
        /// Results handed to the sink (or dropped after an error), in job order.
        done: usize,
    }
    let ahead = ahead.max(1);
    let stop = AtomicBool::new(false);
    let turn = Mutex::new(Turn {
        sink,
        error: None::<E>,
        waiting: BTreeMap::new(),
        done: 0,
    });
    let moved = Condvar::new();
    workers(jobs, &stop, &moved, |k, job| {
        // The first job not yet handed over is running on another worker (jobs are taken in
        // order), so this wait always ends. A poisoned lock means another worker panicked:
        // the scope propagates it, this worker stops.
        let Ok(mut guard) = turn.lock() else {
            return false;
        };
        while k >= guard.done + ahead && !stop.load(Ordering::Relaxed) {
            let Ok(g) = moved.wait(guard) else {
                return false;
            };
            guard = g;
        }
        drop(guard);
        if stop.load(Ordering::Relaxed) {
            return false;
        }
        let result = run(job);
        let Ok(mut guard) = turn.lock() else {
            return false;
        };
        let t = &mut *guard;
        t.waiting.insert(k, result);
        while let Some(result) = t.waiting.remove(&t.done) {
            if t.error.is_none()
                && let Err(e) = (t.sink)(t.done, result)
            {
                t.error = Some(e);
                stop.store(true, Ordering::Relaxed);
            }
            t.done += 1;
        }
        drop(guard);
        moved.notify_all();
        true
    });
    match turn.into_inner() {
        Ok(Turn { error: Some(e), .. }) => Err(e),
        _ => Ok(()),
    }
}

/// The worker skeleton of [`run_each`] and [`run_in_order`]: as many workers as the pool has
/// threads (at most one per job) take jobs in order from a shared counter and call
/// `work(position, job)` until the jobs run out, `work` returns false or `stop` is set. A
/// worker whose run panics sets `stop` and wakes those waiting on `moved`, so that the others
/// stop after their current run and the scope passes the panic on at once; a worker that
/// ends wakes them too.
fn workers<J: Sync>(
    jobs: &[J],
    stop: &AtomicBool,
    moved: &Condvar,
    work: impl Fn(usize, &J) -> bool + Sync,
) {
    let next = AtomicUsize::new(0);
    let count = rayon::current_num_threads().min(jobs.len()).max(1);
    rayon::scope(|s| {
        for _ in 0..count {
            s.spawn(|_| {
                let _wake = WakeOnPanic { stop, moved };
                while !stop.load(Ordering::Relaxed) {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    let Some(job) = jobs.get(k) else { break };
                    if !work(k, job) {
                        break;
                    }
                }
                moved.notify_all();
            });
        }
    });
}

/// Stops the workers of [`workers`] (and wakes those waiting on `moved`) when the worker
/// holding it unwinds.
struct WakeOnPanic<'a> {
    stop: &'a AtomicBool,
    moved: &'a Condvar,
}

impl Drop for WakeOnPanic<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.stop.store(true, Ordering::SeqCst);
            self.moved.notify_all();
        }
    }
}

/// Runs every job and returns the results in job order.
pub fn run_all<J: Sync, T: Send>(jobs: &[J], run: impl Fn(&J) -> T + Sync) -> Vec<T> {
    let mut out: Vec<Option<T>> = (0..jobs.len()).map(|_| None).collect();
    let result: Result<(), std::convert::Infallible> = run_each(jobs, run, |k, t| {
        out[k] = Some(t);
        Ok(())
    });
    let Ok(()) = result;
    out.into_iter()
        .map(|t| t.expect("run_each hands over every job when the sink never fails"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pool of `threads` workers for a test.
    fn pool(threads: usize) -> rayon::ThreadPool {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
    }

    #[test]
    fn every_job_runs_once_and_results_come_back_in_order() {
        let pool = pool(3);
        let jobs: Vec<u64> = (0..200).collect();
        let out = pool.install(|| run_all(&jobs, |j| j * j));
        assert_eq!(out, jobs.iter().map(|j| j * j).collect::<Vec<_>>());
    }

    #[test]
    fn results_come_in_order_with_at_most_ahead_waiting() {
        let pool = pool(4);
        let jobs: Vec<u64> = (0..300).collect();
        let ahead = 3;
        // Job 10 is slow: without the limit, the three other workers would finish many more
        // jobs while it runs, all of them waiting for it in memory. With it, no job 13 places
        // or more past the first not handed over starts before job 10 has finished.
        let slow_finished = AtomicBool::new(false);
        let too_early = AtomicUsize::new(0);
        let mut got = Vec::new();
        let r: Result<(), ()> = pool.install(|| {
            run_in_order(
                &jobs,
                ahead,
                |&j| {
                    if j >= 10 + ahead as u64 && !slow_finished.load(Ordering::SeqCst) {
                        too_early.fetch_add(1, Ordering::SeqCst);
                    }
                    if j == 10 {
                        std::thread::sleep(std::time::Duration::from_millis(200));
                        slow_finished.store(true, Ordering::SeqCst);
                    }
                    j * 3
                },
                |k, v| {
                    got.push((k, v));
                    Ok(())
                },
            )
        });
        assert_eq!(r, Ok(()));
        let expected: Vec<(usize, u64)> = jobs.iter().map(|&j| (j as usize, j * 3)).collect();
        assert_eq!(got, expected);
        assert_eq!(too_early.load(Ordering::SeqCst), 0);
    }

    #[test]
    fn a_run_that_panics_stops_the_others_instead_of_leaving_them_waiting() {
        let pool = pool(3);
        let jobs: Vec<u32> = (0..100).collect();
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            pool.install(|| {
                run_in_order(
                    &jobs,
                    2,
                    |&j| {
                        if j == 5 {
                            panic!("replicate 5 failed");
                        }
                        j
                    },
                    |_, _| Ok::<(), ()>(()),
                )
            })
        }));
        assert!(outcome.is_err(), "the panic was not passed on");
    }

    #[test]
    fn a_run_that_panics_stops_run_each_before_the_other_jobs_run() {
        let pool = pool(2);
        let jobs: Vec<u32> = (0..1000).collect();
        let ran = AtomicUsize::new(0);
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            pool.install(|| {
                run_each(
                    &jobs,
                    |&j| {
                        ran.fetch_add(1, Ordering::SeqCst);
                        if j == 0 {
                            panic!("replicate 0 failed");
                        }
                        std::thread::sleep(std::time::Duration::from_millis(1));
                        j
                    },
                    |_, _| Ok::<(), ()>(()),
                )
            })
        }));
        assert!(outcome.is_err(), "the panic was not passed on");
        // Without the guard the other worker runs all 999 others before the panic is passed
        // on (a 20-minute comparison failed at its end that way). With it, the other worker
        // stops once the panicking one has unwound (capturing a backtrace can take a few
        // hundred milliseconds on a loaded machine).
        let ran = ran.load(Ordering::SeqCst);
        assert!(ran < 500, "{ran} jobs ran after the first one panicked");
    }

    #[test]
    fn run_in_order_stops_on_a_sink_error() {
        let pool = pool(2);
        let jobs: Vec<u32> = (0..1000).collect();
        let mut seen = Vec::new();
        let r = pool.install(|| {
            run_in_order(
                &jobs,
                4,
                |j| *j,
                |k, _| {
                    seen.push(k);
                    if k == 4 { Err("disk full") } else { Ok(()) }
                },
            )
        });
        assert_eq!(r, Err("disk full"));
        assert_eq!(seen, [0, 1, 2, 3, 4]);
    }

    #[test]
    fn a_sink_error_stops_new_runs_and_is_returned() {
        let pool = pool(2);
        let jobs: Vec<u32> = (0..1000).collect();
        let mut seen = 0;
        let r = pool.install(|| {
            run_each(
                &jobs,
                |j| *j,
                |_, _| {
                    seen += 1;
                    if seen == 5 { Err("disk full") } else { Ok(()) }
                },
            )
        });
        assert_eq!(r, Err("disk full"));
        assert!(seen < 1000, "workers went on after the error: {seen}");
    }
}
