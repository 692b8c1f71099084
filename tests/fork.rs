//! Forking: scenarios that differ only in their interventions share one world until the first
//! of them starts; each goes on from a copy of it. A forked run's outputs are those of the
//! same scenario run from the start, byte for byte; scenarios that differ in more are not
//! forked, and a world past the day they part is not copied.

mod common;

use std::path::Path;
use std::sync::Arc;

use common::map;
use sahelsim::experiment::{Branches, ReplicateOutput, run_forked, run_replicate};
use sahelsim::scenario::{self, Scenario};
use sahelsim::sim::Simulation;
use sahelsim::sim::components::Band;
use sahelsim::sim::fork::{ForkError, shared_days};
use sahelsim::sim::ids::CellId;
use sahelsim::sim::resources::{BandIndex, Terrain};

/// Days simulated.
const DAYS: u32 = 560;

/// The day the interventions start (2018-02-05): not the first day of a week, so that the
/// militias under arms listed on the last weekly step must be carried over.
const START: &str = "2018-02-05";
const START_DAY: u32 = 400;

/// The baseline over [`DAYS`] days at a coarse resolution, with `interventions` (RON list
/// items) and `extra` top-level fields.
fn scenario(name: &str, interventions: &[String], extra: &str) -> Arc<Scenario> {
    let end = time::macros::date!(2017 - 01 - 01) + time::Duration::days(DAYS as i64 - 1);
    let text = format!(
        "(extends: \"baseline.ron\", name: \"{name}\", period: (end: \"{}\"), map: (resolution_deg: 0.3), interventions: [{}] {extra})",
        scenario::format_date(end),
        interventions.join(", ")
    );
    Arc::new(scenario::load_str(&text, Path::new("scenarios/fork_test.ron")).unwrap())
}

/// One intervention of every kind, starting on [`START`].
fn every_kind() -> Vec<String> {
    [
        "(name: \"a\", kind: DisaggregateAttribution, intensity: 0.9)",
        "(name: \"b\", kind: CounterinsurgencySurge, places: (areas: [\"central\"]), intensity: 0.9, capacity: 20000)",
        "(name: \"c\", kind: TargetIllicitNetworks, groups: [\"Ansar Dine\"], intensity: 0.9)",
        "(name: \"d\", kind: ProtectCommunities, intensity: 0.9, capacity: 20000)",
        "(name: \"e\", kind: PoliticalSettlement, groups: [\"Ansar Dine\", \"FLM\"], intensity: 1.0, option: 0.2)",
        "(name: \"f\", kind: Reintegration, intensity: 1.0, capacity: 5000)",
    ]
    .iter()
    .map(|iv| iv.replacen(", kind:", &format!(", start: \"{START}\", kind:"), 1))
    .collect()
}

/// Everything a replicate produced but its wall-clock time, as text (floats to the last bit).
fn produced(o: &ReplicateOutput) -> String {
    format!(
        "{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{}",
        o.events, o.rows, o.cell_years, o.region_rows, o.former_fighters, o.summary, o.seed
    )
}

#[test]
fn forked_runs_produce_what_runs_from_the_start_produce() {
    let kinds = every_kind();
    let mut scenarios = vec![scenario("base", &[], "")];
    for (i, iv) in kinds.iter().enumerate() {
        scenarios.push(scenario(
            &format!("policy-{i}"),
            std::slice::from_ref(iv),
            "",
        ));
    }
    scenarios.push(scenario("package", &kinds, ""));
    assert_eq!(shared_days(&scenarios[0], &scenarios[0]), Ok(DAYS));
    for s in &scenarios[1..] {
        assert_eq!(shared_days(&scenarios[0], s), Ok(START_DAY), "{}", s.name);
    }
    let m = map(&scenarios[0]);
    for r in 0..2 {
        let branches = [Branches::OneByOne, Branches::InParallel][r as usize];
        let forked = run_forked(&scenarios, &m, r, None, branches, |_, o| o);
        assert_eq!(forked.len(), scenarios.len());
        let mut outputs = Vec::new();
        for (s, f) in scenarios.iter().zip(&forked) {
            let alone = run_replicate(s, &m, r, None);
            assert!(
                produced(&alone) == produced(f),
                "replicate {r} of {}: the forked run differs from the run from the start",
                s.name
            );
            assert!(
                alone.events.iter().any(|e| e.day >= START_DAY),
                "events after the fork"
            );
            outputs.push(produced(f));
        }
        // The interventions change the runs after the fork (or the test proves nothing).
        for (s, o) in scenarios.iter().zip(&outputs).skip(1) {
            assert!(
                *o != outputs[0],
                "replicate {r}: {} is the base's run",
                s.name
            );
        }
    }
}

#[test]
fn scenarios_that_differ_in_more_than_interventions_run_from_the_start() {
    let base = scenario("base", &[], "");
    let other = scenario(
        "other",
        &every_kind(),
        ", model: (bands: (upkeep_usd: 2.5))",
    );
    assert_eq!(
        shared_days(&base, &other),
        Err(ForkError::Differ("model".to_string()))
    );
    let m = map(&base);
    let both = run_forked(
        &[base.clone(), other.clone()],
        &m,
        0,
        None,
        Branches::InParallel,
        |_, o| o,
    );
    assert!(produced(&both[0]) == produced(&run_replicate(&base, &m, 0, None)));
    assert!(produced(&both[1]) == produced(&run_replicate(&other, &m, 0, None)));
}

#[test]
fn a_world_past_the_parting_day_is_not_copied() {
    let base = scenario("base", &[], "");
    let policy = scenario("policy", &every_kind(), "");
    let m = map(&base);
    let mut sim = Simulation::new(base.clone(), m.clone(), 0);
    for _ in 0..=START_DAY {
        sim.step();
    }
    assert_eq!(
        sim.fork(policy.clone()).err(),
        Some(ForkError::TooLate {
            day: START_DAY + 1,
            shared: START_DAY
        })
    );
    // The base with itself shares every day: any day can be forked.
    assert!(sim.fork(base).is_ok());
}

#[test]
fn a_world_is_copied_the_day_after_a_band_disbanded() {
    // A band that disbands at the end of a day stays in that day's band index until the
    // next day's rebuild; a copy made then must not look for it (it once panicked there).
    // Dear upkeep sends fighters home, so that a band disbands within the run whatever the
    // baseline's values (round 37's disband none in these 560 days at 0.3°, round 50's none at
    // US$ 60).
    let base = scenario("base", &[], ", model: (bands: (upkeep_usd: 120.0))");
    let m = map(&base);
    let mut sim = Simulation::new(base.clone(), m.clone(), 0);
    let stale = |sim: &mut Simulation| {
        let index = sim.world.resource::<BandIndex>().clone();
        let cells = sim.world.resource::<Terrain>().cells.len();
        (0..cells)
            .flat_map(|c| index.in_cell(CellId::new(c)).collect::<Vec<_>>())
            .any(|b| sim.world.get::<Band>(b.entity).is_none())
    };
    while !stale(&mut sim) {
        assert!(sim.day() < DAYS, "no band disbanded in {DAYS} days");
        sim.step();
    }
    let day = sim.day();
    let mut copy = sim.fork(base.clone()).unwrap();
    for _ in 0..30 {
        sim.step();
        copy.step();
    }
    assert_eq!(
        format!("{:?}", sim.events()),
        format!("{:?}", copy.events()),
        "the copy made on day {day} goes on as the original"
    );
}
