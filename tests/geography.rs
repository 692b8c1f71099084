//! The shipped map, rasterised at the baseline's resolution, puts the places the brief names
//! where they are, and its populations match the official figures it cites.

use std::path::Path;

use sahelsim::geo::grid::region_population;
use sahelsim::geo::{SahelMap, map_data};
use sahelsim::scenario;

fn baseline_map() -> (scenario::Scenario, SahelMap) {
    let s = scenario::load(Path::new("scenarios/baseline.ron")).unwrap();
    let m = SahelMap::build(&s.map, s.period.start.year());
    (s, m)
}

/// (country, region, area id) of the cell holding `town`.
fn place(map: &SahelMap, town: &str) -> (String, String, String) {
    let cell = map
        .town_cell(town)
        .unwrap_or_else(|| panic!("{town} is on the map"));
    let d = map.data;
    (
        cell.country
            .map(|c| d.countries[c].name.clone())
            .unwrap_or_default(),
        cell.region
            .map(|r| d.regions[r].name.clone())
            .unwrap_or_default(),
        cell.area.map(|a| d.areas[a].id.clone()).unwrap_or_default(),
    )
}

#[test]
fn the_brief_places_fall_in_the_right_country_region_and_area() {
    let (_, map) = baseline_map();
    let expect = |town: &str, country: &str, region: &str, area: &str| {
        assert_eq!(
            place(&map, town),
            (country.to_string(), region.to_string(), area.to_string()),
            "{town}"
        );
    };
    expect("Mopti", "Mali", "Mopti", "central");
    expect("Sévaré", "Mali", "Mopti", "central");
    expect("Djibo", "Burkina Faso", "Sahel", "central");
    expect("Kidal", "Mali", "Kidal", "north");
    expect("Diapaga", "Burkina Faso", "Est", "east");
    expect("Niamey", "Niger", "Niamey", "east");
    expect("Gao", "Mali", "Gao", "north");
    expect("Timbuktu", "Mali", "Tombouctou", "north");
    expect("Banfora", "Burkina Faso", "Cascades", "southwest");
    expect("Ouagadougou", "Burkina Faso", "Centre", "");
    expect("Bamako", "Mali", "Bamako", "");
}

#[test]
fn diapaga_is_next_to_the_parks() {
    let (_, map) = baseline_map();
    let g = &map.grid;
    let at = map.data.towns[map.town("Diapaga").unwrap()].at;
    let i = g.cell_index(at).unwrap();
    let near_park = std::iter::once(i)
        .chain(g.neighbours(i))
        .any(|n| !g.cells[n].parks.is_empty());
    assert!(near_park, "a park touches Diapaga's cell or a neighbour");
    let wap = map
        .data
        .parks
        .iter()
        .position(|p| p.name.contains("Arly"))
        .expect("W–Arly–Pendjari is on the map");
    let wap_cells = g.cells.iter().filter(|c| c.parks.contains(&wap)).count();
    // 0.1° cells are about 120 km² at 12° N; the complex is 26,000–31,000 km².
    let km2 = wap_cells as f64 * 120.0;
    assert!(
        (20_000.0..36_000.0).contains(&km2),
        "W–Arly–Pendjari covers {km2} km² on the grid"
    );
}

#[test]
fn country_populations_are_within_ten_percent_of_the_cited_figures() {
    let (s, map) = baseline_map();
    let pops = map.country_populations(&s.map, s.period.start.year());
    assert_eq!(
        pops.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(),
        vec!["Mali", "Burkina Faso", "Niger"]
    );
    for p in &pops {
        let official = p.official.unwrap() as f64;
        let grid = p.at_official_year.unwrap() as f64;
        assert!(
            (grid / official - 1.0).abs() < 0.10,
            "{}: grid {grid} vs official {official}",
            p.name
        );
    }
    // Projected to 1 January 2017 at 3 % a year, the figures stay near the 2017 estimates of
    // the national statistics offices (Mali about 18.5 M, Burkina Faso about 19.6 M).
    let mali = pops[0].at_start as f64;
    let burkina = pops[1].at_start as f64;
    assert!((mali / 18.5e6 - 1.0).abs() < 0.10, "Mali 2017: {mali}");
    assert!(
        (burkina / 19.6e6 - 1.0).abs() < 0.10,
        "Burkina Faso 2017: {burkina}"
    );
}

#[test]
fn every_region_keeps_its_people_at_any_resolution() {
    for res in [0.05, 0.1, 0.25, 0.5, 1.0] {
        let text = format!(
            "(extends: \"../scenarios/baseline.ron\", name: \"r\", map: (resolution_deg: {res}))"
        );
        let s = scenario::load_str(&text, Path::new("tests/r.ron")).unwrap();
        let map = SahelMap::build(&s.map, s.period.start.year());
        let data = map_data();
        for (ri, r) in data
            .regions
            .iter()
            .enumerate()
            .filter(|(_, r)| r.modelled != Some(false))
        {
            let on_grid: u64 = map
                .grid
                .cells
                .iter()
                .filter(|c| c.region == Some(ri))
                .map(|c| c.population)
                .sum();
            let expected =
                sahelsim::geo::grid::region_population(data, &s.map, ri, 2017).round() as u64;
            assert_eq!(on_grid, expected, "{} at {res}°", r.name);
        }
    }
}

#[test]
fn cells_know_their_land_cover_routes_and_sites() {
    let (_, map) = baseline_map();
    use sahelsim::geo::LandCover;
    assert_eq!(
        map.town_cell("Kidal").unwrap().land_cover,
        LandCover::Desert
    );
    assert_eq!(
        map.town_cell("Bobo-Dioulasso").unwrap().land_cover,
        LandCover::Sudanian
    );
    assert_eq!(map.town_cell("Djibo").unwrap().land_cover, LandCover::Sahel);
    assert!(map.town_cell("Mopti").unwrap().inner_delta || map.town_cell("Mopti").unwrap().river);
    // The Gao–Kidal corridor passes Kidal; Intahaka is a gold site north of Gao.
    let kidal = map.town_cell("Kidal").unwrap();
    assert!(
        kidal
            .routes
            .iter()
            .any(|&r| map.data.routes[r].kind == sahelsim::geo::data::RouteKind::SmugglingCorridor)
    );
    let intahaka = map
        .data
        .gold_sites
        .iter()
        .position(|s| s.name.contains("Intahaka"))
        .unwrap();
    assert!(
        map.grid
            .cells
            .iter()
            .any(|c| c.gold_sites.contains(&intahaka) && c.region.is_some())
    );
    // Border distance: Tessalit is near Algeria, Ségou far from any border.
    assert!(map.town_cell("Tessalit").unwrap().border_km < 150.0);
    assert!(map.town_cell("Ségou").unwrap().border_km > 150.0);
}

#[test]
fn the_map_data_names_its_sources() {
    let d = map_data();
    assert!(d.sources.iter().any(|s| s.contains("Natural Earth")));
    assert!(
        d.regions
            .iter()
            .all(|r| !r.source.is_empty() && r.year >= 2009)
    );
}

#[test]
fn town_dwellers_are_counted_apart_from_the_countryside() {
    let (_, map) = baseline_map();
    let g = &map.grid;
    for c in &g.cells {
        assert!(c.urban <= c.population, "{c:?}");
        if c.towns.is_empty() {
            assert_eq!(c.urban, 0, "{c:?}");
        }
    }
    // Ouagadougou's census population (2.45 M in 2019, projected back to 2017) lives in its
    // cell, at most 80 % of the Centre region's people (the rest is spread over the region's
    // countryside, this cell's share of it included).
    let (s, _) = baseline_map();
    let ouaga = map.town_cell("Ouagadougou").unwrap();
    let town = &map.data.towns[map.town("Ouagadougou").unwrap()];
    let region = ouaga.region.unwrap();
    let growth = (1.0 + s.map.population_growth).powi(2017 - town.year as i32);
    let total = region_population(map.data, &s.map, region, 2017);
    let expected = (town.population as f64 * growth).min(0.8 * total);
    assert!(
        (ouaga.urban as f64 - expected).abs() <= 1.0,
        "{} town residents, {expected} expected",
        ouaga.urban
    );
    assert!(ouaga.urban < ouaga.population, "{ouaga:?}");
}

/// Every military post of the map data lies in a modelled region of the country whose forces
/// hold it, on the baseline's grid, and names its source; none is a garrison town already.
#[test]
fn every_post_lies_in_its_own_country_and_names_its_source() {
    let (s, map) = baseline_map();
    let d = map_data();
    assert!(d.posts.len() >= 15, "{} posts", d.posts.len());
    for post in &d.posts {
        let cell = map
            .grid
            .cell_index(post.at)
            .map(|i| &map.grid.cells[i])
            .unwrap_or_else(|| panic!("{} is off the grid", post.name));
        let region = cell
            .region
            .map(|r| &d.regions[r])
            .unwrap_or_else(|| panic!("{} is in no region", post.name));
        assert_eq!(region.country, post.country, "{}", post.name);
        assert_ne!(region.modelled, Some(false), "{}", post.name);
        assert!(post.source.len() > 20, "{} names no source", post.name);
        let garrison_town = d.towns.iter().any(|t| {
            t.name == post.name
                && (t.population as f64 >= s.model.security.garrison_min_town
                    || d.regions.iter().any(|r| r.capital == t.name))
        });
        assert!(!garrison_town, "{} is a garrison town already", post.name);
    }
}

#[test]
fn every_militia_covers_modelled_regions_of_its_country_from_a_date_and_names_its_source() {
    let d = map_data();
    for m in &d.militias {
        assert!(!m.regions.is_empty(), "{} covers no region", m.name);
        for r in &m.regions {
            let region = d
                .regions
                .iter()
                .find(|x| &x.name == r && x.country == m.country)
                .unwrap_or_else(|| panic!("{}: no region {r} in {}", m.name, m.country));
            assert_ne!(region.modelled, Some(false), "{}: {r}", m.name);
        }
        assert!(
            sahelsim::scenario::parse_date(&m.from).is_ok(),
            "{}: date {}",
            m.name,
            m.from
        );
        if let Some(strength) = m.standing {
            assert!(
                strength.is_finite() && strength >= 1.0,
                "{}: standing strength {strength}",
                m.name
            );
        }
        assert!(m.source.len() > 20, "{} names no source", m.name);
    }
    // The armed movement of Gao and Ménaka is the one standing force.
    let standing: Vec<_> = d
        .militias
        .iter()
        .filter(|m| m.standing.is_some())
        .map(|m| m.name.as_str())
        .collect();
    assert_eq!(standing, ["MSA-GATIA"]);
}
