//! Revenue and spending (daily), after Nardin et al.'s RebelGroups: armed groups extort the
//! economic activity of the territory they control, and what they can take is bounded by what
//! that activity is worth.
//!
//! Weekly, into the treasuries (criminal bands keep theirs):
//! - **Routes.** Each route's toll pool is the most its traffic can pay (each kind's yearly
//!   value times the largest toll share for its kind). A group that holds a route cell (control
//!   at least `revenue.taxing_control`) keeps a checkpoint there and asks `checkpoint_share` of
//!   the pool, in proportion to its control; criminal bands in the cell ask `criminal_hold`
//!   together. Where the checkpoints ask for more than the pool, each gets its share of it.
//!   Law enforcement (`TargetIllicitNetworks`) cuts the asks of the groups concerned where it
//!   acts; a share (`option`) of the tolls so lost moves with the traffic to checkpoints
//!   elsewhere, never more than was lost nor more than those routes' pools can still pay.
//! - **Gold.** A site's tax pool is `gold_tax_share` of its production; the group that holds
//!   the cell and the criminal bands there share it in the same way.
//! - **Zakat and grazing taxes** on the harvest and herds of controlled communities, in
//!   proportion to control.
//!
//! Daily: bands take ransoms where a route passes a town, and loot from attacks (in
//! `band_attacks`); a share of band income goes to the treasury; groups top up bands that run
//! short; fighters cost upkeep.

use bevy_ecs::prelude::*;

use super::{Setting, sorted_bands};
use crate::scenario::Scenario;
use crate::scenario::interventions::InterventionKind;
use crate::scenario::model_params::Revenue;
use crate::sim::components::{Band, Community};
use crate::sim::events::{Event, EventType, Perpetrator, SubType, Target};
use crate::sim::ids::{BandId, CellId, GroupId};
use crate::sim::policy::Policies;
use crate::sim::resources::*;
use crate::sim::rng::{Rngs, Stream, chance, exponential, geometric};
use crate::sim::units::{DAYS_PER_MONTH, DAYS_PER_WEEK, DAYS_PER_YEAR, USD_PER_MILLION};

/// Largest share of its treasury a group grants a band short of upkeep in a day, as a divisor.
/// Not a parameter: an integer divisor keeps the books in whole dollars exactly, and nothing in
/// the calibration depends on it.
pub const GRANT_DIVISOR: i64 = 20;

/// Books income of `group` from `source` (the ledger and the group's income memories).
pub fn book(ledger: &mut Ledger, groups: &mut Groups, group: GroupId, source: Source, usd: i64) {
    ledger.income[group][source as usize] += usd;
    let g = &mut groups[group];
    match source {
        Source::Gold | Source::Routes | Source::Kidnapping => g.income_external += usd as f64,
        Source::Zakat | Source::Loot => g.income_local += usd as f64,
    }
}

/// What each claimant gets of a `pool` when they ask for the shares `asks` of it: its share
/// where the asks add up to at most the whole pool, a pro-rata part of the pool where they ask
/// for more. The takes never add up to more than the pool.
pub fn share_pool(pool: f64, asks: &[f64]) -> Vec<f64> {
    let total: f64 = asks.iter().sum();
    let scale = if total > 1.0 { 1.0 / total } else { 1.0 };
    asks.iter().map(|a| pool * a * scale).collect()
}

/// The shares of the interventions in force that cut what group `g` captures in `cell`:
/// regulated mining and transport (`ProtectCommunities`) and law enforcement on the routes
/// (`TargetIllicitNetworks`), each 0..1.
pub fn policy_cuts(policies: &Policies, s: &Scenario, cell: CellId, g: GroupId) -> (f64, f64) {
    if !policies.any_active() {
        return (0.0, 0.0);
    }
    (
        policies.strength(s, InterventionKind::ProtectCommunities, cell, Some(g)),
        policies.strength(s, InterventionKind::TargetIllicitNetworks, cell, Some(g)),
    )
}

/// Who takes a share of a pool.
#[derive(Debug, Clone, Copy)]
enum Taker {
    /// The group holding the cell, into its treasury.
    Group(GroupId),
    /// A criminal band in the cell (its entity and group), into its funds.
    Band(Entity, GroupId),
}

/// One checkpoint's (or gold taxer's) claim on a pool.
#[derive(Debug, Clone, Copy)]
struct Claim {
    taker: Taker,
    /// Share of the pool asked under the interventions in force.
    ask: f64,
    /// Share asked without law enforcement.
    unenforced: f64,
    /// Share of the tolls law enforcement removes in the claim's cell that moves with the
    /// traffic to checkpoints elsewhere (0 where no enforcement is in force).
    moved: f64,
}

/// The claims on the pools of `cell`: the group holding it (weight: its control; in an
/// unpopulated cell, each group band there with an equal part) and the criminal bands there
/// (weight: `criminal_hold`, shared among the bands in the cell), each times `per_claim`, cut
/// by regulation and, if `enforceable`, by law enforcement.
#[allow(clippy::too_many_arguments)] // the claimants and the cuts on them
fn claims_in(
    cell: CellId,
    per_claim: f64,
    enforceable: bool,
    setting: &Setting,
    index: &BandIndex,
    bands: &Query<(Entity, &mut Band)>,
    communities: &Query<&Community>,
    out: &mut Vec<Claim>,
) {
    let s = &setting.setup.scenario;
    let r = &s.model.revenue;
    let moved = if enforceable && setting.policies.any_active() {
        setting.policies.displacement_share(s, cell)
    } else {
        0.0
    };
    let mut push = |taker: Taker, g: GroupId, weight: f64| {
        let (regulated, enforced) = policy_cuts(&setting.policies, s, cell, g);
        let enforced = if enforceable { enforced } else { 0.0 };
        let unenforced = per_claim * weight * (1.0 - regulated);
        out.push(Claim {
            taker,
            ask: unenforced * (1.0 - enforced),
            unenforced,
            moved,
        });
    };
    let community = setting.terrain.community_at(cell);
    if let Some((_, ce)) = community
        && let Ok(c) = communities.get(ce)
        && let Some(g) = c.controller
        && c.control >= r.taxing_control
    {
        push(Taker::Group(g), g, c.control);
    }
    // Where nobody lives (a desert stretch of a corridor, a remote gold rush), whoever is there
    // holds the checkpoint or the site: each group's bands there share it.
    let sharing = index.in_cell(cell).count().max(1) as f64;
    for b in index.in_cell(cell) {
        if let Ok((_, band)) = bands.get(b.entity) {
            if band.criminal {
                push(
                    Taker::Band(b.entity, b.group),
                    b.group,
                    r.criminal_hold / sharing,
                );
            } else if community.is_none() {
                push(Taker::Group(b.group), b.group, 1.0 / sharing);
            }
        }
    }
}

/// Pays `usd` from `source` to `taker`: into a group's treasury, or into a band's funds less
/// the share it remits to its group.
fn pay(
    taker: Taker,
    source: Source,
    usd: i64,
    remit_share: f64,
    ledger: &mut Ledger,
    groups: &mut Groups,
    bands: &mut Query<(Entity, &mut Band)>,
) {
    if usd == 0 {
        return;
    }
    match taker {
        Taker::Group(g) => {
            book(ledger, groups, g, source, usd);
            groups[g].treasury += usd;
        }
        Taker::Band(e, g) => {
            book(ledger, groups, g, source, usd);
            let remit = (usd as f64 * remit_share).round() as i64;
            if let Ok((_, mut band)) = bands.get_mut(e) {
                band.funds += usd - remit;
            }
            groups[g].treasury += remit;
        }
    }
}

/// A week's territorial revenue: route tolls (with the displacement of traffic by law
/// enforcement), gold taxes and zakat.
fn collect_territorial(
    setting: &Setting,
    index: &BandIndex,
    groups: &mut Groups,
    ledger: &mut Ledger,
    bands: &mut Query<(Entity, &mut Band)>,
    communities: &Query<&Community>,
) {
    let s = &setting.setup.scenario;
    let p = &s.model;
    let r = &p.revenue;
    let terrain = &setting.terrain;
    let remit = p.bands.remit_share;
    let mut claims: Vec<Claim> = Vec::new();

    // Routes.
    let routes = &terrain.routes;
    ledger.route_pool_week.clear();
    ledger.route_collected_week.clear();
    // Per route: its claims (a range of `all`), their takes, and what is left of its pool.
    let mut all: Vec<(Claim, f64)> = Vec::new();
    let mut spans: Vec<(usize, usize, f64)> = Vec::with_capacity(routes.len());
    let mut budget = 0.0;
    let mut lost_total = 0.0;
    for route in routes {
        let pool = route.pool_usd_day * DAYS_PER_WEEK;
        claims.clear();
        for &cell in &route.cells {
            claims_in(
                cell,
                r.checkpoint_share,
                true,
                setting,
                index,
                bands,
                communities,
                &mut claims,
            );
        }
        let asks: Vec<f64> = claims.iter().map(|c| c.ask).collect();
        let unenforced: Vec<f64> = claims.iter().map(|c| c.unenforced).collect();
        let takes = share_pool(pool, &asks);
        let would = share_pool(pool, &unenforced);
        let collected: f64 = takes.iter().sum();
        let lost = (would.iter().sum::<f64>() - collected).max(0.0);
        if lost > 0.0 {
            // The traffic that no longer pays here: what the enforced checkpoints lost, times
            // the share that moves to routes elsewhere.
            let moved: f64 = claims
                .iter()
                .zip(would.iter().zip(&takes))
                .map(|(c, (w, t))| (w - t).max(0.0) * c.moved)
                .sum();
            budget += moved.min(lost);
            lost_total += lost;
        }
        let start = all.len();
        all.extend(claims.iter().copied().zip(takes));
        spans.push((start, all.len(), pool - collected));
        ledger.route_pool_week.push(pool);
        ledger.route_collected_week.push(collected);
    }
    // Displaced traffic pays at the checkpoints outside enforcement, in proportion to what
    // they collect, up to what each route's pool can still pay.
    let outside = |c: &Claim| c.moved == 0.0;
    let mut placed_total = 0.0;
    if budget > 0.0 {
        let base: f64 = all.iter().filter(|(c, _)| outside(c)).map(|(_, t)| t).sum();
        if base > 0.0 {
            for (ri, &(a, b, headroom)) in spans.iter().enumerate() {
                let here: f64 = all[a..b]
                    .iter()
                    .filter(|(c, _)| outside(c))
                    .map(|(_, t)| t)
                    .sum();
                if here <= 0.0 {
                    continue;
                }
                let placed = (budget * here / base).min(headroom.max(0.0));
                for (c, t) in &mut all[a..b] {
                    if outside(c) {
                        *t += placed * *t / here;
                    }
                }
                ledger.route_collected_week[ri] += placed;
                placed_total += placed;
            }
        }
    }
    ledger.enforcement_lost_usd += lost_total;
    ledger.displaced_usd += placed_total;
    for (c, t) in &all {
        let usd = t.round() as i64;
        pay(c.taker, Source::Routes, usd, remit, ledger, groups, bands);
    }

    // Gold.
    for &cell in &terrain.gold_cells {
        let pool = terrain.cells[cell].gold_usd_day * r.gold_tax_share * DAYS_PER_WEEK;
        claims.clear();
        claims_in(
            cell,
            1.0,
            false,
            setting,
            index,
            bands,
            communities,
            &mut claims,
        );
        let asks: Vec<f64> = claims.iter().map(|c| c.ask).collect();
        for (c, t) in claims.iter().zip(share_pool(pool, &asks)) {
            pay(
                c.taker,
                Source::Gold,
                t.round() as i64,
                remit,
                ledger,
                groups,
                bands,
            );
        }
    }

    // Zakat and grazing taxes on harvest and herds.
    for c in communities.iter() {
        let Some(g) = c.controller else { continue };
        if c.control < r.taxing_control {
            continue;
        }
        let zakat = (zakat_base_usd(c, r) * r.zakat_rate * c.control * DAYS_PER_WEEK
            / DAYS_PER_YEAR)
            .round() as i64;
        pay(
            Taker::Group(g),
            Source::Zakat,
            zakat,
            remit,
            ledger,
            groups,
            bands,
        );
    }
}

/// What zakat and grazing taxes are levied on in community `c`: its residents' yearly harvest
/// and their herds, US$.
pub fn zakat_base_usd(c: &Community, r: &Revenue) -> f64 {
    c.residents
        * ((1.0 - c.pastoralists) * r.harvest_usd_per_capita
            + c.pastoralists * r.herd_usd_per_pastoralist)
}

/// Collects income and pays upkeep.
#[allow(clippy::too_many_arguments)] // a system's parameters are what it reads and writes
pub fn collect_revenue(
    setting: Setting,
    index: Res<BandIndex>,
    mut groups: ResMut<Groups>,
    mut rngs: ResMut<Rngs>,
    mut ledger: ResMut<Ledger>,
    mut log: ResMut<EventLog>,
    mut bands: Query<(Entity, &mut Band)>,
    communities: Query<&Community>,
    mut order: Local<Vec<(BandId, Entity)>>,
) {
    let r = &setting.setup.scenario.model.revenue;
    let income_memory = 1.0 / r.income_memory_days;
    for g in groups.iter_mut() {
        g.income_external *= 1.0 - income_memory;
        g.income_local *= 1.0 - income_memory;
    }
    if setting.clock.weekly() {
        collect_territorial(
            &setting,
            &index,
            &mut groups,
            &mut ledger,
            &mut bands,
            &communities,
        );
    }
    daily_bands(
        &setting,
        &mut groups,
        &mut rngs,
        &mut ledger,
        &mut log,
        &mut bands,
        &mut order,
    );
}

/// Each band's ransoms, remittance, grants and upkeep of the day.
#[allow(clippy::too_many_arguments)] // what the daily band accounts read and write
fn daily_bands(
    setting: &Setting,
    groups: &mut Groups,
    rngs: &mut Rngs,
    ledger: &mut Ledger,
    log: &mut EventLog,
    bands: &mut Query<(Entity, &mut Band)>,
    order: &mut Vec<(BandId, Entity)>,
) {
    let Setting {
        clock,
        setup,
        terrain,
        ..
    } = setting;
    let p = &setup.scenario.model;
    let r = &p.revenue;
    sorted_bands(bands.iter(), order);
    for &(_, e) in order.iter() {
        let Ok((_, mut band)) = bands.get_mut(e) else {
            continue;
        };
        let gi = band.group;
        let info = &terrain.cells[band.cell];
        let mut income = 0i64;
        let tactics = &setup.scenario.groups[gi.index()].tactics;
        let kidnap_p = r.kidnap_rate
            * if band.criminal {
                1.0
            } else {
                tactics.kidnapping
            };
        if info.kidnap_spot && chance(rngs.get(Stream::Revenue), kidnap_p) {
            let rng = rngs.get(Stream::Revenue);
            let ransom = (exponential(rng, r.ransom_musd) * USD_PER_MILLION).round() as i64;
            book(ledger, groups, gi, Source::Kidnapping, ransom);
            income += ransom;
            let kind = (EventType::ViolenceAgainstCivilians, SubType::Abduction);
            let mut kidnapping = Event::new(
                clock.day,
                band.cell,
                Perpetrator::Group(gi),
                Some(band.id),
                kind,
                Target::Civilians,
            );
            kidnapping.abducted = 1 + geometric(rng, r.abducted_extra);
            log.events.push(kidnapping);
        }
        let remit = (income as f64 * p.bands.remit_share).round() as i64;
        band.funds += income - remit;
        groups[gi].treasury += remit;
        // Upkeep; the group tops up a band that cannot pay a month of it.
        let upkeep = (band.fighters() as f64 * p.bands.upkeep_usd).round() as i64;
        let month = upkeep * DAYS_PER_MONTH as i64;
        if band.funds < month && groups[gi].treasury > 0 {
            let grant = (month - band.funds).min(groups[gi].treasury / GRANT_DIVISOR);
            groups[gi].treasury -= grant;
            band.funds += grant;
        }
        let paid = upkeep.min(band.funds.max(0));
        band.funds -= paid;
        ledger.spending[gi] += paid;
        if paid < upkeep {
            band.morale = (band.morale - p.bands.morale_unpaid).max(0.0);
        }
    }
}
