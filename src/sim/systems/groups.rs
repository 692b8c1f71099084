//! Group dynamics (daily): fighters are counted; leaders die on the dates the scenario's
//! `history` gives, and otherwise under the pressure of international forces (less so the politically embedded ones, whose networks protect them);
//! a group that loses its leader degrades, and one whose bands have all gone is absorbed by
//! the group that took most of them (AQIM Sahara and al Mourabitoun into Ansar Dine, in the
//! brief's reading).

use bevy_ecs::prelude::*;

use crate::scenario::{GroupStatus, HistoryEffect};
use crate::sim::components::{Band, ForceKind, Garrison};
use crate::sim::ids::{GroupId, IdVec};
use crate::sim::resources::*;
use crate::sim::rng::{Rngs, Stream, chance};

/// International troops per unit of `security.leader_hazard` (a rate per 10,000 troops). Not a
/// parameter: it is the unit of `leader_hazard`.
pub const HAZARD_TROOPS: f64 = 10_000.0;

/// Updates groups.
pub fn group_dynamics(
    clock: Res<Clock>,
    setup: Res<Setup>,
    mut groups: ResMut<Groups>,
    mut rngs: ResMut<Rngs>,
    bands: Query<&Band>,
    garrisons: Query<&Garrison>,
) {
    let s = &setup.scenario;
    let lead = &s.model.leadership;
    let data = setup.map.data;
    let north = data.areas.iter().position(|a| a.id == "north");
    let n = groups.len();
    let mut fighters: IdVec<GroupId, u32> = IdVec::filled(0, n);
    let mut band_count: IdVec<GroupId, u32> = IdVec::filled(0, n);
    for b in &bands {
        fighters[b.group] += b.fighters();
        band_count[b.group] += 1;
    }
    let international: f64 = garrisons
        .iter()
        .filter(|g| g.kind == ForceKind::International)
        .map(|g| g.troops)
        .sum();
    for gi in groups.ids() {
        let params = &s.groups[gi.index()];
        let g = &mut groups[gi];
        g.fighters = fighters[gi];
        g.loss_ratio *= 1.0 - 1.0 / s.model.bands.loss_memory_days;
        if g.status == GroupStatus::Absorbed {
            continue;
        }
        let today = |effect: HistoryEffect| {
            s.history
                .iter()
                .any(|h| h.day == clock.day && h.effect == effect)
        };
        if today(HistoryEffect::LeaderReplaced { group: gi.index() })
            && !g.leader_alive
            && band_count[gi] > 0
        {
            // A successor takes over what is left: cohesion recovers from where it stands. A
            // group with no band left has nothing to lead and is absorbed below.
            g.leader_alive = true;
            g.status = GroupStatus::Active;
        } else if today(HistoryEffect::LeaderKilled { group: gi.index() }) && g.leader_alive {
            g.leader_alive = false;
            g.status = GroupStatus::Degraded;
            g.cohesion *= lead.cohesion_kept;
        } else if g.leader_alive {
            let in_north = params.home_regions.iter().any(|&r| {
                data.areas
                    .iter()
                    .position(|a| a.regions.contains(&data.regions[r].name))
                    == north
            });
            let hazard = s.model.security.leader_hazard * international / HAZARD_TROOPS
                * if in_north {
                    1.0
                } else {
                    s.model.security.leader_hazard_outside_north
                }
                * (1.0 - params.objectives.political);
            if chance(rngs.get(Stream::Groups), hazard) {
                g.leader_alive = false;
                g.status = GroupStatus::Degraded;
                g.cohesion *= lead.cohesion_kept;
            } else {
                g.cohesion += lead.cohesion_recovery * (lead.cohesion_level - g.cohesion);
            }
        } else {
            g.cohesion = (g.cohesion - lead.leaderless_decay).max(0.0);
        }
        if g.status == GroupStatus::Degraded && band_count[gi] == 0 {
            g.status = GroupStatus::Absorbed;
        }
    }
    // The absorber is the group that received most of the fighters.
    for gi in groups.ids() {
        if groups[gi].status == GroupStatus::Absorbed && groups[gi].absorbed_by.is_none() {
            groups[gi].absorbed_by = groups
                .ids()
                .filter(|&h| groups[h].defections_in[gi] > 0)
                .max_by_key(|&h| (groups[h].defections_in[gi], std::cmp::Reverse(h)));
        }
    }
}
