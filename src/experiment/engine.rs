//! The engine that runs many independent runs (a calibration's points × replicates, a
//! sweep's) on the current rayon pool.
//!
//! Workers take runs in the order given, one at a time, from a shared counter, so runs finish
//! roughly in that order and a caller that writes results in order buffers only the few that
//! finish early. Each result goes to one sink, called on one thread at a time as runs finish;
//! a sink error (a full disk, say) stops the workers from starting new runs and is returned
//! once the runs in progress have finished (their results are dropped: the sink has failed).

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

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
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let sink = Mutex::new((sink, None::<E>));
    let workers = rayon::current_num_threads().min(jobs.len()).max(1);
    rayon::scope(|s| {
        for _ in 0..workers {
            s.spawn(|_| {
                while !stop.load(Ordering::Relaxed) {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    let Some(job) = jobs.get(k) else { break };
                    let result = run(job);
                    // A poisoned lock means another worker's sink panicked: that panic is
                    // propagated by the scope, so this worker just stops.
                    let Ok(mut guard) = sink.lock() else { break };
                    let (sink, error) = &mut *guard;
                    if error.is_none()
                        && let Err(e) = sink(k, result)
                    {
                        *error = Some(e);
                        stop.store(true, Ordering::Relaxed);
                    }
                }
            });
        }
    });
    match sink.into_inner() {
        Ok((_, Some(e))) => Err(e),
        _ => Ok(()),
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

    #[test]
    fn every_job_runs_once_and_results_come_back_in_order() {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .unwrap();
        let jobs: Vec<u64> = (0..200).collect();
        let out = pool.install(|| run_all(&jobs, |j| j * j));
        assert_eq!(out, jobs.iter().map(|j| j * j).collect::<Vec<_>>());
    }

    #[test]
    fn a_sink_error_stops_new_runs_and_is_returned() {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
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
