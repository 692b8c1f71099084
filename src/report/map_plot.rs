//! The rasterised map as a picture (`sahelsim map`): population shading per cell, areas of
//! operation, region and country borders, parks, routes, gold sites and towns.

use super::FigureError;
use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

use super::PlotFormat;
use super::figure::{Plot, render};
use super::format::wrap;
use super::labels::{Anchoring, LabelRequest, PADDING, PixelBox, PlacedLabel, place};
use super::palette::{OKABE_ITO, sequential};
use crate::geo::SahelMap;
use crate::geo::data::RouteKind;

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

    // Towns: every one as a dot, the larger ones and the brief's named, with the areas and
    // regions, by the label placer.
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
    let labels = chart_labels(map, &chart, &main, 1.15, true);
    draw_labels(&labels, &main, 1.15)?;

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

/// Whether a town is labelled on maps: a large town, a main town of the crisis or one the
/// brief names.
pub(crate) fn labelled(t: &crate::geo::data::TownData) -> bool {
    t.population >= NAMED_MIN_POPULATION
        || is_main_town(t)
        || BRIEF_TOWNS.contains(&t.name.as_str())
}

/// Whether a town is one of [`MAIN_TOWNS`].
pub(crate) fn is_main_town(t: &crate::geo::data::TownData) -> bool {
    MAIN_TOWNS.contains(&t.name.as_str())
}

/// The main towns of the crisis, named on every map whatever their population, right after the
/// towns of 50,000 people or more and before the areas and regions: regional
/// capitals and garrison towns a policy team reads a map by (several under 50,000 people at
/// their last census).
pub const MAIN_TOWNS: &[&str] = &[
    "Mopti",
    "Djibo",
    "Dori",
    "Gao",
    "Ménaka",
    "Kaya",
    "Fada N'Gourma",
    "Ouahigouya",
    "Tillabéri",
];

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

/// Towns of at least this population are named on every map (when their label fits, which
/// the placer's tests check for the shipped map).
pub(crate) const NAMED_MIN_POPULATION: u64 = 50_000;

/// What a map label names; each kind has its own font and colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabelKind {
    /// A town of 50,000 people or more.
    Town,
    /// A smaller town of [`MAIN_TOWNS`].
    MainTown,
    /// A smaller town the brief names.
    BriefTown,
    /// An area of operation.
    Area,
    /// A region (admin-1, approximate).
    Region,
}

impl LabelKind {
    /// The font of labels of this kind, `scale` times the size on a small panel.
    pub fn font(self, scale: f64) -> FontDesc<'static> {
        let px = |p: f64| (p * scale).round();
        match self {
            LabelKind::Town | LabelKind::MainTown => {
                FontDesc::new(FontFamily::SansSerif, px(12.0), FontStyle::Normal)
            }
            LabelKind::BriefTown => {
                FontDesc::new(FontFamily::SansSerif, px(11.0), FontStyle::Normal)
            }
            LabelKind::Area => FontDesc::new(FontFamily::SansSerif, px(13.0), FontStyle::Bold),
            LabelKind::Region => FontDesc::new(FontFamily::SansSerif, px(10.0), FontStyle::Italic),
        }
    }

    /// The colour of labels of this kind.
    pub fn colour(self) -> RGBColor {
        match self {
            LabelKind::Town | LabelKind::MainTown | LabelKind::BriefTown => RGBColor(0, 0, 0),
            LabelKind::Area => AREA_COLOUR,
            LabelKind::Region => RGBColor(90, 90, 90),
        }
    }
}

/// The colour of areas of operation: their outlines and names.
pub(crate) const AREA_COLOUR: RGBColor = RGBColor(136, 34, 85);

/// The labels of one map panel: what was asked for, what found a place, the panel and the
/// town markers they avoid, all in the panel's pixels.
#[derive(Debug, Clone)]
pub struct MapLabels {
    /// The box labels must stay inside.
    pub panel: PixelBox,
    /// Every label asked for, most important first.
    pub requests: Vec<LabelRequest>,
    /// The kind of each request.
    pub kinds: Vec<LabelKind>,
    /// The labels placed.
    pub placed: Vec<PlacedLabel>,
    /// The town markers (dots), which no label covers.
    pub markers: Vec<PixelBox>,
}

/// The label layout of `chart`'s plotting area, in the pixels of `area` (the panel it is
/// drawn on): the panel's box and the chart's coordinate mapping, handed to [`layout_labels`].
pub(crate) fn chart_labels<DB: DrawingBackend>(
    map: &SahelMap,
    chart: &ChartContext<'_, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    area: &DrawingArea<DB, Shift>,
    scale: f64,
    full_area_names: bool,
) -> MapLabels {
    let (bx, by) = area.get_base_pixel();
    let (xs, ys) = chart.plotting_area().get_pixel_range();
    let panel = PixelBox {
        x0: xs.start - bx,
        y0: ys.start - by,
        x1: xs.end - bx,
        y1: ys.end - by,
    };
    let to_px = |at: (f64, f64)| {
        let (x, y) = chart.backend_coord(&at);
        (x - bx, y - by)
    };
    layout_labels(map, &to_px, panel, scale, full_area_names)
}

/// Lays out the names of a map panel: towns of [`NAMED_MIN_POPULATION`] or more first
/// (largest first), then the smaller [`MAIN_TOWNS`], then the areas of operation (by `id`, or
/// full name when `full_area_names`), then the regions, then the other smaller towns the brief
/// names. `to_px` maps `(lon, lat)` to the panel's pixels; `scale` multiplies the font sizes.
pub(crate) fn layout_labels(
    map: &SahelMap,
    to_px: &dyn Fn((f64, f64)) -> (i32, i32),
    panel: PixelBox,
    scale: f64,
    full_area_names: bool,
) -> MapLabels {
    let mut requests = Vec::new();
    let mut kinds = Vec::new();
    let mut push = |text: String, at: (f64, f64), kind: LabelKind, anchoring: Anchoring| {
        let size = kind.font(scale).box_size(&text).unwrap_or((0, 0));
        requests.push(LabelRequest {
            text,
            anchor: to_px(at),
            size,
            anchoring,
        });
        kinds.push(kind);
    };
    let beside = Anchoring::Beside {
        gap: (4.0 * scale).round() as i32,
    };
    let mut towns: Vec<&crate::geo::data::TownData> =
        map.data.towns.iter().filter(|t| labelled(t)).collect();
    towns.sort_by(|a, b| b.population.cmp(&a.population).then(a.name.cmp(&b.name)));
    for t in towns
        .iter()
        .filter(|t| t.population >= NAMED_MIN_POPULATION)
    {
        push(t.name.clone(), (t.at.1, t.at.0), LabelKind::Town, beside);
    }
    for t in towns
        .iter()
        .filter(|t| t.population < NAMED_MIN_POPULATION && is_main_town(t))
    {
        push(
            t.name.clone(),
            (t.at.1, t.at.0),
            LabelKind::MainTown,
            beside,
        );
    }
    let (area_centroids, region_centroids) = centroids(map);
    for (a, at) in map.data.areas.iter().zip(area_centroids) {
        if let Some(at) = at {
            let text = if full_area_names {
                a.name.clone()
            } else {
                a.id.clone()
            };
            push(text, at, LabelKind::Area, Anchoring::Centred);
        }
    }
    for (r, at) in map.data.regions.iter().zip(region_centroids) {
        if let Some(at) = at {
            push(r.name.clone(), at, LabelKind::Region, Anchoring::Centred);
        }
    }
    for t in towns
        .iter()
        .filter(|t| t.population < NAMED_MIN_POPULATION && !is_main_town(t))
    {
        push(
            t.name.clone(),
            (t.at.1, t.at.0),
            LabelKind::BriefTown,
            beside,
        );
    }
    let marker = (3.0 * scale).round() as i32;
    let markers: Vec<PixelBox> = towns
        .iter()
        .map(|t| {
            let (x, y) = to_px((t.at.1, t.at.0));
            PixelBox::around(x, y, marker)
        })
        .collect();
    let placed = place(&requests, &markers, panel);
    MapLabels {
        panel,
        requests,
        kinds,
        placed,
        markers,
    }
}

/// One `(lon, lat)` centre per area or region, `None` for one without cells.
type Centroids = Vec<Option<(f64, f64)>>;

/// The centre (mean longitude and latitude of the cells) of each area of operation, and of
/// each region's cells inside the study area, in one pass over the grid.
fn centroids(map: &SahelMap) -> (Centroids, Centroids) {
    let mut areas = vec![(0.0, 0.0, 0.0); map.data.areas.len()];
    let mut regions = vec![(0.0, 0.0, 0.0); map.data.regions.len()];
    let add = |sum: &mut (f64, f64, f64), c: &crate::geo::grid::Cell| {
        sum.0 += c.lon;
        sum.1 += c.lat;
        sum.2 += 1.0;
    };
    for c in &map.grid.cells {
        if let Some(sum) = c.area.and_then(|i| areas.get_mut(i)) {
            add(sum, c);
        }
        if let Some(sum) = c
            .region
            .filter(|_| c.in_study_area)
            .and_then(|i| regions.get_mut(i))
        {
            add(sum, c);
        }
    }
    let mean = |sums: Vec<(f64, f64, f64)>| {
        sums.into_iter()
            .map(|(lon, lat, n)| (n > 0.0).then(|| (lon / n, lat / n)))
            .collect()
    };
    (mean(areas), mean(regions))
}

/// Draws the town markers and the placed labels of `labels` on `area` (whose pixels they are
/// in), each label on a light box so that it reads over any colour.
pub(crate) fn draw_labels<DB: DrawingBackend>(
    labels: &MapLabels,
    area: &DrawingArea<DB, Shift>,
    scale: f64,
) -> Result<(), FigureError> {
    let r = (3.0 * scale).round() as i32;
    for m in &labels.markers {
        let c = ((m.x0 + m.x1 - 1) / 2, (m.y0 + m.y1 - 1) / 2);
        area.draw(&Circle::new(c, r, BLACK.filled()))
            .map_err(|e| e.to_string())?;
        area.draw(&Circle::new(c, r, WHITE.stroke_width(1)))
            .map_err(|e| e.to_string())?;
    }
    for p in &labels.placed {
        let (req, kind) = (&labels.requests[p.request], labels.kinds[p.request]);
        let b = p.bbox;
        area.draw(&Rectangle::new(
            [(b.x0, b.y0), (b.x1 - 1, b.y1 - 1)],
            WHITE.mix(0.7).filled(),
        ))
        .map_err(|e| e.to_string())?;
        area.draw(&Text::new(
            req.text.clone(),
            (b.x0 + PADDING, b.y0 + PADDING),
            kind.font(scale).color(&kind.colour()),
        ))
        .map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// Draws, over a map panel's cells: region borders (grey), area-of-operation borders (thick
/// purple), parks (green) and country outlines (black).
pub(crate) fn draw_outlines<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    map: &SahelMap,
    (region_edges, area_edges): (&Edges, &Edges),
    rings: &[Vec<(f64, f64)>],
) -> Result<(), FigureError> {
    let e = |x: DrawingAreaErrorKind<DB::ErrorType>| x.to_string();
    let region_style = RGBColor(150, 150, 150).stroke_width(1);
    chart
        .draw_series(
            region_edges
                .iter()
                .map(|e| PathElement::new(e.clone(), region_style)),
        )
        .map_err(e)?;
    let park_style = OKABE_ITO[2].stroke_width(2);
    chart
        .draw_series(map.data.parks.iter().map(|p| {
            let mut pts: Vec<(f64, f64)> = p.polygon.iter().map(|&(la, lo)| (lo, la)).collect();
            if let Some(&first) = pts.first() {
                pts.push(first);
            }
            PathElement::new(pts, park_style)
        }))
        .map_err(e)?;
    let area_style = AREA_COLOUR.stroke_width(2);
    chart
        .draw_series(
            area_edges
                .iter()
                .map(|e| PathElement::new(e.clone(), area_style)),
        )
        .map_err(e)?;
    chart
        .draw_series(
            rings
                .iter()
                .map(|ring| PathElement::new(ring.clone(), BLACK.stroke_width(1))),
        )
        .map_err(e)?;
    Ok(())
}
