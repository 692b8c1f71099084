//! Validation against the calibration targets: run replicates over 2017–2020, count every
//! target in each, and compare the mean with the target's band.

use std::sync::Arc;

use indicatif::ProgressBar;
use rayon::prelude::*;
use serde::Serialize;

use super::run_replicate;
use super::targets::{TARGETS, Target, measure};
use crate::geo::SahelMap;
use crate::record::summary::quantile;
use crate::scenario::Scenario;

/// The last day the targets look at.
pub const CALIBRATION_END: time::Date = time::macros::date!(2020 - 12 - 31);

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
    /// Whether the mean lies in the band.
    pub pass: bool,
    /// Every replicate's value.
    pub values: Vec<f64>,
}

/// The scenario cut to the calibration period (the model is causal: days up to the end of
/// 2020 do not depend on the days after, so the cut changes none of the counted values).
pub fn calibration_scenario(scenario: &Scenario) -> Scenario {
    let mut s = scenario.clone();
    if s.period.end > CALIBRATION_END {
        s.period.end = CALIBRATION_END;
    }
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
    measure(scenario, map, &out.events, &out.rows)
}

/// Summarises per-replicate target values (`values[r][t]`) into results.
pub fn summarise_targets(values: &[Vec<f64>]) -> Vec<TargetResult> {
    TARGETS
        .iter()
        .enumerate()
        .map(|(t, target)| {
            let v: Vec<f64> = values.iter().map(|r| r[t]).collect();
            let mut sorted: Vec<f64> = v.iter().copied().filter(|x| !x.is_nan()).collect();
            sorted.sort_by(f64::total_cmp);
            let mean = if sorted.is_empty() {
                f64::NAN
            } else {
                sorted.iter().sum::<f64>() / sorted.len() as f64
            };
            TargetResult {
                target: *target,
                mean,
                p05: quantile(&sorted, 0.05),
                p95: quantile(&sorted, 0.95),
                pass: target.distance(mean) == 0.0,
                values: v,
            }
        })
        .collect()
}

/// Runs `replicates` replicates of `scenario` over 2017–2020 and compares them with the targets.
pub fn validate(
    scenario: &Scenario,
    replicates: u32,
    progress: Option<&ProgressBar>,
) -> Vec<TargetResult> {
    let s = Arc::new(calibration_scenario(scenario));
    let map = Arc::new(SahelMap::build(&s.map, s.period.start.year()));
    let values: Vec<Vec<f64>> = (0..replicates)
        .into_par_iter()
        .map(|r| measure_replicate(&s, &map, r, progress))
        .collect();
    summarise_targets(&values)
}

/// The calibration score of target means: the sum of squared distances outside the bands, in
/// band widths (0 when every target is met).
pub fn score(results: &[TargetResult]) -> f64 {
    results
        .iter()
        .map(|r| r.target.distance(r.mean).powi(2))
        .sum()
}
