//! `sahelsim compare BASE OTHER...`: run every scenario on the same seeds (common random
//! numbers) and report, for each against the first, the paired differences of the key outcomes
//! over the policy period with 95 % confidence intervals, in total and by area of operation or
//! admin-1 region (`--by`).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use serde::Serialize;

use super::CompareArgs;
use super::output::OutputDir;
use super::progress_bar;
use crate::experiment::compare::{
    self, Breakdown, DifferenceRow, events_by_cell, outcomes_by, run_all_keeping,
};
use crate::geo::SahelMap;
use crate::record::Column;
use crate::record::monthly::monthly;
use crate::record::outcome::{EVENTS, FATALITIES_CIVILIANS, SUSTAINED_PRESENCE_END};
use crate::record::writers::{ManifestFile, VERSION};
use crate::report::compare_report::{
    self, CompareData, KEY_DIFFERENCES, channel_splits, difference_cells, difference_with_interval,
    region_differences, region_table_header, region_table_rows, shown_by_group,
};
use crate::report::format::aligned;
use crate::scenario::{self, Scenario, format_date};
use crate::sim::rng::replicate_seed;

/// The manifest of a comparison.
#[derive(Serialize)]
struct CompareManifest<'a> {
    program: String,
    replicates: u32,
    seed: u64,
    replicate_seeds: Vec<u64>,
    policy_period: (String, String),
    mechanisms_switched_off: Vec<String>,
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

pub(super) fn run(args: &CompareArgs) -> anyhow::Result<()> {
    if let Some(ensemble) = &args.ensemble {
        return super::compare_ensemble::run(args, ensemble);
    }
    let mut loaded: Vec<(PathBuf, Scenario)> = Vec::new();
    for f in &args.files {
        let s = scenario::load(f)?;
        super::require_sahel(&s, "compare")?;
        loaded.push((f.clone(), s));
    }
    let Some((_, base)) = loaded.first() else {
        return Err(compare::CompareError::TooFew.into());
    };
    let replicates = compare::check_replicates(args.replicates.unwrap_or(base.replicates))?;
    let replicates = super::check_replicates(replicates)?;
    compare::check_comparable(&loaded)?;
    let seed = args.seed.unwrap_or(base.seed);
    let all: Vec<&Scenario> = loaded.iter().map(|(_, s)| s).collect();
    let from_date = compare::policy_start(&all, args.from.as_deref())?;
    let from = (from_date - base.period.start).whole_days() as u32;

    let mut ablate = args.ablate.clone();
    ablate.sort();
    ablate.dedup();
    let without: Vec<&str> = ablate.iter().map(|m| m.name()).collect();
    let out = OutputDir::create(
        args.out.clone().unwrap_or_else(|| {
            let mut name = format!("output/compare-{}", scenario::slug(&base.name));
            if !without.is_empty() {
                name.push_str(&format!("-without-{}", without.join("-")));
            }
            PathBuf::from(name)
        }),
        args.overwrite,
    )?;
    let scenarios: Vec<Arc<Scenario>> = loaded
        .iter()
        .map(|(_, s)| {
            let mut s = s.clone();
            s.seed = seed;
            s.replicates = replicates;
            for m in &ablate {
                m.switch_off(&mut s);
            }
            Arc::new(s)
        })
        .collect();
    let t0 = Instant::now();
    let map = Arc::new(SahelMap::build(&base.map, base.period.start.year()));
    let group_names: Vec<String> = base.groups.iter().map(|g| g.name.clone()).collect();
    let list = outcomes_by(&map, &group_names, &args.by);
    let bar = progress_bar(
        base.period.days() as u64 * replicates as u64 * scenarios.len() as u64,
        &format!(
            "comparing {} scenarios, {replicates} replicates",
            scenarios.len()
        ),
    );
    let pool = super::worker_pool(args.threads)?;
    let (values, kept) = pool.install(|| {
        run_all_keeping(&scenarios, &map, &list, from, replicates, Some(&bar), |o| {
            (
                monthly(&o.rows, &o.events, &base.period, &group_names),
                events_by_cell(&o.events, from),
            )
        })
    });
    let (months, cells): (Vec<Vec<_>>, Vec<Vec<_>>) = kept
        .into_iter()
        .map(|reps| reps.into_iter().unzip())
        .unzip();
    bar.finish_and_clear();
    let run_s = t0.elapsed().as_secs_f64();

    // Paired differences, scenario by scenario against the base.
    let column = |s: usize, o: usize| -> Vec<f64> { values[s].iter().map(|r| r[o]).collect() };
    let diffs = compare::differences(&list, &values);
    let names: Vec<&str> = scenarios.iter().map(|s| s.name.as_str()).collect();
    let rows: Vec<DifferenceRow> = diffs
        .iter()
        .map(|d| DifferenceRow::new(d, &names))
        .collect();
    out.write("compare.csv", compare::differences_csv(&rows).as_bytes())?;
    out.write_json(
        "compare.json",
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
                    "area": out.area, "region": out.region, "outcome": out.key(),
                    "replicates": column(s, o),
                })).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        }),
    )?;
    let switched_off: Vec<String> = ablate
        .iter()
        .map(|m| format!("{} ({})", m.name(), m.description()))
        .collect();
    let t_plots = Instant::now();
    let refs: Vec<&Scenario> = scenarios.iter().map(|s| s.as_ref()).collect();
    let figures = pool.install(|| {
        compare_report::figures(
            &refs,
            &diffs,
            &CompareData {
                map: &map,
                months: &months,
                cells: &cells,
                policy_start: fractional_year(from_date),
            },
            args.report.plots,
            args.report.report(),
        )
    })?;
    out.write_figures(&figures, args.report.plots)?;
    if args.report.report() {
        let (a, b) = (format_date(from_date), format_date(base.period.end));
        out.write_report(&compare_report::report(
            &refs,
            &diffs,
            (&a, &b),
            replicates,
            seed,
            &switched_off,
            &figures,
        ))?;
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
        mechanisms_switched_off: switched_off.clone(),
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
    out.write_manifest(&manifest)?;

    println!(
        "compared with {}: {} to {}, {replicates} paired replicates (common random numbers, seed {seed}), in {run_s:.0} s",
        base.name,
        format_date(from_date),
        format_date(base.period.end)
    );
    for m in &switched_off {
        println!("switched off in every scenario: {m}");
    }
    for (i, sc) in scenarios.iter().enumerate().skip(1) {
        print!("{}", table(sc, &rows, &list));
        for split in channel_splits(&diffs, i).iter().filter(|c| c.moved()) {
            println!("  channels: {}", split.sentence());
        }
        if args.by.contains(&Breakdown::Region) {
            print!("{}", region_table(&diffs, i));
        }
    }
    let places = match (
        args.by.contains(&Breakdown::Area),
        args.by.contains(&Breakdown::Region),
    ) {
        (true, true) => "by area of operation and by region",
        (false, true) => "by region",
        _ => "by area of operation",
    };
    println!(
        "* the 95 % interval of the paired difference excludes 0. Every outcome {places}, and fighters and revenue by group: {}",
        out.target().join("compare.csv").display()
    );
    println!("wrote {}", out.target().display());
    Ok(())
}

/// The printed table of one scenario against the base.
fn table(sc: &Scenario, rows: &[DifferenceRow], list: &[Column]) -> String {
    let mut out = format!("\n{}", sc.name);
    if !sc.interventions.is_empty() {
        let kinds: Vec<String> = sc.interventions.iter().map(|iv| iv.when()).collect();
        out.push_str(&format!(" ({})", kinds.join("; ")));
    }
    out.push('\n');
    out.push_str(&format!(
        "  {:<66} {:>11} {:>11} {:>11} {:>25} {:>9}\n",
        "outcome (whole study area), unit",
        "base",
        "scenario",
        "difference",
        "95 % interval",
        "change"
    ));
    let mine = |key: &str, area: &str| {
        rows.iter().find(|r| {
            r.scenario == sc.name && r.outcome == key && r.area == area && r.region.is_none()
        })
    };
    let line = |r: &DifferenceRow| {
        let [label, base, mean, diff, interval, change] =
            difference_cells(&r.label, r.unit, &r.paired);
        format!(
            "  {label:<66} {base:>11} {mean:>11} {diff:>11} {interval:>25} {change:>9}{}\n",
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
    for o in list.iter().filter(|o| o.area == "all" && shown_by_group(o)) {
        if let Some(r) = mine(&o.key(), "all")
            && (r.paired.base_mean != 0.0 || r.paired.mean != 0.0)
        {
            out.push_str(&line(r));
        }
    }
    let by_area = [EVENTS, FATALITIES_CIVILIANS, SUSTAINED_PRESENCE_END];
    let mut areas: Vec<&str> = list
        .iter()
        .filter(|o| o.region.is_none())
        .map(|o| o.area.as_str())
        .collect();
    areas.dedup();
    if areas.iter().all(|a| *a == "all") {
        return out;
    }
    out.push_str("  by area of operation: difference and 95 % interval (* excludes 0)\n");
    let mut grid: Vec<Vec<String>> = vec![
        std::iter::once("area".to_string())
            .chain(by_area.iter().map(|o| format!("{} ({})", o.label, o.unit)))
            .collect(),
    ];
    for area in areas.into_iter().filter(|a| *a != "all") {
        let cell = |key: &str| difference_with_interval(mine(key, area).map(|r| &r.paired));
        grid.push(
            std::iter::once(area.to_string())
                .chain(by_area.iter().map(|o| cell(o.key)))
                .collect(),
        );
    }
    out.push_str(&aligned(&grid));
    out
}

/// The printed table of one scenario (index among all, the base being 0) against the base by
/// region: regions with the most events in the base first, those where nothing happened in
/// either scenario named on one line.
fn region_table(diffs: &[compare::Difference], scenario: usize) -> String {
    let (regions, quiet) = region_differences(diffs, scenario);
    let mut out = String::from(
        "  by region (admin-1), most events in the base first: difference and 95 % interval (* excludes 0)\n",
    );
    let (rows, _) = region_table_rows(&regions);
    let grid: Vec<Vec<String>> = std::iter::once(region_table_header()).chain(rows).collect();
    out.push_str(&aligned(&grid));
    if !quiet.is_empty() {
        out.push_str(&format!(
            "    no events, civilian deaths or displaced people in either scenario: {}\n",
            quiet.join(", ")
        ));
    }
    out
}

/// A day as a fractional year (2019-07-02 → about 2019.5), for the time axes of plots.
fn fractional_year(d: time::Date) -> f64 {
    let days = time::util::days_in_year(d.year()) as f64;
    d.year() as f64 + (d.ordinal() as f64 - 1.0) / days
}
