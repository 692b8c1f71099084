//! A quantity per grid cell on the real map, as small multiples (one panel per year): cells
//! shaded on the perceptually uniform sequential ramp (or, for a difference, the diverging
//! ramp centred on a neutral grey), with a colour bar in the quantity's unit, over country,
//! region and area outlines, parks, and the names of towns, areas and regions placed so that
//! none overlaps another or leaves its panel.

use super::FigureError;
use plotters::coord::Shift;
use plotters::prelude::*;

use plotters::coord::types::RangedCoordf64;

use super::figure::{Plot, err};
use super::format::compact;
use super::map_plot::{
    Edges, MapLabels, border_edges, chart_labels, country_rings, draw_labels, draw_outlines,
};
use super::palette::{NEUTRAL, diverging, sequential};
use crate::geo::SahelMap;

/// How values map to colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// Linear from 0 to the maximum.
    Linear,
    /// `ln(1 + v)`, for counts spread over orders of magnitude.
    Log,
    /// A signed difference on the diverging ramp, symmetric about zero (`ln(1 + |v|)` with
    /// its sign); cells at exactly zero (no difference, or one within noise) are neutral.
    Diverging,
}

/// One quantity per cell, one panel per period.
pub struct CellMapPlot<'a> {
    /// The map the values belong to.
    pub map: &'a SahelMap,
    /// The figure's title.
    pub title: String,
    /// The colour bar's label: quantity and unit.
    pub legend: String,
    /// What a neutral (grey) cell means, for the colour bar's note ("none" for counts).
    pub neutral: String,
    /// Panels: a label (the year) and one value per grid cell.
    pub panels: Vec<(String, Vec<f64>)>,
    /// Colour scale.
    pub scale: Scale,
}

/// The drawing areas of the panels, and the colour bar's.
type PanelsAndBar<DB> = (Vec<DrawingArea<DB, Shift>>, DrawingArea<DB, Shift>);

/// Width of one panel, pixels (a single panel is drawn larger).
const PANEL_W: u32 = 560;
const SINGLE_W: u32 = 1000;
/// Height of the colour bar and legend strip under the panels, pixels.
const BAR_H: u32 = 120;

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
    /// The largest magnitude over every panel (the end of the colour bar).
    pub fn max(&self) -> f64 {
        self.panels
            .iter()
            .flat_map(|(_, v)| v.iter().copied())
            .filter(|v| v.is_finite())
            .fold(0.0, |m, v| m.max(v.abs()))
    }
    /// Position of `v` on the colour bar: 0..=1, or −1..=1 for [`Scale::Diverging`].
    fn t(&self, v: f64, max: f64) -> f64 {
        if max <= 0.0 || !v.is_finite() {
            return 0.0;
        }
        match self.scale {
            Scale::Linear => v / max,
            Scale::Log => (1.0 + v.max(0.0)).ln() / (1.0 + max).ln(),
            Scale::Diverging => v.signum() * (1.0 + v.abs()).ln() / (1.0 + max).ln(),
        }
    }
    /// The value at position `t` of the colour bar (the inverse of `t`).
    fn value_at(&self, t: f64, max: f64) -> f64 {
        match self.scale {
            Scale::Linear => max * t,
            Scale::Log => (t * (1.0 + max).ln()).exp() - 1.0,
            Scale::Diverging => t.signum() * ((t.abs() * (1.0 + max).ln()).exp() - 1.0),
        }
    }
    /// The colour of a cell with value `v` (not drawn when zero: the country's neutral grey
    /// shows).
    pub fn colour(&self, v: f64, max: f64) -> RGBColor {
        if v == 0.0 || !v.is_finite() {
            return NEUTRAL;
        }
        match self.scale {
            Scale::Linear | Scale::Log => sequential(self.t(v, max)),
            Scale::Diverging => diverging(self.t(v, max)),
        }
    }
}

impl Plot for CellMapPlot<'_> {
    fn size(&self) -> (u32, u32) {
        let cols = self.columns();
        let rows = (self.panels.len() as u32).div_ceil(cols).max(1);
        (
            cols * self.panel_w() + 20,
            50 + rows * self.panel_h() + BAR_H,
        )
    }

    fn raster(&self) -> bool {
        true
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), FigureError> {
        root.fill(&WHITE).map_err(err)?;
        let (cells, bar) = self.areas(root)?;
        let max = self.max();
        let (region_edges, area_edges) = border_edges(&self.map.grid);
        let rings = country_rings(self.map);
        for ((label, values), cell) in self.panels.iter().zip(&cells) {
            self.panel(
                label,
                values,
                max,
                (&region_edges, &area_edges),
                &rings,
                cell,
            )?;
        }
        self.colour_bar(max, &bar)
    }
}

impl CellMapPlot<'_> {
    /// The chart of one panel: the grid's extent on `area`, with the panel's title.
    fn chart<'a, DB: DrawingBackend>(
        &self,
        label: &str,
        area: &'a DrawingArea<DB, Shift>,
    ) -> Result<ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>, FigureError>
    {
        let g = &self.map.grid;
        let r = g.resolution;
        let (west, south) = (g.west, g.south);
        let east = west + g.width as f64 * r;
        let north = south + g.height as f64 * r;
        Ok(ChartBuilder::on(area)
            .caption(label, ("sans-serif", 18))
            .margin(6)
            .build_cartesian_2d(west..east, south..north)
            .map_err(err)?)
    }

    /// The label layout of one panel's chart, in the pixels of `area`.
    fn labels<DB: DrawingBackend>(
        &self,
        chart: &ChartContext<'_, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
        area: &DrawingArea<DB, Shift>,
    ) -> MapLabels {
        chart_labels(self.map, chart, area, self.label_scale(), false)
    }

    /// Label fonts are larger on a single, larger panel.
    fn label_scale(&self) -> f64 {
        if self.columns() == 1 { 1.15 } else { 1.0 }
    }

    /// The panels' drawing areas, as [`Plot::draw`] lays them out, and the colour bar's.
    fn areas<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
    ) -> Result<PanelsAndBar<DB>, FigureError> {
        let area = root.titled(&self.title, ("sans-serif", 24)).map_err(err)?;
        let (_, h) = area.dim_in_pixel();
        let (maps, bar) = area.split_vertically(h.saturating_sub(BAR_H));
        let cols = self.columns() as usize;
        let rows = self.panels.len().div_ceil(cols).max(1);
        Ok((maps.split_evenly((rows, cols)), bar))
    }

    /// The label layout of every panel, as drawn (for tests: boxes inside their panel, none
    /// overlapping).
    pub fn label_layouts(&self) -> Result<Vec<MapLabels>, FigureError> {
        super::register_font();
        let mut svg = String::new();
        let root = SVGBackend::with_string(&mut svg, self.size()).into_drawing_area();
        let (cells, _) = self.areas(&root)?;
        let mut out = Vec::new();
        for ((label, _), cell) in self.panels.iter().zip(&cells) {
            let chart = self.chart(label, cell)?;
            out.push(self.labels(&chart, cell));
        }
        Ok(out)
    }

    fn panel<DB: DrawingBackend>(
        &self,
        label: &str,
        values: &[f64],
        max: f64,
        edges: (&Edges, &Edges),
        rings: &[Vec<(f64, f64)>],
        area: &DrawingArea<DB, Shift>,
    ) -> Result<(), FigureError> {
        let g = &self.map.grid;
        let r = g.resolution;
        let mut chart = self.chart(label, area)?;
        // Countries in the neutral grey of "none", then the cells with a value.
        chart
            .draw_series(
                rings
                    .iter()
                    .map(|ring| Polygon::new(ring.clone(), NEUTRAL.filled())),
            )
            .map_err(err)?;
        let cells = g
            .cells
            .iter()
            .zip(values)
            .filter(|(c, v)| c.in_study_area && **v > 0.0)
            .map(|(c, &v)| {
                Rectangle::new(
                    [
                        (c.lon - r / 2.0, c.lat - r / 2.0),
                        (c.lon + r / 2.0, c.lat + r / 2.0),
                    ],
                    self.colour(v, max).filled(),
                )
            });
        chart.draw_series(cells).map_err(err)?;
        draw_outlines(&mut chart, self.map, edges, rings)?;
        let labels = self.labels(&chart, area);
        draw_labels(&labels, area, self.label_scale())
    }

    fn colour_bar<DB: DrawingBackend>(
        &self,
        max: f64,
        area: &DrawingArea<DB, Shift>,
    ) -> Result<(), FigureError> {
        let (w, _) = area.dim_in_pixel();
        let (x0, x1) = (40i32, (w as i32 - 340).min(700));
        let (lo, steps) = match self.scale {
            Scale::Diverging => (-1.0, 120),
            _ => (0.0, 60),
        };
        let pos = |t: f64| x0 + ((x1 - x0) as f64 * (t - lo) / (1.0 - lo)).round() as i32;
        for k in 0..steps {
            let t = lo + (1.0 - lo) * k as f64 / steps as f64;
            let t1 = lo + (1.0 - lo) * (k + 1) as f64 / steps as f64;
            let colour = match self.scale {
                Scale::Diverging => diverging((t + t1) / 2.0),
                _ => sequential(t),
            };
            area.draw(&Rectangle::new(
                [(pos(t), 28), (pos(t1), 48)],
                colour.filled(),
            ))
            .map_err(err)?;
        }
        area.draw(&Rectangle::new([(x0, 28), (x1, 48)], BLACK.stroke_width(1)))
            .map_err(err)?;
        let ticks: Vec<f64> = match self.scale {
            Scale::Diverging => vec![-1.0, -0.5, 0.0, 0.5, 1.0],
            _ => vec![0.0, 0.25, 0.5, 0.75, 1.0],
        };
        let tick_font = ("sans-serif", 13).into_font();
        for t in ticks {
            let x = pos(t);
            let text = compact(self.value_at(t, max));
            let (tw, _) = tick_font.box_size(&text).unwrap_or((0, 0));
            area.draw(&PathElement::new(vec![(x, 48), (x, 54)], BLACK))
                .map_err(err)?;
            area.draw(&Text::new(text, (x - tw as i32 / 2, 58), tick_font.clone()))
                .map_err(err)?;
        }
        // The neutral swatch: what a grey cell means.
        let nx = x1 + 30;
        area.draw(&Rectangle::new([(nx, 28), (nx + 20, 48)], NEUTRAL.filled()))
            .map_err(err)?;
        area.draw(&Rectangle::new(
            [(nx, 28), (nx + 20, 48)],
            BLACK.stroke_width(1),
        ))
        .map_err(err)?;
        area.draw(&Text::new(
            self.neutral.clone(),
            (nx + 26, 32),
            ("sans-serif", 13).into_font(),
        ))
        .map_err(err)?;
        let scale_note = match self.scale {
            Scale::Linear => "",
            Scale::Log => " (log scale)",
            Scale::Diverging => " (log scale either side of zero)",
        };
        area.draw(&Text::new(
            format!("{}{scale_note}", self.legend),
            (x0, 6),
            ("sans-serif", 15).into_font(),
        ))
        .map_err(err)?;
        area.draw(&Text::new(
            "black: country borders; grey: regions (approximate, names in italics); purple: areas of operation (ids in bold); green: parks and reserves; dots: towns",
            (x0, 80),
            ("sans-serif", 13).into_font(),
        ))
        .map_err(err)?;
        let areas: Vec<String> = self
            .map
            .data
            .areas
            .iter()
            .map(|a| format!("{}: {}", a.id, a.name))
            .collect();
        area.draw(&Text::new(
            areas.join("; "),
            (x0, 98),
            ("sans-serif", 13).into_font(),
        ))
        .map_err(err)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::figure::svg;
    use crate::report::map_plot::{LabelKind, MAIN_TOWNS};

    fn baseline_map() -> SahelMap {
        let s = crate::scenario::load(std::path::Path::new("scenarios/baseline.ron"))
            .unwrap_or_else(|e| panic!("{e}"));
        SahelMap::build(&s.map, s.period.start.year())
    }

    fn plot(map: &SahelMap, panels: usize, scale: Scale) -> CellMapPlot<'_> {
        let n = map.grid.cells.len();
        CellMapPlot {
            map,
            title: "test".into(),
            legend: "events per cell and year".into(),
            neutral: "none".into(),
            panels: (0..panels)
                .map(|p| {
                    let v = (0..n).map(|i| ((i * 7 + p) % 50) as f64 - 10.0).collect();
                    (format!("{}", 2017 + p), v)
                })
                .collect(),
            scale,
        }
    }

    #[test]
    fn every_large_and_main_town_is_named_and_no_label_overlaps_or_leaves_its_panel() {
        let map = baseline_map();
        for panels in [1, 2, 4, 6, 9] {
            let p = plot(&map, panels, Scale::Log);
            let layouts = p.label_layouts().unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(layouts.len(), panels);
            for l in &layouts {
                for (k, a) in l.placed.iter().enumerate() {
                    assert!(a.bbox.inside(&l.panel), "{a:?} leaves {:?}", l.panel);
                    for b in &l.placed[k + 1..] {
                        assert!(!a.bbox.overlaps(&b.bbox), "{a:?} overlaps {b:?}");
                    }
                    assert!(!l.markers.iter().any(|m| m.overlaps(&a.bbox)
                        && l.kinds[a.request] != LabelKind::Region
                        && l.kinds[a.request] != LabelKind::Area));
                }
                // Every town of 50,000 or more and every main town inside the panel is named.
                for (i, r) in l.requests.iter().enumerate() {
                    let inside = r.anchor.0 >= l.panel.x0
                        && r.anchor.0 < l.panel.x1
                        && r.anchor.1 >= l.panel.y0
                        && r.anchor.1 < l.panel.y1;
                    let kind = l.kinds[i];
                    if matches!(kind, LabelKind::Town | LabelKind::MainTown) && inside {
                        assert!(
                            l.placed.iter().any(|p| p.request == i),
                            "{} is not named with {panels} panels",
                            r.text
                        );
                    }
                }
                // The areas of operation are named.
                let areas = l
                    .placed
                    .iter()
                    .filter(|p| l.kinds[p.request] == LabelKind::Area)
                    .count();
                assert_eq!(areas, map.data.areas.len(), "{panels} panels");
                // On a single panel, every region is named too.
                if panels == 1 {
                    for (i, r) in l.requests.iter().enumerate() {
                        if l.kinds[i] == LabelKind::Region {
                            assert!(
                                l.placed.iter().any(|p| p.request == i),
                                "region {} is not named on one panel",
                                r.text
                            );
                        }
                    }
                }
                // Every main town is asked for, whatever its population.
                for name in MAIN_TOWNS {
                    assert!(
                        l.requests.iter().any(|r| r.text == *name),
                        "{name} is not asked for"
                    );
                }
            }
        }
    }

    /// The texts of an SVG picture.
    fn texts(svg: &str) -> Vec<String> {
        svg.split("</text>")
            .filter_map(|t| t.rsplit_once('>').map(|(_, text)| text.trim().to_string()))
            .collect()
    }

    #[test]
    fn the_colour_bar_is_drawn_with_its_unit_and_ticks() {
        let map = baseline_map();
        let p = plot(&map, 2, Scale::Log);
        let t = texts(&svg(&p).unwrap_or_else(|e| panic!("{e}")));
        assert!(t.contains(&"events per cell and year (log scale)".to_string()));
        assert!(t.contains(&"none".to_string()));
        assert!(t.contains(&compact(p.max())), "no tick at the maximum");
        let d = plot(&map, 1, Scale::Diverging);
        let t = texts(&svg(&d).unwrap_or_else(|e| panic!("{e}")));
        assert!(t.contains(&compact(-d.max())) && t.contains(&compact(d.max())));
        assert!(t.contains(&"0".to_string()));
    }

    #[test]
    fn zero_is_neutral_and_the_smallest_count_is_not() {
        let map = baseline_map();
        let p = plot(&map, 1, Scale::Log);
        assert_eq!(p.colour(0.0, 100.0), NEUTRAL);
        assert_ne!(p.colour(0.01, 100.0), NEUTRAL);
        let d = plot(&map, 1, Scale::Diverging);
        assert_eq!(d.colour(0.0, 100.0), NEUTRAL);
        let (neg, pos) = (d.colour(-5.0, 100.0), d.colour(5.0, 100.0));
        assert!(neg.2 > neg.0 && pos.0 > pos.2, "fewer is blue, more is red");
    }
}
