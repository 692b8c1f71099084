//! Every size a scenario sets has an upper bound, checked in validation before the model
//! allocates anything, with totals and products counted without wrapping around.

use std::path::Path;

use sahelsim::scenario::{self, ScenarioError, limits};

fn errors(body: &str) -> Vec<ScenarioError> {
    let text = format!("(extends: \"../../scenarios/baseline.ron\", name: \"sizes\", {body})");
    match scenario::load_str(&text, Path::new("tests/fixtures/inline.ron")) {
        Ok(_) => Vec::new(),
        Err(e) => e.0,
    }
}

fn messages(body: &str) -> Vec<(String, String, String)> {
    errors(body)
        .into_iter()
        .map(|e| (e.path, e.message, e.expected.unwrap_or_default()))
        .collect()
}

#[test]
fn a_group_of_a_hundred_million_fighters_and_bands_is_refused() {
    let found =
        messages("groups: [(name: \"FLM\", initial: (fighters: 100000000, bands: 100000000))]");
    assert_eq!(
        found,
        vec![
            (
                "groups[FLM].initial.fighters".to_string(),
                "100000000 is too large".to_string(),
                format!("at most {}", limits::MAX_FIGHTERS)
            ),
            (
                "groups[FLM].initial.bands".to_string(),
                "100000000 is too large".to_string(),
                format!("at most {}", limits::MAX_BANDS)
            ),
        ]
    );
}

#[test]
fn four_billion_fighters_in_one_band_are_refused() {
    let found = messages("groups: [(name: \"FLM\", initial: (fighters: 4000000000, bands: 1))]");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "groups[FLM].initial.fighters");
    assert_eq!(found[0].1, "4000000000 is too large");
}

#[test]
fn fighters_and_bands_are_bounded_over_all_groups_together() {
    let group = |n: usize| {
        format!(
            "(name: \"G{n}\", coalition: Jnim, home_regions: [\"Mopti\"], initial: (fighters: 600000, bands: 6000))"
        )
    };
    let found = messages(&format!("groups: [{}, {}]", group(1), group(2)));
    let paths: Vec<&str> = found.iter().map(|f| f.0.as_str()).collect();
    assert_eq!(paths, vec!["groups", "groups"], "{found:?}");
    assert!(found[0].1.starts_with("the groups have 12"), "{found:?}");
    assert!(found[0].1.ends_with(" fighters together"), "{found:?}");
    assert_eq!(
        found[0].2,
        format!(
            "at most {} fighters in all groups together",
            limits::MAX_FIGHTERS
        )
    );
    assert!(found[1].1.ends_with(" bands together"), "{found:?}");
}

#[test]
fn a_fine_grid_over_a_century_is_refused_by_its_cell_days() {
    let found = messages(
        "map: (resolution_deg: 0.02), period: (start: \"1950-01-01\", end: \"2049-12-31\")",
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "map.resolution_deg");
    assert_eq!(
        found[0].1,
        "a grid of 850 × 825 cells over 36525 days makes 25613156250 cell-days"
    );
    // The same grid over a year is accepted.
    assert!(
        messages(
            "map: (resolution_deg: 0.02), period: (start: \"2017-01-01\", end: \"2017-12-31\")"
        )
        .is_empty()
    );
}

#[test]
fn too_many_groups_are_refused_at_the_list() {
    let groups: Vec<String> = (0..=limits::MAX_GROUPS)
        .map(|n| format!("(name: \"G{n}\", coalition: Jnim, home_regions: [\"Mopti\"], initial: (fighters: 0, bands: 0))"))
        .collect();
    let found = messages(&format!("groups: [{}]", groups.join(",\n")));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "groups");
    let count: usize = found[0]
        .1
        .strip_suffix(" groups are too many")
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{found:?}"));
    // The file's groups are added to the baseline's.
    assert!(count > limits::MAX_GROUPS + 1, "{found:?}");
}

#[test]
fn a_large_lattice_over_many_steps_is_refused_by_its_cell_steps() {
    let text = "(name: \"e\", kind: Epstein, epstein: (width: 1000, height: 1000, steps: 20000))";
    let errs = scenario::load_str(text, Path::new("tests/fixtures/inline.ron")).unwrap_err();
    assert_eq!(errs.0.len(), 1, "{errs:?}");
    assert_eq!(errs.first().path, "epstein.steps");
    assert_eq!(
        errs.first().message,
        "a lattice of 1000 × 1000 cells over 20000 steps makes 20000000000 cell-steps"
    );
    let text = "(name: \"e\", kind: Epstein, epstein: (width: 1000, height: 1000, steps: 10000))";
    assert!(scenario::load_str(text, Path::new("tests/fixtures/inline.ron")).is_ok());
}
