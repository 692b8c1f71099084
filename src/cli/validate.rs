//! `sahelsim validate [FILE]`: run replicates over 2017–2020 (and to 2024 for the checks beyond
//! 2020, where the scenario runs that far) and compare them with the calibration targets; exit
//! status 1 when a covered fit target is missed (test targets are reported, never failed).

use std::path::PathBuf;

use indicatif::ProgressBar;
use serde::Serialize;

use super::ValidateArgs;
use super::output::OutputDir;
use super::progress_bar;
use crate::experiment::targets::Role;
use crate::experiment::targets::{
    BEYOND_2020_SOURCE, PLACE_SOURCE, SOURCE, STRENGTH_SOURCE, covers_calibration_period,
};
use crate::experiment::validation::{
    SCORE_RESAMPLES, TargetResult, calibration_scenario, replicate_score, score,
    score_standard_error, tally, validate,
};
use crate::record::writers::{ManifestFile, VERSION};
use crate::report::validate_report;
use crate::report::validation_plot::validation_figure;
use crate::scenario;
use anyhow::anyhow;

/// The content of `validation.json`.
#[derive(Serialize)]
struct ValidationFile<'a> {
    version: &'static str,
    scenario: &'a str,
    scenario_sha256: &'a str,
    seed: u64,
    replicates: u32,
    source: &'static str,
    source_beyond_2020: &'static str,
    source_strength: &'static str,
    source_place: &'static str,
    last_year: i32,
    /// Score over the fit targets.
    score: f64,
    /// Its bootstrap standard error over the replicates (`score_standard_error`).
    score_standard_error: f64,
    /// The replicates' own score (`replicate_score`): the mean over replicates of each
    /// replicate's squared distance, 0 only when every replicate meets every fit target.
    replicate_score: f64,
    /// Fit targets covered and met.
    covered: usize,
    passed: usize,
    /// Test targets covered and met (never scored).
    test_covered: usize,
    test_passed: usize,
    targets: &'a [TargetResult],
}

pub(super) fn run(args: &ValidateArgs) -> anyhow::Result<()> {
    let ValidateArgs {
        file,
        replicates,
        seed,
        out,
        overwrite,
        threads,
        report,
    } = args;
    let mut s = scenario::load(file)?;
    super::require_sahel(&s, "validate")?;
    if !covers_calibration_period(&s) {
        return Err(anyhow!(
            "{}: the period {} to {} does not cover 2017-01-01 to 2020-12-31, the years the calibration targets describe",
            file.display(),
            scenario::format_date(s.period.start),
            scenario::format_date(s.period.end)
        ));
    }
    super::override_replicates_and_seed(&mut s, *replicates, *seed)?;
    let out = OutputDir::create(
        out.clone().unwrap_or_else(|| {
            PathBuf::from(format!("output/validate-{}", scenario::slug(&s.name)))
        }),
        *overwrite,
    )?;
    let cut = calibration_scenario(&s);
    let bar: ProgressBar = progress_bar(
        cut.period.days() as u64 * s.replicates as u64,
        &format!("{}: validating, {} replicates", s.name, s.replicates),
    );
    let pool = super::worker_pool(*threads)?;
    let results = pool.install(|| validate(&s, s.replicates, Some(&bar)));
    bar.finish_and_clear();

    let (passed, covered) = tally(&results, Role::Fit);
    let (test_passed, test_covered) = tally(&results, Role::Test);
    let (of_means, of_replicates) = (score(&results), replicate_score(&results));
    let standard_error = score_standard_error(&results, SCORE_RESAMPLES, s.seed);
    let last_year = cut.period.end.year();
    let file_out = ValidationFile {
        version: VERSION,
        scenario: &s.name,
        scenario_sha256: &s.sources[0].sha256,
        seed: s.seed,
        replicates: s.replicates,
        source: SOURCE,
        source_beyond_2020: BEYOND_2020_SOURCE,
        source_strength: STRENGTH_SOURCE,
        source_place: PLACE_SOURCE,
        last_year,
        score: of_means,
        score_standard_error: standard_error,
        replicate_score: of_replicates,
        covered,
        passed,
        test_covered,
        test_passed,
        targets: &results,
    };
    out.write_json("validation.json", &file_out)?;
    let title = format!(
        "{}: calibration targets, {} replicates, 2017–{last_year}",
        s.name, s.replicates
    );
    let plotted: Vec<TargetResult> = results.iter().filter(|r| r.covered).cloned().collect();
    let figure = validation_figure(&plotted, &title, report.plots, report.report())?;
    out.write_figures(std::slice::from_ref(&figure), report.plots)?;
    if report.report() {
        out.write_report(&validate_report::report(
            &s,
            &results,
            last_year,
            Some(&figure),
        ))?;
    }
    out.write_manifest(&serde_json::json!({
        "program": format!("sahelsim {VERSION}"),
        "replicates": s.replicates,
        "seed": s.seed,
        "files": ManifestFile::list(&s.sources),
    }))?;

    println!("{}: {} replicates, 2017–{last_year}", s.name, s.replicates);
    println!("C: the brief's figures for 2017–2020 ({SOURCE})");
    println!("P: plausibility checks for 2021–2024 ({BEYOND_2020_SOURCE})");
    println!("S: strength and money ({STRENGTH_SOURCE})");
    println!("G, H, D, E: place, perpetrators, displacement, schools ({PLACE_SOURCE})");
    for (role, heading) in [
        (
            Role::Fit,
            "fit targets (scored by calibration; a miss fails validation)",
        ),
        (
            Role::Test,
            "test targets (never scored: out-of-sample checks, reported as they come out)",
        ),
    ] {
        let of_role: Vec<TargetResult> = results
            .iter()
            .filter(|r| r.target.role == role)
            .cloned()
            .collect();
        println!("\n{heading}");
        print!("{}", super::targets_table(&of_role));
    }
    let uncovered = results.iter().filter(|r| !r.covered).count();
    if uncovered > 0 {
        println!(
            "{uncovered} targets beyond 2020 not counted: the scenario ends before 2024-12-31"
        );
    }
    println!(
        "{passed} of {covered} fit targets met, score {of_means:.3} ± {standard_error:.3} (0 = all met; ± its bootstrap standard error over the replicates; of the replicates themselves {of_replicates:.3}); {test_passed} of {test_covered} test targets met; wrote {}",
        out.target().display()
    );
    if passed < covered {
        return Err(anyhow!(
            "{} of {covered} fit targets are outside their band",
            covered - passed,
        ));
    }
    Ok(())
}
