//! The daily schedule, in one place. Systems run one after another on one thread, in this
//! order, each in the [`Step`] set named after its submodel in docs/ODD.md; the weekly steps
//! run on every seventh day (day 0, 7, 14, …) through the [`weekly`] run condition.
//!
//! 0. `apply_policies`: interventions switched on and off; their monthly steps
//!    (negotiation rounds, reintegration intakes).
//! 1. `security_presence` (weekly): garrisons reinforce; troop presence per community.
//! 2. `community_choices` (weekly): Epstein support and informers, legitimacy, fear, control
//!    decay, government presence, leaders replaced, and each community's willing recruits
//!    noted; then `update_recruit_pull`: the field of willing recruits within reach that
//!    draws bands.
//! 3. `displacement_and_schools` (weekly): flight, return, school closures; then each
//!    community's recruitment pool refills (`recruitment::refill_pool`).
//! 4. `move_bands`, then `index_bands`: bands move; the band-by-cell index is rebuilt; then
//!    `update_blockades`: each siege's entry in force and whether its side holds the ring.
//! 5. `collect_revenue`: income, remittances, upkeep, kidnappings.
//! 6. `update_control`: bands gain control where they are.
//! 7. `recruit`: bands recruit from active supporters (from the pools refilled at step 3 on
//!    the weekly days).
//! 8. `band_attacks`: rival clashes, attacks on civilians, leaders and security forces;
//!    then `militia_actions`: militias mobilise and draw the week's raids (weekly), raid
//!    pastoralist communities on the raids' days and engage bands.
//! 9. `attribute_events`: today's events are attributed.
//! 10. `security_response`: responses to attributed events, patrols.
//! 11. `band_dynamics`: morale, desertion, defection, crime, splits, disbanding.
//! 12. `group_dynamics`: fighters counted, leaders killed, groups degraded and absorbed.

use bevy_ecs::prelude::*;
use bevy_ecs::schedule::SingleThreadedExecutor;

use super::resources::Clock;
use super::systems::*;

/// The steps of a day, named after the submodels of docs/ODD.md (§7), in the order they run.
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Step {
    /// 7.13: interventions switched on and off; their monthly steps.
    PolicyInterventions,
    /// 7.1 (weekly): garrisons reinforce; troop presence per community.
    SecurityPresence,
    /// 7.2 (weekly): communities' choices, legitimacy, fear, control and government presence.
    CommunityChoices,
    /// 7.3 (weekly): flight, return, school closures.
    DisplacementAndSchools,
    /// 7.4: bands move; the band-by-cell index is rebuilt.
    BandMovement,
    /// 7.5: income, remittances, upkeep, kidnappings.
    RevenueAndSpending,
    /// 7.6: bands gain control where they are.
    Control,
    /// 7.7: bands recruit from active supporters.
    Recruitment,
    /// 7.8: clashes and attacks.
    Attacks,
    /// 7.8b: militias mobilise and draw the week's raids (weekly), raid and engage bands.
    Militias,
    /// 7.9: today's events are attributed.
    Attribution,
    /// 7.10: responses to attributed events, patrols.
    SecurityResponse,
    /// 7.11: morale, desertion, defection, crime, splits, disbanding.
    BandDynamics,
    /// 7.12: fighters counted, leaders killed, groups degraded and absorbed.
    GroupDynamics,
}

/// Run condition of the weekly steps: the day is a multiple of seven.
pub fn weekly(clock: Res<Clock>) -> bool {
    clock.weekly()
}

/// Builds the day's schedule.
pub fn daily_schedule() -> Schedule {
    let mut schedule = Schedule::default();
    schedule.set_executor(SingleThreadedExecutor::new());
    schedule.configure_sets(
        (
            Step::PolicyInterventions,
            Step::SecurityPresence.run_if(weekly),
            Step::CommunityChoices.run_if(weekly),
            Step::DisplacementAndSchools.run_if(weekly),
            Step::BandMovement,
            Step::RevenueAndSpending,
            Step::Control,
            Step::Recruitment,
            Step::Attacks,
            Step::Militias,
            Step::Attribution,
            Step::SecurityResponse,
            Step::BandDynamics,
            Step::GroupDynamics,
        )
            .chain(),
    );
    schedule.add_systems(
        (
            crate::sim::policy::apply_policies.in_set(Step::PolicyInterventions),
            presence::security_presence.in_set(Step::SecurityPresence),
            (
                communities::community_choices,
                recruit_pull::update_recruit_pull,
            )
                .chain()
                .in_set(Step::CommunityChoices),
            displacement::displacement_and_schools.in_set(Step::DisplacementAndSchools),
            (
                movement::move_bands,
                band_index::index_bands,
                crate::sim::blockades::update_blockades,
            )
                .chain()
                .in_set(Step::BandMovement),
            revenue::collect_revenue.in_set(Step::RevenueAndSpending),
            control::update_control.in_set(Step::Control),
            recruitment::recruit.in_set(Step::Recruitment),
            attacks::band_attacks.in_set(Step::Attacks),
            militias::militia_actions.in_set(Step::Militias),
            attribution::attribute_events.in_set(Step::Attribution),
            response::security_response.in_set(Step::SecurityResponse),
            band_dynamics::band_dynamics.in_set(Step::BandDynamics),
            groups::group_dynamics.in_set(Step::GroupDynamics),
        )
            .chain(),
    );
    schedule
}
