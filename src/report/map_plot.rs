//! The rasterised map as a picture (`sahelsim map`): population shading per cell, areas of
//! operation, region and country borders, parks, routes, gold sites and towns.

use super::FigureError;
use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::*;

use super::PlotFormat;
use super::figure::{Plot, render};
use super::palette::{OKABE_ITO, sequential};
use crate::geo::SahelMap;
use crate::geo::data::RouteKind;

/// Towns labelled on the map (the rest are drawn as dots).
const LABELLED_MIN_POPULATION: u64 = 60_000;

/// The rasterised map of a scenario, with its title.
pub struct MapPlot<'a> {
    /// The map and its grid.
    pub map: &'a SahelMap,
    /// The title drawn above the map.
    pub title: &'a str,
}

impl Plot for MapPlot<'_> {
    fn size(&self) -> (u32, u32) {
        (1500, 1250)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), FigureError> {
        draw(self.map, self.title, root)
    }

    fn raster(&self) -> bool {
        true
    }
}

/// Draws `map` to `dir/map.png` and/or `dir/map.svg` (through [`render`], like every other
/// picture); returns the files written.
pub fn render_map(
    map: &SahelMap,
    title: &str,
    dir: &Path,
    format: PlotFormat,
) -> Result<Vec<PathBuf>, FigureError> {
    render(&MapPlot { map, title }, "map", title, format, false)
        .map_err(|e| format!("drawing the map: {e}"))?
        .write(dir, format)
}

fn draw<DB: DrawingBackend>(
    map: &SahelMap,
    title: &str,
    root: &DrawingArea<DB, Shift>,
) -> Result<(), FigureError> {
    let e = |x: DrawingAreaErrorKind<DB::ErrorType>| x.to_string();
    root.fill(&WHITE).map_err(e)?;
    let (main, legend) = root.split_horizontally(1160);
    let g = &map.grid;
    let (west, south) = (g.west, g.south);
    let east = west + g.width as f64 * g.resolution;
    let north = south + g.height as f64 * g.resolution;
    let mut chart = ChartBuilder::on(&main)
        .caption(title, ("sans-serif", 26))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(55)
        .build_cartesian_2d(west..east, south..north)
        .map_err(e)?;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc("longitude (°E)")
        .y_desc("latitude (°N)")
        .label_style(("sans-serif", 14))
        .draw()
        .map_err(e)?;

    // Cells: grey outside the study area, population density shading inside.
    let r = g.resolution;
    let max_density = g
        .cells
        .iter()
        .filter(|c| c.in_study_area)
        .map(|c| density(c.population, r, c.lat))
        .fold(1.0, f64::max);
    let cells = g.cells.iter().map(|c| {
        let color = if !c.in_study_area {
            if c.country.is_some() {
                RGBColor(232, 232, 232)
            } else {
                RGBColor(250, 250, 250)
            }
        } else {
            // Log scale from 1 to the maximum density (people per km²).
            let d = density(c.population, r, c.lat);
            sequential(if d <= 1.0 {
                0.0
            } else {
                d.ln() / max_density.ln()
            })
        };
        Rectangle::new(
            [
                (c.lon - r / 2.0, c.lat - r / 2.0),
                (c.lon + r / 2.0, c.lat + r / 2.0),
            ],
            color.filled(),
        )
    });
    chart.draw_series(cells).map_err(e)?;

    // Parks.
    let park_color = OKABE_ITO[2];
    for (i, park) in map.data.parks.iter().enumerate() {
        let pts: Vec<(f64, f64)> = park.polygon.iter().map(|&(la, lo)| (lo, la)).collect();
        chart
            .draw_series([Polygon::new(pts.clone(), park_color.mix(0.35).filled())])
            .map_err(e)?;
        let mut closed = pts;
        closed.push(closed[0]);
        let s = chart
            .draw_series([PathElement::new(closed, park_color.stroke_width(1))])
            .map_err(e)?;
        if i == 0 {
            s.label("park or reserve").legend(move |(x, y)| {
                Rectangle::new([(x, y - 6), (x + 16, y + 6)], park_color.mix(0.5).filled())
            });
        }
    }

    // Region borders (grey) and area-of-operation borders (thick), from the grid.
    let (region_edges, area_edges) = border_edges(g);
    let region_style = RGBColor(110, 110, 110).stroke_width(1);
    chart
        .draw_series(
            region_edges
                .into_iter()
                .map(|e| PathElement::new(e, region_style)),
        )
        .map_err(e)?
        .label("region border (approximate)")
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], region_style));
    let area_style = OKABE_ITO[6].stroke_width(3);
    chart
        .draw_series(
            area_edges
                .into_iter()
                .map(|e| PathElement::new(e, area_style)),
        )
        .map_err(e)?
        .label("area of operation")
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], area_style));

    // Country outlines.
    let country_style = BLACK.stroke_width(2);
    chart
        .draw_series(
            country_rings(map)
                .into_iter()
                .map(|ring| PathElement::new(ring, country_style)),
        )
        .map_err(e)?;

    // Niger river.
    let river_style = OKABE_ITO[4].stroke_width(2);
    let river: Vec<(f64, f64)> = map
        .data
        .land_cover
        .niger_river
        .iter()
        .map(|&(la, lo)| (lo, la))
        .collect();
    chart
        .draw_series([PathElement::new(river, river_style)])
        .map_err(e)?
        .label("Niger river")
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], river_style));

    // Routes by kind.
    for (kind, label, color, width) in [
        (RouteKind::Road, "main road", RGBColor(90, 90, 90), 1),
        (RouteKind::TransitRoute, "transit route", OKABE_ITO[0], 2),
        (
            RouteKind::SmugglingCorridor,
            "smuggling corridor",
            OKABE_ITO[5],
            3,
        ),
    ] {
        let style = color.stroke_width(width);
        let lines: Vec<Vec<(f64, f64)>> = map
            .data
            .routes
            .iter()
            .filter(|rt| rt.kind == kind)
            .map(|rt| rt.points.iter().map(|&(la, lo)| (lo, la)).collect())
            .collect();
        if lines.is_empty() {
            continue;
        }
        chart
            .draw_series(lines.into_iter().map(|l| PathElement::new(l, style)))
            .map_err(e)?
            .label(label)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], style));
    }

    // Gold sites.
    let gold = RGBColor(184, 134, 11);
    chart
        .draw_series(
            map.data
                .gold_sites
                .iter()
                .map(|s| TriangleMarker::new((s.at.1, s.at.0), 7, gold.filled())),
        )
        .map_err(e)?
        .label("gold site")
        .legend(move |(x, y)| TriangleMarker::new((x + 8, y), 6, gold.filled()));

    // Towns.
    chart
        .draw_series(
            map.data
                .towns
                .iter()
                .map(|t| Circle::new((t.at.1, t.at.0), 3, BLACK.filled())),
        )
        .map_err(e)?
        .label("town")
        .legend(|(x, y)| Circle::new((x + 8, y), 3, BLACK.filled()));
    let label_font = ("sans-serif", 13).into_font();
    chart
        .draw_series(map.data.towns.iter().filter(|t| labelled(t)).map(|t| {
            Text::new(
                t.name.clone(),
                (t.at.1 + 0.08, t.at.0 + 0.08),
                label_font.clone(),
            )
        }))
        .map_err(e)?;

    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerLeft)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .label_font(("sans-serif", 14))
        .draw()
        .map_err(e)?;

    // Legend panel: areas of operation and population scale.
    let font = ("sans-serif", 15).into_font();
    let mut y = 60;
    legend
        .draw(&Text::new(
            "Areas of operation",
            (10, y),
            ("sans-serif", 17).into_font(),
        ))
        .map_err(e)?;
    y += 28;
    for a in &map.data.areas {
        for (k, line) in wrap(&a.name, 34).into_iter().enumerate() {
            let text = if k == 0 {
                format!("• {line}")
            } else {
                format!("  {line}")
            };
            legend
                .draw(&Text::new(text, (10, y), font.clone()))
                .map_err(e)?;
            y += 20;
        }
        let regions = a.regions.join(", ");
        for line in wrap(&regions, 38) {
            legend
                .draw(&Text::new(line, (24, y), ("sans-serif", 12).into_font()))
                .map_err(e)?;
            y += 17;
        }
        y += 6;
    }
    y += 20;
    legend
        .draw(&Text::new(
            "Population density",
            (10, y),
            ("sans-serif", 17).into_font(),
        ))
        .map_err(e)?;
    y += 26;
    for k in 0..=5 {
        let t = k as f64 / 5.0;
        let d = max_density.powf(t);
        legend
            .draw(&Rectangle::new(
                [(10, y), (40, y + 18)],
                sequential(t).filled(),
            ))
            .map_err(e)?;
        legend
            .draw(&Text::new(
                format!("{d:.0} people/km²"),
                (50, y + 2),
                font.clone(),
            ))
            .map_err(e)?;
        y += 22;
    }
    y += 16;
    legend
        .draw(&Rectangle::new(
            [(10, y), (40, y + 18)],
            RGBColor(232, 232, 232).filled(),
        ))
        .map_err(e)?;
    legend
        .draw(&Text::new(
            "outside the study area",
            (50, y + 2),
            font.clone(),
        ))
        .map_err(e)?;
    y += 40;
    for line in wrap(
        "Sources: Natural Earth outlines; census populations; see data/sahel_map.ron",
        40,
    ) {
        legend
            .draw(&Text::new(line, (10, y), ("sans-serif", 12).into_font()))
            .map_err(e)?;
        y += 16;
    }
    Ok(())
}

/// Cell edges between regions, and between areas of operation (and the outside), as
/// `(lon, lat)` segments, in cell order.
pub(crate) type Edges = Vec<Vec<(f64, f64)>>;

/// The region borders and area-of-operation borders of `g`, drawn along cell edges.
pub(crate) fn border_edges(g: &crate::geo::grid::Grid) -> (Edges, Edges) {
    let r = g.resolution;
    let mut region_edges = Vec::new();
    let mut area_edges = Vec::new();
    for (i, c) in g.cells.iter().enumerate() {
        let (row, col) = g.row_col(i);
        let right = (col + 1 < g.width).then(|| &g.cells[i + 1]);
        let up = (row + 1 < g.height).then(|| &g.cells[i + g.width]);
        for (other, edge) in [
            (
                right,
                vec![
                    (c.lon + r / 2.0, c.lat - r / 2.0),
                    (c.lon + r / 2.0, c.lat + r / 2.0),
                ],
            ),
            (
                up,
                vec![
                    (c.lon - r / 2.0, c.lat + r / 2.0),
                    (c.lon + r / 2.0, c.lat + r / 2.0),
                ],
            ),
        ] {
            let Some(o) = other else { continue };
            if o.region != c.region && (o.region.is_some() && c.region.is_some()) {
                region_edges.push(edge.clone());
            }
            if o.area != c.area && (o.area.is_some() || c.area.is_some()) {
                area_edges.push(edge);
            }
        }
    }
    (region_edges, area_edges)
}

/// Every country outline as a closed ring of `(lon, lat)` points.
pub(crate) fn country_rings(map: &SahelMap) -> Vec<Vec<(f64, f64)>> {
    let mut rings = Vec::new();
    for c in &map.data.countries {
        for ring in &c.polygons {
            let mut pts: Vec<(f64, f64)> = ring.iter().map(|&(la, lo)| (lo, la)).collect();
            if let Some(&first) = pts.first() {
                pts.push(first);
            }
            rings.push(pts);
        }
    }
    rings
}

/// Whether a town is labelled on maps: a large town or one the brief names.
pub(crate) fn labelled(t: &crate::geo::data::TownData) -> bool {
    t.population >= LABELLED_MIN_POPULATION || BRIEF_TOWNS.contains(&t.name.as_str())
}

/// The places the model brief names: always labelled.
const BRIEF_TOWNS: &[&str] = &[
    "Kidal",
    "Aguelhok",
    "Tessalit",
    "In Khalil",
    "Gao",
    "Ménaka",
    "Timbuktu",
    "Mopti",
    "Djibo",
    "Dori",
    "Kaya",
    "Fada N'Gourma",
    "Diapaga",
    "Kantchari",
    "Gaoua",
    "Markoye",
    "Tillabéri",
    "Niono",
];

/// People per km² in a cell of `res` degrees at latitude `lat`.
fn density(population: u64, res: f64, lat: f64) -> f64 {
    let km = res * crate::geo::geometry::KM_PER_DEG;
    population as f64 / (km * km * lat.to_radians().cos())
}

fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split_whitespace() {
        let last = lines.last_mut().expect("lines starts non-empty");
        if !last.is_empty() && last.chars().count() + 1 + word.chars().count() > width {
            lines.push(word.to_string());
        } else {
            if !last.is_empty() {
                last.push(' ');
            }
            last.push_str(word);
        }
    }
    lines
}
