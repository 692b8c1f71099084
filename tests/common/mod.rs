//! Helpers shared by the model tests: short, coarse variants of the baseline.

#![allow(dead_code)]

use std::path::Path;
use std::sync::Arc;

use sahelsim::experiment::{ReplicateOutput, run_replicate};
use sahelsim::geo::SahelMap;
use sahelsim::scenario::{self, Scenario};

/// The baseline shortened to `days` days, at `resolution` degrees, with parameters set by path.
pub fn short(days: u32, resolution: f64, set: &[(&str, f64)]) -> Arc<Scenario> {
    let mut s = scenario::load(Path::new("scenarios/baseline.ron")).unwrap();
    s.period.end = s.period.start + time::Duration::days(days as i64 - 1);
    s.map.resolution_deg = resolution;
    for (path, v) in set {
        assert!(s.model.set(path, *v), "no parameter {path}");
    }
    Arc::new(s)
}

/// The map for `s`.
pub fn map(s: &Scenario) -> Arc<SahelMap> {
    Arc::new(SahelMap::build(&s.map, s.period.start.year()))
}

/// Runs replicate `r` of `s`.
pub fn run(s: &Arc<Scenario>, r: u32) -> ReplicateOutput {
    run_replicate(s, &map(s), r, None)
}

/// Runs the `sahelsim` binary with `args` from the repository root.
pub fn sahelsim(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_sahelsim"))
        .args(args)
        .output()
        .unwrap()
}

/// The sum of an outcome over replicates `0..n`.
pub fn total(s: &Arc<Scenario>, n: u32, outcome: &str) -> f64 {
    totals(s, n, &[outcome])[0]
}

/// The sums of several outcomes over replicates `0..n`, each replicate run once.
pub fn totals(s: &Arc<Scenario>, n: u32, outcomes: &[&str]) -> Vec<f64> {
    let m = map(s);
    let mut sums = vec![0.0; outcomes.len()];
    for r in 0..n {
        let summary = run_replicate(s, &m, r, None).summary;
        for (sum, outcome) in sums.iter_mut().zip(outcomes) {
            *sum += summary.outcomes[*outcome];
        }
    }
    sums
}

/// The names of the files in `dir`, sorted.
pub fn file_names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    v.sort();
    v
}

/// Runs the `sahelsim` binary with `args` and asserts that it succeeded (its stderr shown
/// otherwise).
pub fn sahelsim_ok(args: &[&str]) -> std::process::Output {
    let out = sahelsim(args);
    assert!(
        out.status.success(),
        "sahelsim {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}
