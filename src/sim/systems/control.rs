//! Territorial control (daily). Bands gain control of the cell they are in, the faster the
//! more fighters they have and the smaller the troops' share of the armed men present; a
//! rival's control is eroded first; with `control.town_hold` the towns of a cell resist in
//! proportion. Government presence shrinks where bands hold sway.

use bevy_ecs::prelude::*;

use super::sorted_bands;
use crate::sim::components::{Band, Community};
use crate::sim::ids::BandId;
use crate::sim::resources::{Clock, Setup, Terrain};

/// The share of community `c` that bands can take with `control.town_hold` at `town_hold`:
/// its countryside, and of its towns only what the state does not hold.
pub fn holdable_share(c: &Community, town_hold: f64) -> f64 {
    1.0 - town_hold * (1.0 - c.rural_share)
}

/// Updates control where bands are.
pub fn update_control(
    clock: Res<Clock>,
    setup: Res<Setup>,
    terrain: Res<Terrain>,
    bands: Query<(Entity, &Band)>,
    mut communities: Query<&mut Community>,
    mut order: Local<Vec<(BandId, Entity)>>,
) {
    let p = &setup.scenario.model;
    sorted_bands(bands.iter(), &mut order);
    for &(_, e) in order.iter() {
        let Ok((_, band)) = bands.get(e) else {
            continue;
        };
        let Some((_, ce)) = terrain.community_at(band.cell) else {
            continue;
        };
        let Ok(mut c) = communities.get_mut(ce) else {
            continue;
        };
        c.last_band_day = clock.day as i64;
        // The balance of force in the cell: the band's fighters against the troops present.
        let fighters = band.fighters() as f64;
        let security = c.troops / (c.troops + fighters).max(1.0);
        let weight = if band.criminal {
            p.control.criminal_weight
        } else {
            1.0
        };
        let mut gain =
            (p.control.gain_per_fighter * band.fighters() as f64 * weight * (1.0 - security))
                .min(p.control.max_daily_gain);
        if p.control.town_hold > 0.0 {
            gain *= holdable_share(&c, p.control.town_hold);
        }
        if c.controller == Some(band.group) || c.controller.is_none() {
            c.control += gain * (1.0 - c.control);
            if !band.criminal {
                c.controller = Some(band.group);
            }
        } else {
            c.control -= gain * c.control;
            if c.control < p.control.takeover {
                c.controller = Some(band.group);
            }
        }
        c.government = (c.government - p.control.government_erosion * gain * c.government).max(0.0);
    }
}
