//! Attacks (daily). A band attacks with a rate that grows with its size, follows its group's
//! offensive posture (what the group is after: see [`offensive_posture`]) and falls with the
//! security presence in its cell (Kalyvas: incumbent control deters). Its target follows
//! Kalyvas' logic and Wood's findings: civilians are targeted most where the group's control
//! is predominant but not full (selective violence), more by groups losing fighters and by
//! groups funded independently of local support, and more where many inform for the state;
//! ideological groups kill traditional and religious leaders who oppose them; with
//! `violence.militia_reprisal` they punish communities that raised a militia; otherwise the
//! band strikes security forces. Bands of rival coalitions (JNIM and the Islamic State) that
//! meet clash, as often as the history's `CoalitionRivalry` entries say (a truce until 2019 in
//! the baseline). Every attack is an event with its fatalities; fear rises where civilians are hit.

use bevy_ecs::prelude::*;

use super::revenue::book;
use super::{Setting, neighbourhood, sorted_bands};
use crate::scenario::groups::Objectives;
use crate::scenario::history::{HistoryEffect, level_on};
use crate::scenario::interventions::InterventionKind;
use crate::scenario::model_params::Violence;
use crate::scenario::{Coalition, Scenario};
use crate::sim::blockades::Blockades;
use crate::sim::components::{Band, Community};
use crate::sim::events::{
    ATTACK_ON_CIVILIANS, BATTLE, Event, EventType, Perpetrator, SubType, Target,
};
use crate::sim::ids::{BandId, CommunityId, GroupId};
use crate::sim::resources::*;
use crate::sim::rng::{Rngs, Stream, chance, geometric, uniform};

/// Fighters in the band for which `bands.attack_rate` is given; the attack rate and an
/// attack's deadliness scale with size relative to it. Not a parameter: it is the unit of
/// `attack_rate`, `civilian_fatalities` and `security_fatalities`.
pub const REFERENCE_BAND: f64 = 50.0;

/// Kalyvas' curve: how civilian targeting varies with the attacker's control `c` (mean about 1).
pub fn kalyvas_factor(c: f64, peak: f64, width: f64, weight: f64) -> f64 {
    (1.0 - weight) + weight * 2.0 * (-((c - peak) / width).powi(2)).exp()
}

/// The probability that an attack targets civilians: the group's propensity `base`, shaped by
/// Kalyvas' curve of its control `control`, raised by recent losses and by funding independent
/// of local support (Wood), and by informers (punishment of collaboration); at most
/// `max_targeted_share`.
pub fn civilian_share(
    base: f64,
    control: f64,
    loss_ratio: f64,
    independence: f64,
    informers: f64,
    v: &Violence,
) -> f64 {
    (base
        * kalyvas_factor(control, v.kalyvas_peak, v.kalyvas_width, v.kalyvas_weight)
        * (1.0 + v.wood_losses * loss_ratio)
        * (1.0 + v.wood_independence * independence)
        * (1.0 + v.collaborator_targeting * informers))
        .min(v.max_targeted_share)
}

/// The probability that an attack on a community that raised a militia targets its civilians:
/// the group's own share `own` (from [`civilian_share`]) plus `militia_reprisal` of the rest,
/// at most `max_targeted_share` (collective punishment of communities that arm against the
/// group).
pub fn reprisal_share(own: f64, v: &Violence) -> f64 {
    (own + (1.0 - own) * v.militia_reprisal).min(v.max_targeted_share)
}

/// How readily a group's bands take the offensive, from what the group is after (the brief):
/// violence serves the group's ideological project (imposing its social order, expanding
/// into new communities), and political embedding restrains it — a group that negotiates and
/// keeps local alliances (Ansar Dine: political 0.8, ideological 0.3) fights far less than
/// one that imposes its order (the FLM: 0.3, 0.9). Economic aims are pursued through
/// extortion (revenue), not through attacks. ideological × (1 − political), each 0..1.
pub fn offensive_posture(objectives: &Objectives) -> f64 {
    objectives.ideological * (1.0 - objectives.political)
}

/// How a group's operational tempo follows its hold on the ground: (1 − `tempo`) + `tempo` ×
/// H / (H + `half`), H the people it holds (`GroupState::held_people`: the residents of the
/// communities under its control). 1 when `tempo` is 0.
pub fn hold_tempo_factor(held_people: f64, tempo: f64, half: f64) -> f64 {
    if tempo <= 0.0 {
        return 1.0;
    }
    let held = held_people.max(0.0);
    (1.0 - tempo) + tempo * held / (held + half)
}

/// Counts the people each group holds: the residents of the communities under its control
/// (control above [`MILITANT_CONTROL`](crate::sim::components::MILITANT_CONTROL): [`Community::held_by`]), in community-id order.
pub fn count_held_people(
    groups: &mut Groups,
    held: &mut Vec<(CommunityId, GroupId, f64)>,
    communities: &Query<&mut Community>,
) {
    for g in groups.ids() {
        groups[g].held_people = 0.0;
    }
    // The held communities (few of all) in storage order, then summed in community-id order,
    // so that the sums do not depend on how the world stores them.
    held.clear();
    held.extend(
        communities
            .iter()
            .filter_map(|c| c.held_by().map(|g| (c.id, g, c.residents.max(0.0)))),
    );
    held.sort_unstable_by_key(|h| h.0);
    for &(_, g, residents) in held.iter() {
        groups[g].held_people += residents;
    }
}

/// Whether two coalitions fight each other.
pub fn rivals(a: Coalition, b: Coalition) -> bool {
    matches!(
        (a, b),
        (Coalition::Jnim, Coalition::IslamicState) | (Coalition::IslamicState, Coalition::Jnim)
    )
}

/// The chance, on `day`, that a band meeting a rival coalition's band clashes with it:
/// `violence.rival_clash` times the latest `CoalitionRivalry` factor of the history (at most 1).
pub fn rival_clash_on(s: &Scenario, day: u32) -> f64 {
    let rivalry = level_on(&s.history, day, |e| match *e {
        HistoryEffect::CoalitionRivalry { factor } => Some(factor),
        _ => None,
    });
    (s.model.violence.rival_clash * rivalry).min(1.0)
}

/// Bands attack.
#[allow(clippy::too_many_arguments)] // a system's parameters are what it reads and writes
pub fn band_attacks(
    setting: Setting,
    index: Res<BandIndex>,
    mut groups: ResMut<Groups>,
    mut rngs: ResMut<Rngs>,
    mut ledger: ResMut<Ledger>,
    mut log: ResMut<EventLog>,
    mut bands: Query<(Entity, &mut Band)>,
    mut communities: Query<&mut Community>,
    blockades: Res<Blockades>,
    mut order: Local<Vec<(BandId, Entity)>>,
    mut held: Local<Vec<(CommunityId, GroupId, f64)>>,
) {
    let Setting {
        clock,
        setup,
        terrain,
        policies,
    } = setting;
    let s = &setup.scenario;
    let p = &s.model;
    let v = &p.violence;
    let grid = &setup.map.grid;
    let clash_chance = rival_clash_on(s, clock.day);
    // The groups' hold on the ground, counted weekly (and not at all when it moves nothing).
    if p.bands.hold_tempo > 0.0 && clock.weekly() {
        count_held_people(&mut groups, &mut held, &communities);
    }
    sorted_bands(bands.iter(), &mut order);
    for &(_, e) in order.iter() {
        let Ok((_, band)) = bands.get(e) else {
            continue;
        };
        if band.fighters() == 0 {
            continue;
        }
        let (bid, gi, cell, fighters, criminal) = (
            band.id,
            band.group,
            band.cell,
            band.fighters(),
            band.criminal,
        );
        let group = &s.groups[gi.index()];
        let rng = rngs.get(Stream::Attacks);

        // Rival clash.
        let rival = neighbourhood(grid, cell)
            .flat_map(|c| index.in_cell(c))
            .find(|o| {
                o.group != gi && rivals(group.coalition, s.groups[o.group.index()].coalition)
            });
        if !criminal
            && let Some(other) = rival
            && chance(rng, clash_chance)
        {
            let ours = geometric(rng, v.battle_fatalities);
            let theirs = geometric(rng, v.battle_fatalities);
            let morale = p.bands.morale_per_loss;
            let ours = take_losses(&mut bands, e, ours, morale, &mut ledger);
            let theirs = take_losses(&mut bands, other.entity, theirs, morale, &mut ledger);
            let mut clash = Event::new(
                clock.day,
                cell,
                Perpetrator::Group(gi),
                Some(bid),
                BATTLE,
                Target::Group(other.group),
            );
            clash.militants_killed = ours + theirs;
            log.events.push(clash);
            continue;
        }

        // Attack? Security presence in the cell deters.
        let community = terrain.community_at(cell).map(|(_, ce)| ce);
        let presence = community
            .and_then(|ce| communities.get(ce).ok())
            .map(|c| c.security(p.communities.policing_per_1000))
            .unwrap_or(0.0);
        // A group observing a cessation of hostilities (a settlement) attacks less.
        let restraint = if !criminal && policies.ceasefire[gi] {
            1.0 - policies.strength(s, InterventionKind::PoliticalSettlement, cell, Some(gi))
        } else {
            1.0
        };
        // The attack rate of a band of this size, before what deters or drives it.
        let sized_rate =
            p.bands.attack_rate * (fighters as f64 / REFERENCE_BAND).powf(p.bands.size_exponent);
        let rate = sized_rate
            * (1.0 - p.bands.deterrence * presence)
            * offensive_posture(&group.objectives)
            * hold_tempo_factor(
                groups[gi].held_people,
                p.bands.hold_tempo,
                p.bands.hold_half_people,
            )
            * group.tactics.activity
            * restraint
            * if criminal {
                p.bands.criminal_activity
            } else {
                1.0
            };
        // Politically minded groups attack the international forces where these are
        // stationed: their presence is the target, not a deterrent.
        let foreign = if criminal || v.foreign_forces_attack <= 0.0 {
            0.0
        } else {
            let intl = community
                .and_then(|ce| communities.get(ce).ok())
                .map_or(0.0, |c| {
                    c.international_security(p.communities.policing_per_1000)
                });
            sized_rate
                * v.foreign_forces_attack
                * group.objectives.political
                * intl
                * group.tactics.activity
                * restraint
        };
        // Every group's bands attack the national forces' posts around them: the post is the
        // target (its weapons, and the state's hold on the countryside), not a deterrent.
        let at_post = if criminal || v.post_attack <= 0.0 || !terrain.cells[cell].near_post {
            0.0
        } else {
            sized_rate * v.post_attack * group.tactics.activity * restraint
        };
        let exposed = foreign + at_post;
        if !chance(rng, 1.0 - (-(rate + exposed)).exp()) {
            continue;
        }
        // An attack the international forces or a post drew strikes the forces (no draw when
        // both are off).
        let on_exposed = exposed > 0.0 && uniform(rng) * (rate + exposed) < exposed;
        let (control, informers, residents, leaders, security, armed) = community
            .and_then(|ce| communities.get(ce).ok())
            .map(|c| {
                let own = if c.controller == Some(gi) {
                    c.control
                } else {
                    0.0
                };
                (
                    own,
                    c.informers,
                    c.residents,
                    c.leaders,
                    c.security(p.communities.policing_per_1000),
                    c.militia > 0.0,
                )
            })
            .unwrap_or((0.0, 0.0, 0.0, 0.0, 0.0, false));
        // A band holding a siege's ring strikes the town's people who go out (and its supply
        // convoys, the attacks on the forces): the civilians it kills are the town's.
        let town = if criminal {
            None
        } else {
            blockades
                .besieging(s, gi, cell)
                .and_then(|siege| siege.community)
                .map(|k| terrain.communities[k])
        };
        let residents = town
            .and_then(|ce| communities.get(ce).ok())
            .map_or(residents, |c| c.residents);
        let victims = town.or(community);
        let gs = &groups[gi];
        let civ_base = if criminal {
            v.criminal_civilian_targeting
        } else {
            group.tactics.civilian_targeting
        };
        let p_civ = if residents < 1.0 || on_exposed {
            0.0
        } else {
            let own = civilian_share(
                civ_base,
                control,
                gs.loss_ratio,
                gs.independence(),
                informers,
                v,
            );
            if armed && !criminal {
                reprisal_share(own, v)
            } else {
                own
            }
        };
        // Protected leaders are harder to reach.
        let guarded = 1.0 - policies.strength(s, InterventionKind::ProtectCommunities, cell, None);
        let p_lead = if criminal || on_exposed {
            0.0
        } else {
            (guarded
                * group.tactics.leader_targeting
                * leaders
                * group.objectives.ideological
                * v.leader_attack_scale
                * (1.0 + v.collaborator_targeting * informers))
                .min(v.max_targeted_share - p_civ)
        };
        let u = uniform(rng);
        let size = (fighters as f64 / REFERENCE_BAND).sqrt();
        let mut event = Event::new(
            clock.day,
            cell,
            Perpetrator::Group(gi),
            Some(bid),
            BATTLE,
            Target::SecurityForces,
        );
        if u < p_civ + p_lead {
            let leader = u >= p_civ;
            (event.event_type, event.sub_type) = ATTACK_ON_CIVILIANS;
            event.target = if leader {
                Target::Leaders
            } else {
                Target::Civilians
            };
            let killed = if leader {
                1 + geometric(rng, v.leader_attack_extra_deaths)
            } else {
                geometric(rng, v.civilian_fatalities * size)
            };
            event.civilians_killed = (killed as f64).min(residents.floor()) as u32;
            if let Some(ce) = victims
                && let Ok(mut c) = communities.get_mut(ce)
            {
                c.residents -= event.civilians_killed as f64;
                c.fear = (c.fear
                    + p.communities.fear_per_attack
                        * (1.0 + (1.0 + event.civilians_killed as f64).ln()))
                .min(1.0);
                if leader {
                    c.leaders *= p.communities.leader_standing_kept;
                    c.government = (c.government - p.control.government_loss).max(0.0);
                }
            }
            ledger.civilians_killed += event.civilians_killed as f64;
        } else {
            if uniform(rng) < v.remote_share {
                event.event_type = EventType::ExplosionsRemoteViolence;
                event.sub_type = SubType::RemoteExplosive;
            }
            event.security_killed = geometric(rng, v.security_fatalities * size);
            let lost = geometric(
                rng,
                v.battle_fatalities * v.attacker_loss_ratio * (v.attacker_loss_base + security),
            );
            event.militants_killed =
                take_losses(&mut bands, e, lost, p.bands.morale_per_loss, &mut ledger);
            if let Some(ce) = community
                && let Ok(mut c) = communities.get_mut(ce)
            {
                c.government = (c.government - p.control.government_loss).max(0.0);
                c.fear = (c.fear
                    + p.communities.fear_security_attack * p.communities.fear_per_attack)
                    .min(1.0);
            }
        }
        // Loot.
        if let Ok((_, mut b)) = bands.get_mut(e) {
            let loot = p.revenue.loot_usd.round() as i64;
            b.funds += loot;
            book(&mut ledger, &mut groups, gi, Source::Loot, loot);
        }
        log.events.push(event);
    }
}

/// Removes up to `n` fighters from a band (lower-level fighters first), counting them killed;
/// the band loses `morale_per_loss` of morale per fighter. Returns how many were removed.
pub fn take_losses(
    bands: &mut Query<(Entity, &mut Band)>,
    e: Entity,
    n: u32,
    morale_per_loss: f64,
    ledger: &mut Ledger,
) -> u32 {
    let Ok((_, mut b)) = bands.get_mut(e) else {
        return 0;
    };
    let n = n.min(b.fighters());
    let low = n.min(b.low_level);
    b.low_level -= low;
    b.hardliners -= n - low;
    b.recent_losses += n as f64;
    b.morale = (b.morale - morale_per_loss * n as f64).max(0.0);
    ledger.count(b.group, FighterFlow::Killed, n);
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tempo_follows_the_hold_only_when_switched_on() {
        // Off: no hold changes anything.
        assert_eq!(hold_tempo_factor(0.0, 0.0, 100_000.0), 1.0);
        assert_eq!(hold_tempo_factor(5.0e6, 0.0, 100_000.0), 1.0);
        // On: (1 − w) with nothing held, halfway at the half, towards 1 with much held.
        assert_eq!(hold_tempo_factor(0.0, 0.6, 100_000.0), 0.4);
        assert!((hold_tempo_factor(100_000.0, 0.6, 100_000.0) - 0.7).abs() < 1e-12);
        assert!(hold_tempo_factor(1.0e9, 0.6, 100_000.0) > 0.999);
        let rising = [0.0, 1.0e3, 1.0e4, 1.0e5, 1.0e6].map(|h| hold_tempo_factor(h, 0.6, 1.0e5));
        assert!(rising.windows(2).all(|w| w[0] < w[1]), "{rising:?}");
    }
}
