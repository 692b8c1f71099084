//! An output folder describes one run: a run killed with SIGKILL leaves the previous complete
//! folder (never a mix), a second writer is refused while the first runs, a used folder is
//! replaced only with --overwrite (and then holds only the new run's files), and `sahelsim
//! verify` finds a mixed folder. Real child processes are killed.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::sahelsim;

const SCENARIO: &str = "tests/fixtures/short_run.ron";

fn text(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// `sahelsim run` of the short scenario with `seed` into `dir`, and `extra` flags.
fn run_args(dir: &Path, seed: u64, extra: &[&str]) -> Vec<String> {
    let mut a: Vec<String> = [
        "run",
        SCENARIO,
        "--threads",
        "1",
        "--seed",
        &seed.to_string(),
        "--out",
        dir.to_str().unwrap(),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    a.extend(extra.iter().map(|s| s.to_string()));
    a
}

fn run(dir: &Path, seed: u64, extra: &[&str]) -> std::process::Output {
    let args = run_args(dir, seed, extra);
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    sahelsim(&refs)
}

fn spawn(dir: &Path, seed: u64, extra: &[&str]) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_sahelsim"))
        .args(run_args(dir, seed, extra))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Every file at the top of a folder but the manifest (whose timings differ), by name.
fn data_files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_name() != "manifest.json" && e.path().is_file())
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// The entries of `dir`, by name.
fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn verify(dir: &Path) -> std::process::Output {
    sahelsim(&["verify", dir.to_str().unwrap()])
}

fn manifest_seed(dir: &Path) -> u64 {
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    m["seed"].as_u64().unwrap()
}

#[test]
fn a_run_killed_at_any_moment_leaves_a_complete_folder_never_a_mix() {
    let tmp = tempfile::tempdir().unwrap();
    let (ref_a, ref_b) = (tmp.path().join("ref-a"), tmp.path().join("ref-b"));
    let t0 = Instant::now();
    let out = run(&ref_a, 1, &[]);
    let full = t0.elapsed();
    assert!(out.status.success(), "{}", text(&out));
    let out = run(&ref_b, 2, &[]);
    assert!(out.status.success(), "{}", text(&out));
    let (a, b) = (data_files(&ref_a), data_files(&ref_b));
    assert_ne!(a["events.csv"], b["events.csv"]);

    let parent = tmp.path().join("runs");
    let target = parent.join("out");
    let out = run(&target, 1, &[]);
    assert!(out.status.success(), "{}", text(&out));
    let mut interrupted_while_staging = 0;
    for (i, fraction) in [0.15, 0.35, 0.5, 0.65, 0.8, 0.9, 0.97].iter().enumerate() {
        let seed = if i % 2 == 0 { 2 } else { 1 };
        let mut child = spawn(&target, seed, &["--overwrite"]);
        std::thread::sleep(full.mul_f64(*fraction));
        let _ = child.kill(); // SIGKILL on Unix
        let _ = child.wait();
        // Whatever the moment, the folder is one run's complete outputs.
        let v = verify(&target);
        assert!(
            v.status.success(),
            "after a kill at {fraction}: {}",
            text(&v)
        );
        let files = data_files(&target);
        assert!(
            files == a || files == b,
            "after a kill at {fraction}: the folder mixes runs: {:?}",
            files.keys().collect::<Vec<_>>()
        );
        assert_eq!(manifest_seed(&target), if files == a { 1 } else { 2 });
        let left = entries(&parent);
        let staged = left.iter().any(|e| e.starts_with(".out.staging-"));
        let locked = left.iter().any(|e| e == ".out.lock");
        interrupted_while_staging += usize::from(staged);
        // The next writer cleans up after the dead one, and says so.
        let out = run(&target, 1, &["--overwrite"]);
        assert!(out.status.success(), "{}", text(&out));
        let said = text(&out);
        if locked {
            assert!(said.contains("no longer running"), "{said}");
        }
        if staged {
            assert!(said.contains("left by an interrupted run"), "{said}");
        }
        assert_eq!(entries(&parent), vec!["out"], "{said}");
        assert_eq!(data_files(&target), a);
    }
    assert!(
        interrupted_while_staging > 0,
        "no kill landed while a run was writing"
    );
}

#[test]
fn a_second_writer_is_refused_while_the_first_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let target = tmp.path().join("out");
    let lock = tmp.path().join(".out.lock");
    let mut first = spawn(&target, 1, &["--replicates", "8"]);
    let t0 = Instant::now();
    while !lock.exists() {
        assert!(t0.elapsed() < Duration::from_secs(60), "no lock appeared");
        std::thread::sleep(Duration::from_millis(5));
    }
    let second = run(&target, 2, &["--overwrite"]);
    let status = first.wait().unwrap();
    assert!(status.success());
    assert_eq!(second.status.code(), Some(1), "{}", text(&second));
    let said = text(&second);
    assert!(
        said.contains(&format!(
            "is being written by another sahelsim (process {})",
            first.id()
        )),
        "{said}"
    );
    assert!(verify(&target).status.success());
    assert_eq!(manifest_seed(&target), 1);
    assert_eq!(entries(tmp.path()), vec!["out"]);
}

#[test]
fn a_used_folder_is_replaced_only_with_overwrite_and_then_holds_only_the_new_run() {
    let tmp = tempfile::tempdir().unwrap();
    let target = tmp.path().join("out");
    let out = run(&target, 1, &[]);
    assert!(out.status.success(), "{}", text(&out));
    let before = data_files(&target);
    assert!(before.contains_key("report.html") && before.contains_key("outcomes.png"));

    let again = run(&target, 2, &["--no-report", "--plots", "svg"]);
    assert_eq!(again.status.code(), Some(1));
    let said = text(&again);
    assert!(
        said.contains("already holds the outputs of another run") && said.contains("--overwrite"),
        "{said}"
    );
    assert_eq!(data_files(&target), before);

    let out = run(
        &target,
        2,
        &["--no-report", "--plots", "svg", "--overwrite"],
    );
    assert!(out.status.success(), "{}", text(&out));
    let after = data_files(&target);
    assert!(!after.contains_key("report.html"));
    assert!(!after.keys().any(|f| f.ends_with(".png")));
    assert!(after.contains_key("outcomes.svg"));
    assert_eq!(manifest_seed(&target), 2);
    assert!(verify(&target).status.success());

    // A folder holding anything else is not taken either.
    let other = tmp.path().join("notes");
    std::fs::create_dir(&other).unwrap();
    std::fs::write(other.join("mine.txt"), "keep").unwrap();
    let out = run(&other, 1, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("mine.txt"), "{}", text(&out));
    assert!(other.join("mine.txt").exists());
}

#[test]
fn verify_finds_a_mixed_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let (one, two) = (tmp.path().join("one"), tmp.path().join("two"));
    for (dir, seed) in [(&one, 1), (&two, 2)] {
        let out = run(dir, seed, &["--plots", "svg"]);
        assert!(out.status.success(), "{}", text(&out));
    }
    let ok = verify(&one);
    assert!(ok.status.success());
    let said = String::from_utf8_lossy(&ok.stdout).to_string();
    assert!(said.contains("OK") && said.lines().count() == 1, "{said}");

    // Another run's events and a stray picture: what an unsafe writer would leave.
    std::fs::copy(two.join("events.csv"), one.join("events.csv")).unwrap();
    std::fs::write(one.join("outcomes.png"), b"\x89PNG").unwrap();
    std::fs::remove_file(one.join("report.html")).unwrap();
    let bad = verify(&one);
    assert_eq!(bad.status.code(), Some(1));
    let said = text(&bad);
    for needle in [
        "changed: events.csv",
        "extra:   outcomes.png",
        "missing: report.html",
    ] {
        assert!(said.contains(needle), "missing `{needle}` in:\n{said}");
    }
    assert!(!said.contains("summary.json"), "{said}");

    let unfinished = tmp.path().join("unfinished");
    std::fs::create_dir(&unfinished).unwrap();
    std::fs::write(unfinished.join("events.csv"), "x").unwrap();
    let out = verify(&unfinished);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("no manifest.json"), "{}", text(&out));
}

#[test]
fn a_sweep_folder_is_its_own_and_complete_when_its_manifest_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let run_dir: PathBuf = tmp.path().join("run");
    let out = run(&run_dir, 1, &["--no-report", "--plots", "svg"]);
    assert!(out.status.success(), "{}", text(&out));
    let sweep = |dir: &Path, extra: &[&str]| {
        let mut a = vec![
            "sweep",
            "tests/fixtures/sweep_grid.ron",
            "--threads",
            "1",
            "--no-report",
            "--plots",
            "svg",
            "--out",
            dir.to_str().unwrap(),
        ];
        a.extend(extra);
        sahelsim(&a)
    };
    // A run's folder is not a sweep's.
    let out = sweep(&run_dir, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("--overwrite"), "{}", text(&out));
    assert!(verify(&run_dir).status.success());
    // With --overwrite the sweep starts afresh there; its folder verifies.
    let out = sweep(&run_dir, &["--overwrite"]);
    assert!(out.status.success(), "{}", text(&out));
    let v = verify(&run_dir);
    assert!(v.status.success(), "{}", text(&v));
    assert!(!run_dir.join("events.csv").exists());
    // A shard's folder is complete with its manifest too.
    let shard = tmp.path().join("shard");
    let out = sweep(&shard, &["--shard", "1/2"]);
    assert!(out.status.success(), "{}", text(&out));
    let v = verify(&shard);
    assert!(v.status.success(), "{}", text(&v));
    assert_eq!(
        entries(&shard),
        vec!["manifest.json", "results.csv", "sweep.json"]
    );
}

#[test]
fn merge_takes_only_complete_unchanged_shards_with_rows_the_sweep_wrote() {
    let tmp = tempfile::tempdir().unwrap();
    let shard = |k: u32| tmp.path().join(format!("shard-{k}"));
    for k in 1..=2 {
        let out = sahelsim(&[
            "sweep",
            "tests/fixtures/sweep_grid.ron",
            "--threads",
            "1",
            "--shard",
            &format!("{k}/2"),
            "--out",
            shard(k).to_str().unwrap(),
        ]);
        assert!(out.status.success(), "{}", text(&out));
    }
    let merge = |out: &Path| {
        sahelsim(&[
            "sweep",
            "merge",
            shard(2).to_str().unwrap(),
            shard(1).to_str().unwrap(),
            "--no-report",
            "--plots",
            "svg",
            "--out",
            out.to_str().unwrap(),
        ])
    };
    // A folder holding shards only (a cluster sweep's layout) takes the merge.
    let merged = tmp.path().join("merged");
    std::fs::create_dir_all(merged.join("shards")).unwrap();
    let out = merge(&merged);
    assert!(out.status.success(), "{}", text(&out));
    assert!(verify(&merged).status.success());
    assert!(merged.join("shards").is_dir());
    // Merged again into the same folder: the same sweep, written identically.
    let before = data_files(&merged);
    let out = merge(&merged);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(data_files(&merged), before);

    // A shard whose row was edited after it ran is refused with its file.
    let results = shard(1).join("results.csv");
    let original = std::fs::read_to_string(&results).unwrap();
    let mut lines: Vec<String> = original.lines().map(str::to_string).collect();
    let mut fields: Vec<String> = lines[1].split(',').map(str::to_string).collect();
    let last = fields.len() - 1;
    fields[last] = "XYZ".into();
    lines[1] = fields.join(",");
    std::fs::write(&results, lines.join("\n") + "\n").unwrap();
    let out = merge(&tmp.path().join("m2"));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).contains("results.csv differs from its manifest.json"),
        "{}",
        text(&out)
    );
    // The same row with the manifest rewritten to match still fails the row check.
    let manifest_path = shard(1).join("manifest.json");
    let mut manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&manifest_path).unwrap()).unwrap();
    let (sha, bytes) = sahelsim::record::folder::hash_file(&results).unwrap();
    for f in manifest["outputs"].as_array_mut().unwrap() {
        if f["file"] == "results.csv" {
            f["sha256"] = sha.clone().into();
            f["bytes"] = bytes.into();
        }
    }
    std::fs::write(&manifest_path, manifest.to_string()).unwrap();
    let out = merge(&tmp.path().join("m3"));
    assert_eq!(out.status.code(), Some(1));
    let said = text(&out);
    assert!(
        said.contains("results.csv:2:") && said.contains("`XYZ`"),
        "{said}"
    );
    // An unfinished shard (no manifest) is refused with how to finish it.
    std::fs::remove_file(&manifest_path).unwrap();
    let out = merge(&tmp.path().join("m4"));
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("unfinished"), "{}", text(&out));
}
