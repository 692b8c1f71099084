//! Each broken fixture under `tests/fixtures/` gives the error an analyst needs: the file, the
//! line and column, the field path, what was expected and, where the value is one of a known
//! set, the closest valid choice.

use std::path::Path;

use sahelsim::scenario::{self, Position, ScenarioError};

fn first_error(fixture: &str) -> ScenarioError {
    let path = Path::new("tests/fixtures").join(fixture);
    match scenario::load(&path) {
        Ok(_) => panic!("{fixture} should not load"),
        Err(e) => e.first().clone(),
    }
}

fn at(line: usize, col: usize) -> Option<Position> {
    Some(Position { line, col })
}

#[test]
fn unknown_field_names_the_field_and_suggests_the_right_one() {
    let e = first_error("unknown_field.ron");
    assert_eq!(e.file, Path::new("tests/fixtures/unknown_field.ron"));
    assert_eq!(e.position, at(6, 33));
    assert_eq!(e.path, "groups[FLM].tactics.civillian_targeting");
    assert_eq!(e.message, "unknown field `civillian_targeting`");
    assert_eq!(e.suggestion.as_deref(), Some("civilian_targeting"));
    assert!(e.choices.contains(&"kidnapping".to_string()));
}

#[test]
fn unknown_region_suggests_the_accented_name() {
    let e = first_error("unknown_region.ron");
    assert_eq!(e.position, at(6, 47));
    assert_eq!(e.path, "groups[FLM].home_regions[1]");
    assert_eq!(e.message, "unknown region `Segou`");
    assert_eq!(e.suggestion.as_deref(), Some("Ségou"));
}

#[test]
fn probability_above_one_is_refused_with_its_path() {
    let e = first_error("probability_out_of_range.ron");
    assert_eq!(e.position, at(8, 43));
    assert_eq!(e.path, "groups[ISGS].tactics.civilian_targeting");
    assert_eq!(e.message, "1.5 is out of range");
    assert_eq!(e.expected.as_deref(), Some("a probability between 0 and 1"));
}

#[test]
fn negative_population_is_refused() {
    let e = first_error("negative_population.ron");
    assert_eq!(e.position, at(5, 49));
    assert_eq!(e.path, "map.regions[Mopti].population");
    assert_eq!(e.message, "-2500000 is negative");
}

#[test]
fn end_before_start_is_refused_at_the_end_date() {
    let e = first_error("end_before_start.ron");
    assert_eq!(e.position, at(5, 40));
    assert_eq!(e.path, "period.end");
    assert_eq!(e.message, "2020-12-31 is before the start 2021-01-01");
}

#[test]
fn a_date_that_is_not_a_date_is_refused() {
    let e = first_error("not_a_date.ron");
    assert_eq!(e.position, at(5, 21));
    assert_eq!(e.path, "period.start");
    assert_eq!(e.message, "\"2017-13-45\" is not a date");
}

#[test]
fn an_absurd_grid_is_refused_before_anything_is_allocated() {
    let e = first_error("absurd_grid.ron");
    assert_eq!(e.position, at(5, 27));
    assert_eq!(e.path, "map.resolution_deg");
    assert_eq!(
        e.message,
        "0.02 makes a grid of 18000 × 6750 = 121500000 cells"
    );
}

#[test]
fn a_missing_parent_file_is_reported_at_extends() {
    let e = first_error("missing_extends.ron");
    assert_eq!(e.position, at(3, 14));
    assert_eq!(e.path, "extends");
    assert!(
        e.message
            .starts_with("cannot read `tests/fixtures/no_such_baseline.ron`"),
        "{}",
        e.message
    );
}

#[test]
fn an_extends_cycle_is_reported_with_the_chain() {
    let e = first_error("cycle_a.ron");
    assert_eq!(e.file, Path::new("tests/fixtures/cycle_b.ron"));
    assert_eq!(e.position, at(3, 14));
    assert_eq!(
        e.message,
        "`cycle_a.ron` makes a cycle: tests/fixtures/cycle_a.ron extends tests/fixtures/cycle_b.ron extends tests/fixtures/cycle_a.ron"
    );
}

#[test]
fn a_missing_comma_is_located() {
    let e = first_error("syntax_error.ron");
    assert_eq!(e.position, at(5, 5));
    assert_eq!(e.message, "a comma is missing");
}

#[test]
fn an_unknown_group_suggests_the_closest_group() {
    let e = first_error("unknown_group.ron");
    assert_eq!(e.position, at(6, 65));
    assert_eq!(e.path, "groups[al Mourabitoun].absorbed_by");
    assert_eq!(e.suggestion.as_deref(), Some("Ansar Dine"));
}

#[test]
fn an_unknown_choice_lists_the_valid_ones() {
    let e = first_error("unknown_choice.ron");
    assert_eq!(e.position, at(6, 35));
    assert_eq!(e.path, "groups[ISGS].coalition");
    assert_eq!(e.suggestion.as_deref(), Some("IslamicState"));
    assert_eq!(e.choices, vec!["Jnim", "IslamicState", "Unaffiliated"]);
}

#[test]
fn an_unknown_home_land_names_the_ones_the_map_draws() {
    let e = first_error("unknown_home_land.ron");
    assert_eq!(e.position, at(6, 53));
    assert_eq!(e.path, "groups[FLM].home_lands[1]");
    assert_eq!(e.choices, vec!["InnerNigerDelta"]);
}

#[test]
fn every_problem_is_reported_not_only_the_first() {
    let text = r#"(
        extends: "../../scenarios/baseline.ron",
        name: "two problems",
        replicates: 0,
        groups: [(name: "FLM", tactics: (negotiation: -0.5))],
    )"#;
    let errs = scenario::load_str(text, Path::new("tests/fixtures/inline.ron")).unwrap_err();
    let paths: Vec<&str> = errs.0.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(paths, vec!["replicates", "groups[FLM].tactics.negotiation"]);
    assert_eq!(errs.0[0].position, at(4, 21));
}

#[test]
fn the_check_command_prints_the_error_and_fails() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sahelsim"))
        .args(["check", "tests/fixtures/unknown_region.ron"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with(
            "error: tests/fixtures/unknown_region.ron:6:47: groups[FLM].home_regions[1]"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("did you mean `Ségou`?"), "{stderr}");
}

#[test]
fn errors_inside_an_intervention_point_at_the_value_and_name_the_intervention() {
    let text = r#"(
    extends: "../../scenarios/baseline.ron",
    name: "bad intervention",
    interventions: [
        (name: "protection-cn", kind: ProtectCommunities, start: "2021-02-30",
         places: (regions: ["Mopt"]), intensity: 1.5),
    ],
)"#;
    let errs = scenario::load_str(text, Path::new("tests/fixtures/inline.ron")).unwrap_err();
    let found: Vec<(&str, Option<Position>)> = errs
        .0
        .iter()
        .map(|e| (e.path.as_str(), e.position))
        .collect();
    assert_eq!(
        found,
        vec![
            ("interventions[protection-cn].start", at(5, 66)),
            ("interventions[protection-cn].intensity", at(6, 50)),
            ("interventions[protection-cn].places.regions[0]", at(6, 29)),
        ]
    );
    assert_eq!(errs.0[0].message, "\"2021-02-30\" is not a date");
    assert_eq!(errs.0[2].suggestion.as_deref(), Some("Mopti"));
}

#[test]
fn a_name_repeated_within_one_file_is_refused_at_its_second_occurrence() {
    // FLM is also a group of the baseline: a child changes it by naming it, which is no error.
    let text = r#"(
    extends: "../../scenarios/baseline.ron",
    name: "repeated names",
    groups: [
        (name: "X", coalition: Unaffiliated, home_regions: ["Mopti"]),
        (name: "FLM", tactics: (negotiation: 0.2)),
        (name: "X", coalition: Jnim),
    ],
    interventions: [
        (name: "p", kind: ProtectCommunities, start: "2021-01-01"),
        (name: "p", kind: Reintegration, start: "2021-01-01"),
    ],
)"#;
    let errs = scenario::load_str(text, Path::new("tests/fixtures/inline.ron")).unwrap_err();
    let found: Vec<(&str, &str, Option<Position>)> = errs
        .0
        .iter()
        .map(|e| (e.path.as_str(), e.message.as_str(), e.position))
        .collect();
    assert_eq!(
        found,
        vec![
            ("groups[X].name", "group `X` is defined twice", at(7, 16)),
            ("interventions[p].name", "`p` is used twice", at(11, 16)),
        ]
    );
}

#[test]
fn a_child_changes_its_parents_items_by_name_without_error() {
    let text = r#"(
    extends: "../../scenarios/baseline.ron",
    name: "override",
    groups: [(name: "FLM", tactics: (negotiation: 0.2))],
)"#;
    let s = scenario::load_str(text, Path::new("tests/fixtures/inline.ron")).unwrap();
    let flm: Vec<_> = s.groups.iter().filter(|g| g.name == "FLM").collect();
    assert_eq!(flm.len(), 1);
    assert_eq!(flm[0].tactics.negotiation, 0.2);
}

#[test]
fn a_byte_order_mark_is_accepted_and_positions_are_as_an_editor_shows_them() {
    let text = "\u{feff}(extends: \"../../scenarios/baseline.ron\", name: \"bom\")";
    let s = scenario::load_str(text, Path::new("tests/fixtures/inline.ron")).unwrap();
    assert_eq!(s.name, "bom");
    let text = "\u{feff}(extends: \"../../scenarios/baseline.ron\", name: \"bom\", replicates: 0)";
    let errs = scenario::load_str(text, Path::new("tests/fixtures/inline.ron")).unwrap_err();
    assert_eq!(errs.first().path, "replicates");
    assert_eq!(errs.first().position, at(1, 68));
}

#[test]
fn a_file_that_opens_with_a_byte_order_mark_loads() {
    let s = scenario::load(Path::new("tests/fixtures/byte_order_mark.ron")).unwrap();
    assert_eq!(s.name, "bomfile");
}

#[test]
fn a_whole_number_given_a_fraction_says_so() {
    for (value, col) in [("5.5", 48), ("1e3", 48), ("-2.0", 48)] {
        let text = format!(
            "(\n    extends: \"../../scenarios/baseline.ron\",\n    name: \"fraction\",\n    groups: [(name: \"FLM\", initial: (fighters: {value}, bands: 2))],\n)"
        );
        let errs = scenario::load_str(&text, Path::new("tests/fixtures/inline.ron")).unwrap_err();
        let e = errs.first();
        assert_eq!(e.path, "groups[FLM].initial.fighters", "{value}");
        assert_eq!(e.message, format!("{value} is not a whole number"));
        assert_eq!(
            e.expected.as_deref(),
            Some("a whole number, without a fraction or exponent")
        );
        assert_eq!(e.position, at(4, col), "{value}");
    }
}

#[test]
fn dates_outside_the_years_1900_to_2200_are_refused() {
    for (start, ok) in [
        ("0000-01-01", false),
        ("-0001-01-01", false),
        ("1899-12-31", false),
        ("1900-01-01", true),
        ("2200-12-31", true),
        ("2201-01-01", false),
    ] {
        let text = format!(
            "(extends: \"../../scenarios/baseline.ron\", name: \"years\", period: (start: \"{start}\", end: \"2200-12-31\"))"
        );
        let result = scenario::load_str(&text, Path::new("tests/fixtures/inline.ron"));
        let start_errors: Vec<ScenarioError> = match result {
            Ok(_) => Vec::new(),
            Err(e) => {
                e.0.into_iter()
                    .filter(|e| e.path == "period.start")
                    .collect()
            }
        };
        assert_eq!(start_errors.is_empty(), ok, "{start}: {start_errors:?}");
        if let Some(e) = start_errors.first() {
            assert_eq!(e.message, format!("\"{start}\" is out of range"));
            assert_eq!(
                e.expected.as_deref(),
                Some("a date from 1900-01-01 to 2200-12-31")
            );
            assert_eq!(e.position, at(1, 74));
        }
    }
}

#[test]
fn unknown_fields_are_reported_with_every_other_problem() {
    let text = r#"(
    extends: "../../scenarios/baseline.ron",
    name: "unknown and more",
    replicate: 4,
    groups: [(name: "FLM", tactics: (civillian_targeting: 0.4, negotiation: -0.5, kidnaping: 0.1)),],
    period: (start: "2017-01-01", end: "2016-01-01"),
)"#;
    let errs = scenario::load_str(text, Path::new("tests/fixtures/inline.ron")).unwrap_err();
    let found: Vec<(&str, &str, Option<Position>)> = errs
        .0
        .iter()
        .map(|e| (e.path.as_str(), e.message.as_str(), e.position))
        .collect();
    assert_eq!(
        found,
        vec![
            ("replicate", "unknown field `replicate`", at(4, 5)),
            (
                "groups[FLM].tactics.civillian_targeting",
                "unknown field `civillian_targeting`",
                at(5, 38)
            ),
            (
                "groups[FLM].tactics.kidnaping",
                "unknown field `kidnaping`",
                at(5, 83)
            ),
            (
                "period.end",
                "2016-01-01 is before the start 2017-01-01",
                at(6, 40)
            ),
            (
                "groups[FLM].tactics.negotiation",
                "-0.5 is out of range",
                at(5, 77)
            ),
        ]
    );
    assert_eq!(errs.0[0].suggestion.as_deref(), Some("replicates"));
    assert_eq!(errs.0[2].suggestion.as_deref(), Some("kidnapping"));
}

#[test]
fn a_spec_read_as_a_scenario_says_what_to_run_it_with() {
    // `sahelsim check` (or `run`) on a calibration spec, a sweep spec or an ensemble: the first
    // unknown field is `base`, whose closest scenario field (`name`) would only mislead.
    for file in [
        "scenarios/calibration/search_36c.ron",
        "scenarios/sweeps/surge_sobol.ron",
        "scenarios/ensemble/baseline.ron",
    ] {
        let e = scenario::load(Path::new(file)).unwrap_err();
        let e = e.first();
        assert_eq!(e.message, "unknown field `base`", "{file}");
        assert_eq!(e.suggestion, None, "{file}");
        let note = e.note.as_deref().unwrap_or("");
        assert!(
            note.contains("sahelsim calibrate FILE") && note.contains("--ensemble"),
            "{file}: {e}"
        );
    }
    // A scenario with an unknown top-level field keeps the suggestion and has no such note.
    let e = first_error("unknown_field.ron");
    assert!(e.note.is_none(), "{e}");
}

#[test]
fn a_scenario_read_as_a_spec_says_what_to_run_it_with() {
    use sahelsim::experiment::{calibration, sweep};
    let calibrate = calibration::load_spec(Path::new("scenarios/baseline.ron")).unwrap_err();
    let sweep = sweep::spec::load(Path::new("scenarios/baseline.ron")).unwrap_err();
    for e in [calibrate.first(), sweep.first()] {
        let note = e.note.as_deref().unwrap_or("");
        assert!(note.contains("sahelsim run FILE"), "{e}");
        assert_eq!(e.suggestion, None, "{e}");
    }
}

#[test]
fn a_spec_read_as_a_scenario_is_one_error_not_one_per_field() {
    let e = scenario::load(Path::new("scenarios/calibration/search_36c.ron")).unwrap_err();
    assert_eq!(e.0.len(), 1, "{:?}", e.0);
}
