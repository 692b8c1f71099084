//! Revenue and spending (daily), after Nardin et al.'s RebelGroups: armed groups extort the
//! economic activity of the territory they control. Every week each community where a group
//! holds predominant control (at least 0.2) pays that group's treasury a share of the gold
//! produced there, tolls on the routes crossing it, and zakat and grazing taxes, all in
//! proportion to control. Criminal bands, outside any group's territory, extort the cell they
//! are in. Bands take ransoms where a route passes a town, and loot from attacks (in
//! `band_attacks`). A share of band income goes to the treasury; groups top up bands that run
//! short; fighters cost upkeep.

use bevy_ecs::prelude::*;

use super::{Shared, sorted_bands};
use crate::scenario::Scenario;
use crate::scenario::interventions::InterventionKind;
use crate::sim::components::{Band, Community};
use crate::sim::events::{Event, EventType, Perpetrator, SubType, Target};
use crate::sim::policy::Policies;
use crate::sim::resources::*;
use crate::sim::rng::{Stream, chance, geometric, uniform};

/// Decay per day of the recent-income memory (about 90 days).
pub const INCOME_MEMORY: f64 = 1.0 / 90.0;

/// Control from which a group taxes a community.
pub const TAXING_CONTROL: f64 = 0.2;

/// Share of a cell's gold and tolls a criminal band extorts.
pub const CRIMINAL_HOLD: f64 = 0.3;

/// Books income of `group` from `source` (the ledger and the group's income memories).
pub fn book(ledger: &mut Ledger, groups: &mut Groups, group: usize, source: Source, usd: i64) {
    ledger.income[group][source as usize] += usd;
    let g = &mut groups.0[group];
    match source {
        Source::Gold | Source::Routes | Source::Kidnapping => g.income_external += usd as f64,
        Source::Zakat | Source::Loot => g.income_local += usd as f64,
    }
}

/// The shares of a cell's gold and route tolls group `g` can still capture under the
/// interventions in force: regulated mining and transport (`ProtectCommunities`) and law
/// enforcement on the routes (`TargetIllicitNetworks`) cut them; traffic displaced from
/// enforced routes elsewhere raises the tolls here.
pub fn captured(policies: &Policies, s: &Scenario, cell: usize, g: usize) -> (f64, f64) {
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
pub fn collect_revenue(
    shared: Shared,
    mut bands: Query<(Entity, &mut Band)>,
    communities: Query<&mut Community>,
    mut order: Local<Vec<(u32, Entity)>>,
) {
    let Shared {
        clock,
        setup,
        terrain,
        index,
        mut groups,
        mut rngs,
        mut ledger,
        mut log,
        policies,
    } = shared;
    let s = &setup.scenario;
    let p = &setup.scenario.model;
    let r = &p.revenue;
    for g in groups.0.iter_mut() {
        g.income_external *= 1.0 - INCOME_MEMORY;
        g.income_local *= 1.0 - INCOME_MEMORY;
    }

    // Territorial revenue, weekly, into the treasuries (integer sums: order does not matter).
    if clock.weekly() {
        for c in communities.iter() {
            let Some(g) = c.controller else { continue };
            if c.control < TAXING_CONTROL {
                continue;
            }
            let info = &terrain.cells[c.cell];
            let week = 7.0 * c.control;
            let (gold_kept, toll_kept) = captured(&policies, s, c.cell, g);
            let gold = (info.gold_usd_day * r.gold_tax_share * gold_kept * week).round() as i64;
            let tolls = (info.toll_usd_day * toll_kept * week).round() as i64;
            let zakat = (c.residents * r.zakat_usd_per_capita / 365.0 * week).round() as i64;
            for (source, usd) in [
                (Source::Gold, gold),
                (Source::Routes, tolls),
                (Source::Zakat, zakat),
            ] {
                book(&mut ledger, &mut groups, g, source, usd);
                groups.0[g].treasury += usd;
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
            let gold = (info.gold_usd_day * r.gold_tax_share * gold_kept * CRIMINAL_HOLD / sharing)
                .round() as i64;
            let tolls = (info.toll_usd_day * toll_kept * CRIMINAL_HOLD / sharing).round() as i64;
            book(&mut ledger, &mut groups, gi, Source::Gold, gold);
            book(&mut ledger, &mut groups, gi, Source::Routes, tolls);
            income += gold + tolls;
        }
        let tactics = &setup.scenario.groups[gi].tactics;
        let kidnap_p = r.kidnap_rate
            * if band.criminal {
                1.0
            } else {
                tactics.kidnapping
            };
        if info.kidnap_spot && chance(rngs.get(Stream::Revenue), kidnap_p) {
            let rng = rngs.get(Stream::Revenue);
            let ransom = (-uniform(rng).max(1e-12).ln() * r.ransom_musd * 1.0e6).round() as i64;
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
            kidnapping.abducted = 1 + geometric(rng, 1.0);
            log.events.push(kidnapping);
        }
        let remit = (income as f64 * p.bands.remit_share).round() as i64;
        band.funds += income - remit;
        groups.0[gi].treasury += remit;
        // Upkeep; the group tops up a band that cannot pay a month of it.
        let upkeep = (band.fighters() as f64 * p.bands.upkeep_usd).round() as i64;
        let month = upkeep * 30;
        if band.funds < month && groups.0[gi].treasury > 0 {
            let grant = (month - band.funds).min(groups.0[gi].treasury / 20);
            groups.0[gi].treasury -= grant;
            band.funds += grant;
        }
        let paid = upkeep.min(band.funds.max(0));
        band.funds -= paid;
        ledger.spending[gi] += paid;
        if paid < upkeep {
            band.morale = (band.morale - 0.01).max(0.0);
        }
    }
}
