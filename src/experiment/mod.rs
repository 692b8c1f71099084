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
use crate::sim::events::Event;
use crate::sim::rng::replicate_seed;
use crate::sim::{Simulation, fork};

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
    let mut run = Running::new(scenario, map, replicate);
    run.advance(u32::MAX, progress, 1);
    run.finish(t, 0.0)
}

/// How the scenarios of one replicate go on after they part ([`run_forked`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Branches {
    /// One after the other, each copy made when its turn comes: the shared world and one
    /// scenario's in memory at a time. For many replicates (or ensemble members) at once,
    /// which keep the threads busy.
    OneByOne,
    /// All copies made at once and run in parallel: for fewer replicates than threads.
    InParallel,
}

impl Branches {
    /// In parallel where `jobs` (replicates run at once) leave threads of the current pool
    /// idle, one by one otherwise. Outputs are the same either way.
    pub fn for_jobs(jobs: usize) -> Self {
        if jobs < rayon::current_num_threads() {
            Branches::InParallel
        } else {
            Branches::OneByOne
        }
    }
}

/// Runs replicate `replicate` of each of `scenarios` to the end, in their order, sharing what
/// they share: the days before the first of their interventions starts run once, in the
/// first scenario's world, and each scenario goes on from there in its own copy of that world
/// ([`Simulation::fork`]), as `branches` says. Each scenario's output, those of
/// [`run_replicate`] byte for byte (`tests/fork.rs`), is handed to `reduce` (with the
/// scenario's position) as soon as it ends, and only what `reduce` returns is kept. A scenario
/// that differs from the first in more than its interventions runs from the start. Each
/// output's `wall_s` holds its share of the shared days' time.
pub fn run_forked<T: Send>(
    scenarios: &[Arc<Scenario>],
    map: &Arc<SahelMap>,
    replicate: u32,
    progress: Option<&ProgressBar>,
    branches: Branches,
    reduce: impl Fn(usize, ReplicateOutput) -> T + Sync,
) -> Vec<T> {
    let Some(first) = scenarios.first() else {
        return Vec::new();
    };
    let shared: Vec<Option<u32>> = scenarios
        .iter()
        .map(|s| fork::shared_days(first, s).ok())
        .collect();
    let forked = shared.iter().flatten().count();
    let Some(until) = shared.iter().flatten().min().copied() else {
        unreachable!("the first scenario shares its own days");
    };
    let t = Instant::now();
    let mut trunk = Running::new(first, map, replicate);
    trunk.advance(until, progress, forked as u64);
    let trunk_s = t.elapsed().as_secs_f64() / forked as f64;
    // A copy reads the trunk's world, so copies are made one after the other.
    let mut branch = |i: usize| -> (Running, f64) {
        let s = &scenarios[i];
        match shared[i] {
            Some(_) => {
                let sim = trunk
                    .sim
                    .fork(s.clone())
                    .expect("every forked scenario shares the trunk's days");
                let run = Running {
                    scenario: s.clone(),
                    map: map.clone(),
                    replicate,
                    sim,
                    recorder: trunk.recorder.clone(),
                };
                (run, trunk_s)
            }
            None => (Running::new(s, map, replicate), 0.0),
        }
    };
    let to_end = |i: usize, (mut run, before): (Running, f64)| {
        let t = Instant::now();
        run.advance(u32::MAX, progress, 1);
        reduce(i, run.finish(t, before))
    };
    match branches {
        Branches::OneByOne => (0..scenarios.len()).map(|i| to_end(i, branch(i))).collect(),
        Branches::InParallel => {
            let runs: Vec<(Running, f64)> = (0..scenarios.len()).map(branch).collect();
            runs.into_par_iter()
                .enumerate()
                .map(|(i, run)| to_end(i, run))
                .collect()
        }
    }
}

/// A replicate on its way: its world and its recorder.
struct Running {
    scenario: Arc<Scenario>,
    map: Arc<SahelMap>,
    replicate: u32,
    sim: Simulation,
    recorder: Recorder,
}

impl Running {
    /// Replicate `replicate` of `scenario` on its first day.
    fn new(scenario: &Arc<Scenario>, map: &Arc<SahelMap>, replicate: u32) -> Self {
        let areas = map.data.areas.iter().map(|a| a.id.clone()).collect();
        Self {
            scenario: scenario.clone(),
            map: map.clone(),
            replicate,
            sim: Simulation::new(scenario.clone(), map.clone(), replicate),
            recorder: Recorder::new(scenario, areas, replicate),
        }
    }

    /// Simulates and records days until day `until` (or the end), counting each day `weight`
    /// times on `progress`.
    fn advance(&mut self, until: u32, progress: Option<&ProgressBar>, weight: u64) {
        let mut since = 0;
        while !self.sim.finished() && self.sim.day() < until {
            self.sim.step();
            self.recorder.observe(&mut self.sim);
            since += 1;
            if since == PROGRESS_DAYS {
                if let Some(p) = progress {
                    p.inc(since as u64 * weight);
                }
                since = 0;
            }
        }
        if let Some(p) = progress {
            p.inc(since as u64 * weight);
        }
    }

    /// What the finished run produced; its wall-clock time is `before` seconds plus the time
    /// since `started`, its summary included.
    fn finish(self, started: Instant, before: f64) -> ReplicateOutput {
        let Running {
            scenario,
            map,
            replicate,
            sim,
            recorder,
        } = self;
        let events = sim.events().to_vec();
        let seed = replicate_seed(scenario.seed, replicate);
        let former_fighters = (!scenario.interventions.is_empty()).then(|| {
            let p = sim.world.resource::<crate::sim::policy::Policies>();
            (p.reintegrated, p.relapsed)
        });
        let observed = Observed {
            scenario: &scenario,
            map: Some(&map),
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
            wall_s: before + started.elapsed().as_secs_f64(),
        }
    }
}
