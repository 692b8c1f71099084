//! What a sweep runs: the Sahel model on the base's map, or Epstein's reference model. The
//! choice is made once, from the validated base ([`SweptModel::of`]); everything that differs
//! between the two (the outcomes a sweep can record and records by default, steps per run,
//! how one replicate becomes outcome values) is a method here, so nothing downstream asks the
//! scenario which model it is.

use std::sync::Arc;

use indicatif::ProgressBar;

use super::super::compare;
use crate::geo::SahelMap;
use crate::record::Column;
use crate::record::outcome::{self, Outcome, REFERENCE_OUTCOMES};
use crate::scenario::{ModelKind, Scenario};

/// The outcomes a Sahel sweep records when its spec names none.
pub const DEFAULT_SAHEL_OUTCOMES: [Outcome; 6] = [
    outcome::EVENTS,
    outcome::FATALITIES_CIVILIANS,
    outcome::ATTACKS_ON_CIVILIANS,
    outcome::DISPLACED_END,
    outcome::FIGHTERS_END,
    outcome::SUSTAINED_PRESENCE_END,
];

/// The model a sweep runs, with what it needs to run and measure one replicate.
#[derive(Debug, Clone)]
pub enum SweptModel {
    /// The Sahel model.
    Sahel {
        /// The map the base runs on, built once.
        map: Arc<SahelMap>,
        /// The comparison outcomes it measures, in column order.
        columns: Vec<Column>,
        /// Simulated days per run.
        days: u32,
    },
    /// Epstein's civil violence model.
    Epstein {
        /// Steps per run (the base's).
        steps: u32,
    },
}

impl SweptModel {
    /// The model `base` runs, measuring every outcome it can record (narrow the list with
    /// [`SweptModel::recording`]). Builds the Sahel map.
    pub fn of(base: &Scenario) -> SweptModel {
        match base.kind {
            ModelKind::Sahel => {
                let map = Arc::new(SahelMap::build(&base.map, base.period.start.year()));
                let names: Vec<String> = base.groups.iter().map(|g| g.name.clone()).collect();
                let columns = compare::outcomes(&map, &names);
                SweptModel::Sahel {
                    map,
                    columns,
                    days: base.period.days(),
                }
            }
            ModelKind::Epstein => SweptModel::Epstein {
                steps: base.epstein.as_ref().map_or(0, |p| p.steps),
            },
        }
    }

    /// The same model measuring only `outcomes`, in that order (names it cannot record are
    /// left out: the spec's checks refuse them).
    pub fn recording(&self, outcomes: &[String]) -> SweptModel {
        match self {
            SweptModel::Sahel { map, columns, days } => SweptModel::Sahel {
                map: map.clone(),
                columns: outcomes
                    .iter()
                    .filter_map(|n| columns.iter().find(|c| c.name() == *n).cloned())
                    .collect(),
                days: *days,
            },
            SweptModel::Epstein { steps } => SweptModel::Epstein { steps: *steps },
        }
    }

    /// Every outcome this model can record (of a Sahel model: as measured so far).
    pub fn available_outcomes(&self) -> Vec<String> {
        match self {
            SweptModel::Sahel { columns, .. } => columns.iter().map(Column::name).collect(),
            SweptModel::Epstein { .. } => REFERENCE_OUTCOMES
                .iter()
                .map(|r| r.key.to_string())
                .collect(),
        }
    }

    /// The outcomes recorded when the spec names none: the Sahel model's main outcomes, or
    /// every outcome of the reference model.
    pub fn default_outcomes(&self) -> Vec<String> {
        match self {
            SweptModel::Sahel { .. } => DEFAULT_SAHEL_OUTCOMES
                .iter()
                .map(|o| o.key.to_string())
                .collect(),
            SweptModel::Epstein { .. } => self.available_outcomes(),
        }
    }

    /// Whether outcomes are counted over dates (a spec's `from` applies).
    pub fn has_dates(&self) -> bool {
        matches!(self, SweptModel::Sahel { .. })
    }

    /// Simulated days (steps) per run, for the progress bar.
    pub fn steps_per_run(&self) -> u64 {
        match self {
            SweptModel::Sahel { days, .. } => u64::from(*days),
            SweptModel::Epstein { steps } => u64::from(*steps),
        }
    }

    /// An outcome as people read it, with its unit: "fatalities, civilians (central; people)".
    pub fn outcome_label(&self, name: &str) -> String {
        match self {
            SweptModel::Sahel { columns, .. } => match columns.iter().find(|c| c.name() == name) {
                Some(c) => {
                    let place = if c.area == "all" {
                        String::new()
                    } else {
                        format!("{}; ", c.area)
                    };
                    format!("{} ({place}{})", c.label(), c.unit())
                }
                None => name.to_string(),
            },
            SweptModel::Epstein { .. } => REFERENCE_OUTCOMES
                .iter()
                .find(|r| r.key == name)
                .map_or(name, |r| r.label)
                .to_string(),
        }
    }

    /// Runs replicate `replicate` of the point scenario `s` and measures `outcomes` (the
    /// recorded ones, in column order), counted from day `from_day` (Sahel model).
    pub fn run(
        &self,
        s: Scenario,
        replicate: u32,
        outcomes: &[String],
        from_day: u32,
        progress: Option<&ProgressBar>,
    ) -> Vec<f64> {
        match self {
            SweptModel::Sahel { map, columns, .. } => {
                let s = Arc::new(s);
                let out = super::super::run_replicate(&s, map, replicate, progress);
                compare::measure(&out.observed(&s, map), columns, from_day)
            }
            SweptModel::Epstein { .. } => {
                // Validation gives every scenario of `kind: Epstein` its section.
                let Some(p) = &s.epstein else {
                    return vec![f64::NAN; outcomes.len()];
                };
                let out = crate::reference::epstein::run_replicate(p, s.seed, replicate);
                if let Some(bar) = progress {
                    bar.inc(u64::from(p.steps));
                }
                let summary = crate::record::summarise_reference(&out);
                outcomes
                    .iter()
                    .map(|o| summary.outcomes.get(o).copied().unwrap_or(f64::NAN))
                    .collect()
            }
        }
    }
}
