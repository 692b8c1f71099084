//! `sahelsim run FILE`: run a scenario's replicates and write the event log, time series,
//! summary and manifest.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use super::RunArgs;
use super::output::OutputDir;
use crate::experiment::run_replicates;
use crate::geo::SahelMap;
use crate::record::writers::{
    Manifest, ManifestFile, SummaryFile, VERSION, write_events, write_timeseries,
};
use crate::record::{SeriesRow, Spread, aggregate};
use crate::report::format::{aligned, interval, number};
use crate::report::run_report::{self, key_outcome_rows};
use crate::scenario::{Scenario, format_date};

/// Runs a Sahel scenario (loaded, with `--replicates` and `--seed` applied) into `out`.
pub(super) fn run(args: &RunArgs, scenario: Scenario, out: &OutputDir) -> anyhow::Result<()> {
    let dir = out.path();
    let t0 = Instant::now();
    let scenario = Arc::new(scenario);
    let map = Arc::new(SahelMap::build(&scenario.map, scenario.period.start.year()));
    let t_map = t0.elapsed().as_secs_f64();

    let days = scenario.period.days() as u64;
    let bar = super::progress_bar(
        days * scenario.replicates as u64,
        &format!("{}: {} replicates", scenario.name, scenario.replicates),
    );
    let pool = super::worker_pool(args.threads)?;
    let t_run = Instant::now();
    let outputs = pool.install(|| run_replicates(&scenario, &map, scenario.replicates, Some(&bar)));
    bar.finish_and_clear();
    let run_s = t_run.elapsed().as_secs_f64();
    if scenario.output.events {
        let runs: Vec<(u32, &[crate::sim::events::Event])> = outputs
            .iter()
            .map(|o| (o.replicate, o.events.as_slice()))
            .collect();
        let name = if args.events_gzip {
            "events.csv.gz"
        } else {
            "events.csv"
        };
        write_events(&dir.join(name), &scenario, &map, &runs, args.events_gzip)
            .map_err(|e| out.failed(name, e))?;
    }
    let rows: Vec<&[SeriesRow]> = outputs.iter().map(|o| o.rows.as_slice()).collect();
    write_timeseries(&dir.join("timeseries.csv"), &rows)
        .map_err(|e| out.failed("timeseries.csv", e))?;
    let summaries: Vec<_> = outputs.iter().map(|o| o.summary.clone()).collect();
    let agg = aggregate(&summaries);
    out.write_json(
        "summary.json",
        &SummaryFile {
            version: VERSION,
            scenario: &scenario.name,
            seed: scenario.seed,
            outcomes: &agg,
            replicates: &summaries,
        },
    )?;
    let t_plots = Instant::now();
    let figures = pool.install(|| {
        run_report::figures(
            &scenario,
            &map,
            &outputs,
            args.report.plots,
            args.report.report(),
        )
    })?;
    out.write_figures(&figures, args.report.plots)?;
    if args.report.report() {
        out.write_report(&run_report::report(&scenario, &agg, &figures))?;
    }
    let plots_s = t_plots.elapsed().as_secs_f64();
    let mut timings = BTreeMap::new();
    timings.insert("map_s".to_string(), t_map);
    timings.insert("plots_s".to_string(), plots_s);
    timings.insert("replicates_s".to_string(), run_s);
    for o in &outputs {
        timings.insert(format!("replicate_{:03}_s", o.replicate), o.wall_s);
    }
    let manifest = Manifest {
        program: format!("sahelsim {VERSION}"),
        replicates: scenario.replicates,
        seed: scenario.seed,
        replicate_seeds: outputs.iter().map(|o| o.seed).collect(),
        files: ManifestFile::list(&scenario.sources),
        scenario: &scenario,
        timings,
    };
    out.write_manifest(&manifest)?;

    println!(
        "{}: {} to {}, {} replicates in {:.1} s",
        scenario.name,
        format_date(scenario.period.start),
        format_date(scenario.period.end),
        scenario.replicates,
        run_s
    );
    for iv in &scenario.interventions {
        println!(
            "intervention {}: {}",
            iv.name,
            run_report::intervention_text(&scenario, iv)
        );
    }
    print!("{}", summary_table(&agg));
    print!("{}", region_table(&agg));
    println!("wrote {}", out.target().display());
    Ok(())
}

/// The printed table of outcomes by admin-1 region (the report's "By region"): the regions
/// where anything happened, most events first, each outcome's mean and 90 % interval; then the
/// names of the quiet regions. Empty where the summary has no outcomes by region.
pub fn region_table(agg: &BTreeMap<String, Spread>) -> String {
    let (rows, quiet) = run_report::region_rows(agg);
    if rows.is_empty() && quiet.is_empty() {
        return String::new();
    }
    let mut header = vec!["region".to_string(), "country".to_string()];
    header.extend(
        run_report::REGION_OUTCOMES
            .iter()
            .map(|(_, label)| (*label).to_string()),
    );
    let grid: Vec<Vec<String>> = std::iter::once(header).chain(rows).collect();
    let mut s = String::from(
        "by region (admin-1), most events first: mean (90 % interval) across replicates\n",
    );
    s.push_str(&aligned(&grid));
    if !quiet.is_empty() {
        s.push_str(&format!(
            "    nothing happened in any replicate: {}\n",
            quiet.join(", ")
        ));
    }
    s
}

/// The printed table of key outcomes: mean and 90 % interval across replicates, with units.
pub fn summary_table(agg: &BTreeMap<String, Spread>) -> String {
    let rows = key_outcome_rows(agg);
    let width = rows
        .iter()
        .map(|r| r.label.chars().count())
        .chain(["outcome".len()])
        .max()
        .unwrap_or(0);
    let line = |label: &str, unit: &str, mean: &str, spread: &str| {
        format!("{label:<width$}  {unit:<20} {mean:>10}  {spread}\n")
    };
    let mut s = line("outcome", "unit", "mean", "90 % interval");
    for r in rows {
        s.push_str(&line(
            &r.label,
            r.unit,
            &number(r.spread.mean),
            &interval(r.spread.p05, r.spread.p95),
        ));
    }
    s
}
