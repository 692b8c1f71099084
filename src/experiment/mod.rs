//! Running replicates: each in its own single-threaded world, many at once with rayon. Results
//! come back in replicate order whatever the number of threads, so outputs do not depend on it.

pub mod ablation;
pub mod calibration;
pub mod compare;
pub mod discovery;
pub mod engine;
pub mod ensemble;
pub mod history_matching;
pub mod robustness;
pub mod sweep;
pub mod targets;
pub mod validation;

use std::sync::Arc;
use std::time::Instant;

use indicatif::ProgressBar;
use rayon::prelude::*;

use crate::geo::SahelMap;
use crate::record::{CellYear, Observed, Recorder, ReplicateSummary, SeriesRow, summarise};
use crate::scenario::Scenario;
use crate::sim::Simulation;
use crate::sim::events::Event;
use crate::sim::rng::replicate_seed;

/// The most replicates one scenario runs (a scenario's `replicates` and `--replicates` take
/// 1 to this many).
pub const MAX_REPLICATES: u32 = 100_000;

/// Everything one replicate produced.
#[derive(Debug, Clone)]
pub struct ReplicateOutput {
    /// Replicate number.
    pub replicate: u32,
    /// Its seed.
    pub seed: u64,
    /// Its events.
    pub events: Vec<Event>,
    /// Its time series.
    pub rows: Vec<SeriesRow>,
    /// Each cell's control and displacement at the end of each year.
    pub cell_years: Vec<CellYear>,
    /// Each region's row of the last period (the regions' states at the end).
    pub region_rows: Vec<SeriesRow>,
    /// Fighters reintegrated and former fighters relapsed, where the scenario has
    /// interventions.
    pub former_fighters: Option<(u64, u64)>,
    /// Its key outcomes.
    pub summary: ReplicateSummary,
    /// Wall-clock seconds it took.
    pub wall_s: f64,
}

impl ReplicateOutput {
    /// What the replicate left to count outcomes from, as run of `scenario` on `map`.
    pub fn observed<'a>(&'a self, scenario: &'a Scenario, map: &'a SahelMap) -> Observed<'a> {
        Observed {
            scenario,
            map: Some(map),
            events: &self.events,
            rows: &self.rows,
            region_rows: &self.region_rows,
            former_fighters: self.former_fighters,
        }
    }
}

/// Days between progress updates.
const PROGRESS_DAYS: u32 = 30;

/// Runs replicate `replicate` of `scenario` to the end.
pub fn run_replicate(
    scenario: &Arc<Scenario>,
    map: &Arc<SahelMap>,
    replicate: u32,
    progress: Option<&ProgressBar>,
) -> ReplicateOutput {
    let t = Instant::now();
    let mut sim = Simulation::new(scenario.clone(), map.clone(), replicate);
    let areas = map.data.areas.iter().map(|a| a.id.clone()).collect();
    let mut recorder = Recorder::new(scenario, areas, replicate);
    let mut since = 0;
    while !sim.finished() {
        sim.step();
        recorder.observe(&mut sim);
        since += 1;
        if since == PROGRESS_DAYS {
            if let Some(p) = progress {
                p.inc(since as u64);
            }
            since = 0;
        }
    }
    if let Some(p) = progress {
        p.inc(since as u64);
    }
    let events = sim.events().to_vec();
    let seed = replicate_seed(scenario.seed, replicate);
    let former_fighters = (!scenario.interventions.is_empty()).then(|| {
        let p = sim.world.resource::<crate::sim::policy::Policies>();
        (p.reintegrated, p.relapsed)
    });
    let observed = Observed {
        scenario,
        map: Some(map),
        events: &events,
        rows: &recorder.rows,
        region_rows: &recorder.region_rows,
        former_fighters,
    };
    let summary = summarise(&observed, replicate, seed);
    ReplicateOutput {
        replicate,
        seed,
        events,
        rows: recorder.rows,
        cell_years: recorder.cell_years,
        region_rows: recorder.region_rows,
        former_fighters,
        summary,
        wall_s: t.elapsed().as_secs_f64(),
    }
}

/// Runs replicates `0..replicates` in parallel; results in replicate order.
pub fn run_replicates(
    scenario: &Arc<Scenario>,
    map: &Arc<SahelMap>,
    replicates: u32,
    progress: Option<&ProgressBar>,
) -> Vec<ReplicateOutput> {
    (0..replicates)
        .into_par_iter()
        .map(|r| run_replicate(scenario, map, r, progress))
        .collect()
}
