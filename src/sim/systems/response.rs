//! Security-force responses and patrols (daily).
//!
//! Each of today's militant events draws a response with a probability that grows with the
//! local security presence. Forces act on the event's *attribution*: a named group's band
//! nearby is targeted; "JNIM" or "Islamic State" makes any band of that coalition nearby a
//! suspect, so the wrong group's band may be hit; an unidentified event leaves blunt forces to
//! sweep the area. Operations kill or arrest fighters and, in proportion to the posture's
//! bluntness, kill civilians. Collateral deaths move legitimacy by `backlash` per death per
//! 10,000 residents: positive provokes (Kocher, Pepinsky & Kalyvas 2011), negative deters
//! (Lyall 2009). Patrols engage bands near garrisons. With `security.sweep_rate`, forces also
//! sweep the communities the groups hold, whatever event came before (weekly; with
//! `security.sweep_sighting_days` only where a band has been seen lately), killing
//! civilians in proportion to the same bluntness and profiling.

use bevy_ecs::prelude::*;

use super::attacks::take_losses;
use super::attribution::observe;
use super::{Setting, neighbourhood, sorted_bands};
use crate::geo::grid::Grid;
use crate::scenario::history::level_on;
use crate::scenario::interventions::InterventionKind;
use crate::scenario::model_params::{ModelParams, Security};
use crate::scenario::{Coalition, HistoryEffect, Scenario};
use crate::sim::agreements::BorderAgreements;
use crate::sim::components::{Band, Community};
use crate::sim::events::{ATTACK_ON_CIVILIANS, Attributed, BATTLE, Event, Perpetrator, Target};
use crate::sim::ids::{BandId, CellId, CommunityId, GroupId};
use crate::sim::resources::*;
use crate::sim::rng::{Rngs, Stream, chance, geometric};

/// Residents per unit of `security.backlash`: legitimacy moves per death per this many residents.
/// Not a parameter: it is the unit of `backlash`.
pub const BACKLASH_RESIDENTS: f64 = 10_000.0;

/// Legitimacy moved by one unit of backlash (one death per 10,000 residents at `backlash` 1).
/// Not a parameter: it is folded into `backlash`, whose calibrated values are expressed in it.
pub const BACKLASH_LEGITIMACY: f64 = 0.02;

/// The cells where forces responding to an event in `cell` look for suspects, in the order of
/// [`neighbourhood`]: the cell and its neighbours on their side of the border, and across it
/// those an agreement in force lets them reach (within its depth of the border).
pub fn pursuit_cells<'a>(
    grid: &'a Grid,
    cell: CellId,
    agreements: &'a BorderAgreements,
) -> impl Iterator<Item = CellId> + 'a {
    let country = grid.cells[cell.index()].country;
    neighbourhood(grid, cell).filter(move |&c| {
        let other = &grid.cells[c.index()];
        agreements.reaches(country, other.country, other.border_km)
    })
}

/// Responds to today's events and patrols.
#[allow(clippy::too_many_arguments)] // a system's parameters are what it reads and writes
pub fn security_response(
    setting: Setting,
    index: Res<BandIndex>,
    mut groups: ResMut<Groups>,
    mut rngs: ResMut<Rngs>,
    mut ledger: ResMut<Ledger>,
    mut log: ResMut<EventLog>,
    mut bands: Query<(Entity, &mut Band)>,
    mut communities: Query<&mut Community>,
    mut order: Local<Vec<(BandId, Entity)>>,
    mut swept: Local<Vec<CommunityId>>,
) {
    let Setting {
        clock,
        setup,
        terrain,
        policies,
    } = setting;
    let s = &setup.scenario;
    let p = &s.model;
    let sec = &p.security;
    let grid = &setup.map.grid;
    let morale = p.bands.morale_per_loss;
    let end = log.events.len();
    let agreements = BorderAgreements::on(&s.history, clock.day, setup.map.data.countries.len());
    let mut new_events = Vec::new();
    for i in log.today_start..end {
        let ev = log.events[i].clone();
        let Perpetrator::Group(perpetrator) = ev.perpetrator else {
            continue;
        };
        let rng = rngs.get(Stream::Response);
        let community = terrain.community_at(ev.cell).map(|(_, ce)| ce);
        let (presence, informers, pastoralists) = community
            .and_then(|c| communities.get(c).ok())
            .map(|c| {
                (
                    c.security(p.communities.policing_per_1000),
                    c.informers,
                    c.pastoralists,
                )
            })
            .unwrap_or((0.0, 0.0, 0.0));
        if !chance(rng, sec.response_rate * presence.max(sec.response_floor)) {
            continue;
        }
        let suspect = |g: GroupId| match ev.attributed {
            Attributed::Group(a) => g == a,
            Attributed::Jnim => s.groups[g.index()].coalition == Coalition::Jnim,
            Attributed::IslamicState => s.groups[g.index()].coalition == Coalition::IslamicState,
            _ => true,
        };
        // Forces stop at their border (a band across it is out of reach) unless an agreement
        // lets them pursue into the partner's cells near it.
        let country = grid.cells[ev.cell.index()].country;
        let target = pursuit_cells(grid, ev.cell, &agreements)
            .flat_map(|c| index.in_cell(c))
            .find(|b| suspect(b.group));
        // Disaggregated intelligence and a protective posture make responses discriminating.
        let disaggregated = policies.strength(
            s,
            InterventionKind::DisaggregateAttribution,
            ev.cell,
            Some(perpetrator),
        );
        let protected = policies.strength(s, InterventionKind::ProtectCommunities, ev.cell, None);
        let bluntness = posture_bluntness(s, clock.day, country)
            * (1.0 - sec.disaggregated_discrimination * disaggregated)
            * (1.0 - protected);
        let blunt = bluntness
            * if ev.attributed == Attributed::Unidentified {
                sec.unidentified_bluntness
            } else {
                1.0
            };
        let collateral = geometric(rng, collateral_mean(sec, blunt, informers, pastoralists));
        let mut op = Event::new(
            clock.day,
            ev.cell,
            Perpetrator::State,
            None,
            BATTLE,
            Target::Civilians,
        );
        if let Some(suspect) = target {
            let (be, g) = (suspect.entity, suspect.group);
            let hit = geometric(rng, sec.response_hits * (sec.response_hits_base + presence));
            let arrested = (hit as f64 * sec.arrest_share).round() as u32;
            let killed = take_losses(&mut bands, be, hit - arrested, morale, &mut ledger);
            let arrested = arrest(&mut bands, be, arrested, &mut ledger);
            groups[g].loss_ratio += (killed + arrested) as f64 / groups[g].fighters.max(1) as f64;
            op.band = Some(suspect.band);
            op.target = Target::Group(g);
            op.target_attributed = ev.attributed;
            op.militants_killed = killed;
            op.security_killed = geometric(rng, sec.response_security_deaths);
        } else if collateral == 0 || !chance(rng, bluntness) {
            continue;
        } else {
            (op.event_type, op.sub_type) = ATTACK_ON_CIVILIANS;
        }
        if let Some(ce) = community
            && let Ok(mut c) = communities.get_mut(ce)
        {
            op.civilians_killed = kill_civilians(&mut c, collateral, p, &mut ledger);
        }
        new_events.push(op);
    }
    // Sweeps of communities the groups hold (weekly; no draw at all when off).
    if sec.sweep_rate > 0.0 && clock.weekly() {
        // The communities a sweep may reach (held, inhabited and, with
        // `sweep_sighting_days`, seen lately), found in storage order and swept in
        // community-id order. A sweep writes only the community it sweeps, so none of the
        // others leaves or joins the list while it runs.
        swept.clear();
        swept.extend(
            communities
                .iter()
                .filter(|c| {
                    c.controller.is_some()
                        && c.residents >= 1.0
                        && (sec.sweep_sighting_days <= 0.0
                            || (clock.day as i64 - c.last_band_day) as f64
                                <= sec.sweep_sighting_days)
                })
                .map(|c| c.id),
        );
        swept.sort_unstable();
        for &k in swept.iter() {
            let ce = terrain.communities[k];
            let Ok(c) = communities.get(ce) else {
                continue;
            };
            // The international troops count as `security.international_sweeps` says.
            let presence =
                c.state_security(p.communities.policing_per_1000, sec.international_sweeps);
            let rate = sec.sweep_rate * presence * c.control;
            let rng = rngs.get(Stream::Response);
            if !chance(rng, 1.0 - (-rate).exp()) {
                continue;
            }
            let country = grid.cells[c.cell.index()].country;
            let protected =
                policies.strength(s, InterventionKind::ProtectCommunities, c.cell, None);
            let bluntness = posture_bluntness(s, clock.day, country) * (1.0 - protected);
            let collateral = geometric(
                rng,
                collateral_mean(sec, bluntness, c.informers, c.pastoralists),
            );
            if collateral == 0 {
                continue;
            }
            let cell = c.cell;
            let Ok(mut c) = communities.get_mut(ce) else {
                continue;
            };
            let mut op = Event::new(
                clock.day,
                cell,
                Perpetrator::State,
                None,
                ATTACK_ON_CIVILIANS,
                Target::Civilians,
            );
            op.civilians_killed = kill_civilians(&mut c, collateral, p, &mut ledger);
            new_events.push(op);
        }
    }
    // Patrols.
    sorted_bands(bands.iter(), &mut order);
    for &(_, e) in order.iter() {
        let Ok((_, band)) = bands.get(e) else {
            continue;
        };
        let (bid, g, cell) = (band.id, band.group, band.cell);
        let Some((_, ce)) = terrain.community_at(cell) else {
            continue;
        };
        let Ok(c) = communities.get(ce) else {
            continue;
        };
        let (presence, informers) = (c.security(p.communities.policing_per_1000), c.informers);
        let cover = if terrain.cells[cell].cover {
            sec.patrol_cover
        } else {
            1.0
        };
        let rng = rngs.get(Stream::Response);
        if !chance(rng, sec.patrol_rate * presence * cover) {
            continue;
        }
        let hit = geometric(rng, sec.patrol_hits);
        let security_killed = geometric(rng, sec.patrol_security_deaths);
        let arrested = (hit as f64 * sec.arrest_share).round() as u32;
        let killed = take_losses(&mut bands, e, hit - arrested, morale, &mut ledger);
        let arrested = arrest(&mut bands, e, arrested, &mut ledger);
        groups[g].loss_ratio += (killed + arrested) as f64 / groups[g].fighters.max(1) as f64;
        let mut patrol = Event::new(
            clock.day,
            cell,
            Perpetrator::State,
            Some(bid),
            BATTLE,
            Target::Group(g),
        );
        let gain = policies.strength(s, InterventionKind::DisaggregateAttribution, cell, Some(g));
        patrol.target_attributed = observe(
            g,
            cell,
            informers,
            gain,
            s,
            &terrain,
            rngs.get(Stream::Response),
        );
        patrol.security_killed = security_killed;
        patrol.militants_killed = killed;
        new_events.push(patrol);
    }
    log.events.extend(new_events);
}

/// The forces' bluntness in `country` on `day`: `security.bluntness` times the latest
/// `ForcesConduct` factor of the history there, at most 1.
fn posture_bluntness(s: &Scenario, day: u32, country: Option<usize>) -> f64 {
    let conduct = level_on(&s.history, day, |e| match *e {
        HistoryEffect::ForcesConduct { country: k, factor } if Some(k) == country => Some(factor),
        _ => None,
    });
    (s.model.security.bluntness * conduct).min(1.0)
}

/// Mean civilians killed by an operation of bluntness `blunt` (taken at most 1) in a community
/// with these shares of informers and pastoralists: operations that profile herders as suspects
/// kill more of them.
fn collateral_mean(sec: &Security, blunt: f64, informers: f64, pastoralists: f64) -> f64 {
    sec.collateral_mean * blunt.min(1.0) * (1.0 - informers) * (1.0 + sec.profiling * pastoralists)
}

/// Kills up to `n` of a community's residents in a state operation (at most its residents) and
/// books it: legitimacy moves by `backlash`, fear rises, pastoralists are stigmatised. Returns
/// the deaths.
fn kill_civilians(c: &mut Community, n: u32, p: &ModelParams, ledger: &mut Ledger) -> u32 {
    let sec = &p.security;
    let deaths = (n as f64).min(c.residents.floor());
    c.residents -= deaths;
    ledger.civilians_killed += deaths;
    c.legitimacy = (c.legitimacy
        - sec.backlash * deaths / (c.residents / BACKLASH_RESIDENTS).max(1.0)
            * BACKLASH_LEGITIMACY)
        .clamp(0.0, 1.0);
    c.fear = (c.fear + p.communities.fear_per_collateral_death * deaths).min(1.0);
    stigmatise(c, deaths, p.communities.stigma_per_death);
    deaths as u32
}

/// Raises a community's stigmatisation after `deaths` civilians were killed there by state
/// forces or a militia: `per_death` per death per 10,000 residents, times its pastoralist share.
pub fn stigmatise(c: &mut Community, deaths: f64, per_death: f64) {
    c.stigma = (c.stigma
        + per_death * deaths / (c.residents / BACKLASH_RESIDENTS).max(1.0) * c.pastoralists)
        .min(1.0);
}

/// Arrests up to `n` fighters of a band (lower-level fighters first); returns how many.
fn arrest(bands: &mut Query<(Entity, &mut Band)>, e: Entity, n: u32, ledger: &mut Ledger) -> u32 {
    let Ok((_, mut b)) = bands.get_mut(e) else {
        return 0;
    };
    let n = n.min(b.fighters());
    let low = n.min(b.low_level);
    b.low_level -= low;
    b.hardliners -= n - low;
    b.recent_losses += n as f64;
    ledger.count(b.group, FighterFlow::Arrested, n);
    n
}
