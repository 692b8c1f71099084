//! The `map` section: cell size, extent, population growth and region populations, validated
//! into the grid's parameters ([`MapParams`], which belong to `crate::geo`), and the regions a
//! scenario may name.

use serde::Deserialize;

use super::checker::Checker;
use super::merge::{Named, NamedList, merge_fields};
use crate::geo::{BBox, MapData, MapParams};

/// Largest grid the model accepts, in cells.
pub const MAX_GRID_CELLS: usize = 2_000_000;
/// Finest and coarsest resolution accepted, in degrees.
pub const RESOLUTION_RANGE: (f64, f64) = (0.02, 1.0);
/// The default bounding box: the three study countries with a margin.
pub const DEFAULT_BBOX: BBox = BBox {
    south: 9.0,
    north: 25.5,
    west: -12.5,
    east: 4.5,
};
/// The regions a scenario may name: the map's modelled regions, by name.
pub(super) struct Regions {
    /// (index into the map's regions, name).
    modelled: Vec<(usize, String)>,
    names: Vec<String>,
}

impl Regions {
    /// The modelled regions of `map_data`.
    pub(super) fn new(map_data: &MapData) -> Self {
        let modelled: Vec<(usize, String)> = map_data
            .regions
            .iter()
            .enumerate()
            .filter(|(_, r)| r.modelled != Some(false))
            .map(|(i, r)| (i, r.name.clone()))
            .collect();
        let names = modelled.iter().map(|(_, n)| n.clone()).collect();
        Self { modelled, names }
    }

    /// The index into the map's regions of the modelled region called `name`.
    pub(super) fn index(&self, name: &str) -> Option<usize> {
        self.modelled
            .iter()
            .find(|(_, n)| n == name)
            .map(|(i, _)| *i)
    }

    /// The names of the modelled regions, in the map's order.
    pub(super) fn names(&self) -> &[String] {
        &self.names
    }
}

/// The map section.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename = "map")]
pub struct RawMap {
    /// Cell size in degrees of latitude and longitude.
    pub resolution_deg: Option<f64>,
    /// Bounding box of the grid.
    pub bbox: Option<RawBbox>,
    /// Annual population growth used to project census figures to the start date.
    pub population_growth: Option<f64>,
    /// Replaces the shipped population figure of named regions (e.g. a newer census).
    pub regions: Option<NamedList<RawRegion>>,
}

/// A region's population, replacing the shipped figure.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename = "region")]
pub struct RawRegion {
    /// Region name, as on the map (e.g. "Mopti", "Centre-Nord").
    pub name: String,
    /// Population in `year`.
    pub population: Option<i64>,
    /// Year of the figure.
    pub year: Option<i64>,
}

/// A bounding box in degrees.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename = "bbox")]
pub struct RawBbox {
    /// Southern edge (latitude).
    pub south: Option<f64>,
    /// Northern edge (latitude).
    pub north: Option<f64>,
    /// Western edge (longitude).
    pub west: Option<f64>,
    /// Eastern edge (longitude).
    pub east: Option<f64>,
}

impl Named for RawRegion {
    fn name(&self) -> &str {
        &self.name
    }
}

merge_fields!(RawMap {
    resolution_deg,
    bbox,
    population_growth,
    regions
});
merge_fields!(RawRegion { population, year } keep { name });
merge_fields!(RawBbox {
    south,
    north,
    west,
    east
});

/// Validates the `map` section against the map data.
pub(super) fn validate(
    c: &mut Checker,
    raw: Option<&RawMap>,
    regions: &Regions,
    map_data: &MapData,
) -> MapParams {
    let rm = raw.cloned().unwrap_or_default();
    let resolution_deg = c.number(
        rm.resolution_deg,
        0.1,
        "map.resolution_deg",
        RESOLUTION_RANGE.0,
        RESOLUTION_RANGE.1,
        "a cell size in degrees from 0.02 (about 2 km) to 1.0 (about 110 km); default 0.1",
    );
    let rb = rm.bbox.clone().unwrap_or_default();
    let bbox = BBox {
        south: c.number(
            rb.south,
            DEFAULT_BBOX.south,
            "map.bbox.south",
            -90.0,
            90.0,
            "a latitude in degrees",
        ),
        north: c.number(
            rb.north,
            DEFAULT_BBOX.north,
            "map.bbox.north",
            -90.0,
            90.0,
            "a latitude in degrees",
        ),
        west: c.number(
            rb.west,
            DEFAULT_BBOX.west,
            "map.bbox.west",
            -180.0,
            180.0,
            "a longitude in degrees",
        ),
        east: c.number(
            rb.east,
            DEFAULT_BBOX.east,
            "map.bbox.east",
            -180.0,
            180.0,
            "a longitude in degrees",
        ),
    };
    let bbox_ok = if bbox.north <= bbox.south {
        let e = c
            .error("map.bbox.north", "is not north of map.bbox.south")
            .expected("north > south");
        c.push(e);
        false
    } else if bbox.east <= bbox.west {
        let e = c
            .error("map.bbox.east", "is not east of map.bbox.west")
            .expected("east > west");
        c.push(e);
        false
    } else if bbox.north < 9.5 || bbox.south > 23.0 || bbox.east < -11.0 || bbox.west > 3.5 {
        let e = c
            .error("map.bbox", "does not cover the study area")
            .expected("a box overlapping Mali, Burkina Faso and western Niger (default: south 9.0, north 25.5, west -12.5, east 4.5)");
        c.push(e);
        false
    } else {
        true
    };
    let population_growth = c.number(
        rm.population_growth,
        0.03,
        "map.population_growth",
        -0.1,
        0.1,
        "an annual growth rate between -0.1 and 0.1 (0.03 is 3 % a year)",
    );
    let mut map = MapParams {
        resolution_deg,
        bbox,
        population_growth,
        region_populations: Vec::new(),
    };
    if bbox_ok {
        let (w, h) = map.grid_size();
        if w.saturating_mul(h) > MAX_GRID_CELLS {
            let e = c
                .error(
                    "map.resolution_deg",
                    format!(
                        "{resolution_deg} makes a grid of {w} × {h} = {} cells",
                        w * h
                    ),
                )
                .expected(format!(
                    "at most {MAX_GRID_CELLS} cells: a coarser resolution or a smaller bbox"
                ));
            c.push(e);
        }
    }
    for r in rm.regions.clone().unwrap_or_default().0.iter() {
        let path = format!("map.regions[{}]", r.name);
        let Some(idx) = regions.index(&r.name) else {
            let e = c
                .error(
                    &format!("{path}.name"),
                    format!("unknown region `{}`", r.name),
                )
                .expected("a first-level region of Mali, Burkina Faso or Niger")
                .choices(&r.name, regions.names());
            c.push(e);
            continue;
        };
        let pop = r
            .population
            .unwrap_or(map_data.regions[idx].population as i64);
        if pop < 0 {
            let e = c
                .error(&format!("{path}.population"), format!("{pop} is negative"))
                .expected("a population, 0 or more");
            c.push(e);
            continue;
        }
        let year = r.year.unwrap_or(map_data.regions[idx].year as i64);
        if !(1950..=2100).contains(&year) {
            let e = c
                .error(&format!("{path}.year"), format!("{year} is out of range"))
                .expected("a year from 1950 to 2100");
            c.push(e);
            continue;
        }
        map.region_populations.push((idx, pop as u64, year as u16));
    }

    map
}
