//! Epstein's civil violence model on Mesa's default configuration (40 × 40 torus, citizen
//! density 0.7, cop density 0.074, von Neumann vision 7, legitimacy 0.8, jail terms up to
//! 1000): steps per second on one thread, to set beside `benches/mesa/speed.py`, which times
//! Mesa's example on the same configuration.
//!
//! `cargo bench --bench epstein`; `benches/mesa/side_by_side.py` runs this and Mesa's example
//! in turn and prints their ratio with the load average.

use divan::counter::ItemsCount;
use sahelsim::reference::epstein::{EpsteinParams, World};

fn main() {
    divan::main();
}

/// 100 steps of a world that has already run 100 (past the opening burst), Mesa's defaults.
#[divan::bench(sample_count = 30)]
fn mesa_default_100_steps(bencher: divan::Bencher) {
    hundred_steps_after_hundred(bencher, &EpsteinParams::default());
}

/// The same for the punctuated setting (legitimacy 0.82, cop density 0.04, jail up to 30),
/// where far more citizens are free and active.
#[divan::bench(sample_count = 30)]
fn punctuated_100_steps(bencher: divan::Bencher) {
    let p = EpsteinParams {
        legitimacy: 0.82,
        cop_density: 0.04,
        max_jail_term: 30,
        ..EpsteinParams::default()
    };
    hundred_steps_after_hundred(bencher, &p);
}

/// Times 100 steps of a world with parameters `p` that has already run 100.
fn hundred_steps_after_hundred(bencher: divan::Bencher, p: &EpsteinParams) {
    let mut w = World::new(p, 1, 0);
    for _ in 0..100 {
        w.step();
    }
    bencher
        .counter(ItemsCount::new(100usize))
        .with_inputs(|| w.clone())
        .bench_local_values(|mut w| {
            for _ in 0..100 {
                w.step();
            }
            w
        });
}

/// A whole 1000-step replicate with Mesa's defaults: set-up, steps and counts.
#[divan::bench(sample_count = 10)]
fn mesa_default_replicate_1000_steps(bencher: divan::Bencher) {
    let p = EpsteinParams::default();
    bencher
        .counter(ItemsCount::new(1000usize))
        .bench(|| sahelsim::reference::epstein::run_replicate(&p, 1, 0));
}
