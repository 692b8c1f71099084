//! Which parameters drive an outcome.
//!
//! - Saltelli designs: first-order and total Sobol indices, with Saltelli et al. (2010)'s
//!   estimator of the first-order index, S_i = mean(f(B)·(f(AB^i) − f(A))) / V, and Jansen's of
//!   the total, T_i = mean((f(A) − f(AB^i))²) / (2V), V the variance of f over A and B; 95 %
//!   intervals from a bootstrap over the base samples (percentiles). f(B) is centred on the
//!   sample mean first: the estimator's expectation is unchanged, its variance much smaller
//!   when the outcome's mean is large against its spread (counts of events, say).
//! - Grid and Latin hypercube designs: partial rank correlation coefficients (PRCC): the
//!   correlation of a parameter's ranks with the outcome's once the other parameters' ranks are
//!   regressed out of both; 95 % intervals by Fisher's z.
//!
//! Both work on one value per point: the mean of the outcome over the point's replicates.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use statrs::distribution::ContinuousCDF;

use crate::sim::rng::{splitmix64, uniform};

/// One parameter's indices for one outcome.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Index {
    /// The estimate (a Sobol index, or a PRCC).
    pub value: f64,
    /// Lower end of its 95 % interval.
    pub low: f64,
    /// Upper end of its 95 % interval.
    pub high: f64,
}

/// First-order and total Sobol indices of one parameter.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SobolIndices {
    /// First-order index S_i: the share of the outcome's variance the parameter explains alone.
    pub first: Index,
    /// Total index T_i: the share it explains with all its interactions.
    pub total: Index,
}

/// First-order and total indices of each of `k` parameters, from outcome values `f` on a
/// Saltelli design laid out as `design::points` lays it out (for each base sample: A, B,
/// AB^1..AB^k). `bootstrap` resamples give the intervals (none: the intervals are the estimate).
pub fn sobol(f: &[f64], k: usize, bootstrap: u32, seed: u64) -> Vec<SobolIndices> {
    let n = f.len() / (k + 2);
    let at = |j: usize, m: usize| f[j * (k + 2) + m];
    let estimate = |sample: &[usize]| -> Vec<(f64, f64)> {
        let m = sample.len() as f64;
        let mean = sample.iter().map(|&j| at(j, 0) + at(j, 1)).sum::<f64>() / (2.0 * m);
        let var = sample
            .iter()
            .map(|&j| (at(j, 0) - mean).powi(2) + (at(j, 1) - mean).powi(2))
            .sum::<f64>()
            / (2.0 * m - 1.0).max(1.0);
        (0..k)
            .map(|i| {
                if var <= 0.0 {
                    return (0.0, 0.0);
                }
                let (mut s, mut t) = (0.0, 0.0);
                for &j in sample {
                    let (a, b, ab) = (at(j, 0), at(j, 1), at(j, 2 + i));
                    s += (b - mean) * (ab - a);
                    t += (a - ab).powi(2);
                }
                (s / m / var, t / (2.0 * m) / var)
            })
            .collect()
    };
    let all: Vec<usize> = (0..n).collect();
    let point = estimate(&all);
    let mut rng = ChaCha8Rng::seed_from_u64(splitmix64(seed ^ 0x0B00_7575_7241));
    let mut draws: Vec<Vec<(f64, f64)>> = Vec::with_capacity(bootstrap as usize);
    for _ in 0..bootstrap {
        let sample: Vec<usize> = (0..n)
            .map(|_| ((uniform(&mut rng) * n as f64) as usize).min(n - 1))
            .collect();
        draws.push(estimate(&sample));
    }
    (0..k)
        .map(|i| {
            let interval = |pick: fn(&(f64, f64)) -> f64, value: f64| {
                if draws.is_empty() {
                    return Index {
                        value,
                        low: value,
                        high: value,
                    };
                }
                let mut v: Vec<f64> = draws.iter().map(|d| pick(&d[i])).collect();
                v.sort_by(f64::total_cmp);
                Index {
                    value,
                    low: crate::record::summary::quantile(&v, 0.025),
                    high: crate::record::summary::quantile(&v, 0.975),
                }
            };
            SobolIndices {
                first: interval(|x| x.0, point[i].0),
                total: interval(|x| x.1, point[i].1),
            }
        })
        .collect()
}

/// Ranks of `v` from 1, ties sharing their mean rank.
pub fn ranks(v: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..v.len()).collect();
    order.sort_by(|&a, &b| v[a].total_cmp(&v[b]));
    let mut r = vec![0.0; v.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && v[order[j + 1]] == v[order[i]] {
            j += 1;
        }
        let mean = (i + j) as f64 / 2.0 + 1.0;
        for &o in &order[i..=j] {
            r[o] = mean;
        }
        i = j + 1;
    }
    r
}

/// Residuals of `y` after least-squares regression on the columns `x` and an intercept.
fn residuals(y: &[f64], x: &[&[f64]]) -> Vec<f64> {
    let n = y.len();
    let p = x.len() + 1;
    let col = |c: usize, r: usize| if c == 0 { 1.0 } else { x[c - 1][r] };
    // Normal equations (X'X) b = X'y, solved by Gaussian elimination with partial pivoting.
    let mut m = vec![vec![0.0; p + 1]; p];
    for (i, row) in m.iter_mut().enumerate() {
        for (j, cell) in row.iter_mut().take(p).enumerate() {
            *cell = (0..n).map(|r| col(i, r) * col(j, r)).sum();
        }
        row[p] = (0..n).map(|r| col(i, r) * y[r]).sum();
    }
    for c in 0..p {
        let pivot = (c..p)
            .max_by(|&a, &b| m[a][c].abs().total_cmp(&m[b][c].abs()))
            .unwrap_or(c);
        m.swap(c, pivot);
        if m[c][c].abs() < 1e-12 {
            continue; // a column that adds nothing (constant or collinear): its coefficient stays 0
        }
        let pivot_row = m[c].clone();
        for (r, row) in m.iter_mut().enumerate() {
            if r != c {
                let f = row[c] / pivot_row[c];
                for (v, p) in row.iter_mut().zip(&pivot_row).skip(c) {
                    *v -= f * p;
                }
            }
        }
    }
    let beta: Vec<f64> = (0..p)
        .map(|c| {
            if m[c][c].abs() < 1e-12 {
                0.0
            } else {
                m[c][p] / m[c][c]
            }
        })
        .collect();
    (0..n)
        .map(|r| y[r] - (0..p).map(|c| beta[c] * col(c, r)).sum::<f64>())
        .collect()
}

fn correlation(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len() as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        sab += (x - ma) * (y - mb);
        saa += (x - ma).powi(2);
        sbb += (y - mb).powi(2);
    }
    if saa <= 0.0 || sbb <= 0.0 {
        0.0
    } else {
        sab / (saa * sbb).sqrt()
    }
}

/// The PRCC of each parameter (`x[i]` holds parameter i's value at every point) with the
/// outcome `y`, with a 95 % interval by Fisher's z (none when there are too few points).
pub fn prcc(x: &[Vec<f64>], y: &[f64]) -> Vec<Index> {
    let rx: Vec<Vec<f64>> = x.iter().map(|c| ranks(c)).collect();
    let ry = ranks(y);
    let k = x.len();
    (0..k)
        .map(|i| {
            let others: Vec<&[f64]> = (0..k)
                .filter(|&j| j != i)
                .map(|j| rx[j].as_slice())
                .collect();
            let r = correlation(&residuals(&rx[i], &others), &residuals(&ry, &others));
            let df = y.len() as f64 - 3.0 - (k as f64 - 1.0);
            if df <= 0.0 || r.abs() >= 1.0 {
                return Index {
                    value: r,
                    low: r,
                    high: r,
                };
            }
            // The standard normal's 97.5 % quantile (1.959964), from the same crate as the t's.
            let z_975 = statrs::distribution::Normal::standard().inverse_cdf(0.975);
            let (z, h) = (r.atanh(), z_975 / df.sqrt());
            Index {
                value: r,
                low: (z - h).tanh(),
                high: (z + h).tanh(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::design::points;
    use super::super::spec::{Design, SweptParameter};
    use super::*;
    use std::f64::consts::PI;

    /// Anscombe's quartet (Anscombe 1973, "Graphs in statistical analysis", The American
    /// Statistician 27(1)): the shared x and the y of sets I–III.
    const ANSCOMBE_X: [f64; 11] = [10., 8., 13., 9., 11., 14., 6., 4., 12., 7., 5.];
    const ANSCOMBE_Y: [[f64; 11]; 3] = [
        [
            8.04, 6.95, 7.58, 8.81, 8.33, 9.96, 7.24, 4.26, 10.84, 4.82, 5.68,
        ],
        [
            9.14, 8.14, 8.74, 8.77, 9.26, 8.10, 6.13, 3.10, 9.13, 7.26, 4.74,
        ],
        [
            7.46, 6.77, 12.74, 7.11, 7.81, 8.84, 6.08, 5.39, 8.15, 6.42, 5.73,
        ],
    ];

    #[test]
    fn correlation_matches_anscombes_published_value() {
        // Anscombe (1973): the correlation coefficient of every set is 0.816.
        for y in ANSCOMBE_Y {
            assert!((correlation(&ANSCOMBE_X, &y) - 0.816).abs() < 5e-4);
        }
    }

    #[test]
    fn prcc_of_one_parameter_is_spearmans_rho_of_anscombes_sets() {
        // With nothing to partial out, the PRCC is Spearman's rank correlation: 0.818, 0.691
        // and 0.991 for Anscombe's sets I–III (as R's `cor(x, y, method = "spearman")` gives).
        for (y, rho) in ANSCOMBE_Y.iter().zip([0.818, 0.691, 0.991]) {
            let r = prcc(&[ANSCOMBE_X.to_vec()], y)[0].value;
            assert!((r - rho).abs() < 5e-4, "{r} against {rho}");
        }
    }

    #[test]
    fn prcc_of_two_parameters_is_the_partial_correlation_of_the_ranks() {
        // r_xy.z = (r_xy − r_xz r_yz) / √((1 − r_xz²)(1 − r_yz²)) on ranks (no ties here), the
        // textbook formula, against the regression residuals the code uses.
        let x = ANSCOMBE_X.to_vec();
        let z: Vec<f64> = ANSCOMBE_Y[0].to_vec();
        let y: Vec<f64> = ANSCOMBE_Y[2]
            .iter()
            .zip(&ANSCOMBE_Y[1])
            .map(|(a, b)| a * b)
            .collect();
        let (rx, ry, rz) = (ranks(&x), ranks(&y), ranks(&z));
        let (rxy, rxz, ryz) = (
            correlation(&rx, &ry),
            correlation(&rx, &rz),
            correlation(&ry, &rz),
        );
        let partial = (rxy - rxz * ryz) / ((1.0 - rxz * rxz) * (1.0 - ryz * ryz)).sqrt();
        let got = prcc(&[x, z], &y)[0].value;
        assert!((got - partial).abs() < 1e-9, "{got} against {partial}");
    }

    fn ishigami(x: &[f64]) -> f64 {
        let (a, b) = (7.0, 0.1);
        x[0].sin() + a * x[1].sin().powi(2) + b * x[2].powi(4) * x[0].sin()
    }

    /// Analytic indices of the Ishigami function (a = 7, b = 0.1): Saltelli et al. (2008),
    /// Global Sensitivity Analysis: The Primer, §4.
    fn analytic() -> ([f64; 3], [f64; 3]) {
        let (a, b) = (7.0f64, 0.1f64);
        let v1 = 0.5 * (1.0 + b * PI.powi(4) / 5.0).powi(2);
        let v2 = a * a / 8.0;
        let v13 = b * b * PI.powi(8) * (1.0 / 18.0 - 1.0 / 50.0);
        let v = v1 + v2 + v13;
        ([v1 / v, v2 / v, 0.0], [(v1 + v13) / v, v2 / v, v13 / v])
    }

    #[test]
    fn sobol_indices_of_the_ishigami_function_match_the_analytic_ones() {
        let ps: Vec<SweptParameter> = (0..3)
            .map(|i| SweptParameter {
                path: format!("x{i}"),
                levels: None,
                min: Some(-PI),
                max: Some(PI),
                steps: None,
                distribution: None,
            })
            .collect();
        let design = Design::Sobol {
            samples: 8192,
            bootstrap: Some(200),
        };
        let f: Vec<f64> = points(&ps, design, 42)
            .iter()
            .map(|x| ishigami(x))
            .collect();
        let idx = sobol(&f, 3, 200, 1);
        let (s, t) = analytic();
        for i in 0..3 {
            let (fi, ti) = (idx[i].first, idx[i].total);
            assert!(
                (fi.value - s[i]).abs() < 0.02,
                "S{} = {} vs {}",
                i + 1,
                fi.value,
                s[i]
            );
            assert!(
                (ti.value - t[i]).abs() < 0.02,
                "T{} = {} vs {}",
                i + 1,
                ti.value,
                t[i]
            );
            // The bootstrap intervals cover the truth (with a little room for the estimator's bias).
            assert!(
                fi.low - 0.01 <= s[i] && s[i] <= fi.high + 0.01,
                "{fi:?} vs {}",
                s[i]
            );
            assert!(
                ti.low - 0.01 <= t[i] && t[i] <= ti.high + 0.01,
                "{ti:?} vs {}",
                t[i]
            );
        }
        // And the estimator can fail: swapping the design's layout gives different indices.
        let mut g = f.clone();
        for chunk in g.chunks_mut(5) {
            chunk.swap(2, 3);
        }
        let wrong = sobol(&g, 3, 0, 1);
        assert!((wrong[0].first.value - s[0]).abs() > 0.1);
    }

    #[test]
    fn ranks_share_ties() {
        assert_eq!(ranks(&[3.0, 1.0, 3.0, 2.0]), vec![3.5, 1.0, 3.5, 2.0]);
    }

    #[test]
    fn prcc_finds_monotone_drivers_and_ignores_noise() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let n = 200;
        let x: Vec<Vec<f64>> = (0..3)
            .map(|_| (0..n).map(|_| uniform(&mut rng)).collect())
            .collect();
        // y rises steeply with x0, falls with x1 (non-linearly), does not depend on x2.
        let y: Vec<f64> = (0..n)
            .map(|r| (5.0 * x[0][r]).exp() - 3.0 * x[1][r].powi(3) + 0.01 * uniform(&mut rng))
            .collect();
        let p = prcc(&x, &y);
        assert!(p[0].value > 0.9, "{:?}", p[0]);
        assert!(p[1].value < -0.5, "{:?}", p[1]);
        assert!(p[2].low < 0.0 && p[2].high > 0.0, "{:?}", p[2]);
    }
}
