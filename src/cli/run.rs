//! `sahelsim run FILE`: run a scenario's replicates and write the event log, time series,
//! summary and manifest.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use super::RunArgs;
use super::output::OutputDir;
use indicatif::ProgressBar;

use crate::experiment::engine::run_in_order;
use crate::experiment::run_replicate;
use crate::geo::SahelMap;
use crate::record::atomic::AtomicFile;
use crate::record::writers::{EventRows, Manifest, ManifestFile, SeriesRows, SummaryFile, VERSION};
use crate::record::{Spread, SummaryTable};
use crate::report::format::{aligned, interval, number};
use crate::report::run_report::{self, RunDigest, key_outcome_rows};
use crate::scenario::{Scenario, format_date};

/// Runs a Sahel scenario (loaded, with `--replicates` and `--seed` applied) into `out`.
pub(super) fn run(args: &RunArgs, scenario: Scenario, out: &OutputDir) -> anyhow::Result<()> {
    let pool = super::worker_pool(args.threads)?;
    let t0 = Instant::now();
    let scenario = Arc::new(scenario);
    let map =
        Arc::new(pool.install(|| SahelMap::build(&scenario.map, scenario.period.start.year())));
    let t_map = t0.elapsed().as_secs_f64();

    let days = scenario.period.days() as u64;
    let bar = super::progress_bar(
        days * scenario.replicates as u64,
        &format!("{}: {} replicates", scenario.name, scenario.replicates),
    );
    let t_run = Instant::now();
    let events_name = if args.events_gzip {
        "events.csv.gz"
    } else {
        "events.csv"
    };
    let dir = out.path();
    let streamed = pool
        .install(|| stream_replicates(&scenario, &map, dir, events_name, &bar))
        .map_err(|(name, e)| out.failed(name, e))?;
    bar.finish_and_clear();
    let run_s = t_run.elapsed().as_secs_f64();
    let Streamed {
        summaries,
        wall_s,
        digest,
    } = streamed;
    let agg = summaries
        .aggregate()
        .map_err(|e| out.failed("summary.json", e))?;
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
    let figures =
        pool.install(|| run_report::figures(digest, args.report.plots, args.report.report()))?;
    pool.install(|| out.write_figures(&figures, args.report.plots))?;
    if args.report.report() {
        out.write_report(&run_report::report(&scenario, &agg, &figures))?;
    }
    let plots_s = t_plots.elapsed().as_secs_f64();
    let mut timings = BTreeMap::new();
    timings.insert("map_s".to_string(), t_map);
    timings.insert("plots_s".to_string(), plots_s);
    timings.insert("replicates_s".to_string(), run_s);
    for (r, w) in wall_s.iter().enumerate() {
        timings.insert(format!("replicate_{r:03}_s"), *w);
    }
    let manifest = Manifest {
        program: format!("sahelsim {VERSION}"),
        replicates: scenario.replicates,
        seed: scenario.seed,
        replicate_seeds: summaries.seeds(),
        files: ManifestFile::list(&scenario.sources),
        scenario: &scenario,
        timings,
    };
    pool.install(|| out.write_manifest(&manifest))?;

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

/// What the pictures' data is called in an error.
const PICTURES: &str = "the pictures' data";

/// What a run keeps of its replicates once they are written: in memory, small things only
/// (16 bytes a replicate: its seed and time); the replicates' outcomes and months are kept on
/// disk, in unnamed temporary files in the output folder.
struct Streamed<'a> {
    /// Each replicate's outcomes (and seed), in replicate order.
    summaries: SummaryTable,
    /// Each replicate's wall-clock seconds.
    wall_s: Vec<f64>,
    /// What the pictures need.
    digest: RunDigest<'a>,
}

/// Runs `scenario`'s replicates on the current pool and hands each to the files as it
/// finishes, in replicate order (one that finishes early waits for its turn, at most two per
/// worker: [`run_in_order`]): its events to
/// `events_name` (where the scenario writes events), its rows to `timeseries.csv`, its
/// months, cell maps and attribution counts to the pictures' digest; then drops it. Memory
/// holds the replicates running and those waiting for their turn, not the whole run: the
/// summaries and months go to temporary files in `dir`, read back a column block at a time
/// for their exact intervals. Both
/// files (in folder `dir`) are moved into place only once every replicate is in; an error
/// leaves neither, and says which file it was writing.
fn stream_replicates<'a>(
    scenario: &'a Arc<Scenario>,
    map: &'a Arc<SahelMap>,
    dir: &Path,
    events_name: &'static str,
    bar: &ProgressBar,
) -> Result<Streamed<'a>, (&'static str, std::io::Error)> {
    let replicates = scenario.replicates;
    let open = |name: &'static str| AtomicFile::create(&dir.join(name)).map_err(|e| (name, e));
    let mut events = match scenario.output.events {
        true => Some(EventRows::new(
            open(events_name)?,
            events_name.ends_with(".gz"),
            scenario,
            map,
        )),
        false => None,
    };
    let mut series = SeriesRows::new(open("timeseries.csv")?);
    let mut kept = Streamed {
        summaries: SummaryTable::on_disk(dir).map_err(|e| ("summary.json", e))?,
        wall_s: Vec::with_capacity(replicates as usize),
        digest: RunDigest::on_disk(scenario, map, replicates, dir).map_err(|e| (PICTURES, e))?,
    };
    let jobs: Vec<u32> = (0..replicates).collect();
    // Replicates finished early wait for their turn whole (events, rows, cell maps: about
    // 7 MB each for 2017-2025): at most two per worker.
    let ahead = 2 * rayon::current_num_threads();
    run_in_order(
        &jobs,
        ahead,
        |&r| run_replicate(scenario, map, r, Some(bar)),
        |_, o| -> Result<(), (&'static str, std::io::Error)> {
            if let Some(w) = &mut events {
                w.add(o.replicate, &o.events)
                    .map_err(|e| (events_name, e))?;
            }
            series.add(&o.rows).map_err(|e| ("timeseries.csv", e))?;
            kept.digest.add(&o).map_err(|e| (PICTURES, e))?;
            kept.wall_s.push(o.wall_s);
            kept.summaries
                .push(o.summary)
                .map_err(|e| ("summary.json", e))?;
            Ok(())
        },
    )?;
    if let Some(w) = events {
        w.finish()
            .and_then(AtomicFile::commit)
            .map_err(|e| (events_name, e))?;
    }
    series
        .finish()
        .and_then(AtomicFile::commit)
        .map_err(|e| ("timeseries.csv", e))?;
    Ok(kept)
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
