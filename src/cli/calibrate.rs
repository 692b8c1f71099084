//! `sahelsim calibrate SPEC`: search the free parameters of a spec for the best fit to the
//! calibration targets; write the ranked points and the best one as a scenario.

use std::path::PathBuf;
use std::time::Instant;

use serde::Serialize;

use super::CalibrateArgs;
use super::output::OutputDir;
use super::progress_bar;
use crate::experiment::calibration::{
    CalibrationSpec, Point, best_fragment, calibrate, load_spec, members, workload,
};
use crate::experiment::ensemble::EnsembleFile;
use crate::experiment::targets::TARGETS;
use crate::experiment::validation::{
    SCORE_RESAMPLES, replicate_score, score, score_standard_error,
};
use crate::record::writers::VERSION;
use crate::report::format::number;

#[derive(Serialize)]
struct CalibrationFile<'a> {
    version: &'static str,
    spec: &'a CalibrationSpec,
    spec_path: String,
    wall_s: f64,
    evaluated: usize,
    best: &'a Point,
}

pub(super) fn run(args: &CalibrateArgs) -> anyhow::Result<()> {
    let calibration = load_spec(&args.spec)?;
    let (spec, base) = (calibration.spec.clone(), calibration.base.clone());
    super::require_sahel(&base, "calibrate")?;
    let out = OutputDir::create(
        args.out
            .clone()
            .unwrap_or_else(|| PathBuf::from("output").join(crate::scenario::slug(&spec.name))),
        args.overwrite,
    )?;
    let dir = out.path();
    let bar = progress_bar(
        workload(&base, &spec),
        &format!("{}: calibrating", spec.name),
    );
    let pool = super::worker_pool(args.threads)?;
    let t = Instant::now();
    let points = pool.install(|| calibrate(&calibration, Some(&bar)))?;
    bar.finish_and_clear();
    let wall_s = t.elapsed().as_secs_f64();

    // Ranked points.
    let mut csv = String::from(
        "rank,point,round,refined,score,passed,implausibility,score_of_means,score_of_replicates,score_of_means_se",
    );
    for p in &spec.parameters {
        csv.push(',');
        csv.push_str(&p.path);
    }
    for t in TARGETS.iter() {
        csv.push_str(&format!(",{}", t.id));
    }
    csv.push('\n');
    // The bootstrap standard error of each point's score of the means over its replicates.
    let standard_errors: Vec<f64> = points
        .iter()
        .map(|p| score_standard_error(&p.targets, SCORE_RESAMPLES, spec.seed))
        .collect();
    for ((rank, p), se) in points.iter().enumerate().zip(&standard_errors) {
        csv.push_str(&format!(
            "{},{},{},{},{:.6},{},{:.6},{:.6},{:.6},{se:.6}",
            rank + 1,
            p.id,
            p.round,
            p.refined,
            p.score,
            p.passed,
            p.implausibility,
            score(&p.targets),
            replicate_score(&p.targets),
        ));
        for v in &p.values {
            csv.push_str(&format!(",{v:?}"));
        }
        for t in &p.targets {
            csv.push_str(&format!(",{:.6}", t.mean));
        }
        csv.push('\n');
    }
    out.write("calibration.csv", csv.as_bytes())?;
    let best = &points[0];
    out.write(
        "best.ron",
        best_fragment(&calibration, dir, best).as_bytes(),
    )?;
    out.write_json(
        "calibration.json",
        &CalibrationFile {
            version: VERSION,
            spec: &spec,
            spec_path: args.spec.display().to_string(),
            wall_s,
            evaluated: points.len(),
            best,
        },
    )?;
    let kept = members(&spec, &points);
    if spec.ensemble.is_some() {
        let evaluated = points.iter().filter(|p| !p.refined).count();
        let file = EnsembleFile::from_calibration(&calibration, dir, evaluated, &kept);
        out.write("ensemble.ron", file.to_text(&args.spec).as_bytes())?;
    }
    out.write_manifest(&serde_json::json!({
        "program": format!("sahelsim {VERSION}"),
        "spec": args.spec.display().to_string(),
        "base_files": crate::record::writers::ManifestFile::list(&base.sources),
    }))?;

    println!(
        "{}: {} points × {} replicates in {:.0} s",
        spec.name,
        points.len(),
        spec.replicates,
        wall_s
    );
    println!(
        "best point (score {:.4} {}, {} of {} fit targets met):",
        best.score,
        spec.scoring.of_what(),
        best.passed,
        crate::experiment::validation::tally(&best.targets, crate::experiment::targets::Role::Fit)
            .1
    );
    for (p, v) in spec.parameters.iter().zip(&best.values) {
        println!("  {:<50} {}", p.path, number(*v));
    }
    if spec.replicates < 2 {
        println!("  (one replicate a point: the score's standard error cannot be estimated)");
    } else if let Some(next) = points.get(1) {
        // Whether the replicates tell the best point from the next: their scores of the
        // means against the best's bootstrap standard error.
        let (ours, theirs, se) = (
            score(&best.targets),
            score(&next.targets),
            standard_errors[0],
        );
        println!(
            "  score of the means {ours:.4} ± {se:.4} (bootstrap standard error over its replicates); the next point's {theirs:.4}{}",
            if se > 0.0 && (theirs - ours).abs() < 2.0 * se {
                ": within two standard errors, not told apart by these replicates"
            } else {
                ""
            }
        );
    }
    print!("{}", super::targets_table(&best.targets));
    if let Some(matching) = &spec.ensemble {
        print!(
            "{}",
            ensemble_summary(&spec, &points, &kept, matching.cutoff)
        );
    }
    println!("wrote {}", out.target().display());
    Ok(())
}

/// What the history matching kept: per wave, the points kept; the targets that ruled out the
/// most points; each parameter's spread over the members.
fn ensemble_summary(
    spec: &CalibrationSpec,
    points: &[Point],
    kept: &[&Point],
    cutoff: f64,
) -> String {
    use crate::experiment::targets::Role;
    use crate::record::summary::quantile;
    let waves: Vec<&Point> = points.iter().filter(|p| !p.refined).collect();
    let last = waves.iter().map(|p| p.round).max().unwrap_or(0);
    let mut out = format!(
        "history matching: {} of {} points not ruled out (implausibility at most {cutoff}):",
        kept.len(),
        waves.len()
    );
    for w in 0..=last {
        let n = waves.iter().filter(|p| p.round == w).count();
        let k = kept.iter().filter(|p| p.round == w).count();
        out.push_str(&format!(" wave {w} {k} of {n};"));
    }
    out.pop();
    out.push('\n');
    // Targets ruling out points: a target's implausibility above the cut-off.
    let settings = spec.ensemble.clone().unwrap_or_default();
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for p in &waves {
        for r in p
            .targets
            .iter()
            .filter(|r| r.covered && r.target.role == Role::Fit)
        {
            let i = crate::experiment::history_matching::Observation::from_band(
                r.target.lo,
                r.target.hi,
            )
            .implausibility(&r.values, settings.discrepancy);
            if i > cutoff {
                match counts.iter_mut().find(|(id, _)| *id == r.target.id) {
                    Some((_, n)) => *n += 1,
                    None => counts.push((r.target.id, 1)),
                }
            }
        }
    }
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let worst: Vec<String> = counts
        .iter()
        .take(6)
        .map(|(id, n)| {
            format!(
                "{id} {:.0} %",
                100.0 * *n as f64 / waves.len().max(1) as f64
            )
        })
        .collect();
    out.push_str(&format!(
        "  targets most often beyond the cut-off (share of points): {}\n",
        worst.join(", ")
    ));
    if kept.is_empty() {
        return out;
    }
    out.push_str(&format!(
        "  {:<50} {:>10} {:>10} {:>10} {:>10} {:>10}   searched\n",
        "members' spread", "min", "5 %", "median", "95 %", "max"
    ));
    for (d, p) in spec.parameters.iter().enumerate() {
        let mut v: Vec<f64> = kept.iter().map(|m| m.values[d]).collect();
        v.sort_by(f64::total_cmp);
        out.push_str(&format!(
            "  {:<50} {:>10} {:>10} {:>10} {:>10} {:>10}   {} to {}\n",
            p.path,
            number(v[0]),
            number(quantile(&v, 0.05)),
            number(quantile(&v, 0.5)),
            number(quantile(&v, 0.95)),
            number(v[v.len() - 1]),
            number(p.min),
            number(p.max)
        ));
    }
    out
}
