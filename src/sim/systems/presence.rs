//! Security presence (weekly): garrisons replace losses towards full strength (their strength
//! at the start, scaled by the history's `ForcesStrength` entries for their country), and each
//! community's troop presence is the sum over garrisons of troops × the garrison's normalised
//! weight exp(−distance / radius) there: a garrison's troops are spread over its reach; plus
//! the troops of counter-insurgency surges and community protection in force. A national
//! garrison reaches across its country's border only as far as a border agreement in force
//! lets it ([`crate::sim::agreements`]); its troops are then spread over both sides.

use bevy_ecs::prelude::*;

use crate::scenario::history::level_on;
use crate::scenario::{ForceName, HistoryEffect};
use crate::sim::agreements::BorderAgreements;
use crate::sim::components::{Community, ForceKind, Garrison};
use crate::sim::ids::{CommunityId, IdVec};
use crate::sim::policy::Policies;
use crate::sim::resources::{Clock, Setup, Terrain};

/// Recomputes troop presence in every community (weekly: the schedule runs it every seventh
/// day). Where no garrison's strength and no programme's troops changed since the last
/// computation (most weeks, once the garrisons are back at strength), every community's
/// presence would come out the same, so it is left as it is.
pub fn security_presence(
    clock: Res<Clock>,
    setup: Res<Setup>,
    terrain: Res<Terrain>,
    policies: Res<Policies>,
    mut garrisons: Query<&mut Garrison>,
    mut communities: Query<&mut Community>,
    mut cache: Local<PresenceCache>,
) {
    let reinforcement = setup.scenario.model.security.reinforcement;
    let mut sorted: Vec<_> = garrisons.iter_mut().collect();
    sorted.sort_by_key(|g| g.id);
    for g in sorted.iter_mut() {
        let force = match g.kind {
            ForceKind::National => ForceName::National,
            ForceKind::International => ForceName::International,
        };
        let level = level_on(&setup.scenario.history, clock.day, |e| match *e {
            HistoryEffect::ForcesStrength {
                country,
                force: f,
                factor,
            } if Some(country) == g.country && f == force => Some(factor),
            _ => None,
        });
        g.nominal = g.base * level;
        // A withdrawal is a departure, not a loss to replace: troops above the new strength leave at once.
        g.troops = g.troops.min(g.nominal);
        g.troops += (g.nominal - g.troops) * reinforcement;
    }
    let agreements = BorderAgreements::on(
        &setup.scenario.history,
        clock.day,
        setup.map.data.countries.len(),
    );
    let now = LastPresence {
        garrisons: sorted.iter().map(|g| g.troops.to_bits()).collect(),
        extra: policies.extra_troops.iter().map(|t| t.to_bits()).collect(),
        agreements: agreements.bits(),
    };
    if cache.last.as_ref() == Some(&now) {
        return;
    }
    let PresenceCache {
        troops,
        international,
        ..
    } = &mut *cache;
    troops.reset(0.0, terrain.communities.len());
    international.reset(0.0, terrain.communities.len());
    for g in &sorted {
        g.spread(&agreements, troops, international);
    }
    for mut c in &mut communities {
        c.troops = troops[c.id] + policies.extra_troops[c.id];
        c.international_troops = international[c.id];
    }
    cache.last = Some(now);
}

/// The system's own working state: the troops by community being summed (all, and the
/// international garrisons' among them), and what the last computation started from.
#[derive(Default)]
pub struct PresenceCache {
    troops: IdVec<CommunityId, f64>,
    international: IdVec<CommunityId, f64>,
    last: Option<LastPresence>,
}

/// What the last computation of troop presence started from, bit for bit: each garrison's
/// troops (in garrison order), each community's programme troops and the border agreements
/// in force.
#[derive(Debug, PartialEq)]
pub struct LastPresence {
    garrisons: Vec<u64>,
    extra: Vec<u64>,
    agreements: Vec<u64>,
}
