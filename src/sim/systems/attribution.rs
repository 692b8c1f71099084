//! Attribution (daily): to whom an outside observer attributes each of today's events.
//! A few events are claimed. Otherwise intelligence (better where residents inform) names the
//! right component group; failing that, the observer goes by area and pattern: an event in a
//! JNIM component's home area is put down to "JNIM" as a whole, one in the Islamic State's
//! area to the Islamic State, the rest stay unidentified. State operations are attributed to
//! the state.

use bevy_ecs::prelude::*;

use crate::scenario::Coalition;
use crate::sim::components::Community;
use crate::sim::events::{Attributed, Perpetrator};
use crate::sim::resources::{EventLog, Setup, Terrain};
use crate::sim::rng::{Rngs, Stream, chance};

/// Attributes today's events.
pub fn attribute_events(
    setup: Res<Setup>,
    terrain: Res<Terrain>,
    mut rngs: ResMut<Rngs>,
    mut log: ResMut<EventLog>,
    communities: Query<&Community>,
) {
    let s = &setup.scenario;
    let a = &s.model.attribution;
    let start = log.today_start;
    for ev in log.events[start..].iter_mut() {
        let Perpetrator::Group(g) = ev.perpetrator else {
            ev.attributed = Attributed::State;
            continue;
        };
        let rng = rngs.get(Stream::Attribution);
        let info = &terrain.cells[ev.cell];
        let informers = info
            .community
            .and_then(|k| communities.get(terrain.communities[k]).ok())
            .map(|c| c.informers)
            .unwrap_or(0.0);
        let quality = a.quality + (1.0 - a.quality) * 0.5 * informers;
        if chance(rng, a.claim_rate) || chance(rng, quality) {
            ev.attributed = Attributed::Group(g);
            continue;
        }
        let zone = |coalition: Coalition| {
            info.region.is_some_and(|r| {
                s.groups
                    .iter()
                    .enumerate()
                    .any(|(h, gp)| gp.coalition == coalition && terrain.home[h][r])
            })
        };
        ev.attributed = if zone(Coalition::Jnim) && chance(rng, a.generic_jnim) {
            Attributed::Jnim
        } else if zone(Coalition::IslamicState) && chance(rng, a.generic_jnim) {
            Attributed::IslamicState
        } else {
            Attributed::Unidentified
        };
    }
}
