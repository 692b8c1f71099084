//! Same scenario and seed: byte-identical outputs (report and pictures included), of `run` and
//! of `compare`, with one worker thread or several; a different seed gives different results.

mod common;

use std::path::Path;

fn run(dir: &Path, threads: &str, seed: &str) {
    common::sahelsim_ok(&[
        "run",
        "tests/fixtures/short_run.ron",
        "--out",
        dir.to_str().unwrap(),
        "--threads",
        threads,
        "--seed",
        seed,
    ]);
}

fn manifest_without_timings(dir: &Path) -> serde_json::Value {
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    v.as_object_mut().unwrap().remove("timings");
    v
}

#[test]
fn one_thread_and_four_threads_write_identical_files() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    run(a.path(), "1", "42");
    run(b.path(), "4", "42");
    for f in [
        "events.csv",
        "timeseries.csv",
        "summary.json",
        "report.html",
        "outcomes.svg",
        "outcomes.png",
        "map_events.svg",
        "map_control.png",
        "attribution.svg",
    ] {
        let x = std::fs::read(a.path().join(f)).unwrap();
        let y = std::fs::read(b.path().join(f)).unwrap();
        assert!(x == y, "{f} differs between 1 and 4 threads");
        assert!(x.len() > 1000, "{f} has content");
    }
    assert_eq!(
        manifest_without_timings(a.path()),
        manifest_without_timings(b.path())
    );
}

#[test]
fn compare_writes_identical_files_on_one_thread_and_four() {
    let compare = |dir: &Path, threads: &str| {
        common::sahelsim_ok(&[
            "compare",
            "tests/fixtures/short_run.ron",
            "tests/fixtures/policy_short.ron",
            "--replicates",
            "2",
            "--out",
            dir.to_str().unwrap(),
            "--threads",
            threads,
        ]);
    };
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    compare(a.path(), "1");
    compare(b.path(), "4");
    for f in [
        "compare.csv",
        "compare.json",
        "report.html",
        "compare_forest.svg",
        "compare_differences.png",
        "compare_map_events.svg",
        "compare_outcomes.png",
    ] {
        let x = std::fs::read(a.path().join(f)).unwrap();
        let y = std::fs::read(b.path().join(f)).unwrap();
        assert!(x == y, "{f} differs between 1 and 4 threads");
        assert!(x.len() > 1000, "{f} has content");
    }
}

#[test]
fn a_different_seed_gives_different_events() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    run(a.path(), "2", "1");
    run(b.path(), "2", "2");
    assert_ne!(
        std::fs::read(a.path().join("events.csv")).unwrap(),
        std::fs::read(b.path().join("events.csv")).unwrap()
    );
}
