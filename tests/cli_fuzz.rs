//! The command line driven with random commands, files, flags and sizes, as a careless or
//! hostile user would: whatever the arguments, the program ends by itself with exit status 0,
//! 1 or 2, never by a signal (an abort), never with a panic, and says why when it fails.
//! Sizes are drawn among tiny valid values and out-of-range ones, so that each case stays
//! short; the cases are bounded in number and, together, in time (about 12 s).

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use proptest::prelude::*;

const COMMANDS: &[&[&str]] = &[
    &["run"],
    &["compare"],
    &["validate"],
    &["calibrate"],
    &["sweep"],
    &["sweep", "merge"],
    &["check"],
    &["map"],
    &["verify"],
    &["frobnicate"],
];

const FILES: &[&str] = &[
    "tests/fixtures/short_run.ron",
    "scenarios/reference/epstein.ron",
    "tests/fixtures/sweep_grid.ron",
    "tests/fixtures/no_such_file.ron",
    "tests",
    "Cargo.toml",
    "",
];

const FLAGS: &[&str] = &[
    "--replicates",
    "--threads",
    "--seed",
    "--shard",
    "--from",
    "--plots",
    "--resume",
    "--overwrite",
    "--no-report",
    "--shards",
    "-x",
];

const VALUES: &[&str] = &[
    "0",
    "1",
    "2",
    "3",
    "-1",
    "100001",
    "4294967296",
    "18446744073709551616",
    "1/2",
    "3/2",
    "0/0",
    "2019-01-01",
    "0000-01-01",
    "svg",
    "gif",
    "x",
    "",
];

/// Where `--out` points: inside the test's folder, the folder itself, a file, the current
/// folder or the one above it (both refused).
const OUTS: &[&str] = &["a", "a", "b/c", "file.txt", ".", ".."];

/// The wall-clock time the cases may take together; the cases after it are skipped.
const BUDGET: Duration = Duration::from_secs(12);

/// When the first case started.
static START: OnceLock<Instant> = OnceLock::new();

/// Runs the program with `args`, its output to files in `dir`; fails past `limit`.
fn run_bounded(args: &[String], dir: &Path, limit: Duration) -> (Option<i32>, String) {
    let (out, err) = (dir.join("stdout.txt"), dir.join("stderr.txt"));
    let mut child = Command::new(env!("CARGO_BIN_EXE_sahelsim"))
        .args(args)
        .stdout(Stdio::from(std::fs::File::create(&out).unwrap()))
        .stderr(Stdio::from(std::fs::File::create(&err).unwrap()))
        .spawn()
        .unwrap();
    let t0 = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if t0.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("`sahelsim {}` ran past {limit:?}", args.join(" "));
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let text = format!(
        "{}{}",
        std::fs::read_to_string(&out).unwrap_or_default(),
        std::fs::read_to_string(&err).unwrap_or_default()
    );
    (status.code(), text)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 64,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn any_command_line_ends_with_status_0_1_or_2_and_a_message(
        command in 0..COMMANDS.len(),
        files in prop::collection::vec(0..FILES.len(), 0..3),
        flags in prop::collection::vec((0..FLAGS.len(), 0..VALUES.len()), 0..4),
        out in prop::option::of(0..OUTS.len()),
    ) {
        if START.get_or_init(Instant::now).elapsed() > BUDGET {
            return Ok(());
        }
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("file.txt"), "not a folder").unwrap();
        let mut args: Vec<String> = COMMANDS[command].iter().map(|s| s.to_string()).collect();
        args.extend(files.iter().map(|&f| FILES[f].to_string()));
        for (flag, value) in flags {
            args.push(FLAGS[flag].to_string());
            if !matches!(FLAGS[flag], "--resume" | "--overwrite" | "--no-report") {
                args.push(VALUES[value].to_string());
            }
        }
        // Never the default folders in the repository: an output folder is always given
        // (the program refuses `.` and `..` itself).
        let o = out.unwrap_or(0);
        args.push("--out".into());
        args.push(match OUTS[o] {
            rel @ ("." | "..") => rel.to_string(),
            rel => tmp.path().join(rel).display().to_string(),
        });
        let (code, text) = run_bounded(&args, tmp.path(), Duration::from_secs(60));
        let line = args.join(" ");
        prop_assert!(
            matches!(code, Some(0..=2)),
            "`sahelsim {line}` ended with {code:?} (a signal or abort):\n{text}"
        );
        prop_assert!(!text.contains("panicked"), "`sahelsim {line}` panicked:\n{text}");
        if code != Some(0) {
            prop_assert!(!text.trim().is_empty(), "`sahelsim {line}` failed silently");
        }
        // The program never writes into the current folder or the one above.
        prop_assert!(!Path::new("slurm").exists() && !Path::new("manifest.json").exists());
    }
}
