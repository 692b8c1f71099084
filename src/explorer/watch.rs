//! What the explorer's map plays: one replicate of the base and of the policy, month by month
//! (events by cell, each cell's militant control and displaced people at the month's end, and
//! the monthly totals the panels under the map draw).
//!
//! The replicate is the comparison's first: same scenario, seed and replicate number, so its
//! months are those of the runs `compare` counted. It is counted from the running world, not
//! from output files, because no output holds cell states more often than once a year.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use base64::Engine;
use serde::Serialize;

use crate::geo::SahelMap;
use crate::record::series::CellYear;
use crate::report::map_plot::MAIN_TOWNS;
use crate::scenario::Scenario;
use crate::sim::Simulation;
use crate::sim::components::Band;
use crate::sim::policy::coverage;
use crate::sim::rng::replicate_seed;

/// The grid as the page draws it.
#[derive(Debug, Serialize)]
pub struct MapView {
    /// Columns.
    pub width: usize,
    /// Rows (row 0 is the southernmost).
    pub height: usize,
    /// Each cell's country (index into `countries`), -1 outside every country.
    pub country: Vec<i32>,
    /// Each cell's admin-1 region (index into `regions`), -1 where none.
    pub region: Vec<i32>,
    /// Country names.
    pub countries: Vec<String>,
    /// Region names.
    pub regions: Vec<String>,
    /// The main towns of the crisis and the cells they are in.
    pub towns: Vec<TownView>,
}

/// A town on the page's map.
#[derive(Debug, Serialize)]
pub struct TownView {
    /// Its name.
    pub name: String,
    /// Its cell's column.
    pub col: usize,
    /// Its cell's row (0: south).
    pub row: usize,
}

impl MapView {
    /// The page's view of `map`'s grid.
    pub fn of(map: &SahelMap) -> Self {
        let g = &map.grid;
        let index = |i: Option<usize>| i.map_or(-1, |i| i as i32);
        let towns = map
            .data
            .towns
            .iter()
            .filter(|t| MAIN_TOWNS.contains(&t.name.as_str()))
            .filter_map(|t| {
                let (row, col) = g.row_col(g.cell_index(t.at)?);
                Some(TownView {
                    name: t.name.clone(),
                    col,
                    row,
                })
            })
            .collect();
        MapView {
            width: g.width,
            height: g.height,
            country: g.cells.iter().map(|c| index(c.country)).collect(),
            region: g.cells.iter().map(|c| index(c.region)).collect(),
            countries: map.data.countries.iter().map(|c| c.name.clone()).collect(),
            regions: map.data.regions.iter().map(|r| r.name.clone()).collect(),
            towns,
        }
    }
}

/// Monthly totals of one run.
#[derive(Debug, Default, Serialize)]
pub struct MonthlySeries {
    /// Violent events in the month (every actor).
    pub events: Vec<u32>,
    /// People killed in the month.
    pub fatalities: Vec<u32>,
    /// Civilians killed in the month.
    pub civilian_deaths: Vec<u32>,
    /// Armed groups' fighters at the month's end.
    pub fighters: Vec<u64>,
    /// People displaced at the month's end.
    pub displaced: Vec<u64>,
}

/// The policy run's map at one month's end.
#[derive(Debug, Serialize)]
pub struct Frame {
    /// `[cell, events]` for every cell with events in the month.
    pub events: Vec<[u32; 2]>,
    /// Base64 of one byte per cell: mean militant control of its communities, 0..255 for 0..1.
    pub control: String,
    /// Base64 of a little-endian u32 per cell: people displaced from its communities.
    pub displaced: String,
}

/// Both runs, month by month.
#[derive(Debug, Serialize)]
pub struct Watch {
    /// The replicate shown, counted from 1.
    pub replicate: u32,
    /// Its seed.
    pub seed: u64,
    /// "YYYY-MM" of every month of the period.
    pub months: Vec<String>,
    /// Index in `months` of the month the policy period starts in.
    pub policy_start: usize,
    /// The grid.
    pub map: MapView,
    /// Cells any of the policy's interventions covers.
    pub places: Vec<u32>,
    /// The monthly totals of the base and of the policy.
    pub series: Series,
    /// The policy run's map, month by month.
    pub frames: Vec<Frame>,
}

/// The monthly totals of both runs.
#[derive(Debug, Serialize)]
pub struct Series {
    /// The base's.
    pub base: MonthlySeries,
    /// The policy's.
    pub policy: MonthlySeries,
}

/// Why a watch did not finish.
#[derive(Debug, PartialEq, Eq)]
pub struct Cancelled;

/// Runs the first replicate of `base` and `policy` (same map, same seed) month by month;
/// `days_done` is called with each simulated day's count so far, and a set `cancel` stops the
/// work between days.
pub fn watch(
    base: &Arc<Scenario>,
    policy: &Arc<Scenario>,
    map: &Arc<SahelMap>,
    policy_start_day: u32,
    cancel: &AtomicBool,
    mut days_done: impl FnMut(u64),
) -> Result<Watch, Cancelled> {
    let period = policy.period;
    let mut done = 0u64;
    let base_run = run_months(base, map, false, cancel, &mut |d| days_done(done + d))?;
    done += u64::from(period.days());
    let policy_run = run_months(policy, map, true, cancel, &mut |d| days_done(done + d))?;
    let starts = month_starts(policy);
    let months: Vec<String> = starts
        .iter()
        .map(|&d| {
            let date = period.date(d);
            format!("{:04}-{:02}", date.year(), u8::from(date.month()))
        })
        .collect();
    let policy_start = starts
        .iter()
        .rposition(|&d| d <= policy_start_day)
        .unwrap_or(0);
    let mut covered = vec![false; map.grid.cells.len()];
    for iv in &policy.interventions {
        for (i, c) in coverage(iv, map).iter().enumerate() {
            covered[i] |= *c;
        }
    }
    Ok(Watch {
        replicate: 1,
        seed: replicate_seed(policy.seed, 0),
        months,
        policy_start,
        map: MapView::of(map),
        places: (0..covered.len() as u32)
            .filter(|&i| covered[i as usize])
            .collect(),
        series: Series {
            base: base_run.0,
            policy: policy_run.0,
        },
        frames: policy_run.1,
    })
}

/// The first day of every calendar month of the period (the first being day 0).
fn month_starts(s: &Scenario) -> Vec<u32> {
    (0..s.period.days())
        .filter(|&d| d == 0 || s.period.date(d).day() == 1)
        .collect()
}

/// One run's monthly totals, and with `frames` its map at each month's end.
fn run_months(
    scenario: &Arc<Scenario>,
    map: &Arc<SahelMap>,
    frames: bool,
    cancel: &AtomicBool,
    days_done: &mut dyn FnMut(u64),
) -> Result<(MonthlySeries, Vec<Frame>), Cancelled> {
    let n = map.grid.cells.len();
    let mut sim = Simulation::new(scenario.clone(), map.clone(), 0);
    let mut series = MonthlySeries::default();
    let mut out = Vec::new();
    let mut seen = 0usize;
    let mut month_events = vec![0u32; n];
    let (mut events, mut fatalities, mut civilians) = (0u32, 0u32, 0u32);
    while !sim.finished() {
        if cancel.load(Ordering::Relaxed) {
            return Err(Cancelled);
        }
        sim.step();
        for e in &sim.events()[seen..] {
            month_events[e.cell.index()] += 1;
            events += 1;
            fatalities += e.fatalities();
            civilians += e.civilians_killed;
        }
        seen = sim.events().len();
        let day = sim.day();
        if day.is_multiple_of(30) {
            days_done(u64::from(day));
        }
        let month_ends = sim.finished() || scenario.period.date(day).day() == 1;
        if !month_ends {
            continue;
        }
        series.events.push(std::mem::take(&mut events));
        series.fatalities.push(std::mem::take(&mut fatalities));
        series.civilian_deaths.push(std::mem::take(&mut civilians));
        let mut q = sim.world.query::<&Band>();
        series.fighters.push(
            q.iter(&sim.world)
                .map(|b| u64::from(b.hardliners + b.low_level))
                .sum(),
        );
        // The cells as the recorder snapshots them for the yearly maps.
        let cells = CellYear::of(&mut sim, n, 0);
        series.displaced.push(
            cells
                .displaced
                .iter()
                .map(|&d| f64::from(d))
                .sum::<f64>()
                .round() as u64,
        );
        if frames {
            let b64 = base64::engine::general_purpose::STANDARD;
            let control: Vec<u8> = cells
                .control
                .iter()
                .map(|&c| (c * 255.0).round().clamp(0.0, 255.0) as u8)
                .collect();
            let displaced: Vec<u8> = cells
                .displaced
                .iter()
                .flat_map(|&d| (d.round().clamp(0.0, u32::MAX as f32) as u32).to_le_bytes())
                .collect();
            out.push(Frame {
                events: month_events
                    .iter()
                    .enumerate()
                    .filter(|(_, k)| **k > 0)
                    .map(|(i, &k)| [i as u32, k])
                    .collect(),
                control: b64.encode(control),
                displaced: b64.encode(displaced),
            });
        }
        month_events.iter_mut().for_each(|k| *k = 0);
    }
    days_done(u64::from(scenario.period.days()));
    Ok((series, out))
}
