//! The forest plot of a comparison: for each outcome and scenario, the paired difference from
//! the base as a relative change (percent of the base mean) with its 95 % confidence interval.
//! A filled dot marks an interval that excludes 0; the axis spans every interval drawn.

use super::FigureError;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::figure::{Plot, err};
use super::format::compact;
use super::palette::OKABE_ITO;

/// One estimate: relative change and its 95 % interval, percent.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// Paired difference over the base mean, percent.
    pub change: f64,
    /// Lower end of the 95 % interval, percent.
    pub lo: f64,
    /// Upper end, percent.
    pub hi: f64,
}

impl Estimate {
    fn significant(&self) -> bool {
        self.lo > 0.0 || self.hi < 0.0
    }
}

/// Outcomes down, scenarios as colours.
#[derive(Debug, Clone)]
pub struct ForestPlot {
    /// The figure's title.
    pub title: String,
    /// Outcome labels, top to bottom.
    pub outcomes: Vec<String>,
    /// Scenario names (without the base).
    pub scenarios: Vec<String>,
    /// `estimates[outcome][scenario]`; `None` where the base mean is 0.
    pub estimates: Vec<Vec<Option<Estimate>>>,
    /// What the lines are, for the axis: e.g. "95 % confidence interval".
    pub interval: String,
}

impl ForestPlot {
    /// The colour of scenario `s` (the base, which is not drawn, takes black elsewhere).
    pub fn color(s: usize) -> RGBColor {
        // Skip black (the base's colour) and yellow (too light for thin lines).
        const ORDER: [usize; 6] = [0, 4, 5, 2, 6, 1];
        OKABE_ITO[ORDER[s % ORDER.len()]]
    }

    /// The horizontal axis's range, percent: every drawn interval and zero, with a margin,
    /// widened to at least ±1 % so that a tiny effect is not magnified into noise.
    pub fn limits(&self) -> (f64, f64) {
        let (lo, hi) = self
            .estimates
            .iter()
            .flatten()
            .flatten()
            .filter(|e| e.change.is_finite() && e.lo.is_finite() && e.hi.is_finite())
            .fold((0.0f64, 0.0f64), |(a, b), e| {
                (a.min(e.lo).min(e.change), b.max(e.hi).max(e.change))
            });
        let (lo, hi) = (lo.min(-1.0), hi.max(1.0));
        let pad = 0.06 * (hi - lo);
        (lo - pad, hi + pad)
    }

    fn y(&self, o: usize, s: usize) -> f64 {
        let per = self.scenarios.len() as f64 + 1.0;
        let n = self.outcomes.len() as f64 * per;
        n - (o as f64 * per + s as f64 + 1.0)
    }
}

impl Plot for ForestPlot {
    fn size(&self) -> (u32, u32) {
        let rows = self.outcomes.len() * (self.scenarios.len() + 1);
        (
            1400,
            190 + 20 * rows as u32 + 24 * self.scenarios.len() as u32,
        )
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), FigureError> {
        root.fill(&WHITE).map_err(err)?;
        let per = self.scenarios.len() + 1;
        let n = (self.outcomes.len() * per) as f64;
        let limits = self.limits();
        let mut chart = ChartBuilder::on(root)
            .caption(&self.title, ("sans-serif", 22))
            .margin(15)
            .margin_right(45)
            .x_label_area_size(50)
            .y_label_area_size(400)
            .build_cartesian_2d(limits.0..limits.1, -0.5..n)
            .map_err(err)?;
        let outcomes = &self.outcomes;
        let s_count = self.scenarios.len();
        chart
            .configure_mesh()
            .disable_y_mesh()
            .set_tick_mark_size(LabelAreaPosition::Left, 0)
            .light_line_style(RGBColor(238, 238, 238))
            .y_labels(4 * (n as usize) + 1)
            .y_label_formatter(&|y| {
                // The label sits at the middle of the outcome's block.
                let mid = (s_count as f64 + 1.0) / 2.0;
                for (o, label) in outcomes.iter().enumerate() {
                    let centre = n - (o as f64 * (s_count as f64 + 1.0) + mid);
                    if (y - centre).abs() < 0.13 {
                        return label.clone();
                    }
                }
                String::new()
            })
            .x_label_formatter(&|x| {
                let v = compact(*x);
                if *x > 0.0 {
                    format!("+{v} %")
                } else {
                    format!("{v} %")
                }
            })
            .x_desc(format!(
                "change from the base over the policy period, percent of the base mean ({})",
                self.interval
            ))
            .label_style(("sans-serif", 14))
            .axis_desc_style(("sans-serif", 14))
            .draw()
            .map_err(err)?;
        chart
            .draw_series([PathElement::new(
                vec![(0.0, -0.5), (0.0, n)],
                BLACK.stroke_width(1),
            )])
            .map_err(err)?;
        for (s, name) in self.scenarios.iter().enumerate() {
            let color = Self::color(s);
            let clamp = |v: f64| v.clamp(limits.0, limits.1);
            let points: Vec<(f64, f64, Estimate)> = self
                .estimates
                .iter()
                .enumerate()
                .filter_map(|(o, row)| {
                    row.get(s)
                        .copied()
                        .flatten()
                        .map(|e| (self.y(o, s), 0.0, e))
                })
                .filter(|(_, _, e)| e.change.is_finite() && e.lo.is_finite() && e.hi.is_finite())
                .collect();
            chart
                .draw_series(points.iter().map(|&(y, _, e)| {
                    PathElement::new(
                        vec![(clamp(e.lo), y), (clamp(e.hi), y)],
                        color.stroke_width(3),
                    )
                }))
                .map_err(err)?
                .label(name)
                .legend(move |(x, y)| Circle::new((x + 8, y), 5, color.filled()));
            chart
                .draw_series(points.iter().map(|&(y, _, e)| {
                    let style = if e.significant() {
                        color.filled()
                    } else {
                        WHITE.filled()
                    };
                    EmptyElement::at((clamp(e.change), y))
                        + Circle::new((0, 0), 6, style)
                        + Circle::new((0, 0), 6, color.stroke_width(2))
                }))
                .map_err(err)?;
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::LowerRight)
            .background_style(WHITE.mix(0.9))
            .border_style(RGBColor(180, 180, 180))
            .label_font(("sans-serif", 14))
            .draw()
            .map_err(err)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn forest(estimates: Vec<Option<Estimate>>) -> ForestPlot {
        ForestPlot {
            interval: "95 % confidence interval".to_string(),
            title: String::new(),
            outcomes: (0..estimates.len()).map(|k| k.to_string()).collect(),
            scenarios: vec!["policy".into()],
            estimates: estimates.into_iter().map(|e| vec![e]).collect(),
        }
    }

    #[test]
    fn the_axis_fits_small_and_large_effects() {
        let small = forest(vec![
            Some(Estimate {
                change: -2.0,
                lo: -3.5,
                hi: -0.5,
            }),
            Some(Estimate {
                change: 1.0,
                lo: -0.2,
                hi: 2.5,
            }),
            None,
        ]);
        let (lo, hi) = small.limits();
        assert!(lo < -3.5 && lo > -5.0 && hi > 2.5 && hi < 4.0, "{lo} {hi}");
        let large = forest(vec![Some(Estimate {
            change: 250.0,
            lo: 180.0,
            hi: 320.0,
        })]);
        let (lo, hi) = large.limits();
        assert!(lo <= 0.0 && hi >= 320.0, "{lo} {hi}");
    }
}
