//! A scenario with as many groups as allowed and thousands of interventions loads, each name
//! resolved and each error still located; one with thousands of groups more is read through
//! and refused at its list (name look-ups, the field index and merging by name are
//! near-linear).

use std::path::Path;

use sahelsim::scenario::{self, Position, limits};

const INTERVENTIONS: usize = 4_000;

/// A scenario over the baseline with `groups` groups (each the ally of the next) and
/// `INTERVENTIONS` interventions (each concerning one group); `last` ends the last group.
fn many(groups: usize, last: &str) -> String {
    let mut text = String::from(
        "(\n    extends: \"../../scenarios/baseline.ron\",\n    name: \"many\",\n    groups: [\n",
    );
    for g in 0..groups {
        let ally = (g + 1) % groups;
        let end = if g + 1 == groups { last } else { "" };
        text.push_str(&format!(
            "        (name: \"G{g}\", coalition: Jnim, allies: [\"G{ally}\"], home_regions: [\"Mopti\"], initial: (fighters: 10, bands: 1){end}),\n"
        ));
    }
    text.push_str("    ],\n    interventions: [\n");
    for i in 0..INTERVENTIONS {
        text.push_str(&format!(
            "        (name: \"I{i}\", kind: ProtectCommunities, start: \"2021-01-01\", groups: [\"G{}\"]),\n",
            i % groups
        ));
    }
    text.push_str("    ],\n)\n");
    text
}

/// As many groups as a scenario may have, with the baseline's.
fn most_groups() -> usize {
    let baseline = scenario::load(Path::new("scenarios/baseline.ron")).unwrap();
    limits::MAX_GROUPS - baseline.groups.len()
}

#[test]
fn the_most_groups_allowed_and_thousands_of_interventions_load() {
    let groups = most_groups();
    let s = scenario::load_str(&many(groups, ""), Path::new("tests/fixtures/inline.ron")).unwrap();
    let baseline = scenario::load(Path::new("scenarios/baseline.ron")).unwrap();
    assert_eq!(s.groups.len(), limits::MAX_GROUPS);
    assert_eq!(
        s.interventions.len(),
        baseline.interventions.len() + INTERVENTIONS
    );
    let first = baseline.groups.len();
    assert_eq!(s.groups[first].allies, vec![first + 1]);
    assert_eq!(s.groups[first + groups - 1].allies, vec![first]);
    let last = s.interventions.last().unwrap();
    assert_eq!(last.groups, vec![first + (INTERVENTIONS - 1) % groups]);
}

#[test]
fn an_error_in_the_last_of_many_groups_is_located() {
    let groups = most_groups();
    let errs = scenario::load_str(
        &many(groups, ", tactics: (kidnapping: 2.0)"),
        Path::new("tests/fixtures/inline.ron"),
    )
    .unwrap_err();
    assert_eq!(errs.0.len(), 1, "{errs:?}");
    let e = errs.first();
    assert_eq!(
        e.path,
        format!("groups[G{}].tactics.kidnapping", groups - 1)
    );
    let col = format!(
        "        (name: \"G{}\", coalition: Jnim, allies: [\"G0\"], home_regions: [\"Mopti\"], initial: (fighters: 10, bands: 1), tactics: (kidnapping: ",
        groups - 1
    )
    .chars()
    .count()
        + 1;
    assert_eq!(
        e.position,
        Some(Position {
            line: 4 + groups,
            col
        })
    );
}

#[test]
fn eight_thousand_groups_are_read_through_and_refused_at_the_list() {
    let errs =
        scenario::load_str(&many(8_000, ""), Path::new("tests/fixtures/inline.ron")).unwrap_err();
    let found: Vec<(&str, &str)> = errs
        .0
        .iter()
        .map(|e| (e.path.as_str(), e.message.as_str()))
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "groups");
    assert!(found[0].1.ends_with(" groups are too many"), "{found:?}");
    assert_eq!(errs.first().position, Some(Position { line: 4, col: 13 }));
}
