//! `sahelsim compare BASE OTHER...`: run every scenario on the same seeds (common random
//! numbers) and report, for each against the first, the paired differences of the key outcomes
//! over the policy period with 95 % confidence intervals, in total and by area of operation.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use serde::Serialize;

use super::CliError;
use super::run::progress_bar;
use crate::experiment::compare::{Paired, outcomes, paired, run_all_keeping};
use crate::geo::SahelMap;
use crate::record::Column;
use crate::record::atomic::write_atomic;
use crate::record::monthly::monthly;
use crate::record::outcome::{EVENTS, FATALITIES_CIVILIANS, SUSTAINED_PRESENCE_END};
use crate::record::writers::{ManifestFile, VERSION, write_json};
use crate::report::compare_report::{self, Difference, KEY_DIFFERENCES, difference_cells, signed};
use crate::report::{ReportOptions, write_figures};
use crate::scenario::{self, Scenario, format_date};
use crate::sim::rng::replicate_seed;

/// Options of `compare`.
pub struct CompareOptions {
    /// Replicates per scenario (default: the base scenario's).
    pub replicates: Option<u32>,
    /// Master seed of every scenario (default: the base scenario's).
    pub seed: Option<u64>,
    /// First day of the policy period (default: the earliest intervention start).
    pub from: Option<String>,
    /// Output folder (default: output/compare-BASE).
    pub out: Option<PathBuf>,
    /// Worker threads.
    pub threads: Option<usize>,
    /// Plot formats and whether to write report.html.
    pub report: ReportOptions,
}

/// One row of `compare.csv` / `compare.json`.
#[derive(Debug, Serialize)]
struct Row<'a> {
    scenario: &'a str,
    area: &'a str,
    outcome: String,
    label: String,
    unit: &'a str,
    #[serde(flatten)]
    paired: Paired,
    significant: bool,
}

/// The manifest of a comparison.
#[derive(Serialize)]
struct CompareManifest<'a> {
    program: String,
    replicates: u32,
    seed: u64,
    replicate_seeds: Vec<u64>,
    policy_period: (String, String),
    scenarios: Vec<ScenarioRecord<'a>>,
    timings: BTreeMap<String, f64>,
}

#[derive(Serialize)]
struct ScenarioRecord<'a> {
    name: &'a str,
    file: String,
    files: Vec<ManifestFile<'a>>,
    interventions: &'a [scenario::interventions::Intervention],
}

pub(super) fn run(files: &[PathBuf], opts: CompareOptions) -> Result<(), CliError> {
    if files.len() < 2 {
        return Err(CliError(
            "compare needs a base scenario and at least one other: sahelsim compare BASE.ron OTHER.ron ..."
                .to_string(),
        ));
    }
    let mut loaded: Vec<(PathBuf, Scenario)> = Vec::new();
    for f in files {
        let s = scenario::load(f)?;
        super::reference::require_sahel(&s, "compare")?;
        loaded.push((f.clone(), s));
    }
    let base = &loaded[0].1;
    let replicates = opts.replicates.unwrap_or(base.replicates);
    if replicates < 2 {
        return Err(CliError(
            "--replicates must be at least 2 for confidence intervals".to_string(),
        ));
    }
    let seed = opts.seed.unwrap_or(base.seed);
    for (path, s) in &loaded[1..] {
        if s.period.start != base.period.start || s.period.end != base.period.end {
            return Err(CliError(format!(
                "{}: its period {} to {} differs from the base's {} to {}; paired comparisons need the same period (extend the base and change only the interventions)",
                path.display(),
                format_date(s.period.start),
                format_date(s.period.end),
                format_date(base.period.start),
                format_date(base.period.end)
            )));
        }
        if s.map != base.map {
            return Err(CliError(format!(
                "{}: its map settings differ from the base's; paired comparisons need the same map",
                path.display()
            )));
        }
        let names = |s: &Scenario| s.groups.iter().map(|g| g.name.clone()).collect::<Vec<_>>();
        if names(s) != names(base) {
            return Err(CliError(format!(
                "{}: its groups ({}) differ from the base's ({})",
                path.display(),
                names(s).join(", "),
                names(base).join(", ")
            )));
        }
    }
    let from_date = match &opts.from {
        Some(text) => scenario::parse_date(text).map_err(|_| {
            CliError(format!(
                "--from {text}: not a date; expected an ISO date \"YYYY-MM-DD\", e.g. \"2021-01-01\""
            ))
        })?,
        None => loaded
            .iter()
            .flat_map(|(_, s)| s.interventions.iter().map(|iv| iv.start))
            .min()
            .unwrap_or(base.period.start),
    };
    if from_date < base.period.start || from_date > base.period.end {
        return Err(CliError(format!(
            "the policy period's start {} lies outside the scenarios' period {} to {}",
            format_date(from_date),
            format_date(base.period.start),
            format_date(base.period.end)
        )));
    }
    let from = (from_date - base.period.start).whole_days() as u32;

    let dir = opts
        .out
        .unwrap_or_else(|| PathBuf::from(format!("output/compare-{}", scenario::slug(&base.name))));
    super::create_output_dir(&dir)?;
    let scenarios: Vec<Arc<Scenario>> = loaded
        .iter()
        .map(|(_, s)| {
            let mut s = s.clone();
            s.seed = seed;
            s.replicates = replicates;
            Arc::new(s)
        })
        .collect();
    let t0 = Instant::now();
    let map = Arc::new(SahelMap::build(&base.map, base.period.start.year()));
    let group_names: Vec<String> = base.groups.iter().map(|g| g.name.clone()).collect();
    let list = outcomes(&map, &group_names);
    let bar = progress_bar(
        base.period.days() as u64 * replicates as u64 * scenarios.len() as u64,
        &format!(
            "comparing {} scenarios, {replicates} replicates",
            scenarios.len()
        ),
    );
    let pool = super::worker_pool(opts.threads)?;
    let (values, months) = pool.install(|| {
        run_all_keeping(&scenarios, &map, &list, from, replicates, Some(&bar), |o| {
            monthly(&o.rows, &o.events, &base.period, &group_names)
        })
    });
    bar.finish_and_clear();
    let run_s = t0.elapsed().as_secs_f64();

    // Paired differences, scenario by scenario against the base.
    let column = |s: usize, o: usize| -> Vec<f64> { values[s].iter().map(|r| r[o]).collect() };
    let mut rows: Vec<Row> = Vec::new();
    let mut diffs: Vec<Difference> = Vec::new();
    for (s, sc) in scenarios.iter().enumerate().skip(1) {
        for (o, outcome) in list.iter().enumerate() {
            let p = paired(&column(0, o), &column(s, o));
            diffs.push(Difference {
                scenario: s,
                outcome,
                paired: p,
            });
            rows.push(Row {
                scenario: &sc.name,
                area: &outcome.area,
                outcome: outcome.key(),
                label: outcome.label(),
                unit: outcome.unit(),
                paired: p,
                significant: p.significant(),
            });
        }
    }
    let fail = |what: &str, e: std::io::Error| {
        CliError(format!("writing {what} in {}: {e}", dir.display()))
    };
    write_atomic(&dir.join("compare.csv"), csv(&rows).as_bytes())
        .map_err(|e| fail("compare.csv", e))?;
    write_json(
        &dir.join("compare.json"),
        &serde_json::json!({
            "version": VERSION,
            "base": base.name,
            "policy_period": [format_date(from_date), format_date(base.period.end)],
            "replicates": replicates,
            "seed": seed,
            "differences": rows,
            "values": scenarios.iter().enumerate().map(|(s, sc)| serde_json::json!({
                "scenario": sc.name,
                "outcomes": list.iter().enumerate().map(|(o, out)| serde_json::json!({
                    "area": out.area, "outcome": out.key(), "replicates": column(s, o),
                })).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        }),
    )
    .map_err(|e| fail("compare.json", e))?;
    let t_plots = Instant::now();
    let refs: Vec<&Scenario> = scenarios.iter().map(|s| s.as_ref()).collect();
    let figures = compare_report::figures(
        &refs,
        &diffs,
        &months,
        opts.report.plots,
        opts.report.report(),
    )
    .map_err(CliError)?;
    write_figures(&figures, &dir, opts.report.plots).map_err(CliError)?;
    if opts.report.report() {
        let (a, b) = (format_date(from_date), format_date(base.period.end));
        compare_report::report(&refs, &diffs, (&a, &b), replicates, seed, &figures)
            .write_atomic(&dir.join("report.html"))
            .map_err(|e| fail("report.html", e))?;
    }
    let mut timings = BTreeMap::new();
    timings.insert("total_s".to_string(), run_s);
    timings.insert("plots_s".to_string(), t_plots.elapsed().as_secs_f64());
    let manifest = CompareManifest {
        program: format!("sahelsim {VERSION}"),
        replicates,
        seed,
        replicate_seeds: (0..replicates).map(|r| replicate_seed(seed, r)).collect(),
        policy_period: (format_date(from_date), format_date(base.period.end)),
        scenarios: scenarios
            .iter()
            .zip(&loaded)
            .map(|(sc, (path, _))| ScenarioRecord {
                name: &sc.name,
                file: path.display().to_string(),
                files: ManifestFile::list(&sc.sources),
                interventions: &sc.interventions,
            })
            .collect(),
        timings,
    };
    write_json(&dir.join("manifest.json"), &manifest).map_err(|e| fail("manifest.json", e))?;

    println!(
        "compared with {}: {} to {}, {replicates} paired replicates (common random numbers, seed {seed}), in {run_s:.0} s",
        base.name,
        format_date(from_date),
        format_date(base.period.end)
    );
    for sc in scenarios.iter().skip(1) {
        print!("{}", table(sc, &rows, &list));
    }
    println!(
        "* the 95 % interval of the paired difference excludes 0. Every outcome by area of operation, and fighters and revenue by group: {}",
        dir.join("compare.csv").display()
    );
    println!("wrote {}", dir.display());
    Ok(())
}

/// The CSV of every paired difference.
fn csv(rows: &[Row]) -> String {
    let mut s = String::from(
        "scenario,area,outcome,unit,base_mean,scenario_mean,difference,ci95_low,ci95_high,relative_change,significant\n",
    );
    for r in rows {
        let p = &r.paired;
        s.push_str(&format!(
            "{},{},{},{},{:.6},{:.6},{:.6},{:.6},{:.6},{:.6},{}\n",
            csv_field(r.scenario),
            r.area,
            csv_field(&r.outcome),
            r.unit,
            p.base_mean,
            p.mean,
            p.diff,
            p.lo,
            p.hi,
            p.relative,
            r.significant
        ));
    }
    s
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The printed table of one scenario against the base.
fn table(sc: &Scenario, rows: &[Row], list: &[Column]) -> String {
    let mut out = format!("\n{}", sc.name);
    if !sc.interventions.is_empty() {
        let kinds: Vec<String> = sc.interventions.iter().map(|iv| iv.when()).collect();
        out.push_str(&format!(" ({})", kinds.join("; ")));
    }
    out.push('\n');
    out.push_str(&format!(
        "  {:<66} {:>11} {:>11} {:>11} {:>25} {:>8}\n",
        "outcome (whole study area)", "base", "scenario", "difference", "95 % interval", "change"
    ));
    let mine = |key: &str, area: &str| {
        rows.iter()
            .find(|r| r.scenario == sc.name && r.outcome == key && r.area == area)
    };
    let line = |r: &Row| {
        let [label, base, mean, diff, interval, change] =
            difference_cells(&r.label, r.unit, &r.paired);
        format!(
            "  {label:<66} {base:>11} {mean:>11} {diff:>11} {interval:>25} {change:>8}{}\n",
            if r.significant { " *" } else { "" }
        )
    };
    for key in KEY_DIFFERENCES {
        if let Some(r) = mine(key.key, "all")
            && (r.paired.base_mean != 0.0 || r.paired.mean != 0.0)
        {
            out.push_str(&line(r));
        }
    }
    for o in list.iter().filter(|o| o.area == "all" && o.group.is_some()) {
        if let Some(r) = mine(&o.key(), "all")
            && (r.paired.base_mean != 0.0 || r.paired.mean != 0.0)
        {
            out.push_str(&line(r));
        }
    }
    out.push_str("  by area of operation: events / civilian fatalities / sustained presence, difference and 95 % interval\n");
    let mut areas: Vec<&str> = list.iter().map(|o| o.area.as_str()).collect();
    areas.dedup();
    for area in areas.into_iter().filter(|a| *a != "all") {
        let cell = |key: &str| {
            mine(key, area)
                .map(|r| {
                    format!(
                        "{} [{}, {}]{}",
                        signed(r.paired.diff),
                        signed(r.paired.lo),
                        signed(r.paired.hi),
                        if r.significant { "*" } else { "" }
                    )
                })
                .unwrap_or_default()
        };
        out.push_str(&format!(
            "    {:<10} {:<32} {:<32} {}\n",
            area,
            cell(EVENTS.key),
            cell(FATALITIES_CIVILIANS.key),
            cell(SUSTAINED_PRESENCE_END.key)
        ));
    }
    out
}
