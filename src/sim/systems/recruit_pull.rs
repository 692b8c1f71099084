//! Where willing recruits are (weekly): the field that draws bands towards grievance.
//!
//! Every populated cell holds `support × recruitable` willing recruits (the active supporters
//! of Epstein's rule among the young men still open to recruitment). Bands see only the cells
//! around them, so the field is spread over `bands.support_reach_km` by a box blur applied
//! twice along rows and columns (a separable, triangle-shaped kernel of half-width about that
//! reach): a band climbs it from far away towards communities whose grievance has risen —
//! where militias or state forces have stigmatised pastoralists — and stops following it
//! where the pool is spent. [`super::movement`] weighs it by `bands.support_weight`.

use bevy_ecs::prelude::*;

use crate::geo::grid::Grid;
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
    /// Scratch row or column for the blur.
    scratch: Vec<f64>,
}

impl RecruitPull {
    /// The field at `cell` (0 before the first update).
    pub fn at(&self, cell: CellId) -> f64 {
        self.per_cell.get(cell.index()).copied().unwrap_or(0.0)
    }
}

/// Recomputes the field from the communities' support and pools.
pub fn update_recruit_pull(
    setup: Res<Setup>,
    mut pull: ResMut<RecruitPull>,
    communities: Query<&Community>,
) {
    let b = &setup.scenario.model.bands;
    if b.support_weight <= 0.0 {
        return;
    }
    let grid = &setup.map.grid;
    let pull = &mut *pull;
    pull.per_cell.clear();
    pull.per_cell.resize(grid.width * grid.height, 0.0);
    for c in &communities {
        pull.per_cell[c.cell.index()] = c.support * c.recruitable.max(0.0);
    }
    let radius = (b.support_reach_km / (grid.resolution * KM_PER_DEGREE) / BLUR_PASSES as f64)
        .round()
        .max(0.0) as usize;
    for _ in 0..BLUR_PASSES {
        blur(grid, radius, &mut pull.per_cell, &mut pull.scratch);
    }
}

/// One separable box-blur pass of half-width `radius` over `field` (rows, then columns); the
/// window is cut at the grid's edge and the sum divided by the full window, so mass near the
/// edge is not inflated.
fn blur(grid: &Grid, radius: usize, field: &mut [f64], scratch: &mut Vec<f64>) {
    if radius == 0 {
        return;
    }
    let (w, h) = (grid.width, grid.height);
    let window = (2 * radius + 1) as f64;
    let mut pass = |len: usize, lines: usize, at: &dyn Fn(usize, usize) -> usize| {
        for line in 0..lines {
            scratch.clear();
            scratch.extend((0..len).map(|i| field[at(line, i)]));
            // A running sum over the window [i − radius, i + radius].
            let mut sum: f64 = scratch.iter().take(radius + 1).sum();
            for i in 0..len {
                field[at(line, i)] = sum / window;
                if i + radius + 1 < len {
                    sum += scratch[i + radius + 1];
                }
                if i >= radius {
                    sum -= scratch[i - radius];
                }
            }
        }
    };
    pass(w, h, &|row, col| row * w + col);
    pass(h, w, &|col, row| row * w + col);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(width: usize, height: usize) -> Grid {
        Grid {
            width,
            height,
            resolution: 0.1,
            south: 0.0,
            west: 0.0,
            cells: Vec::new(),
        }
    }

    #[test]
    fn the_blur_keeps_the_mass_away_from_the_edges_and_spreads_it() {
        let g = grid(21, 21);
        let mut field = vec![0.0; 21 * 21];
        field[10 * 21 + 10] = 100.0;
        let mut scratch = Vec::new();
        blur(&g, 2, &mut field, &mut scratch);
        blur(&g, 2, &mut field, &mut scratch);
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
    fn no_reach_leaves_the_field_as_it_is() {
        let g = grid(3, 3);
        let mut field = vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0];
        let before = field.clone();
        blur(&g, 0, &mut field, &mut Vec::new());
        assert_eq!(field, before);
    }
}
