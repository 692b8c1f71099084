//! Validation against the calibration targets: run replicates over 2017–2020 (to 2024 where
//! the scenario runs that far, for the checks beyond 2020), count every target in each, and
//! compare the mean with the target's band.

use std::sync::Arc;

use indicatif::ProgressBar;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
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

/// The score of the replicates themselves: over the covered *fit* targets, the mean over
/// replicates of each replicate's squared distance outside the band, in band widths
/// (replicates where the target is undefined left out; none left counts as a NaN mean does).
/// It is 0 only when every replicate meets every fit target, and it is never below the
/// [`score`] of the means of the same replicates (the squared distance is convex), so the two
/// differ by how far the replicates scatter across the bands' edges.
pub fn replicate_score(results: &[TargetResult]) -> f64 {
    results
        .iter()
        .filter(|r| r.covered && r.target.role == Role::Fit)
        .map(|r| {
            let (n, sum) = r
                .values
                .iter()
                .filter(|v| !v.is_nan())
                .fold((0usize, 0.0), |(n, s), &v| {
                    (n + 1, s + r.target.distance(v).powi(2))
                });
            if n == 0 {
                r.target.distance(f64::NAN).powi(2)
            } else {
                sum / n as f64
            }
        })
        .sum()
}

/// Resamplings behind [`score_standard_error`] in `validate`. Numerical, not a parameter:
/// with 1,000 the standard error itself is known to about 2 %.
pub const SCORE_RESAMPLES: usize = 1_000;

/// The bootstrap standard error of [`score`]: the standard deviation of the score of the
/// means over `resamples` resamplings of the replicates with replacement (the same replicates
/// for every target, since each replicate is one world), drawn from a generator seeded with
/// `seed`. It says how far the score would move with another set of as many replicates: two
/// points whose scores differ by less than about twice it are not told apart by them. 0 with
/// fewer than two replicates or fewer than two resamplings.
pub fn score_standard_error(results: &[TargetResult], resamples: usize, seed: u64) -> f64 {
    let fit: Vec<&TargetResult> = results
        .iter()
        .filter(|r| r.covered && r.target.role == Role::Fit)
        .collect();
    let n = fit.first().map_or(0, |r| r.values.len());
    if n < 2 || resamples < 2 {
        return 0.0;
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut picks = vec![0usize; n];
    let scores: Vec<f64> = (0..resamples)
        .map(|_| {
            for p in picks.iter_mut() {
                *p = rng.random_range(0..n);
            }
            fit.iter()
                .map(|r| {
                    // The mean of the picked replicates where the target is defined (NaN where
                    // it is nowhere), as the score's means are taken.
                    let (k, sum) = picks
                        .iter()
                        .map(|&i| r.values[i])
                        .filter(|v| !v.is_nan())
                        .fold((0usize, 0.0), |(k, s), v| (k + 1, s + v));
                    let mean = if k == 0 { f64::NAN } else { sum / k as f64 };
                    r.target.distance(mean).powi(2)
                })
                .sum()
        })
        .collect();
    let mean = scores.iter().sum::<f64>() / resamples as f64;
    let var = scores.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (resamples - 1) as f64;
    var.sqrt()
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
        let (s3b, split) = s3b_rows(&[0.0, 100.0, 5_000.0, 6_000.0]);
        let r = &summarise_targets(&split, 2024)[s3b];
        assert!(r.pass, "mean {}", r.mean);
        assert_eq!(r.share_in_band(), 0.0);
        let mut one_in = split.clone();
        one_in[0][s3b] = 2_000.0;
        assert_eq!(summarise_targets(&one_in, 2024)[s3b].share_in_band(), 0.25);
        // No replicate with a value: no share.
        assert!(summarise_targets(&split, 2024)[0].share_in_band().is_nan());
    }

    /// Rows of `TARGETS.len()` values, every target but S3b undefined, S3b as given.
    fn s3b_rows(values: &[f64]) -> (usize, Vec<Vec<f64>>) {
        let s3b = TARGETS.iter().position(|t| t.id == "S3b").unwrap();
        let rows = values
            .iter()
            .map(|&v| {
                let mut row = vec![f64::NAN; TARGETS.len()];
                row[s3b] = v;
                row
            })
            .collect();
        (s3b, rows)
    }

    #[test]
    fn the_scores_standard_error_grows_with_the_replicates_scatter() {
        // Identical replicates: every resampling gives the same score (to rounding).
        let (_, same) = s3b_rows(&[5_000.0; 20]);
        let same = summarise_targets(&same, 2024);
        assert!(score(&same) > 0.0);
        assert!(score_standard_error(&same, 500, 7) < 1e-9);
        // Replicates scattered across the band's upper edge (1,500–4,000): the score moves
        // with the resampling, more the wider the scatter, and the same seed repeats it.
        let scattered = |half: f64| {
            let values: Vec<f64> = (0..20)
                .map(|i| 4_000.0 + half * (i as f64 / 19.0 * 2.0 - 1.0))
                .collect();
            summarise_targets(&s3b_rows(&values).1, 2024)
        };
        let (narrow, wide) = (scattered(500.0), scattered(2_000.0));
        let (se_narrow, se_wide) = (
            score_standard_error(&narrow, 500, 7),
            score_standard_error(&wide, 500, 7),
        );
        assert!(
            se_narrow > 0.0 && se_wide > se_narrow,
            "{se_narrow} {se_wide}"
        );
        assert_eq!(score_standard_error(&wide, 500, 7), se_wide);
        // One replicate, or one resampling: nothing to tell.
        let one = summarise_targets(&s3b_rows(&[5_000.0]).1, 2024);
        assert_eq!(score_standard_error(&one, 500, 7), 0.0);
        assert_eq!(score_standard_error(&wide, 1, 7), 0.0);
    }

    #[test]
    fn the_replicate_score_sees_what_the_score_of_means_hides() {
        // Every target but S3b undefined: each counts as a NaN mean does, in both scores.
        let (s3b, split) = s3b_rows(&[0.0, 100.0, 5_000.0, 6_000.0]);
        let nan_part = (TARGETS
            .iter()
            .filter(|t| t.role == Role::Fit && t.last_year <= 2024)
            .count()
            - 1) as f64
            * 100.0;
        let split = summarise_targets(&split, 2024);
        assert!(split[s3b].pass);
        assert_eq!(score(&split), nan_part);
        // Distances 0.6, 0.56, 0.4 and 0.8 band widths: mean square 0.3728.
        let expected = (0.36 + 0.3136 + 0.16 + 0.64) / 4.0;
        assert!((replicate_score(&split) - nan_part - expected).abs() < 1e-9);
        // All four in the band: both 0 on S3b.
        let (_, inside) = s3b_rows(&[1_600.0, 2_000.0, 3_000.0, 3_900.0]);
        assert_eq!(replicate_score(&summarise_targets(&inside, 2024)), nan_part);
        // Never below the score of the means.
        for values in [[0.0, 9_000.0, 2_000.0, 1_000.0], [10.0, 20.0, 30.0, 40.0]] {
            let (_, rows) = s3b_rows(&values);
            let r = summarise_targets(&rows, 2024);
            assert!(replicate_score(&r) >= score(&r), "{values:?}");
        }
    }
}
