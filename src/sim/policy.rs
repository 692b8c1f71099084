//! Policy interventions in the model: which are in force, where, and what they change.
//!
//! The [`Policies`] resource holds, for each intervention of the scenario, the cells it covers
//! and whether it is in force today. Mechanisms ask it how strongly a kind applies to a cell
//! and group ([`Policies::strength`]); nothing reads an intervention before its start day, and
//! an intervention draws random numbers only from its own stream ([`Stream::Policy`]) and only
//! while in force, so a run is byte-identical to one without it up to its start.
//!
//! The daily system [`apply_policies`] switches interventions on and off, spreads the troops of
//! surges and protection over the communities they cover, prices the displacement of
//! trafficking, and runs the monthly steps: negotiation rounds of political settlements and
//! reintegration intakes.

use bevy_ecs::prelude::*;

use super::components::{Band, Community};
use super::ids::{CellId, CommunityId, GroupId, IdVec};
use super::resources::{Clock, FighterFlow, Groups, Ledger, Setup, Terrain};
use super::rng::{Rngs, Stream, chance, poisson};
use crate::geo::SahelMap;
use crate::geo::geometry::distance_km;
use crate::scenario::interventions::{Intervention, InterventionKind};
use crate::scenario::{Coalition, GroupStatus, Scenario};

/// Days between the monthly steps (negotiation rounds, reintegration intakes).
pub const MONTH_DAYS: u32 = 30;

/// A settlement's `option` is the chance that a band made only of hardliners splits off in a
/// round, halved: a band splits with probability min(1, this × option × hardliner share). Part
/// of the intervention's definition (docs/policies.md), dialled by its `option`; not a parameter.
pub const SPLINTER_SCALE: f64 = 2.0;

/// Monthly share of a reintegration programme's willing fighters who come forward where
/// intensity, leaders' standing and low morale are all full. Part of the intervention's
/// definition (docs/policies.md), dialled by its `intensity`; not a parameter.
pub const REINTEGRATION_UPTAKE: f64 = 0.3;

/// Interventions in force and what they change, per cell and community.
#[derive(Resource, Debug, Clone, Default)]
pub struct Policies {
    /// For each intervention (scenario order): whether each cell is covered.
    pub covers: Vec<IdVec<CellId, bool>>,
    /// For each intervention: whether it is in force today.
    pub active: Vec<bool>,
    /// Extra troops per community from surges and protection in force.
    pub extra_troops: IdVec<CommunityId, f64>,
    /// For each group: observing a cessation of hostilities agreed in a settlement in force.
    pub ceasefire: IdVec<GroupId, bool>,
    /// Former fighters living in each community, who may go back.
    pub former_fighters: IdVec<CommunityId, f64>,
    /// Fighters who left through reintegration so far.
    pub reintegrated: u64,
    /// Former fighters who went back to a band.
    pub relapsed: u64,
}

impl Policies {
    /// Builds the coverage of each of `scenario`'s interventions on `map`'s grid.
    pub fn new(scenario: &Scenario, map: &SahelMap, communities: usize) -> Self {
        let covers = scenario
            .interventions
            .iter()
            .map(|iv| coverage(iv, map))
            .collect();
        Self {
            covers,
            active: vec![false; scenario.interventions.len()],
            extra_troops: IdVec::filled(0.0, communities),
            ceasefire: IdVec::filled(false, scenario.groups.len()),
            former_fighters: IdVec::filled(0.0, communities),
            reintegrated: 0,
            relapsed: 0,
        }
    }

    /// How strongly interventions of `kind` in force apply to `cell` and group `group` (any
    /// group where `None`): 1 − Π(1 − intensity) over those covering the cell and concerning
    /// the group; 0 where none does.
    pub fn strength(
        &self,
        s: &Scenario,
        kind: InterventionKind,
        cell: CellId,
        group: Option<GroupId>,
    ) -> f64 {
        let mut keep = 1.0;
        for (i, iv) in s.interventions.iter().enumerate() {
            if self.active[i]
                && iv.kind == kind
                && self.covers[i][cell]
                && group.is_none_or(|g| iv.concerns(g.index()))
            {
                keep *= 1.0 - iv.intensity;
            }
        }
        1.0 - keep
    }

    /// Whether any intervention is in force.
    pub fn any_active(&self) -> bool {
        self.active.iter().any(|&a| a)
    }

    /// The share of the tolls lost to law enforcement in `cell` that moves with the traffic to
    /// routes elsewhere: the largest `option` of the `TargetIllicitNetworks` interventions in
    /// force there (0 where none is).
    pub fn displacement_share(&self, s: &Scenario, cell: CellId) -> f64 {
        s.interventions
            .iter()
            .enumerate()
            .filter(|(i, iv)| {
                self.active[*i]
                    && iv.kind == InterventionKind::TargetIllicitNetworks
                    && self.covers[*i][cell]
            })
            .map(|(_, iv)| iv.option)
            .fold(0.0, f64::max)
    }
}

/// The cells an intervention covers: study-area cells in any of the places it names (all
/// study-area cells where it names none).
pub fn coverage(iv: &Intervention, map: &SahelMap) -> IdVec<CellId, bool> {
    let data = &map.data;
    let p = &iv.places;
    let every = p.everywhere();
    let towns: Vec<(f64, f64)> = p.towns.iter().map(|&t| data.towns[t].at).collect();
    map.grid
        .cells
        .iter()
        .map(|c| {
            c.in_study_area
                && (every
                    || c.country
                        .is_some_and(|k| p.countries.contains(&data.countries[k].name))
                    || c.region.is_some_and(|r| p.regions.contains(&r))
                    || c.area.is_some_and(|a| p.areas.contains(&a))
                    || c.routes.iter().any(|r| p.routes.contains(r))
                    || c.gold_sites.iter().any(|s| p.gold_sites.contains(s))
                    || towns
                        .iter()
                        .any(|&t| distance_km(t, (c.lat, c.lon)) <= p.town_radius_km.max(1.0))
                    || c.towns.iter().any(|t| p.towns.contains(t)))
        })
        .collect()
}

/// Switches interventions on and off and runs their monthly steps (daily, first).
#[allow(clippy::too_many_arguments)]
pub fn apply_policies(
    clock: Res<Clock>,
    setup: Res<Setup>,
    terrain: Res<Terrain>,
    mut policies: ResMut<Policies>,
    mut groups: ResMut<Groups>,
    mut rngs: ResMut<Rngs>,
    mut ledger: ResMut<Ledger>,
    mut bands: Query<&mut Band>,
    mut communities: Query<&mut Community>,
) {
    let s = &setup.scenario;
    if s.interventions.is_empty() {
        return;
    }
    let day = clock.day;
    let mut changed = false;
    for (i, iv) in s.interventions.iter().enumerate() {
        let now = iv.active_on(day);
        if now != policies.active[i] {
            policies.active[i] = now;
            changed = true;
        }
    }
    if changed {
        deploy(s, &terrain, &mut policies, &communities);
    }
    if !policies.any_active() {
        return;
    }
    for (i, iv) in s.interventions.iter().enumerate() {
        if !policies.active[i] || !(day - iv.start_day).is_multiple_of(MONTH_DAYS) {
            continue;
        }
        match iv.kind {
            InterventionKind::PoliticalSettlement => {
                negotiate(s, i, &mut policies, &mut groups, &mut rngs, &mut bands)
            }
            InterventionKind::Reintegration => reintegrate(
                s,
                i,
                &mut policies,
                &mut rngs,
                &mut ledger,
                &mut bands,
                &mut communities,
                &terrain,
            ),
            _ => {}
        }
    }
}

/// Recomputes the troops and toll displacement of the interventions in force.
fn deploy(
    s: &Scenario,
    terrain: &Terrain,
    policies: &mut Policies,
    communities: &Query<&mut Community>,
) {
    policies.extra_troops.iter_mut().for_each(|t| *t = 0.0);
    // A settlement's cessation ends with the last settlement in force that concerns the group.
    for g in policies.ceasefire.ids() {
        let in_force = s.interventions.iter().enumerate().any(|(i, iv)| {
            policies.active[i]
                && iv.kind == InterventionKind::PoliticalSettlement
                && iv.concerns(g.index())
        });
        if !in_force {
            policies.ceasefire[g] = false;
        }
    }
    for (i, iv) in s.interventions.iter().enumerate() {
        if !policies.active[i] {
            continue;
        }
        match iv.kind {
            InterventionKind::CounterinsurgencySurge | InterventionKind::ProtectCommunities => {
                // Troops spread over the covered communities in proportion to residents.
                let mut covered: Vec<(CommunityId, f64)> = Vec::new();
                for (cell, info) in terrain.cells.iter_enumerated() {
                    if let Some(k) = info.community
                        && policies.covers[i][cell]
                        && let Ok(c) = communities.get(terrain.communities[k])
                    {
                        covered.push((k, c.residents.max(0.0)));
                    }
                }
                let total: f64 = covered.iter().map(|x| x.1).sum();
                if total > 0.0 {
                    for (k, r) in covered {
                        policies.extra_troops[k] += iv.capacity * r / total;
                    }
                }
            }
            _ => {}
        }
    }
}

/// A monthly negotiation round of settlement `i`: each group concerned that is not yet
/// observing a cessation may agree one; hardline bands of groups that observe one may split
/// off to the rival coalition's strongest group (or drift into crime).
fn negotiate(
    s: &Scenario,
    i: usize,
    policies: &mut Policies,
    groups: &mut Groups,
    rngs: &mut Rngs,
    bands: &mut Query<&mut Band>,
) {
    let iv = &s.interventions[i];
    let rng = rngs.get(Stream::Policy);
    for g in groups.ids() {
        let state = &groups[g];
        if !iv.concerns(g.index())
            || policies.ceasefire[g]
            || state.status != GroupStatus::Active
            || !state.leader_alive
        {
            continue;
        }
        let p = iv.intensity * s.groups[g.index()].tactics.negotiation * state.cohesion;
        if chance(rng, p) {
            policies.ceasefire[g] = true;
        }
    }
    // Splinters.
    let mut sorted: Vec<Mut<Band>> = bands.iter_mut().collect();
    sorted.sort_by_key(|b| b.id);
    for mut band in sorted {
        let g = band.group;
        if band.criminal
            || !policies.ceasefire[g]
            || !iv.concerns(g.index())
            || band.fighters() == 0
        {
            continue;
        }
        let hard = band.hardliners as f64 / band.fighters() as f64;
        if !chance(rng, (iv.option * SPLINTER_SCALE * hard).min(1.0)) {
            continue;
        }
        let rival = match s.groups[g.index()].coalition {
            Coalition::Jnim => Coalition::IslamicState,
            Coalition::IslamicState => Coalition::Jnim,
            Coalition::Unaffiliated => Coalition::Unaffiliated,
        };
        let to = groups
            .ids()
            .filter(|&h| {
                h != g
                    && s.groups[h.index()].coalition == rival
                    && rival != Coalition::Unaffiliated
                    && groups[h].status == GroupStatus::Active
                    && !policies.ceasefire[h]
            })
            .max_by_key(|&h| (groups[h].fighters, std::cmp::Reverse(h)));
        match to {
            Some(h) => {
                groups[h].defections_in[g] += band.fighters();
                band.group = h;
            }
            None => band.criminal = true,
        }
    }
}

/// A monthly intake of reintegration programme `i`, then the month's relapses.
#[allow(clippy::too_many_arguments)]
fn reintegrate(
    s: &Scenario,
    i: usize,
    policies: &mut Policies,
    rngs: &mut Rngs,
    ledger: &mut Ledger,
    bands: &mut Query<&mut Band>,
    communities: &mut Query<&mut Community>,
    terrain: &Terrain,
) {
    let iv = &s.interventions[i];
    let rng = rngs.get(Stream::Policy);
    // Who would leave: lower-level fighters of bands in covered cells, more where morale is
    // low and where traditional leaders carry the programme's message.
    let mut sorted: Vec<Mut<Band>> = bands.iter_mut().collect();
    sorted.sort_by_key(|b| b.id);
    let mut willing: Vec<(usize, u32, CommunityId)> = Vec::new();
    for (j, band) in sorted.iter().enumerate() {
        if !policies.covers[i][band.cell] || !iv.concerns(band.group.index()) || band.low_level == 0
        {
            continue;
        }
        let Some((k, ce)) = terrain.community_at(band.cell) else {
            continue;
        };
        let leaders = communities.get(ce).map(|c| c.leaders).unwrap_or(0.0);
        let mean = band.low_level as f64
            * iv.intensity
            * (1.0 - band.morale)
            * leaders
            * REINTEGRATION_UPTAKE;
        let n = poisson(rng, mean).min(band.low_level);
        if n > 0 {
            willing.push((j, n, k));
        }
    }
    let total: u64 = willing.iter().map(|w| w.1 as u64).sum();
    let scale = if total as f64 > iv.capacity {
        iv.capacity / total as f64
    } else {
        1.0
    };
    for (j, n, k) in willing {
        let n = (n as f64 * scale).floor() as u32;
        if n == 0 {
            continue;
        }
        sorted[j].low_level -= n;
        if let Ok(mut c) = communities.get_mut(terrain.communities[k]) {
            c.residents += n as f64;
        }
        policies.former_fighters[k] += n as f64;
        policies.reintegrated += n as u64;
        ledger.count(sorted[j].group, FighterFlow::Returned, n);
    }
    // Relapse: former fighters go back to a band of the programme's groups in their cell,
    // less where the community is involved (intensity).
    let relapse = iv.option * (1.0 - iv.intensity);
    let mut by_cell: Vec<(CellId, usize)> = sorted
        .iter()
        .enumerate()
        .filter(|(_, b)| !b.criminal && iv.concerns(b.group.index()))
        .map(|(j, b)| (b.cell, j))
        .collect();
    by_cell.sort_unstable();
    for k in policies.former_fighters.ids() {
        let former = policies.former_fighters[k];
        if former < 1.0 {
            continue;
        }
        let Ok(mut c) = communities.get_mut(terrain.communities[k]) else {
            continue;
        };
        let cell = c.cell;
        // `by_cell` is sorted: the first band in the cell, if any.
        let at = by_cell.partition_point(|&(bc, _)| bc < cell);
        let Some(&(bc, j)) = by_cell.get(at) else {
            continue;
        };
        if bc != cell {
            continue;
        }
        let n = (poisson(rng, former * relapse) as f64)
            .min(former.floor())
            .min(c.residents.floor());
        if n < 1.0 {
            continue;
        }
        c.residents -= n;
        policies.former_fighters[k] -= n;
        sorted[j].low_level += n as u32;
        policies.relapsed += n as u64;
        ledger.count(sorted[j].group, FighterFlow::Recruited, n as u32);
    }
}
