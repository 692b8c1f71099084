//! `sahelsim compare --ensemble FILE BASE OTHER...`: run every scenario in every member of an
//! ensemble of plausible parameter sets × replicates, under common random numbers, and report
//! each effect over the ensemble: its mean with a 95 % interval, the 90 % interval over worlds
//! and runs, the share of worlds where it falls and where it rises, and, where its sign
//! changes across worlds, the parameter region where it rises (PRIM).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use serde::Serialize;

use super::CompareArgs;
use super::output::OutputDir;
use super::progress_bar;
use crate::experiment::compare::{self, measure, outcomes_by};
use crate::experiment::discovery::{PrimBox, SIGNIFICANT, prim};
use crate::experiment::engine::run_all;
use crate::experiment::ensemble::Ensemble;
use crate::experiment::robustness::{EnsembleEffect, effect, member_means};
use crate::experiment::{Branches, run_forked};
use crate::geo::SahelMap;
use crate::record::Column;
use crate::record::outcome::{EVENTS, FATALITIES_CIVILIANS, Outcome};
use crate::record::writers::{ManifestFile, VERSION};
use crate::report::compare_plot::{Estimate, ForestPlot};
use crate::report::compare_report::KEY_DIFFERENCES;
use crate::report::figure::render;
use crate::report::format::{aligned, number, percent, signed, signed_interval};
use crate::report::html::Report;
use crate::scenario::{self, Scenario, Source, format_date};
use crate::sim::rng::replicate_seed;

/// Replicates per member and scenario when `--replicates` is not given.
const DEFAULT_REPLICATES: u32 = 4;

/// The outcomes searched for the region where they rise (scenario discovery).
const DISCOVERED: [Outcome; 2] = [FATALITIES_CIVILIANS, EVENTS];

/// Least share of worlds on each side of 0 for an effect to count as changing sign.
const SIGN_CHANGE: f64 = 0.1;

/// Least share of the spread between worlds beyond run-to-run noise for a parameter region to
/// be sought: below it, which worlds lie on which side of 0 is mostly noise.
const BEYOND_NOISE: f64 = 0.25;

/// One row of `ensemble.csv` / `ensemble.json`.
#[derive(Debug, Clone, Serialize)]
struct EffectRow {
    scenario: String,
    area: String,
    region: Option<String>,
    outcome: String,
    label: String,
    unit: &'static str,
    #[serde(flatten)]
    effect: EnsembleEffect,
}

/// Where an effect rises, found by PRIM over the members.
#[derive(Debug, Clone, Serialize)]
struct Backfire {
    scenario: String,
    outcome: String,
    label: String,
    worlds_higher: usize,
    members: usize,
    /// The box, if PRIM found one denser than all worlds.
    region: Option<PrimBox>,
    /// The box in words.
    words: String,
    /// Share of the spread between worlds that is more than run-to-run noise.
    parameter_share: f64,
    /// The region's quasi-p-value.
    quasi_p: Option<f64>,
}

pub(super) fn run(args: &CompareArgs, ensemble_path: &Path) -> anyhow::Result<()> {
    let t0 = Instant::now();
    let mut loaded: Vec<(PathBuf, Scenario, Source)> = Vec::new();
    for f in &args.files {
        let s = scenario::load(f)?;
        super::require_sahel(&s, "compare")?;
        loaded.push((f.clone(), s, Source::read(f)?));
    }
    let pairs: Vec<(PathBuf, Scenario)> = loaded
        .iter()
        .map(|(p, s, _)| (p.clone(), s.clone()))
        .collect();
    compare::check_comparable(&pairs)?;
    let base = &loaded[0].1;
    let replicates = compare::check_replicates(args.replicates.unwrap_or(DEFAULT_REPLICATES))?;
    let seed = args.seed.unwrap_or(base.seed);
    let all: Vec<&Scenario> = loaded.iter().map(|(_, s, _)| s).collect();
    let from_date = compare::policy_start(&all, args.from.as_deref())?;
    let from = (from_date - base.period.start).whole_days() as u32;
    let mut ensemble = Ensemble::load(ensemble_path)?;
    ensemble.take(args.members.map(|n| n as usize));
    let members = ensemble.file.members.len();
    if members < 2 {
        anyhow::bail!(
            "{}: {members} member; an ensemble comparison needs at least 2",
            ensemble_path.display()
        );
    }
    let mut ablate = args.ablate.clone();
    ablate.sort();
    ablate.dedup();
    // scenarios[s][m]: scenario s in member m, every one validated before any run.
    let mut scenarios: Vec<Vec<Arc<Scenario>>> = Vec::new();
    for (_, _, source) in &loaded {
        let parameters = ensemble.parameters(source)?;
        let mut row = Vec::with_capacity(members);
        for m in 0..members {
            let mut s = ensemble.scenario(source, &parameters, m)?;
            s.seed = seed;
            s.replicates = replicates;
            for a in &ablate {
                a.switch_off(&mut s);
            }
            row.push(Arc::new(s));
        }
        scenarios.push(row);
    }
    let names: Vec<String> = scenarios.iter().map(|row| row[0].name.clone()).collect();
    let without: Vec<&str> = ablate.iter().map(|m| m.name()).collect();
    let out = OutputDir::create(
        args.out.clone().unwrap_or_else(|| {
            let mut name = format!("output/compare-{}-ensemble", scenario::slug(&base.name));
            if !without.is_empty() {
                name.push_str(&format!("-without-{}", without.join("-")));
            }
            PathBuf::from(name)
        }),
        args.overwrite,
    )?;

    let map = Arc::new(SahelMap::build(&base.map, base.period.start.year()));
    let group_names: Vec<String> = base.groups.iter().map(|g| g.name.clone()).collect();
    let list = outcomes_by(&map, &group_names, &args.by);
    let n_s = scenarios.len();
    let r = replicates as usize;
    // One job per member × replicate: its scenarios share the world until their
    // interventions start and part there (`run_forked`).
    let jobs: Vec<(usize, u32)> = (0..members)
        .flat_map(|m| (0..replicates).map(move |rep| (m, rep)))
        .collect();
    let bar = progress_bar(
        base.period.days() as u64 * (jobs.len() * n_s) as u64,
        &format!("{n_s} scenarios in {members} worlds, {replicates} replicates"),
    );
    let pool = super::worker_pool(args.threads)?;
    let flat = pool.install(|| {
        let branches = Branches::for_jobs(jobs.len());
        run_all(&jobs, |&(m, rep)| {
            let row: Vec<Arc<Scenario>> = scenarios.iter().map(|s| s[m].clone()).collect();
            run_forked(&row, &map, rep, Some(&bar), branches, |i, o| {
                measure(&o.observed(&row[i], &map), &list, from)
            })
        })
    });
    bar.finish_and_clear();
    let run_s = t0.elapsed().as_secs_f64();
    // values[s][m][r][o]
    let mut values: Vec<Vec<Vec<Vec<f64>>>> = vec![vec![Vec::with_capacity(r); members]; n_s];
    for (&(m, _), per_scenario) in jobs.iter().zip(flat) {
        for (s, v) in per_scenario.into_iter().enumerate() {
            values[s][m].push(v);
        }
    }
    let column = |s: usize, o: usize| -> Vec<Vec<f64>> {
        values[s]
            .iter()
            .map(|reps| reps.iter().map(|v| v[o]).collect())
            .collect()
    };
    let mut rows: Vec<EffectRow> = Vec::new();
    for (s, name) in names.iter().enumerate().skip(1) {
        for (o, c) in list.iter().enumerate() {
            rows.push(EffectRow {
                scenario: name.clone(),
                area: c.area.clone(),
                region: c.region.clone(),
                outcome: c.key(),
                label: c.label(),
                unit: c.unit(),
                effect: effect(&column(0, o), &column(s, o)),
            });
        }
    }
    let parameter_names: Vec<String> = ensemble.file.parameters.clone();
    let x: Vec<Vec<f64>> = ensemble
        .file
        .members
        .iter()
        .map(|m| m.values.clone())
        .collect();
    let whole = |key: &str| {
        list.iter()
            .position(|c| c.area == "all" && c.group.is_none() && c.outcome.key == key)
    };
    let mut backfires: Vec<Backfire> = Vec::new();
    for (s, name) in names.iter().enumerate().skip(1) {
        for outcome in DISCOVERED {
            let Some(o) = whole(outcome.key) else {
                continue;
            };
            let means = member_means(&column(0, o), &column(s, o));
            let y: Vec<bool> = means.iter().map(|d| *d > 0.0).collect();
            let higher = y.iter().filter(|b| **b).count();
            let share = higher as f64 / members as f64;
            if !(SIGN_CHANGE..=1.0 - SIGN_CHANGE).contains(&share) {
                continue;
            }
            let parameter_share = effect(&column(0, o), &column(s, o)).parameter_share;
            let region = (parameter_share >= BEYOND_NOISE)
                .then(|| prim(&x, &y, 0.05, (members / 10).max(3)))
                .flatten()
                .filter(|b| b.quasi_p() < SIGNIFICANT);
            let words = region
                .as_ref()
                .map(|b| b.describe(&parameter_names, number))
                .unwrap_or_default();
            let quasi_p = region.as_ref().map(PrimBox::quasi_p);
            backfires.push(Backfire {
                scenario: name.clone(),
                outcome: outcome.key.to_string(),
                label: outcome.label.to_string(),
                worlds_higher: higher,
                members,
                region,
                words,
                parameter_share,
                quasi_p,
            });
        }
    }

    // Files.
    out.write("ensemble.csv", effects_csv(&rows).as_bytes())?;
    out.write(
        "members.csv",
        members_csv(&ensemble, &names, &list, &values).as_bytes(),
    )?;
    out.write_json(
        "ensemble.json",
        &serde_json::json!({
            "version": VERSION,
            "base": base.name,
            "ensemble": ensemble_path.display().to_string(),
            "members": members,
            "replicates": replicates,
            "seed": seed,
            "policy_period": [format_date(from_date), format_date(base.period.end)],
            "parameters": parameter_names,
            "effects": rows,
            "sign_changes": backfires,
        }),
    )?;
    let switched_off: Vec<String> = ablate
        .iter()
        .map(|m| format!("{} ({})", m.name(), m.description()))
        .collect();
    let key_rows = |s: &str| -> Vec<&EffectRow> {
        KEY_DIFFERENCES
            .iter()
            .filter_map(|k| {
                rows.iter().find(|r| {
                    r.scenario == s && r.outcome == k.key && r.area == "all" && r.region.is_none()
                })
            })
            .filter(|r| r.effect.base_mean != 0.0 || r.effect.scenario_mean != 0.0)
            .collect()
    };
    // The key outcomes with an estimate for at least one scenario (not those whose base
    // mean is 0, such as fighters reintegrated).
    let drawn: Vec<(&Outcome, Vec<Option<Estimate>>)> = KEY_DIFFERENCES
        .iter()
        .map(|k| {
            let row: Vec<Option<Estimate>> = names[1..]
                .iter()
                .map(|s| {
                    key_rows(s)
                        .into_iter()
                        .find(|r| r.outcome == k.key)
                        .filter(|r| r.effect.base_mean != 0.0)
                        .map(|r| {
                            let e = &r.effect;
                            Estimate {
                                change: 100.0 * e.relative(e.difference),
                                lo: 100.0 * e.relative(e.p05),
                                hi: 100.0 * e.relative(e.p95),
                            }
                        })
                })
                .collect();
            (k, row)
        })
        .filter(|(_, row)| row.iter().any(Option::is_some))
        .collect();
    let forest = ForestPlot {
        title: format!(
            "Effects over {members} plausible worlds × {replicates} replicates (90 % of worlds and runs)"
        ),
        outcomes: drawn
            .iter()
            .map(|(k, _)| format!("{} ({})", k.label, k.unit))
            .collect(),
        scenarios: names[1..].to_vec(),
        estimates: drawn.into_iter().map(|(_, row)| row).collect(),
        interval: "90 % of the paired differences over worlds and runs".to_string(),
    };
    let want_report = args.report.report();
    let figure = if args.report.plots != crate::report::PlotFormat::None || want_report {
        Some(render(
            &forest,
            "ensemble_forest",
            &format!(
                "Each scenario's mean paired difference from {} over the ensemble, as a percentage of the base mean, with the interval holding 90 % of the paired differences over {members} worlds × {replicates} replicates (parameter and run-to-run uncertainty together). A filled dot: that interval excludes 0.",
                names[0]
            ),
            args.report.plots,
            want_report,
        )?)
    } else {
        None
    };
    if let Some(f) = &figure {
        out.write_figures(std::slice::from_ref(f), args.report.plots)?;
    }
    if want_report {
        let mut rep = Report::new(&format!(
            "Policy comparison over an ensemble of plausible worlds, against {}",
            names[0]
        ));
        rep.kicker("sahelsim compare --ensemble");
        rep.lede(&format!(
            "{} scenario(s) compared with {} over {} to {}, in each of {members} parameter sets that the calibration targets do not rule out ({}), on {replicates} paired replicates each (common random numbers, seed {seed}).",
            n_s - 1,
            names[0],
            format_date(from_date),
            format_date(base.period.end),
            ensemble_path.display()
        ));
        rep.footer(&format!(
            "Produced by sahelsim {VERSION}. ensemble.csv holds every outcome's effect over the ensemble; members.csv each member's parameters and mean effects; manifest.json every input."
        ));
        rep.section("How to read it");
        rep.paragraph(&format!(
            "Each member of the ensemble is one world consistent with the data: a parameter set that history matching did not rule out ({}). Every scenario runs in every world on the same seeds, so each effect carries two uncertainties: which world is the real one, and how one realisation of it unfolds. The tables give the mean effect over all worlds and runs with its 95 % confidence interval, the interval holding 90 % of the individual paired differences (both uncertainties), and the share of worlds whose mean effect is below 0. The last column says how much of the spread between worlds is more than run-to-run noise: where it is low, worlds differ little and the shares of worlds mostly count noise.",
            ensemble.file.method
        ));
        if !switched_off.is_empty() {
            rep.warning(&format!(
                "Mechanisms switched off in every scenario: {}.",
                switched_off.join("; ")
            ));
        }
        if let Some(f) = &figure {
            rep.figure(f);
        }
        rep.section("Robustness of each policy");
        for s in &names[1..] {
            rep.subsection(s);
            let table: Vec<Vec<String>> = key_rows(s).iter().map(|r| effect_cells(r)).collect();
            rep.table(&EFFECT_HEADER, &table);
            for sentence in robustness_sentences(s, &rows, members) {
                rep.paragraph(&sentence);
            }
        }
        rep.section("Where an effect changes sign");
        if backfires.is_empty() {
            rep.paragraph(&format!(
                "No scenario's effect on civilian deaths or on events rises in at least {} and falls in at least {} of the worlds.",
                percent(SIGN_CHANGE),
                percent(SIGN_CHANGE)
            ));
        }
        for b in &backfires {
            rep.paragraph(&backfire_sentence(b));
        }
        out.write_report(&rep)?;
    }
    let mut timings = BTreeMap::new();
    timings.insert("total_s".to_string(), t0.elapsed().as_secs_f64());
    timings.insert("runs_s".to_string(), run_s);
    out.write_manifest(&serde_json::json!({
        "program": format!("sahelsim {VERSION}"),
        "ensemble": ensemble_path.display().to_string(),
        "members": members,
        "replicates": replicates,
        "seed": seed,
        "replicate_seeds": (0..replicates).map(|r| replicate_seed(seed, r)).collect::<Vec<_>>(),
        "policy_period": [format_date(from_date), format_date(base.period.end)],
        "mechanisms_switched_off": switched_off,
        "scenarios": loaded.iter().map(|(path, s, _)| serde_json::json!({
            "name": s.name,
            "file": path.display().to_string(),
            "files": ManifestFile::list(&s.sources),
        })).collect::<Vec<_>>(),
        "timings": timings,
    }))?;

    println!(
        "compared with {} in {members} plausible worlds ({}): {} to {}, {replicates} paired replicates each (common random numbers, seed {seed}), {} runs in {run_s:.0} s",
        names[0],
        ensemble_path.display(),
        format_date(from_date),
        format_date(base.period.end),
        jobs.len()
    );
    for m in &switched_off {
        println!("switched off in every scenario: {m}");
    }
    for s in &names[1..] {
        println!("\n{s}");
        let grid: Vec<Vec<String>> = std::iter::once(EFFECT_HEADER.map(str::to_string).to_vec())
            .chain(key_rows(s).iter().map(|r| effect_cells(r)))
            .collect();
        for line in aligned(&grid).lines() {
            println!("  {line}");
        }
        for sentence in robustness_sentences(s, &rows, members) {
            println!("  {sentence}");
        }
        for b in backfires.iter().filter(|b| &b.scenario == s) {
            println!("  {}", backfire_sentence(b));
        }
    }
    println!("wrote {}", out.target().display());
    Ok(())
}

/// The columns of the effect tables.
const EFFECT_HEADER: [&str; 7] = [
    "outcome (whole study area), unit",
    "base",
    "mean effect",
    "95 % interval",
    "90 % of worlds and runs",
    "worlds lower",
    "beyond noise",
];

fn effect_cells(r: &EffectRow) -> Vec<String> {
    let e = &r.effect;
    let change = e.relative(e.difference);
    vec![
        format!("{} ({})", r.label, r.unit),
        number(e.base_mean),
        if change.is_finite() {
            format!("{} ({:+.0} %)", signed(e.difference), 100.0 * change)
        } else {
            signed(e.difference)
        },
        format!(
            "{}{}",
            signed_interval(e.ci95_low, e.ci95_high),
            if e.significant() { " *" } else { "" }
        ),
        signed_interval(e.p05, e.p95),
        percent(e.share_worlds_lower),
        if e.parameter_share.is_finite() {
            percent(e.parameter_share)
        } else {
            "–".to_string()
        },
    ]
}

/// "In 87 % of the 50 worlds, … reduces civilian deaths": for civilian deaths and events.
fn robustness_sentences(scenario: &str, rows: &[EffectRow], members: usize) -> Vec<String> {
    [FATALITIES_CIVILIANS, EVENTS]
        .iter()
        .filter_map(|k| {
            let what = plain_words(k.key);
            let r = rows.iter().find(|r| {
                r.scenario == scenario && r.outcome == k.key && r.area == "all" && r.region.is_none()
            })?;
            let e = &r.effect;
            Some(format!(
                "{} lowers {what} in {} of the {members} plausible worlds and raises them in {} (mean effect {}, 90 % of worlds and runs {}).",
                scenario,
                percent(e.share_worlds_lower),
                percent(e.share_worlds_higher),
                signed(e.difference),
                signed_interval(e.p05, e.p95)
            ))
        })
        .collect()
}

/// The outcomes of the robustness sentences in words.
fn plain_words(key: &str) -> &'static str {
    if key == FATALITIES_CIVILIANS.key {
        "civilian deaths"
    } else if key == EVENTS.key {
        "violent events"
    } else {
        "the outcome"
    }
}

fn backfire_sentence(b: &Backfire) -> String {
    let head = format!(
        "{} raises {} in {} of {} worlds",
        b.scenario,
        plain_words(&b.outcome),
        b.worlds_higher,
        b.members
    );
    if b.parameter_share.is_nan() || b.parameter_share < BEYOND_NOISE {
        return format!(
            "{head}, but only {} of the spread between worlds is more than run-to-run noise: which worlds lie on which side is mostly noise at this many replicates, so no parameter region is sought.",
            percent(b.parameter_share)
        );
    }
    match &b.region {
        Some(r) => format!(
            "{head}; it does so in {} of the {} worlds where {} ({} of those worlds, {} of the worlds where it rises; quasi-p {:.2e}; PRIM).",
            r.cases_inside,
            r.inside,
            b.words,
            percent(r.density()),
            percent(r.coverage()),
            r.quasi_p()
        ),
        None => format!(
            "{head}; no region of at most three parameters holds them more densely than the ensemble as a whole beyond chance (PRIM, quasi-p below {SIGNIFICANT})."
        ),
    }
}

fn effects_csv(rows: &[EffectRow]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let header = [
        "scenario",
        "area",
        "outcome",
        "unit",
        "base_mean",
        "scenario_mean",
        "difference",
        "ci95_low",
        "ci95_high",
        "p05",
        "p95",
        "worlds_p05",
        "worlds_p95",
        "share_worlds_lower",
        "share_worlds_higher",
        "parameter_share",
        "region",
    ];
    let mut records = vec![header.map(str::to_string).to_vec()];
    for r in rows {
        let e = &r.effect;
        let mut record = vec![
            r.scenario.clone(),
            r.area.clone(),
            r.outcome.clone(),
            r.unit.to_string(),
        ];
        record.extend(
            [
                e.base_mean,
                e.scenario_mean,
                e.difference,
                e.ci95_low,
                e.ci95_high,
                e.p05,
                e.p95,
                e.worlds_p05,
                e.worlds_p95,
                e.share_worlds_lower,
                e.share_worlds_higher,
                e.parameter_share,
            ]
            .map(|v| format!("{v:.6}")),
        );
        record.push(r.region.clone().unwrap_or_default());
        records.push(record);
    }
    for rec in records {
        let _ = w.write_record(&rec);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// `members.csv`: per member, its point, parameters and, per scenario, the mean paired
/// difference of each key outcome over the whole study area.
fn members_csv(
    ensemble: &Ensemble,
    names: &[String],
    list: &[Column],
    values: &[Vec<Vec<Vec<f64>>>],
) -> String {
    let keys: Vec<usize> = KEY_DIFFERENCES
        .iter()
        .filter_map(|k| {
            list.iter()
                .position(|c| c.area == "all" && c.group.is_none() && c.outcome.key == k.key)
        })
        .collect();
    let mut header = vec!["member".to_string(), "point".to_string()];
    header.extend(ensemble.file.parameters.iter().cloned());
    for s in &names[1..] {
        for &o in &keys {
            header.push(format!("{s}:{}", list[o].key()));
        }
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(&header);
    for (m, member) in ensemble.file.members.iter().enumerate() {
        let mut rec = vec![m.to_string(), member.point.to_string()];
        rec.extend(member.values.iter().map(|v| format!("{v:.6}")));
        for s in 1..names.len() {
            for &o in &keys {
                let d: Vec<f64> = values[s][m]
                    .iter()
                    .zip(&values[0][m])
                    .map(|(a, b)| a[o] - b[o])
                    .collect();
                rec.push(format!(
                    "{:.6}",
                    d.iter().sum::<f64>() / d.len().max(1) as f64
                ));
            }
        }
        let _ = w.write_record(&rec);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}
