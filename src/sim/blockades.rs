//! Sieges of towns (the history's `Blockade` entries). From an entry's date the coalition of
//! its group lays siege to the town: its bands are drawn to the ring of cells within the
//! entry's radius (`bands.blockade_pull`, docs/ODD.md 7.4). Where at least one of its bands
//! is in the ring the siege holds, and then (7.3, 7.8) the ring's villagers are driven out
//! (they flee as from the greatest fear), no one leaves the town, and the besiegers'
//! attacks strike the town's people who go out and the convoys that supply it: the
//! civilians they kill are the town's. A later entry for the same town with `factor` 0 lifts
//! the siege. The siege of Djibo, from 17 February 2022, is the pattern: the groups first
//! evicted the villagers around the town, then let no one leave and ambushed its supply
//! convoys (Wikipedia, *Siege of Djibo*; AP, July 2022).

use bevy_ecs::prelude::*;

use super::ids::{CellId, CommunityId, GroupId};
use super::resources::{BandIndex, Clock, Setup, Terrain};
use crate::geo::geometry::distance_km;
use crate::scenario::{Coalition, HistoryEffect, Scenario};

/// One besieged town: where it is, the cells around it and the siege's state today.
#[derive(Debug, Clone)]
pub struct Siege {
    /// Index of the town in the map's towns.
    pub town: usize,
    /// The town's community, where its cell is populated.
    pub community: Option<CommunityId>,
    /// The populated study-area cells around the town, up to the widest radius any of its
    /// entries gives, with their distance to the town, km (the town's own cell left out).
    pub around: Vec<(CellId, f64)>,
    /// The group whose coalition lays the siege, from the entry in force.
    pub group: GroupId,
    /// The ring's radius today, km, from the entry in force.
    pub radius_km: f64,
    /// The siege's level today (0: not laid, or lifted).
    pub level: f64,
    /// Whether a besieging band is in the ring today (only then does the siege act on the
    /// ring and the town).
    pub held: bool,
}

/// The sieges of the history, one per town, and which siege each cell's ring belongs to.
#[derive(Resource, Debug, Clone, Default)]
pub struct Blockades {
    /// One per town the history besieges, in the order of their first entries.
    pub sieges: Vec<Siege>,
    /// For each cell: the siege whose widest ring holds it, as its index + 1 (0: none); the
    /// first siege listed wins where rings overlap. Empty without sieges.
    ring_of: Vec<u32>,
    /// Whether any siege is laid today (most days of most runs none is, and then no cell
    /// needs looking up).
    laid: bool,
    /// Whether any siege holds today.
    held: bool,
}

/// Whether group `a`'s bands fight on the side of group `b`: the same group, or the same
/// coalition (the unaffiliated groups each on its own).
pub fn same_side(s: &Scenario, a: GroupId, b: GroupId) -> bool {
    let (ca, cb) = (s.groups[a.index()].coalition, s.groups[b.index()].coalition);
    a == b || (ca == cb && ca != Coalition::Unaffiliated)
}

impl Blockades {
    /// The sieges of `setup`'s history, their rings found on the grid (no siege in force yet).
    pub fn new(setup: &Setup, terrain: &Terrain) -> Self {
        let s = &setup.scenario;
        let map = &setup.map;
        let grid = &map.grid;
        let mut sieges: Vec<Siege> = Vec::new();
        let mut widest: Vec<f64> = Vec::new();
        for h in &s.history {
            if let HistoryEffect::Blockade {
                group,
                town,
                radius_km,
                ..
            } = h.effect
            {
                match sieges.iter().position(|g| g.town == town) {
                    Some(k) => widest[k] = widest[k].max(radius_km),
                    None => {
                        sieges.push(Siege {
                            town,
                            community: None,
                            around: Vec::new(),
                            group: GroupId::new(group),
                            radius_km,
                            level: 0.0,
                            held: false,
                        });
                        widest.push(radius_km);
                    }
                }
            }
        }
        if sieges.is_empty() {
            return Blockades::default();
        }
        let mut ring_of = vec![0u32; grid.cells.len()];
        for (k, (siege, &radius)) in sieges.iter_mut().zip(&widest).enumerate() {
            let at = map.data.towns[siege.town].at;
            let own = grid.cell_index(at);
            siege.community = own.and_then(|i| terrain.cells[CellId::new(i)].community);
            // A degree of latitude is about 111 km; of longitude, here, at least 95.
            for i in grid.window(at, radius / 111.0, radius / 95.0) {
                let c = &grid.cells[i];
                let d = distance_km(at, (c.lat, c.lon));
                let cell = CellId::new(i);
                if Some(i) == own || d > radius || terrain.cells[cell].community.is_none() {
                    continue;
                }
                siege.around.push((cell, d));
                if ring_of[i] == 0 {
                    ring_of[i] = k as u32 + 1;
                }
            }
        }
        Blockades {
            sieges,
            ring_of,
            laid: false,
            held: false,
        }
    }

    /// The siege whose ring holds `cell` today, if it is laid (its level above 0) and the
    /// cell lies within today's radius.
    pub fn laid_at(&self, cell: CellId) -> Option<&Siege> {
        if !self.laid {
            return None;
        }
        let k = *self.ring_of.get(cell.index())?;
        let siege = self.sieges.get((k as usize).checked_sub(1)?)?;
        let within = siege
            .around
            .iter()
            .any(|&(c, d)| c == cell && d <= siege.radius_km);
        (siege.level > 0.0 && within).then_some(siege)
    }

    /// The siege that `group`'s band in `cell` takes part in today: one laid by its side whose
    /// ring holds the cell and which holds.
    pub fn besieging(&self, s: &Scenario, group: GroupId, cell: CellId) -> Option<&Siege> {
        self.laid_at(cell)
            .filter(|g| g.held && same_side(s, group, g.group))
    }

    /// Whether any siege is in the history (otherwise nothing here acts).
    pub fn any(&self) -> bool {
        !self.sieges.is_empty()
    }

    /// Whether any siege holds today (otherwise none acts on the ring or the town).
    pub fn any_held(&self) -> bool {
        self.held
    }
}

/// Each day, after the bands have moved: each siege's entry in force (its group, radius and
/// level) and whether a band of its side is in its ring.
pub fn update_blockades(
    clock: Res<Clock>,
    setup: Res<Setup>,
    index: Res<BandIndex>,
    mut blockades: ResMut<Blockades>,
) {
    if !blockades.any() {
        return;
    }
    let s = &setup.scenario;
    let day = clock.day;
    let blockades = &mut *blockades;
    for siege in &mut blockades.sieges {
        let mut level = 0.0;
        for h in s.history.iter().take_while(|h| h.day <= day) {
            if let HistoryEffect::Blockade {
                group,
                town,
                radius_km,
                factor,
            } = h.effect
                && town == siege.town
            {
                siege.group = GroupId::new(group);
                siege.radius_km = radius_km;
                level = factor;
            }
        }
        siege.level = level;
        siege.held = level > 0.0
            && siege.around.iter().any(|&(cell, d)| {
                d <= siege.radius_km
                    && index
                        .in_cell(cell)
                        .any(|b| same_side(s, b.group, siege.group))
            });
    }
    blockades.laid = blockades.sieges.iter().any(|g| g.level > 0.0);
    blockades.held = blockades.sieges.iter().any(|g| g.held);
}
