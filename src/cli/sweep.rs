//! `sahelsim sweep SPEC`: run a sweep (or one shard of it) and analyse it;
//! `sahelsim sweep merge DIR...`: merge shard outputs into the result of a whole run;
//! `sahelsim sweep slurm SPEC --shards N`: write the Slurm job array that runs the shards and
//! the job that merges them.

use std::path::{Path, PathBuf};
use std::time::Instant;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;

use super::output::{Existing, OutputDir};
use super::{MergeArgs, SlurmArgs, SweepCommand};
use crate::experiment::sweep::results::{RESULTS, Shard};
use crate::experiment::sweep::shards::{
    SWEEP_FILE, ShardError, SweepFile, absolute, check_complete, check_shard_set, check_unchanged,
};
use crate::experiment::sweep::slurm::{self, SlurmOptions};
use crate::experiment::sweep::spec::{self, Design};
use crate::experiment::sweep::{self, Analysis, Plan};
use crate::record::writers::{ManifestFile, VERSION};
use crate::report::ReportOptions;
use crate::report::sensitivity_plot::{WITHIN_NOISE, noise_sentence};
use anyhow::anyhow;

fn default_dir(name: &str) -> PathBuf {
    PathBuf::from("output").join(format!("sweep-{}", crate::scenario::slug(name)))
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
    super::log_progress_when_not_a_terminal(&bar, "simulated steps");
    bar
}

/// `sahelsim sweep SPEC`.
pub(super) fn run(args: &SweepCommand) -> anyhow::Result<()> {
    let spec_path = args.spec.as_deref().unwrap_or(Path::new(""));
    let shard = match &args.shard {
        Some(t) => Shard::parse(t)?,
        None => Shard::ALL,
    };
    let plan = Plan::new(spec::load(spec_path)?)?;
    let record = SweepFile::new(&plan, shard);
    let out = OutputDir::in_place(
        args.out
            .clone()
            .unwrap_or_else(|| default_dir(&plan.sweep.spec.name)),
        |dir| {
            if args.overwrite {
                return Ok(Existing::Remove);
            }
            record.check_folder(dir, SweepFile::read(dir)?.as_ref(), args.resume)?;
            Ok(Existing::Keep)
        },
    )?;
    let dir = out.path();
    out.write_json(SWEEP_FILE, &record)?;

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
    let pool = super::worker_pool(args.threads)?;
    let bar = progress(plan.days_per_run(), &plan.sweep.spec.name);
    let t = Instant::now();
    let report = pool.install(|| sweep::run(&plan, dir, shard, args.resume, Some(&bar)));
    bar.finish_and_clear();
    let report = report?;
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
        write_manifest(&plan, &out, run_s)?;
        println!(
            "wrote {} (shard {}/{}); when every shard is done: sahelsim sweep merge DIR...",
            dir.display(),
            shard.index,
            shard.of
        );
        return Ok(());
    }
    finish(&plan, &out, args.report, run_s)
}

/// Analyses a complete sweep in `dir`: points, sensitivity, plots, manifest.
fn finish(plan: &Plan, out: &OutputDir, report: ReportOptions, run_s: f64) -> anyhow::Result<()> {
    let dir = out.path();
    let analysis = sweep::analyse(plan, &dir.join(RESULTS))?;
    out.write("points.csv", analysis.points_csv().as_bytes())?;
    out.write("sensitivity.csv", analysis.sensitivity_csv().as_bytes())?;
    out.write_json("sensitivity.json", &analysis)?;
    let figures =
        crate::report::sensitivity_plot::figures(plan, &analysis, report.plots, report.report())
            .map_err(|e| anyhow!("drawing the sensitivity plots: {e}"))?;
    let pictures = out.write_figures(&figures, report.plots)?;
    if report.report() {
        out.write_report(&crate::report::sweep_report::report(
            plan, &analysis, &figures,
        ))?;
    }
    write_manifest(plan, out, run_s)?;
    print!("{}", drivers_table(plan, &analysis));
    for (oi, o) in analysis.outcomes.iter().enumerate() {
        let noise = analysis.noise(oi);
        if noise.within_noise() {
            println!(
                "warning: {}: {} {}",
                plan.outcome_label(o),
                noise_sentence(&noise),
                WITHIN_NOISE
            );
        }
    }
    println!(
        "wrote {} ({RESULTS}, points.csv, sensitivity.csv, {} picture files{})",
        dir.display(),
        pictures.len(),
        if report.report() { ", report.html" } else { "" }
    );
    Ok(())
}

fn write_manifest(plan: &Plan, out: &OutputDir, run_s: f64) -> anyhow::Result<()> {
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
    out.write_manifest(&SweepManifest {
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
    })
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
pub(super) fn merge(args: &MergeArgs) -> anyhow::Result<()> {
    let mut shards: Vec<(SweepFile, PathBuf)> = Vec::new();
    for d in &args.dirs {
        let Some(f) = SweepFile::read(d)? else {
            return Err(ShardError::NoRecord { dir: d.clone() }.into());
        };
        check_complete(d)?;
        shards.push((f, d.clone()));
    }
    let n = check_shard_set(&mut shards)?;
    let spec_path = PathBuf::from(&shards[0].0.spec);
    let plan = Plan::new(spec::load(&spec_path)?)?;
    check_unchanged(&plan, &shards)?;
    let merged = SweepFile::new(&plan, Shard::ALL);
    let out = OutputDir::in_place(
        args.out
            .clone()
            .unwrap_or_else(|| default_dir(&plan.sweep.spec.name)),
        |dir| {
            if args.overwrite {
                return Ok(Existing::Remove);
            }
            merged.check_merge_folder(dir, SweepFile::read(dir)?.as_ref())?;
            Ok(Existing::Keep)
        },
    )?;
    let dir = out.path();
    let files: Vec<PathBuf> = shards.iter().map(|(_, d)| d.join(RESULTS)).collect();
    let t = Instant::now();
    sweep::results::merge(
        &files,
        &dir.join(RESULTS),
        plan.total_runs(),
        plan.replicates(),
    )
    .map_err(|e| anyhow!("merging: {e}"))?;
    out.write_json(SWEEP_FILE, &merged)?;
    println!(
        "merged {n} shards: {} runs into {}",
        plan.total_runs(),
        dir.join(RESULTS).display()
    );
    finish(&plan, &out, args.report, t.elapsed().as_secs_f64())
}

/// `sahelsim sweep slurm SPEC --shards N`.
pub(super) fn slurm(args: &SlurmArgs) -> anyhow::Result<()> {
    let spec_path = args.spec.as_path();
    let plan = Plan::new(spec::load(spec_path)?)?;
    let opts = SlurmOptions {
        shards: args.shards,
        partition: args.partition.clone(),
        time: args.time.clone(),
        cpus_per_task: args.cpus_per_task,
        mem: args.mem.clone(),
    };
    opts.check(&plan)?;
    let dir = args
        .out
        .clone()
        .unwrap_or_else(|| default_dir(&plan.sweep.spec.name));
    let slurm_dir = dir.join("slurm");
    OutputDir::plain(slurm_dir.join("logs"))?;
    let scripts = OutputDir::plain(slurm_dir.clone())?;
    let dir = absolute(&dir);
    let exe = std::env::current_exe()
        .map(|p| absolute(&p))
        .map_err(|e| anyhow!("cannot find this program's path: {e}"))?;
    for (file, text) in slurm::scripts(&plan, &opts, &dir, &exe, &absolute(spec_path)) {
        scripts.write(file, text.as_bytes())?;
        make_executable(&scripts.join(file)).map_err(|e| scripts.failed(file, e))?;
    }
    println!(
        "wrote {}/{{array.sbatch, merge.sbatch, submit.sh}}: {} runs in {} array tasks of {} CPU(s) each",
        slurm_dir.display(),
        plan.total_runs(),
        args.shards,
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
