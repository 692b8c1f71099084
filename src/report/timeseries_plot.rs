//! Time series as small multiples: one panel per outcome, each line the replicate mean with a
//! shaded 90 % band (5th to 95th percentile across replicates), or a paired difference with
//! its 95 % confidence band. Used for a run's outcomes by month, for every scenario of a
//! comparison overlaid and their paired differences from the base (with the policy's start
//! marked), and for a reference model's steps.

use super::FigureError;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::figure::{Plot, err};
use super::format::compact;
use crate::experiment::compare::paired;
use crate::record::summary::spread;

/// One line: a mean with its band (90 % of replicates, or a 95 % confidence interval).
#[derive(Debug, Clone)]
pub struct Line {
    /// Legend label.
    pub label: String,
    /// Colour.
    pub color: RGBColor,
    /// Horizontal positions.
    pub x: Vec<f64>,
    /// Mean across replicates.
    pub mean: Vec<f64>,
    /// Lower end of the band (5th percentile, or of the 95 % confidence interval).
    pub lo: Vec<f64>,
    /// Upper end of the band.
    pub hi: Vec<f64>,
}

impl Line {
    /// A line from every replicate's values, `values[replicate][t]` (replicates of unequal
    /// length are cut to the shortest).
    pub fn from_replicates(label: &str, color: RGBColor, x: &[f64], values: &[Vec<f64>]) -> Self {
        let n = values.iter().map(Vec::len).min().unwrap_or(0).min(x.len());
        let (mut mean, mut lo, mut hi) = (Vec::new(), Vec::new(), Vec::new());
        for t in 0..n {
            let s = spread(values.iter().map(|r| r[t]).collect());
            mean.push(s.mean);
            lo.push(s.p05);
            hi.push(s.p95);
        }
        Self {
            label: label.to_string(),
            color,
            x: x[..n].to_vec(),
            mean,
            lo,
            hi,
        }
    }
}

impl Line {
    /// The paired difference `other − base` at each time, replicate by replicate (common
    /// random numbers), as its mean with a 95 % confidence band (Student's t);
    /// `base[replicate][t]`, `other[replicate][t]`.
    pub fn paired_difference(
        label: &str,
        color: RGBColor,
        x: &[f64],
        base: &[Vec<f64>],
        other: &[Vec<f64>],
    ) -> Self {
        let n = base
            .iter()
            .chain(other)
            .map(Vec::len)
            .min()
            .unwrap_or(0)
            .min(x.len());
        let (mut mean, mut lo, mut hi) = (Vec::new(), Vec::new(), Vec::new());
        for t in 0..n {
            let b: Vec<f64> = base.iter().map(|r| r[t]).collect();
            let o: Vec<f64> = other.iter().map(|r| r[t]).collect();
            let p = paired(&b, &o);
            mean.push(p.diff);
            lo.push(p.lo);
            hi.push(p.hi);
        }
        Self {
            label: label.to_string(),
            color,
            x: x[..n].to_vec(),
            mean,
            lo,
            hi,
        }
    }
}

/// One panel: an outcome, its unit and its lines.
#[derive(Debug, Clone)]
pub struct Panel {
    /// What the panel shows.
    pub title: String,
    /// The vertical axis: quantity and unit.
    pub y_desc: String,
    /// The lines.
    pub lines: Vec<Line>,
}

/// Panels in a grid under a common title.
#[derive(Debug, Clone)]
pub struct TimeSeriesPlot {
    /// The figure's title.
    pub title: String,
    /// The horizontal axis, e.g. "year (monthly values)".
    pub x_desc: String,
    /// Panels, row by row.
    pub panels: Vec<Panel>,
    /// Panels per row.
    pub columns: usize,
    /// A moment marked on every panel by a dashed vertical line, with its label (a policy's
    /// start).
    pub marker: Option<(f64, String)>,
}

impl Plot for TimeSeriesPlot {
    fn size(&self) -> (u32, u32) {
        let cols = self.columns.max(1);
        let rows = self.panels.len().div_ceil(cols).max(1) as u32;
        (if cols == 1 { 1000 } else { 1500 }, 60 + rows * 430)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), FigureError> {
        root.fill(&WHITE).map_err(err)?;
        let area = root.titled(&self.title, ("sans-serif", 26)).map_err(err)?;
        let cols = self.columns.max(1);
        let rows = self.panels.len().div_ceil(cols).max(1);
        let cells = area.split_evenly((rows, cols));
        for (panel, cell) in self.panels.iter().zip(cells.iter()) {
            draw_panel(panel, &self.x_desc, self.marker.as_ref(), cell)?;
        }
        Ok(())
    }
}

fn draw_panel<DB: DrawingBackend>(
    p: &Panel,
    x_desc: &str,
    marker: Option<&(f64, String)>,
    area: &DrawingArea<DB, Shift>,
) -> Result<(), FigureError> {
    let xs = p.lines.iter().flat_map(|l| l.x.iter().copied());
    let (x0, x1) = xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
        (a.min(x), b.max(x))
    });
    let (x0, x1) = if x0.is_finite() && x1 > x0 {
        (x0, x1)
    } else {
        (0.0, 1.0)
    };
    // The vertical range holds zero, every band and every mean.
    let (y_min, y_max) = p
        .lines
        .iter()
        .flat_map(|l| l.hi.iter().chain(&l.mean).chain(&l.lo))
        .copied()
        .filter(|v| v.is_finite())
        .fold((0.0, 0.0), |(a, b): (f64, f64), v| (a.min(v), b.max(v)));
    let pad = 0.08 * (y_max - y_min);
    let (y_min, y_max) = if y_max > y_min {
        (
            if y_min < 0.0 { y_min - pad } else { 0.0 },
            if y_max > 0.0 { y_max + pad } else { 0.0 },
        )
    } else {
        (0.0, 1.0)
    };
    let mut chart = ChartBuilder::on(area)
        .caption(&p.title, ("sans-serif", 19))
        .margin(12)
        .x_label_area_size(48)
        .y_label_area_size(78)
        .build_cartesian_2d(x0..x1, y_min..y_max)
        .map_err(err)?;
    let integer_x = x1 - x0 >= 2.0;
    chart
        .configure_mesh()
        .light_line_style(RGBColor(235, 235, 235))
        .bold_line_style(RGBColor(215, 215, 215))
        .x_desc(x_desc)
        .y_desc(&p.y_desc)
        // Whole years as labels over a span of years (at most one a year: ten labels over four
        // years would fall on half years and print each year twice).
        .x_labels(if integer_x {
            ((x1 - x0).floor() as usize + 1).min(10)
        } else {
            10
        })
        .y_labels(6)
        .x_label_formatter(&|x| {
            if integer_x {
                format!("{x:.0}")
            } else {
                month_label(*x)
            }
        })
        .y_label_formatter(&|y| compact(*y))
        .label_style(("sans-serif", 14))
        .axis_desc_style(("sans-serif", 15))
        .draw()
        .map_err(err)?;
    if y_min < 0.0 {
        chart
            .draw_series([PathElement::new(
                vec![(x0, 0.0), (x1, 0.0)],
                BLACK.stroke_width(1),
            )])
            .map_err(err)?;
    }
    if let Some((x, label)) = marker.filter(|(x, _)| (x0..=x1).contains(x)) {
        let dashes = 24;
        let step = (y_max - y_min) / dashes as f64;
        chart
            .draw_series((0..dashes).step_by(2).map(|k| {
                let y = y_min + k as f64 * step;
                PathElement::new(
                    vec![(*x, y), (*x, y + step)],
                    RGBColor(60, 60, 60).stroke_width(2),
                )
            }))
            .map_err(err)?;
        chart
            .draw_series([EmptyElement::at((*x, y_max))
                + Text::new(label.clone(), (5, 3), ("sans-serif", 13).into_font())])
            .map_err(err)?;
    }
    for l in &p.lines {
        if l.x.is_empty() {
            continue;
        }
        let mut band: Vec<(f64, f64)> = l.x.iter().copied().zip(l.hi.iter().copied()).collect();
        band.extend(l.x.iter().copied().zip(l.lo.iter().copied()).rev());
        chart
            .draw_series([Polygon::new(band, l.color.mix(0.22).filled())])
            .map_err(err)?;
    }
    for l in &p.lines {
        let color = l.color;
        chart
            .draw_series(LineSeries::new(
                l.x.iter().copied().zip(l.mean.iter().copied()),
                color.stroke_width(2),
            ))
            .map_err(err)?
            .label(&l.label)
            .legend(move |(x, y)| {
                Rectangle::new([(x, y - 5), (x + 18, y + 5)], color.mix(0.6).filled())
            });
    }
    if p.lines.len() > 1 || p.lines.first().is_some_and(|l| !l.label.is_empty()) {
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.85))
            .border_style(RGBColor(180, 180, 180))
            .label_font(("sans-serif", 13))
            .draw()
            .map_err(err)?;
    }
    Ok(())
}

/// "Mar 2017" for a fractional year inside March 2017.
fn month_label(x: f64) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let year = x.floor();
    let m = (((x - year) * 12.0).floor() as usize).min(11);
    format!("{} {year:.0}", MONTHS[m])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_has_the_mean_and_the_band_of_its_replicates() {
        let l = Line::from_replicates(
            "x",
            BLACK,
            &[0.0, 1.0],
            &[vec![1.0, 2.0], vec![3.0, 4.0], vec![5.0, 6.0, 7.0]],
        );
        assert_eq!(l.mean, vec![3.0, 4.0]);
        assert!((l.lo[0] - 1.2).abs() < 1e-12 && (l.hi[1] - 5.8).abs() < 1e-12);
    }

    #[test]
    fn month_labels_name_the_month() {
        assert_eq!(month_label(2017.0 + 2.5 / 12.0), "Mar 2017");
    }
}
