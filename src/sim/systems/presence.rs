//! Security presence (weekly): garrisons replace losses towards full strength, and each
//! community's troop presence is the sum over garrisons of troops × the garrison's normalised
//! weight exp(−distance / radius) there: a garrison's troops are spread over its reach; plus
//! the troops of counter-insurgency surges and community protection in force.

use bevy_ecs::prelude::*;

use crate::sim::components::{Community, Garrison};
use crate::sim::policy::Policies;
use crate::sim::resources::{Clock, Terrain};

/// Share of missing troops replaced each week.
const REINFORCEMENT: f64 = 0.1;

/// Recomputes troop presence in every community, weekly.
pub fn security_presence(
    clock: Res<Clock>,
    terrain: Res<Terrain>,
    policies: Res<Policies>,
    mut garrisons: Query<&mut Garrison>,
    mut communities: Query<&mut Community>,
    mut buf: Local<Vec<f64>>,
) {
    if !clock.weekly() {
        return;
    }
    buf.clear();
    buf.resize(terrain.communities.len(), 0.0);
    let mut sorted: Vec<_> = garrisons.iter_mut().collect();
    sorted.sort_by_key(|g| g.id);
    for mut g in sorted {
        g.troops += (g.nominal - g.troops) * REINFORCEMENT;
        for &(k, w) in &g.reach {
            buf[k] += g.troops * w;
        }
    }
    for mut c in &mut communities {
        c.troops = buf[c.id] + policies.extra_troops[c.id];
    }
}
