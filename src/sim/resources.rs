//! World-wide state of a run: the scenario and map, the clock, the groups, spatial indices,
//! the event log and the ledger that the conservation checks read.

use std::ops::{Index, IndexMut};
use std::sync::Arc;

use bevy_ecs::prelude::{Entity, Resource};

use super::events::Event;
use super::ids::{BandId, CellId, CommunityId, GroupId, IdVec};
use crate::geo::SahelMap;
use crate::scenario::{GroupStatus, HomeLand, Scenario};

/// The scenario and map a run is built from (shared, read-only).
#[derive(Resource, Clone)]
pub struct Setup {
    /// The validated scenario.
    pub scenario: Arc<Scenario>,
    /// The map and its grid.
    pub map: Arc<SahelMap>,
    /// Replicate number.
    pub replicate: u32,
}

/// The simulated day.
#[derive(Resource, Debug, Clone, Copy, Default)]
pub struct Clock {
    /// Day index from the start; the day being simulated.
    pub day: u32,
}

impl Clock {
    /// Whether the slow (weekly) mechanisms run today.
    pub fn weekly(&self) -> bool {
        self.day.is_multiple_of(7)
    }
}

/// Sources of a group's income.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Taxing artisanal gold sites.
    Gold,
    /// Tolls on roads, transit routes and smuggling corridors.
    Routes,
    /// Zakat and grazing taxes on controlled communities.
    Zakat,
    /// Ransoms.
    Kidnapping,
    /// Loot from attacks.
    Loot,
}

impl Source {
    /// All sources, in output order.
    pub const ALL: [Source; 5] = [
        Source::Gold,
        Source::Routes,
        Source::Zakat,
        Source::Kidnapping,
        Source::Loot,
    ];

    /// Column-friendly name.
    pub fn name(self) -> &'static str {
        match self {
            Source::Gold => "gold",
            Source::Routes => "routes",
            Source::Zakat => "zakat",
            Source::Kidnapping => "kidnapping",
            Source::Loot => "loot",
        }
    }
}

/// The state of one armed group.
#[derive(Debug, Clone)]
pub struct GroupState {
    /// Status now.
    pub status: GroupStatus,
    /// The group that absorbed it, once absorbed.
    pub absorbed_by: Option<GroupId>,
    /// Treasury, US$.
    pub treasury: i64,
    /// Cohesion, 0..1: how well the leadership holds its bands.
    pub cohesion: f64,
    /// Whether the leader at the start is still alive (or a successor has taken over).
    pub leader_alive: bool,
    /// Fighters, as of the last count (start of day).
    pub fighters: u32,
    /// Recent losses relative to strength (decayed, about a 90-day memory).
    pub loss_ratio: f64,
    /// Recent income from sources independent of local support (gold, routes, ransom), decayed.
    pub income_external: f64,
    /// Recent income from local support (zakat, loot), decayed.
    pub income_local: f64,
    /// Fighters received from each other group through defection.
    pub defections_in: IdVec<GroupId, u32>,
    /// People the group holds: the residents of the communities under its control (control
    /// above [`MILITANT_CONTROL`](crate::sim::components::MILITANT_CONTROL)), counted weekly
    /// and only when `bands.hold_tempo` is on (0 otherwise).
    pub held_people: f64,
}

impl Index<GroupId> for Groups {
    type Output = GroupState;
    fn index(&self, g: GroupId) -> &GroupState {
        &self.0[g]
    }
}

impl IndexMut<GroupId> for Groups {
    fn index_mut(&mut self, g: GroupId) -> &mut GroupState {
        &mut self.0[g]
    }
}

impl GroupState {
    /// Share of recent income that does not depend on local support (Wood's "independent funding").
    pub fn independence(&self) -> f64 {
        let t = self.income_external + self.income_local;
        if t > 0.0 {
            self.income_external / t
        } else {
            0.0
        }
    }
}

/// All groups, indexed by group id (their order in the scenario).
#[derive(Resource, Debug, Clone, Default)]
pub struct Groups(IdVec<GroupId, GroupState>);

impl Groups {
    /// The groups' states, in group-id order.
    pub fn new(states: IdVec<GroupId, GroupState>) -> Self {
        Self(states)
    }

    /// The state of group `g`.
    pub fn get(&self, g: GroupId) -> &GroupState {
        &self.0[g]
    }

    /// The state of group `g`, to change.
    pub fn get_mut(&mut self, g: GroupId) -> &mut GroupState {
        &mut self.0[g]
    }

    /// The number of groups.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The group ids, in order.
    pub fn ids(&self) -> impl DoubleEndedIterator<Item = GroupId> + ExactSizeIterator + use<> {
        self.0.ids()
    }

    /// The states, in group-id order.
    pub fn iter(&self) -> impl Iterator<Item = &GroupState> {
        self.0.iter()
    }

    /// The states, to change, in group-id order.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut GroupState> {
        self.0.iter_mut()
    }
}

/// Per-cell static data derived from the map at the start of a run.
#[derive(Debug, Clone, Default)]
pub struct CellInfo {
    /// Community id of the cell, if populated.
    pub community: Option<CommunityId>,
    /// Whether bands may be there (a modelled region of the study area).
    pub in_study_area: bool,
    /// Value of the gold produced in the cell per day, US$.
    pub gold_usd_day: f64,
    /// What the gold sites around draw bands with: each site's daily tax pool times
    /// exp(−distance / `bands.gold_reach_km`), summed, US$.
    pub gold_pull_usd_day: f64,
    /// What a checkpoint in the cell yields per day at full control: `checkpoint_share` of
    /// the toll pools of the routes crossing it, US$ (what draws bands to routes).
    pub toll_usd_day: f64,
    /// Park or reserve cover.
    pub cover: bool,
    /// exp(−distance to an international border / `bands.border_reach_km`), what the border
    /// term of a band's move weighs (0 when `bands.border_weight` is 0).
    pub border_closeness: f64,
    /// A route passes near a town (kidnapping opportunities).
    pub kidnap_spot: bool,
    /// The cell lies in the inner Niger delta (the map's `land_cover.inner_delta`), a land a
    /// group may be rooted in ([`HomeLand::InnerNigerDelta`]).
    pub inner_delta: bool,
    /// A garrisoned post (`security.post_troops` above 0) stands in the cell or one of its
    /// eight neighbours: the bands there can attack it (`violence.post_attack`).
    pub near_post: bool,
    /// Area of operation (index into the map's areas; 32 bits, like the ids, so that the
    /// record fits one 64-byte cache line).
    pub area: Option<u32>,
    /// Region (index into the map's regions; 32 bits, as `area`).
    pub region: Option<u32>,
}

/// Whether a cell with static data `info` is home ground for a group with home regions
/// `home` (by the map's region index) and home lands `lands`.
pub fn home_at(home: &[bool], lands: &[HomeLand], info: &CellInfo) -> bool {
    info.region.is_some_and(|r| home[r as usize])
        || lands.iter().any(|land| match land {
            HomeLand::InnerNigerDelta => info.inner_delta,
        })
}

/// Static per-cell data and the community entity of each populated cell.
#[derive(Resource, Debug, Clone, Default)]
pub struct Terrain {
    /// One per grid cell.
    pub cells: IdVec<CellId, CellInfo>,
    /// Community entities by community id.
    pub communities: IdVec<CommunityId, Entity>,
    /// For each group: whether each region (by the map's region index) is one of its home regions.
    pub home: IdVec<GroupId, Vec<bool>>,
    /// For each group: the natural lands that are home too, whatever their regions.
    pub home_lands: IdVec<GroupId, Vec<HomeLand>>,
    /// The routes that cross the study area, in the map's order.
    pub routes: Vec<RouteInfo>,
    /// The study-area cells with gold production, in cell order.
    pub gold_cells: Vec<CellId>,
    /// For each community: the militias covering its region, as (index into the map's
    /// militias, first day it mobilises, 0 where founded before the start).
    pub militias: IdVec<CommunityId, Vec<(u32, u32)>>,
    /// For each community a militia covers: the populated cells of its neighbourhood on its
    /// side of the border, with their communities, in the order of
    /// [`neighbourhood`](super::systems::neighbourhood) (empty where no militia covers it).
    pub militia_neighbourhood: IdVec<CommunityId, Vec<(CellId, CommunityId)>>,
    /// Where the history has border agreements and bands weigh the border
    /// (`bands.border_weight`): for each cell, the country across its nearest border (the
    /// border whose shelter an agreement between the two removes); empty otherwise.
    pub border_across: Vec<Option<usize>>,
}

/// A route's toll pool and its checkpoints.
#[derive(Debug, Clone, Default)]
pub struct RouteInfo {
    /// Index into the map's routes.
    pub route: usize,
    /// The most the route's traffic can pay in tolls per day, all checkpoints together: each
    /// kind of traffic's value times the largest toll share for its kind, US$.
    pub pool_usd_day: f64,
    /// The cells of the study area the route crosses (one checkpoint each), in cell order.
    pub cells: Vec<CellId>,
}

impl Terrain {
    /// The community of `cell` (its id and entity), if the cell is populated.
    pub fn community_at(&self, cell: CellId) -> Option<(CommunityId, Entity)> {
        self.cells[cell].community.map(|k| (k, self.communities[k]))
    }

    /// Whether `cell` is group `g`'s home ground: one of its home regions or home lands.
    pub fn is_home(&self, g: GroupId, cell: CellId) -> bool {
        home_at(&self.home[g], &self.home_lands[g], &self.cells[cell])
    }
}

/// One band in the [`BandIndex`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexedBand {
    /// The cell it is in.
    pub cell: CellId,
    /// Its id.
    pub band: BandId,
    /// Its entity.
    pub entity: Entity,
    /// Its group.
    pub group: GroupId,
}

/// Bands by cell, rebuilt each day, sorted by (cell, band id), with where each cell's bands
/// are: the bands of a cell are found in constant time, however many bands there are, and a
/// rebuild costs the bands, not the grid's cells.
#[derive(Resource, Debug, Clone, Default)]
pub struct BandIndex {
    bands: Vec<IndexedBand>,
    /// For each cell of the grid: the rebuild it was last filled in, and the range of `bands`
    /// that holds its bands then. A cell filled in an earlier rebuild holds no band now.
    cells: Vec<CellSlot>,
    /// The number of the current rebuild (from 1).
    rebuild: u32,
}

/// Where a cell's bands are in the [`BandIndex`], as of one rebuild.
#[derive(Debug, Clone, Copy, Default)]
struct CellSlot {
    rebuild: u32,
    start: u32,
    end: u32,
}

impl BandIndex {
    /// Replaces the index with `bands`, sorted by (cell, band id), on a grid of `cells` cells.
    pub fn rebuild(&mut self, bands: impl Iterator<Item = IndexedBand>, cells: usize) {
        self.bands.clear();
        self.bands.extend(bands);
        self.bands.sort_unstable_by_key(|b| (b.cell, b.band));
        if self.cells.len() != cells || self.rebuild == u32::MAX {
            self.cells = vec![CellSlot::default(); cells];
            self.rebuild = 0;
        }
        self.rebuild += 1;
        let mut k = 0;
        while k < self.bands.len() {
            let cell = self.bands[k].cell;
            let start = k;
            while k < self.bands.len() && self.bands[k].cell == cell {
                k += 1;
            }
            self.cells[cell.index()] = CellSlot {
                rebuild: self.rebuild,
                start: start as u32,
                end: k as u32,
            };
        }
    }

    /// The bands in `cell`, in band-id order.
    pub fn in_cell(&self, cell: CellId) -> impl Iterator<Item = IndexedBand> + '_ {
        let bands = match self.cells.get(cell.index()) {
            Some(slot) if slot.rebuild == self.rebuild && self.rebuild > 0 => {
                &self.bands[slot.start as usize..slot.end as usize]
            }
            _ => &[],
        };
        bands.iter().copied()
    }
}

/// Every event of the run, in the order they happened.
#[derive(Resource, Debug, Clone, Default)]
pub struct EventLog {
    /// The events.
    pub events: Vec<Event>,
    /// Index of the first event of the current day.
    pub today_start: usize,
}

/// A flow of fighters in or out of the bands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FighterFlow {
    /// Residents recruited (relapsed former fighters included).
    Recruited,
    /// Fighters killed.
    Killed,
    /// Fighters arrested.
    Arrested,
    /// Fighters who went home (deserted, demobilised, reintegrated).
    Returned,
}

impl FighterFlow {
    /// +1 for a flow into the bands, −1 for one out of them: the net change in fighters is
    /// the sum of the flows times their signs.
    pub fn sign(self) -> f64 {
        match self {
            FighterFlow::Recruited => 1.0,
            _ => -1.0,
        }
    }

    /// Every flow, in [`FighterFlows`] order.
    pub const ALL: [FighterFlow; 4] = [
        FighterFlow::Recruited,
        FighterFlow::Killed,
        FighterFlow::Arrested,
        FighterFlow::Returned,
    ];
}

/// Fighters moved by each [`FighterFlow`], indexed by the flow (`flows[flow as usize]`).
pub type FighterFlows = [u64; 4];

/// The flows of several groups (or periods) added up.
pub fn sum_flows<'a>(flows: impl IntoIterator<Item = &'a FighterFlows>) -> FighterFlows {
    flows
        .into_iter()
        .fold([0; 4], |all, f| [0, 1, 2, 3].map(|k| all[k] + f[k]))
}

/// Running totals for the conservation checks.
#[derive(Resource, Debug, Clone, Default)]
pub struct Ledger {
    /// People at the start.
    pub people_initial: f64,
    /// Civilians killed (by anyone).
    pub civilians_killed: f64,
    /// Militia members killed (they were residents).
    pub militia_killed: f64,
    /// Fighters at the start, by group.
    pub group_fighters_initial: IdVec<GroupId, u64>,
    /// Fighter flows by group since the start ([`Ledger::count`]; all groups:
    /// [`Ledger::flows`]).
    pub group_flows: IdVec<GroupId, FighterFlows>,
    /// Of each group's recruits ([`FighterFlow::Recruited`]), those who came unpaid, driven by
    /// stigmatisation (`bands.stigma_volunteers`).
    pub volunteers: IdVec<GroupId, u64>,
    /// Money at the start (all treasuries and band funds), US$.
    pub money_initial: i64,
    /// Income by group and source (in [`Source::ALL`] order), US$.
    pub income: IdVec<GroupId, [i64; 5]>,
    /// Spending (upkeep, recruitment) by group, US$.
    pub spending: IdVec<GroupId, i64>,
    /// Each route's toll pool in the last week (as [`Terrain::routes`]), US$.
    pub route_pool_week: Vec<f64>,
    /// Tolls collected on each route in the last week (as [`Terrain::routes`]), US$.
    pub route_collected_week: Vec<f64>,
    /// Tolls lost to law enforcement on the routes (what would have been collected without it), US$.
    pub enforcement_lost_usd: f64,
    /// Tolls collected elsewhere on traffic displaced by law enforcement, US$.
    pub displaced_usd: f64,
}

impl Ledger {
    /// Counts `n` fighters of group `g` moved by `flow` (the only way the systems count them).
    pub fn count(&mut self, g: GroupId, flow: FighterFlow, n: u32) {
        self.group_flows[g][flow as usize] += n as u64;
    }

    /// The fighter flows of all groups together since the start.
    pub fn flows(&self) -> FighterFlows {
        sum_flows(self.group_flows.iter())
    }

    /// Fighters at the start, all groups.
    pub fn fighters_initial(&self) -> u64 {
        self.group_fighters_initial.iter().sum()
    }
}

/// Next band id.
#[derive(Resource, Debug, Clone, Copy)]
pub struct NextBandId(pub BandId);

impl NextBandId {
    /// Takes the next id.
    pub fn take(&mut self) -> BandId {
        let id = self.0;
        self.0 = id.next();
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::ids::{BandId, GroupId};

    fn band(cell: usize, id: u32, entity: u32) -> IndexedBand {
        IndexedBand {
            cell: CellId::new(cell),
            band: BandId::new(id),
            entity: Entity::from_raw_u32(entity).unwrap(),
            group: GroupId::new(0),
        }
    }

    #[test]
    fn home_ground_is_a_home_region_or_a_home_land() {
        let home = [false, true];
        let cell = |region: Option<u32>, inner_delta: bool| CellInfo {
            region,
            inner_delta,
            ..CellInfo::default()
        };
        let delta = [HomeLand::InnerNigerDelta];
        // A home region is home, with or without lands.
        assert!(home_at(&home, &[], &cell(Some(1), false)));
        // Another region is not, unless the cell lies in a home land.
        assert!(!home_at(&home, &[], &cell(Some(0), false)));
        assert!(!home_at(&home, &[], &cell(Some(0), true)));
        assert!(home_at(&home, &delta, &cell(Some(0), true)));
        assert!(!home_at(&home, &delta, &cell(Some(0), false)));
        // A land is home even where no region is drawn.
        assert!(home_at(&home, &delta, &cell(None, true)));
    }

    #[test]
    fn a_cell_holds_its_bands_of_the_last_rebuild_only_in_band_order() {
        let mut index = BandIndex::default();
        assert_eq!(index.in_cell(CellId::new(3)).count(), 0);
        index.rebuild([band(3, 9, 1), band(1, 2, 2), band(3, 4, 3)].into_iter(), 5);
        let ids = |index: &BandIndex, c: usize| -> Vec<u32> {
            index
                .in_cell(CellId::new(c))
                .map(|b| b.band.get())
                .collect()
        };
        assert_eq!(ids(&index, 3), [4, 9]);
        assert_eq!(ids(&index, 1), [2]);
        assert!(ids(&index, 0).is_empty() && ids(&index, 4).is_empty());
        // The bands moved: cell 3 is empty now, though it was filled before.
        index.rebuild([band(4, 9, 1), band(1, 2, 2), band(4, 4, 3)].into_iter(), 5);
        assert!(ids(&index, 3).is_empty());
        assert_eq!(ids(&index, 4), [4, 9]);
        assert_eq!(ids(&index, 1), [2]);
    }
}
