//! A scenario with thousands of groups and interventions loads, each name resolved and each
//! error still located (name look-ups, the field index and merging by name are near-linear).

use std::path::Path;

use sahelsim::scenario::{self, Position};

const GROUPS: usize = 4_000;
const INTERVENTIONS: usize = 4_000;

/// A scenario over the baseline with `GROUPS` groups (each the ally of the next) and
/// `INTERVENTIONS` interventions (each concerning one group); `last` ends the last group.
fn many(last: &str) -> String {
    let mut text = String::from(
        "(\n    extends: \"../../scenarios/baseline.ron\",\n    name: \"many\",\n    groups: [\n",
    );
    for g in 0..GROUPS {
        let ally = (g + 1) % GROUPS;
        let end = if g + 1 == GROUPS { last } else { "" };
        text.push_str(&format!(
            "        (name: \"G{g}\", coalition: Jnim, allies: [\"G{ally}\"], home_regions: [\"Mopti\"], initial: (fighters: 10, bands: 1){end}),\n"
        ));
    }
    text.push_str("    ],\n    interventions: [\n");
    for i in 0..INTERVENTIONS {
        text.push_str(&format!(
            "        (name: \"I{i}\", kind: ProtectCommunities, start: \"2021-01-01\", groups: [\"G{}\"]),\n",
            i % GROUPS
        ));
    }
    text.push_str("    ],\n)\n");
    text
}

#[test]
fn thousands_of_groups_and_interventions_load() {
    let s = scenario::load_str(&many(""), Path::new("tests/fixtures/inline.ron")).unwrap();
    let baseline = scenario::load(Path::new("scenarios/baseline.ron")).unwrap();
    assert_eq!(s.groups.len(), baseline.groups.len() + GROUPS);
    assert_eq!(
        s.interventions.len(),
        baseline.interventions.len() + INTERVENTIONS
    );
    let first = baseline.groups.len();
    assert_eq!(s.groups[first].allies, vec![first + 1]);
    assert_eq!(s.groups[first + GROUPS - 1].allies, vec![first]);
    let last = s.interventions.last().unwrap();
    assert_eq!(last.groups, vec![first + (INTERVENTIONS - 1) % GROUPS]);
}

#[test]
fn an_error_in_the_last_of_thousands_of_groups_is_located() {
    let errs = scenario::load_str(
        &many(", tactics: (kidnapping: 2.0)"),
        Path::new("tests/fixtures/inline.ron"),
    )
    .unwrap_err();
    assert_eq!(errs.0.len(), 1, "{errs:?}");
    let e = errs.first();
    assert_eq!(
        e.path,
        format!("groups[G{}].tactics.kidnapping", GROUPS - 1)
    );
    assert_eq!(
        e.position,
        Some(Position {
            line: 4 + GROUPS,
            col: 140
        })
    );
}
