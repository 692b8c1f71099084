//! `sahelsim calibrate SPEC`: search the free parameters of a spec for the best fit to the
//! calibration targets; write the ranked points and the best one as a scenario.

use std::path::PathBuf;
use std::time::Instant;

use serde::Serialize;

use super::CalibrateArgs;
use super::output::OutputDir;
use super::progress_bar;
use crate::experiment::calibration::{
    CalibrationSpec, Point, best_fragment, calibrate, load_spec, workload,
};
use crate::experiment::targets::TARGETS;
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
    let mut csv = String::from("rank,point,round,score,passed");
    for p in &spec.parameters {
        csv.push(',');
        csv.push_str(&p.path);
    }
    for t in TARGETS.iter() {
        csv.push_str(&format!(",{}", t.id));
    }
    csv.push('\n');
    for (rank, p) in points.iter().enumerate() {
        csv.push_str(&format!(
            "{},{},{},{:.6},{}",
            rank + 1,
            p.id,
            p.round,
            p.score,
            p.passed
        ));
        for v in &p.values {
            csv.push_str(&format!(",{v:.6}"));
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
        "best point (score {:.4}, {} of {} fit targets met):",
        best.score,
        best.passed,
        crate::experiment::validation::tally(&best.targets, crate::experiment::targets::Role::Fit)
            .1
    );
    for (p, v) in spec.parameters.iter().zip(&best.values) {
        println!("  {:<50} {}", p.path, number(*v));
    }
    print!("{}", super::targets_table(&best.targets));
    println!("wrote {}", out.target().display());
    Ok(())
}
