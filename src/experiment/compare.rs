//! Comparing scenarios under common random numbers: replicate r of every scenario runs on the
//! same seeds, so the paired difference of an outcome between a scenario and the first
//! (the base) removes most of the noise two independent runs would carry. Each outcome is
//! counted over the policy period in total and, as asked ([`Breakdown`]), by area of operation
//! and by admin-1 region; each paired difference
//! gets a 95 % confidence interval (Student's t over the replicates' differences; its quantile
//! from `statrs`).

use std::path::PathBuf;
use std::sync::Arc;

use indicatif::ProgressBar;
use rayon::prelude::*;
use serde::Serialize;
use time::Date;

use super::{Branches, ReplicateOutput, run_forked};
use crate::geo::SahelMap;
pub use crate::record::outcome::Breakdown;
use crate::record::outcome::{comparison_columns, comparison_columns_by};
use crate::record::{Column, Observed};
use crate::scenario::{Scenario, format_date, parse_date};
use crate::sim::events::Event;

/// Why scenarios cannot be compared.
#[derive(Debug, thiserror::Error)]
pub enum CompareError {
    /// Fewer than two scenarios.
    #[error(
        "compare needs a base scenario and at least one other: sahelsim compare BASE.ron OTHER.ron ..."
    )]
    TooFew,
    /// Too few replicates for an interval.
    #[error("--replicates must be at least 2 for confidence intervals")]
    TooFewReplicates,
    /// A scenario runs over another period than the base.
    #[error(
        "{}: its period {} differs from the base's {}; paired comparisons need the same period (extend the base and change only the interventions)",
        path.display(), period, base_period
    )]
    Period {
        /// The scenario's file.
        path: PathBuf,
        /// Its period, "START to END".
        period: String,
        /// The base's period.
        base_period: String,
    },
    /// A scenario's map settings differ from the base's.
    #[error(
        "{}: its map settings differ from the base's; paired comparisons need the same map",
        path.display()
    )]
    Map {
        /// The scenario's file.
        path: PathBuf,
    },
    /// A scenario's groups differ from the base's.
    #[error("{}: its groups ({groups}) differ from the base's ({base_groups})", path.display())]
    Groups {
        /// The scenario's file.
        path: PathBuf,
        /// Its groups, comma-separated.
        groups: String,
        /// The base's groups.
        base_groups: String,
    },
    /// `--from` is not a date.
    #[error("--from {0}: not a date; expected an ISO date \"YYYY-MM-DD\", e.g. \"2021-01-01\"")]
    NotADate(String),
    /// The policy period starts outside the scenarios' period.
    #[error("the policy period's start {start} lies outside the scenarios' period {period}")]
    FromOutside {
        /// The start asked for.
        start: String,
        /// The scenarios' period, "START to END".
        period: String,
    },
}

fn period_text(s: &Scenario) -> String {
    format!(
        "{} to {}",
        format_date(s.period.start),
        format_date(s.period.end)
    )
}

/// Checks that scenarios (file, scenario; the base first) can be compared pair by pair: at
/// least two, with the same period, map and groups as the base.
pub fn check_comparable(scenarios: &[(PathBuf, Scenario)]) -> Result<(), CompareError> {
    let [(_, base), others @ ..] = scenarios else {
        return Err(CompareError::TooFew);
    };
    if others.is_empty() {
        return Err(CompareError::TooFew);
    }
    let names = |s: &Scenario| s.groups.iter().map(|g| g.name.clone()).collect::<Vec<_>>();
    for (path, s) in others {
        if s.period.start != base.period.start || s.period.end != base.period.end {
            return Err(CompareError::Period {
                path: path.clone(),
                period: period_text(s),
                base_period: period_text(base),
            });
        }
        if s.map != base.map {
            return Err(CompareError::Map { path: path.clone() });
        }
        if names(s) != names(base) {
            return Err(CompareError::Groups {
                path: path.clone(),
                groups: names(s).join(", "),
                base_groups: names(base).join(", "),
            });
        }
    }
    Ok(())
}

/// Checks the replicates of a comparison: at least 2, since each interval needs a variance.
pub fn check_replicates(replicates: u32) -> Result<u32, CompareError> {
    if replicates < 2 {
        return Err(CompareError::TooFewReplicates);
    }
    Ok(replicates)
}

/// The first day of the policy period: `from` (an ISO date), else the earliest intervention
/// start of any scenario, else the base's start; it must lie in the base's period.
pub fn policy_start(scenarios: &[&Scenario], from: Option<&str>) -> Result<Date, CompareError> {
    let base = scenarios.first().ok_or(CompareError::TooFew)?;
    let start = match from {
        Some(text) => parse_date(text).map_err(|_| CompareError::NotADate(text.to_string()))?,
        None => scenarios
            .iter()
            .flat_map(|s| s.interventions.iter().map(|iv| iv.start))
            .min()
            .unwrap_or(base.period.start),
    };
    if start < base.period.start || start > base.period.end {
        return Err(CompareError::FromOutside {
            start: format_date(start),
            period: period_text(base),
        });
    }
    Ok(start)
}

/// One paired difference: scenario `scenario` (index among all, the base being 0) against the
/// base, for an outcome.
#[derive(Debug, Clone, Copy)]
pub struct Difference<'a> {
    /// Index of the scenario (1 or more).
    pub scenario: usize,
    /// The outcome.
    pub outcome: &'a Column,
    /// The paired difference and its interval.
    pub paired: Paired,
}

/// The paired difference of every outcome of `list` between every scenario and the base, from
/// `values[s][r][o]` (scenario, replicate, outcome), scenario by scenario.
pub fn differences<'a>(list: &'a [Column], values: &[Vec<Vec<f64>>]) -> Vec<Difference<'a>> {
    let column = |s: usize, o: usize| -> Vec<f64> { values[s].iter().map(|r| r[o]).collect() };
    let mut out = Vec::new();
    for s in 1..values.len() {
        for (o, outcome) in list.iter().enumerate() {
            out.push(Difference {
                scenario: s,
                outcome,
                paired: paired(&column(0, o), &column(s, o)),
            });
        }
    }
    out
}

/// One row of `compare.csv` / `compare.json`: a paired difference as people read it.
#[derive(Debug, Clone, Serialize)]
pub struct DifferenceRow {
    /// The scenario's name.
    pub scenario: String,
    /// Area of operation id, or "all"; for a region, the area it lies in ("other": none).
    pub area: String,
    /// Admin-1 region, for a row of one region (`compare --by region`).
    pub region: Option<String>,
    /// The outcome's key.
    pub outcome: String,
    /// What it is.
    pub label: String,
    /// Unit.
    pub unit: &'static str,
    /// The paired difference and its interval.
    #[serde(flatten)]
    pub paired: Paired,
    /// Whether the interval excludes 0.
    pub significant: bool,
}

impl DifferenceRow {
    /// The row of difference `d`, whose scenarios are named `names` (the base first).
    pub fn new(d: &Difference, names: &[&str]) -> DifferenceRow {
        DifferenceRow {
            scenario: names[d.scenario].to_string(),
            area: d.outcome.area.clone(),
            region: d.outcome.region.clone(),
            outcome: d.outcome.key(),
            label: d.outcome.label(),
            unit: d.outcome.unit(),
            paired: d.paired,
            significant: d.paired.significant(),
        }
    }
}

/// `compare.csv`: every paired difference, numbers to 6 decimals; the last column, `region`, is
/// empty on the rows of the whole study area and of areas of operation.
pub fn differences_csv(rows: &[DifferenceRow]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let header = [
        "scenario",
        "area",
        "outcome",
        "unit",
        "base_mean",
        "scenario_mean",
        "difference",
        "ci95_low",
        "ci95_high",
        "relative_change",
        "significant",
        "region",
    ];
    let mut records = vec![header.map(str::to_string).to_vec()];
    for r in rows {
        let p = &r.paired;
        let mut record = vec![
            r.scenario.clone(),
            r.area.clone(),
            r.outcome.clone(),
            r.unit.to_string(),
        ];
        record.extend(
            [p.base_mean, p.mean, p.diff, p.lo, p.hi, p.relative].map(|v| format!("{v:.6}")),
        );
        record.push(r.significant.to_string());
        record.push(r.region.clone().unwrap_or_default());
        records.push(record);
    }
    for record in records {
        // Writing to memory cannot fail.
        let _ = w.write_record(&record);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// The outcomes a comparison by area (and a sweep) reports, in order: per area (all first),
/// the outcomes counted by area; for the whole study area, the others, then those by group.
pub fn outcomes(map: &SahelMap, group_names: &[String]) -> Vec<Column> {
    comparison_columns(map, group_names)
}

/// The outcomes a comparison broken down `by` reports: as [`outcomes`], areas of operation
/// only where `by` holds [`Breakdown::Area`], and then, where it holds [`Breakdown::Region`],
/// per admin-1 region the outcomes counted by region.
pub fn outcomes_by(map: &SahelMap, group_names: &[String], by: &[Breakdown]) -> Vec<Column> {
    comparison_columns_by(map, group_names, by)
}

/// The value of every outcome (in [`outcomes`] order) for one replicate, counted from day
/// `from` (events) and from the first time-series period starting on or after it (revenue);
/// states are those at the end of the run. The interventions' counts are 0 where a scenario
/// has none.
pub fn measure(run: &Observed, list: &[Column], from: u32) -> Vec<f64> {
    list.iter()
        .map(|c| {
            c.outcome
                .count(run, &c.window(run.scenario, from))
                .unwrap_or(0.0)
        })
        .collect()
}

/// A paired difference with its 95 % confidence interval.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct Paired {
    /// Mean of the base scenario.
    pub base_mean: f64,
    /// Mean of the other scenario.
    pub mean: f64,
    /// Mean paired difference (other − base).
    pub diff: f64,
    /// Lower end of the 95 % confidence interval of the difference.
    pub lo: f64,
    /// Upper end.
    pub hi: f64,
    /// The difference relative to the base mean (NaN where the base mean is 0).
    pub relative: f64,
}

impl Paired {
    /// Whether the interval excludes zero.
    pub fn significant(&self) -> bool {
        self.lo > 0.0 || self.hi < 0.0
    }
}

/// Paired difference of `other` against `base` (same length, replicate by replicate).
pub fn paired(base: &[f64], other: &[f64]) -> Paired {
    let n = base.len().min(other.len());
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
    let d: Vec<f64> = (0..n).map(|r| other[r] - base[r]).collect();
    let dm = mean(&d);
    let half = if n > 1 {
        let var = d.iter().map(|x| (x - dm).powi(2)).sum::<f64>() / (n - 1) as f64;
        t_975(n - 1) * (var / n as f64).sqrt()
    } else {
        f64::NAN
    };
    let bm = mean(&base[..n]);
    Paired {
        base_mean: bm,
        mean: mean(&other[..n]),
        diff: dm,
        lo: dm - half,
        hi: dm + half,
        relative: if bm != 0.0 { dm / bm } else { f64::NAN },
    }
}

/// The 97.5th percentile of Student's t with `df` degrees of freedom (NaN for 0), from
/// `statrs`.
pub fn t_975(df: usize) -> f64 {
    use statrs::distribution::{ContinuousCDF, StudentsT};
    match StudentsT::new(0.0, 1.0, df as f64) {
        Ok(t) if df > 0 => t.inverse_cdf(0.975),
        _ => f64::NAN,
    }
}

/// Runs every scenario's replicates `0..replicates` (replicates in parallel, each scenario's
/// run continuing the first scenario's world from the day they part; scenario-major order in
/// the result) and measures the outcomes from day `from`: `values[s][r][o]`.
pub fn run_all(
    scenarios: &[Arc<Scenario>],
    map: &Arc<SahelMap>,
    list: &[Column],
    from: u32,
    replicates: u32,
    progress: Option<&ProgressBar>,
) -> Vec<Vec<Vec<f64>>> {
    run_all_keeping(scenarios, map, list, from, replicates, progress, |_| ()).0
}

/// As [`run_all`], and also keeps `keep(output)` of every replicate (`kept[s][r]`), e.g. its
/// months for plots.
pub fn run_all_keeping<T: Send>(
    scenarios: &[Arc<Scenario>],
    map: &Arc<SahelMap>,
    list: &[Column],
    from: u32,
    replicates: u32,
    progress: Option<&ProgressBar>,
    keep: impl Fn(&ReplicateOutput) -> T + Sync,
) -> (Vec<Vec<Vec<f64>>>, Vec<Vec<T>>) {
    // One job per replicate: its scenarios share the world until their interventions start
    // and part there (`run_forked`).
    let branches = Branches::for_jobs(replicates as usize);
    let per_replicate: Vec<Vec<(Vec<f64>, T)>> = (0..replicates)
        .into_par_iter()
        .panic_fuse()
        .map(|rep| {
            run_forked(scenarios, map, rep, progress, branches, |i, out| {
                let values = measure(&out.observed(&scenarios[i], map), list, from);
                (values, keep(&out))
            })
        })
        .collect();
    let mut values: Vec<Vec<Vec<f64>>> = (0..scenarios.len()).map(|_| Vec::new()).collect();
    let mut kept: Vec<Vec<T>> = (0..scenarios.len()).map(|_| Vec::new()).collect();
    for row in per_replicate {
        for (s, (v, k)) in row.into_iter().enumerate() {
            values[s].push(v);
            kept[s].push(k);
        }
    }
    (values, kept)
}

/// Events of one replicate per grid cell from day `from` on: `(cell index, events)` in cell
/// order, cells without an event left out (a replicate keeps at most one pair per cell with
/// an event, so a comparison's memory stays bounded by its replicates' event logs).
pub fn events_by_cell(events: &[Event], from: u32) -> Vec<(u32, u32)> {
    let mut cells: Vec<u32> = events
        .iter()
        .filter(|e| e.day >= from)
        .map(|e| e.cell.index() as u32)
        .collect();
    cells.sort_unstable();
    let mut out: Vec<(u32, u32)> = Vec::new();
    for c in cells {
        match out.last_mut() {
            Some((last, n)) if *last == c => *n += 1,
            _ => out.push((c, 1)),
        }
    }
    out
}

/// The paired difference of one cell: mean of `other − base` over replicates and its 95 %
/// confidence interval.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct CellDifference {
    /// Mean paired difference (other − base).
    pub diff: f64,
    /// Lower end of the 95 % confidence interval.
    pub lo: f64,
    /// Upper end.
    pub hi: f64,
}

impl CellDifference {
    /// Whether the interval excludes zero (the difference is larger than the noise between
    /// replicates).
    pub fn significant(&self) -> bool {
        self.lo > 0.0 || self.hi < 0.0
    }
}

/// Per-cell paired differences of `other` against `base` over `cells` grid cells, replicate
/// by replicate (`base[r]` and `other[r]` ran on the same seed), from sparse per-cell counts
/// ([`events_by_cell`]). Sums are taken in replicate order, so the result does not depend on
/// threads.
pub fn cell_differences(
    base: &[Vec<(u32, u32)>],
    other: &[Vec<(u32, u32)>],
    cells: usize,
) -> Vec<CellDifference> {
    let n = base.len().min(other.len());
    let mut sum = vec![0.0f64; cells];
    let mut sum_sq = vec![0.0f64; cells];
    let mut d = vec![0.0f64; cells];
    let mut touched: Vec<usize> = Vec::new();
    for r in 0..n {
        for (sign, counts) in [(1.0, &other[r]), (-1.0, &base[r])] {
            for &(c, k) in counts {
                let c = c as usize;
                if c < cells {
                    d[c] += sign * k as f64;
                    touched.push(c);
                }
            }
        }
        touched.sort_unstable();
        touched.dedup();
        for &c in &touched {
            sum[c] += d[c];
            sum_sq[c] += d[c] * d[c];
            d[c] = 0.0;
        }
        touched.clear();
    }
    let t = if n > 1 { t_975(n - 1) } else { f64::INFINITY };
    (0..cells)
        .map(|c| {
            if n == 0 {
                return CellDifference::default();
            }
            let mean = sum[c] / n as f64;
            let half = if n > 1 {
                let var = ((sum_sq[c] - n as f64 * mean * mean) / (n - 1) as f64).max(0.0);
                if var == 0.0 && mean == 0.0 {
                    0.0
                } else {
                    t * (var / n as f64).sqrt()
                }
            } else {
                f64::INFINITY
            };
            CellDifference {
                diff: mean,
                lo: mean - half,
                hi: mean + half,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paired_interval_covers_a_known_difference() {
        let base = [10.0, 12.0, 9.0, 11.0, 10.0];
        let other = [12.0, 14.5, 10.5, 13.0, 12.0];
        let p = paired(&base, &other);
        assert!((p.diff - 2.0).abs() < 1e-12);
        // Differences 2, 2.5, 1.5, 2, 2: sd = 0.3536, se = 0.1581, t(4) = 2.776.
        assert!((p.hi - p.diff - 2.776 * 0.158_113_9).abs() < 1e-4);
        assert!(p.significant());
        assert!((p.relative - 2.0 / 10.4).abs() < 1e-12);
    }

    #[test]
    fn t_quantiles_match_published_tables() {
        // Student's t, 97.5th percentile (e.g. NIST/SEMATECH e-Handbook, table 1.3.6.7.2).
        for (df, published) in [
            (1, 12.706),
            (2, 4.303),
            (4, 2.776),
            (9, 2.262),
            (19, 2.093),
            (30, 2.042),
            (60, 2.000),
            (100, 1.984),
        ] {
            assert!(
                (t_975(df) - published).abs() < 5e-4,
                "t(0.975, {df}) = {} against {published}",
                t_975(df)
            );
        }
        assert!((t_975(100_000) - 1.959_964).abs() < 1e-4);
        assert!(t_975(0).is_nan());
    }

    #[test]
    fn cell_differences_pair_replicates_and_cover_zero_within_noise() {
        // Cell 0: the scenario has 3 events fewer in every replicate (a clear effect); cell 1:
        // +1, −1, +1, −1 (noise around zero); cell 2: no events anywhere.
        let base = vec![
            vec![(0, 10), (1, 4)],
            vec![(0, 12), (1, 5)],
            vec![(0, 9), (1, 4)],
            vec![(0, 11), (1, 6)],
        ];
        let other = vec![
            vec![(0, 7), (1, 5)],
            vec![(0, 9), (1, 4)],
            vec![(0, 6), (1, 5)],
            vec![(0, 8), (1, 5)],
        ];
        let d = cell_differences(&base, &other, 3);
        assert_eq!(d[0].diff, -3.0);
        assert!(d[0].significant() && d[0].hi < 0.0);
        assert_eq!(d[1].diff, 0.0);
        assert!(!d[1].significant() && d[1].lo < 0.0 && d[1].hi > 0.0);
        assert_eq!(d[2], CellDifference::default());
        assert!(!d[2].significant());
        // The same as the paired difference of the dense columns.
        let dense = |v: &[Vec<(u32, u32)>], c: u32| -> Vec<f64> {
            v.iter()
                .map(|r| r.iter().find(|p| p.0 == c).map_or(0.0, |p| p.1 as f64))
                .collect()
        };
        let p = paired(&dense(&base, 1), &dense(&other, 1));
        assert!((p.lo - d[1].lo).abs() < 1e-12 && (p.hi - d[1].hi).abs() < 1e-12);
    }
}
