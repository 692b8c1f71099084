//! Every size a user sets on the command line or in a sweep or calibration spec has an upper
//! bound, checked before anything is allocated or run: huge `--replicates` and `--threads`, a
//! grid whose run count overflows, a calibration with too many runs and a corrupt results
//! row on `--resume` each end in a clear message and exit status 1 or 2, never an abort.

mod common;

use std::path::{Path, PathBuf};

use common::sahelsim;

/// The exit status and standard error of a finished command; fails on a signal (an abort).
fn status_and_error(out: &std::process::Output) -> (i32, String) {
    let code = out
        .status
        .code()
        .unwrap_or_else(|| panic!("killed by a signal: {:?}", out.status));
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(!err.contains("panicked"), "{err}");
    assert!(!err.contains("memory allocation"), "{err}");
    (code, err)
}

/// The absolute path of a file of the repository, as RON text.
fn repo(path: &str) -> String {
    format!("{:?}", std::fs::canonicalize(path).unwrap())
}

/// Writes `text` to `dir/name` and returns the path.
fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn huge_replicates_are_refused_by_every_command_that_takes_them() {
    let base = "scenarios/baseline.ron";
    for args in [
        vec!["run", base, "--replicates", "1000000000"],
        vec!["validate", base, "--replicates", "1000000000"],
        vec!["compare", base, base, "--replicates", "1000000000"],
        vec!["run", base, "--replicates", "100001"],
        vec!["run", base, "--replicates", "0"],
    ] {
        let (code, err) = status_and_error(&sahelsim(&args));
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains("--replicates"), "{args:?}: {err}");
        assert!(err.contains("1..=100000"), "{args:?}: {err}");
    }
}

#[test]
fn huge_threads_are_refused_by_every_command_that_takes_them() {
    let base = "scenarios/baseline.ron";
    let sweep = "tests/fixtures/sweep_grid.ron";
    let calibration = "tests/fixtures/calibration_tiny.ron";
    for args in [
        vec!["run", base, "--threads", "100000"],
        vec!["validate", base, "--threads", "1025"],
        vec!["compare", base, base, "--threads", "100000"],
        vec!["calibrate", calibration, "--threads", "100000"],
        vec!["sweep", sweep, "--threads", "100000"],
        vec!["run", base, "--threads=-1"],
    ] {
        let (code, err) = status_and_error(&sahelsim(&args));
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains("--threads"), "{args:?}: {err}");
    }
    let (_, err) = status_and_error(&sahelsim(&["run", base, "--threads", "100000"]));
    assert!(err.contains("0..=1024"), "{err}");
    let help = String::from_utf8_lossy(&sahelsim(&["run", "--help"]).stdout).to_string();
    assert!(
        help.contains("at most 1024; 0 or absent: one per core"),
        "{help}"
    );
}

/// A grid sweep of the short policy run over `steps` levels of each of four parameters.
fn grid_of(dir: &Path, steps: u32, replicates: u32) -> PathBuf {
    write(
        dir,
        "grid.ron",
        &format!(
            "(
    name: \"huge\",
    base: {},
    parameters: [
        (path: \"model.security.backlash\", min: -1.0, max: 3.0, steps: {steps}),
        (path: \"model.security.bluntness\", min: 0.2, max: 0.9, steps: {steps}),
        (path: \"model.attribution.quality\", min: 0.1, max: 0.6, steps: {steps}),
        (path: \"interventions.programme.capacity\", min: 100, max: 1000, steps: {steps}),
    ],
    design: Grid,
    replicates: {replicates},
    seed: 1,
)
",
            repo("tests/fixtures/policy_short.ron")
        ),
    )
}

#[test]
fn a_grid_whose_run_count_overflows_is_refused_at_its_parameters() {
    let t = tempfile::tempdir().unwrap();
    // 65536^4 = 2^64 wraps around to 0 in unchecked arithmetic; 100000^4 wraps to a small
    // number; 100^4 × 100000 fits in a u64 but is over the limit.
    for (steps, replicates) in [(65_536, 1), (100_000, 1), (100, 100_000), (65_536, 7)] {
        let spec = grid_of(t.path(), steps, replicates);
        let out = t.path().join("out");
        let (code, err) = status_and_error(&sahelsim(&[
            "sweep",
            spec.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]));
        assert_eq!(code, 1, "{steps} steps: {err}");
        assert!(err.contains("too many runs"), "{steps} steps: {err}");
        assert!(err.contains("at most 100000000 runs"), "{err}");
        // Located at the spec's `parameters` (line 4).
        assert!(err.contains("grid.ron:4:"), "{err}");
        assert!(!out.join("results.csv").exists());
    }
}

#[test]
fn a_calibration_with_too_many_runs_is_refused_before_it_runs() {
    let t = tempfile::tempdir().unwrap();
    let spec = |points: u64, replicates: u64, refine: &str| {
        write(
            t.path(),
            &format!("calibration-{points}-{replicates}.ron"),
            &format!(
                "(
    name: \"huge\",
    base: {},
    parameters: [(path: \"model.bands.recruit_rate\", min: 0.002, max: 0.004)],
    points: {points},
    replicates: {replicates},
    {refine}
    seed: 5,
)
",
                repo("scenarios/baseline.ron")
            ),
        )
    };
    let cases = [
        (spec(4_000_000_000, 4_000_000_000, ""), "runs are too many"),
        (
            spec(
                10,
                1,
                "refine: (rounds: 4000000000, points: 4000000000, shrink: 0.5),",
            ),
            "runs are too many",
        ),
        (spec(2, 100_001, ""), "replicates are too many"),
    ];
    for (path, said) in cases {
        let out = t.path().join("out");
        let (code, err) = status_and_error(&sahelsim(&[
            "calibrate",
            path.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]));
        assert_eq!(code, 1, "{err}");
        assert!(err.contains(said), "{err}");
        assert!(err.contains(&format!("{}:", path.display())), "{err}");
    }
}

#[test]
fn resume_refuses_a_corrupt_results_row_with_its_line() {
    let t = tempfile::tempdir().unwrap();
    let spec = "tests/fixtures/sweep_grid.ron";
    let dir = t.path().join("sweep");
    let d = dir.to_str().unwrap();
    let run = |extra: &[&str]| {
        let mut args = vec!["sweep", spec, "--out", d, "--no-report", "--plots", "svg"];
        args.extend(extra);
        sahelsim(&args)
    };
    let (code, err) = status_and_error(&run(&["--threads", "1"]));
    assert_eq!(code, 0, "{err}");
    let results = dir.join("results.csv");
    let clean = std::fs::read_to_string(&results).unwrap();
    let lines: Vec<&str> = clean.lines().collect();
    assert!(lines.len() > 4);

    // Line 3 with a word for a number; line 4 out of its place; line 2 short of a field.
    let corrupt = |line: usize, new: String| {
        let mut l: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
        l[line - 1] = new;
        std::fs::write(&results, l.join("\n") + "\n").unwrap();
    };
    let mut fields: Vec<&str> = lines[2].split(',').collect();
    fields[5] = "XYZ";
    corrupt(3, fields.join(","));
    let (code, err) = status_and_error(&run(&["--resume"]));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("results.csv:3:"), "{err}");
    assert!(err.contains("`XYZ`"), "{err}");

    corrupt(4, lines[2].to_string());
    let (code, err) = status_and_error(&run(&["--resume"]));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("results.csv:4:"), "{err}");
    assert!(err.contains("replicate"), "{err}");

    let short = lines[1].rsplit_once(',').unwrap().0.to_string();
    corrupt(2, short);
    let (code, err) = status_and_error(&run(&["--resume"]));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("results.csv:2:"), "{err}");
    assert!(err.contains("fields"), "{err}");

    // An intact file resumes to the same rows.
    std::fs::write(&results, &clean).unwrap();
    let (code, err) = status_and_error(&run(&["--resume"]));
    assert_eq!(code, 0, "{err}");
    assert_eq!(std::fs::read_to_string(&results).unwrap(), clean);
}

#[test]
fn sampled_designs_with_too_many_runs_are_refused_at_the_design() {
    let t = tempfile::tempdir().unwrap();
    for design in [
        "LatinHypercube(points: 4000000000)",
        "Sobol(samples: 4000000000)",
        "Sobol(samples: 100000000)",
    ] {
        let spec = write(
            t.path(),
            "sampled.ron",
            &format!(
                "(
    name: \"huge\",
    base: {},
    parameters: [
        (path: \"model.security.backlash\", min: -1.0, max: 3.0),
        (path: \"model.security.bluntness\", min: 0.2, max: 0.9),
    ],
    design: {design},
    replicates: 4000000000,
    seed: 1,
)
",
                repo("tests/fixtures/policy_short.ron")
            ),
        );
        let (code, err) = status_and_error(&sahelsim(&["sweep", spec.to_str().unwrap()]));
        assert_eq!(code, 1, "{design}: {err}");
        assert!(err.contains("too many runs"), "{design}: {err}");
        // Located at the spec's `design` (line 8).
        assert!(err.contains("sampled.ron:8:"), "{design}: {err}");
    }
}
