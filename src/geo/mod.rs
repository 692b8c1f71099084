//! The Sahel map: the shipped data (country outlines, regions with populations, areas of
//! operation, towns, routes, gold sites, parks, land cover; `data/sahel_map.ron`, sources named
//! in the file) and its rasterisation into the grid the model runs on, from the grid's
//! parameters ([`MapParams`]). The map imports nothing from the scenario format: the scenario
//! loader validates into [`MapParams`] and is handed the map data to validate names against.

pub mod data;
pub mod geometry;
pub mod grid;
pub mod params;

use std::sync::OnceLock;

pub use data::{LatLon, MapData};
pub use grid::{Cell, Grid, LandCover};
pub use params::{BBox, MapParams};

/// The map data file, compiled into the program so that it runs anywhere.
pub const MAP_DATA_RON: &str = include_str!("../../data/sahel_map.ron");

/// The shipped map data, parsed once.
pub fn map_data() -> &'static MapData {
    static DATA: OnceLock<MapData> = OnceLock::new();
    // The file is part of the program and a test parses it: a failure here is a build defect.
    DATA.get_or_init(|| ron::from_str(MAP_DATA_RON).expect("data/sahel_map.ron is valid (tested)"))
}

/// The map data together with its grid for one scenario.
#[derive(Debug, Clone)]
pub struct SahelMap {
    /// The shipped map data.
    pub data: &'static MapData,
    /// The rasterised grid.
    pub grid: Grid,
}

/// Population totals of one country on the grid.
#[derive(Debug, Clone, PartialEq)]
pub struct CountryPopulation {
    /// Country name.
    pub name: String,
    /// Population on the grid at the scenario's start.
    pub at_start: u64,
    /// The official figure the data cites (for Niger: the regions modelled).
    pub official: Option<u64>,
    /// Year of the official figure.
    pub official_year: Option<u16>,
    /// Population on the grid projected back to the official figure's year.
    pub at_official_year: Option<u64>,
}

impl SahelMap {
    /// Rasterises the shipped map for `params`, with populations projected to `start_year`.
    pub fn build(params: &MapParams, start_year: i32) -> Self {
        let data = map_data();
        Self {
            data,
            grid: grid::rasterise(data, params, start_year),
        }
    }

    /// Index of the town called `name`.
    pub fn town(&self, name: &str) -> Option<usize> {
        self.data.towns.iter().position(|t| t.name == name)
    }

    /// Index (in the grid's cell order) of the cell holding the town called `name`.
    pub fn town_cell_index(&self, name: &str) -> Option<usize> {
        let t = self.town(name)?;
        self.grid.cell_index(self.data.towns[t].at)
    }

    /// The cell holding the town called `name`.
    pub fn town_cell(&self, name: &str) -> Option<&Cell> {
        self.town_cell_index(name).map(|i| &self.grid.cells[i])
    }

    /// Population per study country, with the official figure each is checked against.
    pub fn country_populations(
        &self,
        params: &MapParams,
        start_year: i32,
    ) -> Vec<CountryPopulation> {
        self.data
            .countries
            .iter()
            .enumerate()
            .filter(|(_, c)| c.in_study_area)
            .map(|(ci, c)| {
                let at_start: u64 = self
                    .grid
                    .cells
                    .iter()
                    .filter(|cell| cell.country == Some(ci) && cell.region.is_some())
                    .map(|cell| cell.population)
                    .sum();
                let at_official_year = c.population_year.map(|y| {
                    let back = (1.0 + params.population_growth).powi(y as i32 - start_year);
                    (at_start as f64 * back).round() as u64
                });
                CountryPopulation {
                    name: c.name.clone(),
                    at_start,
                    official: c.population,
                    official_year: c.population_year,
                    at_official_year,
                }
            })
            .collect()
    }

    /// Number of study-area cells with residents.
    pub fn populated_cells(&self) -> usize {
        self.grid
            .cells
            .iter()
            .filter(|c| c.in_study_area && c.population > 0)
            .count()
    }
}
