//! The validation picture: each calibration target's band with the simulated 90 % interval
//! and mean, on a common scale where the band runs from 0 to 1.

use super::FigureError;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::PlotFormat;
use super::figure::{Figure, Plot, render};
use super::format::number;
use super::palette::OKABE_ITO;
use super::validate_report::mean_text;
use crate::experiment::validation::TargetResult;

/// Display range of the common scale.
const X_RANGE: (f64, f64) = (-1.5, 2.5);

/// The validation picture of `results` under `title`.
pub struct ValidationPlot<'a> {
    /// The targets drawn, top to bottom.
    pub results: &'a [TargetResult],
    /// The figure's title.
    pub title: String,
}

impl Plot for ValidationPlot<'_> {
    fn size(&self) -> (u32, u32) {
        (1300, 230 + 48 * self.results.len() as u32)
    }
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), FigureError> {
        draw(self.results, &self.title, root)
    }
}

/// Draws `results` as `validation.png` / `.svg` (the formats `format` asks for, and the one
/// the report embeds when `report` is true).
pub fn validation_figure(
    results: &[TargetResult],
    title: &str,
    format: PlotFormat,
    report: bool,
) -> Result<Figure, super::FigureError> {
    let caption = "Each calibration target's band (grey, rescaled so that it runs from 0 to 1) with the simulated mean (dot) and 90 % interval across replicates (line): blue where the mean lies in the band, vermillion where it misses.";
    render(
        &ValidationPlot {
            results,
            title: title.to_string(),
        },
        "validation",
        caption,
        format,
        report,
    )
}

fn scale(r: &TargetResult, v: f64) -> f64 {
    ((v - r.target.lo) / (r.target.hi - r.target.lo)).clamp(X_RANGE.0, X_RANGE.1)
}

fn draw<DB: DrawingBackend>(
    results: &[TargetResult],
    title: &str,
    root: &DrawingArea<DB, Shift>,
) -> Result<(), FigureError> {
    let e = |x: DrawingAreaErrorKind<DB::ErrorType>| x.to_string();
    root.fill(&WHITE).map_err(e)?;
    let n = results.len() as f64;
    let mut chart = ChartBuilder::on(root)
        .caption(title, ("sans-serif", 24))
        .margin(15)
        .x_label_area_size(50)
        .y_label_area_size(430)
        .build_cartesian_2d(X_RANGE.0..X_RANGE.1, -1.6..n - 0.5)
        .map_err(e)?;
    let labels: Vec<String> = results
        .iter()
        .map(|r| format!("{} {}", r.target.id, short(r.target.fact)))
        .collect();
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(4 * results.len())
        .y_label_formatter(&|y| {
            let i = y.round() as isize;
            let k = results.len() as isize - 1 - i;
            if (y - y.round()).abs() < 1e-6 && k >= 0 && (k as usize) < labels.len() {
                labels[k as usize].clone()
            } else {
                String::new()
            }
        })
        .x_desc("position relative to the target band (0 = lower edge, 1 = upper edge)")
        .label_style(("sans-serif", 14))
        .draw()
        .map_err(e)?;
    let band = RGBColor(200, 200, 200);
    let pass = OKABE_ITO[4];
    let fail = OKABE_ITO[5];
    for (i, r) in results.iter().enumerate() {
        let y = n - 1.0 - i as f64;
        chart
            .draw_series([Rectangle::new(
                [(0.0, y - 0.3), (1.0, y + 0.3)],
                band.filled(),
            )])
            .map_err(e)?;
        if r.mean.is_nan() {
            continue;
        }
        let color = if r.pass { pass } else { fail };
        chart
            .draw_series([PathElement::new(
                vec![(scale(r, r.p05), y), (scale(r, r.p95), y)],
                color.stroke_width(3),
            )])
            .map_err(e)?;
        chart
            .draw_series([Circle::new((scale(r, r.mean), y), 6, color.filled())])
            .map_err(e)?;
        let text = format!(
            "{} (band {}–{})",
            mean_text(r),
            number(r.target.lo),
            number(r.target.hi)
        );
        chart
            .draw_series([Text::new(
                text,
                (1.6, y + 0.15),
                ("sans-serif", 13).into_font(),
            )])
            .map_err(e)?;
    }
    // Legend.
    chart
        .draw_series(std::iter::empty::<Rectangle<(f64, f64)>>())
        .map_err(e)?
        .label("target band")
        .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], band.filled()));
    chart
        .draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())
        .map_err(e)?
        .label("simulated mean and 90 % interval: met")
        .legend(move |(x, y)| Circle::new((x + 7, y), 5, pass.filled()));
    chart
        .draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())
        .map_err(e)?
        .label("simulated mean and 90 % interval: missed")
        .legend(move |(x, y)| Circle::new((x + 7, y), 5, fail.filled()));
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerMiddle)
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .label_font(("sans-serif", 13))
        .draw()
        .map_err(e)?;
    Ok(())
}

fn short(fact: &str) -> String {
    // Cut at a word, never inside one.
    let lines = super::format::wrap(fact, 58);
    match lines.as_slice() {
        [one] => one.clone(),
        [first, ..] => format!("{first} …"),
        [] => String::new(),
    }
}
