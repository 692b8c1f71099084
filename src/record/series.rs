//! Time series: per period (day, week or month), per area of operation and per group, counted
//! from the day's events and from the state of bands and communities at the period's end.

use serde::Serialize;

use crate::scenario::{Resolution, Scenario};
use crate::sim::Simulation;
use crate::sim::components::{Band, Community};
use crate::sim::events::{Perpetrator, Target};
use crate::sim::resources::{EventLog, Ledger, Setup};

/// One row of `timeseries.csv`. Rows with `group` = "all" carry the community columns; rows
/// with `area` = "all" carry revenue; the others leave them empty.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SeriesRow {
    /// Replicate.
    pub replicate: u32,
    /// Period number from 0.
    pub period: u32,
    /// First day of the period, ISO date.
    pub start_date: String,
    /// Area of operation id, "other" (outside the four areas) or "all".
    pub area: String,
    /// Group name or "all".
    pub group: String,
    /// Events linked to the group (or all events, for "all").
    pub events: u32,
    /// Of which by armed groups against civilians or leaders.
    pub events_vs_civilians: u32,
    /// Civilians killed.
    pub fatalities_civilians: u32,
    /// Security personnel killed.
    pub fatalities_security: u32,
    /// Militants killed.
    pub fatalities_militants: u32,
    /// People abducted.
    pub abducted: u32,
    /// Fighters at the period's end.
    pub fighters: Option<u32>,
    /// Bands at the period's end.
    pub bands: Option<u32>,
    /// Income from gold in the period, US$.
    pub revenue_gold: Option<i64>,
    /// Income from route tolls, US$.
    pub revenue_routes: Option<i64>,
    /// Income from zakat and grazing taxes, US$.
    pub revenue_zakat: Option<i64>,
    /// Income from ransoms, US$.
    pub revenue_kidnapping: Option<i64>,
    /// Income from loot, US$.
    pub revenue_loot: Option<i64>,
    /// Communities under state control (militant control < 0.2).
    pub communities_state: Option<u32>,
    /// Contested communities (militant control 0.2–0.6).
    pub communities_contested: Option<u32>,
    /// Communities under militant control (> 0.6).
    pub communities_militant: Option<u32>,
    /// Residents at home.
    pub residents: Option<f64>,
    /// People displaced from the area.
    pub displaced: Option<f64>,
    /// Schools closed.
    pub schools_closed: Option<f64>,
    /// Armed members of community self-defence militias.
    pub militia_members: Option<f64>,
    /// Government presence, resident-weighted mean, 0..1.
    pub government_presence: Option<f64>,
    /// Communities where government presence (at least 0.5) has been sustained for a year.
    pub communities_sustained: Option<u32>,
}

impl SeriesRow {
    /// Income from every source in the period, US$ (0 on rows without revenue).
    pub fn revenue_total(&self) -> i64 {
        [
            self.revenue_gold,
            self.revenue_routes,
            self.revenue_zakat,
            self.revenue_kidnapping,
            self.revenue_loot,
        ]
        .iter()
        .map(|v| v.unwrap_or(0))
        .sum()
    }
}

/// Event tallies of one (area, group) cell of the table.
#[derive(Debug, Clone, Copy, Default)]
struct Tally {
    events: u32,
    vs_civilians: u32,
    civilians: u32,
    security: u32,
    militants: u32,
    abducted: u32,
}

/// The state of every grid cell at the end of a year (or of the run), for maps.
#[derive(Debug, Clone, PartialEq)]
pub struct CellYear {
    /// The calendar year that ended (or the run's last year).
    pub year: i32,
    /// Mean militant control of the cell's communities, 0..1 (0 where there are none).
    pub control: Vec<f32>,
    /// People displaced from the cell's communities.
    pub displaced: Vec<f32>,
    /// Schools closed in the cell's communities.
    pub schools_closed: Vec<f32>,
}

/// Collects the time series of one replicate as it runs.
pub struct Recorder {
    replicate: u32,
    resolution: Resolution,
    areas: Vec<String>,
    groups: Vec<String>,
    /// Events processed so far.
    seen: usize,
    period: u32,
    period_start_day: u32,
    /// [area (areas + other + all)][group (groups + all)].
    tallies: Vec<Vec<Tally>>,
    income_at_start: Vec<[i64; 5]>,
    /// The finished rows.
    pub rows: Vec<SeriesRow>,
    /// Each cell's control and displacement at the end of each calendar year and of the run.
    pub cell_years: Vec<CellYear>,
}

impl Recorder {
    /// A recorder for replicate `replicate` of `scenario` with the map's `areas` (ids).
    pub fn new(scenario: &Scenario, areas: Vec<String>, replicate: u32) -> Self {
        let groups: Vec<String> = scenario.groups.iter().map(|g| g.name.clone()).collect();
        let tallies = vec![vec![Tally::default(); groups.len() + 1]; areas.len() + 2];
        Self {
            replicate,
            resolution: scenario.output.timeseries,
            income_at_start: vec![[0; 5]; groups.len()],
            areas,
            groups,
            seen: 0,
            period: 0,
            period_start_day: 0,
            tallies,
            rows: Vec::new(),
            cell_years: Vec::new(),
        }
    }

    /// Takes in the day just simulated; closes the period if it ended.
    pub fn observe(&mut self, sim: &mut Simulation) {
        let setup = sim.world.resource::<Setup>().clone();
        let grid = &setup.map.grid;
        let n_areas = self.areas.len();
        let all_g = self.groups.len();
        {
            let log = sim.world.resource::<EventLog>();
            for e in &log.events[self.seen..] {
                let area = grid.cells[e.cell.index()].area.unwrap_or(n_areas);
                let vs_civ = matches!(e.perpetrator, Perpetrator::Group(_))
                    && matches!(e.target, Target::Civilians | Target::Leaders);
                let groups = [e.linked_group().map_or(all_g, |g| g.index()), all_g];
                for a in [area, n_areas + 1] {
                    for (k, &g) in groups.iter().enumerate() {
                        if k == 0 && g == all_g {
                            continue;
                        }
                        let t = &mut self.tallies[a][g];
                        t.events += 1;
                        t.vs_civilians += u32::from(vs_civ);
                        t.civilians += e.civilians_killed;
                        t.security += e.security_killed;
                        t.militants += e.militants_killed;
                        t.abducted += e.abducted;
                    }
                }
            }
            self.seen = log.events.len();
        }
        let day = sim.day(); // the next day to simulate
        let period = setup.scenario.period;
        let ends = sim.finished()
            || match self.resolution {
                Resolution::Daily => true,
                Resolution::Weekly => day.is_multiple_of(7),
                Resolution::Monthly => period.date(day).day() == 1,
            };
        if ends {
            self.close_period(sim, &setup);
        }
        let date = period.date(day);
        if sim.finished() || (date.month() == time::Month::January && date.day() == 1) {
            self.snapshot_cells(sim, &setup, period.date(day - 1).year());
        }
    }

    /// Records each cell's mean control and displaced people (communities in id order).
    fn snapshot_cells(&mut self, sim: &mut Simulation, setup: &Setup, year: i32) {
        let n = setup.map.grid.cells.len();
        let mut control = vec![0.0f64; n];
        let mut displaced = vec![0.0f64; n];
        let mut schools_closed = vec![0.0f64; n];
        let mut count = vec![0u32; n];
        let mut cq = sim.world.query::<&Community>();
        let mut communities: Vec<&Community> = cq.iter(&sim.world).collect();
        communities.sort_unstable_by_key(|c| c.id);
        for c in communities {
            control[c.cell.index()] += c.control;
            displaced[c.cell.index()] += c.displaced;
            schools_closed[c.cell.index()] += c.schools_closed;
            count[c.cell.index()] += 1;
        }
        self.cell_years.push(CellYear {
            year,
            control: control
                .iter()
                .zip(&count)
                .map(|(&c, &k)| if k == 0 { 0.0 } else { (c / k as f64) as f32 })
                .collect(),
            displaced: displaced.iter().map(|&d| d as f32).collect(),
            schools_closed: schools_closed.iter().map(|&d| d as f32).collect(),
        });
    }

    fn close_period(&mut self, sim: &mut Simulation, setup: &Setup) {
        let grid = &setup.map.grid;
        let n_areas = self.areas.len();
        let (na, ng) = (n_areas + 2, self.groups.len() + 1);
        let mut fighters = vec![vec![0u32; ng]; na];
        let mut bands = vec![vec![0u32; ng]; na];
        let mut q = sim.world.query::<&Band>();
        for b in q.iter(&sim.world) {
            let a = grid.cells[b.cell.index()].area.unwrap_or(n_areas);
            for aa in [a, n_areas + 1] {
                for g in [b.group.index(), ng - 1] {
                    fighters[aa][g] += b.fighters();
                    bands[aa][g] += 1;
                }
            }
        }
        // Community columns, summed in community-id order.
        let mut cq = sim.world.query::<&Community>();
        let mut communities: Vec<&Community> = cq.iter(&sim.world).collect();
        communities.sort_unstable_by_key(|c| c.id);
        let mut comm = vec![(0u32, 0u32, 0u32, 0.0f64, 0.0f64, 0.0f64, 0.0f64, 0.0f64); na];
        let mut sustained = vec![0u32; na];
        for c in communities {
            let a = grid.cells[c.cell.index()].area.unwrap_or(n_areas);
            for aa in [a, n_areas + 1] {
                let x = &mut comm[aa];
                if c.control < 0.2 {
                    x.0 += 1;
                } else if c.control <= 0.6 {
                    x.1 += 1;
                } else {
                    x.2 += 1;
                }
                x.3 += c.residents;
                x.4 += c.displaced;
                x.5 += c.schools_closed;
                x.6 += c.government * c.residents;
                x.7 += c.militia;
                sustained[aa] += u32::from(c.sustained_presence());
            }
        }
        let income = sim.world.resource::<Ledger>().income.as_slice().to_vec();
        let start_date =
            crate::scenario::format_date(setup.scenario.period.date(self.period_start_day));
        for a in 0..na {
            let area = match a {
                a if a < n_areas => self.areas[a].clone(),
                a if a == n_areas => "other".to_string(),
                _ => "all".to_string(),
            };
            for g in 0..ng {
                let is_all_groups = g == ng - 1;
                let t = self.tallies[a][g];
                let revenue = |s: usize| -> Option<i64> {
                    if a != n_areas + 1 {
                        return None;
                    }
                    Some(if is_all_groups {
                        (0..ng - 1)
                            .map(|h| income[h][s] - self.income_at_start[h][s])
                            .sum()
                    } else {
                        income[g][s] - self.income_at_start[g][s]
                    })
                };
                let c = comm[a];
                let community = |v: f64| is_all_groups.then_some(v);
                self.rows.push(SeriesRow {
                    replicate: self.replicate,
                    period: self.period,
                    start_date: start_date.clone(),
                    area: area.clone(),
                    group: if is_all_groups {
                        "all".to_string()
                    } else {
                        self.groups[g].clone()
                    },
                    events: t.events,
                    events_vs_civilians: t.vs_civilians,
                    fatalities_civilians: t.civilians,
                    fatalities_security: t.security,
                    fatalities_militants: t.militants,
                    abducted: t.abducted,
                    fighters: Some(fighters[a][g]),
                    bands: Some(bands[a][g]),
                    revenue_gold: revenue(0),
                    revenue_routes: revenue(1),
                    revenue_zakat: revenue(2),
                    revenue_kidnapping: revenue(3),
                    revenue_loot: revenue(4),
                    communities_state: is_all_groups.then_some(c.0),
                    communities_contested: is_all_groups.then_some(c.1),
                    communities_militant: is_all_groups.then_some(c.2),
                    residents: community(c.3.round()),
                    displaced: community(c.4.round()),
                    schools_closed: community(c.5.round()),
                    militia_members: community(c.7.round()),
                    government_presence: community(if c.3 > 0.0 {
                        (c.6 / c.3 * 1e4).round() / 1e4
                    } else {
                        0.0
                    }),
                    communities_sustained: is_all_groups.then_some(sustained[a]),
                });
            }
        }
        for row in self.tallies.iter_mut() {
            row.iter_mut().for_each(|t| *t = Tally::default());
        }
        self.income_at_start = income;
        self.period += 1;
        self.period_start_day = sim.day();
    }
}
