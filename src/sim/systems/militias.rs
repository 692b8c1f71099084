//! Community self-defence militias allied to the state (Dan Na Ambassagou in central Mali,
//! Koglweogo and the Volunteers for the Defence of the Homeland in Burkina Faso).
//!
//! Weekly, every community covered by a militia (the map's `militias`, by region and date; the
//! one founded last where several cover it) moves its armed members towards a mobilised size:
//! `militias.members_per_1000` of its rural farming residents (residents × rural share × (1 −
//! pastoralist share): town dwellers do not join; Koglweogo, the Volunteers and Dan Na
//! Ambassagou are village self-defence groups; with `militias.displaced_join` that share of the
//! community's displaced joins the pool as farmers too),
//! times the militia's mobilisation level in the history, times the threat it feels (a floor,
//! plus the highest fear in its cell and the cells around it over `militias.threat_fear`, at
//! most 1). Militant violence thus raises militias where farmers live.
//!
//! Each militia raids pastoralist communities of its cell and the cells around it on its side
//! of the border (at `militias.raid_rate` per 100 members per week, times the threat and the
//! pastoralist share of the cell raided; a cell's pastoralists are counted in its countryside
//! only, and with `militias.raid_presence` by the share of its people still at home), killing
//! civilians there. The week's raids are drawn on the weekly step from the members, threat and
//! targets of that day (a Poisson count, each raid on a day of the week drawn uniformly) and
//! carried out on their day, against the target's residents of that day; every such death
//! stigmatises the community raided (the stigmatisation–reprisal loop: [`stigmatise`]). Daily, it
//! also engages the bands in its own cell (`militias.clash_rate`), with losses on both sides.
//! Members are residents: those killed leave the residents and are counted apart.
//!
//! An armed movement on a standing footing (the map's `standing`: MSA and GATIA in Gao and
//! Ménaka) differs in two ways. Its members do not wait for a threat: they are
//! `militias.movement_strength` × its standing strength × its mobilisation level, spread over
//! the communities it covers by their rural residents, herders included, from its date on
//! (its losses replaced within the week). And it engages the
//! bands in any of its communities with its whole strength, not the village's: a mobile force,
//! not a village guard. Its raids follow the same rule as any militia's.

use bevy_ecs::prelude::*;

use super::Setting;
use super::attacks::take_losses;
use super::attribution::observe;
use super::response::stigmatise;
use crate::scenario::HistoryEffect;
use crate::scenario::history::level_on;
use crate::scenario::interventions::InterventionKind;
use crate::scenario::model_params::Militias;
use crate::sim::components::{Band, Community};
use crate::sim::events::{ATTACK_ON_CIVILIANS, BATTLE, Event, Perpetrator, Target};
use crate::sim::ids::{CellId, CommunityId};
use crate::sim::resources::{BandIndex, EventLog, Groups, Ledger, Setup, Terrain};
use crate::sim::rng::{Rngs, Stream, chance, geometric, poisson, uniform};
use crate::sim::units::DAYS_PER_WEEK;

/// Members below which a community's militia is taken to have stood down. Numerical, not a
/// parameter.
const STOOD_DOWN: f64 = 0.5;

/// Militia members at which a clash's chance is half of `militias.clash_rate`: the chance is
/// `clash_rate` × m / (m + this). The unit of `clash_rate`, not a parameter.
const CLASH_HALF_MEMBERS: f64 = 100.0;

/// The militia that mobilises community `k` on `day`: the latest-founded of those covering it
/// whose date has come.
fn active_militia(militias: &[(u32, u32)], day: u32) -> Option<u32> {
    militias
        .iter()
        .filter(|&&(_, from)| from <= day)
        .max_by_key(|&&(m, from)| (from, m))
        .map(|&(m, _)| m)
}

/// The threat a militia feels with `fear` the highest fear around it: `floor` (the threat
/// floor, for raids scaled by `raid_floor`) plus the rest up to 1 as fear nears
/// `threat_fear`.
fn felt_threat(mp: &Militias, fear: f64, floor: f64) -> f64 {
    floor + (1.0 - mp.threat_floor) * (fear / mp.threat_fear).min(1.0)
}

/// A community's raid weight by the share of its people at home, remembered with the
/// residents and displaced it was computed from: it is weighed once a week, and its people
/// change far less often, so the `powf` (once a sixth of a replicate's time) is mostly
/// skipped.
#[derive(Debug, Clone, Copy, Default)]
pub struct AtHome {
    power: f64,
    residents: f64,
    displaced: f64,
    weight: f64,
}

/// (residents / (residents + displaced))^`power` for community `k` with these residents and
/// displaced, from `memo` when they are bit for bit those it was last computed from.
fn at_home_weight(
    memo: &mut Vec<AtHome>,
    k: CommunityId,
    residents: f64,
    displaced: f64,
    power: f64,
) -> f64 {
    let k = k.index();
    if memo.len() <= k {
        memo.resize(
            k + 1,
            AtHome {
                residents: f64::NAN,
                ..AtHome::default()
            },
        );
    }
    let m = &mut memo[k];
    let displaced = displaced.max(0.0);
    if m.residents.to_bits() != residents.to_bits()
        || m.displaced.to_bits() != displaced.to_bits()
        || m.power.to_bits() != power.to_bits()
    {
        *m = AtHome {
            power,
            residents,
            displaced,
            weight: (residents / (residents + displaced)).powf(power),
        };
    }
    m.weight
}

/// What the militias read of a community around them, copied from every community in one
/// pass at the start of the weekly step (nothing it reads changes while the step runs):
/// neighbourhoods overlap, and reading the copies in order is cheaper than looking each
/// community up once for every militia around it.
#[derive(Debug, Clone, Copy, Default)]
struct Around {
    /// Whether the community exists (every one does; a copy of a world could lack one).
    present: bool,
    fear: f64,
    /// Its raid weight as a militia's target: its herders in the countryside (pastoralist
    /// share × rural share), by the share of its people at home with
    /// `militias.raid_presence`; `None` where it is no target (no herders, or under one
    /// resident).
    raid: Option<f64>,
}

/// The working state of [`militia_actions`] that only saves work.
#[derive(Debug, Default)]
pub struct MilitiaScratch {
    /// The raid weights by the share of the people at home, by community id.
    at_home: Vec<AtHome>,
    /// The copies of the communities the weekly step reads, by community id.
    around: Vec<Around>,
    /// The communities the weekly step reads (a militia covers them or one around them), in
    /// id order, found once (`None` before): looked up one by one, so that the others (most
    /// of them) are not read at all.
    read: Option<Vec<CommunityId>>,
}

impl MilitiaScratch {
    /// Copies every community the weekly step reads into `around`, with its raid weight
    /// (once a week, however many militias have it in their neighbourhood).
    fn copy_communities(
        &mut self,
        terrain: &Terrain,
        communities: &Query<&mut Community>,
        raid_presence: f64,
    ) {
        let read = self.read.get_or_insert_with(|| {
            let mut read = vec![false; terrain.communities.len()];
            for (k, covering) in terrain.militias.iter_enumerated() {
                if !covering.is_empty() {
                    read[k.index()] = true;
                    for &(_, t) in &terrain.militia_neighbourhood[k] {
                        read[t.index()] = true;
                    }
                }
            }
            read.iter()
                .enumerate()
                .filter(|&(_, &r)| r)
                .map(|(k, _)| CommunityId::new(k))
                .collect()
        });
        self.around.clear();
        self.around
            .resize(terrain.communities.len(), Around::default());
        for &k in read.iter() {
            let Ok(t) = communities.get(terrain.communities[k]) else {
                continue;
            };
            let herders = t.pastoralists * t.rural_share;
            let raid = (t.residents >= 1.0 && herders > 0.0).then(|| {
                let at_home = if raid_presence > 0.0 {
                    at_home_weight(
                        &mut self.at_home,
                        t.id,
                        t.residents,
                        t.displaced,
                        raid_presence,
                    )
                } else {
                    1.0
                };
                herders * at_home
            });
            self.around[t.id.index()] = Around {
                present: true,
                fear: t.fear,
                raid,
            };
        }
    }
}

/// A militia under arms this week, as the weekly step found it: its community, which militia
/// and the pastoralist communities around it it may raid.
#[derive(Debug, Clone)]
struct Armed {
    community: CommunityId,
    /// The community's cell.
    cell: CellId,
    militia: u32,
    /// Its raid targets: a range of [`ArmedMilitias::targets`].
    targets: std::ops::Range<usize>,
    /// The targets' weights summed.
    weight: f64,
}

/// The communities whose militia is under arms, which militia, and what each may raid: listed
/// on the weekly step, acted on every day of the week. A resource, not a system's local, so
/// that a copy of the world (`Simulation::fork`) carries it.
#[derive(Resource, Debug, Clone, Default)]
pub struct ArmedMilitias {
    armed: Vec<Armed>,
    /// The raid targets of every armed community, one after another: cell and weight.
    targets: Vec<(CellId, f64)>,
    /// The week's raids, by day: the day and the raiding militia (an index into `armed`).
    raids: Vec<(u32, u32)>,
    /// By militia (index into the map's militias): its members under arms this week, summed
    /// over its communities (what an armed movement engages a band with).
    strength: Vec<f64>,
    /// The first of `raids` not yet carried out.
    next_raid: usize,
}

/// Mobilises (weekly), raids and clashes.
#[allow(clippy::too_many_arguments)] // a system's parameters are what it reads and writes
pub fn militia_actions(
    setting: Setting,
    index: Res<BandIndex>,
    mut groups: ResMut<Groups>,
    mut rngs: ResMut<Rngs>,
    mut ledger: ResMut<Ledger>,
    mut log: ResMut<EventLog>,
    mut bands: Query<(Entity, &mut Band)>,
    mut communities: Query<&mut Community>,
    mut armed: ResMut<ArmedMilitias>,
    mut scratch: Local<MilitiaScratch>,
) {
    let Setting {
        clock,
        setup,
        terrain,
        policies,
    } = setting;
    let s = &setup.scenario;
    let p = &s.model;
    let mp = &p.militias;
    let day = clock.day;
    if clock.weekly() {
        mobilise(
            &setup,
            &terrain,
            day,
            &mut communities,
            &mut armed,
            &mut scratch,
            &mut rngs,
        );
    }
    let morale = p.bands.morale_per_loss;
    let mut new_events = Vec::new();
    let armed = &mut *armed;
    // Today's raids.
    while let Some(&(raid_day, i)) = armed.raids.get(armed.next_raid)
        && raid_day <= day
    {
        armed.next_raid += 1;
        let a = &armed.armed[i as usize];
        // A militia whose members have all been killed since raids no more.
        if communities
            .get(terrain.communities[a.community])
            .map_or(true, |c| c.militia <= 0.0)
        {
            continue;
        }
        let targets = &armed.targets[a.targets.clone()];
        let rng = rngs.get(Stream::Militias);
        let mut pick = uniform(rng) * a.weight;
        let mut at = targets[targets.len() - 1].0;
        for &(x, w) in targets.iter() {
            if pick < w {
                at = x;
                break;
            }
            pick -= w;
        }
        let deaths = geometric(rng, mp.raid_deaths);
        let Some((_, te)) = terrain.community_at(at) else {
            continue;
        };
        let Ok(mut t) = communities.get_mut(te) else {
            continue;
        };
        let deaths = (deaths as f64).min(t.residents.floor());
        t.residents -= deaths;
        ledger.civilians_killed += deaths;
        t.fear = (t.fear + p.communities.fear_per_attack).min(1.0);
        stigmatise(&mut t, deaths, p.communities.stigma_per_death);
        let mut ev = Event::new(
            day,
            at,
            Perpetrator::Militia(a.militia),
            None,
            ATTACK_ON_CIVILIANS,
            Target::Civilians,
        );
        ev.civilians_killed = deaths as u32;
        new_events.push(ev);
    }
    for a in &armed.armed {
        let (cell, m) = (a.cell, a.militia);
        // Only where a band is in the militia's cell.
        if index.in_cell(cell).next().is_none() {
            continue;
        }
        let ce = terrain.communities[a.community];
        let Ok(c) = communities.get(ce) else {
            continue;
        };
        let (members, informers) = (c.militia, c.informers);
        if members <= 0.0 {
            continue;
        }
        // Clashes with the bands in the militia's own cell: a village's militia with its own
        // members, an armed movement with its whole strength.
        let force = if setup.map.data.militias[m as usize].standing.is_some() {
            armed.strength[m as usize]
        } else {
            members
        };
        let engage = mp.clash_rate / DAYS_PER_WEEK * force / (force + CLASH_HALF_MEMBERS);
        for b in index.in_cell(cell) {
            if !chance(rngs.get(Stream::Militias), engage) {
                continue;
            }
            let hits = geometric(rngs.get(Stream::Militias), mp.clash_hits);
            let killed = take_losses(&mut bands, b.entity, hits, morale, &mut ledger);
            groups[b.group].loss_ratio += killed as f64 / groups[b.group].fighters.max(1) as f64;
            let lost = geometric(rngs.get(Stream::Militias), mp.clash_deaths);
            let Ok(mut c) = communities.get_mut(ce) else {
                continue;
            };
            let lost = (lost as f64)
                .min(c.militia.floor())
                .min(c.residents.floor());
            c.militia -= lost;
            c.residents -= lost;
            ledger.militia_killed += lost;
            let gain = policies.strength(
                s,
                InterventionKind::DisaggregateAttribution,
                cell,
                Some(b.group),
            );
            let mut ev = Event::new(
                day,
                cell,
                Perpetrator::Militia(m),
                Some(b.band),
                BATTLE,
                Target::Group(b.group),
            );
            ev.target_attributed = observe(
                b.group,
                cell,
                informers,
                gain,
                s,
                &terrain,
                rngs.get(Stream::Militias),
            );
            ev.militants_killed = killed;
            ev.security_killed = lost as u32;
            new_events.push(ev);
        }
    }
    log.events.extend(new_events);
}

/// The weekly step: every community covered by a militia moves its members towards the
/// mobilised size, and those under arms are listed with the threat they feel and the
/// pastoralist communities around them they may raid this week (on their side of the border,
/// weighed by herders in the countryside and, with `militias.raid_presence`, by the share of
/// their people still at home).
fn mobilise(
    setup: &Setup,
    terrain: &Terrain,
    day: u32,
    communities: &mut Query<&mut Community>,
    armed: &mut ArmedMilitias,
    scratch: &mut MilitiaScratch,
    rngs: &mut Rngs,
) {
    let s = &setup.scenario;
    let mp = &s.model.militias;
    scratch.copy_communities(terrain, communities, mp.raid_presence);
    let around = &scratch.around;
    // Each militia's mobilisation level in the history on this day.
    let levels: Vec<f64> = (0..setup.map.data.militias.len())
        .map(|m| {
            level_on(&s.history, day, |e| match *e {
                HistoryEffect::MilitiaMobilisation { militia, factor } if militia == m => {
                    Some(factor)
                }
                _ => None,
            })
        })
        .collect();
    armed.armed.clear();
    armed.targets.clear();
    armed.raids.clear();
    armed.next_raid = 0;
    let n_militias = setup.map.data.militias.len();
    armed.strength.clear();
    armed.strength.resize(n_militias, 0.0);
    // Each armed movement's standing members, spread over the communities it mobilises by
    // their rural residents: the residents it spreads over, summed first.
    let standing = |m: u32| setup.map.data.militias[m as usize].standing;
    let mut spread = vec![0.0f64; n_militias];
    if mp.movement_strength > 0.0 && setup.map.data.militias.iter().any(|m| m.standing.is_some()) {
        for (k, &ce) in terrain.communities.iter_enumerated() {
            if let Some(m) = active_militia(&terrain.militias[k], day)
                && standing(m).is_some()
                && let Ok(c) = communities.get(ce)
            {
                spread[m as usize] += c.residents.max(0.0) * c.rural_share;
            }
        }
    }
    for (k, &ce) in terrain.communities.iter_enumerated() {
        // Where no militia covers the community its members stay at 0 (they start there,
        // and only this system changes them): nothing to do.
        if terrain.militias[k].is_empty() {
            continue;
        }
        let militia = active_militia(&terrain.militias[k], day);
        // The neighbourhood, on this side of the border: the highest fear now, and the
        // pastoralist communities to raid once the militia is known to be under arms (most
        // covered communities are not, and their targets would be thrown away).
        let neighbourhood: &[(CellId, CommunityId)] =
            if militia.is_some() && around[k.index()].present {
                &terrain.militia_neighbourhood[k]
            } else {
                &[]
            };
        let mut fear = 0.0f64;
        for &(_, tk) in neighbourhood {
            let t = around[tk.index()];
            // `max`'s result, NaN included, from a start of +0.0.
            if t.present && t.fear > fear {
                fear = t.fear;
            }
        }
        let threat = if militia.is_some() {
            felt_threat(mp, fear, mp.threat_floor)
        } else {
            0.0
        };
        let Ok(mut c) = communities.get_mut(ce) else {
            continue;
        };
        // The movement's standing strength, where the community's militia is one.
        let movement = militia.and_then(standing);
        let target = militia.map_or(0.0, |m| {
            let level = levels[m as usize];
            if let Some(strength) = movement {
                let rural = c.residents.max(0.0) * c.rural_share;
                return if spread[m as usize] > 0.0 {
                    mp.movement_strength * strength * level * rural / spread[m as usize]
                } else {
                    0.0
                };
            }
            let farmers = (c.residents.max(0.0) * c.rural_share
                + mp.displaced_join * c.displaced.max(0.0))
                * (1.0 - c.pastoralists);
            mp.members_per_1000 / 1000.0 * farmers * level * threat
        });
        if movement.is_some() {
            // A standing force is at its strength from its date, its losses replaced within
            // the week; spread thin over many villages, its share of one may be a fraction
            // of a fighter.
            c.militia = target.clamp(0.0, c.residents.max(0.0));
        } else {
            c.militia += (target - c.militia) * mp.mobilisation_rate;
            c.militia = c.militia.clamp(0.0, c.residents.max(0.0));
            if c.militia < STOOD_DOWN {
                c.militia = 0.0;
            }
        }
        match militia {
            Some(m) if c.militia > 0.0 => {
                armed.strength[m as usize] += c.militia;
                let start = armed.targets.len();
                armed
                    .targets
                    .extend(neighbourhood.iter().filter_map(|&(x, tk)| {
                        let t = around[tk.index()];
                        t.raid.filter(|_| t.present).map(|weight| (x, weight))
                    }));
                let n = armed.targets.len() - start;
                let weight: f64 = armed.targets[start..].iter().map(|t| t.1).sum();
                // The week's raids, each on a day of the week.
                if weight > 0.0 {
                    let threat = felt_threat(mp, fear, mp.threat_floor * mp.raid_floor);
                    let mean_share = weight / n as f64;
                    let rng = rngs.get(Stream::Militias);
                    let raids =
                        poisson(rng, mp.raid_rate * c.militia / 100.0 * threat * mean_share);
                    let raider = armed.armed.len() as u32;
                    for _ in 0..raids {
                        let offset =
                            ((uniform(rng) * DAYS_PER_WEEK) as u32).min(DAYS_PER_WEEK as u32 - 1);
                        armed.raids.push((day + offset, raider));
                    }
                }
                armed.armed.push(Armed {
                    community: k,
                    cell: c.cell,
                    militia: m,
                    targets: start..armed.targets.len(),
                    weight,
                });
            }
            _ => {}
        }
    }
    // By day; on a day, in the order of the communities (the sort is stable).
    armed.raids.sort_by_key(|r| r.0);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_latest_founded_militia_whose_date_has_come_mobilises() {
        let covering = [(1, 0), (2, 1000)];
        assert_eq!(active_militia(&covering, 10), Some(1));
        assert_eq!(active_militia(&covering, 1000), Some(2));
        assert_eq!(active_militia(&[(0, 50)], 10), None);
        assert_eq!(active_militia(&[], 10), None);
    }
}
