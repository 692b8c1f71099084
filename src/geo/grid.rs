//! The map rasterised to the scenario's grid: every cell knows its country, region, area of
//! operation, population, land cover, distance to the nearest border, and which towns, routes,
//! gold sites and parks touch it.

use rayon::prelude::*;
use serde::Serialize;

use super::data::{LatLon, MapData};
use super::geometry::{
    densify, distance_to_segment_km, point_in_polygon, polyline_lat_at, ring_bounds,
};
use super::params::MapParams;

/// Coarse land cover, from the aridity gradient.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum LandCover {
    /// North of the desert edge: Sahara.
    Desert,
    /// Between the desert edge and the Sahel edge.
    Sahel,
    /// South of the Sahel edge: Sudanian savanna.
    Sudanian,
}

impl LandCover {
    /// Relative rural population density weight used when spreading a region's population.
    pub fn density_weight(self) -> f64 {
        match self {
            LandCover::Desert => 0.03,
            LandCover::Sahel => 1.0,
            LandCover::Sudanian => 1.5,
        }
    }
}

/// Rural density multiplier of the inner delta's flood plain.
pub const INNER_DELTA_WEIGHT: f64 = 2.0;
/// Rural density multiplier of cells on the Niger river.
pub const RIVER_WEIGHT: f64 = 1.5;
/// Rural density multiplier of cells on a road or route.
pub const ROUTE_WEIGHT: f64 = 1.3;

/// One grid cell.
#[derive(Debug, Clone, Serialize)]
pub struct Cell {
    /// Latitude of the cell centre.
    pub lat: f64,
    /// Longitude of the cell centre.
    pub lon: f64,
    /// Index of the country (in [`MapData::countries`]) whose outline holds the centre.
    pub country: Option<usize>,
    /// Whether the cell belongs to a modelled region of one of the study countries.
    pub in_study_area: bool,
    /// Index of the region (in [`MapData::regions`]), for study-area cells.
    pub region: Option<usize>,
    /// Index of the area of operation (in [`MapData::areas`]), if the region belongs to one.
    pub area: Option<usize>,
    /// Residents at the scenario's start.
    pub population: u64,
    /// Of those, the residents of the cell's towns (their census population grown to the
    /// start, at most the cell's residents): the rest live in the countryside.
    pub urban: u64,
    /// Land cover.
    pub land_cover: LandCover,
    /// Inside the Niger inner delta.
    pub inner_delta: bool,
    /// On the Niger river.
    pub river: bool,
    /// Distance from the centre to the nearest international border, km.
    pub border_km: f64,
    /// Towns in the cell (indices into [`MapData::towns`]).
    pub towns: Vec<usize>,
    /// Routes crossing the cell (indices into [`MapData::routes`]).
    pub routes: Vec<usize>,
    /// Gold sites in the cell (indices into [`MapData::gold_sites`]).
    pub gold_sites: Vec<usize>,
    /// Parks covering the cell (indices into [`MapData::parks`]).
    pub parks: Vec<usize>,
}

/// The rasterised grid. Cell `(row, col)` is at index `row * width + col`; row 0 is the
/// southernmost row, column 0 the westernmost.
#[derive(Debug, Clone)]
pub struct Grid {
    /// Columns.
    pub width: usize,
    /// Rows.
    pub height: usize,
    /// Cell size in degrees.
    pub resolution: f64,
    /// Southern edge.
    pub south: f64,
    /// Western edge.
    pub west: f64,
    /// All cells, row by row.
    pub cells: Vec<Cell>,
}

impl Grid {
    /// The index of the cell holding `(lat, lon)`, if it is inside the grid.
    pub fn cell_index(&self, (lat, lon): LatLon) -> Option<usize> {
        let r = ((lat - self.south) / self.resolution).floor();
        let c = ((lon - self.west) / self.resolution).floor();
        if r < 0.0 || c < 0.0 || r >= self.height as f64 || c >= self.width as f64 {
            return None;
        }
        Some(r as usize * self.width + c as usize)
    }

    /// The indices of the cells whose centres may lie within `half_lat` degrees of latitude
    /// and `half_lon` degrees of longitude of `(lat, lon)`, in index order: the whole rows and
    /// columns of that box, one more on each side, so that every such cell is among them
    /// (callers keep their own exact test; this only spares them the rest of the grid).
    pub fn window(
        &self,
        (lat, lon): LatLon,
        half_lat: f64,
        half_lon: f64,
    ) -> impl Iterator<Item = usize> + '_ {
        // Cell (row, col) has its centre at south + (row + 0.5) × resolution, and likewise
        // along the columns.
        let span = |centre: f64, edge: f64, half: f64, cells: usize| {
            let first = ((centre - half - edge) / self.resolution - 0.5).floor() - 1.0;
            let last = ((centre + half - edge) / self.resolution - 0.5).ceil() + 1.0;
            let top = cells as f64 - 1.0;
            if cells == 0 || !(last >= 0.0 && first <= top) {
                return 0..0;
            }
            first.max(0.0) as usize..last.min(top) as usize + 1
        };
        let rows = span(lat, self.south, half_lat, self.height);
        let cols = span(lon, self.west, half_lon, self.width);
        let width = self.width;
        rows.flat_map(move |r| cols.clone().map(move |c| r * width + c))
    }

    /// Row and column of cell `i`.
    pub fn row_col(&self, i: usize) -> (usize, usize) {
        (i / self.width, i % self.width)
    }

    /// A `width` × `height` grid at 0.1° from the origin with no cells' data: the shape alone,
    /// for tests of the grid-wide passes.
    #[cfg(test)]
    pub(crate) fn blank(width: usize, height: usize) -> Self {
        Self {
            width,
            height,
            resolution: 0.1,
            south: 0.0,
            west: 0.0,
            cells: Vec::new(),
        }
    }

    /// The largest of `values` (one per cell, cell order) over each cell's Moore
    /// neighbourhood (the cell and the up to 8 around it), into `out`, with `scratch` for the
    /// row pass: a 3 × 3 maximum filter taken along rows and then columns, the same values as
    /// taking the maximum of the nine cells one by one (the maximum is exact).
    pub fn neighbourhood_max(&self, values: &[f64], scratch: &mut Vec<f64>, out: &mut Vec<f64>) {
        let (w, h) = (self.width, self.height);
        debug_assert_eq!(values.len(), w * h);
        // Both buffers keep their length from week to week and every element is written once
        // a pass: zeroing them, or copying the values in before taking the maximum, cost
        // writes that miss the cache.
        for buffer in [&mut *scratch, &mut *out] {
            if buffer.len() != w * h {
                buffer.clear();
                buffer.resize(w * h, 0.0);
            }
        }
        for (row, max) in values.chunks_exact(w).zip(scratch.chunks_exact_mut(w)) {
            max3_along(row, max);
        }
        for (r, dst) in out.chunks_exact_mut(w).enumerate() {
            let here = &scratch[r * w..(r + 1) * w];
            let above = (r > 0).then(|| &scratch[(r - 1) * w..r * w]);
            let below = (r + 1 < h).then(|| &scratch[(r + 1) * w..(r + 2) * w]);
            // Whole rows at a time (the processor takes several columns per instruction), in
            // the order here, above, below.
            match (above, below) {
                (Some(above), Some(below)) => {
                    for (((m, &x), &a), &b) in dst.iter_mut().zip(here).zip(above).zip(below) {
                        *m = x.max(a).max(b);
                    }
                }
                (Some(other), None) | (None, Some(other)) => {
                    for ((m, &x), &o) in dst.iter_mut().zip(here).zip(other) {
                        *m = x.max(o);
                    }
                }
                (None, None) => dst.copy_from_slice(here),
            }
        }
    }

    /// The country across the border nearest to cell `i`: that of the nearest cell lying in
    /// another country (searched ring by ring of cells around `i`, up to `max_rings`; in the
    /// first ring that has one, the nearest by distance on the grid, the lowest index on a
    /// tie), or `None` where `i` has no country or none is that close.
    pub fn country_across(&self, i: usize, max_rings: usize) -> Option<usize> {
        let own = self.cells[i].country?;
        let (r, c) = self.row_col(i);
        let (r, c) = (r as isize, c as isize);
        for ring in 1..=max_rings as isize {
            let mut best: Option<(isize, usize, usize)> = None;
            // The ring's cells only (its top and bottom rows, then the rest of its left and
            // right columns): the nearest is the least (distance, index), whatever the order.
            let top_and_bottom = (-ring..=ring).flat_map(|dc| [(-ring, dc), (ring, dc)]);
            let sides = (1 - ring..ring).flat_map(|dr| [(dr, -ring), (dr, ring)]);
            for (dr, dc) in top_and_bottom.chain(sides) {
                let (nr, nc) = (r + dr, c + dc);
                if nr < 0 || nc < 0 || nr as usize >= self.height || nc as usize >= self.width {
                    continue;
                }
                let n = nr as usize * self.width + nc as usize;
                let Some(other) = self.cells[n].country else {
                    continue;
                };
                let d = dr * dr + dc * dc;
                if other != own && best.is_none_or(|(bd, bn, _)| (d, n) < (bd, bn)) {
                    best = Some((d, n, other));
                }
            }
            if let Some((_, _, other)) = best {
                return Some(other);
            }
        }
        None
    }

    /// The indices of the up to 8 cells around `i` (Moore neighbourhood), in a fixed order.
    pub fn neighbours(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        let (r, c) = self.row_col(i);
        let (r, c) = (r as isize, c as isize);
        [
            (-1, -1),
            (-1, 0),
            (-1, 1),
            (0, -1),
            (0, 1),
            (1, -1),
            (1, 0),
            (1, 1),
        ]
        .into_iter()
        .filter_map(move |(dr, dc)| {
            let (nr, nc) = (r + dr, c + dc);
            (nr >= 0 && nc >= 0 && (nr as usize) < self.height && (nc as usize) < self.width)
                .then(|| nr as usize * self.width + nc as usize)
        })
    }
}

/// Rasterises `data` at the resolution and extent of `params`, with populations projected to
/// `start_year`.
pub fn rasterise(data: &MapData, params: &MapParams, start_year: i32) -> Grid {
    let (width, height) = params.grid_size();
    let res = params.resolution_deg;
    let (south, west) = (params.bbox.south, params.bbox.west);
    let bounds: Vec<Vec<(f64, f64, f64, f64)>> = data
        .countries
        .iter()
        .map(|c| c.polygons.iter().map(|p| ring_bounds(p)).collect())
        .collect();
    let region_area: Vec<Option<usize>> = data
        .regions
        .iter()
        .map(|r| data.areas.iter().position(|a| a.regions.contains(&r.name)))
        .collect();

    // Each cell is found from its centre alone.
    let (bounds, region_area) = (&bounds, &region_area);
    let cell_at = |i: usize| {
        let (row, col) = (i / width, i % width);
        let lat = south + (row as f64 + 0.5) * res;
        let lon = west + (col as f64 + 0.5) * res;
        let country = country_at(data, bounds, (lat, lon));
        let region = country
            .filter(|&c| data.countries[c].in_study_area)
            .and_then(|c| nearest_region(data, &data.countries[c].iso3, (lat, lon)))
            .filter(|&r| data.regions[r].modelled != Some(false));
        let in_study_area = region.is_some();
        let lc = &data.land_cover;
        let land_cover = if polyline_lat_at(&lc.desert_edge, lon).is_some_and(|e| lat > e) {
            LandCover::Desert
        } else if polyline_lat_at(&lc.sahel_edge, lon).is_some_and(|e| lat > e) {
            LandCover::Sahel
        } else {
            LandCover::Sudanian
        };
        let border_km = if in_study_area {
            country
                .map(|c| border_distance_km(data, c, (lat, lon)))
                .unwrap_or(0.0)
        } else {
            0.0
        };
        Cell {
            lat,
            lon,
            country,
            in_study_area,
            region,
            area: region.and_then(|r| region_area[r]),
            population: 0,
            urban: 0,
            land_cover,
            inner_delta: point_in_polygon((lat, lon), &lc.inner_delta),
            river: false,
            border_km,
            towns: Vec::new(),
            routes: Vec::new(),
            gold_sites: Vec::new(),
            parks: Vec::new(),
        }
    };
    // In parallel on the caller's worker pool, collected in order; outside one, one cell
    // after another (rayon's global pool is not started behind a command's `--threads`).
    let cells: Vec<Cell> = if rayon::current_thread_index().is_some() {
        (0..width * height).into_par_iter().map(cell_at).collect()
    } else {
        (0..width * height).map(cell_at).collect()
    };
    let mut grid = Grid {
        width,
        height,
        resolution: res,
        south,
        west,
        cells,
    };

    // Make sure each region owns at least its capital's cell, however coarse the grid.
    for (ri, r) in data
        .regions
        .iter()
        .enumerate()
        .filter(|(_, r)| r.modelled != Some(false))
    {
        let Some(&capital) = r.anchors.first() else {
            continue;
        };
        let Some(ci) = grid.cell_index(capital) else {
            continue;
        };
        if grid.cells.iter().any(|c| c.region == Some(ri)) {
            continue;
        }
        let country = data.countries.iter().position(|c| c.iso3 == r.country);
        let cell = &mut grid.cells[ci];
        cell.region = Some(ri);
        cell.area = region_area[ri];
        cell.country = country;
        cell.in_study_area = true;
    }

    // Point and line features.
    let step = res / 3.0;
    for p in densify(&data.land_cover.niger_river, step) {
        if let Some(i) = grid.cell_index(p) {
            grid.cells[i].river = true;
        }
    }
    for (ti, t) in data.towns.iter().enumerate() {
        if let Some(i) = grid.cell_index(t.at) {
            grid.cells[i].towns.push(ti);
        }
    }
    for (ri, route) in data.routes.iter().enumerate() {
        for p in densify(&route.points, step) {
            if let Some(i) = grid.cell_index(p)
                && grid.cells[i].routes.last() != Some(&ri)
                && !grid.cells[i].routes.contains(&ri)
            {
                grid.cells[i].routes.push(ri);
            }
        }
    }
    for (si, s) in data.gold_sites.iter().enumerate() {
        if let Some(i) = grid.cell_index(s.at) {
            grid.cells[i].gold_sites.push(si);
        }
    }
    for (pi, park) in data.parks.iter().enumerate() {
        let mut any = false;
        for cell in grid.cells.iter_mut() {
            if point_in_polygon((cell.lat, cell.lon), &park.polygon) {
                cell.parks.push(pi);
                any = true;
            }
        }
        if !any {
            // A park smaller than a cell still marks the cell holding its centre.
            let n = park.polygon.len().max(1) as f64;
            let centre = park
                .polygon
                .iter()
                .fold((0.0, 0.0), |a, p| (a.0 + p.0 / n, a.1 + p.1 / n));
            if let Some(i) = grid.cell_index(centre) {
                grid.cells[i].parks.push(pi);
            }
        }
    }

    distribute_population(data, params, start_year, &mut grid);
    grid
}

fn country_at(data: &MapData, bounds: &[Vec<(f64, f64, f64, f64)>], p: LatLon) -> Option<usize> {
    // Study countries first, so that a point on a shared edge goes to the study area.
    let mut order: Vec<usize> = (0..data.countries.len()).collect();
    order.sort_by_key(|&i| !data.countries[i].in_study_area);
    order.into_iter().find(|&ci| {
        data.countries[ci]
            .polygons
            .iter()
            .zip(&bounds[ci])
            .any(|(ring, &(s, n, w, e))| {
                p.0 >= s && p.0 <= n && p.1 >= w && p.1 <= e && point_in_polygon(p, ring)
            })
    })
}

fn nearest_region(data: &MapData, iso3: &str, p: LatLon) -> Option<usize> {
    let k = p.0.to_radians().cos();
    let mut best: Option<(f64, usize)> = None;
    for (ri, r) in data
        .regions
        .iter()
        .enumerate()
        .filter(|(_, r)| r.country == iso3)
    {
        for a in &r.anchors {
            let d = (a.0 - p.0).powi(2) + ((a.1 - p.1) * k).powi(2);
            if best.is_none_or(|(bd, _)| d < bd) {
                best = Some((d, ri));
            }
        }
    }
    best.map(|(_, ri)| ri)
}

fn border_distance_km(data: &MapData, country: usize, p: LatLon) -> f64 {
    let mut best = f64::MAX;
    for ring in &data.countries[country].polygons {
        for i in 0..ring.len() {
            let a = ring[i];
            let b = ring[(i + 1) % ring.len()];
            best = best.min(distance_to_segment_km(p, a, b));
        }
    }
    best
}

/// Population of region `ri` at the start year, from the shipped figure or the scenario's.
pub fn region_population(data: &MapData, params: &MapParams, ri: usize, start_year: i32) -> f64 {
    let r = &data.regions[ri];
    let (pop, year) = params
        .region_populations
        .iter()
        .find(|(i, _, _)| *i == ri)
        .map(|&(_, p, y)| (p, y))
        .unwrap_or((r.population, r.year));
    pop as f64 * (1.0 + params.population_growth).powi(start_year - year as i32)
}

/// Spreads each region's population over its cells: towns first (their own population, grown
/// at the same rate), the rest over the region's cells in proportion to land cover, river and
/// route weights. Rounded by largest remainder so that each region's total is exact.
fn distribute_population(data: &MapData, params: &MapParams, start_year: i32, grid: &mut Grid) {
    let mut region_cells: Vec<Vec<usize>> = vec![Vec::new(); data.regions.len()];
    for (i, c) in grid.cells.iter().enumerate() {
        if let Some(r) = c.region {
            region_cells[r].push(i);
        }
    }
    for (ri, cells) in region_cells.iter().enumerate() {
        if cells.is_empty() {
            continue;
        }
        let total = region_population(data, params, ri, start_year).round();
        let growth =
            (1.0 + params.population_growth).powi(start_year - data.regions[ri].year as i32);
        // Town populations in this region's cells.
        let mut shares: Vec<f64> = vec![0.0; cells.len()];
        let mut urban = 0.0;
        for (k, &ci) in cells.iter().enumerate() {
            for &t in &grid.cells[ci].towns {
                let p = data.towns[t].population as f64 * growth;
                shares[k] += p;
                urban += p;
            }
        }
        if urban > 0.8 * total && urban > 0.0 {
            let f = 0.8 * total / urban;
            shares.iter_mut().for_each(|s| *s *= f);
            urban = 0.8 * total;
        }
        let town_shares = shares.clone();
        let rural = total - urban;
        let weights: Vec<f64> = cells
            .iter()
            .map(|&ci| {
                let c = &grid.cells[ci];
                let mut w = c.land_cover.density_weight();
                if c.inner_delta {
                    w *= INNER_DELTA_WEIGHT;
                }
                if c.river {
                    w *= RIVER_WEIGHT;
                }
                if !c.routes.is_empty() {
                    w *= ROUTE_WEIGHT;
                }
                w
            })
            .collect();
        let wsum: f64 = weights.iter().sum();
        for (k, w) in weights.iter().enumerate() {
            shares[k] += rural * w / wsum;
        }
        for (k, n) in largest_remainder(&shares, total as u64)
            .into_iter()
            .enumerate()
        {
            let cell = &mut grid.cells[cells[k]];
            cell.population = n;
            cell.urban = (town_shares[k].round() as u64).min(n);
        }
    }
}

/// Rounds non-negative `shares` to integers that add up to exactly `total`.
pub fn largest_remainder(shares: &[f64], total: u64) -> Vec<u64> {
    let sum: f64 = shares.iter().sum();
    if shares.is_empty() || sum <= 0.0 {
        let mut out = vec![0; shares.len()];
        if let Some(first) = out.first_mut() {
            *first = total;
        }
        return out;
    }
    let scaled: Vec<f64> = shares.iter().map(|s| s / sum * total as f64).collect();
    let mut out: Vec<u64> = scaled.iter().map(|s| s.floor() as u64).collect();
    let assigned: u64 = out.iter().sum();
    let mut order: Vec<usize> = (0..shares.len()).collect();
    order.sort_by(|&a, &b| {
        (scaled[b] - scaled[b].floor())
            .total_cmp(&(scaled[a] - scaled[a].floor()))
            .then(a.cmp(&b))
    });
    for &i in order.iter().take(total.saturating_sub(assigned) as usize) {
        out[i] += 1;
    }
    out
}

/// The maximum of each value of `row` and its neighbours along it, into `max` (of the same
/// length), taken in the order: the value, its left neighbour, its right one.
fn max3_along(row: &[f64], max: &mut [f64]) {
    let w = row.len();
    match w {
        0 => {}
        1 => max[0] = row[0],
        _ => {
            max[0] = row[0].max(row[1]);
            for (((m, &x), &left), &right) in max[1..w - 1]
                .iter_mut()
                .zip(&row[1..w - 1])
                .zip(&row[..w - 2])
                .zip(&row[2..])
            {
                *m = x.max(left).max(right);
            }
            max[w - 1] = row[w - 1].max(row[w - 2]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn largest_remainder_is_exact() {
        let v = largest_remainder(&[1.0, 1.0, 1.0], 10);
        assert_eq!(v.iter().sum::<u64>(), 10);
        assert_eq!(v, vec![4, 3, 3]);
        assert_eq!(largest_remainder(&[0.0, 0.0], 5), vec![5, 0]);
    }

    /// A study-area cell of `country` with nothing else on it, for the border tests.
    fn country_cell(country: Option<usize>) -> Cell {
        Cell {
            lat: 0.0,
            lon: 0.0,
            country,
            in_study_area: true,
            region: None,
            area: None,
            population: 0,
            urban: 0,
            land_cover: LandCover::Sahel,
            inner_delta: false,
            river: false,
            border_km: 0.0,
            towns: Vec::new(),
            routes: Vec::new(),
            gold_sites: Vec::new(),
            parks: Vec::new(),
        }
    }

    #[test]
    fn the_country_across_is_that_of_the_nearest_foreign_cell_within_the_rings() {
        // Three countries on a 9 × 5 grid: 0 on the left, 1 on the right from column 6, and 2
        // in the top-left corner cell; column 5 has no country (outside every polygon).
        let mut grid = Grid::blank(9, 5);
        grid.cells = (0..45)
            .map(|i| {
                country_cell(match (i / 9, i % 9) {
                    (0, 0) => Some(2),
                    (_, 5) => None,
                    (_, c) if c >= 6 => Some(1),
                    _ => Some(0),
                })
            })
            .collect();
        let at = |r: usize, c: usize| r * 9 + c;
        // Two columns from country 1 (the gap column has no country): found at ring 2.
        assert_eq!(grid.country_across(at(2, 4), 2), Some(1));
        assert_eq!(
            grid.country_across(at(2, 4), 1),
            None,
            "beyond the rings searched"
        );
        // Beside the corner cell of country 2: the nearest foreign cell wins.
        assert_eq!(grid.country_across(at(1, 1), 3), Some(2));
        // At equal distance (ring 3 from (0, 3): the corner (0, 0) and (0, 6), both at
        // distance² 9): the lower index wins, the corner.
        assert_eq!(grid.country_across(at(0, 3), 3), Some(2));
        // A cell of no country has no country across.
        assert_eq!(grid.country_across(at(2, 5), 3), None);
    }

    #[test]
    fn the_country_across_is_the_same_as_scanning_every_cell_of_the_square() {
        // A 13 × 11 grid of four countries in an uneven pattern, and a gap of no country.
        let (w, h) = (13, 11);
        let mut grid = Grid::blank(w, h);
        grid.cells = (0..w * h)
            .map(|i| {
                let (r, c) = (i / w, i % w);
                let country = match (r * 7 + c * 3 + r * c) % 11 {
                    0 => None,
                    k if k < 5 => Some(0),
                    k if k < 8 => Some(1),
                    9 => Some(3),
                    _ => Some(2),
                };
                country_cell(country)
            })
            .collect();
        // The search as first written: every cell of the square, the interior skipped.
        let scan = |i: usize, max_rings: usize| -> Option<usize> {
            let own = grid.cells[i].country?;
            let (r, c) = ((i / w) as isize, (i % w) as isize);
            for ring in 1..=max_rings as isize {
                let mut best: Option<(isize, usize, usize)> = None;
                for dr in -ring..=ring {
                    for dc in -ring..=ring {
                        if dr.abs() != ring && dc.abs() != ring {
                            continue;
                        }
                        let (nr, nc) = (r + dr, c + dc);
                        if nr < 0 || nc < 0 || nr as usize >= h || nc as usize >= w {
                            continue;
                        }
                        let n = nr as usize * w + nc as usize;
                        let Some(other) = grid.cells[n].country else {
                            continue;
                        };
                        let d = dr * dr + dc * dc;
                        if other != own && best.is_none_or(|(bd, bn, _)| (d, n) < (bd, bn)) {
                            best = Some((d, n, other));
                        }
                    }
                }
                if let Some((_, _, other)) = best {
                    return Some(other);
                }
            }
            None
        };
        for i in 0..w * h {
            for rings in 0..6 {
                assert_eq!(
                    grid.country_across(i, rings),
                    scan(i, rings),
                    "cell {i}, {rings} rings"
                );
            }
        }
    }

    #[test]
    fn a_window_holds_every_cell_of_its_box_in_index_order() {
        // At the origin in tenths of a degree, and shifted south-west at a quarter degree.
        let mut shifted = Grid::blank(23, 17);
        (shifted.south, shifted.west, shifted.resolution) = (-3.7, -2.15, 0.25);
        for grid in [Grid::blank(23, 17), shifted] {
            window_holds_its_box(&grid);
        }
    }

    /// Checks [`Grid::window`] on `grid` for boxes inside it, across its edges, outside it, of
    /// no size and larger than it.
    fn window_holds_its_box(grid: &Grid) {
        let res = grid.resolution;
        let centre = |i: usize| {
            let (r, c) = grid.row_col(i);
            (
                grid.south + res * (r as f64 + 0.5),
                grid.west + res * (c as f64 + 0.5),
            )
        };
        // In cells from the grid's south-west corner.
        let points = [
            (8.5, 11.5),
            (0.0, 0.0),
            (17.0, 23.0),
            (-4.0, 10.0),
            (5.0, 50.0),
            (3.3, 7.1),
        ]
        .map(|(r, c)| (grid.south + r * res, grid.west + c * res));
        for (lat, lon) in points {
            for (half_lat, half_lon) in [
                (0.0, 0.0),
                (0.05, 0.3),
                (0.27, 0.11),
                (0.5, 0.5),
                (9.0, 9.0),
            ] {
                let window: Vec<usize> = grid.window((lat, lon), half_lat, half_lon).collect();
                assert!(window.windows(2).all(|w| w[0] < w[1]), "not in index order");
                assert!(window.iter().all(|&i| i < grid.width * grid.height));
                for i in 0..grid.width * grid.height {
                    let (clat, clon) = centre(i);
                    if (clat - lat).abs() <= half_lat && (clon - lon).abs() <= half_lon {
                        assert!(
                            window.contains(&i),
                            "cell {i} of the box around ({lat}, {lon}) ± ({half_lat}, {half_lon}) left out"
                        );
                    }
                }
                // One row and column of margin each side, no more.
                let rows = (2.0 * half_lat / res).ceil() as usize + 4;
                let cols = (2.0 * half_lon / res).ceil() as usize + 4;
                assert!(window.len() <= rows * cols);
            }
        }
    }

    #[test]
    fn the_neighbourhood_maximum_is_the_largest_of_the_nine_cells() {
        // The buffers carry the last grid's values from one size to the next, as a run's do
        // from week to week: stale values must not leak into the maximum.
        let (mut scratch, mut out) = (vec![1e9; 35], vec![1e9; 35]);
        for (width, height) in [
            (7, 5),
            (7, 5),
            (1, 1),
            (1, 4),
            (4, 1),
            (2, 2),
            (3, 2),
            (2, 3),
        ] {
            let grid = Grid::blank(width, height);
            // Distinct values in a scrambled order, so every cell's maximum is one cell's value.
            let values: Vec<f64> = (0..width * height)
                .map(|i| ((i * 17 + 5) % 37) as f64)
                .collect();
            grid.neighbourhood_max(&values, &mut scratch, &mut out);
            assert_eq!(out.len(), width * height);
            for (i, &max) in out.iter().enumerate() {
                let naive = std::iter::once(i)
                    .chain(grid.neighbours(i))
                    .map(|x| values[x])
                    .fold(0.0, f64::max);
                assert_eq!(max, naive, "{width} x {height}, cell {i}");
            }
        }
    }
}
