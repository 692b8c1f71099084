//! Band movement (daily). A band reconsiders its position with probability `move_rate` and
//! goes to the best of its cell and the eight around it, by a utility that weighs revenue
//! (the pull of gold sites around, tolls, with `zakat_pull` the zakat of herds and harvest),
//! the group's home regions, cover (parks), with `border_weight` a border nearby (a
//! sanctuary: forces stop at it, unless a border agreement lets both sides' forces cross it),
//! expansion into populated cells the
//! group does not yet control (for ideological groups), willing recruits within reach
//! ([`super::recruit_pull`]), against security presence; plus a
//! little noise so that equal cells are chosen at random.

use bevy_ecs::prelude::*;

use super::control::holdable_share;
use super::recruit_pull::RecruitPull;
use super::revenue::zakat_base_usd;
use super::{neighbours, sorted_bands};
use crate::scenario::ModelParams;
use crate::scenario::interventions::InterventionKind;
use crate::sim::agreements::BorderAgreements;
use crate::sim::blockades::{Blockades, same_side};
use crate::sim::components::{Band, Community};
use crate::sim::ids::{BandId, CellId};
use crate::sim::policy::Policies;
use crate::sim::resources::{Clock, Setup, Terrain};
use crate::sim::rng::{Rngs, Stream, chance, uniform};
use crate::sim::units::DAYS_PER_YEAR;

/// Divisor of the expansion term of a cell's utility. Not a parameter: it is folded into
/// `bands.expansion_weight`, whose calibrated value is expressed in it.
pub const EXPANSION_NORMALISER: f64 = 3.0;

/// What a band weighs in a cell besides the cell's community: the scenario and map, static
/// cell data, the field of willing recruits, and the border agreements and sieges in force.
pub struct Ground<'a> {
    /// Scenario and map.
    pub setup: &'a Setup,
    /// Static cell data.
    pub terrain: &'a Terrain,
    /// Willing recruits within reach of each cell.
    pub pull: &'a RecruitPull,
    /// The border agreements in force.
    pub agreements: &'a BorderAgreements,
    /// The sieges of the history and their state today.
    pub blockades: &'a Blockades,
}

/// How attractive `cell` is to `band`.
pub fn cell_utility(
    band: &Band,
    cell: CellId,
    ground: &Ground,
    communities: &Query<&mut Community>,
) -> f64 {
    let Ground {
        setup,
        terrain,
        pull,
        agreements,
        blockades,
    } = *ground;
    let info = &terrain.cells[cell];
    if !info.in_study_area {
        return f64::NEG_INFINITY;
    }
    let p: &ModelParams = &setup.scenario.model;
    let b = &p.bands;
    let group = &setup.scenario.groups[band.group.index()];
    let mut revenue = info.gold_pull_usd_day + info.toll_usd_day;
    let community = terrain
        .community_at(cell)
        .and_then(|(_, ce)| communities.get(ce).ok());
    if b.zakat_pull > 0.0
        && let Some(c) = community
    {
        revenue +=
            b.zakat_pull * zakat_base_usd(c, &p.revenue) * p.revenue.zakat_rate / DAYS_PER_YEAR;
    }
    let mut u = b.revenue_weight
        * (1.0 + revenue / b.revenue_scale_usd).ln()
        * if band.criminal {
            b.criminal_revenue_weight
        } else {
            1.0
        };
    if terrain.is_home(band.group, cell) {
        u += b.home_weight;
    } else if b.kept_home > 0.0
        && band.home_group != band.group
        && terrain.is_home(band.home_group, cell)
    {
        // A band that joined another group still knows its own ground.
        u += b.home_weight * b.kept_home;
    }
    if info.cover {
        u += b.cover_weight;
    }
    // A siege laid by the band's side draws its bands to the ring around the town until one
    // holds it; then it keeps those in the ring there and lets the others go their way.
    if b.blockade_pull > 0.0
        && !band.criminal
        && let Some(siege) = blockades.laid_at(cell)
        && same_side(&setup.scenario, band.group, siege.group)
        && (!siege.held
            || blockades
                .laid_at(band.cell)
                .is_some_and(|g| g.town == siege.town))
    {
        u += b.blockade_pull * siege.level;
    }
    // The border shelters bands, except within the depth to which an agreement lets the
    // forces of both sides cross it.
    if b.border_weight > 0.0
        && !terrain
            .border_across
            .get(cell.index())
            .is_some_and(|&across| {
                let c = &setup.map.grid.cells[cell.index()];
                c.border_km <= agreements.depth_km(c.country, across)
            })
    {
        u += b.border_weight * info.border_closeness;
    }
    if !band.criminal && b.support_weight > 0.0 {
        u += b.support_weight * (1.0 + pull.at(cell) / b.support_scale).ln();
    }
    if let Some(c) = community {
        let security = c.security(p.communities.policing_per_1000);
        u -= b.security_weight * security;
        if !band.criminal {
            let others = if c.controller == Some(band.group) {
                1.0 - c.control
            } else {
                1.0
            };
            let holdable = if p.control.town_hold > 0.0 {
                c.residents * holdable_share(c, p.control.town_hold)
            } else {
                c.residents
            };
            u += b.expansion_weight
                * group.objectives.ideological
                * others
                * (1.0 + holdable / b.expansion_scale).ln()
                / EXPANSION_NORMALISER;
        }
    }
    u
}

/// Moves bands.
#[allow(clippy::too_many_arguments)] // a system's parameters are what it reads and writes
pub fn move_bands(
    clock: Res<Clock>,
    setup: Res<Setup>,
    terrain: Res<Terrain>,
    mut rngs: ResMut<Rngs>,
    policies: Res<Policies>,
    pull: Res<RecruitPull>,
    mut bands: Query<(Entity, &mut Band)>,
    communities: Query<&mut Community>,
    blockades: Res<Blockades>,
    mut order: Local<Vec<(BandId, Entity)>>,
) {
    sorted_bands(bands.iter(), &mut order);
    let grid = &setup.map.grid;
    let agreements = BorderAgreements::on(
        &setup.scenario.history,
        clock.day,
        setup.map.data.countries.len(),
    );
    let ground = Ground {
        setup: &setup,
        terrain: &terrain,
        pull: &pull,
        agreements: &agreements,
        blockades: &blockades,
    };
    let rate = setup.scenario.model.bands.move_rate;
    let noise = setup.scenario.model.bands.move_noise;
    for &(_, e) in order.iter() {
        let rng = rngs.get(Stream::Movement);
        if !chance(rng, rate) {
            continue;
        }
        let Ok((_, mut band)) = bands.get_mut(e) else {
            continue;
        };
        let mut best = (
            cell_utility(&band, band.cell, &ground, &communities) + noise * uniform(rng),
            band.cell,
        );
        for n in neighbours(grid, band.cell) {
            let u = cell_utility(&band, n, &ground, &communities) + noise * uniform(rng);
            if u > best.0 {
                best = (u, n);
            }
        }
        // Interdiction: a surge in force stops some moves across a border (between countries,
        // e.g. central Mali and northern Burkina Faso, or between areas of operation) into,
        // out of or within the places it covers.
        if best.1 != band.cell && policies.any_active() {
            let (from, to) = (band.cell, best.1);
            let (a, b) = (&grid.cells[from.index()], &grid.cells[to.index()]);
            if a.area != b.area || a.country != b.country {
                let s = &setup.scenario;
                let kind = InterventionKind::CounterinsurgencySurge;
                let stop = policies
                    .strength(s, kind, from, Some(band.group))
                    .max(policies.strength(s, kind, to, Some(band.group)));
                if stop > 0.0 && chance(rngs.get(Stream::Policy), stop) {
                    continue;
                }
            }
        }
        band.cell = best.1;
    }
}
