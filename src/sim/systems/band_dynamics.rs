//! Band dynamics (daily): morale, desertion of lower-level fighters, splits of large bands,
//! defection to another group when the leadership falters (to an ally first, then to the
//! group of a band nearby, then to the strongest group of the coalition; never, while the JNIM
//! and Islamic State coalitions clash, to the coalition at war with the band's own), drift
//! into crime, and the end of
//! bands with no fighters left. The brief: bands "defect, realign, or strike out on their own
//! when at odds with their leaders"; lower-level fighters have varying commitment.

use bevy_ecs::prelude::*;

use super::movement::{Ground, cell_utility};
use super::recruit_pull::RecruitPull;
use super::{neighbourhood, neighbours, sorted_bands};
use crate::scenario::GroupStatus;
use crate::sim::agreements::BorderAgreements;
use crate::sim::blockades::Blockades;
use crate::sim::components::{Band, Community};
use crate::sim::ids::{BandId, GroupId};
use crate::sim::resources::*;
use crate::sim::rng::{Rngs, Stream, chance, poisson};
use crate::sim::units::DAYS_PER_MONTH;

/// Updates bands.
#[allow(clippy::too_many_arguments)] // a system's parameters are what it reads and writes
pub fn band_dynamics(
    mut commands: Commands,
    clock: Res<Clock>,
    setup: Res<Setup>,
    terrain: Res<Terrain>,
    index: Res<BandIndex>,
    pull: Res<RecruitPull>,
    mut groups: ResMut<Groups>,
    mut rngs: ResMut<Rngs>,
    mut ledger: ResMut<Ledger>,
    mut next_id: ResMut<NextBandId>,
    mut bands: Query<(Entity, &mut Band)>,
    mut communities: Query<&mut Community>,
    blockades: Res<Blockades>,
    mut order: Local<Vec<(BandId, Entity)>>,
) {
    let s = &setup.scenario;
    let b = &s.model.bands;
    let grid = &setup.map.grid;
    sorted_bands(bands.iter(), &mut order);
    // The border agreements in force, looked up at the day's first split.
    let mut agreements: Option<BorderAgreements> = None;
    for &(_, e) in order.iter() {
        let Ok((_, mut band)) = bands.get_mut(e) else {
            continue;
        };
        let gi = band.group;
        band.recent_losses *= 1.0 - 1.0 / b.loss_memory_days;
        // Morale follows pay, the leadership's cohesion and recent losses.
        let upkeep_month = band.fighters() as f64 * b.upkeep_usd * DAYS_PER_MONTH;
        let paid = if upkeep_month > 0.0 {
            (band.funds as f64 / upkeep_month).clamp(0.0, 1.0)
        } else {
            1.0
        };
        let loss = band.recent_losses / (band.fighters() as f64 + band.recent_losses).max(1.0);
        let target = (b.morale_base
            + b.morale_pay_weight * paid
            + b.morale_cohesion_weight * groups[gi].cohesion
            - loss)
            .clamp(0.0, 1.0);
        band.morale += b.morale_adjustment * (target - band.morale);

        // Desertion: lower-level fighters go home to the community where the band is.
        let rng = rngs.get(Stream::BandDynamics);
        if let Some((_, ce)) = terrain.community_at(band.cell)
            && let Ok(mut c) = communities.get_mut(ce)
        {
            let leave = poisson(
                rng,
                band.low_level as f64 * b.desertion_rate * (1.0 - band.morale),
            )
            .min(band.low_level);
            band.low_level -= leave;
            ledger.count(gi, FighterFlow::Returned, leave);
            c.residents += leave as f64;
        }

        // Defection when the leadership falters.
        let g = &groups[gi];
        let faltering =
            g.status != GroupStatus::Active || !g.leader_alive || g.cohesion < b.faltering_cohesion;
        let rng = rngs.get(Stream::BandDynamics);
        if !band.criminal
            && faltering
            && band.morale < b.defection_morale
            && chance(rng, b.defection_rate)
        {
            let coalition = s.groups[gi.index()].coalition;
            let allies = &s.groups[gi.index()].allies;
            // While the coalitions clash, no band goes over to the enemy's.
            let at_war = super::attacks::rival_clash_on(s, clock.day) > 0.0;
            let healthy = |h: GroupId| {
                h != gi
                    && groups[h].status == GroupStatus::Active
                    && groups[h].leader_alive
                    && !(at_war && super::attacks::rivals(coalition, s.groups[h.index()].coalition))
            };
            let nearby = neighbourhood(grid, band.cell)
                .flat_map(|c| index.in_cell(c))
                .map(|x| x.group)
                .filter(|&h| healthy(h))
                .min_by_key(|&h| {
                    (
                        !allies.contains(&h.index()),
                        s.groups[h.index()].coalition != coalition,
                        h,
                    )
                });
            let largest = |pool: &dyn Fn(GroupId) -> bool| {
                groups
                    .ids()
                    .filter(|&h| healthy(h) && pool(h))
                    .max_by_key(|&h| (groups[h].fighters, std::cmp::Reverse(h)))
            };
            let ally = largest(&|h| allies.contains(&h.index()));
            let same = largest(&|h| s.groups[h.index()].coalition == coalition);
            // An ally anywhere comes before a stranger nearby; then the nearest band's group; then
            // the strongest group of the coalition.
            match ally.or(nearby).or(same) {
                Some(h) => {
                    groups[h].defections_in[gi] += band.fighters();
                    band.group = h;
                }
                None => band.criminal = true,
            }
        } else if !band.criminal
            && band.morale < b.crime_morale
            && chance(rng, b.crime_rate * (1.0 - g.cohesion))
        {
            band.criminal = true;
        }

        // Split.
        if band.fighters() as f64 > b.split_size {
            let hard = band.hardliners / 2;
            let low = band.low_level / 2;
            let funds = band.funds / 2;
            band.hardliners -= hard;
            band.low_level -= low;
            band.funds -= funds;
            let mut child = Band {
                id: next_id.take(),
                hardliners: hard,
                low_level: low,
                funds,
                recent_losses: 0.0,
                ..band.clone()
            };
            let agreements = agreements.get_or_insert_with(|| {
                BorderAgreements::on(&s.history, clock.day, setup.map.data.countries.len())
            });
            let best = neighbours(grid, band.cell)
                .map(|n| {
                    (
                        cell_utility(
                            &child,
                            n,
                            &Ground {
                                setup: &setup,
                                terrain: &terrain,
                                pull: &pull,
                                agreements,
                                blockades: &blockades,
                            },
                            &communities,
                        ),
                        n,
                    )
                })
                .fold((f64::NEG_INFINITY, band.cell), |a, x| {
                    if x.0 > a.0 { x } else { a }
                });
            child.cell = best.1;
            commands.spawn(child);
        }

        if band.fighters() == 0 {
            if band.funds > 0 {
                groups[band.group].treasury += band.funds;
            }
            commands.entity(e).despawn();
        }
    }
}
