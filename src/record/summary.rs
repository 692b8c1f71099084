//! Run summaries: the key outcomes of each replicate, counted from its events and final state,
//! and their mean and 90 % interval across replicates.

use std::collections::BTreeMap;

use serde::Serialize;

use super::outcome::{OUTCOMES, Observed, REFERENCE_OUTCOMES, Window, study_regions};
use crate::reference::epstein::ReplicateOutput as EpsteinOutput;
use crate::sim::ids::GroupId;

/// The key outcomes of one replicate, by name (sorted, so the JSON is stable).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ReplicateSummary {
    /// Replicate.
    pub replicate: u32,
    /// The replicate's seed.
    pub seed: u64,
    /// Outcome name -> value.
    pub outcomes: BTreeMap<String, f64>,
}

/// Mean and 90 % interval of one outcome across replicates.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct Spread {
    /// Mean.
    pub mean: f64,
    /// 5th percentile.
    pub p05: f64,
    /// 95th percentile.
    pub p95: f64,
}

/// Counts every outcome the summary reports ([`OUTCOMES`] marked for it) over the whole run
/// and study area: in all, by group, by admin-1 region (`key@<region>`, every region with
/// study-area cells, zeros included) and by calendar year where the outcome says so. The
/// interventions' counts are left out where `run` has none.
pub fn summarise(run: &Observed, replicate: u32, seed: u64) -> ReplicateSummary {
    let scenario = run.scenario;
    let whole = Window::whole(scenario);
    let regions = run.map.map(study_regions).unwrap_or_default();
    let mut o = BTreeMap::new();
    for outcome in OUTCOMES.iter().filter(|o| o.reported.summary) {
        if outcome.total
            && let Some(v) = outcome.count(run, &whole)
        {
            o.insert(outcome.key.to_string(), v);
        }
        if outcome.by_group {
            for (g, gp) in scenario.groups.iter().enumerate() {
                let window = Window {
                    group: Some(GroupId::new(g)),
                    ..whole
                };
                if let Some(v) = outcome.count(run, &window) {
                    o.insert(format!("{}.{}", outcome.key, gp.name), v);
                }
            }
        }
        if outcome.by_region
            && outcome.total
            && let Some(map) = run.map
        {
            for &r in &regions {
                let window = Window {
                    region: Some(r),
                    ..whole
                };
                if let Some(v) = outcome.count(run, &window) {
                    o.insert(format!("{}@{}", outcome.key, map.data.regions[r].name), v);
                }
            }
        }
        if outcome.by_year {
            let period = &scenario.period;
            for y in period.start.year()..=period.end.year() {
                let day = |d: time::Date| (d - period.start).whole_days().max(0) as u32;
                let first = time::Date::from_ordinal_date(y, 1).unwrap_or(period.start);
                let last = time::Date::from_ordinal_date(y + 1, 1)
                    .map(|d| d.previous_day().unwrap_or(d))
                    .unwrap_or(period.end);
                let window = Window {
                    from_day: day(first.max(period.start)),
                    to_day: day(last.min(period.end)),
                    ..whole
                };
                if let Some(v) = outcome.count(run, &window) {
                    o.insert(format!("{}_{y}", outcome.key), v);
                }
            }
        }
    }
    ReplicateSummary {
        replicate,
        seed,
        outcomes: o,
    }
}

/// The outcomes of one replicate of the reference (Epstein) model ([`REFERENCE_OUTCOMES`]).
pub fn summarise_reference(o: &EpsteinOutput) -> ReplicateSummary {
    ReplicateSummary {
        replicate: o.replicate,
        seed: o.seed,
        outcomes: REFERENCE_OUTCOMES
            .iter()
            .map(|r| (r.key.to_string(), (r.value)(&o.stats)))
            .collect(),
    }
}

/// Mean and 90 % interval of every outcome across `replicates` (in the given order).
pub fn aggregate(replicates: &[ReplicateSummary]) -> BTreeMap<String, Spread> {
    let mut table = SummaryTable::new();
    for r in replicates {
        table.push(r.clone());
    }
    table.aggregate()
}

/// Mean, 5th and 95th percentiles of `v`.
fn spread(mut v: Vec<f64>) -> Spread {
    v.sort_by(f64::total_cmp);
    let mean = v.iter().sum::<f64>() / v.len() as f64;
    Spread {
        mean,
        p05: quantile(&v, 0.05),
        p95: quantile(&v, 0.95),
    }
}

/// Every replicate's outcomes, kept compactly for a run of many replicates: the outcome names
/// once (the first replicate's), each replicate's values in their order (8 bytes an outcome
/// instead of its name again). A replicate whose names differ is kept as it is. Serialises as
/// the list of [`ReplicateSummary`] it holds, byte for byte.
#[derive(Debug, Clone, Default)]
pub struct SummaryTable {
    names: Vec<String>,
    rows: Vec<SummaryRow>,
}

/// One replicate in a [`SummaryTable`].
#[derive(Debug, Clone)]
enum SummaryRow {
    /// Values in the order of the table's names.
    Values {
        replicate: u32,
        seed: u64,
        values: Vec<f64>,
    },
    /// A replicate with other outcome names.
    Other(ReplicateSummary),
}

impl SummaryTable {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the next replicate.
    pub fn push(&mut self, r: ReplicateSummary) {
        if self.rows.is_empty() {
            self.names = r.outcomes.keys().cloned().collect();
        }
        let same = r.outcomes.len() == self.names.len()
            && r.outcomes.keys().zip(&self.names).all(|(a, b)| a == b);
        self.rows.push(if same {
            SummaryRow::Values {
                replicate: r.replicate,
                seed: r.seed,
                values: r.outcomes.into_values().collect(),
            }
        } else {
            SummaryRow::Other(r)
        });
    }

    /// The replicates held.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether no replicate is held.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Each replicate's seed, in order.
    pub fn seeds(&self) -> Vec<u64> {
        self.rows
            .iter()
            .map(|r| match r {
                SummaryRow::Values { seed, .. } => *seed,
                SummaryRow::Other(s) => s.seed,
            })
            .collect()
    }

    /// Mean and 90 % interval of every outcome (the first replicate's) across the replicates
    /// that have it.
    pub fn aggregate(&self) -> BTreeMap<String, Spread> {
        let mut out = BTreeMap::new();
        if self.rows.is_empty() {
            return out;
        }
        for (i, key) in self.names.iter().enumerate() {
            let v: Vec<f64> = self
                .rows
                .iter()
                .filter_map(|r| match r {
                    SummaryRow::Values { values, .. } => Some(values[i]),
                    SummaryRow::Other(s) => s.outcomes.get(key).copied(),
                })
                .collect();
            out.insert(key.clone(), spread(v));
        }
        out
    }
}

/// A replicate of a [`SummaryTable`] as [`ReplicateSummary`] serialises.
#[derive(Serialize)]
struct RowRef<'a> {
    replicate: u32,
    seed: u64,
    outcomes: OutcomesRef<'a>,
}

/// A replicate's outcomes as a map, the names from the table.
struct OutcomesRef<'a>(&'a [String], &'a [f64]);

impl Serialize for OutcomesRef<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().zip(self.1))
    }
}

impl Serialize for SummaryTable {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = serializer.serialize_seq(Some(self.rows.len()))?;
        for row in &self.rows {
            match row {
                SummaryRow::Values {
                    replicate,
                    seed,
                    values,
                } => seq.serialize_element(&RowRef {
                    replicate: *replicate,
                    seed: *seed,
                    outcomes: OutcomesRef(&self.names, values),
                })?,
                SummaryRow::Other(s) => seq.serialize_element(s)?,
            }
        }
        seq.end()
    }
}

/// Linear-interpolated quantile of sorted values.
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let pos = q * (sorted.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn replicate(r: u32, outcomes: &[(&str, f64)]) -> ReplicateSummary {
        ReplicateSummary {
            replicate: r,
            seed: 1000 + r as u64,
            outcomes: outcomes.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
        }
    }

    #[test]
    fn a_summary_table_writes_and_aggregates_what_the_summaries_do() {
        let all = vec![
            replicate(0, &[("events", 10.0), ("deaths", 0.1 + 0.2)]),
            replicate(1, &[("events", 12.5), ("deaths", 3.0)]),
            // Other names: kept as they are.
            replicate(2, &[("events", 11.0), ("displaced", 4.0)]),
            replicate(3, &[("events", -1e-300), ("deaths", f64::MAX)]),
        ];
        let mut table = SummaryTable::new();
        for r in all.clone() {
            table.push(r);
        }
        assert_eq!(table.len(), 4);
        assert_eq!(table.seeds(), vec![1000, 1001, 1002, 1003]);
        assert_eq!(
            serde_json::to_string_pretty(&table).unwrap(),
            serde_json::to_string_pretty(&all).unwrap()
        );
        assert_eq!(table.aggregate(), aggregate(&all));
        assert_eq!(SummaryTable::new().aggregate(), aggregate(&[]));
    }

    #[test]
    fn quantiles_interpolate() {
        let v = [0.0, 10.0, 20.0, 30.0, 40.0];
        assert_eq!(quantile(&v, 0.5), 20.0);
        assert_eq!(quantile(&v, 0.05), 2.0);
        assert_eq!(quantile(&[7.0], 0.95), 7.0);
    }

    #[test]
    fn quantiles_are_hyndman_and_fans_type_7() {
        // Hyndman & Fan (1996), definition 7, the default of R's `quantile`:
        // quantile(1:10, c(0.05, 0.25, 0.95)) gives 1.45, 3.25 and 9.55.
        let v: Vec<f64> = (1..=10).map(f64::from).collect();
        for (q, published) in [(0.05, 1.45), (0.25, 3.25), (0.95, 9.55)] {
            assert!((quantile(&v, q) - published).abs() < 1e-12, "{q}");
        }
    }
}
