//! `sahelsim sweep SPEC`: run a sweep (or one shard of it) and analyse it;
//! `sahelsim sweep merge DIR...`: merge shard outputs into the result of a whole run;
//! `sahelsim sweep slurm SPEC --shards N`: write the Slurm job array that runs the shards and
//! the job that merges them.

use std::path::{Path, PathBuf};
use std::time::Instant;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::{Deserialize, Serialize};

use crate::experiment::sweep::results::{RESULTS, Shard};
use crate::experiment::sweep::spec::{self, Design};
use crate::experiment::sweep::{self, Analysis, Plan};
use crate::record::write_atomic;
use crate::record::writers::{ManifestFile, VERSION, write_json};
use crate::report::{ReportOptions, write_figures};
use anyhow::anyhow;

/// The name of the file that says which sweep (and shard) a folder holds.
const SWEEP_FILE: &str = "sweep.json";

/// What `sweep.json` records: enough to refuse resuming or merging the wrong thing.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
struct SweepFile {
    program: String,
    name: String,
    /// Hash of the program version, the spec and the resolved base scenario.
    fingerprint: String,
    /// The spec, as an absolute path.
    spec: String,
    /// The shard this folder holds (none: the whole sweep).
    shard: Option<Shard>,
    points: u64,
    replicates: u64,
    runs: u64,
    parameters: Vec<String>,
    outcomes: Vec<String>,
}

/// Options of `sweep SPEC`.
pub struct SweepOptions {
    /// Output folder (default: output/sweep-NAME).
    pub out: Option<PathBuf>,
    /// Continue an interrupted sweep in `out`.
    pub resume: bool,
    /// `K/N`: run only shard K of N.
    pub shard: Option<String>,
    /// Worker threads (default: one per core).
    pub threads: Option<usize>,
    /// Picture formats and whether to write report.html.
    pub report: ReportOptions,
}

fn absolute(p: &Path) -> PathBuf {
    p.canonicalize().unwrap_or_else(|_| p.to_path_buf())
}

fn default_dir(name: &str) -> PathBuf {
    PathBuf::from("output").join(format!("sweep-{}", crate::scenario::slug(name)))
}

fn sweep_file(plan: &Plan, shard: Shard) -> SweepFile {
    SweepFile {
        program: format!("sahelsim {VERSION}"),
        name: plan.sweep.spec.name.clone(),
        fingerprint: plan.sweep.fingerprint.clone(),
        spec: absolute(&plan.sweep.spec_path).display().to_string(),
        shard: (shard != Shard::ALL).then_some(shard),
        points: plan.points.len() as u64,
        replicates: plan.replicates(),
        runs: plan.total_runs(),
        parameters: plan
            .sweep
            .parameter_paths()
            .iter()
            .map(|s| s.to_string())
            .collect(),
        outcomes: plan.sweep.outcomes.clone(),
    }
}

fn read_sweep_file(dir: &Path) -> anyhow::Result<Option<SweepFile>> {
    let path = dir.join(SWEEP_FILE);
    match std::fs::read_to_string(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(anyhow!("cannot read {}: {e}", path.display())),
        Ok(text) => serde_json::from_str(&text).map(Some).map_err(|e| {
            anyhow!(
                "{}: not a sweep's record ({e}); was this folder written by `sahelsim sweep`?",
                path.display()
            )
        }),
    }
}

/// The progress bar of a sweep: simulated days (or steps), runs per second and time left.
fn progress(days_per_run: u64, message: &str) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {percent:>3}% {runs}, {rate}, ETA {eta}")
            .expect("valid template")
            .with_key(
                "runs",
                move |s: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                    let per = days_per_run.max(1);
                    let _ = write!(w, "{}/{} runs", s.pos() / per, s.len().unwrap_or(0) / per);
                },
            )
            .with_key(
                "rate",
                move |s: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                    let _ = write!(w, "{:.2} runs/s", s.per_sec() / days_per_run.max(1) as f64);
                },
            )
            .progress_chars("=> "),
    );
    bar.set_message(message.to_string());
    bar
}

/// `sahelsim sweep SPEC`.
pub(super) fn run(spec_path: &Path, opts: SweepOptions) -> anyhow::Result<()> {
    let shard = match &opts.shard {
        Some(t) => Shard::parse(t).map_err(anyhow::Error::msg)?,
        None => Shard::ALL,
    };
    let plan = Plan::new(spec::load(spec_path)?)?;
    let dir = opts
        .out
        .unwrap_or_else(|| default_dir(&plan.sweep.spec.name));
    super::create_output_dir(&dir)?;
    let record = sweep_file(&plan, shard);
    match read_sweep_file(&dir)? {
        Some(found) if !opts.resume => {
            return Err(anyhow!(
                "{} already holds the results of sweep `{}`; add --resume to continue it, or choose another --out",
                dir.display(),
                found.name
            ));
        }
        Some(found) if found.fingerprint != record.fingerprint || found.shard != record.shard => {
            return Err(anyhow!(
                "{} holds {} of sweep `{}`, which differs from this one (the spec, its base scenario, the program version or the shard changed); --resume continues only the same sweep: choose another --out",
                dir.display(),
                found
                    .shard
                    .map(|s| format!("shard {}/{}", s.index, s.of))
                    .unwrap_or_else(|| "the results".into()),
                found.name
            ));
        }
        None if !opts.resume && dir.join(RESULTS).exists() => {
            return Err(anyhow!(
                "{} already holds a {RESULTS}; choose another --out",
                dir.display()
            ));
        }
        _ => {}
    }
    let fail = |what: &str, e: std::io::Error| anyhow!("writing {what} in {}: {e}", dir.display());
    write_json(&dir.join(SWEEP_FILE), &record).map_err(|e| fail(SWEEP_FILE, e))?;

    let runs = shard.len(plan.total_runs());
    let what = if shard == Shard::ALL {
        format!("{}: {} runs", plan.sweep.spec.name, runs)
    } else {
        format!(
            "{}: shard {}/{}, {} runs",
            plan.sweep.spec.name, shard.index, shard.of, runs
        )
    };
    println!(
        "{what} ({} points × {} replicates in the sweep); results stream to {} (interrupted? rerun with --resume)",
        plan.points.len(),
        plan.replicates(),
        dir.join(RESULTS).display()
    );
    let pool = super::worker_pool(opts.threads)?;
    let bar = progress(plan.days_per_run(), &plan.sweep.spec.name);
    let t = Instant::now();
    let report = pool.install(|| sweep::run(&plan, &dir, shard, opts.resume, Some(&bar)));
    bar.finish_and_clear();
    let report = report.map_err(anyhow::Error::msg)?;
    let run_s = t.elapsed().as_secs_f64();
    if report.resumed.written + report.resumed.early > 0 {
        println!(
            "resumed: {} runs were already done{}",
            report.resumed.written + report.resumed.early,
            if report.resumed.cut_row_dropped {
                " (a row cut short by the interruption was run again)"
            } else {
                ""
            }
        );
    }
    if report.ran > 0 {
        println!(
            "ran {} runs in {:.1} s ({:.2} runs/s)",
            report.ran,
            run_s,
            report.ran as f64 / run_s.max(1e-9)
        );
    }
    if shard != Shard::ALL {
        println!(
            "wrote {} (shard {}/{}); when every shard is done: sahelsim sweep merge DIR...",
            dir.display(),
            shard.index,
            shard.of
        );
        return Ok(());
    }
    finish(&plan, &dir, opts.report, run_s)
}

/// Analyses a complete sweep in `dir`: points, sensitivity, plots, manifest.
fn finish(plan: &Plan, dir: &Path, report: ReportOptions, run_s: f64) -> anyhow::Result<()> {
    let fail = |what: &str, e: std::io::Error| anyhow!("writing {what} in {}: {e}", dir.display());
    let analysis = sweep::analyse(plan, &dir.join(RESULTS)).map_err(anyhow::Error::msg)?;
    write_atomic(&dir.join("points.csv"), analysis.points_csv().as_bytes())
        .map_err(|e| fail("points.csv", e))?;
    write_atomic(
        &dir.join("sensitivity.csv"),
        analysis.sensitivity_csv().as_bytes(),
    )
    .map_err(|e| fail("sensitivity.csv", e))?;
    write_json(&dir.join("sensitivity.json"), &analysis)
        .map_err(|e| fail("sensitivity.json", e))?;
    let figures =
        crate::report::sensitivity_plot::figures(plan, &analysis, report.plots, report.report())
            .map_err(|e| anyhow!("drawing the sensitivity plots: {e}"))?;
    let pictures = write_figures(&figures, dir, report.plots).map_err(anyhow::Error::msg)?;
    if report.report() {
        crate::report::sweep_report::report(plan, &analysis, &figures)
            .write_atomic(&dir.join("report.html"))
            .map_err(|e| fail("report.html", e))?;
    }
    write_manifest(plan, dir, run_s).map_err(|e| fail("manifest.json", e))?;
    print!("{}", drivers_table(plan, &analysis));
    println!(
        "wrote {} ({RESULTS}, points.csv, sensitivity.csv, {} picture files{})",
        dir.display(),
        pictures.len(),
        if report.report() { ", report.html" } else { "" }
    );
    Ok(())
}

fn write_manifest(plan: &Plan, dir: &Path, run_s: f64) -> std::io::Result<()> {
    #[derive(Serialize)]
    struct SweepManifest<'a> {
        program: String,
        spec_file: ManifestFile<'a>,
        spec: &'a spec::SweepSpec,
        fingerprint: &'a str,
        base_files: Vec<ManifestFile<'a>>,
        base: &'a crate::scenario::Scenario,
        timings: std::collections::BTreeMap<String, f64>,
    }
    let text = &plan.sweep.spec_text;
    let sha = crate::scenario::sha256_hex(text.as_bytes());
    let path = plan.sweep.spec_path.display().to_string();
    write_json(
        &dir.join("manifest.json"),
        &SweepManifest {
            program: format!("sahelsim {VERSION}"),
            spec_file: ManifestFile {
                path: &path,
                sha256: &sha,
                content: text,
            },
            spec: &plan.sweep.spec,
            fingerprint: &plan.sweep.fingerprint,
            base_files: ManifestFile::list(&plan.sweep.base.sources),
            base: &plan.sweep.base,
            timings: [("run_s".to_string(), run_s)].into_iter().collect(),
        },
    )
}

/// For each outcome, the parameters ranked by their influence.
fn drivers_table(plan: &Plan, a: &Analysis) -> String {
    let sobol = matches!(plan.sweep.spec.design, Design::Sobol { .. });
    let mut s = if sobol {
        format!(
            "{:<34} {:<46} {:>22} {:>22}\n",
            "outcome", "parameter", "first-order [95 %]", "total [95 %]"
        )
    } else {
        format!(
            "{:<34} {:<46} {:>24}\n",
            "outcome", "parameter", "PRCC [95 %]"
        )
    };
    let iv =
        |i: &sweep::sensitivity::Index| format!("{:.2} [{:.2}, {:.2}]", i.value, i.low, i.high);
    for o in 0..a.outcomes.len() {
        for (n, r) in a.ranked(o).iter().enumerate() {
            let outcome = if n == 0 { r.outcome.as_str() } else { "" };
            match (&r.sobol, &r.prcc) {
                (Some(so), _) => s.push_str(&format!(
                    "{outcome:<34} {:<46} {:>22} {:>22}\n",
                    r.parameter,
                    iv(&so.first),
                    iv(&so.total)
                )),
                (None, Some(p)) => s.push_str(&format!(
                    "{outcome:<34} {:<46} {:>24}\n",
                    r.parameter,
                    iv(p)
                )),
                _ => {}
            }
        }
    }
    s
}

/// `sahelsim sweep merge DIR...`.
pub(super) fn merge(
    dirs: &[PathBuf],
    out: Option<PathBuf>,
    report: ReportOptions,
) -> anyhow::Result<()> {
    let mut shards: Vec<(SweepFile, PathBuf)> = Vec::new();
    for d in dirs {
        let Some(f) = read_sweep_file(d)? else {
            return Err(anyhow!(
                "{}: no {SWEEP_FILE}; expected the output folder of `sahelsim sweep SPEC --shard K/N`",
                d.display()
            ));
        };
        shards.push((f, d.clone()));
    }
    let first = shards[0].0.clone();
    let n = first.shard.map(|s| s.of).unwrap_or(1);
    for (f, d) in &shards {
        if f.fingerprint != first.fingerprint {
            return Err(anyhow!(
                "{} holds another sweep than {} (the spec, base scenario or program version differ)",
                d.display(),
                shards[0].1.display()
            ));
        }
        if f.shard.map(|s| s.of).unwrap_or(1) != n {
            return Err(anyhow!(
                "{} was split into {} shards, {} into {n}",
                d.display(),
                f.shard.map(|s| s.of).unwrap_or(1),
                shards[0].1.display()
            ));
        }
    }
    shards.sort_by_key(|(f, _)| f.shard.map(|s| s.index).unwrap_or(1));
    let have: Vec<u64> = shards
        .iter()
        .map(|(f, _)| f.shard.map(|s| s.index).unwrap_or(1))
        .collect();
    let missing: Vec<String> = (1..=n)
        .filter(|k| !have.contains(k))
        .map(|k| k.to_string())
        .collect();
    if !missing.is_empty() || have.len() as u64 != n {
        return Err(anyhow!(
            "merging needs each of the {n} shards once; missing: {}; given: {}",
            if missing.is_empty() {
                "none".to_string()
            } else {
                missing.join(", ")
            },
            have.iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let spec_path = PathBuf::from(&first.spec);
    let plan = Plan::new(spec::load(&spec_path)?)?;
    if plan.sweep.fingerprint != first.fingerprint {
        return Err(anyhow!(
            "{} (or its base scenario, or the program) has changed since the shards ran; merge with the spec and program they ran with",
            spec_path.display()
        ));
    }
    let dir = out.unwrap_or_else(|| default_dir(&plan.sweep.spec.name));
    super::create_output_dir(&dir)?;
    let files: Vec<PathBuf> = shards.iter().map(|(_, d)| d.join(RESULTS)).collect();
    let t = Instant::now();
    sweep::results::merge(
        &files,
        &dir.join(RESULTS),
        plan.total_runs(),
        plan.replicates(),
    )
    .map_err(|e| anyhow!("merging: {e}"))?;
    write_json(&dir.join(SWEEP_FILE), &sweep_file(&plan, Shard::ALL))
        .map_err(|e| anyhow!("writing {SWEEP_FILE} in {}: {e}", dir.display()))?;
    println!(
        "merged {n} shards: {} runs into {}",
        plan.total_runs(),
        dir.join(RESULTS).display()
    );
    finish(&plan, &dir, report, t.elapsed().as_secs_f64())
}

/// Options of `sweep slurm`.
pub struct SlurmOptions {
    /// Array tasks.
    pub shards: u64,
    /// Output folder.
    pub out: Option<PathBuf>,
    /// Partition.
    pub partition: Option<String>,
    /// Time limit per task (Slurm's format).
    pub time: Option<String>,
    /// CPUs per task.
    pub cpus_per_task: u32,
    /// Memory per task (Slurm's format, e.g. 4G).
    pub mem: Option<String>,
}

/// Quotes a word for the shell.
fn sh(word: &str) -> String {
    format!("'{}'", word.replace('\'', r"'\''"))
}

/// `sahelsim sweep slurm SPEC --shards N`.
pub(super) fn slurm(spec_path: &Path, opts: SlurmOptions) -> anyhow::Result<()> {
    let plan = Plan::new(spec::load(spec_path)?)?;
    if opts.shards == 0 || opts.shards > plan.total_runs() {
        return Err(anyhow!(
            "--shards {}: expected 1 to {} (the sweep's runs)",
            opts.shards,
            plan.total_runs()
        ));
    }
    if opts.cpus_per_task == 0 {
        return Err(anyhow!("--cpus-per-task must be at least 1"));
    }
    for (flag, v) in [
        ("--partition", &opts.partition),
        ("--time", &opts.time),
        ("--mem", &opts.mem),
    ] {
        if let Some(v) = v
            && (v.is_empty()
                || v.chars()
                    .any(|c| c.is_whitespace() || c == '\'' || c == '"'))
        {
            return Err(anyhow!(
                "{flag} {v:?}: expected one word, as sbatch takes it"
            ));
        }
    }
    let dir = opts
        .out
        .unwrap_or_else(|| default_dir(&plan.sweep.spec.name));
    let slurm_dir = dir.join("slurm");
    super::create_output_dir(&slurm_dir.join("logs"))?;
    let dir = absolute(&dir);
    let exe = std::env::current_exe()
        .map(|p| absolute(&p))
        .map_err(|e| anyhow!("cannot find this program's path: {e}"))?;
    let spec_abs = absolute(spec_path);
    let n = opts.shards;
    let name = crate::scenario::slug(&plan.sweep.spec.name);
    let logs = dir.join("slurm").join("logs");
    let mut head = format!(
        "#!/bin/bash\n# Written by `sahelsim sweep slurm` ({VERSION}) for sweep `{}`: {} runs in {n} shards.\n",
        plan.sweep.spec.name.replace('\n', " "),
        plan.total_runs()
    );
    let mut directives = String::new();
    if let Some(p) = &opts.partition {
        directives.push_str(&format!("#SBATCH --partition={p}\n"));
    }
    if let Some(t) = &opts.time {
        directives.push_str(&format!("#SBATCH --time={t}\n"));
    }
    if let Some(m) = &opts.mem {
        directives.push_str(&format!("#SBATCH --mem={m}\n"));
    }
    head.push_str("# Each array task runs one shard on its CPUs and resumes if it is requeued.\n");
    let array = format!(
        "{head}#SBATCH --job-name=sahelsim-{name}\n#SBATCH --array=1-{n}\n#SBATCH --cpus-per-task={}\n{directives}#SBATCH --output={}\nset -euo pipefail\nexec {} sweep {} --shard \"${{SLURM_ARRAY_TASK_ID}}/{n}\" --out {}\"/${{SLURM_ARRAY_TASK_ID}}\" --threads \"${{SLURM_CPUS_PER_TASK:-1}}\" --resume\n",
        opts.cpus_per_task,
        logs.join("shard-%a.out").display(),
        sh(&exe.display().to_string()),
        sh(&spec_abs.display().to_string()),
        sh(&dir.join("shards").display().to_string()),
    );
    let shard_dirs: Vec<String> = (1..=n)
        .map(|k| sh(&dir.join("shards").join(k.to_string()).display().to_string()))
        .collect();
    let merge = format!(
        "#!/bin/bash\n# Written by `sahelsim sweep slurm`: merges the {n} shards into the result of a whole run.\n#SBATCH --job-name=sahelsim-{name}-merge\n#SBATCH --cpus-per-task=1\n{directives}#SBATCH --output={}\nset -euo pipefail\nexec {} sweep merge {} --out {}\n",
        logs.join("merge.out").display(),
        sh(&exe.display().to_string()),
        shard_dirs.join(" "),
        sh(&dir.display().to_string()),
    );
    let submit = String::from(
        "#!/bin/sh\n# Submits the shards as a job array, then the merge to run once every shard has succeeded.\nset -eu\ncd \"$(dirname \"$0\")\"\narray=$(sbatch --parsable array.sbatch)\narray=${array%%;*}\necho \"submitted the shards as job array $array\"\nsbatch --dependency=afterok:\"$array\" merge.sbatch\n",
    );
    let fail =
        |what: &str, e: std::io::Error| anyhow!("writing {what} in {}: {e}", slurm_dir.display());
    for (file, text) in [
        ("array.sbatch", array),
        ("merge.sbatch", merge),
        ("submit.sh", submit),
    ] {
        let path = slurm_dir.join(file);
        write_atomic(&path, text.as_bytes()).map_err(|e| fail(file, e))?;
        make_executable(&path).map_err(|e| fail(file, e))?;
    }
    println!(
        "wrote {}/{{array.sbatch, merge.sbatch, submit.sh}}: {} runs in {n} array tasks of {} CPU(s) each",
        slurm_dir.display(),
        plan.total_runs(),
        opts.cpus_per_task
    );
    println!("submit with: {}", slurm_dir.join("submit.sh").display());
    Ok(())
}

#[cfg(unix)]
fn make_executable(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
}

#[cfg(not(unix))]
fn make_executable(_: &Path) -> std::io::Result<()> {
    Ok(())
}
