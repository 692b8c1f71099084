//! Forking a run: continuing one scenario's world as another scenario's from the day their
//! interventions start.
//!
//! Scenarios compared under common random numbers are the same world until the first of their
//! interventions comes into force: same parameters, same seed, same draws, same events (the
//! interventions act only when in force). A comparison can therefore run that shared stretch
//! once and give each scenario a copy of the world where they part, instead of running every
//! scenario from the start. [`Simulation::fork`] makes that copy; [`shared_days`] says how many
//! days two scenarios share, or why they share none.
//!
//! The copy is exact: the same resources (cloned), the same entities in the same storage order
//! (so that every query iterates in the same order), the entity handles held by resources
//! mapped to the new world's, and a new schedule (whose systems keep nothing between days but
//! caches of values computed from the world, such as the troops by community or the
//! militias' raid weights, which the new schedule computes again from the copy).
//! `tests/fork.rs` checks that a forked run's outputs are byte-identical to the same scenario
//! run from the start.

use std::collections::HashMap;
use std::sync::Arc;

use bevy_ecs::prelude::*;

use super::blockades::Blockades;
use super::components::{Band, Community, Garrison, GoldSite};
use super::policy::Policies;
use super::resources::*;
use super::rng::Rngs;
use super::systems::displacement::FearByCell;
use super::systems::militias::ArmedMilitias;
use super::systems::recruit_pull::RecruitPull;
use super::{Simulation, schedule};
use crate::scenario::Scenario;

/// Why a run of one scenario cannot be continued as another's.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ForkError {
    /// The scenarios differ in something other than their name, description, replicates and
    /// interventions.
    #[error("the scenarios differ in `{0}`, not only in their interventions")]
    Differ(String),
    /// The world has gone past the day the two scenarios part.
    #[error("the run is on day {day}, past day {shared}, the last the two scenarios share")]
    TooLate {
        /// The day the run is on.
        day: u32,
        /// The days the scenarios share.
        shared: u32,
    },
}

/// Top-level fields that do not change what a run does: what a scenario is called, how
/// many replicates it asks for and the files it was read from. Interventions are compared
/// apart, by their start, and of the output settings only the time series' resolution
/// matters (the recorder's periods).
const NOT_IN_THE_RUN: [&str; 6] = [
    "name",
    "description",
    "replicates",
    "sources",
    "interventions",
    "output",
];

/// The days from the start that runs of `a` and `b` share: everything but their interventions
/// is the same, and no intervention of either is in force before the first of them starts
/// (the whole period where neither has one).
pub fn shared_days(a: &Scenario, b: &Scenario) -> Result<u32, ForkError> {
    let value = |s: &Scenario| serde_json::to_value(s).expect("a scenario serialises");
    let (va, vb) = (value(a), value(b));
    let (Some(fa), Some(fb)) = (va.as_object(), vb.as_object()) else {
        unreachable!("a scenario serialises to an object");
    };
    let keys = fa.keys().chain(fb.keys().filter(|k| !fa.contains_key(*k)));
    for k in keys {
        if !NOT_IN_THE_RUN.contains(&k.as_str()) && fa.get(k) != fb.get(k) {
            return Err(ForkError::Differ(k.clone()));
        }
    }
    if a.output.timeseries != b.output.timeseries {
        return Err(ForkError::Differ("output.timeseries".to_string()));
    }
    Ok(a.interventions
        .iter()
        .chain(&b.interventions)
        .map(|iv| iv.start_day)
        .min()
        .unwrap_or(a.period.days())
        .min(a.period.days()))
}

impl Simulation {
    /// A copy of this run's world that goes on as a run of `scenario`: the same state, the
    /// same random streams, `scenario`'s interventions. Fails where `scenario` differs from
    /// the run's in more than its interventions, or where the run is past the day they part.
    pub fn fork(&mut self, scenario: Arc<Scenario>) -> Result<Simulation, ForkError> {
        let setup = self.world.resource::<Setup>().clone();
        let shared = shared_days(&setup.scenario, &scenario)?;
        let day = self.day();
        if day > shared {
            return Err(ForkError::TooLate { day, shared });
        }
        let mut world = World::new();
        let mut entities: HashMap<Entity, Entity> = HashMap::new();
        copy_entities::<Community>(&mut self.world, &mut world, &mut entities);
        copy_entities::<GoldSite>(&mut self.world, &mut world, &mut entities);
        copy_entities::<Band>(&mut self.world, &mut world, &mut entities);
        copy_entities::<Garrison>(&mut self.world, &mut world, &mut entities);
        let entity = |e: &Entity| entities[e];

        let mut terrain = self.world.resource::<Terrain>().clone();
        for e in terrain.communities.iter_mut() {
            *e = entity(e);
        }
        // The band index is rebuilt each day after the bands move, before anything reads it
        // (docs/ODD.md §7.4), so the copy starts empty: the old one may still name bands that
        // disbanded at the end of the last day, which have no copy.
        let index = BandIndex::default();
        // No intervention of either scenario has been in force: the new one's start as they
        // would have on day 0.
        let policies = Policies::new(&scenario, &setup.map, terrain.communities.len());
        world.insert_resource(terrain);
        world.insert_resource(index);
        world.insert_resource(policies);
        world.insert_resource(Setup {
            scenario,
            map: setup.map.clone(),
            replicate: setup.replicate,
        });
        let from = &self.world;
        world.insert_resource(from.resource::<Groups>().clone());
        world.insert_resource(from.resource::<Rngs>().clone());
        world.insert_resource(*from.resource::<NextBandId>());
        world.insert_resource(from.resource::<Ledger>().clone());
        world.insert_resource(from.resource::<EventLog>().clone());
        world.insert_resource(from.resource::<RecruitPull>().clone());
        world.insert_resource(from.resource::<FearByCell>().clone());
        world.insert_resource(from.resource::<ArmedMilitias>().clone());
        // The sieges as of the last day (which held it: read by the next day's flight).
        world.insert_resource(from.resource::<Blockades>().clone());
        world.insert_resource(*from.resource::<Clock>());
        Ok(Simulation {
            world,
            schedule: schedule::daily_schedule(),
            days: self.days,
        })
    }
}

/// Spawns a copy of every entity with component `C` of `from` in `to`, in `from`'s storage
/// order (the order queries visit them), and records each entity's new handle.
fn copy_entities<C: Component + Clone>(
    from: &mut World,
    to: &mut World,
    entities: &mut HashMap<Entity, Entity>,
) {
    let mut q = from.query::<(Entity, &C)>();
    for (e, c) in q.iter(from) {
        entities.insert(e, to.spawn(c.clone()).id());
    }
}
