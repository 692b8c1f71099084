//! How long loading a scenario and rasterising the map take (done once per run).
//!
//! `cargo bench --bench map`

use std::path::Path;

use sahelsim::geo::SahelMap;
use sahelsim::scenario;

fn main() {
    divan::main();
}

/// Load and validate the baseline scenario (with its `extends` chain).
#[divan::bench]
fn load_baseline() -> scenario::Scenario {
    scenario::load(Path::new("scenarios/baseline.ron")).unwrap()
}

/// Rasterise the map at the baseline's 0.1° resolution, on the calling thread.
#[divan::bench]
fn rasterise_baseline_grid(bencher: divan::Bencher) {
    let s = scenario::load(Path::new("scenarios/baseline.ron")).unwrap();
    bencher.bench(|| SahelMap::build(&s.map, 2017));
}

/// The same on a worker pool of one thread per core, as `sahelsim run` builds it (the cells
/// found in parallel).
#[divan::bench]
fn rasterise_baseline_grid_on_the_pool(bencher: divan::Bencher) {
    let s = scenario::load(Path::new("scenarios/baseline.ron")).unwrap();
    let pool = rayon::ThreadPoolBuilder::new().build().unwrap();
    bencher.bench(|| pool.install(|| SahelMap::build(&s.map, 2017)));
}
