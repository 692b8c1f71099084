//! Scenario discovery: where in parameter space an outcome happens (a policy backfires), by
//! the Patient Rule Induction Method (PRIM; Friedman & Fisher 1999, as used for scenario
//! discovery by Bryant & Lempert 2010 and the EMA Workbench).
//!
//! Starting from every point, PRIM peels off, one step at a time, the `alpha` share of the
//! points at the low or the high end of one parameter, choosing the peel that leaves the
//! highest share of cases (the *density*), until too few points remain or no peel raises the
//! density. Of the boxes on that path it keeps the one with the largest coverage × density
//! (coverage: the share of all cases inside), then drops every limit whose removal does not
//! lower the density, so that the box names only the parameters that matter.

use serde::Serialize;

/// The most parameters a box limits (interpretability: Bryant & Lempert 2010).
pub const MAX_LIMITS: usize = 3;

/// The quasi-p-value below which a box is reported.
pub const SIGNIFICANT: f64 = 0.05;

/// One limit of a box: parameter `parameter` at least `low` and/or at most `high`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Limit {
    /// The parameter's index.
    pub parameter: usize,
    /// Lower limit (inclusive), if any.
    pub low: Option<f64>,
    /// Upper limit (inclusive), if any.
    pub high: Option<f64>,
}

/// A box found by PRIM.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PrimBox {
    /// Its limits, by parameter index (parameters without a limit are left out).
    pub limits: Vec<Limit>,
    /// Points inside.
    pub inside: usize,
    /// Cases inside.
    pub cases_inside: usize,
    /// Cases in all.
    pub cases: usize,
    /// Points in all.
    pub points: usize,
}

impl PrimBox {
    /// Share of the points inside that are cases.
    pub fn density(&self) -> f64 {
        self.cases_inside as f64 / self.inside.max(1) as f64
    }

    /// Share of all cases that lie inside.
    pub fn coverage(&self) -> f64 {
        self.cases_inside as f64 / self.cases.max(1) as f64
    }

    /// The chance that a box of this many points drawn at random from all of them holds at
    /// least as many cases (hypergeometric upper tail): a quasi-p-value.
    pub fn quasi_p(&self) -> f64 {
        use statrs::distribution::{DiscreteCDF, Hypergeometric};
        match Hypergeometric::new(self.points as u64, self.cases as u64, self.inside as u64) {
            Ok(h) if self.cases_inside > 0 => h.sf(self.cases_inside as u64 - 1),
            _ => 1.0,
        }
    }

    /// Whether point `x` lies inside.
    pub fn contains(&self, x: &[f64]) -> bool {
        self.limits.iter().all(|l| {
            let v = x[l.parameter];
            l.low.is_none_or(|a| v >= a) && l.high.is_none_or(|b| v <= b)
        })
    }

    /// The limits in words, e.g. "backlash ≥ 0.62 and recruit_rate ≤ 0.0045", with
    /// `names[i]` for parameter `i` and `format` for the numbers.
    pub fn describe(&self, names: &[String], format: impl Fn(f64) -> String) -> String {
        let parts: Vec<String> = self
            .limits
            .iter()
            .map(|l| {
                let name = &names[l.parameter];
                match (l.low, l.high) {
                    (Some(a), Some(b)) => format!("{} ≤ {name} ≤ {}", format(a), format(b)),
                    (Some(a), None) => format!("{name} ≥ {}", format(a)),
                    (None, Some(b)) => format!("{name} ≤ {}", format(b)),
                    (None, None) => String::new(),
                }
            })
            .collect();
        parts.join(" and ")
    }
}

/// A box's limits per parameter, `(low, high)`, inclusive (infinite where unlimited).
type Limits = Vec<(f64, f64)>;

/// Indices of `x`'s points inside `limits` (per parameter, `(low, high)`, inclusive).
fn inside(x: &[Vec<f64>], limits: &[(f64, f64)]) -> Vec<usize> {
    (0..x.len())
        .filter(|&i| {
            x[i].iter()
                .zip(limits)
                .all(|(v, (a, b))| *v >= *a && *v <= *b)
        })
        .collect()
}

fn cases(y: &[bool], idx: &[usize]) -> usize {
    idx.iter().filter(|&&i| y[i]).count()
}

/// The box of limits `limits` over `x`, `y`; a parameter's limit is kept where it cuts into
/// the points' range.
fn make_box(x: &[Vec<f64>], y: &[bool], limits: &[(f64, f64)]) -> PrimBox {
    let idx = inside(x, limits);
    let dims = limits.len();
    let mut out = Vec::new();
    for (d, &(a, b)) in limits.iter().enumerate().take(dims) {
        let lo = x.iter().map(|p| p[d]).fold(f64::INFINITY, f64::min);
        let hi = x.iter().map(|p| p[d]).fold(f64::NEG_INFINITY, f64::max);
        let low = (a > lo).then_some(a);
        let high = (b < hi).then_some(b);
        if low.is_some() || high.is_some() {
            out.push(Limit {
                parameter: d,
                low,
                high,
            });
        }
    }
    PrimBox {
        limits: out,
        inside: idx.len(),
        cases_inside: cases(y, &idx),
        cases: y.iter().filter(|c| **c).count(),
        points: x.len(),
    }
}

/// PRIM over points `x` (each a parameter vector) with cases `y`: peels `alpha` of the points
/// inside per step (at least one) until fewer than `min_inside` would remain. `None` when there
/// is no case, or no box is denser than all points.
pub fn prim(x: &[Vec<f64>], y: &[bool], alpha: f64, min_inside: usize) -> Option<PrimBox> {
    let n_cases = y.iter().filter(|c| **c).count();
    let dims = x.first()?.len();
    if n_cases == 0 {
        return None;
    }
    let mut limits: Vec<(f64, f64)> = vec![(f64::NEG_INFINITY, f64::INFINITY); dims];
    let mut path: Vec<Vec<(f64, f64)>> = vec![limits.clone()];
    loop {
        let idx = inside(x, &limits);
        let density = cases(y, &idx) as f64 / idx.len().max(1) as f64;
        let k = ((alpha * idx.len() as f64).ceil() as usize).max(1);
        // The best peel so far: (density, points kept, limits).
        let mut best: Option<(f64, usize, Limits)> = None;
        for d in 0..dims {
            let mut v: Vec<f64> = idx.iter().map(|&i| x[i][d]).collect();
            v.sort_by(f64::total_cmp);
            if v.len() <= k {
                continue;
            }
            // Peel the k lowest (keep values above the k-th lowest) or the k highest.
            let candidates = [
                (v[k], limits[d].1, v[k] > v[0]),
                (
                    limits[d].0,
                    v[v.len() - 1 - k],
                    v[v.len() - 1 - k] < v[v.len() - 1],
                ),
            ];
            for (a, b, moves) in candidates {
                if !moves {
                    continue;
                }
                let mut next = limits.clone();
                next[d] = (a, b);
                let kept = inside(x, &next);
                if kept.len() < min_inside {
                    continue;
                }
                let dens = cases(y, &kept) as f64 / kept.len() as f64;
                let better = match &best {
                    None => true,
                    Some((bd, bn, _)) => dens > *bd || (dens == *bd && kept.len() > *bn),
                };
                if better {
                    best = Some((dens, kept.len(), next));
                }
            }
        }
        match best {
            Some((dens, _, next)) if dens > density => {
                limits = next;
                path.push(limits.clone());
            }
            _ => break,
        }
    }
    let chosen = path
        .iter()
        .max_by(|a, b| {
            let score = |l: &Vec<(f64, f64)>| {
                let b = make_box(x, y, l);
                b.coverage() * b.density()
            };
            score(a).total_cmp(&score(b))
        })?
        .clone();
    // Drop limits that do not raise the density; then, while too many remain, the one whose
    // removal costs the least density.
    let mut limits = chosen;
    let open = (f64::NEG_INFINITY, f64::INFINITY);
    loop {
        let density = make_box(x, y, &limits).density();
        let restricted: Vec<usize> = (0..dims).filter(|&d| limits[d] != open).collect();
        let without = |d: usize| {
            let mut w = limits.clone();
            w[d] = open;
            w
        };
        let cheapest = restricted
            .iter()
            .map(|&d| (d, make_box(x, y, &without(d)).density()))
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
        match cheapest {
            Some((d, dens)) if dens >= density || restricted.len() > MAX_LIMITS => {
                limits = without(d);
            }
            _ => break,
        }
    }
    let found = make_box(x, y, &limits);
    let base = n_cases as f64 / x.len() as f64;
    (found.density() > base && !found.limits.is_empty()).then_some(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiment::calibration::latin_hypercube;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn prim_finds_the_box_where_cases_are_and_only_its_parameters() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let x = latin_hypercube(400, 3, &mut rng);
        let y: Vec<bool> = x.iter().map(|p| p[0] > 0.6 && p[1] < 0.5).collect();
        let b = prim(&x, &y, 0.05, 10).unwrap();
        assert!(b.density() > 0.9, "density {}", b.density());
        assert!(b.coverage() > 0.8, "coverage {}", b.coverage());
        let names: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
        let words = b.describe(&names, |v| format!("{v:.2}"));
        assert!(
            !words.contains('c'),
            "the unrelated parameter is named: {words}"
        );
        let a = b.limits.iter().find(|l| l.parameter == 0).unwrap();
        let c = b.limits.iter().find(|l| l.parameter == 1).unwrap();
        assert!(
            (a.low.unwrap() - 0.6).abs() < 0.06 && a.high.is_none(),
            "{words}"
        );
        assert!(
            (c.high.unwrap() - 0.5).abs() < 0.06 && c.low.is_none(),
            "{words}"
        );
        for p in &x {
            if b.contains(p) {
                assert!(p[0] >= a.low.unwrap());
            }
        }
        assert!(b.quasi_p() < 1e-6, "{}", b.quasi_p());
    }

    #[test]
    fn a_box_names_at_most_three_parameters_and_noise_gets_a_high_quasi_p() {
        let mut rng = ChaCha8Rng::seed_from_u64(8);
        let x = latin_hypercube(300, 6, &mut rng);
        // Cases where five parameters are all above 0.2: PRIM may want five limits.
        let y: Vec<bool> = x.iter().map(|p| p[..5].iter().all(|v| *v > 0.2)).collect();
        let b = prim(&x, &y, 0.05, 10).unwrap();
        assert!(b.limits.len() <= MAX_LIMITS, "{:?}", b.limits);
        // Cases drawn at random, independent of the parameters.
        let mut coin = ChaCha8Rng::seed_from_u64(9);
        let noise: Vec<bool> = (0..50)
            .map(|_| crate::sim::rng::uniform(&mut coin) < 0.5)
            .collect();
        let x50 = latin_hypercube(50, 6, &mut rng);
        if let Some(b) = prim(&x50, &noise, 0.05, 5) {
            // A box found in noise holds few points: its quasi-p-value is not tiny.
            assert!(b.quasi_p() > 1e-4, "{}", b.quasi_p());
        }
    }

    #[test]
    fn no_box_where_cases_are_spread_evenly_or_absent() {
        let mut rng = ChaCha8Rng::seed_from_u64(6);
        let x = latin_hypercube(200, 2, &mut rng);
        assert!(prim(&x, &[false; 200], 0.05, 10).is_none());
        assert!(prim(&x, &[true; 200], 0.05, 10).is_none());
    }
}
