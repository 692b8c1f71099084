//! The daily schedule, in one place. Systems run one after another on one thread, in this
//! order; the weekly ones do their work on every seventh day (day 0, 7, 14, …).
//!
//! 0. `apply_policies`: interventions switched on and off; their monthly steps
//!    (negotiation rounds, reintegration intakes).
//! 1. `security_presence` (weekly): garrisons reinforce; troop presence per community.
//! 2. `community_choices` (weekly): Epstein support and informers, legitimacy, fear, control
//!    decay, government presence, leaders replaced.
//! 3. `displacement_and_schools` (weekly): flight, return, school closures.
//! 4. `move_bands`, then `index_bands`: bands move; the band-by-cell index is rebuilt.
//! 5. `collect_revenue`: income, remittances, upkeep, kidnappings.
//! 6. `update_control`: bands gain control where they are.
//! 7. `recruit`: bands recruit from active supporters.
//! 8. `band_attacks`: rival clashes, attacks on civilians, leaders and security forces.
//! 9. `attribute_events`: today's events are attributed.
//! 10. `security_response`: responses to attributed events, patrols.
//! 11. `band_dynamics`: morale, desertion, defection, crime, splits, disbanding.
//! 12. `group_dynamics`: fighters counted, leaders killed, groups degraded and absorbed.

use bevy_ecs::prelude::*;
use bevy_ecs::schedule::SingleThreadedExecutor;

use super::systems::*;

/// Builds the day's schedule.
pub fn daily_schedule() -> Schedule {
    let mut schedule = Schedule::default();
    schedule.set_executor(SingleThreadedExecutor::new());
    schedule.add_systems(
        (
            crate::sim::policy::apply_policies,
            presence::security_presence,
            communities::community_choices,
            displacement::displacement_and_schools,
            movement::move_bands,
            band_index::index_bands,
            revenue::collect_revenue,
            control::update_control,
            recruitment::recruit,
            attacks::band_attacks,
            attribution::attribute_events,
            response::security_response,
            band_dynamics::band_dynamics,
            groups::group_dynamics,
        )
            .chain(),
    );
    schedule
}
