//! The model: one bevy_ecs world per replicate, stepped one day at a time on one thread.
//!
//! [`Simulation`] builds the world from a validated scenario and the rasterised map
//! ([`init`]), runs the daily schedule ([`schedule`]) and hands each day's state to a
//! [`crate::record::Recorder`]. Everything random comes from per-mechanism streams ([`rng`]);
//! every outcome is counted from the events and states the mechanisms produce.

pub mod agreements;
pub mod blockades;
pub mod components;
pub mod events;
pub mod fork;
pub mod ids;
pub mod init;
pub mod policy;
pub mod resources;
pub mod rng;
pub mod schedule;
pub mod systems;
pub mod units;

use std::sync::Arc;

use bevy_ecs::prelude::*;

use crate::geo::SahelMap;
use crate::scenario::Scenario;
use components::{Band, Community};
use ids::IdVec;
use resources::*;

/// People, fighters or money that do not balance, or a state that cannot be (a bug).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct ConservationError(pub String);

/// One replicate's world and schedule.
pub struct Simulation {
    /// The ECS world.
    pub world: World,
    schedule: Schedule,
    days: u32,
}

impl Simulation {
    /// Builds replicate `replicate` of `scenario` on `map`.
    pub fn new(scenario: Arc<Scenario>, map: Arc<SahelMap>, replicate: u32) -> Self {
        let days = scenario.period.days();
        let mut world = World::new();
        world.insert_resource(Setup {
            scenario,
            map,
            replicate,
        });
        init::populate(&mut world);
        Self {
            world,
            schedule: schedule::daily_schedule(),
            days,
        }
    }

    /// The day about to be simulated (0 is the first).
    pub fn day(&self) -> u32 {
        self.world.resource::<Clock>().day
    }

    /// Whether every day of the period has been simulated.
    pub fn finished(&self) -> bool {
        self.day() >= self.days
    }

    /// Simulates one day.
    pub fn step(&mut self) {
        let start = self.world.resource::<EventLog>().events.len();
        self.world.resource_mut::<EventLog>().today_start = start;
        self.schedule.run(&mut self.world);
        self.world.resource_mut::<Clock>().day += 1;
    }

    /// The events so far.
    pub fn events(&self) -> &[events::Event] {
        &self.world.resource::<EventLog>().events
    }

    /// Checks that people, fighters and money balance and that nothing has gone negative.
    pub fn check_conservation(&mut self) -> Result<(), ConservationError> {
        self.imbalance().map_err(ConservationError)
    }

    /// The first imbalance or impossible state found, worded for a bug report.
    fn imbalance(&mut self) -> Result<(), String> {
        let ledger = self.world.resource::<Ledger>().clone();
        let mut residents = 0.0;
        let mut displaced = 0.0;
        let mut q = self.world.query::<&Community>();
        let mut communities: Vec<&Community> = q.iter(&self.world).collect();
        communities.sort_by_key(|c| c.id);
        for c in &communities {
            if c.residents < -1e-6
                || c.displaced < -1e-6
                || c.schools_closed < -1e-9
                || c.schools_closed > c.schools + 1e-9
            {
                return Err(format!(
                    "community {} has a negative or impossible state: {c:?}",
                    c.id
                ));
            }
            for (name, v) in [
                ("support", c.support),
                ("fear", c.fear),
                ("control", c.control),
                ("government", c.government),
                ("legitimacy", c.legitimacy),
            ] {
                if !(0.0..=1.0).contains(&v) {
                    return Err(format!("community {}: {name} = {v} is outside 0..1", c.id));
                }
            }
            residents += c.residents;
            displaced += c.displaced;
        }
        let mut bq = self.world.query::<&Band>();
        let mut group_fighters = IdVec::filled(0i64, ledger.group_flows.len());
        let mut band_money = 0i64;
        for b in bq.iter(&self.world) {
            group_fighters[b.group] += b.fighters() as i64;
            band_money += b.funds;
            if b.funds < 0 {
                return Err(format!("band {} has negative funds {}", b.id, b.funds));
            }
        }
        // People: residents + displaced + killed + in bands (recruited − returned) = initial.
        let flows = ledger.flows();
        let people = residents
            + displaced
            + ledger.civilians_killed
            + ledger.militia_killed
            + flows[FighterFlow::Recruited as usize] as f64
            - flows[FighterFlow::Returned as usize] as f64;
        if (people - ledger.people_initial).abs() > 1e-6 * ledger.people_initial.max(1.0) {
            return Err(format!(
                "people do not balance: {people} now vs {} at the start",
                ledger.people_initial
            ));
        }
        // Fighters, group by group (and so in all, the bands that change sides adding up to
        // none): initial + recruited − killed − arrested − returned + the fighters of bands that
        // joined the group − those of its bands that left = in its bands.
        let groups = self.world.resource::<Groups>();
        for g in groups.ids() {
            let [recruited, killed, arrested, returned] = ledger.group_flows[g].map(|f| f as i64);
            let joined: i64 = groups[g].defections_in.iter().map(|&n| n as i64).sum();
            let left: i64 = groups.iter().map(|h| h.defections_in[g] as i64).sum();
            let expected =
                ledger.group_fighters_initial[g] as i64 + recruited - killed - arrested - returned
                    + joined
                    - left;
            if expected != group_fighters[g] {
                return Err(format!(
                    "group {g:?}'s fighters do not balance: {} in its bands vs {expected} from the ledger",
                    group_fighters[g]
                ));
            }
        }
        // Money: initial + income = spending + treasuries + band funds.
        let treasuries: i64 = groups.iter().map(|g| g.treasury).sum();
        if groups.iter().any(|g| g.treasury < 0) {
            return Err("a treasury is negative".to_string());
        }
        let income: i64 = ledger.income.iter().flat_map(|s| s.iter()).sum();
        let spending: i64 = ledger.spending.iter().sum();
        if ledger.money_initial + income != spending + treasuries + band_money {
            return Err(format!(
                "money does not balance: initial {} + income {income} ≠ spending {spending} + treasuries {treasuries} + band funds {band_money}",
                ledger.money_initial
            ));
        }
        Ok(())
    }
}
