//! Sweep throughput: the same 24 runs (a Latin hypercube of 12 points × 2 replicates of the
//! short test scenario, one year on the 0.25° grid) on 1 and on 2 worker threads, through the
//! engine `sahelsim sweep` and `sahelsim calibrate` share. Runs per second = 24 / time;
//! parallel efficiency = time(1 thread) / (2 × time(2 threads)).
//!
//! `cargo bench --bench sweep`

use std::path::Path;

use sahelsim::experiment::engine::run_all;
use sahelsim::experiment::sweep::{Plan, spec};

fn main() {
    divan::main();
}

/// The 24 runs, each turned into its results row, on `threads` workers.
#[divan::bench(args = [1, 2], sample_count = 5)]
fn sweep_24_runs(bencher: divan::Bencher, threads: usize) {
    let sweep = spec::load(Path::new("benches/sweep_bench.ron")).unwrap();
    let plan = Plan::new(sweep).unwrap();
    let runs: Vec<u64> = (0..plan.total_runs()).collect();
    assert_eq!(runs.len(), 24);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    bencher.bench(|| pool.install(|| run_all(&runs, |&r| plan.run_row(r, None))));
}
