//! The outcome registry is the one list of outcomes: the keys of `summary.json`, the outcomes of
//! `compare.csv` and the outcome columns of a sweep's `results.csv` are exactly the registry's
//! entries reported there (in all, by group, by area, by region, by year), and nothing else.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use sahelsim::record::OUTCOMES;
use sahelsim::scenario;

fn ok(out: &std::process::Output) {
    assert!(
        out.status.success(),
        "stdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn summary_compare_and_sweep_columns_are_the_registry() {
    let base = scenario::load(Path::new("tests/fixtures/policy_short.ron")).unwrap();
    let groups: Vec<&str> = base.groups.iter().map(|g| g.name.as_str()).collect();
    let map = common::map(&base);
    let areas: Vec<&str> = map.data.areas.iter().map(|a| a.id.as_str()).collect();
    let years = base.period.start.year()..=base.period.end.year();
    let t = tempfile::tempdir().unwrap();
    let dir = |name: &str| t.path().join(name).to_str().unwrap().to_string();

    // summary.json: every outcome reported there, in all, by group and by year.
    let mut expected = BTreeSet::new();
    for o in OUTCOMES.iter().filter(|o| o.reported.summary) {
        if o.total {
            expected.insert(o.key.to_string());
        }
        if o.by_group {
            expected.extend(groups.iter().map(|g| format!("{}.{g}", o.key)));
        }
        if o.by_year {
            expected.extend(years.clone().map(|y| format!("{}_{y}", o.key)));
        }
        if o.by_region && o.total {
            expected.extend(
                sahelsim::record::outcome::study_regions(&map)
                    .into_iter()
                    .map(|r| format!("{}@{}", o.key, map.data.regions[r].name)),
            );
        }
    }
    ok(&common::sahelsim(&[
        "run",
        "tests/fixtures/policy_short.ron",
        "--replicates",
        "1",
        "--no-report",
        "--plots",
        "svg",
        "--out",
        &dir("run"),
    ]));
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(t.path().join("run/summary.json")).unwrap())
            .unwrap();
    let keys: BTreeSet<String> = summary["outcomes"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    assert_eq!(keys, expected, "summary.json against the registry");

    // compare.csv: every outcome reported in comparisons, by area where it says so.
    let mut expected = BTreeSet::new();
    for o in OUTCOMES.iter().filter(|o| o.reported.comparison) {
        if o.total {
            expected.insert((o.key.to_string(), "all".to_string()));
            if o.by_area {
                expected.extend(areas.iter().map(|a| (o.key.to_string(), a.to_string())));
            }
        }
        if o.by_group {
            expected.extend(
                groups
                    .iter()
                    .map(|g| (format!("{}.{g}", o.key), "all".to_string())),
            );
        }
    }
    ok(&common::sahelsim(&[
        "compare",
        "tests/fixtures/short_run.ron",
        "tests/fixtures/policy_short.ron",
        "--replicates",
        "2",
        "--no-report",
        "--plots",
        "svg",
        "--out",
        &dir("compare"),
    ]));
    let mut reader = csv::Reader::from_path(t.path().join("compare/compare.csv")).unwrap();
    let header = reader.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (outcome, area) = (col("outcome"), col("area"));
    let rows: Vec<(String, String)> = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[outcome].to_string(), r[area].to_string())
        })
        .collect();
    let listed: BTreeSet<(String, String)> = rows.iter().cloned().collect();
    assert_eq!(listed.len(), rows.len(), "an outcome listed twice");
    assert_eq!(listed, expected, "compare.csv against the registry");

    // A sweep recording every outcome it can: its columns are those of compare.csv.
    let names: Vec<String> = rows
        .iter()
        .map(|(o, a)| {
            if a == "all" {
                o.clone()
            } else {
                format!("{o}@{a}")
            }
        })
        .collect();
    let spec = t.path().join("every_outcome.ron");
    let fixture = std::fs::canonicalize("tests/fixtures/policy_short.ron").unwrap();
    std::fs::write(
        &spec,
        format!(
            "(name: \"every-outcome\", base: {:?}, parameters: [(path: \"model.security.backlash\", levels: [0.0])], design: Grid, replicates: 1, outcomes: {:?}, seed: 1)",
            fixture.to_str().unwrap(),
            names
        ),
    )
    .unwrap();
    ok(&common::sahelsim(&[
        "sweep",
        spec.to_str().unwrap(),
        "--no-report",
        "--plots",
        "svg",
        "--out",
        &dir("sweep"),
    ]));
    let results = std::fs::read_to_string(t.path().join("sweep/results.csv")).unwrap();
    let header: Vec<&str> = results.lines().next().unwrap().split(',').collect();
    assert_eq!(
        header[4..].to_vec(),
        names.iter().map(String::as_str).collect::<Vec<_>>(),
        "results.csv against the registry"
    );
}
