//! The report of a reference-model run (`kind: Epstein`): what was run, the outcomes and
//! outburst statistics with their intervals, active, jailed and quiet citizens by step
//! (replicate mean and 90 % band), the parameters.

use super::PlotFormat;
use super::figure::{Figure, render};
use super::format::number;
use super::html::Report;
use super::palette::OKABE_ITO;
use super::run_report::{reference_facts, reference_parameters_section};
use super::timeseries_plot::{Line, Panel, TimeSeriesPlot};
use crate::record::Spread;
use crate::record::writers::VERSION;
use crate::reference::epstein::{Counts, ReplicateOutput};
use crate::scenario::Scenario;

/// Draws the citizens' states by step.
pub fn figures(
    s: &Scenario,
    outputs: &[ReplicateOutput],
    format: PlotFormat,
    report: bool,
) -> Result<Vec<Figure>, super::FigureError> {
    let x: Vec<f64> = outputs
        .first()
        .map(|o| o.series.iter().map(|c| c.step as f64).collect())
        .unwrap_or_default();
    let series = |f: fn(&Counts) -> u32| -> Vec<Vec<f64>> {
        outputs
            .iter()
            .map(|o| o.series.iter().map(|c| f(c) as f64).collect())
            .collect()
    };
    let reps = outputs.len();
    let plot = TimeSeriesPlot {
        title: format!("{}: citizens by state, {reps} replicates", s.name),
        x_desc: "step".into(),
        panels: vec![
            Panel {
                title: "Active and jailed citizens".into(),
                y_desc: "citizens".into(),
                lines: vec![
                    Line::from_replicates("active", OKABE_ITO[5], &x, &series(|c| c.active)),
                    Line::from_replicates("jailed", OKABE_ITO[4], &x, &series(|c| c.jailed)),
                ],
            },
            Panel {
                title: "Quiet citizens".into(),
                y_desc: "citizens".into(),
                lines: vec![Line::from_replicates(
                    "quiet",
                    OKABE_ITO[2],
                    &x,
                    &series(|c| c.quiet),
                )],
            },
        ],
        columns: 1,
        marker: None,
    };
    Ok(vec![render(
        &plot,
        "citizens",
        &format!(
            "Citizens by state at each step: lines are the mean of {reps} replicates, shaded bands their 90 % interval (5th to 95th percentile). Outbursts of rebellion show as spikes of active citizens followed by a rise in the jailed."
        ),
        format,
        report,
    )?])
}

/// The report of an Epstein run: `outcomes` are (label, spread) rows, `first_step` the first
/// step the statistics count.
pub fn report(
    s: &Scenario,
    outcomes: &[(String, Option<Spread>)],
    first_step: u32,
    figures: &[Figure],
) -> Report {
    let mut r = Report::new(&format!("{}: Epstein's civil violence model", s.name));
    r.kicker("sahelsim run — reference model");
    r.lede(&s.description);
    r.footer(&format!(
        "Produced by sahelsim {VERSION}. The same scenario file and seed reproduce this report byte for byte; manifest.json beside it records every input."
    ));
    r.section("What was run");
    let mut facts = reference_facts(s);
    if let Some(p) = &s.epstein {
        facts.push((
            "steps".into(),
            format!("{} (statistics from step {first_step})", p.steps),
        ));
        facts.push((
            "lattice".into(),
            format!(
                "{} × {} torus, citizen density {}, cop density {}",
                p.width, p.height, p.citizen_density, p.cop_density
            ),
        ));
        facts.push((
            "legitimacy, threshold".into(),
            format!("{}, {}", p.legitimacy, p.active_threshold),
        ));
    }
    r.key_values(&facts);
    r.section("Key findings");
    let rows: Vec<Vec<String>> = outcomes
        .iter()
        .map(|(label, v)| match v {
            Some(v) => vec![
                label.clone(),
                number(v.mean),
                format!("{} – {}", number(v.p05), number(v.p95)),
            ],
            None => vec![label.clone(), "n/a".into(), "n/a".into()],
        })
        .collect();
    r.table(&["outcome", "mean", "90 % interval"], &rows);
    r.note("Means and counts per replicate are spread across replicates; outburst sizes, lengths and waiting times are pooled over every outburst of every replicate.");
    r.section("Figures");
    for f in figures {
        r.figure(f);
    }
    reference_parameters_section(&mut r, s);
    r
}
