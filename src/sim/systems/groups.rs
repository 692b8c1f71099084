//! Group dynamics (daily): fighters are counted; leaders die on the dates the scenario's
//! `history` gives, and otherwise under the pressure of international forces (less so the politically embedded ones, whose networks protect them);
//! a group that loses its leader degrades, and one whose bands have all gone is absorbed by
//! the group that took most of them (AQIM Sahara and al Mourabitoun into Ansar Dine, in the
//! brief's reading).

use bevy_ecs::prelude::*;

use crate::scenario::{GroupStatus, HistoryKind};
use crate::sim::components::{Band, ForceKind, Garrison};
use crate::sim::resources::*;
use crate::sim::rng::{Rngs, Stream, chance};

/// Decay per day of a group's loss ratio (about 90 days).
const LOSS_MEMORY: f64 = 1.0 / 90.0;

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
    let data = setup.map.data;
    let north = data.areas.iter().position(|a| a.id == "north");
    let n = groups.0.len();
    let mut fighters = vec![0u32; n];
    let mut band_count = vec![0u32; n];
    for b in &bands {
        fighters[b.group] += b.fighters();
        band_count[b.group] += 1;
    }
    let international: f64 = garrisons
        .iter()
        .filter(|g| g.kind == ForceKind::International)
        .map(|g| g.troops)
        .sum();
    for gi in 0..n {
        let params = &s.groups[gi];
        let g = &mut groups.0[gi];
        g.fighters = fighters[gi];
        g.loss_ratio *= 1.0 - LOSS_MEMORY;
        if g.status == GroupStatus::Absorbed {
            continue;
        }
        let killed_today = s
            .history
            .iter()
            .any(|h| h.day == clock.day && h.group == gi && h.kind == HistoryKind::LeaderKilled);
        if killed_today && g.leader_alive {
            g.leader_alive = false;
            g.status = GroupStatus::Degraded;
            g.cohesion *= 0.4;
        } else if g.leader_alive {
            let in_north = params.home_regions.iter().any(|&r| {
                data.areas
                    .iter()
                    .position(|a| a.regions.contains(&data.regions[r].name))
                    == north
            });
            let hazard = s.model.security.leader_hazard * international / 10_000.0
                * if in_north { 1.0 } else { 0.25 }
                * (1.0 - params.objectives.political);
            if chance(rngs.get(Stream::Groups), hazard) {
                g.leader_alive = false;
                g.status = GroupStatus::Degraded;
                g.cohesion *= 0.4;
            } else {
                g.cohesion += 0.002 * (0.8 - g.cohesion);
            }
        } else {
            g.cohesion = (g.cohesion - 0.001).max(0.0);
        }
        if g.status == GroupStatus::Degraded && band_count[gi] == 0 {
            g.status = GroupStatus::Absorbed;
        }
    }
    // The absorber is the group that received most of the fighters.
    for gi in 0..n {
        if groups.0[gi].status == GroupStatus::Absorbed && groups.0[gi].absorbed_by.is_none() {
            groups.0[gi].absorbed_by = (0..n)
                .filter(|&h| groups.0[h].defections_in[gi] > 0)
                .max_by_key(|&h| (groups.0[h].defections_in[gi], std::cmp::Reverse(h)));
        }
    }
}
