//! History matching: which parameter sets the calibration targets do not rule out.
//!
//! Each target is read as an observation `z` with error: its band is taken as `z ± 2σ`, so `z`
//! is the band's centre and `σ` a quarter of its width. A point `x` whose replicates give mean
//! `m(x)` and variance `s²(x)` for a target has the implausibility
//!
//! ```text
//! I(x) = |m(x) − z| / sqrt(σ² + (δ·z)² + s²(x) + s²(x)/n)
//! ```
//!
//! where `δ·z` is the model discrepancy (the model is not the world; `δ` a share of the
//! target), `s²(x)` is the run-to-run variance (history is one realisation of a stochastic
//! world, so a plausible point's single runs scatter by that much around its mean) and
//! `s²(x)/n` the uncertainty of the mean of `n` replicates (Andrianakis et al. 2015, history
//! matching of a stochastic epidemic model; Vernon, Goldstein & Bower 2010). A point is ruled
//! out when the largest implausibility over the fit targets, after leaving out the
//! `ignore_worst` largest ones, exceeds the cut-off (3, Pukelsheim's three-sigma rule); leaving
//! out the largest one or two is the usual guard against one target the model cannot meet
//! ruling out every point.
//!
//! The search runs in waves without an emulator: the simulator itself is run at every point.
//! Wave 0 is a Latin hypercube of the whole box; each later wave is a Latin hypercube of the
//! box bounding every point not yet ruled out, widened by a margin and kept inside the
//! previous wave's box. The boxes are nested, so the points of all waves that fall inside the
//! last box are a uniform sample of it; every point not ruled out lies in it, so the kept
//! points are a uniform sample of the region the targets do not rule out (as far as the waves
//! found it). That is what an ensemble member is: a parameter set consistent with the data,
//! each with the same weight. It is a region, not a posterior distribution.

use rand_chacha::ChaCha8Rng;

use super::calibration::latin_hypercube;

/// A target read as an observation with error: its centre and standard deviation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Observation {
    /// The observed value: the band's centre.
    pub centre: f64,
    /// The observation's standard deviation: a quarter of the band's width (the band is
    /// centre ± 2 sd).
    pub sd: f64,
}

impl Observation {
    /// The observation whose ±2 sd interval is the band `lo` to `hi`.
    pub fn from_band(lo: f64, hi: f64) -> Observation {
        Observation {
            centre: (lo + hi) / 2.0,
            sd: (hi - lo) / 4.0,
        }
    }

    /// The implausibility of replicates `values` (NaN where a replicate has no value, e.g. a
    /// share of no events), with model discrepancy `discrepancy` × the observed value. Infinite
    /// when no replicate has a value; the variance of one value is 0.
    pub fn implausibility(&self, values: &[f64], discrepancy: f64) -> f64 {
        let v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
        if v.is_empty() {
            return f64::INFINITY;
        }
        let n = v.len() as f64;
        let mean = v.iter().sum::<f64>() / n;
        let var = if v.len() > 1 {
            v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)
        } else {
            0.0
        };
        let total = self.sd.powi(2) + (discrepancy * self.centre).powi(2) + var + var / n;
        let gap = (mean - self.centre).abs();
        if total > 0.0 {
            gap / total.sqrt()
        } else if gap == 0.0 {
            0.0
        } else {
            f64::INFINITY
        }
    }
}

/// The implausibility of a point from those of its targets: the largest after leaving out the
/// `ignore_worst` largest (infinite when there are no more targets than that; NaN counts as
/// infinite).
pub fn overall(implausibilities: &[f64], ignore_worst: usize) -> f64 {
    let mut v: Vec<f64> = implausibilities
        .iter()
        .map(|i| if i.is_nan() { f64::INFINITY } else { *i })
        .collect();
    v.sort_by(|a, b| b.total_cmp(a));
    v.get(ignore_worst).copied().unwrap_or(f64::INFINITY)
}

/// A box of parameter values: `(low, high)` per parameter.
pub type Bounds = Vec<(f64, f64)>;

/// The next wave's box: the box bounding `plausible` points, widened on each side by `margin`
/// × `current`'s width, and kept inside `current` (so that the boxes nest). `None` when no
/// point is plausible.
pub fn refocus(current: &[(f64, f64)], plausible: &[&[f64]], margin: f64) -> Option<Bounds> {
    let first = plausible.first()?;
    Some(
        current
            .iter()
            .enumerate()
            .map(|(d, &(lo, hi))| {
                let (mut a, mut b) = (first[d], first[d]);
                for p in plausible {
                    a = a.min(p[d]);
                    b = b.max(p[d]);
                }
                let pad = margin * (hi - lo);
                ((a - pad).max(lo), (b + pad).min(hi))
            })
            .collect(),
    )
}

/// `n` Latin hypercube points in `bounds`.
pub fn sample(bounds: &[(f64, f64)], n: usize, rng: &mut ChaCha8Rng) -> Vec<Vec<f64>> {
    latin_hypercube(n, bounds.len(), rng)
        .into_iter()
        .map(|u| {
            u.iter()
                .zip(bounds)
                .map(|(u, (lo, hi))| lo + u * (hi - lo))
                .collect()
        })
        .collect()
}

/// The margin by which each wave's box is widened around the plausible points, as a share of
/// the previous box's width on each side.
pub const MARGIN: f64 = 0.1;

/// The waves of a history match: what to sample and where.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Waves {
    /// Points of wave 0 (the whole box).
    pub first: usize,
    /// Waves after the first.
    pub waves: u32,
    /// Points of each later wave.
    pub points: usize,
    /// Cut-off of the overall implausibility.
    pub cutoff: f64,
}

/// One evaluated point of a history match.
#[derive(Debug, Clone, PartialEq)]
pub struct Matched {
    /// Parameter values.
    pub values: Vec<f64>,
    /// The wave it was sampled in.
    pub wave: u32,
    /// Its overall implausibility.
    pub implausibility: f64,
}

impl Matched {
    /// Whether the targets leave it plausible at `cutoff`.
    pub fn plausible(&self, cutoff: f64) -> bool {
        self.implausibility <= cutoff
    }
}

/// Runs the waves over `bounds`: `evaluate(wave, points)` gives each point's overall
/// implausibility. Returns every evaluated point (in evaluation order) and the box each wave
/// sampled. Stops early when a wave leaves no point plausible.
pub fn run_waves<E>(
    bounds: &[(f64, f64)],
    waves: &Waves,
    rng: &mut ChaCha8Rng,
    mut evaluate: impl FnMut(u32, &[Vec<f64>]) -> Result<Vec<f64>, E>,
) -> Result<(Vec<Matched>, Vec<Bounds>), E> {
    let mut all: Vec<Matched> = Vec::new();
    let mut boxes: Vec<Bounds> = vec![bounds.to_vec()];
    let mut n = waves.first;
    for wave in 0..=waves.waves {
        let current = boxes.last().cloned().unwrap_or_default();
        let points = sample(&current, n, rng);
        let implausibility = evaluate(wave, &points)?;
        all.extend(
            points
                .into_iter()
                .zip(implausibility)
                .map(|(values, implausibility)| Matched {
                    values,
                    wave,
                    implausibility,
                }),
        );
        if wave == waves.waves {
            break;
        }
        let plausible: Vec<&[f64]> = all
            .iter()
            .filter(|m| m.plausible(waves.cutoff))
            .map(|m| m.values.as_slice())
            .collect();
        let Some(next) = refocus(&current, &plausible, MARGIN) else {
            break;
        };
        boxes.push(next);
        n = waves.points;
    }
    Ok((all, boxes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn implausibility_counts_observation_discrepancy_and_run_to_run_variance() {
        let obs = Observation::from_band(8.0, 12.0);
        assert_eq!(obs.centre, 10.0);
        assert_eq!(obs.sd, 1.0);
        // Exact runs 3 sd away.
        assert!((obs.implausibility(&[13.0, 13.0], 0.0) - 3.0).abs() < 1e-12);
        // A discrepancy of 10 % of 10 adds variance 1: 3 / sqrt(2).
        assert!((obs.implausibility(&[13.0, 13.0], 0.1) - 3.0 / 2f64.sqrt()).abs() < 1e-12);
        // Runs 12 and 14: mean 13, variance 2, n = 2: total 1 + 2 + 1 = 4.
        assert!((obs.implausibility(&[12.0, 14.0], 0.0) - 1.5).abs() < 1e-12);
        // Undefined replicates are left out; none at all is ruled out.
        assert!((obs.implausibility(&[13.0, f64::NAN], 0.0) - 3.0).abs() < 1e-12);
        assert_eq!(obs.implausibility(&[f64::NAN], 0.0), f64::INFINITY);
    }

    #[test]
    fn overall_leaves_out_the_worst_targets() {
        let i = [1.0, 5.0, 2.0, 4.0];
        assert_eq!(overall(&i, 0), 5.0);
        assert_eq!(overall(&i, 1), 4.0);
        assert_eq!(overall(&i, 2), 2.0);
        assert_eq!(overall(&i, 4), f64::INFINITY);
        assert_eq!(overall(&[1.0, f64::NAN], 0), f64::INFINITY);
    }

    #[test]
    fn refocus_bounds_the_plausible_points_inside_the_current_box() {
        let current = [(0.0, 1.0), (0.0, 10.0)];
        let a = [0.3, 5.0];
        let b = [0.5, 9.5];
        let next = refocus(&current, &[&a, &b], 0.1).unwrap();
        assert!((next[0].0 - 0.2).abs() < 1e-12 && (next[0].1 - 0.6).abs() < 1e-12);
        assert!((next[1].0 - 4.0).abs() < 1e-12 && next[1].1 == 10.0);
        assert!(refocus(&current, &[], 0.1).is_none());
    }

    /// A toy problem whose plausible region is known: two parameters in the unit square, two
    /// exact "targets" x0 (observed 0.5 ± 2 × 0.05) and x0 + x1 (observed 1.0 ± 2 × 0.05). With
    /// no discrepancy and no noise, the region not ruled out at cut-off 3 is |x0 − 0.5| ≤ 0.15
    /// and |x0 + x1 − 1| ≤ 0.15.
    fn toy(ignore_worst: usize) -> (Vec<Matched>, Vec<Bounds>) {
        let t0 = Observation::from_band(0.4, 0.6);
        let t1 = Observation::from_band(0.9, 1.1);
        let waves = Waves {
            first: 200,
            waves: 3,
            points: 200,
            cutoff: 3.0,
        };
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let r: Result<_, ()> = run_waves(&[(0.0, 1.0), (0.0, 1.0)], &waves, &mut rng, |_, pts| {
            Ok(pts
                .iter()
                .map(|x| {
                    let i = [
                        t0.implausibility(&[x[0]], 0.0),
                        t1.implausibility(&[x[0] + x[1]], 0.0),
                    ];
                    overall(&i, ignore_worst)
                })
                .collect())
        });
        r.unwrap()
    }

    #[test]
    fn the_toy_problem_keeps_exactly_its_known_plausible_region() {
        let inside = |x: &[f64]| (x[0] - 0.5).abs() <= 0.15 && (x[0] + x[1] - 1.0).abs() <= 0.15;
        let (all, boxes) = toy(0);
        let kept: Vec<&Matched> = all.iter().filter(|m| m.plausible(3.0)).collect();
        for m in &all {
            assert_eq!(m.plausible(3.0), inside(&m.values), "{:?}", m.values);
        }
        // The region is 0.3 × 0.3 = 9 % of the square; the waves concentrate on it.
        let first: Vec<&&Matched> = kept.iter().filter(|m| m.wave == 0).collect();
        let last: Vec<&Matched> = all.iter().filter(|m| m.wave == 3).collect();
        let share_last = last.iter().filter(|m| m.plausible(3.0)).count() as f64 / 200.0;
        assert!(first.len() < 40, "wave 0 kept {}", first.len());
        assert!(share_last > 0.3, "the last wave kept {share_last}");
        assert!(kept.len() > 150, "{} kept", kept.len());
        // The kept points span the region: x0 from near 0.35 to near 0.65.
        let lo = kept.iter().map(|m| m.values[0]).fold(1.0, f64::min);
        let hi = kept.iter().map(|m| m.values[0]).fold(0.0, f64::max);
        assert!(lo < 0.37 && hi > 0.63, "{lo}..{hi}");
        // Every kept point lies in the last box, and the boxes nest.
        let last_box = boxes.last().unwrap();
        for m in &kept {
            for (v, (a, b)) in m.values.iter().zip(last_box) {
                assert!(v >= a && v <= b);
            }
        }
        for w in boxes.windows(2) {
            for ((a0, b0), (a1, b1)) in w[0].iter().zip(&w[1]) {
                assert!(a1 >= a0 && b1 <= b0);
            }
        }
    }

    #[test]
    fn leaving_out_the_worst_target_keeps_points_that_meet_either_one() {
        let (all, _) = toy(1);
        for m in &all {
            let x = &m.values;
            let either = (x[0] - 0.5).abs() <= 0.15 || (x[0] + x[1] - 1.0).abs() <= 0.15;
            assert_eq!(m.plausible(3.0), either, "{x:?}");
        }
    }

    #[test]
    fn a_wave_that_keeps_nothing_stops_the_search() {
        let waves = Waves {
            first: 10,
            waves: 3,
            points: 10,
            cutoff: 3.0,
        };
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let r: Result<_, ()> = run_waves(&[(0.0, 1.0)], &waves, &mut rng, |_, p| {
            Ok(vec![9.0; p.len()])
        });
        let (all, boxes) = r.unwrap();
        assert_eq!(all.len(), 10);
        assert_eq!(boxes.len(), 1);
    }
}
