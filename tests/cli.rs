//! The command line as an analyst uses it: `check` and `map` on the shipped baseline.

mod common;

use common::sahelsim;

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
        "home: Mopti, the inner Niger delta",
        "interventions: none",
        "history:    ",
        "LeaderKilled        Ansaroul Islam",
        "ForcesStrength      MLI International forces × 0",
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
    // Nothing but the two pictures and the manifest is left behind (no temporary files).
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 3);
    assert!(dir.path().join("manifest.json").exists());
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
fn map_refuses_to_draw_no_pictures() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("m");
    let out = sahelsim(&[
        "map",
        "scenarios/baseline.ron",
        "--out",
        target.to_str().unwrap(),
        "--plots",
        "none",
    ]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--plots none") && err.contains("png"), "{err}");
    assert!(!target.exists(), "nothing is written");
}

#[test]
fn run_with_no_pictures_and_no_report_writes_only_the_data() {
    let dir = tempfile::tempdir().unwrap();
    let out = common::sahelsim_ok(&[
        "run",
        "tests/fixtures/short_run.ron",
        "--replicates",
        "1",
        "--no-report",
        "--plots",
        "none",
        "--out",
        dir.path().to_str().unwrap(),
        "--overwrite",
    ]);
    assert_eq!(
        common::file_names(dir.path()),
        [
            "events.csv",
            "manifest.json",
            "summary.json",
            "timeseries.csv"
        ]
    );
    // The printed table by region starts with the region of most events in summary.json.
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("summary.json")).unwrap()).unwrap();
    let top = summary["outcomes"]
        .as_object()
        .unwrap()
        .iter()
        .filter_map(|(k, v)| Some((k.strip_prefix("events@")?, v["mean"].as_f64()?)))
        .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(a.0)))
        .unwrap()
        .0
        .to_string();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let mut lines = stdout
        .lines()
        .skip_while(|l| !l.starts_with("by region (admin-1)"));
    assert!(lines.next().is_some(), "a table by region:\n{stdout}");
    let first_row = lines.nth(1).unwrap_or_default();
    assert!(
        first_row.trim_start().starts_with(&top),
        "first row {first_row:?}, most events in {top}"
    );
}

#[test]
fn events_gzip_writes_the_same_event_log_compressed() {
    use std::io::Read;
    let plain = tempfile::tempdir().unwrap();
    let packed = tempfile::tempdir().unwrap();
    let run = |dir: &std::path::Path, extra: &[&str]| {
        let mut args = vec![
            "run",
            "tests/fixtures/short_run.ron",
            "--replicates",
            "2",
            "--no-report",
            "--plots",
            "none",
            "--overwrite",
            "--out",
            dir.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        common::sahelsim_ok(&args);
    };
    run(plain.path(), &[]);
    run(packed.path(), &["--events-gzip"]);
    assert!(!packed.path().join("events.csv").exists());
    let gz = std::fs::read(packed.path().join("events.csv.gz")).unwrap();
    let mut csv = Vec::new();
    flate2::read::GzDecoder::new(gz.as_slice())
        .read_to_end(&mut csv)
        .unwrap();
    let expected = std::fs::read(plain.path().join("events.csv")).unwrap();
    assert!(expected.len() > 10_000);
    assert_eq!(csv, expected, "the decompressed log is the plain one");
    assert!(
        gz.len() * 4 < expected.len(),
        "compressed: {} bytes",
        gz.len()
    );
    // Reproducible: a second run writes the same bytes.
    let again = tempfile::tempdir().unwrap();
    run(again.path(), &["--events-gzip"]);
    assert_eq!(
        std::fs::read(again.path().join("events.csv.gz")).unwrap(),
        gz
    );
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

#[test]
fn run_writes_events_timeseries_summary_and_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let out = sahelsim(&[
        "run",
        "tests/fixtures/short_run.ron",
        "--replicates",
        "2",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("short-run: 2017-01-01 to 2017-12-31, 2 replicates"),
        "{stdout}"
    );
    assert!(stdout.contains("events linked to armed groups"), "{stdout}");
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        vec![
            "attribution.png",
            "attribution.svg",
            "events.csv",
            "manifest.json",
            "map_control.png",
            "map_control.svg",
            "map_displaced.png",
            "map_displaced.svg",
            "map_events.png",
            "map_events.svg",
            "map_fatalities.png",
            "map_fatalities.svg",
            "outcomes.png",
            "outcomes.svg",
            "report.html",
            "summary.json",
            "timeseries.csv"
        ]
    );

    let events = std::fs::read_to_string(dir.path().join("events.csv")).unwrap();
    let header = events.lines().next().unwrap();
    assert!(header.starts_with("event_id_cnty,event_date,year,event_type,sub_event_type,actor1,actor2,country,admin1,latitude,longitude,fatalities,replicate,true_perpetrator"));
    // Events are attributed to component groups as well as to JNIM as a whole.
    assert!(events.contains(",JNIM,"));
    assert!(events.contains(",FLM,"));
    assert!(
        events
            .lines()
            .skip(1)
            .any(|l| l.split(',').nth(12) == Some("1")),
        "replicate 1's events are there"
    );

    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("manifest.json")).unwrap())
            .unwrap();
    assert_eq!(manifest["replicates"], 2);
    assert_eq!(manifest["files"][0]["path"], "tests/fixtures/short_run.ron");
    assert!(
        manifest["files"][1]["content"]
            .as_str()
            .unwrap()
            .contains("Amadou Koufa")
    );
    assert_eq!(
        manifest["scenario"]["model"]["violence"]["kalyvas_peak"],
        0.7
    );
    assert_eq!(manifest["replicate_seeds"].as_array().unwrap().len(), 2);

    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("summary.json")).unwrap())
            .unwrap();
    assert!(
        summary["outcomes"]["events_militant"]["mean"]
            .as_f64()
            .unwrap()
            > 0.0
    );
    assert_eq!(summary["replicates"].as_array().unwrap().len(), 2);

    let series = std::fs::read_to_string(dir.path().join("timeseries.csv")).unwrap();
    assert!(
        series
            .lines()
            .next()
            .unwrap()
            .starts_with("replicate,period,start_date,area,group,events")
    );
    // 53 weekly periods × 6 areas × 9 group rows × 2 replicates.
    assert_eq!(series.lines().count() - 1, 53 * 6 * 9 * 2);
}

#[test]
fn run_refuses_zero_replicates() {
    let out = sahelsim(&["run", "tests/fixtures/short_run.ron", "--replicates", "0"]);
    // Refused by the argument parser, as clap refuses any bad flag: exit status 2.
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("invalid value '0' for '--replicates <REPLICATES>': 0 is not in 1..=100000")
    );
}

#[test]
fn replicates_take_the_scenarios_range_everywhere() {
    for args in [
        &["run", "tests/fixtures/short_run.ron"][..],
        &["validate", "scenarios/baseline_2017_2020.ron"][..],
        &[
            "compare",
            "tests/fixtures/short_run.ron",
            "tests/fixtures/policy_short.ron",
        ][..],
    ] {
        let mut args = args.to_vec();
        args.extend(["--replicates", "1000000000", "--out", "/nonexistent/never"]);
        let out = sahelsim(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("1000000000 is not in 1..=100000"),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // Compare's intervals need two replicates, and it says so.
    let out = sahelsim(&[
        "compare",
        "tests/fixtures/short_run.ron",
        "tests/fixtures/policy_short.ron",
        "--replicates",
        "1",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("--replicates must be at least 2 for confidence intervals")
    );
}
