//! The points of a sweep: a full factorial grid, a Latin hypercube, or Saltelli's design for
//! Sobol indices. Points depend only on the spec (its parameters, design and master seed).

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::spec::{Design, Distribution, SweptParameter};
use crate::experiment::calibration::latin_hypercube;
use crate::sim::rng::splitmix64;

/// Salt that separates the design's random numbers from the runs' seeds.
const DESIGN_SALT: u64 = 0x5357_4545_5044_4553;

/// The role of a point in Saltelli's design: base sample j gives A_j, B_j and, for each
/// parameter i, AB_j^i (A_j with parameter i taken from B_j).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaltelliRole {
    /// A_j.
    A,
    /// B_j.
    B,
    /// AB_j^i.
    Ab(usize),
}

/// Sample j and the role of point `point` in a Saltelli design over `k` parameters.
pub fn saltelli_role(point: usize, k: usize) -> (usize, SaltelliRole) {
    let (j, m) = (point / (k + 2), point % (k + 2));
    let role = match m {
        0 => SaltelliRole::A,
        1 => SaltelliRole::B,
        i => SaltelliRole::Ab(i - 2),
    };
    (j, role)
}

/// The points (parameter values in spec order) of a design.
pub fn points(parameters: &[SweptParameter], design: Design, seed: u64) -> Vec<Vec<f64>> {
    match design {
        Design::Grid => grid(parameters),
        Design::LatinHypercube { points } => {
            let mut rng = ChaCha8Rng::seed_from_u64(splitmix64(seed ^ DESIGN_SALT));
            latin_hypercube(points as usize, parameters.len(), &mut rng)
                .iter()
                .map(|u| to_values(parameters, u))
                .collect()
        }
        Design::Sobol { samples, .. } => {
            let k = parameters.len();
            let scramble = (splitmix64(seed ^ DESIGN_SALT) >> 32) as u32;
            let mut out = Vec::with_capacity(samples as usize * (k + 2));
            for j in 0..samples {
                let u = |d: usize| sobol_burley::sample(j, d as u32, scramble) as f64;
                let a: Vec<f64> = (0..k).map(u).collect();
                let b: Vec<f64> = (k..2 * k).map(u).collect();
                let (a, b) = (to_values(parameters, &a), to_values(parameters, &b));
                out.push(a.clone());
                out.push(b.clone());
                for i in 0..k {
                    let mut ab = a.clone();
                    ab[i] = b[i];
                    out.push(ab);
                }
            }
            out
        }
    }
}

/// Every combination of levels, the first parameter varying slowest.
fn grid(parameters: &[SweptParameter]) -> Vec<Vec<f64>> {
    let levels: Vec<Vec<f64>> = parameters.iter().map(levels).collect();
    let mut out = vec![Vec::new()];
    for l in &levels {
        out = out
            .iter()
            .flat_map(|prefix| {
                l.iter().map(move |v| {
                    let mut p = prefix.clone();
                    p.push(*v);
                    p
                })
            })
            .collect();
    }
    out
}

/// A grid parameter's levels: as listed, or `steps` evenly spaced from `min` to `max`.
pub fn levels(p: &SweptParameter) -> Vec<f64> {
    if let Some(l) = &p.levels {
        return l.clone();
    }
    let (a, b, n) = (
        p.min.unwrap_or(0.0),
        p.max.unwrap_or(0.0),
        p.steps.unwrap_or(1).max(2),
    );
    (0..n)
        .map(|i| a + (b - a) * i as f64 / (n - 1) as f64)
        .collect()
}

/// Maps points of the unit cube to parameter values through each parameter's distribution.
fn to_values(parameters: &[SweptParameter], u: &[f64]) -> Vec<f64> {
    parameters
        .iter()
        .zip(u)
        .map(|(p, &u)| {
            let (a, b) = (p.min.unwrap_or(0.0), p.max.unwrap_or(1.0));
            quantile(p.distribution.unwrap_or_default(), a, b, u)
        })
        .collect()
}

/// The `u`-quantile of a distribution on [a, b].
pub fn quantile(d: Distribution, a: f64, b: f64, u: f64) -> f64 {
    let x = match d {
        Distribution::Uniform => a + u * (b - a),
        Distribution::LogUniform => (a.ln() + u * (b.ln() - a.ln())).exp(),
        Distribution::Triangular { mode } => {
            let f = (mode - a) / (b - a);
            if u < f {
                a + (u * (b - a) * (mode - a)).sqrt()
            } else {
                b - ((1.0 - u) * (b - a) * (b - mode)).sqrt()
            }
        }
    };
    x.clamp(a, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn param(min: f64, max: f64) -> SweptParameter {
        SweptParameter {
            path: "x".into(),
            levels: None,
            min: Some(min),
            max: Some(max),
            steps: None,
            distribution: None,
        }
    }

    #[test]
    fn a_grid_crosses_every_level_first_parameter_slowest() {
        let mut a = param(0.0, 1.0);
        a.steps = Some(3);
        let mut b = param(0.0, 0.0);
        b.min = None;
        b.max = None;
        b.levels = Some(vec![10.0, 20.0]);
        let pts = points(&[a, b], Design::Grid, 1);
        assert_eq!(
            pts,
            vec![
                vec![0.0, 10.0],
                vec![0.0, 20.0],
                vec![0.5, 10.0],
                vec![0.5, 20.0],
                vec![1.0, 10.0],
                vec![1.0, 20.0]
            ]
        );
    }

    #[test]
    fn saltelli_points_share_columns_as_the_estimators_need() {
        let ps = [param(0.0, 1.0), param(5.0, 6.0), param(-1.0, 1.0)];
        let pts = points(
            &ps,
            Design::Sobol {
                samples: 4,
                bootstrap: None,
            },
            7,
        );
        assert_eq!(pts.len(), 4 * 5);
        for j in 0..4 {
            let g = &pts[j * 5..(j + 1) * 5];
            let (a, b) = (&g[0], &g[1]);
            for i in 0..3 {
                let ab = &g[2 + i];
                for d in 0..3 {
                    assert_eq!(ab[d], if d == i { b[d] } else { a[d] });
                }
                assert_eq!(saltelli_role(j * 5 + 2 + i, 3), (j, SaltelliRole::Ab(i)));
            }
            assert!((5.0..=6.0).contains(&a[1]));
        }
    }

    #[test]
    fn quantiles_stay_in_range_and_follow_the_distribution() {
        assert!((quantile(Distribution::LogUniform, 0.01, 1.0, 0.5) - 0.1).abs() < 1e-12);
        let t = Distribution::Triangular { mode: 0.0 };
        assert_eq!(quantile(t, 0.0, 1.0, 0.0), 0.0);
        assert!((quantile(t, 0.0, 1.0, 0.75) - 0.5).abs() < 1e-12);
        assert_eq!(quantile(Distribution::Uniform, 2.0, 4.0, 0.25), 2.5);
    }
}
