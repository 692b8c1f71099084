//! Revenue and spending (daily), after Nardin et al.'s RebelGroups: bands extort the economic
//! activity where they hold control. A band earns a share of the gold produced in its cell,
//! tolls on the routes crossing it, zakat and grazing taxes where its group controls the
//! community, and now and then a ransom where a route passes a town. Bands in one cell share
//! what the cell yields. A share of income goes to the group's treasury; fighters cost upkeep;
//! groups top up bands that run short.

use bevy_ecs::prelude::*;

use super::sorted_bands;
use crate::sim::components::{Band, Community};
use crate::sim::events::{Event, EventType, Perpetrator, SubType, Target};
use crate::sim::resources::*;
use crate::sim::rng::{Rngs, Stream, chance, geometric, uniform};

/// Decay per day of the recent-income memory (about 90 days).
pub const INCOME_MEMORY: f64 = 1.0 / 90.0;

/// Collects income and pays upkeep.
#[allow(clippy::too_many_arguments)]
pub fn collect_revenue(
    clock: Res<Clock>,
    setup: Res<Setup>,
    terrain: Res<Terrain>,
    index: Res<BandIndex>,
    mut rngs: ResMut<Rngs>,
    mut groups: ResMut<Groups>,
    mut ledger: ResMut<Ledger>,
    mut log: ResMut<EventLog>,
    mut bands: Query<(Entity, &mut Band)>,
    communities: Query<&mut Community>,
    mut order: Local<Vec<(u32, Entity)>>,
) {
    let p = &setup.scenario.model;
    let r = &p.revenue;
    for g in groups.0.iter_mut() {
        g.income_external *= 1.0 - INCOME_MEMORY;
        g.income_local *= 1.0 - INCOME_MEMORY;
    }
    sorted_bands(bands.iter(), &mut order);
    for &(_, e) in order.iter() {
        let Ok((_, mut band)) = bands.get_mut(e) else {
            continue;
        };
        let gi = band.group;
        let info = &terrain.cells[band.cell];
        let sharing = index.in_cell(band.cell).count().max(1) as f64;
        let (control, controller, residents) = info
            .community
            .and_then(|k| communities.get(terrain.communities[k]).ok())
            .map(|c| (c.control, c.controller, c.residents))
            .unwrap_or((0.5, Some(gi), 0.0));
        let mine = controller == Some(gi);
        let hold = if mine {
            control.max(0.2)
        } else {
            control * 0.25
        };
        let mut income = [0i64; 5];
        income[Source::Gold as usize] =
            (info.gold_usd_day * r.gold_tax_share * hold / sharing).round() as i64;
        income[Source::Routes as usize] = (info.toll_usd_day * hold / sharing).round() as i64;
        if mine && !band.criminal {
            income[Source::Zakat as usize] =
                (residents * r.zakat_usd_per_capita / 365.0 * control / sharing).round() as i64;
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
            income[Source::Kidnapping as usize] = ransom;
            let abducted = 1 + geometric(rng, 1.0);
            let kind = (EventType::ViolenceAgainstCivilians, SubType::Abduction);
            let mut kidnapping = Event::new(
                clock.day,
                band.cell,
                Perpetrator::Group(gi),
                Some(band.id),
                kind,
                Target::Civilians,
            );
            kidnapping.abducted = abducted;
            log.events.push(kidnapping);
        }
        let total: i64 = income.iter().sum();
        for (k, v) in income.iter().enumerate() {
            ledger.income[gi][k] += v;
        }
        let external = (income[Source::Gold as usize]
            + income[Source::Routes as usize]
            + income[Source::Kidnapping as usize]) as f64;
        groups.0[gi].income_external += external;
        groups.0[gi].income_local += (total as f64 - external).max(0.0);
        let remit = (total as f64 * p.bands.remit_share).round() as i64;
        band.funds += total - remit;
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
