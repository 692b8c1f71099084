//! Validation against the calibration targets: run replicates over 2017–2020 (to 2024 where
//! the scenario runs that far, for the checks beyond 2020), count every target in each, and
//! compare the mean with the target's band.

use std::sync::Arc;

use indicatif::ProgressBar;
use rayon::prelude::*;
use serde::Serialize;

use super::run_replicate;
use super::targets::{Role, TARGETS, Target, last_counted_day, measure};
use crate::geo::SahelMap;
use crate::record::summary::spread;
use crate::scenario::Scenario;

/// One target's result.
#[derive(Debug, Clone, Serialize)]
pub struct TargetResult {
    /// The target.
    pub target: Target,
    /// Mean across replicates.
    pub mean: f64,
    /// 5th percentile across replicates.
    pub p05: f64,
    /// 95th percentile across replicates.
    pub p95: f64,
    /// Whether the scenario covers the target's years (the checks beyond 2020 need a run to
    /// the end of 2024).
    pub covered: bool,
    /// Whether the target is covered and its mean lies in the band.
    pub pass: bool,
    /// Every replicate's value.
    pub values: Vec<f64>,
}

impl TargetResult {
    /// The share of replicates whose own value lies in the band (replicates where the target
    /// is undefined left out; NaN when none has a value). A mean in the band can hide
    /// replicates split on both sides of it: a group dying out in half of them and growing
    /// past the band in the rest.
    pub fn share_in_band(&self) -> f64 {
        let (counted, inside) = self
            .values
            .iter()
            .filter(|v| !v.is_nan())
            .fold((0usize, 0usize), |(n, k), &v| {
                (n + 1, k + usize::from(self.target.distance(v) == 0.0))
            });
        if counted == 0 {
            return f64::NAN;
        }
        inside as f64 / counted as f64
    }
}

/// The scenario cut to the last day the targets count (the model is causal: the days counted
/// do not depend on the days after, so the cut changes none of the counted values).
pub fn calibration_scenario(scenario: &Scenario) -> Scenario {
    let mut s = scenario.clone();
    s.period.end = s.period.end.min(last_counted_day(scenario));
    s
}

/// The target values of replicate `replicate` of `scenario` (already cut to the calibration period).
pub fn measure_replicate(
    scenario: &Arc<Scenario>,
    map: &Arc<SahelMap>,
    replicate: u32,
    progress: Option<&ProgressBar>,
) -> Vec<f64> {
    let out = run_replicate(scenario, map, replicate, progress);
    measure(scenario, map, &out.events, &out.rows, &out.cell_years)
}

/// Summarises per-replicate target values (`values[r][t]`) of a run that counted up to
/// `last_year` into results.
pub fn summarise_targets(values: &[Vec<f64>], last_year: i32) -> Vec<TargetResult> {
    TARGETS
        .iter()
        .enumerate()
        .map(|(t, target)| {
            let v: Vec<f64> = values.iter().map(|r| r[t]).collect();
            // Replicates where the target is undefined (NaN) are left out; none left gives NaN.
            let s = spread(v.iter().copied().filter(|x| !x.is_nan()).collect());
            let covered = target.last_year <= last_year;
            TargetResult {
                target: *target,
                mean: s.mean,
                p05: s.p05,
                p95: s.p95,
                covered,
                pass: covered && target.distance(s.mean) == 0.0,
                values: v,
            }
        })
        .collect()
}

/// Runs `replicates` replicates of `scenario` over the years the targets count and compares
/// them with the targets.
pub fn validate(
    scenario: &Scenario,
    replicates: u32,
    progress: Option<&ProgressBar>,
) -> Vec<TargetResult> {
    let s = Arc::new(calibration_scenario(scenario));
    let map = Arc::new(SahelMap::build(&s.map, s.period.start.year()));
    let values: Vec<Vec<f64>> = (0..replicates)
        .into_par_iter()
        .panic_fuse()
        .map(|r| measure_replicate(&s, &map, r, progress))
        .collect();
    summarise_targets(&values, s.period.end.year())
}

/// The calibration score of target means: the sum of squared distances outside the bands, in
/// band widths, over the covered *fit* targets (0 when every covered fit target is met). Test
/// targets never enter it, so that they stay an out-of-sample check.
pub fn score(results: &[TargetResult]) -> f64 {
    results
        .iter()
        .filter(|r| r.covered && r.target.role == Role::Fit)
        .map(|r| r.target.distance(r.mean).powi(2))
        .sum()
}

/// Covered and met targets of one role: (met, covered).
pub fn tally(results: &[TargetResult], role: Role) -> (usize, usize) {
    let of_role = results
        .iter()
        .filter(|r| r.covered && r.target.role == role);
    (of_role.clone().filter(|r| r.pass).count(), of_role.count())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mean_in_the_band_can_hide_replicates_on_both_sides_of_it() {
        // S3b's band is 1,500–4,000: two replicates dying out and two far above it have a
        // mean in the band, and none of them is in it.
        let s3b = TARGETS.iter().position(|t| t.id == "S3b").unwrap();
        let split: Vec<Vec<f64>> = [0.0, 100.0, 5_000.0, 6_000.0]
            .iter()
            .map(|&v| {
                let mut row = vec![f64::NAN; TARGETS.len()];
                row[s3b] = v;
                row
            })
            .collect();
        let r = &summarise_targets(&split, 2024)[s3b];
        assert!(r.pass, "mean {}", r.mean);
        assert_eq!(r.share_in_band(), 0.0);
        let mut one_in = split.clone();
        one_in[0][s3b] = 2_000.0;
        assert_eq!(summarise_targets(&one_in, 2024)[s3b].share_in_band(), 0.25);
        // No replicate with a value: no share.
        assert!(summarise_targets(&split, 2024)[0].share_in_band().is_nan());
    }
}
