//! Attribution (daily): to whom an outside observer attributes each of today's events.
//! A few events are claimed. Otherwise intelligence (better where residents inform) names the
//! right component group; failing that, the observer goes by area and pattern: an event in a
//! JNIM component's home area (or by a group observers associate with JNIM, such as eastern
//! Burkina Faso's bands) is put down to "JNIM" as a whole, one in the Islamic State's area to
//! the Islamic State, the rest stay unidentified. State operations are attributed to
//! the state; the group they engage is named as the forces believed it to be.

use bevy_ecs::prelude::*;
use rand_chacha::ChaCha8Rng;

use crate::scenario::interventions::InterventionKind;
use crate::scenario::{Coalition, Scenario};
use crate::sim::components::Community;
use crate::sim::events::{Attributed, Perpetrator};
use crate::sim::ids::{CellId, GroupId};
use crate::sim::policy::Policies;
use crate::sim::resources::{EventLog, Setup, Terrain};
use crate::sim::rng::{Rngs, Stream, chance};

/// How an observer names group `g`'s action in `cell`, where a share `informers` of residents
/// inform and better intelligence (a `DisaggregateAttribution` intervention) closes a share
/// `gain` of the gap to perfect attribution.
pub fn observe(
    g: GroupId,
    cell: CellId,
    informers: f64,
    gain: f64,
    s: &Scenario,
    terrain: &Terrain,
    rng: &mut ChaCha8Rng,
) -> Attributed {
    let a = &s.model.attribution;
    let quality = a.quality + (1.0 - a.quality) * a.informer_intelligence * informers;
    let quality = quality + (1.0 - quality) * gain;
    if chance(rng, a.claim_rate) || chance(rng, quality) {
        return Attributed::Group(g);
    }
    let zone = |coalition: Coalition| {
        s.groups
            .iter()
            .enumerate()
            .any(|(h, gp)| gp.coalition == coalition && terrain.is_home(GroupId::new(h), cell))
    };
    let perceived = s.groups[g.index()].attributed_as;
    if (zone(Coalition::Jnim) || perceived == Coalition::Jnim) && chance(rng, a.generic_jnim) {
        Attributed::Jnim
    } else if (zone(Coalition::IslamicState) || perceived == Coalition::IslamicState)
        && chance(rng, a.generic_jnim)
    {
        Attributed::IslamicState
    } else {
        Attributed::Unidentified
    }
}

/// Attributes today's events by armed groups (state operations name their own target when
/// they are created).
pub fn attribute_events(
    setup: Res<Setup>,
    terrain: Res<Terrain>,
    mut rngs: ResMut<Rngs>,
    mut log: ResMut<EventLog>,
    policies: Res<Policies>,
    communities: Query<&Community>,
) {
    let start = log.today_start;
    for ev in log.events[start..].iter_mut() {
        match ev.perpetrator {
            Perpetrator::State => ev.attributed = Attributed::State,
            Perpetrator::Militia(m) => ev.attributed = Attributed::Militia(m),
            Perpetrator::Group(g) => {
                let informers = terrain
                    .community_at(ev.cell)
                    .and_then(|(_, ce)| communities.get(ce).ok())
                    .map(|c| c.informers)
                    .unwrap_or(0.0);
                let gain = policies.strength(
                    &setup.scenario,
                    InterventionKind::DisaggregateAttribution,
                    ev.cell,
                    Some(g),
                );
                ev.attributed = observe(
                    g,
                    ev.cell,
                    informers,
                    gain,
                    &setup.scenario,
                    &terrain,
                    rngs.get(Stream::Attribution),
                );
            }
        }
    }
}
