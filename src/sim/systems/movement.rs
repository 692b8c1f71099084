//! Band movement (daily). A band reconsiders its position with probability `move_rate` and
//! goes to the best of its cell and the eight around it, by a utility that weighs revenue
//! (gold, tolls), the group's home regions, cover (parks), expansion into populated cells the
//! group does not yet control (for ideological groups), against security presence; plus a
//! little noise so that equal cells are chosen at random.

use bevy_ecs::prelude::*;

use super::sorted_bands;
use crate::scenario::ModelParams;
use crate::scenario::interventions::InterventionKind;
use crate::sim::components::{Band, Community};
use crate::sim::policy::Policies;
use crate::sim::resources::{Setup, Terrain};
use crate::sim::rng::{Rngs, Stream, chance, uniform};

/// How attractive `cell` is to `band`.
pub fn cell_utility(
    band: &Band,
    cell: usize,
    setup: &Setup,
    terrain: &Terrain,
    communities: &Query<&mut Community>,
) -> f64 {
    let info = &terrain.cells[cell];
    if !info.in_study_area {
        return f64::NEG_INFINITY;
    }
    let p: &ModelParams = &setup.scenario.model;
    let b = &p.bands;
    let group = &setup.scenario.groups[band.group];
    let revenue = info.gold_usd_day * p.revenue.gold_tax_share + info.toll_usd_day;
    let mut u =
        b.revenue_weight * (1.0 + revenue / 100.0).ln() * if band.criminal { 2.0 } else { 1.0 };
    if info.region.is_some_and(|r| terrain.home[band.group][r]) {
        u += b.home_weight;
    }
    if info.cover {
        u += b.cover_weight;
    }
    if let Some(k) = info.community
        && let Ok(c) = communities.get(terrain.communities[k])
    {
        let security = c.security(p.communities.policing_per_1000);
        u -= b.security_weight * security;
        if !band.criminal {
            let others = if c.controller == Some(band.group) {
                1.0 - c.control
            } else {
                1.0
            };
            u += b.expansion_weight
                * group.objectives.ideological
                * others
                * (1.0 + c.residents / 2000.0).ln()
                / 3.0;
        }
    }
    u
}

/// Moves bands.
pub fn move_bands(
    setup: Res<Setup>,
    terrain: Res<Terrain>,
    mut rngs: ResMut<Rngs>,
    policies: Res<Policies>,
    mut bands: Query<(Entity, &mut Band)>,
    communities: Query<&mut Community>,
    mut order: Local<Vec<(u32, Entity)>>,
) {
    sorted_bands(bands.iter(), &mut order);
    let grid = &setup.map.grid;
    let rate = setup.scenario.model.bands.move_rate;
    for &(_, e) in order.iter() {
        let rng = rngs.get(Stream::Movement);
        if !chance(rng, rate) {
            continue;
        }
        let Ok((_, mut band)) = bands.get_mut(e) else {
            continue;
        };
        let mut best = (
            cell_utility(&band, band.cell, &setup, &terrain, &communities) + 0.3 * uniform(rng),
            band.cell,
        );
        for n in grid.neighbours(band.cell) {
            let u = cell_utility(&band, n, &setup, &terrain, &communities) + 0.3 * uniform(rng);
            if u > best.0 {
                best = (u, n);
            }
        }
        // Interdiction: a surge in force stops some moves between areas of operation into or
        // out of the places it covers.
        if best.1 != band.cell && policies.any_active() {
            let cells = &terrain.cells;
            let (from, to) = (band.cell, best.1);
            if cells[from].area != cells[to].area {
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
