//! A policy's effect over an ensemble of plausible worlds (`compare --ensemble`): every
//! scenario runs in every member × replicate under common random numbers (replicate r of
//! every scenario in every member on the same seed), so the paired difference `d[m][r]`
//! between a scenario and the base holds the parameter uncertainty (across members `m`) and
//! the run-to-run uncertainty (across replicates `r`).
//!
//! For each outcome the effect is reported as
//! - the ensemble's mean effect with its 95 % confidence interval (Student's t over the
//!   members' mean effects, which are independent: the members were sampled independently);
//! - the 90 % interval of the effect over worlds and runs (the 5th and 95th percentiles of
//!   every `d[m][r]`): where one realisation in one plausible world falls, both uncertainties
//!   held;
//! - the 5th and 95th percentiles of the members' mean effects (the spread over worlds);
//! - the shares of worlds whose mean effect lies below and above 0: the robustness statement
//!   ("in 87 % of the worlds consistent with the data, the policy reduces civilian deaths");
//! - the share of the spread of the members' mean effects that is not run-to-run noise
//!   (1 − the noise variance expected with this many replicates over the variance observed,
//!   floored at 0): where it is low, the members differ little beyond noise and the shares of
//!   worlds mostly count noise.

use serde::Serialize;

use super::compare::t_975;
use crate::record::summary::quantile;

/// One scenario's effect on one outcome over an ensemble.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct EnsembleEffect {
    /// The base's mean over members and replicates.
    pub base_mean: f64,
    /// The scenario's mean.
    pub scenario_mean: f64,
    /// The mean paired difference (scenario − base).
    pub difference: f64,
    /// Lower end of the 95 % confidence interval of the mean difference.
    pub ci95_low: f64,
    /// Upper end.
    pub ci95_high: f64,
    /// 5th percentile of the paired differences over worlds and runs.
    pub p05: f64,
    /// 95th percentile.
    pub p95: f64,
    /// 5th percentile of the members' mean differences.
    pub worlds_p05: f64,
    /// 95th percentile.
    pub worlds_p95: f64,
    /// Share of members whose mean difference is below 0.
    pub share_worlds_lower: f64,
    /// Share of members whose mean difference is above 0.
    pub share_worlds_higher: f64,
    /// Share of the variance of the members' mean differences that run-to-run noise does not
    /// explain (0 to 1; NaN with one replicate or one member).
    pub parameter_share: f64,
}

impl EnsembleEffect {
    /// The difference relative to the base mean (NaN where the base mean is 0).
    pub fn relative(&self, x: f64) -> f64 {
        if self.base_mean == 0.0 {
            f64::NAN
        } else {
            x / self.base_mean
        }
    }

    /// Whether the 95 % interval of the mean difference excludes 0.
    pub fn significant(&self) -> bool {
        self.ci95_low > 0.0 || self.ci95_high < 0.0
    }
}

fn mean(v: &[f64]) -> f64 {
    if v.is_empty() {
        f64::NAN
    } else {
        v.iter().sum::<f64>() / v.len() as f64
    }
}

fn variance(v: &[f64]) -> f64 {
    if v.len() < 2 {
        return f64::NAN;
    }
    let m = mean(v);
    v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (v.len() - 1) as f64
}

fn sorted(mut v: Vec<f64>) -> Vec<f64> {
    v.sort_by(f64::total_cmp);
    v
}

/// The effect from `base[m][r]` and `other[m][r]` (member, replicate): one outcome of the
/// base and of a scenario. Members must all have the same number of replicates.
pub fn effect(base: &[Vec<f64>], other: &[Vec<f64>]) -> EnsembleEffect {
    let diffs: Vec<Vec<f64>> = base
        .iter()
        .zip(other)
        .map(|(b, o)| o.iter().zip(b).map(|(o, b)| o - b).collect())
        .collect();
    let member_means: Vec<f64> = diffs.iter().map(|d| mean(d)).collect();
    let all: Vec<f64> = diffs.iter().flatten().copied().collect();
    let m = member_means.len();
    let r = diffs.first().map_or(0, Vec::len);
    let difference = mean(&member_means);
    let half = if m > 1 {
        t_975(m - 1) * (variance(&member_means) / m as f64).sqrt()
    } else {
        f64::NAN
    };
    let noise = mean(&diffs.iter().map(|d| variance(d)).collect::<Vec<_>>()) / r as f64;
    let between = variance(&member_means);
    let parameter_share = if !(between.is_finite() && noise.is_finite()) {
        f64::NAN
    } else if between > 0.0 {
        (1.0 - noise / between).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let worlds = sorted(member_means.clone());
    let pooled = sorted(all);
    let share = |f: &dyn Fn(f64) -> bool| {
        member_means.iter().filter(|x| f(**x)).count() as f64 / m.max(1) as f64
    };
    EnsembleEffect {
        base_mean: mean(&base.iter().flatten().copied().collect::<Vec<_>>()),
        scenario_mean: mean(&other.iter().flatten().copied().collect::<Vec<_>>()),
        difference,
        ci95_low: difference - half,
        ci95_high: difference + half,
        p05: quantile(&pooled, 0.05),
        p95: quantile(&pooled, 0.95),
        worlds_p05: quantile(&worlds, 0.05),
        worlds_p95: quantile(&worlds, 0.95),
        share_worlds_lower: share(&|x| x < 0.0),
        share_worlds_higher: share(&|x| x > 0.0),
        parameter_share,
    }
}

/// The members' mean differences of one outcome: `other[m]` − `base[m]` averaged over the
/// replicates.
pub fn member_means(base: &[Vec<f64>], other: &[Vec<f64>]) -> Vec<f64> {
    base.iter()
        .zip(other)
        .map(|(b, o)| mean(&o.iter().zip(b).map(|(o, b)| o - b).collect::<Vec<_>>()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_constant_effect_is_certain_and_owes_nothing_to_parameters() {
        let base = vec![vec![10.0, 12.0], vec![20.0, 22.0], vec![30.0, 31.0]];
        let other: Vec<Vec<f64>> = base
            .iter()
            .map(|b| b.iter().map(|x| x - 2.0).collect())
            .collect();
        let e = effect(&base, &other);
        assert_eq!(e.difference, -2.0);
        assert_eq!((e.ci95_low, e.ci95_high), (-2.0, -2.0));
        assert_eq!((e.p05, e.p95), (-2.0, -2.0));
        assert_eq!(e.share_worlds_lower, 1.0);
        assert_eq!(e.share_worlds_higher, 0.0);
        assert_eq!(e.parameter_share, 0.0);
        assert!((e.relative(e.difference) - (-2.0 / 20.833333333333332)).abs() < 1e-12);
    }

    #[test]
    fn worlds_that_differ_beyond_noise_are_counted_as_parameter_uncertainty() {
        // Members' effects −3, −1, +1, +3, each with noise ±0.5 over 2 replicates.
        let base = vec![vec![0.0, 0.0]; 4];
        let other = vec![
            vec![-3.5, -2.5],
            vec![-1.5, -0.5],
            vec![0.5, 1.5],
            vec![2.5, 3.5],
        ];
        let e = effect(&base, &other);
        assert_eq!(e.difference, 0.0);
        assert_eq!(e.share_worlds_lower, 0.5);
        assert_eq!(e.share_worlds_higher, 0.5);
        // Between-member variance 20/3; noise variance 0.5 / 2 replicates = 0.25.
        assert!((e.parameter_share - (1.0 - 0.25 / (20.0 / 3.0))).abs() < 1e-12);
        assert!(e.p05 < e.worlds_p05 && e.p95 > e.worlds_p95);
        assert!(!e.significant());
        assert_eq!(member_means(&base, &other), vec![-3.0, -1.0, 1.0, 3.0]);
    }
}
