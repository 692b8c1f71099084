//! `sahelsim sweep`: results independent of threads and of sharding, resume after a kill,
//! clear errors before anything runs, Slurm scripts, and sweeps of the reference model.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::sahelsim;

fn ok(out: &std::process::Output) -> String {
    assert!(
        out.status.success(),
        "stdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn fail(out: &std::process::Output) -> String {
    assert!(
        !out.status.success(),
        "should have failed: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

fn sweep(spec: &str, out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "sweep",
        spec,
        "--out",
        out.to_str().unwrap(),
        "--plots",
        "svg",
    ];
    args.extend(extra);
    sahelsim(&args)
}

#[test]
fn results_do_not_depend_on_threads_and_shards_merge_to_the_local_run() {
    let t = tempfile::tempdir().unwrap();
    let spec = "tests/fixtures/sweep_grid.ron";
    let one = t.path().join("one");
    let two = t.path().join("two");
    ok(&sweep(spec, &one, &["--threads", "1"]));
    ok(&sweep(spec, &two, &["--threads", "2"]));
    for f in ["results.csv", "points.csv", "sensitivity.csv", "sweep.json"] {
        assert_eq!(
            read(&one, f),
            read(&two, f),
            "{f} differs between 1 and 2 threads"
        );
    }
    let results = read(&one, "results.csv");
    assert_eq!(results.lines().count(), 1 + 8, "{results}");
    assert!(results.starts_with(
        "point,replicate,seed,interventions.programme.capacity,model.security.backlash,events,fighters_end,fatalities_civilians@central\n"
    ));
    // Common random numbers: replicate r has the same seed at every point.
    let seeds: Vec<(String, String)> = results
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[1].to_string(), f[2].to_string())
        })
        .collect();
    assert_eq!(seeds[0], seeds[2]);
    assert_ne!(seeds[0].1, seeds[1].1);

    // Three shards (one holding a single point's runs), given to merge out of order.
    let mut shard_dirs = Vec::new();
    for k in 1..=3 {
        let d = t.path().join(format!("shard{k}"));
        let out = ok(&sweep(
            spec,
            &d,
            &["--shard", &format!("{k}/3"), "--threads", "1"],
        ));
        assert!(out.contains(&format!("shard {k}/3")), "{out}");
        assert!(
            !d.join("sensitivity.csv").exists(),
            "a shard is not analysed alone"
        );
        shard_dirs.push(d);
    }
    let merged = t.path().join("merged");
    let out = sahelsim(&[
        "sweep",
        "merge",
        shard_dirs[2].to_str().unwrap(),
        shard_dirs[0].to_str().unwrap(),
        shard_dirs[1].to_str().unwrap(),
        "--out",
        merged.to_str().unwrap(),
        "--plots",
        "svg",
    ]);
    ok(&out);
    for f in ["results.csv", "points.csv", "sensitivity.csv", "sweep.json"] {
        assert_eq!(
            read(&one, f),
            read(&merged, f),
            "{f}: merged shards differ from the local run"
        );
    }
    // A missing shard is named.
    let out = sahelsim(&[
        "sweep",
        "merge",
        shard_dirs[0].to_str().unwrap(),
        shard_dirs[2].to_str().unwrap(),
        "--out",
        t.path().join("bad").to_str().unwrap(),
    ]);
    let e = fail(&out);
    assert!(e.contains("missing: 2"), "{e}");
}

#[test]
fn a_killed_sweep_resumes_to_exactly_the_rows_of_a_clean_run() {
    let t = tempfile::tempdir().unwrap();
    let spec = "tests/fixtures/sweep_lhs.ron";
    let clean = t.path().join("clean");
    ok(&sweep(spec, &clean, &["--threads", "2"]));
    let expected = read(&clean, "results.csv");
    let total = expected.lines().count() - 1;
    assert_eq!(total, 60);

    let killed = t.path().join("killed");
    let mut child = Command::new(env!("CARGO_BIN_EXE_sahelsim"))
        .args([
            "sweep",
            spec,
            "--out",
            killed.to_str().unwrap(),
            "--threads",
            "2",
            "--plots",
            "svg",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Kill it (SIGKILL: no chance to tidy up) once a few runs are saved.
    let t0 = Instant::now();
    loop {
        let rows = std::fs::read_to_string(killed.join("results.csv"))
            .map(|s| s.lines().count().saturating_sub(1))
            .unwrap_or(0);
        if rows >= 4 || t0.elapsed() > Duration::from_secs(120) {
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let partial = read(&killed, "results.csv");
    let saved = partial.lines().count() - 1;
    assert!(
        saved < total,
        "the sweep finished before it could be killed ({saved} rows); the test proves nothing"
    );
    assert!(expected.starts_with(&partial[..partial.rfind('\n').unwrap() + 1]));

    // Without --resume the folder is protected.
    let e = fail(&sweep(spec, &killed, &[]));
    assert!(e.contains("add --resume"), "{e}");
    // Another sweep cannot resume into it.
    let e = fail(&sweep(
        "tests/fixtures/sweep_grid.ron",
        &killed,
        &["--resume"],
    ));
    assert!(e.contains("differs from this one"), "{e}");

    let out = ok(&sweep(spec, &killed, &["--resume", "--threads", "1"]));
    assert!(out.contains("resumed:"), "{out}");
    assert_eq!(read(&killed, "results.csv"), expected);
    assert_eq!(
        read(&killed, "sensitivity.csv"),
        read(&clean, "sensitivity.csv")
    );
    assert!(!killed.join("results.pending.csv").exists());
}

#[test]
fn errors_in_a_spec_are_located_before_anything_runs() {
    let t = tempfile::tempdir().unwrap();
    let spec = t.path().join("bad.ron");
    let base = std::fs::canonicalize("tests/fixtures/policy_short.ron").unwrap();
    std::fs::write(
        &spec,
        format!(
            r#"(
    name: "bad",
    base: {base:?},
    parameters: [
        (path: "model.security.backlassh", min: -1.0, max: 1.0),
        (path: "interventions.programme.intensity", levels: [0.5, 1.5]),
        (path: "groups.FLM.tactics.activity", min: 0.5, max: 0.1, steps: 3),
    ],
    design: Grid,
    replicates: 0,
    outcomes: ["fatalities_civilian"],
    seed: 1,
)
"#
        ),
    )
    .unwrap();
    let out = sweep(spec.to_str().unwrap(), &t.path().join("o"), &[]);
    let e = fail(&out);
    for needle in [
        "bad.ron:5:",
        "did you mean `model.security.backlash`?",
        "bad.ron:6:",
        "level 2 (1.5) is outside the range",
        "the range 0.5 to 0.1 is not valid",
        "replicates",
        "unknown outcome `fatalities_civilian`",
        "fatalities_civilians",
    ] {
        assert!(e.contains(needle), "missing `{needle}` in:\n{e}");
    }
    assert!(!t.path().join("o").join("results.csv").exists());
    // A bad shard.
    let e = fail(&sweep(
        "tests/fixtures/sweep_grid.ron",
        &t.path().join("p"),
        &["--shard", "4/3"],
    ));
    assert!(e.contains("expected K/N with 1 ≤ K ≤ N"), "{e}");
}

#[test]
fn slurm_scripts_run_each_shard_on_its_cores_then_merge() {
    let t = tempfile::tempdir().unwrap();
    let out = ok(&sahelsim(&[
        "sweep",
        "slurm",
        "tests/fixtures/sweep_grid.ron",
        "--shards",
        "3",
        "--cpus-per-task",
        "2",
        "--time",
        "00:10:00",
        "--partition",
        "ci",
        "--out",
        t.path().to_str().unwrap(),
    ]));
    assert!(out.contains("submit with"), "{out}");
    let array = read(&t.path().join("slurm"), "array.sbatch");
    for needle in [
        "#SBATCH --array=1-3",
        "#SBATCH --cpus-per-task=2",
        "#SBATCH --time=00:10:00",
        "#SBATCH --partition=ci",
        "--shard \"${SLURM_ARRAY_TASK_ID}/3\"",
        "--threads \"${SLURM_CPUS_PER_TASK:-1}\"",
        "--resume",
    ] {
        assert!(array.contains(needle), "missing `{needle}` in:\n{array}");
    }
    let merge = read(&t.path().join("slurm"), "merge.sbatch");
    assert!(merge.contains("sweep merge"), "{merge}");
    let submit = read(&t.path().join("slurm"), "submit.sh");
    assert!(submit.contains("--dependency=afterok:"), "{submit}");
    let e = fail(&sahelsim(&[
        "sweep",
        "slurm",
        "tests/fixtures/sweep_grid.ron",
        "--shards",
        "3",
        "--time",
        "1 hour",
    ]));
    assert!(e.contains("expected one word"), "{e}");
}

#[test]
fn the_reference_model_sweeps_with_sobol_indices() {
    let t = tempfile::tempdir().unwrap();
    let out = ok(&sweep("tests/fixtures/sweep_epstein.ron", t.path(), &[]));
    assert!(out.contains("first-order"), "{out}");
    let results = read(t.path(), "results.csv");
    assert_eq!(results.lines().count(), 1 + 8 * 4);
    assert!(
        results.starts_with(
            "point,replicate,seed,epstein.legitimacy,epstein.cop_density,active_mean,"
        )
    );
    let s = read(t.path(), "sensitivity.csv");
    assert!(
        s.contains("jailed_mean,epstein.cop_density,sobol_total,"),
        "{s}"
    );
    assert!(t.path().join("tornado-jailed_mean.svg").exists());
}

#[test]
fn the_sweep_report_escapes_the_spec_and_can_be_left_out() {
    let t = tempfile::tempdir().unwrap();
    let spec = t.path().join("escape.ron");
    let base = std::fs::canonicalize("tests/fixtures/sweep_epstein_base.ron").unwrap();
    std::fs::write(
        &spec,
        format!(
            r#"(
    name: "x<script>alert(1)</script>",
    description: "a \"quoted\" <b>bold</b> claim",
    base: {base:?},
    parameters: [(path: "epstein.legitimacy", levels: [0.7, 0.8])],
    design: Grid,
    replicates: 1,
    seed: 2,
)
"#
        ),
    )
    .unwrap();
    let out = t.path().join("out");
    ok(&sweep(spec.to_str().unwrap(), &out, &[]));
    let html = read(&out, "report.html");
    assert!(
        !html.contains("<script>"),
        "markup from the spec reached the report"
    );
    assert!(html.contains("x&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("&lt;b&gt;bold&lt;/b&gt;"));
    // The base is described as what it is: a reference model, without the Sahel model's
    // mechanism parameters.
    assert!(html.contains("Epstein (reference model)"), "{html}");
    assert!(!html.contains("Mechanism parameters"));
    assert!(html.contains("tornado-active_mean") || html.contains("<svg"));
    let bare = t.path().join("bare");
    ok(&sweep(spec.to_str().unwrap(), &bare, &["--no-report"]));
    assert!(!bare.join("report.html").exists());
    assert!(bare.join("tornado-active_mean.svg").exists());
    assert!(!bare.join("tornado-active_mean.png").exists());
}
