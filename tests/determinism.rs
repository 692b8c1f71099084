//! Same scenario and seed: byte-identical outputs (report and pictures included), with one
//! worker thread or several; a different seed gives different results.

use std::path::Path;
use std::process::Command;

fn run(dir: &Path, threads: &str, seed: &str) {
    let out = Command::new(env!("CARGO_BIN_EXE_sahelsim"))
        .args([
            "run",
            "tests/fixtures/short_run.ron",
            "--out",
            dir.to_str().unwrap(),
            "--threads",
            threads,
            "--seed",
            seed,
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
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
