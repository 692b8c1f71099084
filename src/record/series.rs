//! Time series: per period (day, week or month), per area of operation and per group, counted
//! from the day's events and from the state of bands and communities at the period's end; and
//! each admin-1 region's row of the last period, for outcomes by region.

use serde::Serialize;

use crate::scenario::{Resolution, Scenario};
use crate::sim::Simulation;
use crate::sim::components::{Band, CONTESTED_CONTROL, Community, MILITANT_CONTROL};
use crate::sim::events::{Event, Perpetrator, Target};
use crate::sim::resources::{EventLog, FighterFlows, Ledger, Setup, Source, sum_flows};

/// One row of `timeseries.csv`. Rows with `group` = "all" carry the community columns; rows
/// with `area` = "all" carry revenue and the fighter flows (of the group, or of all groups);
/// the others leave them empty.
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
    /// Residents of the communities under the group's control (militant control above 0.6;
    /// on rows of all groups, under any group's) at the period's end: the ground the group
    /// holds, with which its operational tempo grows (`bands.hold_tempo`).
    pub residents_held: Option<f64>,
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
    /// Residents recruited into bands in the period (on the rows of all areas: each group's and all groups').
    pub fighters_recruited: Option<u64>,
    /// Of them, volunteers driven by stigmatisation, unpaid (on the rows of all areas: each
    /// group's and all groups').
    pub fighters_volunteered: Option<u64>,
    /// Fighters killed in the period (on the rows of all areas: each group's and all groups').
    pub fighters_killed: Option<u64>,
    /// Fighters arrested in the period (on the rows of all areas: each group's and all groups').
    pub fighters_arrested: Option<u64>,
    /// Fighters who went home in the period, deserted, demobilised or reintegrated (on the rows
    /// of all areas: each group's and all groups').
    pub fighters_returned: Option<u64>,
}

impl SeriesRow {
    /// Income from one source in the period, US$ (0 on rows without revenue).
    pub fn revenue_from(&self, source: Source) -> i64 {
        match source {
            Source::Gold => self.revenue_gold,
            Source::Routes => self.revenue_routes,
            Source::Zakat => self.revenue_zakat,
            Source::Kidnapping => self.revenue_kidnapping,
            Source::Loot => self.revenue_loot,
        }
        .unwrap_or(0)
    }

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

impl Tally {
    /// Counts event `e`.
    fn add(&mut self, e: &Event) {
        let vs_civ = matches!(e.perpetrator, Perpetrator::Group(_))
            && matches!(e.target, Target::Civilians | Target::Leaders);
        self.events += 1;
        self.vs_civilians += u32::from(vs_civ);
        self.civilians += e.civilians_killed;
        self.security += e.security_killed;
        self.militants += e.militants_killed;
        self.abducted += e.abducted;
    }
}

/// What the communities of one place add up to at a period's end (summed in community-id
/// order).
#[derive(Debug, Clone, Copy, Default)]
struct CommunityTotals {
    /// Communities under state control (militant control < 0.2).
    state: u32,
    /// Contested communities (0.2–0.6).
    contested: u32,
    /// Communities under militant control (> 0.6).
    militant: u32,
    /// Their residents.
    held: f64,
    residents: f64,
    displaced: f64,
    schools_closed: f64,
    /// Government presence times residents.
    government_weighted: f64,
    militia: f64,
    /// Communities with sustained government presence.
    sustained: u32,
}

impl CommunityTotals {
    /// Adds community `c`.
    fn add(&mut self, c: &Community) {
        self.add_share(&CommunityShare::of(c));
    }

    /// Adds one community's share, found once for all the places it counts in.
    fn add_share(&mut self, s: &CommunityShare) {
        self.state += u32::from(s.class == 0);
        self.contested += u32::from(s.class == 1);
        self.militant += u32::from(s.class == 2);
        if let Some(held) = s.held {
            self.held += held;
        }
        self.residents += s.residents;
        self.displaced += s.displaced;
        self.schools_closed += s.schools_closed;
        self.government_weighted += s.government_weighted;
        self.militia += s.militia;
        self.sustained += u32::from(s.sustained);
    }
}

/// What one community adds to the totals of each place it counts in ([`CommunityTotals`]).
struct CommunityShare {
    /// 0 under state control, 1 contested, 2 under militant control.
    class: u8,
    /// Its residents, if a group holds it.
    held: Option<f64>,
    residents: f64,
    displaced: f64,
    schools_closed: f64,
    government_weighted: f64,
    militia: f64,
    sustained: bool,
}

impl CommunityShare {
    /// Community `c`'s share.
    fn of(c: &Community) -> Self {
        let class = if c.control < CONTESTED_CONTROL {
            0
        } else if c.control <= MILITANT_CONTROL {
            1
        } else {
            2
        };
        CommunityShare {
            class,
            held: c.held_by().map(|_| c.residents.max(0.0)),
            residents: c.residents,
            displaced: c.displaced,
            schools_closed: c.schools_closed,
            government_weighted: c.government * c.residents,
            militia: c.militia,
            sustained: c.sustained_presence(),
        }
    }
}

/// What one row of the time series is made of: its place and group, the period's events, the
/// bands at its end, revenue (on rows of the whole study area) and the communities (on rows of
/// all groups).
struct PlaceRow<'a> {
    area: String,
    group: String,
    tally: Tally,
    fighters: u32,
    bands: u32,
    revenue: [Option<i64>; 5],
    communities: Option<&'a CommunityTotals>,
    /// The residents the group holds (on rows of one group; rows of all groups take theirs
    /// from `communities`).
    held: Option<f64>,
    /// Fighters recruited, killed, arrested and returned in the period ([`FighterFlows`]).
    flows: Option<FighterFlows>,
    /// Of the recruits, the volunteers driven by stigmatisation.
    volunteers: Option<u64>,
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

impl CellYear {
    /// The state of each of the `cells` cells of `sim`'s grid now (communities summed in id
    /// order), labelled `year`.
    pub fn of(sim: &mut Simulation, cells: usize, year: i32) -> Self {
        let mut control = vec![0.0f64; cells];
        let mut displaced = vec![0.0f64; cells];
        let mut schools_closed = vec![0.0f64; cells];
        let mut count = vec![0u32; cells];
        let mut cq = sim.world.query::<&Community>();
        let mut communities: Vec<&Community> = cq.iter(&sim.world).collect();
        communities.sort_unstable_by_key(|c| c.id);
        for c in communities {
            control[c.cell.index()] += c.control;
            displaced[c.cell.index()] += c.displaced;
            schools_closed[c.cell.index()] += c.schools_closed;
            count[c.cell.index()] += 1;
        }
        CellYear {
            year,
            control: control
                .iter()
                .zip(&count)
                .map(|(&c, &k)| if k == 0 { 0.0 } else { (c / k as f64) as f32 })
                .collect(),
            displaced: displaced.iter().map(|&d| d as f32).collect(),
            schools_closed: schools_closed.iter().map(|&d| d as f32).collect(),
        }
    }
}

/// Collects the time series of one replicate as it runs.
#[derive(Debug, Clone)]
pub struct Recorder {
    replicate: u32,
    resolution: Resolution,
    areas: Vec<String>,
    groups: Vec<String>,
    /// Events processed so far.
    seen: usize,
    /// The position in the event log of the current period's first event.
    period_first_event: usize,
    period: u32,
    period_start_day: u32,
    /// [area (areas + other + all)][group (groups + all)].
    tallies: Vec<Vec<Tally>>,
    /// Each community's area (index into `areas`, or `areas.len()` for none), in id order;
    /// filled on the first period's close.
    community_area: Vec<usize>,
    income_at_start: Vec<[i64; 5]>,
    /// Each group's fighter flows at the period's start.
    group_flows_at_start: Vec<FighterFlows>,
    /// Each group's volunteers at the period's start.
    volunteers_at_start: Vec<u64>,
    /// The finished rows.
    pub rows: Vec<SeriesRow>,
    /// Each cell's control and displacement at the end of each calendar year and of the run.
    pub cell_years: Vec<CellYear>,
    /// Each region's row of the last period (one per region of the map data, in its order;
    /// `area` is the region's name, `group` "all", no revenue), filled when the run ends: the
    /// regions' states at the end, for outcomes by region. Not part of `timeseries.csv`.
    pub region_rows: Vec<SeriesRow>,
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
            group_flows_at_start: vec![[0; 4]; groups.len()],
            volunteers_at_start: vec![0; groups.len()],
            areas,
            groups,
            seen: 0,
            period_first_event: 0,
            period: 0,
            period_start_day: 0,
            tallies,
            community_area: Vec::new(),
            rows: Vec::new(),
            cell_years: Vec::new(),
            region_rows: Vec::new(),
        }
    }

    /// Takes in the day just simulated; closes the period if it ended.
    pub fn observe(&mut self, sim: &mut Simulation) {
        let n_areas = self.areas.len();
        let all_g = self.groups.len();
        // The day's events and dates read the setup in place; it is copied (two shared
        // pointers, whose counts every replicate running at once writes) only on the days
        // that close a period or take a snapshot, which need the simulation mutably.
        let (ends, snapshot) = {
            let setup = sim.world.resource::<Setup>();
            let grid = &setup.map.grid;
            let log = sim.world.resource::<EventLog>();
            for e in &log.events[self.seen..] {
                let area = grid.cells[e.cell.index()].area.unwrap_or(n_areas);
                let groups = [e.linked_group().map_or(all_g, |g| g.index()), all_g];
                for a in [area, n_areas + 1] {
                    for (k, &g) in groups.iter().enumerate() {
                        if k == 0 && g == all_g {
                            continue;
                        }
                        self.tallies[a][g].add(e);
                    }
                }
            }
            self.seen = log.events.len();
            let day = sim.day(); // the next day to simulate
            let period = setup.scenario.period;
            let ends = sim.finished()
                || match self.resolution {
                    Resolution::Daily => true,
                    Resolution::Weekly => day.is_multiple_of(7),
                    Resolution::Monthly => period.date(day).day() == 1,
                };
            let date = period.date(day);
            let snapshot = (sim.finished()
                || (date.month() == time::Month::January && date.day() == 1))
                .then(|| period.date(day - 1).year());
            (ends, snapshot)
        };
        if ends || snapshot.is_some() {
            let setup = sim.world.resource::<Setup>().clone();
            if ends {
                self.close_period(sim, &setup);
            }
            if let Some(year) = snapshot {
                self.snapshot_cells(sim, &setup, year);
            }
        }
    }

    /// Records each cell's mean control and displaced people.
    fn snapshot_cells(&mut self, sim: &mut Simulation, setup: &Setup, year: i32) {
        self.cell_years
            .push(CellYear::of(sim, setup.map.grid.cells.len(), year));
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
        if self.community_area.is_empty() {
            // Communities stay in their cells: each one's area, looked up once.
            self.community_area = communities
                .iter()
                .map(|c| grid.cells[c.cell.index()].area.unwrap_or(n_areas))
                .collect();
        }
        let mut comm = vec![CommunityTotals::default(); na];
        // The residents each group holds, by area.
        let mut held = vec![vec![0.0f64; ng - 1]; na];
        for (c, &a) in communities.iter().zip(&self.community_area) {
            let share = CommunityShare::of(c);
            let holder = c.held_by();
            for aa in [a, n_areas + 1] {
                comm[aa].add_share(&share);
                if let (Some(g), Some(residents)) = (holder, share.held) {
                    held[aa][g.index()] += residents;
                }
            }
        }
        let ledger = sim.world.resource::<Ledger>();
        let income = ledger.income.as_slice().to_vec();
        let group_flows = ledger.group_flows.as_slice().to_vec();
        let volunteers = ledger.volunteers.as_slice().to_vec();
        // Each group's flows in the period, and all groups' (their sum).
        let in_period: Vec<FighterFlows> = group_flows
            .iter()
            .zip(&self.group_flows_at_start)
            .map(|(now, start)| [0, 1, 2, 3].map(|k| now[k] - start[k]))
            .collect();
        let all_in_period = sum_flows(&in_period);
        let volunteers_in_period: Vec<u64> = volunteers
            .iter()
            .zip(&self.volunteers_at_start)
            .map(|(now, start)| now - start)
            .collect();
        let all_volunteers_in_period: u64 = volunteers_in_period.iter().sum();
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
                let row = PlaceRow {
                    area: area.clone(),
                    group: if is_all_groups {
                        "all".to_string()
                    } else {
                        self.groups[g].clone()
                    },
                    tally: self.tallies[a][g],
                    fighters: fighters[a][g],
                    bands: bands[a][g],
                    revenue: [0, 1, 2, 3, 4].map(revenue),
                    communities: is_all_groups.then_some(&comm[a]),
                    held: (!is_all_groups).then(|| held[a][g]),
                    flows: (a == n_areas + 1).then(|| {
                        if is_all_groups {
                            all_in_period
                        } else {
                            in_period[g]
                        }
                    }),
                    volunteers: (a == n_areas + 1).then(|| {
                        if is_all_groups {
                            all_volunteers_in_period
                        } else {
                            volunteers_in_period[g]
                        }
                    }),
                };
                self.rows.push(self.row(&start_date, row));
            }
        }
        if sim.finished() {
            self.close_regions(sim, setup, &start_date);
        }
        for row in self.tallies.iter_mut() {
            row.iter_mut().for_each(|t| *t = Tally::default());
        }
        self.income_at_start = income;
        self.group_flows_at_start = group_flows;
        self.volunteers_at_start = volunteers;
        self.period += 1;
        self.period_start_day = sim.day();
        self.period_first_event = self.seen;
    }

    /// Records [`Recorder::region_rows`]: each region's row of the last period, all groups
    /// together, without revenue.
    fn close_regions(&mut self, sim: &mut Simulation, setup: &Setup, start_date: &str) {
        let grid = &setup.map.grid;
        let regions = &setup.map.data.regions;
        let n = regions.len();
        let mut tallies = vec![Tally::default(); n];
        {
            let log = sim.world.resource::<EventLog>();
            for e in &log.events[self.period_first_event.min(log.events.len())..] {
                if let Some(r) = grid.cells[e.cell.index()].region {
                    tallies[r].add(e);
                }
            }
        }
        let mut fighters = vec![0u32; n];
        let mut bands = vec![0u32; n];
        let mut q = sim.world.query::<&Band>();
        for b in q.iter(&sim.world) {
            if let Some(r) = grid.cells[b.cell.index()].region {
                fighters[r] += b.fighters();
                bands[r] += 1;
            }
        }
        let mut cq = sim.world.query::<&Community>();
        let mut communities: Vec<&Community> = cq.iter(&sim.world).collect();
        communities.sort_unstable_by_key(|c| c.id);
        let mut comm = vec![CommunityTotals::default(); n];
        for c in communities {
            if let Some(r) = grid.cells[c.cell.index()].region {
                comm[r].add(c);
            }
        }
        self.region_rows = (0..n)
            .map(|r| {
                self.row(
                    start_date,
                    PlaceRow {
                        area: regions[r].name.clone(),
                        group: "all".to_string(),
                        tally: tallies[r],
                        fighters: fighters[r],
                        bands: bands[r],
                        revenue: [None; 5],
                        flows: None,
                        volunteers: None,
                        communities: Some(&comm[r]),
                        held: None,
                    },
                )
            })
            .collect();
    }

    /// The time-series row of one place and group in the period starting on `start_date`.
    fn row(&self, start_date: &str, p: PlaceRow) -> SeriesRow {
        let t = p.tally;
        let c = p.communities;
        let community = |f: &dyn Fn(&CommunityTotals) -> f64| c.map(|c| f(c).round());
        SeriesRow {
            replicate: self.replicate,
            period: self.period,
            start_date: start_date.to_string(),
            area: p.area,
            group: p.group,
            events: t.events,
            events_vs_civilians: t.vs_civilians,
            fatalities_civilians: t.civilians,
            fatalities_security: t.security,
            fatalities_militants: t.militants,
            abducted: t.abducted,
            fighters: Some(p.fighters),
            bands: Some(p.bands),
            revenue_gold: p.revenue[0],
            revenue_routes: p.revenue[1],
            revenue_zakat: p.revenue[2],
            revenue_kidnapping: p.revenue[3],
            revenue_loot: p.revenue[4],
            communities_state: c.map(|c| c.state),
            communities_contested: c.map(|c| c.contested),
            communities_militant: c.map(|c| c.militant),
            residents_held: p.held.map(f64::round).or(community(&|c| c.held)),
            residents: community(&|c| c.residents),
            displaced: community(&|c| c.displaced),
            schools_closed: community(&|c| c.schools_closed),
            militia_members: community(&|c| c.militia),
            government_presence: c.map(|c| {
                if c.residents > 0.0 {
                    (c.government_weighted / c.residents * 1e4).round() / 1e4
                } else {
                    0.0
                }
            }),
            communities_sustained: c.map(|c| c.sustained),
            fighters_recruited: p.flows.map(|f| f[0]),
            fighters_volunteered: p.volunteers,
            fighters_killed: p.flows.map(|f| f[1]),
            fighters_arrested: p.flows.map(|f| f[2]),
            fighters_returned: p.flows.map(|f| f[3]),
        }
    }
}
