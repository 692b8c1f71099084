//! `sahelsim sweep`'s report: what was swept (spec, design, base scenario), for each outcome
//! the parameters ranked by how much they drive it (Sobol indices or partial rank
//! correlations, with 95 % intervals), the tornado charts and heatmaps, and the base's
//! parameters.

use super::figure::Figure;
use super::format::number;
use super::format::signed;
use super::html::Report;
use super::run_report::{
    parameters_section, reference_facts, reference_parameters_section, scenario_facts,
};
use super::sensitivity_plot::{WITHIN_NOISE, noise_sentence};
use crate::experiment::sweep::model::SweptModel;
use crate::experiment::sweep::sensitivity::Index;
use crate::experiment::sweep::spec::{Design, Distribution};
use crate::experiment::sweep::{Analysis, Plan};
use crate::record::writers::VERSION;

fn interval(i: &Index) -> String {
    format!(
        "{} [{}, {}]",
        signed(i.value),
        signed(i.low),
        signed(i.high)
    )
}

fn excludes_zero(i: &Index) -> bool {
    i.low > 0.0 || i.high < 0.0
}

/// The design in words.
pub fn design_text(plan: &Plan) -> String {
    let k = plan.sweep.spec.parameters.len();
    match plan.sweep.spec.design {
        Design::Grid => format!("full factorial grid of {} points", plan.points.len()),
        Design::LatinHypercube { points } => format!("Latin hypercube of {points} points"),
        Design::Sobol { samples, bootstrap } => format!(
            "Saltelli design for Sobol indices: {samples} base samples × ({k} + 2) = {} points; {} bootstrap resamples",
            plan.points.len(),
            bootstrap.unwrap_or(1000)
        ),
    }
}

/// The report of a finished sweep; `figures` in the order `sensitivity_plot::figures` gives.
pub fn report(plan: &Plan, analysis: &Analysis, figures: &[Figure]) -> Report {
    let spec = &plan.sweep.spec;
    let sobol = matches!(spec.design, Design::Sobol { .. });
    let mut r = Report::new(&format!("Parameter sweep: {}", spec.name));
    r.kicker("sahelsim sweep");
    let description = spec.description.clone().unwrap_or_default();
    r.lede(&format!(
        "{}{}{} runs of {}: {}, {} replicate(s) each. Which of the {} parameters drive each outcome?",
        description,
        if description.is_empty() { "" } else { " " },
        plan.total_runs(),
        plan.sweep.base.name,
        design_text(plan),
        plan.replicates(),
        spec.parameters.len()
    ));
    r.footer(&format!(
        "Produced by sahelsim {VERSION}. results.csv beside this report holds every run (point, replicate, seed, parameter values, outcomes); points.csv each point's means; sensitivity.csv every index; manifest.json the spec and scenario files."
    ));

    r.section("What was run");
    r.key_values(&[
        ("spec", spec.name.clone()),
        ("spec file", plan.sweep.spec_path.display().to_string()),
        ("design", design_text(plan)),
        ("replicates per point", plan.replicates().to_string()),
        ("runs", plan.total_runs().to_string()),
        ("master seed", spec.seed.to_string()),
        (
            "seeds",
            if plan.sweep.common_random_numbers() {
                "common random numbers: replicate r runs on the same seed at every point"
                    .to_string()
            } else {
                "each point's seeds mixed from (master seed, point)".to_string()
            },
        ),
        (
            "outcomes counted from",
            spec.from
                .clone()
                .unwrap_or_else(|| "the start of the run".to_string()),
        ),
        ("fingerprint", plan.sweep.fingerprint.clone()),
        ("program", format!("sahelsim {VERSION}")),
    ]);
    r.subsection("Parameters varied");
    let rows: Vec<Vec<String>> = spec
        .parameters
        .iter()
        .zip(&plan.sweep.parameters)
        .map(|(p, parameter)| {
            let base = parameter
                .value(&plan.sweep.base)
                .map(number)
                .unwrap_or_default();
            let values = match (&p.levels, p.min, p.max) {
                (Some(l), _, _) => {
                    let l: Vec<String> = l.iter().map(|v| number(*v)).collect();
                    format!("levels {}", l.join(", "))
                }
                (None, Some(a), Some(b)) => match p.steps {
                    Some(n) => format!("{n} steps from {} to {}", number(a), number(b)),
                    None => format!("{} to {}", number(a), number(b)),
                },
                _ => String::new(),
            };
            let dist = match (spec.design, p.distribution.unwrap_or_default()) {
                (Design::Grid, _) => "—".to_string(),
                (_, Distribution::Uniform) => "uniform".to_string(),
                (_, Distribution::LogUniform) => "log-uniform".to_string(),
                (_, Distribution::Triangular { mode }) => {
                    format!("triangular, mode {}", number(mode))
                }
            };
            vec![p.path.clone(), base, values, dist]
        })
        .collect();
    r.table(
        &["parameter", "base value", "values swept", "distribution"],
        &rows,
    );
    r.subsection("Base scenario");
    let base = &plan.sweep.base;
    let base_facts = match plan.model() {
        SweptModel::Sahel { .. } => scenario_facts(base),
        SweptModel::Epstein { .. } => reference_facts(base),
    };
    let facts: Vec<(String, String)> = base_facts
        .into_iter()
        .filter(|(k, _)| k != "replicates" && k != "master seed")
        .collect();
    r.key_values(&facts);

    r.section("Key findings");
    r.paragraph(if sobol {
        "For each outcome (each point's mean over its replicates), the parameters ranked by their total Sobol index: the share of the outcome's variance across the design that the parameter explains with all its interactions; the first-order index is the share it explains alone. 95 % intervals from the bootstrap. Rows in bold: the total index's interval excludes 0. Run-to-run noise counts in the variance: totals above 1 or wide intervals mean more samples or replicates are needed."
    } else {
        "For each outcome (each point's mean over its replicates), the parameters ranked by the size of their partial rank correlation coefficient (PRCC): +1 when the outcome always rises with the parameter once the others are accounted for, −1 when it always falls, 0 when there is no monotone effect. 95 % intervals by Fisher's z. Rows in bold: the interval excludes 0. The range of point means shows how much the outcome moves across the design."
    });
    for (oi, o) in analysis.outcomes.iter().enumerate() {
        let means: Vec<f64> = analysis.point_means.iter().map(|m| m[oi]).collect();
        let (lo, hi) = means
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
                (a.min(*v), b.max(*v))
            });
        r.subsection(&plan.outcome_label(o));
        let noise = analysis.noise(oi);
        r.paragraph(&format!(
            "Point means range from {} to {}. {}",
            number(lo),
            number(hi),
            noise_sentence(&noise)
        ));
        if noise.within_noise() {
            r.warning(WITHIN_NOISE);
        }
        let mut strong = Vec::new();
        let mut table = Vec::new();
        for s in analysis.ranked(oi) {
            match (&s.sobol, &s.prcc) {
                (Some(so), _) => {
                    if excludes_zero(&so.total) {
                        strong.push(table.len());
                    }
                    table.push(vec![
                        s.parameter.clone(),
                        interval(&so.first),
                        interval(&so.total),
                    ]);
                }
                (None, Some(p)) => {
                    if excludes_zero(p) {
                        strong.push(table.len());
                    }
                    table.push(vec![s.parameter.clone(), interval(p)]);
                }
                _ => {}
            }
        }
        if sobol {
            r.table_marked(
                &["parameter", "first-order [95 %]", "total [95 %]"],
                &table,
                &strong,
            );
        } else {
            r.table_marked(&["parameter", "PRCC [95 %]"], &table, &strong);
        }
    }
    r.section("Figures");
    for f in figures {
        r.figure(f);
    }
    match plan.model() {
        SweptModel::Sahel { .. } => parameters_section(&mut r, &[base]),
        SweptModel::Epstein { .. } => reference_parameters_section(&mut r, base),
    }
    r
}
