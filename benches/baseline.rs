//! One replicate of the 2017–2020 baseline (1,461 daily steps on the 0.1° grid), on one thread:
//! the figure the model's speed target is about.
//!
//! `cargo bench --bench baseline`

use std::path::Path;
use std::sync::Arc;

use sahelsim::experiment::run_replicate;
use sahelsim::geo::SahelMap;
use sahelsim::scenario;

fn main() {
    divan::main();
}

/// A whole 4-year replicate: world set-up, 1,461 days, time series and summary.
#[divan::bench(sample_count = 10)]
fn baseline_2017_2020_one_replicate(bencher: divan::Bencher) {
    let s = Arc::new(scenario::load(Path::new("scenarios/baseline_2017_2020.ron")).unwrap());
    let map = Arc::new(SahelMap::build(&s.map, s.period.start.year()));
    bencher.bench(|| run_replicate(&s, &map, 0, None));
}
