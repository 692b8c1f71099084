//! Where willing recruits are (weekly): the field that draws bands towards grievance.
//!
//! Every populated cell holds `(support + bands.stigma_volunteers × stigma) × recruitable`
//! willing recruits (the active supporters of Epstein's rule, and the volunteers its
//! stigmatisation drives, among the young men still open to recruitment). Bands see only the cells
//! around them, so the field is spread over `bands.support_reach_km` by a box blur applied
//! twice along rows and columns (a separable, triangle-shaped kernel of half-width about that
//! reach): a band climbs it from far away towards communities whose grievance has risen —
//! where militias or state forces have stigmatised pastoralists — and stops following it
//! where the pool is spent. [`super::movement`] weighs it by `bands.support_weight`.

use bevy_ecs::prelude::*;

use crate::geo::grid::Grid;
use crate::scenario::model_params::Bands;
use crate::sim::components::Community;
use crate::sim::ids::CellId;
use crate::sim::resources::Setup;

/// Kilometres per degree of latitude; cells are taken as square at this scale (at the
/// Sahel's latitudes a degree of longitude is 3–6 % shorter). Numerical, not a parameter.
const KM_PER_DEGREE: f64 = 111.0;

/// Passes of the box blur along each axis: two give a triangle-shaped kernel.
const BLUR_PASSES: usize = 2;

/// Willing recruits within reach of each grid cell, per cell (cell order).
#[derive(Resource, Debug, Clone, Default)]
pub struct RecruitPull {
    /// The spread field, one value per grid cell.
    pub per_cell: Vec<f64>,
    /// The willing recruits of each cell before the blur (0 where no community is: only the
    /// communities' cells are written, every week, so the rest is never written again).
    willing: Vec<f64>,
    /// The blur's scratch field: the rows summed, before the column pass.
    scratch: Vec<f64>,
}

impl RecruitPull {
    /// The field at `cell` (0 before the first update).
    pub fn at(&self, cell: CellId) -> f64 {
        self.per_cell.get(cell.index()).copied().unwrap_or(0.0)
    }

    /// Whether the field is used at all: bands weigh it (`bands.support_weight` above 0).
    pub fn in_use(bands: &Bands) -> bool {
        bands.support_weight > 0.0
    }

    /// Makes room for a grid of `cells` cells: the field and the willing recruits start at 0
    /// (only the communities' cells are written after that).
    pub fn fit(&mut self, cells: usize) {
        if self.willing.len() != cells {
            self.willing = vec![0.0; cells];
            self.per_cell = vec![0.0; cells];
        }
    }

    /// Records the willing recruits of community `c` for this week's field: its active
    /// supporters and the volunteers its stigmatisation drives (`stigma_volunteers` × stigma),
    /// among its recruitment pool. Called by [`super::communities::community_choices`] for
    /// each community just after its choices, so that the communities are read once a week
    /// rather than twice (after [`RecruitPull::fit`]).
    pub fn note_willing(&mut self, c: &Community, stigma_volunteers: f64) {
        let willing = c.support + stigma_volunteers * c.stigma;
        self.willing[c.cell.index()] = willing * c.recruitable.max(0.0);
    }
}

/// Recomputes the field from the willing recruits the week's community choices noted
/// ([`RecruitPull::note_willing`]).
pub fn update_recruit_pull(setup: Res<Setup>, mut pull: ResMut<RecruitPull>) {
    let b = &setup.scenario.model.bands;
    if !RecruitPull::in_use(b) {
        return;
    }
    let grid = &setup.map.grid;
    let pull = &mut *pull;
    let cells = grid.width * grid.height;
    pull.fit(cells);
    let radius = (b.support_reach_km / (grid.resolution * KM_PER_DEGREE) / BLUR_PASSES as f64)
        .round()
        .max(0.0) as usize;
    // The first pass reads the willing recruits and writes every cell of the field (so the
    // field is not zeroed first); the others blur the field in place.
    if radius == 0 {
        pull.per_cell.copy_from_slice(&pull.willing);
    } else {
        pull.scratch.resize(cells, 0.0);
        row_pass(&pull.willing, &mut pull.scratch, grid.width, radius);
        column_pass(grid, radius, &pull.scratch, &mut pull.per_cell);
    }
    for _ in 1..BLUR_PASSES {
        blur(grid, radius, &mut pull.per_cell, &mut pull.scratch);
    }
    normalise(radius, &mut pull.per_cell);
}

/// Divides a field summed by [`BLUR_PASSES`] passes of [`blur`] by the windows it was summed
/// over, once at the end instead of once in every pass (the same field but for rounding).
fn normalise(radius: usize, field: &mut [f64]) {
    if radius == 0 {
        return;
    }
    let window = (2 * radius + 1) as f64;
    let scale = 1.0 / window.powi(2 * BLUR_PASSES as i32);
    for x in field {
        *x *= scale;
    }
}

/// One separable box-blur pass of half-width `radius` over `field` (rows, then columns), as
/// sums over the window: [`normalise`] divides by the full windows after the last pass. The
/// window is cut at the grid's edge, and the sum is still divided by the full window, so mass
/// near the edge is not inflated. Each line keeps a running sum over the window [i − radius, i +
/// radius] of the line's values before the pass. The rows are summed from `field` into
/// `scratch`, and the columns from `scratch` back into `field`, all at once, row by row, which
/// reads memory in order (the same additions, in the same order, as one column at a time) and
/// copies nothing.
fn blur(grid: &Grid, radius: usize, field: &mut [f64], scratch: &mut Vec<f64>) {
    if radius == 0 {
        return;
    }
    scratch.resize(field.len(), 0.0);
    row_pass(field, &mut scratch[..], grid.width, radius);
    column_pass(grid, radius, scratch, field);
}

/// The column pass of [`blur`]: one running sum per column over the rows summed in `before`,
/// written into every cell of `field`.
fn column_pass(grid: &Grid, radius: usize, before: &[f64], field: &mut [f64]) {
    let (w, h) = (grid.width, grid.height);
    let mut sums: Vec<f64> = (0..w)
        .map(|col| {
            (0..h)
                .take(radius + 1)
                .map(|row| before[row * w + col])
                .sum()
        })
        .collect();
    for row in 0..h {
        let out = &mut field[row * w..(row + 1) * w];
        out.copy_from_slice(&sums);
        if row + radius + 1 < h {
            let add = &before[(row + radius + 1) * w..(row + radius + 2) * w];
            for (s, a) in sums.iter_mut().zip(add) {
                *s += a;
            }
        }
        if row >= radius {
            let sub = &before[(row - radius) * w..(row - radius + 1) * w];
            for (s, x) in sums.iter_mut().zip(sub) {
                *s -= x;
            }
        }
    }
}

/// Rows blurred together by [`blur`].
const ROWS_AT_ONCE: usize = 4;

/// The row pass of [`blur`]: the rows of width `w` of `field` summed into `out` (of the same
/// length), several rows at once (each row's running sum is its own; interleaving them lets
/// the processor overlap their additions, which are the same, in the same order, as one row at
/// a time).
fn row_pass(field: &[f64], out: &mut [f64], w: usize, radius: usize) {
    let block = ROWS_AT_ONCE * w;
    let mut from = field.chunks_exact(block);
    let mut to = out.chunks_exact_mut(block);
    for (src, dst) in (&mut from).zip(&mut to) {
        blur_rows::<ROWS_AT_ONCE>(src, dst, w, radius);
    }
    for (src, dst) in from
        .remainder()
        .chunks_exact(w)
        .zip(to.into_remainder().chunks_exact_mut(w))
    {
        blur_rows::<1>(src, dst, w, radius);
    }
}

/// The row pass of [`blur`] over the `N` rows of width `w` in `src`, into `dst`: for each row
/// a running sum over the window [i − radius, i + radius] of the row's values.
fn blur_rows<const N: usize>(src: &[f64], dst: &mut [f64], w: usize, radius: usize) {
    let mut sums = [0.0f64; N];
    for (j, sum) in sums.iter_mut().enumerate() {
        *sum = src[j * w..(j + 1) * w].iter().take(radius + 1).sum();
    }
    for i in 0..w {
        for (j, sum) in sums.iter_mut().enumerate() {
            dst[j * w + i] = *sum;
            if i + radius + 1 < w {
                *sum += src[j * w + i + radius + 1];
            }
            if i >= radius {
                *sum -= src[j * w + i - radius];
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(width: usize, height: usize) -> Grid {
        Grid::blank(width, height)
    }

    #[test]
    fn the_blur_keeps_the_mass_away_from_the_edges_and_spreads_it() {
        let g = grid(21, 21);
        let mut field = vec![0.0; 21 * 21];
        field[10 * 21 + 10] = 100.0;
        let mut scratch = Vec::new();
        blur(&g, 2, &mut field, &mut scratch);
        blur(&g, 2, &mut field, &mut scratch);
        normalise(2, &mut field);
        let total: f64 = field.iter().sum();
        assert!((total - 100.0).abs() < 1e-9, "{total}");
        // The peak stays at the source, falls with distance and reaches four cells away.
        let at = |r: usize, c: usize| field[r * 21 + c];
        assert!(at(10, 10) > at(10, 12) && at(10, 12) > at(10, 14) && at(10, 14) > 0.0);
        assert_eq!(at(10, 15), 0.0);
        // Symmetric in rows and columns.
        assert!((at(12, 10) - at(10, 12)).abs() < 1e-12);
    }

    #[test]
    fn rows_blurred_together_give_the_same_field_bit_for_bit_as_one_at_a_time() {
        // The row pass as first written: one row at a time.
        let one_at_a_time = |w: usize, radius: usize, field: &mut [f64]| {
            for row in field.chunks_exact_mut(w) {
                let before = row.to_vec();
                let mut sum: f64 = before.iter().take(radius + 1).sum();
                for i in 0..w {
                    row[i] = sum;
                    if i + radius + 1 < w {
                        sum += before[i + radius + 1];
                    }
                    if i >= radius {
                        sum -= before[i - radius];
                    }
                }
            }
        };
        for (w, h, radius) in [(7, 9, 2), (21, 4, 3), (5, 3, 6), (13, 11, 1)] {
            let field: Vec<f64> = (0..w * h)
                .map(|i| ((i * 7919 % 97) as f64 / 13.0).powi(3) * 1e-3)
                .collect();
            let mut expected = field.clone();
            one_at_a_time(w, radius, &mut expected);
            let mut out = vec![0.0; field.len()];
            row_pass(&field, &mut out, w, radius);
            let bits = |f: &[f64]| f.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&out), bits(&expected), "{w} x {h}, radius {radius}");
        }
    }

    #[test]
    fn no_reach_leaves_the_field_as_it_is() {
        let g = grid(3, 3);
        let mut field = vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0];
        let before = field.clone();
        blur(&g, 0, &mut field, &mut Vec::new());
        normalise(0, &mut field);
        assert_eq!(field, before);
    }
}
