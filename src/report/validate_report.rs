//! `sahelsim validate`'s report: what was run, the targets met and missed with their bands and
//! simulated intervals, the validation picture, the parameters.

use super::figure::Figure;
use super::format::{number, percent};
use super::html::Report;
use super::run_report::{parameters_section, scenario_facts};
use crate::experiment::targets::{BEYOND_2020_SOURCE, Role, SOURCE, STRENGTH_SOURCE};
use crate::experiment::validation::{
    SCORE_RESAMPLES, TargetResult, replicate_score, score, score_standard_error, tally,
};
use crate::record::writers::VERSION;
use crate::scenario::Scenario;

/// A target's mean as the tables and the validation picture print it: three significant
/// figures, but four decimals for a missed target under 100, so that a miss by a hair (C11a's
/// 1.3978 for a band from 1.40) never reads as a value inside the band.
pub fn mean_text(t: &TargetResult) -> String {
    if t.covered && !t.pass && t.mean.abs() < 100.0 {
        format!("{:.4}", t.mean)
    } else {
        number(t.mean)
    }
}

/// The report of a validation of `s` over 2017 to `last_year`.
pub fn report(
    s: &Scenario,
    results: &[TargetResult],
    last_year: i32,
    figure: Option<&Figure>,
) -> Report {
    let (passed, covered) = tally(results, Role::Fit);
    let (test_passed, test_covered) = tally(results, Role::Test);
    let mut r = Report::new(&format!(
        "{}: validation against the calibration targets",
        s.name
    ));
    r.kicker("sahelsim validate");
    r.lede(&s.description);
    r.footer(&format!(
        "Produced by sahelsim {VERSION}. validation.json beside this report holds every replicate's value of every target."
    ));
    r.section("What was run");
    let mut facts = scenario_facts(s);
    facts.push(("validated years".into(), format!("2017 to {last_year}")));
    r.key_values(&facts);
    r.section("Key findings");
    let of_means = score(results);
    let standard_error = score_standard_error(results, SCORE_RESAMPLES, s.seed);
    r.paragraph(&format!(
        "{passed} of {covered} fit targets met (score {of_means:.3}; 0 means every fit target met). Its bootstrap standard error over the replicates is {standard_error:.3}: another set of as many replicates would give a score about that far from this one, so two scenarios whose scores differ by less than about twice it are not told apart by these replicates. {test_passed} of {test_covered} test targets met. A target is met when the mean of the replicates lies inside its band. Calibration scores the fit targets only; the test targets are kept out of it, so they are an out-of-sample check of the model, reported as they come out. A mean inside a band can hide replicates on both sides of it: the tables give the share of replicates whose own value is in the band, and the score of the replicates themselves (each replicate's distance from each band, averaged) is {:.3}, against {of_means:.3} for the means; the further apart the two, the more the replicates scatter across the bands' edges.",
        replicate_score(results),
    ));
    for (role, heading) in [
        (Role::Fit, "Fit targets (scored by calibration)"),
        (
            Role::Test,
            "Test targets (never scored: out-of-sample checks)",
        ),
    ] {
        let of_role: Vec<&TargetResult> =
            results.iter().filter(|t| t.target.role == role).collect();
        if of_role.is_empty() {
            continue;
        }
        r.section(heading);
        targets_table(&mut r, &of_role);
    }
    r.note(&format!("C: the brief's figures for 2017–2020 ({SOURCE}). P: plausibility checks for 2021–2024 ({BEYOND_2020_SOURCE}). S: strength and money ({STRENGTH_SOURCE}). G, H and D: geography, perpetrators and displacement (sources in docs/calibration.md). Missed targets are in bold."));
    if let Some(f) = figure {
        r.section("Figures");
        r.figure(f);
    }
    parameters_section(&mut r, &[s]);
    r
}

/// One table of targets, the missed ones marked.
fn targets_table(r: &mut Report, results: &[&TargetResult]) {
    let mut missed = Vec::new();
    let rows: Vec<Vec<String>> = results
        .iter()
        .enumerate()
        .map(|(i, t)| {
            if t.covered && !t.pass {
                missed.push(i);
            }
            vec![
                t.target.id.to_string(),
                t.target.fact.to_string(),
                t.target.measure.to_string(),
                format!("{}–{}", number(t.target.lo), number(t.target.hi)),
                mean_text(t),
                format!("{} – {}", number(t.p05), number(t.p95)),
                percent(t.share_in_band()),
                if !t.covered {
                    "not covered".to_string()
                } else if t.pass {
                    "met".to_string()
                } else {
                    "MISSED".to_string()
                },
            ]
        })
        .collect();
    r.table_marked(
        &[
            "id",
            "target",
            "what is counted",
            "band",
            "mean",
            "90 % interval",
            "replicates in band",
            "result",
        ],
        &rows,
        &missed,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiment::targets::TARGETS;

    #[test]
    fn a_miss_by_a_hair_never_prints_as_a_value_inside_the_band() {
        let c11a = *TARGETS.iter().find(|t| t.id == "C11a").unwrap();
        let result = |mean: f64, pass: bool| TargetResult {
            target: c11a,
            mean,
            p05: mean,
            p95: mean,
            covered: true,
            pass,
            values: vec![mean],
        };
        // Three significant figures would print 1.40, the band's lower edge.
        assert_eq!(mean_text(&result(1.3978, false)), "1.3978");
        assert_eq!(mean_text(&result(1.5012, true)), "1.50");
        // Large counts are printed whole either way.
        assert_eq!(mean_text(&result(16_578.2, false)), "16,578");
    }
}
