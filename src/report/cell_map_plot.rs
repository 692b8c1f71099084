//! A quantity per grid cell on the real map, as small multiples (one panel per year): cells
//! shaded on the colour-blind-safe sequential ramp over country outlines, region borders,
//! parks and towns drawn as `sahelsim map` draws them.

use super::FigureError;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::figure::{Plot, err};
use super::map_plot::{Edges, border_edges, country_rings, labelled};
use super::palette::{OKABE_ITO, sequential};
use super::timeseries_plot::axis_number;
use crate::geo::SahelMap;

/// How values map to colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// Linear from 0 to the maximum.
    Linear,
    /// `ln(1 + v)`, for counts spread over orders of magnitude.
    Log,
}

/// One quantity per cell, one panel per period.
pub struct CellMapPlot<'a> {
    /// The map the values belong to.
    pub map: &'a SahelMap,
    /// The figure's title.
    pub title: String,
    /// The colour bar's label: quantity and unit.
    pub legend: String,
    /// Panels: a label (the year) and one value per grid cell.
    pub panels: Vec<(String, Vec<f64>)>,
    /// Colour scale.
    pub scale: Scale,
}

/// Width of one panel, pixels (a single panel is drawn larger).
const PANEL_W: u32 = 560;
const SINGLE_W: u32 = 1000;

impl CellMapPlot<'_> {
    fn columns(&self) -> u32 {
        match self.panels.len() {
            0 | 1 => 1,
            2 | 4 => 2,
            _ => 3,
        }
    }
    fn panel_w(&self) -> u32 {
        if self.columns() == 1 {
            SINGLE_W
        } else {
            PANEL_W
        }
    }
    fn panel_h(&self) -> u32 {
        let g = &self.map.grid;
        (self.panel_w() as f64 * g.height as f64 / g.width as f64).round() as u32 + 40
    }
    fn max(&self) -> f64 {
        self.panels
            .iter()
            .flat_map(|(_, v)| v.iter().copied())
            .filter(|v| v.is_finite())
            .fold(0.0, f64::max)
    }
    fn t(&self, v: f64, max: f64) -> f64 {
        if max <= 0.0 {
            return 0.0;
        }
        match self.scale {
            Scale::Linear => v / max,
            Scale::Log => (1.0 + v).ln() / (1.0 + max).ln(),
        }
    }
}

impl Plot for CellMapPlot<'_> {
    fn size(&self) -> (u32, u32) {
        let cols = self.columns();
        let rows = (self.panels.len() as u32).div_ceil(cols).max(1);
        (cols * self.panel_w() + 20, 50 + rows * self.panel_h() + 100)
    }

    fn raster(&self) -> bool {
        true
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), FigureError> {
        root.fill(&WHITE).map_err(err)?;
        let area = root.titled(&self.title, ("sans-serif", 24)).map_err(err)?;
        let (_, h) = area.dim_in_pixel();
        let (maps, bar) = area.split_vertically(h.saturating_sub(100));
        let cols = self.columns() as usize;
        let rows = self.panels.len().div_ceil(cols).max(1);
        let max = self.max();
        let (region_edges, _) = border_edges(&self.map.grid);
        let rings = country_rings(self.map);
        for ((label, values), cell) in self.panels.iter().zip(maps.split_evenly((rows, cols))) {
            self.panel(label, values, max, &region_edges, &rings, &cell)?;
        }
        self.colour_bar(max, &bar)
    }
}

impl CellMapPlot<'_> {
    fn panel<DB: DrawingBackend>(
        &self,
        label: &str,
        values: &[f64],
        max: f64,
        region_edges: &Edges,
        rings: &[Vec<(f64, f64)>],
        area: &DrawingArea<DB, Shift>,
    ) -> Result<(), FigureError> {
        let g = &self.map.grid;
        let r = g.resolution;
        let (west, south) = (g.west, g.south);
        let east = west + g.width as f64 * r;
        let north = south + g.height as f64 * r;
        let mut chart = ChartBuilder::on(area)
            .caption(label, ("sans-serif", 18))
            .margin(6)
            .build_cartesian_2d(west..east, south..north)
            .map_err(err)?;
        // Countries in light grey, then the cells with a value.
        chart
            .draw_series(
                rings
                    .iter()
                    .map(|ring| Polygon::new(ring.clone(), RGBColor(238, 238, 238).filled())),
            )
            .map_err(err)?;
        let cells = g
            .cells
            .iter()
            .zip(values)
            .filter(|(c, v)| c.in_study_area && self.t(**v, max) > 0.01)
            .map(|(c, &v)| {
                Rectangle::new(
                    [
                        (c.lon - r / 2.0, c.lat - r / 2.0),
                        (c.lon + r / 2.0, c.lat + r / 2.0),
                    ],
                    sequential(self.t(v, max)).filled(),
                )
            });
        chart.draw_series(cells).map_err(err)?;
        let region_style = RGBColor(130, 130, 130).stroke_width(1);
        chart
            .draw_series(
                region_edges
                    .iter()
                    .map(|e| PathElement::new(e.clone(), region_style)),
            )
            .map_err(err)?;
        let park_style = OKABE_ITO[2].stroke_width(2);
        chart
            .draw_series(self.map.data.parks.iter().map(|p| {
                let mut pts: Vec<(f64, f64)> = p.polygon.iter().map(|&(la, lo)| (lo, la)).collect();
                if let Some(&first) = pts.first() {
                    pts.push(first);
                }
                PathElement::new(pts, park_style)
            }))
            .map_err(err)?;
        chart
            .draw_series(
                rings
                    .iter()
                    .map(|ring| PathElement::new(ring.clone(), BLACK.stroke_width(1))),
            )
            .map_err(err)?;
        let towns = self.map.data.towns.iter().filter(|t| labelled(t));
        chart
            .draw_series(towns.clone().map(|t| {
                EmptyElement::at((t.at.1, t.at.0))
                    + Circle::new((0, 0), 3, BLACK.filled())
                    + Circle::new((0, 0), 3, WHITE.stroke_width(1))
            }))
            .map_err(err)?;
        chart
            .draw_series(towns.filter(|t| t.population >= 100_000).map(|t| {
                Text::new(
                    t.name.clone(),
                    (t.at.1 + 0.12, t.at.0 + 0.05),
                    ("sans-serif", 11).into_font(),
                )
            }))
            .map_err(err)?;
        Ok(())
    }

    fn colour_bar<DB: DrawingBackend>(
        &self,
        max: f64,
        area: &DrawingArea<DB, Shift>,
    ) -> Result<(), FigureError> {
        let (w, _) = area.dim_in_pixel();
        let (x0, x1) = (40i32, (w as i32 - 40).min(760));
        let steps = 60;
        for k in 0..steps {
            let t = k as f64 / steps as f64;
            let a = x0 + ((x1 - x0) as f64 * t) as i32;
            let b = x0 + ((x1 - x0) as f64 * (k + 1) as f64 / steps as f64) as i32;
            area.draw(&Rectangle::new([(a, 28), (b, 48)], sequential(t).filled()))
                .map_err(err)?;
        }
        area.draw(&Rectangle::new([(x0, 28), (x1, 48)], BLACK.stroke_width(1)))
            .map_err(err)?;
        for k in 0..=4 {
            let t = k as f64 / 4.0;
            let v = match self.scale {
                Scale::Linear => max * t,
                Scale::Log => (t * (1.0 + max).ln()).exp() - 1.0,
            };
            let x = x0 + ((x1 - x0) as f64 * t) as i32;
            area.draw(&PathElement::new(vec![(x, 48), (x, 54)], BLACK))
                .map_err(err)?;
            area.draw(&Text::new(
                axis_number(v),
                (x - 10, 58),
                ("sans-serif", 13).into_font(),
            ))
            .map_err(err)?;
        }
        area.draw(&Text::new(
            format!(
                "{}{}; blank: none (under 1 % of the scale)",
                self.legend,
                if self.scale == Scale::Log {
                    " (log scale)"
                } else {
                    ""
                }
            ),
            (x0, 6),
            ("sans-serif", 15).into_font(),
        ))
        .map_err(err)?;
        area.draw(&Text::new(
            "black lines: country borders; grey: regions (approximate); green: parks and reserves; dots: towns",
            (x0, 78),
            ("sans-serif", 13).into_font(),
        ))
        .map_err(err)?;
        Ok(())
    }
}
