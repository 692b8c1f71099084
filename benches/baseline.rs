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

/// Four weeks of the 2017–2025 baseline from 1 January of each year, on a copy of one
/// replicate's world advanced to that day (the copy is made outside the timing): the cost of a
/// simulated day as the bands multiply. The band count on that day is printed once per year.
#[divan::bench(args = [2017, 2019, 2021, 2023, 2025], sample_count = 10)]
fn four_weeks_from_january(bencher: divan::Bencher, year: i32) {
    use sahelsim::sim::Simulation;
    use sahelsim::sim::components::Band;
    let s = Arc::new(scenario::load(Path::new("scenarios/baseline.ron")).unwrap());
    let map = Arc::new(SahelMap::build(&s.map, s.period.start.year()));
    let mut sim = Simulation::new(s.clone(), map, 0);
    while s.period.date(sim.day()).year() < year {
        sim.step();
    }
    let bands = sim.world.query::<&Band>().iter(&sim.world).count();
    eprintln!("1 January {year}: {bands} bands");
    bencher
        .with_inputs(|| sim.fork(s.clone()).unwrap())
        .bench_local_values(|mut world| {
            for _ in 0..28 {
                world.step();
            }
            world
        });
}
