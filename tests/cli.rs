//! The command line as an analyst uses it: `check` and `map` on the shipped baseline.

use std::process::Command;

fn sahelsim(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_sahelsim"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn check_prints_a_summary_of_the_baseline() {
    let out = sahelsim(&["check", "scenarios/baseline.ron"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let s = String::from_utf8(out.stdout).unwrap();
    for needle in [
        "scenario:   baseline",
        "period:     2017-01-01 to 2025-12-31 (3287 daily steps)",
        "grid:       170 × 165 cells of 0.1°",
        "Mali",
        "Burkina Faso",
        "Niger",
        "FLM",
        "Amadou Koufa",
        "interventions: none",
    ] {
        assert!(s.contains(needle), "missing `{needle}` in:\n{s}");
    }
}

#[test]
fn map_draws_png_and_svg() {
    let dir = tempfile::tempdir().unwrap();
    let out = sahelsim(&[
        "map",
        "scenarios/baseline.ron",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let png = std::fs::read(dir.path().join("map.png")).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert!(
        png.len() > 50_000,
        "a map with content, not a blank image: {} bytes",
        png.len()
    );
    let svg = std::fs::read_to_string(dir.path().join("map.svg")).unwrap();
    assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
    // Labels are drawn as text with the embedded font.
    for town in ["Mopti", "Kidal", "Niamey", "Ouagadougou"] {
        assert!(svg.contains(town), "{town} is labelled");
    }
    // Nothing but the two pictures is left behind (no temporary files).
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
}

#[test]
fn map_writes_only_the_format_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let out = sahelsim(&[
        "map",
        "scenarios/baseline.ron",
        "--out",
        dir.path().to_str().unwrap(),
        "--plots",
        "svg",
    ]);
    assert!(out.status.success());
    assert!(dir.path().join("map.svg").exists());
    assert!(!dir.path().join("map.png").exists());
}

#[test]
fn a_missing_file_is_a_clear_error() {
    let out = sahelsim(&["check", "scenarios/no_such.ron"]);
    assert!(!out.status.success());
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(
        e.starts_with("error: scenarios/no_such.ron: cannot read the file"),
        "{e}"
    );
}
