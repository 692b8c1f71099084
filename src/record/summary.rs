//! Run summaries: the key outcomes of each replicate, counted from its events and final state,
//! and their mean and 90 % interval across replicates.

use std::collections::BTreeMap;

use serde::Serialize;

use super::series::SeriesRow;
use crate::scenario::{Coalition, Scenario};
use crate::sim::events::{Attributed, Event, Perpetrator, Target};

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

/// Counts the key outcomes of a replicate.
pub fn summarise(
    scenario: &Scenario,
    replicate: u32,
    seed: u64,
    events: &[Event],
    rows: &[SeriesRow],
) -> ReplicateSummary {
    let mut o = BTreeMap::new();
    let mut put = |k: String, v: f64| {
        o.insert(k, v);
    };
    let militant: Vec<&Event> = events
        .iter()
        .filter(|e| e.linked_group().is_some())
        .collect();
    put("events_total".into(), events.len() as f64);
    put(
        "attacks_by_groups".into(),
        events
            .iter()
            .filter(|e| matches!(e.perpetrator, Perpetrator::Group(_)))
            .count() as f64,
    );
    put(
        "fatalities_civilians_by_state".into(),
        events
            .iter()
            .filter(|e| e.perpetrator == Perpetrator::State)
            .map(|e| e.civilians_killed as f64)
            .sum(),
    );
    put("events_militant".into(), militant.len() as f64);
    put(
        "events_vs_civilians".into(),
        events
            .iter()
            .filter(|e| {
                matches!(e.perpetrator, Perpetrator::Group(_))
                    && matches!(e.target, Target::Civilians | Target::Leaders)
            })
            .count() as f64,
    );
    put(
        "fatalities_total".into(),
        events.iter().map(|e| e.fatalities() as f64).sum(),
    );
    put(
        "fatalities_civilians".into(),
        events.iter().map(|e| e.civilians_killed as f64).sum(),
    );
    put(
        "fatalities_security".into(),
        events.iter().map(|e| e.security_killed as f64).sum(),
    );
    put(
        "fatalities_militants".into(),
        events.iter().map(|e| e.militants_killed as f64).sum(),
    );
    put(
        "abducted".into(),
        events.iter().map(|e| e.abducted as f64).sum(),
    );
    let start = scenario.period.start;
    let (y0, y1) = (start.year(), scenario.period.end.year());
    for y in y0..=y1 {
        let n = militant
            .iter()
            .filter(|e| scenario.period.date(e.day).year() == y)
            .count();
        put(format!("events_militant_{y}"), n as f64);
    }
    for (g, gp) in scenario.groups.iter().enumerate() {
        put(
            format!("events_by_group.{}", gp.name),
            militant
                .iter()
                .filter(|e| e.linked_group() == Some(g.into()))
                .count() as f64,
        );
    }
    // Attribution: the share of militant events an observer puts down to JNIM (as a whole or a component).
    let attributed_jnim = militant
        .iter()
        .filter(|e| match e.attributed {
            Attributed::Jnim => true,
            Attributed::Group(g) => scenario.groups[g.index()].coalition == Coalition::Jnim,
            _ => false,
        })
        .count();
    put(
        "share_attributed_jnim".into(),
        ratio(
            attributed_jnim,
            militant
                .iter()
                .filter(|e| matches!(e.perpetrator, Perpetrator::Group(_)))
                .count(),
        ),
    );
    // Final state and revenue from the time series' last period and its totals.
    let last = rows.iter().map(|r| r.period).max().unwrap_or(0);
    for r in rows.iter().filter(|r| r.period == last && r.area == "all") {
        if r.group == "all" {
            put("displaced_final".into(), r.displaced.unwrap_or(0.0));
            put(
                "schools_closed_final".into(),
                r.schools_closed.unwrap_or(0.0),
            );
            put(
                "government_presence_final".into(),
                r.government_presence.unwrap_or(0.0),
            );
            put(
                "communities_militant_final".into(),
                r.communities_militant.unwrap_or(0) as f64,
            );
            put("fighters_final".into(), r.fighters.unwrap_or(0) as f64);
        } else {
            put(
                format!("fighters_final.{}", r.group),
                r.fighters.unwrap_or(0) as f64,
            );
        }
    }
    let peak = rows
        .iter()
        .filter(|r| r.area == "all" && r.group == "all")
        .filter_map(|r| r.displaced)
        .fold(0.0, f64::max);
    put("displaced_peak".into(), peak);
    let years = scenario.period.days() as f64 / 365.25;
    for gp in &scenario.groups {
        let total: i64 = rows
            .iter()
            .filter(|r| r.area == "all" && r.group == gp.name)
            .map(SeriesRow::revenue_total)
            .sum();
        put(
            format!("revenue_musd_per_year.{}", gp.name),
            (total as f64 / 1e6 / years * 1e3).round() / 1e3,
        );
    }
    ReplicateSummary {
        replicate,
        seed,
        outcomes: o,
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        ((a as f64 / b as f64) * 1e4).round() / 1e4
    }
}

/// Mean and 90 % interval of every outcome across `replicates` (in the given order).
pub fn aggregate(replicates: &[ReplicateSummary]) -> BTreeMap<String, Spread> {
    let mut out = BTreeMap::new();
    let Some(first) = replicates.first() else {
        return out;
    };
    for key in first.outcomes.keys() {
        let mut v: Vec<f64> = replicates
            .iter()
            .filter_map(|r| r.outcomes.get(key).copied())
            .collect();
        v.sort_by(f64::total_cmp);
        let mean = v.iter().sum::<f64>() / v.len() as f64;
        out.insert(
            key.clone(),
            Spread {
                mean,
                p05: quantile(&v, 0.05),
                p95: quantile(&v, 0.95),
            },
        );
    }
    out
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

    #[test]
    fn quantiles_interpolate() {
        let v = [0.0, 10.0, 20.0, 30.0, 40.0];
        assert_eq!(quantile(&v, 0.5), 20.0);
        assert_eq!(quantile(&v, 0.05), 2.0);
        assert_eq!(quantile(&[7.0], 0.95), 7.0);
    }
}
