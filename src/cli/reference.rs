//! `sahelsim run` and `sahelsim check` for scenarios of a reference model (`kind: Epstein`):
//! run the replicates of Epstein's civil violence model and write its time series, outbursts,
//! summary and manifest.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Instant;

use serde::Serialize;

use super::RunArgs;
use super::output::OutputDir;
use crate::record::atomic::write_atomic_with;
use crate::record::outcome::REFERENCE_OUTCOMES;
use crate::record::summary::quantile;
use crate::record::writers::{ManifestFile, VERSION};
use crate::record::{ReplicateSummary, Spread, aggregate};
use crate::reference::epstein::{EpsteinParams, ReplicateOutput, run_replicates};
use crate::report::epstein_report;
use crate::scenario::{ModelKind, Scenario};
use anyhow::anyhow;

fn params(s: &Scenario) -> anyhow::Result<&EpsteinParams> {
    s.epstein
        .as_ref()
        .ok_or_else(|| anyhow!("{}: no epstein parameters", s.name))
}

/// Prints the summary of a reference-model scenario (`sahelsim check`).
pub(super) fn check(s: &Scenario) -> anyhow::Result<()> {
    print!("{}", check_summary(s)?);
    Ok(())
}

/// The summary `check` prints for a reference-model scenario.
fn check_summary(s: &Scenario) -> anyhow::Result<String> {
    let p = params(s)?;
    let mut out = String::new();
    let w = &mut out;
    let _ = writeln!(w, "scenario:   {}", s.name);
    for (i, src) in s.sources.iter().enumerate() {
        let label = if i == 0 { "file:" } else { "extends:" };
        let _ = writeln!(w, "{label:<11} {} (sha256 {})", src.path, &src.sha256[..12]);
    }
    let _ = writeln!(w, "model:      {:?} (reference model)", s.kind);
    let _ = writeln!(
        w,
        "steps:      {} (statistics after step {})",
        p.steps, p.burn_in
    );
    let _ = writeln!(w, "seed:       {}   replicates: {}", s.seed, s.replicates);
    let _ = writeln!(
        w,
        "lattice:    {} × {} torus, citizen density {}, cop density {}",
        p.width, p.height, p.citizen_density, p.cop_density
    );
    let _ = writeln!(
        w,
        "vision:     citizens {}, cops {} ({:?})",
        p.citizen_vision, p.cop_vision, p.vision_shape
    );
    let _ = writeln!(
        w,
        "rules:      legitimacy {}, threshold {}, k {} with {:?}(C/A), max jail term {} (countdown {:?}), movement {}",
        p.legitimacy,
        p.active_threshold,
        p.arrest_constant,
        p.arrest_ratio,
        p.max_jail_term,
        p.jail_countdown,
        p.movement
    );
    Ok(out)
}

/// The scenario as recorded in the manifest: what the reference model ran on.
#[derive(Serialize)]
struct ManifestScenario<'a> {
    name: &'a str,
    description: &'a str,
    kind: ModelKind,
    seed: u64,
    replicates: u32,
    epstein: &'a EpsteinParams,
}

/// The content of `manifest.json` for a reference-model run.
#[derive(Serialize)]
struct Manifest<'a> {
    program: String,
    replicates: u32,
    seed: u64,
    replicate_seeds: Vec<u64>,
    files: Vec<ManifestFile<'a>>,
    scenario: ManifestScenario<'a>,
    timings: BTreeMap<String, f64>,
}

/// Pooled statistics of the outbursts of all replicates.
#[derive(Serialize)]
struct Outbursts {
    /// Outbursts in all replicates.
    count: usize,
    /// Peak active citizens of an outburst.
    peak: Option<Spread>,
    /// Steps an outburst lasts.
    length: Option<Spread>,
    /// Steps between consecutive outbursts of a replicate.
    waiting_time: Option<Spread>,
}

/// The content of `summary.json` for a reference-model run.
#[derive(Serialize)]
struct Summary<'a> {
    version: &'static str,
    scenario: &'a str,
    seed: u64,
    /// First step counted in the statistics.
    first_step: u32,
    /// Active citizens that make an outburst.
    outburst_threshold: u32,
    outcomes: &'a BTreeMap<String, Spread>,
    outbursts: &'a Outbursts,
    replicates: &'a [ReplicateSummary],
}

fn spread(mut v: Vec<f64>) -> Option<Spread> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    Some(Spread {
        mean: v.iter().sum::<f64>() / v.len() as f64,
        p05: quantile(&v, 0.05),
        p95: quantile(&v, 0.95),
    })
}

/// Runs an Epstein scenario's replicates and writes `timeseries.csv`, `outbursts.csv`,
/// `summary.json` and `manifest.json` to `dir`.
pub(super) fn run(args: &RunArgs, s: &Scenario, out: &OutputDir) -> anyhow::Result<()> {
    let (dir, threads, report) = (out.path(), args.threads, args.report);
    let p = params(s)?;
    let pool = super::worker_pool(threads)?;
    let t = Instant::now();
    let outputs = pool.install(|| run_replicates(p, s.seed, s.replicates));
    let run_s = t.elapsed().as_secs_f64();
    out.saved(
        "timeseries.csv",
        write_atomic_with(&dir.join("timeseries.csv"), |w| {
            let mut csv = csv::Writer::from_writer(w);
            csv.write_record(["replicate", "step", "active", "quiet", "jailed"])?;
            for o in &outputs {
                for c in &o.series {
                    csv.write_record([
                        o.replicate.to_string(),
                        c.step.to_string(),
                        c.active.to_string(),
                        c.quiet.to_string(),
                        c.jailed.to_string(),
                    ])?;
                }
            }
            csv.flush()
        }),
    )?;
    out.saved(
        "outbursts.csv",
        write_atomic_with(&dir.join("outbursts.csv"), |w| {
            let mut csv = csv::Writer::from_writer(w);
            csv.write_record(["replicate", "start", "end", "length", "peak"])?;
            for o in &outputs {
                for b in &o.stats.outbursts {
                    csv.write_record([
                        o.replicate.to_string(),
                        b.start.to_string(),
                        b.end.to_string(),
                        b.length().to_string(),
                        b.peak.to_string(),
                    ])?;
                }
            }
            csv.flush()
        }),
    )?;

    let summaries: Vec<ReplicateSummary> = outputs
        .iter()
        .map(crate::record::summarise_reference)
        .collect();
    let agg = aggregate(&summaries);
    let pooled = |f: &dyn Fn(&ReplicateOutput) -> Vec<f64>| -> Vec<f64> {
        outputs.iter().flat_map(f).collect()
    };
    let outbursts = Outbursts {
        count: outputs.iter().map(|o| o.stats.outbursts.len()).sum(),
        peak: spread(pooled(&|o| {
            o.stats.outbursts.iter().map(|b| b.peak as f64).collect()
        })),
        length: spread(pooled(&|o| {
            o.stats
                .outbursts
                .iter()
                .map(|b| b.length() as f64)
                .collect()
        })),
        waiting_time: spread(pooled(&|o| {
            o.stats.waiting_times.iter().map(|&w| w as f64).collect()
        })),
    };
    out.write_json(
        "summary.json",
        &Summary {
            version: VERSION,
            scenario: &s.name,
            seed: s.seed,
            first_step: p.burn_in + 1,
            outburst_threshold: p.outburst_threshold,
            outcomes: &agg,
            outbursts: &outbursts,
            replicates: &summaries,
        },
    )?;

    let t_plots = Instant::now();
    let figures = epstein_report::figures(s, &outputs, report.plots, report.report())?;
    out.write_figures(&figures, report.plots)?;
    if report.report() {
        let mut rows: Vec<(String, Option<Spread>)> = REFERENCE_OUTCOMES
            .iter()
            .map(|r| (r.label.to_string(), agg.get(r.key).copied()))
            .collect();
        rows.push(("outburst peak (active citizens)".into(), outbursts.peak));
        rows.push(("outburst length (steps)".into(), outbursts.length));
        rows.push(("steps between outbursts".into(), outbursts.waiting_time));
        out.write_report(&epstein_report::report(s, &rows, p.burn_in + 1, &figures))?;
    }
    let mut timings = BTreeMap::new();
    timings.insert("replicates_s".to_string(), run_s);
    timings.insert("plots_s".to_string(), t_plots.elapsed().as_secs_f64());
    for o in &outputs {
        timings.insert(format!("replicate_{:03}_s", o.replicate), o.wall_s);
    }
    let manifest = Manifest {
        program: format!("sahelsim {VERSION}"),
        replicates: s.replicates,
        seed: s.seed,
        replicate_seeds: outputs.iter().map(|o| o.seed).collect(),
        files: ManifestFile::list(&s.sources),
        scenario: ManifestScenario {
            name: &s.name,
            description: &s.description,
            kind: s.kind,
            seed: s.seed,
            replicates: s.replicates,
            epstein: p,
        },
        timings,
    };
    out.write_manifest(&manifest)?;

    println!(
        "{}: Epstein's civil violence model, {} steps, {} replicates in {:.2} s",
        s.name, p.steps, s.replicates, run_s
    );
    println!(
        "{:<40} {:>10} {:>20}",
        "outcome (from step ".to_string() + &(p.burn_in + 1).to_string() + ")",
        "mean",
        "90 % interval"
    );
    for r in &REFERENCE_OUTCOMES {
        if let Some(v) = agg.get(r.key) {
            println!(
                "{:<40} {:>10.2} {:>20}",
                r.label,
                v.mean,
                format!("{:.1} – {:.1}", v.p05, v.p95)
            );
        }
    }
    println!("wrote {}", out.target().display());
    Ok(())
}
