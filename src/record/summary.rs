//! Run summaries: the key outcomes of each replicate, counted from its events and final state,
//! and their mean and 90 % interval across replicates.

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

use serde::Serialize;

use super::outcome::{OUTCOMES, Observed, REFERENCE_OUTCOMES, Window, study_regions};
use super::replicate_rows::ReplicateRows;
use crate::reference::epstein::ReplicateOutput as EpsteinOutput;
use crate::sim::events::Event;
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
    // Each region's events, in the log's order: a region's counts scan these instead of the
    // whole log (the same events, in the same order, so the same counts and sums).
    let region_events: Vec<Vec<Event>> = match run.map {
        Some(map) if !regions.is_empty() => {
            let mut by_region = vec![Vec::new(); map.data.regions.len()];
            for e in run.events {
                if let Some(r) = map.grid.cells[e.cell.index()].region {
                    by_region[r].push(e.clone());
                }
            }
            by_region
        }
        _ => Vec::new(),
    };
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
                let in_region = Observed {
                    events: &region_events[r],
                    ..*run
                };
                if let Some(v) = outcome.count(&in_region, &window) {
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
        // In memory, with every row of the first's names at its width: nothing can fail.
        let _ = table.push(r.clone());
    }
    table.aggregate().unwrap_or_default()
}

/// Mean, 5th and 95th percentiles of `values` (the mean summed in sorted order, so that it
/// does not depend on the order the values come in).
pub fn spread(mut values: Vec<f64>) -> Spread {
    values.sort_by(f64::total_cmp);
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    Spread {
        mean,
        p05: quantile(&values, 0.05),
        p95: quantile(&values, 0.95),
    }
}

/// Every replicate's outcomes, kept compactly for a run of many replicates: the outcome names
/// once (the first replicate's), each replicate's values in their order as a row of
/// [`ReplicateRows`] (8 bytes an outcome, in memory or on disk). A replicate whose names
/// differ is kept as it is, in memory. Serialises as the list of [`ReplicateSummary`] it
/// holds, byte for byte.
#[derive(Debug, Default)]
pub struct SummaryTable {
    names: Vec<String>,
    heads: Vec<SummaryRow>,
    values: ReplicateRows,
}

/// One replicate in a [`SummaryTable`].
#[derive(Debug, Clone)]
enum SummaryRow {
    /// Its values are the next row of the table's values, in the order of its names.
    Values { replicate: u32, seed: u64 },
    /// A replicate with other outcome names.
    Other(ReplicateSummary),
}

impl SummaryTable {
    /// An empty table in memory.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty table whose values go to an unnamed temporary file in folder `dir`, so that
    /// its memory is a few bytes a replicate (replicate number and seed).
    pub fn on_disk(dir: &Path) -> io::Result<Self> {
        Ok(Self {
            values: ReplicateRows::on_disk(dir)?,
            ..Self::default()
        })
    }

    /// Adds the next replicate.
    pub fn push(&mut self, r: ReplicateSummary) -> io::Result<()> {
        if self.heads.is_empty() {
            self.names = r.outcomes.keys().cloned().collect();
        }
        let same = r.outcomes.len() == self.names.len()
            && r.outcomes.keys().zip(&self.names).all(|(a, b)| a == b);
        if same {
            let values: Vec<f64> = r.outcomes.into_values().collect();
            self.values.push(&values)?;
            self.heads.push(SummaryRow::Values {
                replicate: r.replicate,
                seed: r.seed,
            });
        } else {
            self.heads.push(SummaryRow::Other(r));
        }
        Ok(())
    }

    /// The replicates held.
    pub fn len(&self) -> usize {
        self.heads.len()
    }

    /// Whether no replicate is held.
    pub fn is_empty(&self) -> bool {
        self.heads.is_empty()
    }

    /// Each replicate's seed, in order.
    pub fn seeds(&self) -> Vec<u64> {
        self.heads
            .iter()
            .map(|r| match r {
                SummaryRow::Values { seed, .. } => *seed,
                SummaryRow::Other(s) => s.seed,
            })
            .collect()
    }

    /// Mean and 90 % interval of every outcome (the first replicate's) across the replicates
    /// that have it: exact, whether the values are in memory or on disk.
    pub fn aggregate(&self) -> io::Result<BTreeMap<String, Spread>> {
        let mut out = BTreeMap::new();
        if self.heads.is_empty() {
            return Ok(out);
        }
        let others: Vec<&ReplicateSummary> = self
            .heads
            .iter()
            .filter_map(|r| match r {
                SummaryRow::Other(s) => Some(s),
                SummaryRow::Values { .. } => None,
            })
            .collect();
        let mut gather = |key: &String, mut values: Vec<f64>| {
            values.extend(others.iter().filter_map(|s| s.outcomes.get(key).copied()));
            out.insert(key.clone(), spread(values));
        };
        // The first replicate's names are the columns of the values.
        self.values
            .for_each_column(|c, values| gather(&self.names[c], values))?;
        Ok(out)
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
        use serde::ser::{Error, SerializeSeq};
        let mut seq = serializer.serialize_seq(Some(self.heads.len()))?;
        let mut rows = self.values.reader().map_err(S::Error::custom)?;
        for head in &self.heads {
            match head {
                SummaryRow::Values { replicate, seed } => {
                    let values = rows
                        .next_row()
                        .map_err(S::Error::custom)?
                        .ok_or_else(|| S::Error::custom("a replicate's outcomes are missing"))?;
                    seq.serialize_element(&RowRef {
                        replicate: *replicate,
                        seed: *seed,
                        outcomes: OutcomesRef(&self.names, values),
                    })?
                }
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
        let dir = tempfile::tempdir().unwrap();
        for mut table in [
            SummaryTable::new(),
            SummaryTable::on_disk(dir.path()).unwrap(),
        ] {
            for r in all.clone() {
                table.push(r).unwrap();
            }
            assert_eq!(table.len(), 4);
            assert_eq!(table.seeds(), vec![1000, 1001, 1002, 1003]);
            assert_eq!(
                serde_json::to_string_pretty(&table).unwrap(),
                serde_json::to_string_pretty(&all).unwrap()
            );
            let agg = table.aggregate().unwrap();
            assert_eq!(agg, aggregate(&all));
            // "displaced" is not the first replicate's; "deaths" is missing from one.
            assert_eq!(agg.keys().collect::<Vec<_>>(), ["deaths", "events"]);
            assert_eq!(agg["events"].mean, (10.0 + 12.5 + 11.0 - 1e-300) / 4.0);
            assert_eq!(
                agg["deaths"].p95,
                quantile(&[0.1 + 0.2, 3.0, f64::MAX], 0.95)
            );
        }
        assert_eq!(SummaryTable::new().aggregate().unwrap(), aggregate(&[]));
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
