//! Ensembles of plausible worlds: `calibrate` keeps exactly the points history matching does
//! not rule out, and `compare --ensemble` runs every scenario in every member on the seeds a
//! plain comparison uses, whatever the number of threads.

mod common;

use std::path::Path;

use common::{sahelsim, sahelsim_ok};
use sahelsim::experiment::ensemble::Ensemble;

#[test]
fn calibrate_keeps_exactly_the_points_not_ruled_out_as_the_ensemble() {
    let dir = tempfile::tempdir().unwrap();
    let out = sahelsim_ok(&[
        "calibrate",
        "tests/fixtures/ensemble_tiny.ron",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("history matching:"), "{stdout}");
    // Two replicates a point: the best point's score comes with its standard error.
    assert!(
        stdout.contains("(bootstrap standard error over its replicates); the next point's"),
        "{stdout}"
    );
    let csv = std::fs::read_to_string(dir.path().join("calibration.csv")).unwrap();
    let mut plausible: Vec<usize> = Vec::new();
    let mut waves = Vec::new();
    for line in csv.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let (point, round, refined, implausibility): (usize, u32, bool, f64) = (
            f[1].parse().unwrap(),
            f[2].parse().unwrap(),
            f[3].parse().unwrap(),
            f[6].parse().unwrap(),
        );
        assert!(!refined, "the fixture has no refinement");
        waves.push(round);
        if implausibility <= 3.5 {
            plausible.push(point);
        }
    }
    // Three points in wave 0, then two in wave 1 unless wave 0 kept none.
    assert_eq!(waves.iter().filter(|w| **w == 0).count(), 3);
    let kept_first = !plausible.is_empty();
    assert_eq!(waves.len(), if kept_first { 5 } else { 3 });
    plausible.sort();
    let ensemble = Ensemble::load(&dir.path().join("ensemble.ron")).unwrap();
    let members: Vec<usize> = ensemble.file.members.iter().map(|m| m.point).collect();
    assert_eq!(members, plausible, "members are the points not ruled out");
    assert_eq!(ensemble.file.parameters, ["model.bands.recruit_rate"]);
    assert_eq!(ensemble.file.evaluated, waves.len());
    for m in &ensemble.file.members {
        assert!(m.implausibility <= ensemble.file.cutoff);
        assert!((0.002..=0.007).contains(&m.values[0]));
    }
}

fn compare(dir: &Path, ensemble: &str, threads: &str) -> std::process::Output {
    sahelsim_ok(&[
        "compare",
        "tests/fixtures/short_run.ron",
        "tests/fixtures/policy_short.ron",
        "--ensemble",
        ensemble,
        "--replicates",
        "2",
        "--threads",
        threads,
        "--out",
        dir.to_str().unwrap(),
    ])
}

/// `ensemble.csv`'s rows of the whole study area: (outcome, column) → value.
fn whole_area(dir: &Path, file: &str) -> Vec<(String, Vec<String>)> {
    let text = std::fs::read_to_string(dir.join(file)).unwrap();
    let mut lines = text.lines();
    let header: Vec<String> = lines
        .next()
        .unwrap()
        .split(',')
        .map(str::to_string)
        .collect();
    assert_eq!(header[1], "area");
    lines
        .map(|l| l.split(',').map(str::to_string).collect::<Vec<_>>())
        .filter(|f| f[1] == "all")
        .map(|f| (f[2].clone(), f))
        .collect()
}

#[test]
fn members_with_the_baselines_values_give_the_plain_comparisons_differences() {
    let plain = tempfile::tempdir().unwrap();
    sahelsim_ok(&[
        "compare",
        "tests/fixtures/short_run.ron",
        "tests/fixtures/policy_short.ron",
        "--replicates",
        "2",
        "--out",
        plain.path().to_str().unwrap(),
        "--plots",
        "none",
        "--no-report",
    ]);
    let over = tempfile::tempdir().unwrap();
    compare(over.path(), "tests/fixtures/ensemble_same.ron", "2");
    let a = whole_area(plain.path(), "compare.csv");
    let b = whole_area(over.path(), "ensemble.csv");
    let mut checked = 0;
    for (outcome, row) in &a {
        let Some((_, other)) = b.iter().find(|(o, _)| o == outcome) else {
            continue;
        };
        // base_mean, scenario_mean and difference are columns 4-6 of both files.
        for c in 4..=6 {
            let (x, y): (f64, f64) = (row[c].parse().unwrap(), other[c].parse().unwrap());
            assert!(
                (x - y).abs() <= 1e-6 * x.abs().max(1.0),
                "{outcome} column {c}: {x} vs {y}"
            );
        }
        // Identical worlds: nothing of the spread is owed to parameters.
        assert_eq!(other[15], "0.000000", "{outcome}");
        checked += 1;
    }
    assert!(checked > 20, "{checked} outcomes compared");
}

#[test]
fn an_ensemble_comparison_reports_shares_of_worlds_and_is_the_same_on_one_thread_and_two() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let out = compare(a.path(), "tests/fixtures/ensemble_three.ron", "1");
    compare(b.path(), "tests/fixtures/ensemble_three.ron", "2");
    for f in [
        "ensemble.csv",
        "members.csv",
        "ensemble.json",
        "report.html",
    ] {
        assert_eq!(
            std::fs::read(a.path().join(f)).unwrap(),
            std::fs::read(b.path().join(f)).unwrap(),
            "{f}"
        );
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("in 3 plausible worlds"), "{stdout}");
    assert!(stdout.contains("of the 3 plausible worlds"), "{stdout}");
    for (outcome, row) in whole_area(a.path(), "ensemble.csv") {
        let lower: f64 = row[13].parse().unwrap();
        let higher: f64 = row[14].parse().unwrap();
        assert!(lower + higher <= 1.0 + 1e-12, "{outcome}");
        for share in [lower, higher] {
            assert!(
                [0.0, 1.0 / 3.0, 2.0 / 3.0, 1.0]
                    .iter()
                    .any(|s| (s - share).abs() < 1e-6)
            );
        }
        let (p05, diff, p95): (f64, f64, f64) = (
            row[9].parse().unwrap(),
            row[6].parse().unwrap(),
            row[10].parse().unwrap(),
        );
        assert!(p05 <= diff + 1e-9 && diff <= p95 + 1e-9, "{outcome}");
    }
    let members = std::fs::read_to_string(a.path().join("members.csv")).unwrap();
    assert_eq!(members.lines().count(), 4);
    assert!(members.starts_with("member,point,model.bands.attack_rate,model.security.backlash,"));
    let report = std::fs::read_to_string(a.path().join("report.html")).unwrap();
    assert!(report.contains("Robustness of each policy"));
}

#[test]
fn an_ensemble_naming_no_parameter_of_the_scenarios_is_a_located_error() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string("tests/fixtures/ensemble_three.ron")
        .unwrap()
        .replace("model.security.backlash", "model.security.backlush");
    let path = dir.path().join("bad.ron");
    std::fs::write(&path, text).unwrap();
    let out = sahelsim(&[
        "compare",
        "tests/fixtures/short_run.ron",
        "tests/fixtures/policy_short.ron",
        "--ensemble",
        path.to_str().unwrap(),
        "--out",
        dir.path().join("out").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.ron:10:") && err.contains("backlush"),
        "{err}"
    );
    assert!(
        !dir.path().join("out").exists(),
        "nothing runs, nothing is written"
    );
}
