//! The pictures of a sweep: a tornado chart per outcome (each parameter's Sobol indices or
//! partial rank correlation, with 95 % intervals, strongest first) and, for grid designs, a
//! heatmap of the outcome's mean against the two parameters that drive it most.

use super::FigureError;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::PlotFormat;
use super::figure::{Figure, Plot, render};
use super::format::number;
use super::palette::{OKABE_ITO, sequential};
use crate::experiment::sweep::spec::Design;
use crate::experiment::sweep::{Analysis, Noise, Plan, Sensitivity};

/// A file-name-safe form of an outcome name.
pub fn file_stem(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// A tornado chart: each parameter's indices for one outcome, strongest first.
pub struct TornadoPlot<'a> {
    /// The parameters' indices, strongest first.
    pub ranked: Vec<&'a Sensitivity>,
    /// Title.
    pub title: String,
    /// The outcome's noise between replicates beside the spread of the points' means.
    pub noise: Noise,
}

impl Plot for TornadoPlot<'_> {
    fn size(&self) -> (u32, u32) {
        (1200, 170 + NOTE_H + 56 * self.ranked.len() as u32)
    }
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), FigureError> {
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let (_, h) = root.dim_in_pixel();
        let (chart, note) = root.split_vertically(h.saturating_sub(NOTE_H));
        tornado(&self.ranked, &self.title, &chart)?;
        noise_note(&self.noise, &note)
    }
}

/// Height of the note on noise under a sweep's chart, pixels.
const NOTE_H: u32 = 56;

/// The sentence that states an outcome's noise: the standard error of a point's mean beside
/// the range of the points' means, and whether the spread is within noise.
pub fn noise_sentence(n: &Noise) -> String {
    if n.standard_error.is_nan() {
        format!(
            "Noise: not measurable with one replicate a point; the points' means span {}.",
            number(n.range)
        )
    } else {
        format!(
            "Noise: the standard error of a point's mean over its replicates is {}; the points' means span {} ({} standard errors).",
            number(n.standard_error),
            number(n.range),
            number(n.range / n.standard_error)
        )
    }
}

/// The warning shown when the spread between points is within noise.
pub const WITHIN_NOISE: &str = "The spread between points is within noise: the differences between them may be chance. Run more replicates a point before reading structure into them.";

/// Draws [`noise_sentence`] (and [`WITHIN_NOISE`] where it applies) on `area`.
fn noise_note<DB: DrawingBackend>(
    noise: &Noise,
    area: &DrawingArea<DB, Shift>,
) -> Result<(), FigureError> {
    let e = |x: DrawingAreaErrorKind<DB::ErrorType>| x.to_string();
    area.draw(&Text::new(
        noise_sentence(noise),
        (20, 6),
        ("sans-serif", 14).into_font(),
    ))
    .map_err(e)?;
    if noise.within_noise() {
        area.draw(&Text::new(
            format!("Warning: {WITHIN_NOISE}"),
            (20, 28),
            ("sans-serif", 14)
                .into_font()
                .style(FontStyle::Bold)
                .color(&OKABE_ITO[5]),
        ))
        .map_err(e)?;
    }
    Ok(())
}

/// A heatmap of one outcome's mean against two grid parameters.
pub struct HeatmapPlot<'a> {
    /// The sweep's analysis.
    pub analysis: &'a Analysis,
    /// The outcome's index.
    pub outcome: usize,
    /// The parameters on the x and y axes (indices).
    pub axes: (usize, usize),
    /// Title.
    pub title: String,
    /// The outcome and its unit, for the colour bar.
    pub label: String,
}

impl Plot for HeatmapPlot<'_> {
    fn size(&self) -> (u32, u32) {
        (1200, 800 + NOTE_H)
    }
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), FigureError> {
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let (_, h) = root.dim_in_pixel();
        let (top, note) = root.split_vertically(h.saturating_sub(NOTE_H));
        let (chart, bar) = top.split_horizontally(1000);
        let (min, max) = heatmap(
            self.analysis,
            self.outcome,
            self.axes.0,
            self.axes.1,
            &self.title,
            self.analysis.noise(self.outcome).standard_error,
            &chart,
        )?;
        colour_bar(&self.label, min, max, &bar)?;
        noise_note(&self.analysis.noise(self.outcome), &note)
    }
}

/// A vertical colour bar from `min` (bottom) to `max` (top), labelled with the outcome.
fn colour_bar<DB: DrawingBackend>(
    label: &str,
    min: f64,
    max: f64,
    area: &DrawingArea<DB, Shift>,
) -> Result<(), FigureError> {
    let e = |x: DrawingAreaErrorKind<DB::ErrorType>| x.to_string();
    let (x0, x1, y0, y1) = (20, 44, 110, 700);
    let mut y = 50;
    for line in super::format::wrap(label, 24) {
        area.draw(&Text::new(line, (10, y), ("sans-serif", 13).into_font()))
            .map_err(e)?;
        y += 16;
    }
    let steps = 80;
    for k in 0..steps {
        let a = y1 - (y1 - y0) * k / steps;
        let b = y1 - (y1 - y0) * (k + 1) / steps;
        let t = (k as f64 + 0.5) / steps as f64;
        area.draw(&Rectangle::new([(x0, b), (x1, a)], sequential(t).filled()))
            .map_err(e)?;
    }
    area.draw(&Rectangle::new([(x0, y0), (x1, y1)], BLACK.stroke_width(1)))
        .map_err(e)?;
    for k in 0..=4 {
        let t = k as f64 / 4.0;
        let y = y1 - ((y1 - y0) as f64 * t).round() as i32;
        area.draw(&PathElement::new(vec![(x1, y), (x1 + 5, y)], BLACK))
            .map_err(e)?;
        area.draw(&Text::new(
            number(min + (max - min) * t),
            (x1 + 8, y - 7),
            ("sans-serif", 13).into_font(),
        ))
        .map_err(e)?;
    }
    Ok(())
}

/// Every sweep picture, in order (tornado then heatmap, outcome by outcome), drawn in the
/// formats asked for and, when `report` is true, the one the report embeds.
pub fn figures(
    plan: &Plan,
    analysis: &Analysis,
    format: PlotFormat,
    report: bool,
) -> Result<Vec<Figure>, super::FigureError> {
    let mut figures = Vec::new();
    let grid = plan.sweep.spec.design == Design::Grid && analysis.parameters.len() >= 2;
    let sobol = matches!(plan.sweep.spec.design, Design::Sobol { .. });
    for (oi, o) in analysis.outcomes.iter().enumerate() {
        let ranked = analysis.ranked(oi);
        let label = plan.outcome_label(o);
        let what = if sobol {
            "first-order and total Sobol indices"
        } else {
            "partial rank correlation coefficients"
        };
        let caption = format!(
            "What drives {label}: each parameter's {what} with 95 % intervals, strongest first. {}",
            noise_sentence(&analysis.noise(oi))
        );
        let tornado = TornadoPlot {
            ranked,
            title: format!("What drives {label}"),
            noise: analysis.noise(oi),
        };
        figures.push(render(
            &tornado,
            &format!("tornado-{}", file_stem(o)),
            &caption,
            format,
            report,
        )?);
        if grid {
            let axes = analysis_pair(analysis, &tornado.ranked);
            let heat = HeatmapPlot {
                analysis,
                outcome: oi,
                axes,
                title: format!(
                    "{label}: mean per cell (darker = more; the scale spans at least 4 standard errors)"
                ),
                label: format!("mean {label}"),
            };
            let caption = format!(
                "Mean {label} over the replicates and the other parameters, by {} and {}, the two parameters that drive it most. {}",
                analysis.parameters[axes.0],
                analysis.parameters[axes.1],
                noise_sentence(&analysis.noise(oi))
            );
            figures.push(render(
                &heat,
                &format!("heatmap-{}", file_stem(o)),
                &caption,
                format,
                report,
            )?);
        }
    }
    Ok(figures)
}

/// The indices of the two parameters ranked first, in spec order.
fn analysis_pair(a: &Analysis, ranked: &[&Sensitivity]) -> (usize, usize) {
    let idx = |r: &Sensitivity| {
        a.parameters
            .iter()
            .position(|p| *p == r.parameter)
            .unwrap_or(0)
    };
    let (x, y) = (idx(ranked[0]), idx(ranked[1]));
    (x.min(y), x.max(y))
}

fn tornado<DB: DrawingBackend>(
    ranked: &[&Sensitivity],
    title: &str,
    root: &DrawingArea<DB, Shift>,
) -> Result<(), FigureError> {
    let e = |x: DrawingAreaErrorKind<DB::ErrorType>| x.to_string();
    root.fill(&WHITE).map_err(e)?;
    let n = ranked.len();
    let sobol = ranked.first().is_some_and(|r| r.sobol.is_some());
    let (lo, hi, x_desc) = if sobol {
        let lo = ranked
            .iter()
            .filter_map(|r| r.sobol.map(|s| s.first.low.min(s.total.low)))
            .fold(0.0f64, f64::min);
        let hi = ranked
            .iter()
            .filter_map(|r| r.sobol.map(|s| s.first.high.max(s.total.high)))
            .fold(1.0f64, f64::max);
        (
            lo - 0.05,
            hi + 0.05,
            "Sobol index: share of the outcome's variance (first-order: the parameter alone; total: with its interactions)",
        )
    } else {
        (
            -1.05,
            1.05,
            "partial rank correlation with the outcome (−1 to 1; 0 = no monotone effect)",
        )
    };
    let labels: Vec<String> = ranked.iter().map(|r| r.parameter.clone()).collect();
    let mut chart = ChartBuilder::on(root)
        .caption(title, ("sans-serif", 24))
        .margin(15)
        .x_label_area_size(50)
        .y_label_area_size(420)
        .build_cartesian_2d(lo..hi, -0.5..n as f64 - 0.5)
        .map_err(e)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(4 * n)
        .y_label_formatter(&|y| {
            let i = y.round() as isize;
            let k = n as isize - 1 - i;
            if (y - y.round()).abs() < 1e-6 && k >= 0 && (k as usize) < labels.len() {
                labels[k as usize].clone()
            } else {
                String::new()
            }
        })
        .x_desc(x_desc)
        .label_style(("sans-serif", 14))
        .draw()
        .map_err(e)?;
    chart
        .draw_series([PathElement::new(
            vec![(0.0, -0.5), (0.0, n as f64 - 0.5)],
            BLACK.stroke_width(1),
        )])
        .map_err(e)?;
    let first = OKABE_ITO[4];
    let total = OKABE_ITO[0];
    let bar = |chart: &mut ChartContext<'_, DB, _>,
               y0: f64,
               y1: f64,
               i: &crate::experiment::sweep::sensitivity::Index,
               color: RGBColor|
     -> Result<(), FigureError> {
        chart
            .draw_series([Rectangle::new([(0.0, y0), (i.value, y1)], color.filled())])
            .map_err(e)?;
        let y = (y0 + y1) / 2.0;
        chart
            .draw_series([PathElement::new(
                vec![(i.low, y), (i.high, y)],
                BLACK.stroke_width(2),
            )])
            .map_err(e)?;
        for x in [i.low, i.high] {
            chart
                .draw_series([PathElement::new(
                    vec![(x, y - (y1 - y0) / 4.0), (x, y + (y1 - y0) / 4.0)],
                    BLACK.stroke_width(2),
                )])
                .map_err(e)?;
        }
        Ok(())
    };
    for (k, r) in ranked.iter().enumerate() {
        let y = (n - 1 - k) as f64;
        match (&r.sobol, &r.prcc) {
            (Some(s), _) => {
                bar(&mut chart, y + 0.02, y + 0.36, &s.first, first)?;
                bar(&mut chart, y - 0.36, y - 0.02, &s.total, total)?;
            }
            (None, Some(p)) => bar(&mut chart, y - 0.3, y + 0.3, p, first)?,
            _ => {}
        }
    }
    if sobol {
        chart
            .draw_series(std::iter::empty::<Rectangle<(f64, f64)>>())
            .map_err(e)?
            .label("first-order index, 95 % interval")
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], first.filled()));
        chart
            .draw_series(std::iter::empty::<Rectangle<(f64, f64)>>())
            .map_err(e)?
            .label("total index, 95 % interval")
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], total.filled()));
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::LowerRight)
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK)
            .label_font(("sans-serif", 13))
            .draw()
            .map_err(e)?;
    }
    Ok(())
}

/// Levels of a grid parameter, sorted.
fn levels(values: &[Vec<f64>], i: usize) -> Vec<f64> {
    let mut l: Vec<f64> = values.iter().map(|v| v[i]).collect();
    l.sort_by(f64::total_cmp);
    l.dedup();
    l
}

fn heatmap<DB: DrawingBackend>(
    a: &Analysis,
    outcome: usize,
    px: usize,
    py: usize,
    title: &str,
    se: f64,
    root: &DrawingArea<DB, Shift>,
) -> Result<(f64, f64), FigureError> {
    let e = |x: DrawingAreaErrorKind<DB::ErrorType>| x.to_string();
    let (lx, ly) = (levels(&a.point_values, px), levels(&a.point_values, py));
    // Mean over the points at each pair of levels (other parameters averaged out).
    let mut cells = vec![vec![(0.0, 0u32); ly.len()]; lx.len()];
    for (v, m) in a.point_values.iter().zip(&a.point_means) {
        let i = lx.iter().position(|x| *x == v[px]).unwrap_or(0);
        let j = ly.iter().position(|y| *y == v[py]).unwrap_or(0);
        cells[i][j].0 += m[outcome];
        cells[i][j].1 += 1;
    }
    let mean = |c: &(f64, u32)| c.0 / c.1.max(1) as f64;
    let all: Vec<f64> = cells.iter().flatten().map(mean).collect();
    let (min, max) = all
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(*v), b.max(*v))
        });
    // The colour scale spans at least four standard errors of a point's mean, so that noise
    // alone does not run from one end of the ramp to the other.
    let floor = 4.0 * se;
    let (min, max) = if floor.is_finite() && max - min < floor {
        let mid = (min + max) / 2.0;
        (mid - floor / 2.0, mid + floor / 2.0)
    } else {
        (min, max)
    };
    let span = if max > min { max - min } else { 1.0 };
    let mut chart = ChartBuilder::on(root)
        .caption(title, ("sans-serif", 22))
        .margin(15)
        .x_label_area_size(60)
        .y_label_area_size(90)
        .build_cartesian_2d(-0.5..lx.len() as f64 - 0.5, -0.5..ly.len() as f64 - 0.5)
        .map_err(e)?;
    let (xl, yl) = (lx.clone(), ly.clone());
    chart
        .configure_mesh()
        .disable_mesh()
        .x_labels(lx.len() * 4)
        .y_labels(ly.len() * 4)
        .x_label_formatter(&|x| level_label(&xl, *x))
        .y_label_formatter(&|y| level_label(&yl, *y))
        .x_desc(a.parameters[px].as_str())
        .y_desc(a.parameters[py].as_str())
        .label_style(("sans-serif", 14))
        .draw()
        .map_err(e)?;
    for (i, col) in cells.iter().enumerate() {
        for (j, c) in col.iter().enumerate() {
            let v = mean(c);
            let t = (v - min) / span;
            let (x, y) = (i as f64, j as f64);
            chart
                .draw_series([Rectangle::new(
                    [(x - 0.5, y - 0.5), (x + 0.5, y + 0.5)],
                    sequential(t).filled(),
                )])
                .map_err(e)?;
            let ink = if t > 0.55 { WHITE } else { BLACK };
            chart
                .draw_series([Text::new(
                    number(v),
                    (x - 0.12, y),
                    ("sans-serif", 16).into_font().color(&ink),
                )])
                .map_err(e)?;
        }
    }
    Ok((min, max))
}

fn level_label(levels: &[f64], x: f64) -> String {
    let i = x.round();
    if (x - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < levels.len() {
        number(levels[i as usize])
    } else {
        String::new()
    }
}
