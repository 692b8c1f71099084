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
//! Daily, each militia raids pastoralist communities of its cell and the cells around it on its
//! side of the border (at `militias.raid_rate` per 100 members per week, times the threat and
//! the pastoralist share of the cell raided; a cell's pastoralists are counted in its
//! countryside only, and with `militias.raid_presence` by the share of its people still at
//! home), killing civilians there; every such death
//! stigmatises the community raided (the stigmatisation–reprisal loop: [`stigmatise`]). It also
//! engages the bands in its own cell (`militias.clash_rate`), with losses on both sides.
//! Members are residents: those killed leave the residents and are counted apart.

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
use crate::sim::resources::{BandIndex, EventLog, Groups, Ledger, Terrain};
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
/// residents and displaced it was computed from: the same community is weighed by every
/// militia around it every day, and its people change far less often (the `powf` was a
/// sixth of a replicate's time).
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

/// What the militias read of a community around them, copied from it the first time it is
/// read in a run of [`militia_actions`] and kept up by that run's own writes (raids and
/// clashes change residents and fear; nothing else changes while it runs). Neighbourhoods
/// overlap, so that each community around the armed ones is looked up once a day instead of
/// once for each militia around it.
#[derive(Debug, Clone, Copy, Default)]
struct Around {
    /// The run of the system this copy was taken in (0: never).
    run: u64,
    /// Whether the community could be read at all.
    present: bool,
    fear: f64,
    residents: f64,
    displaced: f64,
    /// Pastoralist share × rural share.
    herders: f64,
}

/// The working state of [`militia_actions`] that only saves work: the copies of the
/// communities read this run.
#[derive(Debug, Default)]
pub struct AroundCache {
    /// Runs so far.
    run: u64,
    /// By community id.
    seen: Vec<Around>,
}

impl AroundCache {
    /// Starts a run: a new stamp.
    fn start(&mut self, terrain: &Terrain) {
        self.run += 1;
        let n = terrain.communities.len();
        if self.seen.len() != n {
            self.seen = vec![Around::default(); n];
        }
    }

    /// Community `k` (entity `e`) as it is now in this run.
    fn get(&mut self, k: CommunityId, e: Entity, communities: &Query<&mut Community>) -> Around {
        let a = &mut self.seen[k.index()];
        if a.run != self.run {
            *a = match communities.get(e) {
                Ok(t) => Around {
                    run: self.run,
                    present: true,
                    fear: t.fear,
                    residents: t.residents,
                    displaced: t.displaced,
                    herders: t.pastoralists * t.rural_share,
                },
                Err(_) => Around {
                    run: self.run,
                    ..Around::default()
                },
            };
        }
        *a
    }

    /// Community `t` (id `k`) was just written by this run: its copy, if taken, follows.
    fn wrote(&mut self, k: CommunityId, t: &Community) {
        let a = &mut self.seen[k.index()];
        if a.run == self.run {
            a.fear = t.fear;
            a.residents = t.residents;
            a.displaced = t.displaced;
        }
    }
}

/// The communities whose militia is under arms, and which militia: listed on the weekly step,
/// acted on every day of the week. A resource, not a system's local, so that a copy of the
/// world (`Simulation::fork`) carries it.
#[derive(Resource, Debug, Clone, Default)]
pub struct ArmedMilitias(pub Vec<(CommunityId, u32)>);

/// Mobilises, raids and clashes.
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
    mut targets: Local<Vec<(CellId, f64)>>,
    mut at_home_memo: Local<Vec<AtHome>>,
    mut around: Local<AroundCache>,
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
    around.start(&terrain);
    // Threat felt: the highest fear in the community's cell and around it, on this side of
    // the border.
    let threat_of =
        |k: CommunityId, around: &mut AroundCache, communities: &Query<&mut Community>| {
            let mut fear = 0.0f64;
            for &(_, tk) in &terrain.militia_neighbourhood[k] {
                let t = around.get(tk, terrain.communities[tk], communities);
                if t.present {
                    fear = fear.max(t.fear);
                }
            }
            felt_threat(mp, fear, mp.threat_floor)
        };
    if clock.weekly() {
        armed.0.clear();
        for (k, &ce) in terrain.communities.iter_enumerated() {
            // Where no militia covers the community its members stay at 0 (they start there,
            // and only this system changes them): nothing to do.
            if terrain.militias[k].is_empty() {
                continue;
            }
            let militia = active_militia(&terrain.militias[k], day);
            let threat = match (militia, communities.get(ce)) {
                (Some(_), Ok(_)) => threat_of(k, &mut around, &communities),
                _ => 0.0,
            };
            let Ok(mut c) = communities.get_mut(ce) else {
                continue;
            };
            let target = militia.map_or(0.0, |m| {
                let level = level_on(&s.history, day, |e| match *e {
                    HistoryEffect::MilitiaMobilisation { militia, factor }
                        if militia == m as usize =>
                    {
                        Some(factor)
                    }
                    _ => None,
                });
                let farmers = (c.residents.max(0.0) * c.rural_share
                    + mp.displaced_join * c.displaced.max(0.0))
                    * (1.0 - c.pastoralists);
                mp.members_per_1000 / 1000.0 * farmers * level * threat
            });
            c.militia += (target - c.militia) * mp.mobilisation_rate;
            c.militia = c.militia.clamp(0.0, c.residents.max(0.0));
            if c.militia < STOOD_DOWN {
                c.militia = 0.0;
            }
            if let (Some(m), true) = (militia, c.militia > 0.0) {
                armed.0.push((k, m));
            }
        }
    }
    let morale = p.bands.morale_per_loss;
    let mut new_events = Vec::new();
    for &(k, m) in armed.0.iter() {
        let ce = terrain.communities[k];
        let Ok(c) = communities.get(ce) else {
            continue;
        };
        let (members, cell, informers) = (c.militia, c.cell, c.informers);
        if members <= 0.0 {
            continue;
        }
        // One pass over the neighbourhood, on this side of the border: the threat felt (as
        // `threat_of`) and the pastoralist communities to raid.
        targets.clear();
        let mut fear = 0.0f64;
        for &(x, tk) in &terrain.militia_neighbourhood[k] {
            let t = around.get(tk, terrain.communities[tk], &communities);
            if !t.present {
                continue;
            }
            fear = fear.max(t.fear);
            let rural_herders = t.herders;
            if t.residents >= 1.0 && rural_herders > 0.0 {
                // Weighed by the share of its people still at home, when asked.
                let at_home = if mp.raid_presence > 0.0 {
                    at_home_weight(
                        &mut at_home_memo,
                        tk,
                        t.residents,
                        t.displaced,
                        mp.raid_presence,
                    )
                } else {
                    1.0
                };
                targets.push((x, rural_herders * at_home));
            }
        }
        let threat = felt_threat(mp, fear, mp.threat_floor * mp.raid_floor);
        let weight: f64 = targets.iter().map(|t| t.1).sum();
        if weight > 0.0 {
            let mean_share = weight / targets.len() as f64;
            let rng = rngs.get(Stream::Militias);
            let raids = poisson(
                rng,
                mp.raid_rate / DAYS_PER_WEEK * members / 100.0 * threat * mean_share,
            );
            for _ in 0..raids {
                let rng = rngs.get(Stream::Militias);
                let mut pick = uniform(rng) * weight;
                let mut at = targets[targets.len() - 1].0;
                for &(x, w) in targets.iter() {
                    if pick < w {
                        at = x;
                        break;
                    }
                    pick -= w;
                }
                let deaths = geometric(rng, mp.raid_deaths);
                let Some((tk, te)) = terrain.community_at(at) else {
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
                around.wrote(tk, &t);
                let mut ev = Event::new(
                    day,
                    at,
                    Perpetrator::Militia(m),
                    None,
                    ATTACK_ON_CIVILIANS,
                    Target::Civilians,
                );
                ev.civilians_killed = deaths as u32;
                new_events.push(ev);
            }
        }
        // Clashes with the bands in the militia's own cell.
        let engage = mp.clash_rate / DAYS_PER_WEEK * members / (members + CLASH_HALF_MEMBERS);
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
            around.wrote(k, &c);
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
