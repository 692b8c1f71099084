//! The parameters of the grid a scenario runs on: cell size, extent, population growth and
//! the region populations that replace the shipped figures. The scenario loader validates a
//! scenario's `map` section into these; [`super::grid`] rasterises the map from them. The map
//! knows nothing of scenarios.

use serde::Serialize;

/// A bounding box in degrees.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BBox {
    /// Southern edge (latitude).
    pub south: f64,
    /// Northern edge (latitude).
    pub north: f64,
    /// Western edge (longitude).
    pub west: f64,
    /// Eastern edge (longitude).
    pub east: f64,
}

/// Map and grid settings.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MapParams {
    /// Cell size in degrees.
    pub resolution_deg: f64,
    /// Grid extent.
    pub bbox: BBox,
    /// Annual population growth used to project census figures to the start year.
    pub population_growth: f64,
    /// Region populations that replace the shipped figures: (region index, population, year).
    pub region_populations: Vec<(usize, u64, u16)>,
}

impl MapParams {
    /// Grid width and height in cells.
    pub fn grid_size(&self) -> (usize, usize) {
        let w = ((self.bbox.east - self.bbox.west) / self.resolution_deg).round() as usize;
        let h = ((self.bbox.north - self.bbox.south) / self.resolution_deg).round() as usize;
        (w.max(1), h.max(1))
    }
}
