//! `validate` and `calibrate`: the targets are counted and compared, specs are checked before
//! anything runs, and the shipped baseline keeps the quality its calibration reached.

mod common;

use common::sahelsim;

use std::path::Path;

use sahelsim::experiment::calibration::{Point, best_fragment, load_spec};
use sahelsim::experiment::targets::{Role, TARGETS};
use sahelsim::experiment::validation::{score, validate};
use sahelsim::scenario;

#[test]
fn validate_writes_its_table_json_and_plot_and_fails_on_a_missed_target() {
    let dir = tempfile::tempdir().unwrap();
    let out = sahelsim(&[
        "validate",
        "scenarios/baseline.ron",
        "--replicates",
        "2",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    for t in TARGETS.iter() {
        assert!(
            stdout.lines().any(|l| l.starts_with(t.id)),
            "{} is in the table:\n{stdout}",
            t.id
        );
    }
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("validation.json")).unwrap())
            .unwrap();
    assert_eq!(json["targets"].as_array().unwrap().len(), TARGETS.len());
    assert_eq!(json["replicates"], 2);
    let passed = json["passed"].as_u64().unwrap() as usize;
    // The baseline runs to 2025: the checks beyond 2020 count too; fit and test apart.
    let fit = TARGETS.iter().filter(|t| t.role == Role::Fit).count();
    assert_eq!(json["covered"].as_u64().unwrap() as usize, fit);
    assert_eq!(
        json["test_covered"].as_u64().unwrap() as usize,
        TARGETS.len() - fit
    );
    assert!(stdout.contains("fit targets") && stdout.contains("test targets"));
    // Both scores, in the JSON, the summary line and the report: the replicates' own is never
    // below the means'.
    let (means, own) = (
        json["score"].as_f64().unwrap(),
        json["replicate_score"].as_f64().unwrap(),
    );
    assert!(own >= means, "{own} < {means}");
    assert!(stdout.contains(&format!("of the replicates themselves {own:.3}")));
    // The score's bootstrap standard error, in the JSON, the summary line and the report.
    let se = json["score_standard_error"].as_f64().unwrap();
    assert!(se >= 0.0 && se.is_finite(), "{se}");
    assert!(
        stdout.contains(&format!("score {means:.3} ± {se:.3}")),
        "{stdout}"
    );
    let report = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    assert!(report.contains("score of the replicates themselves (each replicate"));
    assert!(report.contains(&format!(
        "bootstrap standard error over the replicates is {se:.3}"
    )));
    // The exit status says whether every fit target was met (test targets never fail it).
    assert_eq!(
        out.status.success(),
        passed == fit,
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        std::fs::metadata(dir.path().join("validation.png"))
            .unwrap()
            .len()
            > 10_000
    );
    let svg = std::fs::read_to_string(dir.path().join("validation.svg")).unwrap();
    assert!(svg.contains("C10") && svg.trim_end().ends_with("</svg>"));
}

#[test]
fn validate_refuses_a_scenario_that_does_not_cover_2017_to_2020() {
    let out = sahelsim(&["validate", "tests/fixtures/short_run.ron"]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("does not cover 2017-01-01 to 2020-12-31")
    );
}

#[test]
fn calibrate_writes_ranked_points_and_a_best_scenario_that_loads() {
    let dir = tempfile::tempdir().unwrap();
    let out = sahelsim(&[
        "calibrate",
        "tests/fixtures/calibration_tiny.ron",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let csv = std::fs::read_to_string(dir.path().join("calibration.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with(
        "rank,point,round,refined,score,passed,implausibility,score_of_means,score_of_replicates,score_of_means_se,model.bands.recruit_rate,C1,"
    ));
    assert_eq!(lines.len(), 3);
    let scores: Vec<f64> = lines[1..]
        .iter()
        .map(|l| l.split(',').nth(4).unwrap().parse().unwrap())
        .collect();
    assert!(scores[0] <= scores[1], "ranked best first");
    // Scored by the means (the default): the ranking score is the score of the means, and the
    // replicates' own score is never below it.
    for l in &lines[1..] {
        let f: Vec<f64> = l
            .split(',')
            .map(|x| x.parse().unwrap_or(f64::NAN))
            .collect();
        assert_eq!(f[4], f[7], "{l}");
        assert!(f[8] >= f[7], "{l}");
        assert!(
            f[9] >= 0.0 && f[9].is_finite(),
            "the score's standard error: {l}"
        );
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    // One replicate a point in the fixture: no standard error to give, and it says so.
    assert!(
        stdout.contains("the score's standard error cannot be estimated"),
        "{stdout}"
    );
    // best.ron extends the base through a path relative to where it is written, and loads.
    let best = scenario::load(&dir.path().join("best.ron")).unwrap();
    assert_eq!(best.name, "baseline-calibrated");
    let recruit = best.model.bands.recruit_rate;
    assert!((0.002..=0.004).contains(&recruit));
}

#[test]
fn a_misspelt_parameter_path_is_a_located_error_with_a_suggestion() {
    let errs = load_spec(Path::new("tests/fixtures/calibration_bad_path.ron")).unwrap_err();
    let e = errs.first();
    assert_eq!(e.path, "parameters[1].path");
    assert_eq!(e.position, Some(scenario::Position { line: 7, col: 16 }));
    assert!(
        e.message
            .contains("did you mean `model.bands.recruit_rate`?"),
        "{}",
        e.message
    );
}

#[test]
fn a_spec_can_ask_to_be_scored_by_the_replicates_and_a_bad_choice_is_located() {
    use sahelsim::experiment::calibration::Scoring;
    let dir = tempfile::tempdir().unwrap();
    let base = std::fs::canonicalize("scenarios/baseline.ron").unwrap();
    let spec = |scoring: &str| {
        format!(
            "(\n    name: \"s\",\n    base: {base:?},\n    parameters: [(path: \"model.bands.recruit_rate\", min: 0.002, max: 0.004)],\n    points: 2,\n    replicates: 1,\n    seed: 5,\n    scoring: {scoring},\n)\n"
        )
    };
    let good = dir.path().join("good.ron");
    std::fs::write(&good, spec("Replicates")).unwrap();
    assert_eq!(load_spec(&good).unwrap().spec.scoring, Scoring::Replicates);
    let bad = dir.path().join("bad.ron");
    std::fs::write(&bad, spec("Medians")).unwrap();
    let errs = load_spec(&bad).unwrap_err();
    let e = errs.first();
    assert_eq!(e.position.map(|p| p.line), Some(8), "{e:?}");
    assert!(e.message.contains("Medians"), "{}", e.message);
}

/// The shipped baseline keeps the fit its calibration reached on 20 replicates (slow: run by
/// `.ci/run`). The fit is on the scenario's own seed; docs/calibration.md reports other seeds.
#[test]
#[ignore = "slow: 20 eight-year replicates; run by .ci/run"]
fn the_baseline_keeps_its_calibrated_fit() {
    // docs/calibration.md: on these 20 replicates the shipped baseline (round 49: search 49b's
    // point 17, the bands' pull towards revenue halved, on round 48, which was round 43's values
    // with ISGS's leader killed in August 2021 and a successor from March 2022 and JNIM's siege
    // of Djibo from February 2022 in the history, and no band going over to the coalition at
    // war with its own) meets these 29 of its 31 fit targets. It misses G4 (0.911 for at most
    // 0.75) and H0 (524 for at least 650): Mali's 2017 and 2020 lack the violence of actors
    // the model does not have, with the numbers given there. G3 (0.533; round 48: 0.448) and
    // S2 (8,589; 9,255) are met since round 49. Near their edges: C9 (0.859 for at most 0.86,
    // 0.862 on 40 replicates), C10 (18.3 for at least 18) and S5b (0.213 for at least 0.20).
    // G5 (Ségou's share of Mali's 2020 fatalities, at most 0.20) is what search 38b's point 26
    // (FLM's home in Mopti and Ségou) misses at 0.435 while nearing G4.
    // A model change that loses one of these fails here; one that mends a missed target should
    // add it to the list. Test targets are not pinned: they are reported as they come out.
    const MET: [&str; 29] = [
        "C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "C9", "C10", "C11a", "C11b", "C11c", "S1",
        "S2", "S3a", "S3b", "S4", "S5a", "S5b", "S5c", "G1", "G3", "G5", "H1", "H5", "D1", "D3",
        "E1",
    ];
    let s = scenario::load(Path::new("scenarios/baseline.ron")).unwrap();
    let results = validate(&s, 20, None);
    for r in &results {
        assert!(r.covered, "{} is not counted", r.target.id);
        if MET.contains(&r.target.id) {
            assert!(
                r.pass,
                "{} is missed: mean {} outside {}–{}",
                r.target.id, r.mean, r.target.lo, r.target.hi
            );
        }
    }
    // 0.450 (round 48: 0.462; round 47: 0.459; round 43: 0.479; round 42: 0.422 on the weekly steps before; round 41, scored on the same 31
    // targets: 1.799 ± 0.310; on its 30: 0.430; round
    // 39: 0.455 ± 0.126; round 37's values: 0.660 ± 0.073; round 36's: 1.469 ± 0.141; round
    // 33's with the truce: 3.12).
    assert!(score(&results) <= 1.0, "score {}", score(&results));
}

#[test]
fn calibration_scores_fit_targets_only() {
    let mut s = scenario::load(Path::new("scenarios/baseline_2017_2020.ron")).unwrap();
    s.map.resolution_deg = 0.5;
    let mut results = validate(&s, 1, None);
    let before = score(&results);
    // Moving a test target far out of its band changes nothing; a fit target does.
    let test = results
        .iter()
        .position(|r| r.target.role == Role::Test)
        .unwrap();
    results[test].covered = true;
    results[test].mean = results[test].target.hi * 100.0 + 1.0;
    assert_eq!(score(&results), before);
    let fit = results
        .iter()
        .position(|r| r.target.role == Role::Fit && r.covered)
        .unwrap();
    results[fit].mean = results[fit].target.hi * 100.0 + 1.0;
    assert!(score(&results) > before);
}

#[test]
fn checks_beyond_2020_are_not_counted_for_a_run_that_ends_in_2020() {
    let mut s = scenario::load(Path::new("scenarios/baseline_2017_2020.ron")).unwrap();
    s.map.resolution_deg = 0.5;
    let results = validate(&s, 1, None);
    for r in &results {
        assert_eq!(r.covered, r.target.last_year <= 2020, "{}", r.target.id);
        if !r.covered {
            assert!(!r.pass && r.mean.is_nan());
        }
    }
    // Uncovered checks do not enter the score.
    let covered: Vec<_> = results.iter().filter(|r| r.covered).cloned().collect();
    assert_eq!(score(&results), score(&covered));
}

#[test]
fn a_box_with_a_corner_check_refuses_is_refused_with_checks_message() {
    let t = tempfile::tempdir().unwrap();
    let base = std::fs::canonicalize("scenarios/baseline.ron").unwrap();
    let spec = t.path().join("spec.ron");
    std::fs::write(
        &spec,
        format!(
            r#"(
    name: "corner",
    base: {base:?},
    parameters: [
        (path: "groups.FLM.initial.fighters", min: 0, max: 100),
        (path: "groups.FLM.initial.bands", min: 2, max: 5),
    ],
    points: 4,
    replicates: 1,
    seed: 1,
)
"#
        ),
    )
    .unwrap();
    let errs = load_spec(&spec).unwrap_err();
    // `check` on the corner's values written in a scenario file.
    let text = format!(
        "(extends: {base:?}, name: \"c\", groups: [(name: \"FLM\", initial: (fighters: 0, bands: 2))])"
    );
    let check = scenario::load_str(&text, &t.path().join("c.ron")).unwrap_err();
    let (e, c) = (errs.first(), check.first());
    assert_eq!(
        (&e.path, &e.message, &e.expected),
        (&c.path, &c.message, &c.expected),
        "{errs}"
    );
    assert_eq!(e.message, "2 bands for 0 fighters");
    // Located at the spec's `min` of bands, the value that corner sets.
    assert_eq!(e.file, spec);
    assert_eq!(e.position.map(|p| p.line), Some(6), "{errs}");
    assert!(
        e.note
            .as_deref()
            .unwrap_or_default()
            .contains("groups.FLM.initial.fighters = 0, groups.FLM.initial.bands = 2"),
        "{errs}"
    );
}

#[test]
fn the_best_point_is_written_as_a_scenario_that_sets_every_free_parameter() {
    let t = tempfile::tempdir().unwrap();
    let base = std::fs::canonicalize("scenarios/policies/reintegration.ron").unwrap();
    let spec = t.path().join("spec.ron");
    std::fs::write(
        &spec,
        format!(
            r#"(
    name: "fragment",
    base: {base:?},
    parameters: [
        (path: "model.bands.recruit_rate", min: 0.002, max: 0.004),
        (path: "groups.FLM.initial.fighters", min: 500, max: 900),
        (path: "interventions.programme.capacity", min: 100, max: 400),
    ],
    points: 2,
    replicates: 1,
    seed: 1,
)
"#
        ),
    )
    .unwrap();
    let calibration = load_spec(&spec).unwrap();
    let best = Point {
        id: 0,
        round: 0,
        refined: false,
        implausibility: 0.0,
        // A value with more digits than six decimals: written as it is, not rounded.
        values: vec![0.003_141_592_653_589_793, 612.4, 250.5],
        score: 0.0,
        passed: 0,
        targets: Vec::new(),
    };
    let fragment = best_fragment(&calibration, t.path(), &best);
    let path = t.path().join("best.ron");
    std::fs::write(&path, &fragment).unwrap();
    let s = scenario::load(&path).unwrap_or_else(|e| panic!("{e}\n{fragment}"));
    assert_eq!(
        s.model.bands.recruit_rate, 0.003_141_592_653_589_793,
        "{fragment}"
    );
    assert_eq!(
        s.groups[s.group_index("FLM").unwrap()].initial.fighters,
        612
    );
    assert_eq!(s.interventions[0].capacity, 250.5, "{fragment}");
}

/// Fewer dials per group: FLM's share of the events attributed to JNIM (C5) comes from what
/// the groups are and where they stand (objectives, home regions, revenue, control), not
/// from a per-group activity multiplier. With every group's multiplier set to the same value,
/// the share still lands within 0.6–0.85 over 2017–2020.
#[test]
fn flm_share_of_jnim_events_emerges_with_equal_activity() {
    let mut s = scenario::load(Path::new("scenarios/baseline_2017_2020.ron")).unwrap();
    for g in &mut s.groups {
        g.tactics.activity = 1.0;
    }
    let results = validate(&s, 10, None);
    let c5 = results.iter().find(|r| r.target.id == "C5").unwrap();
    assert!(
        (0.6..=0.85).contains(&c5.mean),
        "FLM's share of JNIM-attributed events with equal activity: {}",
        c5.mean
    );
}

#[test]
fn flm_share_of_jnim_events_counts_the_battles_fought_with_its_bands() {
    // C5's events attributed to JNIM include battles that state forces or militias fought with
    // bands taken for JNIM; FLM's share of them counts those fought with FLM's bands, as it
    // counts FLM's own attacks.
    use sahelsim::geo::SahelMap;
    use sahelsim::sim::events::{
        ATTACK_ON_CIVILIANS, Attributed, BATTLE, Event, Perpetrator, Target,
    };
    use sahelsim::sim::ids::{CellId, GroupId};
    let s = scenario::load(Path::new("scenarios/baseline.ron")).unwrap();
    let map = SahelMap::build(&s.map, s.period.start.year());
    let mopti = map.town_cell_index("Mopti").map(CellId::from).unwrap();
    let group = |name: &str| GroupId::from(s.group_index(name).unwrap());
    let (flm, ansar_dine) = (group("FLM"), group("Ansar Dine"));
    let day = (time::macros::date!(2019 - 03 - 01) - s.period.start).whole_days() as u32;
    let attack = |by: GroupId| {
        let mut e = Event::new(
            day,
            mopti,
            Perpetrator::Group(by),
            None,
            ATTACK_ON_CIVILIANS,
            Target::Civilians,
        );
        e.attributed = Attributed::Jnim;
        e
    };
    let engaged = |band_of: GroupId| {
        let mut e = Event::new(
            day,
            mopti,
            Perpetrator::State,
            None,
            BATTLE,
            Target::Group(band_of),
        );
        e.target_attributed = Attributed::Jnim;
        e
    };
    let events = vec![
        attack(flm),
        engaged(flm),
        engaged(ansar_dine),
        attack(ansar_dine),
    ];
    let values = sahelsim::experiment::targets::measure(&s, &map, &events, &[], &[]);
    let c5 = values[TARGETS.iter().position(|t| t.id == "C5").unwrap()];
    assert_eq!(
        c5, 0.5,
        "FLM's attack and the battle with its band, of four"
    );
}

#[test]
fn violence_against_civilians_is_shared_by_perpetrator_in_mali_2023_and_burkina_faso_2024() {
    use sahelsim::geo::SahelMap;
    use sahelsim::sim::events::{ATTACK_ON_CIVILIANS, BATTLE, Event, Perpetrator, Target};
    use sahelsim::sim::ids::{CellId, GroupId};
    let s = scenario::load(Path::new("scenarios/baseline.ron")).unwrap();
    let map = SahelMap::build(&s.map, s.period.start.year());
    let cell = |town: &str| CellId::from(map.town_cell_index(town).unwrap());
    let (mopti, djibo) = (cell("Mopti"), cell("Djibo"));
    let day = |d: time::Date| (d - s.period.start).whole_days() as u32;
    let march = day(time::macros::date!(2023 - 03 - 01));
    let october = day(time::macros::date!(2023 - 10 - 01));
    let flm = GroupId::from(s.group_index("FLM").unwrap());
    let on_civilians =
        |day, cell, by| Event::new(day, cell, by, None, ATTACK_ON_CIVILIANS, Target::Civilians);
    let state_battle = || {
        Event::new(
            march,
            mopti,
            Perpetrator::State,
            None,
            BATTLE,
            Target::Group(flm),
        )
    };
    let mut operation = state_battle();
    operation.civilians_killed = 3;
    let events = vec![
        on_civilians(march, mopti, Perpetrator::Group(flm)),
        on_civilians(march, mopti, Perpetrator::Group(flm)),
        operation,
        on_civilians(march, mopti, Perpetrator::Militia(0)),
        // Not counted: a battle that killed no civilian, Burkina Faso, after August.
        state_battle(),
        on_civilians(march, djibo, Perpetrator::State),
        on_civilians(october, mopti, Perpetrator::State),
    ];
    // H4: civilians killed in Burkina Faso, 1 January – 9 September 2024.
    let killing = |date: time::Date, cell, by, killed| {
        let mut e = on_civilians(day(date), cell, by);
        e.civilians_killed = killed;
        e
    };
    let mut events = events;
    events.extend([
        killing(
            time::macros::date!(2024 - 03 - 01),
            djibo,
            Perpetrator::Group(flm),
            3,
        ),
        killing(
            time::macros::date!(2024 - 09 - 09),
            djibo,
            Perpetrator::Militia(0),
            1,
        ),
        // Not counted: after 9 September, and in Mali.
        killing(
            time::macros::date!(2024 - 09 - 10),
            djibo,
            Perpetrator::State,
            5,
        ),
        killing(
            time::macros::date!(2024 - 03 - 01),
            mopti,
            Perpetrator::State,
            7,
        ),
    ]);
    let values = sahelsim::experiment::targets::measure(&s, &map, &events, &[], &[]);
    let value = |id: &str| values[TARGETS.iter().position(|t| t.id == id).unwrap()];
    assert_eq!(
        value("H2"),
        0.25,
        "one state operation that killed civilians of four events"
    );
    assert_eq!(value("H3"), 0.25, "one militia raid of four");
    assert_eq!(
        value("H4"),
        0.75,
        "3 of the 4 civilians killed in Burkina Faso by armed groups"
    );
}

/// H6 counts the Islamic State's share of 2024's Islamist-linked events as event data do, by
/// attribution: the group's own events attributed to it or to "Islamic State", and the state's
/// operations against the bands the forces believed were its; not the events of its bands that
/// observers gave to JNIM, nor another year's.
#[test]
fn the_islamic_states_share_of_2024_counts_its_attributed_events_and_the_operations_against_it() {
    use sahelsim::geo::SahelMap;
    use sahelsim::sim::events::{
        ATTACK_ON_CIVILIANS, Attributed, BATTLE, Event, Perpetrator, Target,
    };
    use sahelsim::sim::ids::{CellId, GroupId};
    let s = scenario::load(Path::new("scenarios/baseline.ron")).unwrap();
    let map = SahelMap::build(&s.map, s.period.start.year());
    let cell = CellId::from(map.town_cell_index("Tillabéri").unwrap());
    let day = |d: time::Date| (d - s.period.start).whole_days() as u32;
    let (in_2024, in_2023) = (
        day(time::macros::date!(2024 - 05 - 01)),
        day(time::macros::date!(2023 - 05 - 01)),
    );
    let isgs = GroupId::from(s.group_index("ISGS").unwrap());
    let flm = GroupId::from(s.group_index("FLM").unwrap());
    let attack = |day, by: GroupId, seen: Attributed| {
        let mut e = Event::new(
            day,
            cell,
            Perpetrator::Group(by),
            None,
            ATTACK_ON_CIVILIANS,
            Target::Civilians,
        );
        e.attributed = seen;
        e
    };
    let operation = |against: GroupId, seen: Attributed| {
        let mut e = Event::new(
            in_2024,
            cell,
            Perpetrator::State,
            None,
            BATTLE,
            Target::Group(against),
        );
        e.target_attributed = seen;
        e
    };
    let events = vec![
        attack(in_2024, isgs, Attributed::IslamicState),
        attack(in_2024, isgs, Attributed::Group(isgs)),
        operation(isgs, Attributed::Group(isgs)),
        // Linked, not the Islamic State's: its band taken for JNIM, FLM's own, the state's
        // battle with FLM.
        attack(in_2024, isgs, Attributed::Jnim),
        attack(in_2024, flm, Attributed::Group(flm)),
        operation(flm, Attributed::Group(flm)),
        // Not counted at all: 2023.
        attack(in_2023, isgs, Attributed::IslamicState),
    ];
    let values = sahelsim::experiment::targets::measure(&s, &map, &events, &[], &[]);
    let h6 = values[TARGETS.iter().position(|t| t.id == "H6").unwrap()];
    assert_eq!(h6, 0.5, "three of 2024's six linked events");
}

/// G4 and G5 share Mali's 2020 fatalities in Islamist-linked events between its regions:
/// Mopti's share and Ségou's, counting neither another year, nor another country, nor the
/// state's violence against civilians (not linked to a group).
#[test]
fn malis_2020_fatalities_are_shared_by_region_for_mopti_and_segou() {
    use sahelsim::geo::SahelMap;
    use sahelsim::sim::events::{ATTACK_ON_CIVILIANS, Event, Perpetrator, Target};
    use sahelsim::sim::ids::{CellId, GroupId};
    let s = scenario::load(Path::new("scenarios/baseline.ron")).unwrap();
    let map = SahelMap::build(&s.map, s.period.start.year());
    let cell = |town: &str| CellId::from(map.town_cell_index(town).unwrap());
    let day = |d: time::Date| (d - s.period.start).whole_days() as u32;
    let (june_2020, june_2019) = (
        day(time::macros::date!(2020 - 06 - 01)),
        day(time::macros::date!(2019 - 06 - 01)),
    );
    let flm = Perpetrator::Group(GroupId::from(s.group_index("FLM").unwrap()));
    let killing = |day, town: &str, by, killed| {
        let mut e = Event::new(
            day,
            cell(town),
            by,
            None,
            ATTACK_ON_CIVILIANS,
            Target::Civilians,
        );
        e.civilians_killed = killed;
        e
    };
    let events = vec![
        killing(june_2020, "Mopti", flm, 6),
        killing(june_2020, "Ségou", flm, 2),
        killing(june_2020, "Gao", flm, 2),
        // Not counted: 2019, Burkina Faso, the state's violence against civilians.
        killing(june_2019, "Ségou", flm, 10),
        killing(june_2020, "Djibo", flm, 10),
        killing(june_2020, "Ségou", Perpetrator::State, 10),
    ];
    let values = sahelsim::experiment::targets::measure(&s, &map, &events, &[], &[]);
    let value = |id: &str| values[TARGETS.iter().position(|t| t.id == id).unwrap()];
    assert_eq!(value("G4"), 0.6, "Mopti's 6 of Mali's 10");
    assert_eq!(value("G5"), 0.2, "Ségou's 2 of Mali's 10");
}

/// FLM's spread into northern Burkina Faso emerges from where the money is, not from a place
/// it is given: its home is in Mali (the Mopti region and the inner Niger delta), yet in the
/// baseline about half of its own
/// events of 2019–2020 are in Burkina Faso's Sahel, Nord and Centre-Nord regions. With bands
/// blind to revenue (`bands.revenue_weight` 0: the gold sites and route checkpoints no longer
/// draw them) most of those events go, and the share of FLM's events there falls by about
/// half. (Until round 41 the bands of Ansaroul Islam that joined FLM and keep to their own
/// ground, `bands.kept_home`, carried the rest, and with both off FLM stayed in Mali; since
/// the border agreements took the borderlands' shelter away, FLM grows larger in Mali with
/// both off and reaches Nord and Centre-Nord by the other pulls, so that is no longer
/// asserted.) docs/calibration.md ('What carries FLM into northern Burkina Faso') gives the
/// probes behind this (round 37's on 20 replicates of 2017–2025, round 41's on these 4 of
/// 2017–2020), and why the stigmatisation loop does not carry it.
#[test]
fn flm_spreads_into_northern_burkina_where_the_money_draws_its_bands() {
    use sahelsim::sim::events::Perpetrator;
    let base = scenario::load(Path::new("scenarios/baseline_2017_2020.ron")).unwrap();
    let map = common::map(&base);
    let flm = sahelsim::sim::ids::GroupId::from(base.group_index("FLM").unwrap());
    let from = (time::macros::date!(2019 - 01 - 01) - base.period.start).whole_days() as u32;
    // FLM's own events of 2019–2020 in northern Burkina Faso, and their share of all of them,
    // over 4 replicates.
    let northern = |s: scenario::Scenario| -> (u32, f64) {
        let (mut north, mut all) = (0u32, 0u32);
        for (e, region) in located_events(s, &map, 4) {
            if e.day < from || e.perpetrator != Perpetrator::Group(flm) {
                continue;
            }
            all += 1;
            if region.is_some_and(|g| {
                g.country == "BFA" && ["Sahel", "Nord", "Centre-Nord"].contains(&&*g.name)
            }) {
                north += 1;
            }
        }
        (north, north as f64 / all.max(1) as f64)
    };
    let mut blind = base.clone();
    blind.model.bands.revenue_weight = 0.0;
    let (with_money, without) = (northern(base), northern(blind));
    assert!(
        with_money.1 > 0.25 && without.0 < with_money.0 / 2 && without.1 < 0.6 * with_money.1,
        "FLM's events of 2019–2020 in northern Burkina Faso (count, share of FLM's): \
         {with_money:.3?} with bands drawn by revenue, {without:.3?} without"
    );
}

/// The events of replicates `0..n` of `s` on `map`, each with the region it happened in.
fn located_events(
    s: scenario::Scenario,
    map: &std::sync::Arc<sahelsim::geo::SahelMap>,
    n: u32,
) -> Vec<(
    sahelsim::sim::events::Event,
    Option<&sahelsim::geo::data::RegionData>,
)> {
    let s = std::sync::Arc::new(s);
    (0..n)
        .flat_map(|r| sahelsim::experiment::run_replicate(&s, map, r, None).events)
        .map(|e| {
            let region = map.grid.cells[e.cell.index()]
                .region
                .map(|k| &map.data.regions[k]);
            (e, region)
        })
        .collect()
}

/// FLM's home land (round 50): the inner Niger delta, the Macina, is home ground beside the
/// Mopti region, so FLM's bands fight in Ségou's part of the delta; without it they keep to
/// the Mopti region's border, and Mopti holds more of Mali's violence (G4). On 8 replicates
/// of 2017–2020, FLM's fatalities in Ségou in 2020 were 99 a replicate with the land and 9
/// without, and G4 0.84 against 0.92 (docs/calibration.md, "Round 50").
#[test]
fn flm_fights_in_segous_part_of_the_delta_through_its_home_land() {
    use sahelsim::sim::events::{Perpetrator, Target as EventTarget};
    let base = scenario::load(Path::new("scenarios/baseline_2017_2020.ron")).unwrap();
    let fi = base.group_index("FLM").unwrap();
    assert_eq!(
        base.groups[fi].home_lands,
        vec![scenario::HomeLand::InnerNigerDelta],
        "the baseline roots FLM in the inner delta"
    );
    let map = common::map(&base);
    let flm = sahelsim::sim::ids::GroupId::from(fi);
    let from = (time::macros::date!(2020 - 01 - 01) - base.period.start).whole_days() as u32;
    // FLM's events of 2020 in the Ségou region (by it or against it), over 4 replicates.
    let in_segou = |s: scenario::Scenario| -> usize {
        located_events(s, &map, 4)
            .into_iter()
            .filter(|(e, region)| {
                e.day >= from
                    && (e.perpetrator == Perpetrator::Group(flm)
                        || e.target == EventTarget::Group(flm))
                    && region.is_some_and(|g| g.country == "MLI" && g.name == "Ségou")
            })
            .count()
    };
    let mut without = base.clone();
    without.groups[fi].home_lands.clear();
    let (with_land, without_land) = (in_segou(base), in_segou(without));
    assert!(
        with_land >= 40 && with_land > 4 * without_land,
        "FLM's events of 2020 in Ségou over 4 replicates: {with_land} with its home land, \
         {without_land} without"
    );
}

/// Violence outgrows the fighters because a group's tempo follows its hold on the ground
/// (`bands.hold_tempo`, round 39): the groups start holding no community, so 2017 is quiet and
/// each year's new ground brings more operations per fighter. Switched off, with every other
/// value of the baseline kept, the events of 2020 are under 3 times those of 2017 (C1; 20
/// replicates: 2.83, against 4.88 with it, round 42; round 41: 2.90 and 5.07;
/// docs/calibration.md, "Validation of the shipped baseline").
#[test]
fn the_tempo_following_the_hold_makes_violence_outgrow_the_fighters() {
    let base = scenario::load(Path::new("scenarios/baseline_2017_2020.ron")).unwrap();
    assert!(
        base.model.bands.hold_tempo > 0.0,
        "the baseline's tempo follows the hold"
    );
    let mut off = base.clone();
    sahelsim::experiment::ablation::Mechanism::HoldTempo.switch_off(&mut off);
    let c1 = |s: &scenario::Scenario| {
        let results = validate(s, 4, None);
        results.iter().find(|r| r.target.id == "C1").unwrap().mean
    };
    let (with_hold, without) = (c1(&base), c1(&off));
    assert!(
        with_hold > 1.4 * without && without < 5.0,
        "Islamist-linked events of 2020 over 2017 (C1): {with_hold:.2} with the tempo following \
         the hold, {without:.2} without"
    );
}
