//! `extends`: a scenario states only what changes; nested sections merge field by field and
//! named lists merge by name.

use std::path::Path;

use sahelsim::scenario;

#[test]
fn a_child_changes_one_field_of_one_group_and_keeps_the_rest() {
    let base = scenario::load(Path::new("scenarios/baseline.ron")).unwrap();
    let text = r#"(
        extends: "../scenarios/baseline.ron",
        name: "child",
        seed: 99,
        groups: [
            (name: "FLM", tactics: (civilian_targeting: 0.5)),
            (name: "New band", coalition: Unaffiliated, home_regions: ["Est"], initial: (fighters: 10, bands: 1)),
        ],
    )"#;
    let child = scenario::load_str(text, Path::new("tests/child.ron")).unwrap();
    assert_eq!(child.name, "child");
    assert_eq!(child.seed, 99);
    assert_eq!(child.period.start, base.period.start);
    assert_eq!(child.groups.len(), base.groups.len() + 1);
    let flm = &child.groups[child.group_index("FLM").unwrap()];
    let base_flm = &base.groups[base.group_index("FLM").unwrap()];
    assert_eq!(flm.tactics.civilian_targeting, 0.5);
    assert_eq!(
        flm.tactics.leader_targeting,
        base_flm.tactics.leader_targeting
    );
    assert_eq!(flm.initial.fighters, base_flm.initial.fighters);
    assert_eq!(flm.home_regions, base_flm.home_regions);
    assert_eq!(child.groups.last().unwrap().name, "New band");
    assert_eq!(child.sources.len(), 2);
    assert_eq!(child.sources[1].path, "tests/../scenarios/baseline.ron");
}

#[test]
fn a_grandchild_sees_both_layers() {
    let dir = tempfile::tempdir().unwrap();
    let baseline = std::fs::canonicalize("scenarios/baseline.ron").unwrap();
    std::fs::write(
        dir.path().join("mid.ron"),
        format!(
            "(extends: {:?}, name: \"mid\", replicates: 3, map: (population_growth: 0.025))",
            baseline.display().to_string()
        ),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("leaf.ron"),
        "(extends: \"mid.ron\", name: \"leaf\", map: (resolution_deg: 0.25))",
    )
    .unwrap();
    let s = scenario::load(&dir.path().join("leaf.ron")).unwrap();
    assert_eq!(s.name, "leaf");
    assert_eq!(s.replicates, 3);
    assert_eq!(s.map.population_growth, 0.025);
    assert_eq!(s.map.resolution_deg, 0.25);
    assert_eq!(s.sources.len(), 3);
}

#[test]
fn an_error_in_the_parent_is_reported_in_the_parent_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("parent.ron"),
        "(\n  name: \"p\",\n  period: (start: \"2017-01-01\", end: \"2017-02-30\"),\n)",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("child.ron"),
        "(extends: \"parent.ron\", name: \"c\")",
    )
    .unwrap();
    let errs = scenario::load(&dir.path().join("child.ron")).unwrap_err();
    let date_error = errs
        .0
        .iter()
        .find(|e| e.path == "period.end")
        .expect("the bad date is reported");
    assert_eq!(date_error.file, dir.path().join("parent.ron"));
    assert_eq!(
        date_error.position,
        Some(scenario::Position { line: 3, col: 38 })
    );
}
