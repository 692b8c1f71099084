//! The history section's kinds: located errors, forces withdrawn on their date, militias that
//! mobilise only where and from when the map data says, and the stigmatisation they cause.

mod common;

use std::path::Path;
use std::sync::Arc;

use sahelsim::scenario::{self, Scenario};
use sahelsim::sim::Simulation;
use sahelsim::sim::components::{Community, ForceKind, Garrison};
use sahelsim::sim::events::Perpetrator;

/// A scenario written inline, extending the baseline (paths resolve from tests/fixtures).
fn inline(text: &str) -> Result<Scenario, scenario::ScenarioErrors> {
    scenario::load_str(text, Path::new("tests/fixtures/inline.ron"))
}

/// The baseline over `start`..`end` on a coarse grid, with `history` as its history.
fn with_history(start: &str, end: &str, history: &str) -> Arc<Scenario> {
    let text = format!(
        r#"(
    extends: "../../scenarios/baseline.ron",
    name: "history test",
    period: (start: "{start}", end: "{end}"),
    map: (resolution_deg: 0.3),
    history: [{history}],
)"#
    );
    Arc::new(inline(&text).unwrap())
}

#[test]
fn an_entry_missing_what_its_kind_needs_is_refused_field_by_field() {
    let errs = inline(
        r#"(
    extends: "../../scenarios/baseline.ron",
    name: "bad history",
    history: [
        (date: "2022-08-15", kind: ForcesStrength, factor: 200.0),
        (date: "2022-11-18", kind: MilitiaMobilisation, militia: "VPD", factor: 3.0),
        (date: "2021-12-24", kind: ForcesConduct, country: "FRA", factor: 1.5),
    ],
)"#,
    )
    .unwrap_err();
    let paths: Vec<&str> = errs.0.iter().map(|e| e.path.as_str()).collect();
    for expected in [
        "history[0].force",
        "history[0].country",
        "history[0].factor",
        "history[1].militia",
        "history[2].country",
    ] {
        assert!(paths.contains(&expected), "{expected} not in {paths:?}");
    }
    let militia = errs
        .0
        .iter()
        .find(|e| e.path == "history[1].militia")
        .unwrap();
    assert_eq!(militia.suggestion.as_deref(), Some("VDP"));
    assert!(
        errs.0.iter().all(|e| e.position.is_some()),
        "every error is located: {errs:?}"
    );
}

#[test]
fn a_withdrawal_takes_the_international_troops_out_on_its_date_and_only_there() {
    let s = with_history(
        "2017-01-01",
        "2017-02-28",
        r#"(date: "2017-01-20", kind: ForcesStrength, country: "MLI", force: International, factor: 0.0, note: "test")"#,
    );
    let map = common::map(&s);
    let mut sim = Simulation::new(s, map, 0);
    let troops = |sim: &mut Simulation, kind: ForceKind| -> f64 {
        let mut q = sim.world.query::<&Garrison>();
        q.iter(&sim.world)
            .filter(|g| g.kind == kind)
            .map(|g| g.troops)
            .sum()
    };
    for _ in 0..15 {
        sim.step();
    }
    let before = troops(&mut sim, ForceKind::International);
    let national_before = troops(&mut sim, ForceKind::National);
    assert!(before > 5000.0, "international troops before: {before}");
    for _ in 15..35 {
        sim.step();
    }
    assert_eq!(troops(&mut sim, ForceKind::International), 0.0);
    let national = troops(&mut sim, ForceKind::National);
    assert!(
        national >= 0.9 * national_before,
        "national forces stay: {national} vs {national_before}"
    );
}

#[test]
fn the_volunteers_mobilise_from_their_law_in_burkina_faso_only() {
    // The Volunteers' law is of 2020-01-21; the Sahel region of Burkina Faso has no earlier
    // militia in the map data, Kidal none at all.
    let s = with_history("2019-12-01", "2020-04-30", "");
    let map = common::map(&s);
    let region_of = |c: &Community| {
        let r = map.grid.cells[c.cell.index()].region.unwrap();
        map.data.regions[r].name.clone()
    };
    let members = |sim: &mut Simulation, region: &str| -> f64 {
        let mut q = sim.world.query::<&Community>();
        q.iter(&sim.world)
            .filter(|c| region_of(c) == region)
            .map(|c| c.militia)
            .sum()
    };
    let mut sim = Simulation::new(s.clone(), map.clone(), 0);
    for _ in 0..50 {
        sim.step();
    }
    assert_eq!(members(&mut sim, "Sahel"), 0.0, "no militia before the law");
    assert!(
        members(&mut sim, "Centre-Nord") > 0.0,
        "Koglweogo already there"
    );
    for _ in 50..150 {
        sim.step();
    }
    assert!(members(&mut sim, "Sahel") > 0.0, "Volunteers after the law");
    assert_eq!(members(&mut sim, "Kidal"), 0.0);
    sim.check_conservation().unwrap();
    // Their raids are theirs: named, against civilians, never attributed to a group.
    for e in sim.events() {
        if let Perpetrator::Militia(m) = e.perpetrator {
            assert!((m as usize) < map.data.militias.len());
        }
    }
}

#[test]
fn stigmatisation_falls_on_pastoralists_and_only_where_the_loop_is_on() {
    use sahelsim::sim::systems::response::stigmatise;
    let s = with_history("2017-01-01", "2017-01-10", "");
    let map = common::map(&s);
    let mut sim = Simulation::new(s, map, 0);
    let mut q = sim.world.query::<&Community>();
    let mut c = q
        .iter(&sim.world)
        .find(|c| c.pastoralists > 0.3 && c.residents > 20_000.0)
        .unwrap()
        .clone();
    let mut farmers = c.clone();
    farmers.pastoralists = 0.0;
    let mut off = c.clone();
    stigmatise(&mut c, 10.0, 0.02);
    stigmatise(&mut farmers, 10.0, 0.02);
    stigmatise(&mut off, 10.0, 0.0);
    assert!(c.stigma > 0.0);
    assert_eq!(farmers.stigma, 0.0);
    assert_eq!(off.stigma, 0.0);
}

#[test]
fn a_successor_takes_over_a_leaderless_group_on_the_date_given() {
    use sahelsim::scenario::GroupStatus;
    use sahelsim::sim::ids::GroupId;
    use sahelsim::sim::resources::Groups;
    let s = with_history(
        "2017-01-01",
        "2017-04-30",
        r#"(date: "2017-01-10", kind: LeaderKilled, group: "FLM", note: "test"),
        (date: "2017-02-10", kind: LeaderReplaced, group: "FLM", note: "test")"#,
    );
    let flm = GroupId::from(s.group_index("FLM").unwrap());
    let map = common::map(&s);
    let mut sim = Simulation::new(s, map, 0);
    let state = |sim: &Simulation| {
        let g = &sim.world.resource::<Groups>()[flm];
        (g.status, g.leader_alive, g.cohesion)
    };
    for _ in 0..20 {
        sim.step();
    }
    let (status, alive, leaderless) = state(&sim);
    assert_eq!((status, alive), (GroupStatus::Degraded, false));
    for _ in 20..45 {
        sim.step();
    }
    let (status, alive, succeeded) = state(&sim);
    assert_eq!((status, alive), (GroupStatus::Active, true));
    assert!(
        succeeded < leaderless,
        "cohesion fell while leaderless: {succeeded} vs {leaderless}"
    );
    for _ in 45..110 {
        sim.step();
    }
    let (_, _, later) = state(&sim);
    assert!(
        later > succeeded,
        "cohesion recovers under the successor: {later} vs {succeeded}"
    );
}

#[test]
fn a_succession_needs_a_known_group() {
    let errs = inline(
        r#"(
    extends: "../../scenarios/baseline.ron",
    name: "bad succession",
    history: [
        (date: "2017-06-15", kind: LeaderReplaced),
        (date: "2017-06-15", kind: LeaderReplaced, group: "Ansaroul Islan"),
    ],
)"#,
    )
    .unwrap_err();
    assert!(
        errs.0.iter().any(|e| e.path == "history[0].group"),
        "{errs:?}"
    );
    let unknown = errs
        .0
        .iter()
        .find(|e| e.path == "history[1].group")
        .unwrap();
    assert_eq!(unknown.suggestion.as_deref(), Some("Ansaroul Islam"));
}

/// The days of the clashes between bands of rival coalitions (JNIM and the Islamic State) in
/// a run of `s` on seed 0.
fn rival_clash_days(s: Arc<Scenario>) -> Vec<u32> {
    use sahelsim::sim::events::Target;
    use sahelsim::sim::systems::attacks::rivals;
    let map = common::map(&s);
    let mut sim = Simulation::new(s.clone(), map, 0);
    while !sim.finished() {
        sim.step();
    }
    let coalition = |g: usize| s.groups[g].coalition;
    sim.events()
        .iter()
        .filter_map(|e| match (e.perpetrator, e.target) {
            (Perpetrator::Group(a), Target::Group(b))
                if rivals(coalition(a.index()), coalition(b.index())) =>
            {
                Some(e.day)
            }
            _ => None,
        })
        .collect()
}

#[test]
fn a_truce_between_the_coalitions_holds_until_their_war_begins() {
    // Without entries the coalitions clash from the start; with a truce (factor 0) until
    // 1 April 2017 (day 90) and a war at twenty times the scenario's clash chance after it,
    // they do not clash before that day and clash after it.
    let (start, end) = ("2017-01-01", "2017-09-30");
    let always = rival_clash_days(with_history(start, end, ""));
    assert!(
        always.iter().any(|&d| d < 90),
        "rivals meet and clash early without a truce: {always:?}"
    );
    let truce = rival_clash_days(with_history(
        start,
        end,
        r#"(date: "2017-01-01", kind: CoalitionRivalry, factor: 0.0, note: "test"),
        (date: "2017-04-01", kind: CoalitionRivalry, factor: 20.0, note: "test")"#,
    ));
    assert!(
        truce.iter().all(|&d| d >= 90),
        "no clash during the truce: {truce:?}"
    );
    assert!(!truce.is_empty(), "the war brings clashes");
}

#[test]
fn a_rivalry_entry_needs_its_factor() {
    let errs = inline(
        r#"(
    extends: "../../scenarios/baseline.ron",
    name: "bad rivalry",
    history: [(date: "2019-07-01", kind: CoalitionRivalry)],
)"#,
    )
    .unwrap_err();
    let e = errs
        .0
        .iter()
        .find(|e| e.path == "history[0].factor")
        .unwrap_or_else(|| panic!("no factor error in {errs:?}"));
    assert!(e.position.is_some(), "located: {e:?}");
}

/// A what-if in `scenarios/history/` rewrites the baseline's history (a file that sets
/// `history` replaces the list it extends), so it must repeat every entry of the baseline it
/// does not mean to change: one that dropped the 2017–2019 truce between JNIM and ISGS would
/// ask two questions at once.
#[test]
fn history_what_ifs_keep_every_entry_of_the_baseline() {
    let base = scenario::load(Path::new("scenarios/baseline.ron")).unwrap();
    let mut checked = 0;
    for entry in std::fs::read_dir("scenarios/history").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "ron") {
            continue;
        }
        let s = scenario::load(&path).unwrap();
        for e in &base.history {
            assert!(
                s.history
                    .iter()
                    .any(|h| (h.date, h.kind, h.effect) == (e.date, e.kind, e.effect)),
                "{} leaves out the baseline's entry of {} ({:?}: {})",
                path.display(),
                e.date,
                e.kind,
                e.note
            );
        }
        assert!(
            s.history.len() > base.history.len(),
            "{} adds nothing",
            path.display()
        );
        checked += 1;
    }
    assert!(checked > 0, "no scenario in scenarios/history");
}

#[test]
fn a_border_agreement_needs_two_countries_and_a_depth() {
    let errs = inline(
        r#"(
    extends: "../../scenarios/baseline.ron",
    name: "bad agreements",
    history: [
        (date: "2020-01-26", kind: BorderAgreement, country: "MLI", partner: "MLI", depth_km: 100.0),
        (date: "2020-01-26", kind: BorderAgreement, country: "MLI", partner: "BFS", depth_km: 100.0),
        (date: "2020-01-26", kind: BorderAgreement, country: "BFA", partner: "NER"),
        (date: "2020-01-26", kind: BorderAgreement, country: "BFA", partner: "NER", depth_km: 900.0),
    ],
)"#,
    )
    .unwrap_err();
    let find = |path: &str| {
        errs.0
            .iter()
            .find(|e| e.path == path)
            .unwrap_or_else(|| panic!("no error at {path} in {errs:?}"))
    };
    assert!(find("history[0].partner").message.contains("own country"));
    assert_eq!(
        find("history[1].partner").suggestion.as_deref(),
        Some("BFA")
    );
    find("history[2].depth_km");
    assert!(find("history[3].depth_km").message.contains("out of range"));
    assert!(
        errs.0.iter().all(|e| e.position.is_some()),
        "every error is located: {errs:?}"
    );
}

/// The map's index of the country with ISO3 code `iso3`.
fn country(map: &sahelsim::geo::SahelMap, iso3: &str) -> Option<usize> {
    map.data.countries.iter().position(|k| k.iso3 == iso3)
}

/// The troops present in the communities of `country` (a map country index; `None`: every
/// country), and those of its garrisons.
fn troops_of(
    sim: &mut Simulation,
    map: &sahelsim::geo::SahelMap,
    country: Option<usize>,
) -> (f64, f64) {
    let mut q = sim.world.query::<&Community>();
    let present = q
        .iter(&sim.world)
        .filter(|c| country.is_none() || map.grid.cells[c.cell.index()].country == country)
        .map(|c| c.troops)
        .sum();
    let mut q = sim.world.query::<&Garrison>();
    let own = q
        .iter(&sim.world)
        .filter(|g| country.is_none() || g.country == country)
        .map(|g| g.troops)
        .sum();
    (present, own)
}

#[test]
fn a_border_agreement_spreads_troops_across_the_border_while_it_holds_and_none_are_made() {
    // Mali and Burkina Faso let each other's forces 100 km in from 15 January 2017 (the
    // weekly presence of day 14) until 26 February (day 56).
    let s = with_history(
        "2017-01-01",
        "2017-03-31",
        r#"(date: "2017-01-15", kind: BorderAgreement, country: "MLI", partner: "BFA", depth_km: 100.0, note: "test"),
        (date: "2017-02-26", kind: BorderAgreement, country: "BFA", partner: "MLI", depth_km: 0.0, note: "test")"#,
    );
    let map = common::map(&s);
    let (mali, niger) = (country(&map, "MLI").unwrap(), country(&map, "NER").unwrap());
    let mut sim = Simulation::new(s, map.clone(), 0);
    let close = |(present, own): (f64, f64)| (present - own).abs() <= 1e-9 * own;
    for _ in 0..8 {
        sim.step();
    }
    assert!(
        close(troops_of(&mut sim, &map, Some(mali))),
        "forces stop at the border"
    );
    for _ in 8..22 {
        sim.step();
    }
    let (present, own) = troops_of(&mut sim, &map, Some(mali));
    assert!(
        !close((present, own)),
        "with the agreement Mali's communities hold other troops than Mali's garrisons: {present} vs {own}"
    );
    assert!(
        close(troops_of(&mut sim, &map, Some(niger))),
        "Niger is no party to it"
    );
    assert!(
        close(troops_of(&mut sim, &map, None)),
        "troops are spread, not added: {:?}",
        troops_of(&mut sim, &map, None)
    );
    for _ in 22..64 {
        sim.step();
    }
    assert!(
        close(troops_of(&mut sim, &map, Some(mali))),
        "the agreement has ended"
    );
}

#[test]
fn bands_no_longer_shelter_at_a_border_both_sides_may_cross() {
    // With the border drawing bands strongly, the share of band-days spent within 30 km of a
    // border falls when every pair of the three countries lets the other's forces 100 km in.
    let pairs = [("MLI", "BFA"), ("MLI", "NER"), ("BFA", "NER")];
    let agreements: Vec<String> = pairs
        .iter()
        .map(|(a, b)| {
            format!(
                r#"(date: "2017-01-01", kind: BorderAgreement, country: "{a}", partner: "{b}", depth_km: 100.0, note: "test")"#
            )
        })
        .collect();
    let share_near_border = |history: &str| -> f64 {
        let text = format!(
            r#"(
    extends: "../../scenarios/baseline.ron",
    name: "shelter test",
    period: (start: "2017-01-01", end: "2017-06-30"),
    map: (resolution_deg: 0.3),
    model: (bands: (border_weight: 4.0)),
    history: [{history}],
)"#
        );
        let s = Arc::new(inline(&text).unwrap());
        let map = common::map(&s);
        let (mut near, mut all) = (0u64, 0u64);
        for r in 0..2 {
            let mut sim = Simulation::new(s.clone(), map.clone(), r);
            for _ in 0..181 {
                sim.step();
                let mut q = sim.world.query::<&sahelsim::sim::components::Band>();
                for b in q.iter(&sim.world) {
                    all += 1;
                    near += u64::from(map.grid.cells[b.cell.index()].border_km < 30.0);
                }
            }
        }
        near as f64 / all as f64
    };
    let (sheltered, open) = (
        share_near_border(""),
        share_near_border(&agreements.join(",\n")),
    );
    assert!(
        open < 0.8 * sheltered,
        "share of band-days within 30 km of a border: {sheltered:.3} with the borders closed to \
         the forces, {open:.3} with all three open"
    );
}

#[test]
fn responses_pursue_across_a_border_only_where_an_agreement_lets_them() {
    use sahelsim::sim::agreements::BorderAgreements;
    use sahelsim::sim::ids::CellId;
    use sahelsim::sim::systems::response::pursuit_cells;
    let s = with_history(
        "2017-01-01",
        "2017-12-31",
        r#"(date: "2017-03-01", kind: BorderAgreement, country: "MLI", partner: "BFA", depth_km: 50.0, note: "test"),
        (date: "2017-06-01", kind: BorderAgreement, country: "BFA", partner: "NER", depth_km: 50.0, note: "test")"#,
    );
    let map = common::map(&s);
    let grid = &map.grid;
    let (mali, burkina, niger) = (
        country(&map, "MLI"),
        country(&map, "BFA"),
        country(&map, "NER"),
    );
    // A cell of the study area in `own` with a neighbour in `other`.
    let beside = |own: Option<usize>, other: Option<usize>| {
        (0..grid.cells.len())
            .map(CellId::new)
            .find(|&c| {
                let here = &grid.cells[c.index()];
                here.in_study_area
                    && here.country == own
                    && grid
                        .neighbours(c.index())
                        .any(|n| grid.cells[n].country == other && grid.cells[n].in_study_area)
            })
            .expect("the two countries share a border")
    };
    // The countries of the cells where responses to an event in `cell` look on `day`.
    let pursued = |cell: CellId, day: u32| -> Vec<Option<usize>> {
        let agreements = BorderAgreements::on(&s.history, day, map.data.countries.len());
        pursuit_cells(grid, cell, &agreements)
            .map(|c| grid.cells[c.index()].country)
            .collect()
    };
    let (mali_by_burkina, mali_by_niger, burkina_by_niger) = (
        beside(mali, burkina),
        beside(mali, niger),
        beside(burkina, niger),
    );
    assert!(
        !pursued(mali_by_burkina, 10).contains(&burkina),
        "forces stop at the border"
    );
    assert!(pursued(mali_by_burkina, 10).contains(&mali));
    assert!(
        pursued(mali_by_burkina, 100).contains(&burkina),
        "with the agreement Mali's forces pursue into Burkina Faso's cells beside the border"
    );
    assert!(
        !pursued(burkina_by_niger, 100).contains(&niger),
        "not yet into Niger"
    );
    assert!(pursued(burkina_by_niger, 200).contains(&niger));
    assert!(
        !pursued(mali_by_niger, 200).contains(&niger),
        "Burkina Faso's agreement with Niger opens nothing to Mali's forces"
    );
}

#[test]
fn a_leaderless_groups_bands_do_not_go_over_to_the_coalition_it_is_at_war_with() {
    use sahelsim::sim::ids::GroupId;
    use sahelsim::sim::resources::Groups;
    // ISGS loses its leader in its first week, beside JNIM's groups. In a truce some of its
    // faltering bands join the nearest healthy group, JNIM's among them; at war (the
    // coalitions clash) none does: they keep to their own coalition or strike out alone.
    let to_jnim = |rivalry: f64| {
        let s = with_history(
            "2017-01-01",
            "2020-12-31",
            &format!(
                r#"(date: "2017-01-01", kind: CoalitionRivalry, factor: {rivalry:?}, note: "test"),
        (date: "2017-01-05", kind: LeaderKilled, group: "ISGS", note: "test")"#
            ),
        );
        let isgs = GroupId::from(s.group_index("ISGS").unwrap());
        let jnim: Vec<GroupId> = s
            .groups
            .iter()
            .enumerate()
            .filter(|(_, g)| g.coalition == scenario::Coalition::Jnim)
            .map(|(i, _)| GroupId::from(i))
            .collect();
        let map = common::map(&s);
        (0..6)
            .map(|r| {
                let mut sim = Simulation::new(s.clone(), map.clone(), r);
                while !sim.finished() {
                    sim.step();
                }
                let groups = sim.world.resource::<Groups>();
                jnim.iter()
                    .map(|&h| groups[h].defections_in[isgs])
                    .sum::<u32>()
            })
            .sum::<u32>()
    };
    let truce = to_jnim(0.0);
    assert!(truce > 0, "no ISGS fighter joined JNIM in a truce");
    assert_eq!(
        to_jnim(1.0),
        0,
        "ISGS fighters joined JNIM at war (in a truce: {truce})"
    );
}

/// What three years under a siege of Djibo (or none) do, at 0.3°: the days the siege held,
/// whether the town's displaced rose on a day after one it held, the days a band of the
/// besieging side was in the ring, and the people displaced from the ring at the end.
struct SiegeYears {
    held_days: u32,
    town_displaced_rose_while_sealed: bool,
    occupied_days: u32,
    ring_displaced: f64,
}

fn siege_years(blockade: bool, replicate: u32) -> SiegeYears {
    use sahelsim::sim::blockades::Blockades;
    use sahelsim::sim::components::Band;
    let entry = if blockade {
        r#"(date: "2017-01-01", kind: Blockade, group: "FLM", town: "Djibo", radius_km: 60.0, factor: 1.0, note: "test")"#
    } else {
        ""
    };
    let s = with_history("2017-01-01", "2019-12-31", entry);
    let map = common::map(&s);
    let jnim = s.groups[s.group_index("FLM").unwrap()].coalition;
    let djibo = map
        .data
        .towns
        .iter()
        .position(|t| t.name == "Djibo")
        .unwrap();
    let at = map.data.towns[djibo].at;
    let town_cell = map.grid.cell_index(at).unwrap();
    // The siege's ring, found here for the run without one too.
    let ring: Vec<usize> = (0..map.grid.cells.len())
        .filter(|&i| {
            let c = &map.grid.cells[i];
            i != town_cell
                && c.population > 0
                && c.in_study_area
                && sahelsim::geo::geometry::distance_km(at, (c.lat, c.lon)) <= 60.0
        })
        .collect();
    assert!(ring.len() >= 3, "a ring of {} cells", ring.len());
    let town_displaced = |sim: &mut Simulation| -> f64 {
        let mut q = sim.world.query::<&Community>();
        q.iter(&sim.world)
            .find(|c| c.cell.index() == town_cell)
            .map(|c| c.displaced)
            .unwrap()
    };
    let mut sim = Simulation::new(s.clone(), map.clone(), replicate);
    let mut years = SiegeYears {
        held_days: 0,
        town_displaced_rose_while_sealed: false,
        occupied_days: 0,
        ring_displaced: 0.0,
    };
    let mut held_before = false;
    while !sim.finished() {
        let before = town_displaced(&mut sim);
        sim.step();
        // The town's flight stops on the days after one its besiegers held the ring.
        if held_before && town_displaced(&mut sim) > before {
            years.town_displaced_rose_while_sealed = true;
        }
        held_before = sim
            .world
            .resource::<Blockades>()
            .sieges
            .first()
            .is_some_and(|g| g.held);
        years.held_days += held_before as u32;
        let mut q = sim.world.query::<&Band>();
        years.occupied_days += q
            .iter(&sim.world)
            .filter(|b| s.groups[b.group.index()].coalition == jnim)
            .any(|b| ring.contains(&b.cell.index())) as u32;
    }
    let mut q = sim.world.query::<&Community>();
    years.ring_displaced = q
        .iter(&sim.world)
        .filter(|c| ring.contains(&c.cell.index()))
        .map(|c| c.displaced)
        .sum();
    sim.check_conservation().unwrap();
    years
}

#[test]
fn a_siege_draws_its_side_drives_out_its_ring_and_seals_its_town() {
    // Where the bands go differs a lot between replicates (one replicate of eight has more
    // days with a JNIM band in the ring without the siege than with it), so the draw and the
    // emptying are checked on four replicates together; the siege's own rules in each.
    let (mut occupied, mut occupied_none) = (0, 0);
    let (mut displaced, mut displaced_none) = (0.0, 0.0);
    for replicate in 0..4 {
        let siege = siege_years(true, replicate);
        let none = siege_years(false, replicate);
        assert!(siege.held_days > 0, "the besiegers never held the ring");
        assert_eq!(none.held_days, 0);
        assert!(!siege.town_displaced_rose_while_sealed);
        occupied += siege.occupied_days;
        occupied_none += none.occupied_days;
        displaced += siege.ring_displaced;
        displaced_none += none.ring_displaced;
    }
    // The ring draws the besieging side's bands until one holds it.
    assert!(
        occupied > occupied_none,
        "days with a JNIM band in the ring: {occupied} with the siege, {occupied_none} without"
    );
    // The ring's villagers are driven out: more of its people are displaced.
    assert!(
        displaced > 1.1 * displaced_none,
        "ring displaced {displaced} with the siege, {displaced_none} without"
    );
}

#[test]
fn a_siege_is_laid_by_its_side_in_its_ring_and_its_victims_are_the_towns() {
    use sahelsim::sim::blockades::Blockades;
    use sahelsim::sim::ids::{CellId, GroupId};
    let s = with_history(
        "2017-01-01",
        "2019-12-31",
        r#"(date: "2017-01-01", kind: Blockade, group: "FLM", town: "Djibo", radius_km: 60.0, factor: 1.0, note: "test"),
        (date: "2019-06-01", kind: Blockade, group: "FLM", town: "Djibo", radius_km: 60.0, factor: 0.0, note: "lifted")"#,
    );
    let map = common::map(&s);
    let flm = GroupId::from(s.group_index("FLM").unwrap());
    let serma = GroupId::from(s.group_index("Katiba Serma").unwrap());
    let isgs = GroupId::from(s.group_index("ISGS").unwrap());
    let djibo = map
        .data
        .towns
        .iter()
        .position(|t| t.name == "Djibo")
        .unwrap();
    let town_cell = CellId::new(map.grid.cell_index(map.data.towns[djibo].at).unwrap());
    let mut sim = Simulation::new(s.clone(), map.clone(), 0);
    let mut checked = false;
    while !sim.finished() {
        sim.step();
        let day = sim.world.resource::<sahelsim::sim::resources::Clock>().day;
        let blockades = sim.world.resource::<Blockades>();
        let siege = &blockades.sieges[0];
        let town = siege.community.expect("Djibo's cell is populated");
        assert_eq!(
            sim.world
                .resource::<sahelsim::sim::resources::Terrain>()
                .cells[town_cell]
                .community,
            Some(town)
        );
        let (ring_cell, _) = siege.around[0];
        if day >= 880 {
            // Lifted on 2019-06-01 (day 881 from the start): no cell is in a laid siege's ring.
            if day > 881 {
                assert!(blockades.laid_at(ring_cell).is_none(), "day {day}");
                assert!(blockades.besieging(&s, flm, ring_cell).is_none());
            }
            continue;
        }
        assert!(blockades.laid_at(ring_cell).is_some());
        assert!(
            blockades.laid_at(town_cell).is_none(),
            "the town is not its own ring"
        );
        if siege.held {
            // Its side besieges from the ring: FLM and its JNIM partners, not ISGS.
            for (cell, _) in &siege.around {
                let by_flm = blockades.besieging(&s, flm, *cell).unwrap();
                assert_eq!(by_flm.community, Some(town));
                assert!(blockades.besieging(&s, serma, *cell).is_some());
                assert!(blockades.besieging(&s, isgs, *cell).is_none());
            }
            assert!(blockades.besieging(&s, flm, town_cell).is_none());
            checked = true;
        }
    }
    assert!(checked, "the siege never held");
}

#[test]
fn a_blockade_needs_a_known_town_a_group_and_a_radius() {
    let errs = inline(
        r#"(
    extends: "../../scenarios/baseline.ron",
    name: "bad siege",
    history: [
        (date: "2022-02-17", kind: Blockade, group: "FLM", town: "Djbo", factor: 1.0),
        (date: "2022-02-17", kind: Blockade, town: "Djibo", radius_km: 500.0, factor: 1.0),
    ],
)"#,
    )
    .unwrap_err();
    let find = |path: &str| errs.0.iter().find(|e| e.path == path);
    let town = find("history[0].town").expect("unknown town refused");
    assert_eq!(town.suggestion.as_deref(), Some("Djibo"));
    assert!(find("history[0].radius_km").is_some(), "missing radius");
    assert!(find("history[1].group").is_some(), "missing group");
    assert!(
        find("history[1].radius_km").is_some(),
        "radius out of range"
    );
    assert!(
        errs.0.iter().all(|e| e.position.is_some()),
        "every error is located: {errs:?}"
    );
}
