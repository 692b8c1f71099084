//! Recruitment (daily). A band recruits from the active supporters of its cell (Epstein's
//! active share, raised by grievance and collateral damage), in proportion to its size and to
//! what is left of the community's recruitment pool (the young men open to it), and as far as
//! the money it has beyond a reserve for its fighters' upkeep allows; recruits leave the
//! community's residents and its pool. The pool refills slowly as boys come of age, so that a
//! group grows by reaching new communities more than by recruiting where it already is. With
//! `bands.recruit_income_cover`, a group's bands recruit only as far as its recent income
//! covers its fighters' upkeep ([`income_cover_factor`]).

use bevy_ecs::prelude::*;

use super::sorted_bands;
use crate::sim::components::{Band, Community};
use crate::sim::ids::{BandId, GroupId};
use crate::sim::resources::{Clock, FighterFlow, Groups, Ledger, Setup, Terrain};
use crate::sim::rng::{Rngs, Stream, poisson};
use crate::sim::units::{DAYS_PER_MONTH, DAYS_PER_YEAR};

/// Recruits into bands.
#[allow(clippy::too_many_arguments, clippy::type_complexity)] // a system's parameters are what it reads and writes
pub fn recruit(
    setup: Res<Setup>,
    clock: Res<Clock>,
    terrain: Res<Terrain>,
    groups: Res<Groups>,
    mut rngs: ResMut<Rngs>,
    mut ledger: ResMut<Ledger>,
    mut bands: Query<(Entity, &mut Band)>,
    mut communities: ParamSet<(
        Query<Entity, Changed<Community>>,
        Query<(Entity, &mut Community)>,
    )>,
    mut order: Local<Vec<(BandId, Entity)>>,
    mut refilling: Local<Refilling>,
) {
    let b = &setup.scenario.model.bands;
    // The pools refill towards their size as boys come of age.
    let refill = 1.0 / (b.pool_refill_years * DAYS_PER_YEAR);
    let share = b.recruitable_share;
    // Whether the pool is still to refill after today's step.
    let refill_pool = |mut c: Mut<Community>| -> bool {
        let full = c.residents.max(0.0) * share;
        // A full pool stays as it is (written only where it changes).
        if c.recruitable == full {
            return false;
        }
        c.recruitable = (c.recruitable + full * refill).min(full);
        c.recruitable != full
    };
    let refilling = &mut *refilling;
    // Today's list: the communities the last run left to look at, and those another
    // system wrote since (every community the first time).
    if refilling.started {
        for e in communities.p0().iter() {
            refilling.list(e);
        }
    } else {
        for (e, _) in communities.p1().iter() {
            refilling.list(e);
        }
        refilling.started = true;
    }
    let Refilling { look, listed, .. } = &mut *refilling;
    let mut q = communities.p1();
    if look.len() > listed.len() / LOOK_UP_AT_MOST {
        // Most of them (the weekly steps write every community): one pass over all.
        for (e, c) in q.iter_mut() {
            let i = e.index_u32() as usize;
            if listed.get(i) == Some(&true) {
                listed[i] = refill_pool(c);
            }
        }
    } else {
        for &e in look.iter() {
            let i = e.index_u32() as usize;
            listed[i] = match q.get_mut(e) {
                Ok((_, c)) => refill_pool(c),
                Err(_) => false,
            };
        }
    }
    look.retain(|e| listed[e.index_u32() as usize]);
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
        let mut q = communities.p1();
        let Ok((_, mut c)) = q.get_mut(ce) else {
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
        // Looked at again tomorrow: this run's own writes are not seen as changes.
        refilling.list(ce);
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

/// Below this share of the communities (1 / this), those to look at are looked up one by
/// one; above it, all are passed over once.
const LOOK_UP_AT_MOST: usize = 8;

/// The state of [`recruit`]'s refill that only saves work. A pool changes only where it is
/// not full, and a full pool becomes not full only when the community is written (its
/// residents or its pool change); so each day only the communities another system wrote
/// since the last run (bevy's change detection: a system does not see its own writes) and
/// those whose pool the last run left below or above its size (or recruited from) are
/// looked at: the same values, bit for bit, as refilling every community. A copy of the
/// world (whose systems start afresh) looks at every community on its first day.
#[derive(Debug, Default)]
pub struct Refilling {
    /// Whether the first run, which looks at every community, has been.
    started: bool,
    /// The communities to look at in the next run whatever other systems do.
    look: Vec<Entity>,
    /// By entity index: whether the entity is in `look`.
    listed: Vec<bool>,
}

impl Refilling {
    /// Puts `e` on the list to look at, once.
    fn list(&mut self, e: Entity) {
        let i = e.index_u32() as usize;
        if self.listed.len() <= i {
            self.listed.resize(i + 1, false);
        }
        if !self.listed[i] {
            self.listed[i] = true;
            self.look.push(e);
        }
    }
}
