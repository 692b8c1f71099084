//! The documentation stays true: every model parameter is documented in docs/scenarios.md
//! with its default, every mechanism (system) in docs/ODD.md, and every outcome of comparisons
//! and sweeps in docs/sweeps.md.

use sahelsim::scenario::model_params::PARAMETERS;

#[test]
fn every_parameter_is_documented_with_its_default() {
    let doc = std::fs::read_to_string("docs/scenarios.md").unwrap();
    for p in PARAMETERS {
        let heading = format!("### `model.{}`", p.section);
        let section = doc
            .split(&heading)
            .nth(1)
            .unwrap_or_else(|| panic!("docs/scenarios.md lacks {heading}"));
        let section = section.split("\n### ").next().unwrap();
        let row = section
            .lines()
            .find(|l| l.starts_with(&format!("| `{}` |", p.field)))
            .unwrap_or_else(|| panic!("{} is not documented", p.path()));
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        assert_eq!(
            cells[4].parse::<f64>().ok(),
            Some(p.default),
            "{}: documented default {} vs {}",
            p.path(),
            cells[4],
            p.default
        );
    }
}

#[test]
fn every_system_is_described_in_the_odd() {
    let odd = std::fs::read_to_string("docs/ODD.md").unwrap();
    for system in [
        "security_presence",
        "community_choices",
        "displacement_and_schools",
        "move_bands",
        "index_bands",
        "collect_revenue",
        "update_control",
        "recruit",
        "band_attacks",
        "attribute_events",
        "security_response",
        "band_dynamics",
        "group_dynamics",
    ] {
        assert!(
            odd.contains(&format!("`{system}`")),
            "docs/ODD.md does not describe `{system}`"
        );
    }
}

#[test]
fn every_intervention_kind_is_explained_in_the_policies_page() {
    let doc = std::fs::read_to_string("docs/policies.md").unwrap();
    for k in sahelsim::scenario::interventions::KINDS {
        let heading = format!(". `{:?}`", k.kind);
        assert!(
            doc.lines()
                .any(|l| l.starts_with("### ") && l.ends_with(&heading)),
            "docs/policies.md has no section for {:?}",
            k.kind
        );
    }
}

#[test]
fn every_outcome_of_comparisons_and_sweeps_is_named_in_the_sweeps_page() {
    let doc = std::fs::read_to_string("docs/sweeps.md").unwrap();
    let section = doc
        .split("### Outcomes")
        .nth(1)
        .expect("docs/sweeps.md has an Outcomes section");
    let section = section.split("\n### ").next().unwrap();
    for o in sahelsim::record::OUTCOMES
        .iter()
        .filter(|o| o.reported.comparison)
    {
        let named = if o.total {
            format!("`{}`", o.key)
        } else {
            format!("`{}.<group>`", o.key)
        };
        assert!(section.contains(&named), "docs/sweeps.md lacks {named}");
    }
    for key in sahelsim::record::outcome::REFERENCE_OUTCOMES.map(|r| r.key) {
        assert!(
            section.contains(&format!("`{key}`")),
            "docs/sweeps.md lacks {key}"
        );
    }
}

#[test]
fn every_route_of_the_explorer_is_in_its_page() {
    let doc = std::fs::read_to_string("docs/explorer.md").unwrap();
    let code = std::fs::read_to_string("src/explorer/http.rs").unwrap();
    let routes: Vec<&str> = code
        .split(".route(\"")
        .skip(1)
        .filter_map(|r| r.split('"').next())
        .filter(|r| r.starts_with("/api/"))
        .collect();
    assert!(routes.len() >= 10, "{routes:?}");
    for route in routes {
        assert!(
            doc.contains(&format!(" {route}`")),
            "docs/explorer.md does not list {route}"
        );
    }
}
