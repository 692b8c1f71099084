//! Revenue and spending (daily), after Nardin et al.'s RebelGroups: armed groups extort the
//! economic activity of the territory they control. Every week each community where a group
//! holds predominant control (at least `revenue.taxing_control`) pays that group's treasury a share of the gold
//! produced there, tolls on the routes crossing it, and zakat and grazing taxes, all in
//! proportion to control. Criminal bands, outside any group's territory, extort the cell they
//! are in. Bands take ransoms where a route passes a town, and loot from attacks (in
//! `band_attacks`). A share of band income goes to the treasury; groups top up bands that run
//! short; fighters cost upkeep.

use bevy_ecs::prelude::*;

use super::{Setting, sorted_bands};
use crate::scenario::Scenario;
use crate::scenario::interventions::InterventionKind;
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

/// The shares of a cell's gold and route tolls group `g` can still capture under the
/// interventions in force: regulated mining and transport (`ProtectCommunities`) and law
/// enforcement on the routes (`TargetIllicitNetworks`) cut them; traffic displaced from
/// enforced routes elsewhere raises the tolls here.
pub fn captured(policies: &Policies, s: &Scenario, cell: CellId, g: GroupId) -> (f64, f64) {
    if !policies.any_active() {
        return (1.0, 1.0);
    }
    let regulated = policies.strength(s, InterventionKind::ProtectCommunities, cell, Some(g));
    let enforced = policies.strength(s, InterventionKind::TargetIllicitNetworks, cell, Some(g));
    (
        1.0 - regulated,
        (1.0 - regulated) * (1.0 - enforced) * policies.toll_displacement[cell],
    )
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
    let Setting {
        clock,
        setup,
        terrain,
        policies,
    } = setting;
    let s = &setup.scenario;
    let p = &setup.scenario.model;
    let r = &p.revenue;
    let income_memory = 1.0 / r.income_memory_days;
    for g in groups.iter_mut() {
        g.income_external *= 1.0 - income_memory;
        g.income_local *= 1.0 - income_memory;
    }

    // Territorial revenue, weekly, into the treasuries (integer sums: order does not matter).
    if clock.weekly() {
        for c in communities.iter() {
            let Some(g) = c.controller else { continue };
            if c.control < r.taxing_control {
                continue;
            }
            let info = &terrain.cells[c.cell];
            let week = DAYS_PER_WEEK * c.control;
            let (gold_kept, toll_kept) = captured(&policies, s, c.cell, g);
            let gold = (info.gold_usd_day * r.gold_tax_share * gold_kept * week).round() as i64;
            let tolls = (info.toll_usd_day * toll_kept * week).round() as i64;
            let zakat =
                (c.residents * r.zakat_usd_per_capita / DAYS_PER_YEAR * week).round() as i64;
            for (source, usd) in [
                (Source::Gold, gold),
                (Source::Routes, tolls),
                (Source::Zakat, zakat),
            ] {
                book(&mut ledger, &mut groups, g, source, usd);
                groups[g].treasury += usd;
            }
        }
    }

    sorted_bands(bands.iter(), &mut order);
    for &(_, e) in order.iter() {
        let Ok((_, mut band)) = bands.get_mut(e) else {
            continue;
        };
        let gi = band.group;
        let info = &terrain.cells[band.cell];
        let mut income = 0i64;
        if band.criminal {
            let sharing = index.in_cell(band.cell).count().max(1) as f64;
            let (gold_kept, toll_kept) = captured(&policies, s, band.cell, gi);
            let gold = (info.gold_usd_day * r.gold_tax_share * gold_kept * r.criminal_hold
                / sharing)
                .round() as i64;
            let tolls = (info.toll_usd_day * toll_kept * r.criminal_hold / sharing).round() as i64;
            book(&mut ledger, &mut groups, gi, Source::Gold, gold);
            book(&mut ledger, &mut groups, gi, Source::Routes, tolls);
            income += gold + tolls;
        }
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
            book(&mut ledger, &mut groups, gi, Source::Kidnapping, ransom);
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
