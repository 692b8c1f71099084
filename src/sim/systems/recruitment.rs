//! Recruitment (daily). A band recruits from the active supporters of its cell (Epstein's
//! active share, raised by grievance and collateral damage), in proportion to its size and to
//! what is left of the community's recruitment pool (the young men open to it), and as far as
//! the money it has beyond a reserve for its fighters' upkeep allows; recruits leave the
//! community's residents and its pool. The pool refills slowly as boys come of age (weekly,
//! [`refill_pool`]), so that a group grows by reaching new communities more than by recruiting
//! where it already is. With
//! `bands.recruit_income_cover`, a group's bands recruit only as far as its recent income
//! covers its fighters' upkeep ([`income_cover_factor`]).

use bevy_ecs::prelude::*;

use super::sorted_bands;
use crate::scenario::model_params::Bands;
use crate::sim::components::{Band, Community};
use crate::sim::ids::{BandId, GroupId};
use crate::sim::resources::{Clock, FighterFlow, Groups, Ledger, Setup, Terrain};
use crate::sim::rng::{Rngs, Stream, poisson};
use crate::sim::units::{DAYS_PER_MONTH, DAYS_PER_WEEK, DAYS_PER_YEAR};

/// The share of its full size a recruitment pool refills in a week, 7 /
/// (`bands.pool_refill_years` × 365): the same for every community, computed once a week for
/// [`refill_pool`].
pub fn weekly_refill(b: &Bands) -> f64 {
    DAYS_PER_WEEK / (b.pool_refill_years * DAYS_PER_YEAR)
}

/// Refills community `c`'s recruitment pool by a week of boys coming of age, `refill` (from
/// [`weekly_refill`]) × its full size, `bands.recruitable_share` × residents, up to that full
/// size (and lowers it to that size where the residents have fallen below it).
///
/// Weekly, for every community, as the last thing
/// [`super::displacement::displacement_and_schools`] does to it, once its people have fled or
/// come back: one pass over the communities instead of two. Nothing from there to the day's
/// recruitment changes a community's residents or pool, so the pools are those the day's
/// recruitment would have refilled just before it.
pub fn refill_pool(c: &mut Community, b: &Bands, refill: f64) {
    let full = c.residents.max(0.0) * b.recruitable_share;
    // A full pool stays as it is.
    if c.recruitable != full {
        c.recruitable = (c.recruitable + full * refill).min(full);
    }
}

/// Recruits into bands.
#[allow(clippy::too_many_arguments)] // a system's parameters are what it reads and writes
pub fn recruit(
    setup: Res<Setup>,
    clock: Res<Clock>,
    terrain: Res<Terrain>,
    groups: Res<Groups>,
    mut rngs: ResMut<Rngs>,
    mut ledger: ResMut<Ledger>,
    mut bands: Query<(Entity, &mut Band)>,
    mut communities: Query<&mut Community>,
    mut order: Local<Vec<(BandId, Entity)>>,
) {
    let b = &setup.scenario.model.bands;
    let memory_days = setup.scenario.model.revenue.income_memory_days;
    let covered: Vec<f64> = groups
        .ids()
        .map(|g| {
            income_cover_factor(
                &groups,
                g,
                b.upkeep_usd,
                b.recruit_income_cover,
                memory_days,
                clock.day,
            )
        })
        .collect();
    sorted_bands(bands.iter(), &mut order);
    for &(_, e) in order.iter() {
        let Ok((_, mut band)) = bands.get_mut(e) else {
            continue;
        };
        let Some((_, ce)) = terrain.community_at(band.cell) else {
            continue;
        };
        let Ok(mut c) = communities.get_mut(ce) else {
            continue;
        };
        // Money set aside for the fighters the band already has is not spent on recruits.
        let reserve = band.fighters() as f64 * b.upkeep_usd * DAYS_PER_MONTH * b.pay_reserve_months;
        let spare = band.funds as f64 - reserve;
        let affordable = if b.recruit_cost_usd > 0.0 {
            (spare / (b.recruit_cost_usd * b.recruit_budget)).clamp(0.0, 1.0)
        } else if spare < 0.0 {
            0.0
        } else {
            1.0
        };
        let cohesion = groups[band.group].cohesion;
        let full = c.residents.max(0.0) * b.recruitable_share;
        let left = if full > 0.0 {
            (c.recruitable / full).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let per_willing = b.recruit_rate
            * band.fighters() as f64
            * left
            * ((1.0 - b.recruit_cohesion_weight) + b.recruit_cohesion_weight * cohesion);
        // Paid recruits come as far as money allows; volunteers driven by stigmatisation
        // come whatever the money.
        let paid_mean = per_willing * c.support * affordable * covered[band.group.index()];
        let volunteer_mean = per_willing * b.stigma_volunteers * c.stigma;
        let mean = paid_mean + volunteer_mean;
        let can_pay = if b.recruit_cost_usd > 0.0 {
            (spare.max(0.0) / b.recruit_cost_usd).floor() as u32
        } else {
            u32::MAX
        };
        let willing = poisson(rngs.get(Stream::Recruitment), mean)
            .min((c.residents * b.max_recruit_share).floor() as u32)
            .min(c.recruitable.max(0.0).floor() as u32);
        // The volunteers among them, in proportion to the two means (none without the channel).
        let volunteers = if volunteer_mean > 0.0 {
            (willing as f64 * volunteer_mean / mean).round() as u32
        } else {
            0
        };
        let paid = (willing - volunteers).min(can_pay);
        let n = paid + volunteers;
        if n == 0 {
            continue;
        }
        ledger.volunteers[band.group] += volunteers as u64;
        let cost = (paid as f64 * b.recruit_cost_usd).round() as i64;
        band.funds -= cost;
        ledger.spending[band.group] += cost;
        c.residents -= n as f64;
        c.recruitable -= n as f64;
        band.low_level += n;
        ledger.count(band.group, FighterFlow::Recruited, n);
    }
}

/// How far group `g`'s recent income lets its bands recruit, 0..1: 0 while its income per day
/// is at most `cover` times its fighters' upkeep, 1 from twice that, linear between; always 1
/// where `cover` is 0 or the group has no fighters. The income per day is the group's decayed
/// income memories divided by `memory_days`, corrected on day `day` for the days not yet
/// remembered (the memories start empty), so that the first weeks are not read as poverty.
pub fn income_cover_factor(
    groups: &Groups,
    g: GroupId,
    upkeep_usd: f64,
    cover: f64,
    memory_days: f64,
    day: u32,
) -> f64 {
    let gs = &groups[g];
    let upkeep = gs.fighters as f64 * upkeep_usd;
    if cover <= 0.0 || upkeep <= 0.0 {
        return 1.0;
    }
    let remembered = 1.0 - (1.0 - 1.0 / memory_days).powi(day as i32 + 1);
    let income = (gs.income_external + gs.income_local) / (memory_days * remembered);
    (income / (cover * upkeep) - 1.0).clamp(0.0, 1.0)
}
