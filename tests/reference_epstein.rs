//! Epstein's civil violence model as a scenario kind: the `epstein` section's errors are
//! located, any values the loader accepts run without a panic, and `sahelsim run` writes
//! byte-identical files whatever the number of threads.

mod common;

use std::path::Path;

use proptest::prelude::*;
use sahelsim::reference::epstein::{World, run_replicate};
use sahelsim::scenario::{self, ModelKind, Position, ScenarioError};

fn errors(text: &str) -> Vec<ScenarioError> {
    match scenario::load_str(text, Path::new("tests/epstein.ron")) {
        Ok(_) => panic!("should not load:\n{text}"),
        Err(e) => e.0,
    }
}

fn epstein(section: &str) -> String {
    format!("(\n    name: \"e\",\n    kind: Epstein,\n    epstein: (\n{section}\n    ),\n)\n")
}

#[test]
fn an_epstein_scenario_needs_neither_period_nor_map_nor_groups() {
    let s = scenario::load(Path::new("scenarios/reference/epstein.ron")).unwrap();
    assert_eq!(s.kind, ModelKind::Epstein);
    let p = s.epstein.unwrap();
    assert_eq!((p.width, p.height, p.citizen_vision), (40, 40, 7));
    let s = scenario::load_str("(name: \"e\", kind: Epstein)", Path::new("e.ron")).unwrap();
    assert_eq!(s.epstein.unwrap(), Default::default());
}

#[test]
fn bad_values_are_refused_with_file_line_column_and_path() {
    let errs = errors(&epstein(
        "        citizen_density: 1.2,\n        cop_vision: -3,\n        legitimacy: 2.0,\n        steps: 0,",
    ));
    let mut paths: Vec<&str> = errs.iter().map(|e| e.path.as_str()).collect();
    paths.sort();
    assert_eq!(
        paths,
        [
            "epstein.citizen_density",
            "epstein.cop_vision",
            "epstein.legitimacy",
            "epstein.steps"
        ]
    );
    assert_eq!(errs.len(), 4, "{errs:?}");
    let density = errs
        .iter()
        .find(|e| e.path == "epstein.citizen_density")
        .unwrap();
    assert_eq!(density.position, Some(Position { line: 5, col: 26 }));
    assert_eq!(density.message, "1.2 is out of range");
    let vision = errs
        .iter()
        .find(|e| e.path == "epstein.cop_vision")
        .unwrap();
    assert_eq!(vision.position, Some(Position { line: 6, col: 21 }));
    assert!(vision.expected.as_deref().unwrap().contains("at most 19"));
    assert!(
        errs[0].to_string().starts_with("tests/epstein.ron:"),
        "{}",
        errs[0]
    );
}

#[test]
fn densities_that_add_up_to_more_than_one_are_refused() {
    let errs = errors(&epstein(
        "        citizen_density: 0.9,\n        cop_density: 0.2,",
    ));
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].path, "epstein.cop_density");
    assert_eq!(errs[0].position, Some(Position { line: 6, col: 22 }));
    assert!(errs[0].message.contains("exceeds 1"), "{}", errs[0].message);
}

#[test]
fn a_vision_that_wraps_round_the_torus_is_refused() {
    let errs = errors(&epstein("        width: 10,\n        citizen_vision: 5,"));
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].path, "epstein.citizen_vision");
    assert!(errs[0].expected.as_deref().unwrap().contains("at most 4"));
    // The default vision (7) shrinks to fit a small lattice rather than failing.
    let s = scenario::load_str(&epstein("        width: 9,"), Path::new("e.ron")).unwrap();
    assert_eq!(s.epstein.unwrap().citizen_vision, 4);
}

#[test]
fn an_unknown_option_suggests_the_valid_one() {
    let errs = errors(&epstein("        arrest_ratio: Flor,"));
    assert_eq!(errs[0].suggestion.as_deref(), Some("Floor"));
    assert!(errs[0].choices.contains(&"Round".to_string()));
}

#[test]
fn an_epstein_section_in_a_sahel_scenario_is_refused() {
    let text = std::fs::read_to_string("tests/fixtures/short_run.ron")
        .unwrap()
        .trim_end()
        .trim_end_matches(')')
        .to_string()
        + "    epstein: (legitimacy: 0.9),\n)\n";
    let errs = match scenario::load_str(&text, Path::new("tests/fixtures/x.ron")) {
        Ok(_) => panic!("should not load"),
        Err(e) => e.0,
    };
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].path, "epstein");
    assert!(errs[0].message.contains("kind: Epstein"));
}

#[test]
fn the_sahel_commands_refuse_an_epstein_scenario() {
    for args in [
        &["validate", "scenarios/reference/epstein.ron"][..],
        &["map", "scenarios/reference/epstein.ron"],
        &[
            "compare",
            "scenarios/reference/epstein.ron",
            "scenarios/reference/epstein_punctuated.ron",
        ],
    ] {
        let out = common::sahelsim(args);
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("kind: Epstein"), "{err}");
    }
    let out = common::sahelsim(&["check", "scenarios/reference/epstein_netlogo.ron"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("Circle"));
}

fn run(dir: &Path, threads: &str) {
    let out = common::sahelsim(&[
        "run",
        "scenarios/reference/epstein_punctuated.ron",
        "--replicates",
        "3",
        "--seed",
        "9",
        "--threads",
        threads,
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn run_writes_identical_files_on_one_thread_and_on_three() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    run(a.path(), "1");
    run(b.path(), "3");
    for f in ["timeseries.csv", "outbursts.csv", "summary.json"] {
        let x = std::fs::read(a.path().join(f)).unwrap();
        let y = std::fs::read(b.path().join(f)).unwrap();
        assert!(x == y, "{f} differs between 1 and 3 threads");
        assert!(x.len() > 100, "{f} has content");
    }
    let manifest = |d: &Path| {
        let mut v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(d.join("manifest.json")).unwrap())
                .unwrap();
        v.as_object_mut().unwrap().remove("timings");
        v
    };
    assert_eq!(manifest(a.path()), manifest(b.path()));
    let ts = std::fs::read_to_string(a.path().join("timeseries.csv")).unwrap();
    assert!(ts.starts_with("replicate,step,active,quiet,jailed\n0,0,0,"));
    assert_eq!(ts.lines().count(), 1 + 3 * 501);
}

#[test]
fn citizens_are_conserved_and_the_bit_rows_stay_true() {
    let s = scenario::load(Path::new("scenarios/reference/epstein_low_legitimacy.ron")).unwrap();
    let p = s.epstein.unwrap();
    let mut w = World::new(&p, 5, 0);
    let citizens = w.counts().quiet;
    for _ in 0..100 {
        w.step();
        let c = w.counts();
        assert_eq!(c.active + c.quiet + c.jailed, citizens);
    }
    w.check_consistency().unwrap();
    assert!(w.agents().iter().all(|a| a.jail <= p.max_jail_term));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Whatever numbers an analyst writes, the loader answers with a scenario or located
    /// errors, and a scenario it accepts runs.
    #[test]
    fn any_values_load_or_fail_cleanly_and_accepted_ones_run(
        width in -2i64..30,
        height in -2i64..30,
        citizen_density in -0.2f64..1.2,
        cop_density in -0.2f64..1.2,
        citizen_vision in -2i64..16,
        cop_vision in -2i64..16,
        legitimacy in -0.5f64..1.5,
        max_jail_term in -5i64..40,
        steps in -1i64..8,
        burn_in in -1i64..8,
        shape in 0usize..3,
        ratio in 0usize..3,
    ) {
        let text = epstein(&format!(
            "width: {width}, height: {height}, citizen_density: {citizen_density}, \
             cop_density: {cop_density}, citizen_vision: {citizen_vision}, \
             cop_vision: {cop_vision}, legitimacy: {legitimacy}, max_jail_term: {max_jail_term}, \
             steps: {steps}, burn_in: {burn_in}, vision_shape: {}, arrest_ratio: {},",
            ["VonNeumann", "Moore", "Circle"][shape],
            ["Round", "Floor", "Exact"][ratio],
        ));
        match scenario::load_str(&text, Path::new("fuzz.ron")) {
            Ok(s) => {
                let p = s.epstein.unwrap();
                let out = run_replicate(&p, 1, 0);
                prop_assert_eq!(out.series.len(), p.steps as usize + 1);
            }
            Err(errs) => {
                for e in &errs.0 {
                    prop_assert!(e.position.is_some(), "{}", e);
                    prop_assert!(e.path.starts_with("epstein"), "{}", e);
                }
            }
        }
    }
}

#[test]
fn every_epstein_field_is_documented_with_its_default() {
    let doc = std::fs::read_to_string("docs/scenarios.md").unwrap();
    let section = doc
        .split("### `epstein`")
        .nth(1)
        .expect("docs/scenarios.md lacks ### `epstein`");
    let section = section.split("\n## ").next().unwrap();
    let defaults =
        serde_json::to_value(sahelsim::scenario::epstein::EpsteinParams::default()).unwrap();
    for (field, value) in defaults.as_object().unwrap() {
        let row = section
            .lines()
            .find(|l| l.starts_with(&format!("| `{field}` |")))
            .unwrap_or_else(|| panic!("epstein.{field} is not documented"));
        let cells: Vec<&str> = row.split(" | ").map(str::trim).collect();
        let documented = cells[2].trim_matches('`');
        let ok = match value {
            serde_json::Value::Number(n) => documented.parse::<f64>().ok() == n.as_f64(),
            serde_json::Value::String(s) => documented == s,
            serde_json::Value::Bool(b) => documented.parse::<bool>().ok() == Some(*b),
            v => panic!("epstein.{field}: unexpected default {v}"),
        };
        assert!(
            ok,
            "epstein.{field}: documented default {documented} vs {value}"
        );
    }
}
