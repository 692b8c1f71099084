//! Initialisation on the first day: communities on every populated cell, garrisons in towns,
//! gold sites, and each group's bands placed in its home regions.

use bevy_ecs::prelude::*;
use rand::distr::Distribution;
use rand::distr::weighted::WeightedIndex;

use super::agreements::BorderAgreements;
use super::components::*;
use super::ids::{BandId, CellId, CommunityId, GroupId, IdVec};
use super::resources::*;
use super::rng::{Rngs, Stream};
use crate::geo::LandCover;
use crate::geo::geometry::distance_km;
use crate::scenario::GroupStatus;
use crate::scenario::model_params::Communities;
use crate::sim::units::{DAYS_PER_YEAR, USD_PER_MILLION};

/// Kilometres per degree of latitude.
const KM_PER_DEGREE_LAT: f64 = 111.0;

/// Kilometres per degree of longitude in the study area (about 18° N), for a quick bounding
/// box; the exact great-circle distance decides.
const KM_PER_DEGREE_LON: f64 = 105.0;

/// A garrison's reach ends at this many presence radii, where its weight exp(−d / radius) has
/// fallen below 5 %. A truncation for speed, not a parameter: `presence_radius_km` is the dial.
const REACH_RADII: f64 = 3.0;

/// A group's treasury at the start is split between the group and its bands: the bands share
/// 1/this of it. An integer divisor keeps the books in whole dollars; not calibrated.
const BAND_TREASURY_DIVISOR: i64 = 2;

/// The day a band was last in a community that has not seen one: long enough before the start
/// that control decays from the first week.
const NO_BAND_YET: i64 = -1000;

/// Share of pastoralists by land cover (Fulani and Tuareg herders are most numerous in the
/// Sahel, the inner delta's grazing lands and the desert edge). Input data rather than a
/// mechanism's dial: a stated property of the land (docs/ODD.md, input data), which the
/// mechanism weighs with `communities.pastoralist_grievance`.
pub fn pastoralist_share(cover: LandCover, inner_delta: bool) -> f64 {
    if inner_delta {
        return 0.4;
    }
    match cover {
        LandCover::Desert => 0.5,
        LandCover::Sahel => 0.35,
        LandCover::Sudanian => 0.08,
    }
}

/// Aridity by land cover, 0..1: desert 1, the Sahel 0.6, the Sudanian savanna 0. Input data
/// rather than a dial: the mechanism weighs it with `communities.hardship_aridity`.
pub fn aridity(cover: LandCover) -> f64 {
    match cover {
        LandCover::Desert => 1.0,
        LandCover::Sahel => 0.6,
        LandCover::Sudanian => 0.0,
    }
}

/// Kilometres in a degree of latitude (and, near enough for a cut-off, of longitude here).
const KM_PER_DEGREE: f64 = 100.0;

/// Fills `world` (which holds [`Setup`]) with the initial state.
pub fn populate(world: &mut World) {
    let setup = world.resource::<Setup>().clone();
    let s = &setup.scenario;
    let map = &setup.map;
    let p = &s.model;
    let grid = &map.grid;
    let data = map.data;
    let mut rngs = Rngs::new(s.seed, setup.replicate);

    // Static cell information.
    let mut cells: IdVec<CellId, CellInfo> = grid
        .cells
        .iter()
        .map(|c| CellInfo {
            community: None,
            in_study_area: c.in_study_area,
            gold_usd_day: 0.0,
            gold_pull_usd_day: 0.0,
            toll_usd_day: 0.0,
            cover: !c.parks.is_empty(),
            border_closeness: if p.bands.border_weight > 0.0 {
                (-c.border_km / p.bands.border_reach_km).exp()
            } else {
                0.0
            },
            kidnap_spot: false,
            inner_delta: c.inner_delta,
            near_post: false,
            area: c.area.map(index_u32),
            region: c.region.map(index_u32),
        })
        .collect();
    // With border agreements in the history, the country across each cell's nearest border
    // (whose shelter an agreement removes), for the cells within the deepest depth agreed.
    let deepest = BorderAgreements::deepest(&s.history, data.countries.len());
    let border_across: Vec<Option<usize>> = match &deepest {
        Some(d) if p.bands.border_weight > 0.0 => {
            let km_per_cell = grid.resolution * KM_PER_DEGREE;
            let reach_km = d.max_depth_km();
            grid.cells
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    (c.in_study_area && c.border_km <= reach_km)
                        .then(|| {
                            grid.country_across(i, (c.border_km / km_per_cell).ceil() as usize + 2)
                        })
                        .flatten()
                })
                .collect()
        }
        _ => Vec::new(),
    };
    // Routes: each one's toll pool, bounded by its traffic, and its checkpoints.
    let mut routes: Vec<RouteInfo> = data
        .routes
        .iter()
        .enumerate()
        .map(|(ri, r)| RouteInfo {
            route: ri,
            pool_usd_day: r
                .traffic
                .iter()
                .map(|t| {
                    let share = if t.kind.illicit() {
                        p.revenue.max_toll_share_illicit
                    } else {
                        p.revenue.max_toll_share_licit
                    };
                    t.musd * USD_PER_MILLION * share / DAYS_PER_YEAR
                })
                .sum(),
            cells: Vec::new(),
        })
        .collect();
    for (i, c) in grid.cells.iter().enumerate() {
        let cell = CellId::new(i);
        if !cells[cell].in_study_area {
            continue;
        }
        for &ri in &c.routes {
            routes[ri].cells.push(cell);
            cells[cell].toll_usd_day += routes[ri].pool_usd_day * p.revenue.checkpoint_share;
        }
    }
    routes.retain(|r| !r.cells.is_empty());
    for (i, c) in grid.cells.iter().enumerate() {
        if !c.routes.is_empty()
            && (!c.towns.is_empty() || grid.neighbours(i).any(|n| !grid.cells[n].towns.is_empty()))
        {
            cells[CellId::new(i)].kidnap_spot = true;
        }
    }

    // Garrisons: national forces in regional capitals and large towns (and, with
    // `security.post_troops`, at the map's posts outside them); international forces spread
    // over northern Mali's towns.
    let capitals: Vec<&str> = data.regions.iter().map(|r| r.capital.as_str()).collect();
    let north = data.areas.iter().position(|a| a.id == "north");
    let mut garrisons: Vec<Garrison> = Vec::new();
    let mut intl_towns: Vec<(usize, usize, f64)> = Vec::new();
    for (ti, t) in data.towns.iter().enumerate() {
        let Some(ci) = grid.cell_index(t.at) else {
            continue;
        };
        let cell = &grid.cells[ci];
        if cell.region.is_none() {
            continue;
        }
        if t.population as f64 >= p.security.garrison_min_town
            || capitals.contains(&t.name.as_str())
        {
            let troops = (p.security.troops_per_1000_town * t.population as f64 / 1000.0)
                .max(p.security.min_garrison_troops);
            garrisons.push(Garrison::at_strength(
                garrisons.len(),
                GarrisonSite::Town(ti),
                CellId::new(ci),
                ForceKind::National,
                cell.country,
                troops,
            ));
        }
        if north.is_some()
            && cell.area == north
            && t.population as f64 >= p.security.international_min_town
        {
            intl_towns.push((ti, ci, (t.population as f64).sqrt()));
        }
    }
    // Posts outside the towns: national troops in the army's and gendarmerie's village camps,
    // where `security.post_troops` garrisons them.
    if p.security.post_troops > 0.0 {
        for (pi, post) in data.posts.iter().enumerate() {
            let Some(ci) = grid.cell_index(post.at) else {
                continue;
            };
            if grid.cells[ci].region.is_none() {
                continue;
            }
            // The post's own country, not its cell's: on a coarse grid a post by the border
            // (Boulkessi) can fall in a cell of the neighbour, and its troops still police
            // their own side only.
            let country = data.countries.iter().position(|k| k.iso3 == post.country);
            for n in std::iter::once(ci).chain(grid.neighbours(ci)) {
                cells[CellId::new(n)].near_post = true;
            }
            garrisons.push(Garrison::at_strength(
                garrisons.len(),
                GarrisonSite::Post(pi),
                CellId::new(ci),
                ForceKind::National,
                country,
                p.security.post_troops,
            ));
        }
    }
    let intl_weight: f64 = intl_towns.iter().map(|t| t.2).sum();
    for (ti, ci, w) in intl_towns {
        let troops = p.security.international_troops * w / intl_weight;
        garrisons.push(Garrison::at_strength(
            garrisons.len(),
            GarrisonSite::Town(ti),
            CellId::new(ci),
            ForceKind::International,
            grid.cells[ci].country,
            troops,
        ));
    }

    // Communities.
    let mut community_cells = Vec::new();
    for (i, c) in grid.cells.iter().enumerate() {
        if c.in_study_area && c.population > 0 {
            cells[CellId::new(i)].community = Some(CommunityId::new(community_cells.len()));
            community_cells.push(i);
        }
    }
    // Garrison reach over communities: forces stop at their country's border; the troops are
    // spread by distance and, with `security.troops_follow_people`, by the people there.
    // With border agreements in the history, national garrisons also list the communities
    // across the border within the deepest depth ever agreed (sim::agreements).
    let radius = p.security.presence_radius_km;
    let follow = p.security.troops_follow_people;
    for g in &mut garrisons {
        let at = (
            grid.cells[g.cell.index()].lat,
            grid.cells[g.cell.index()].lon,
        );
        let agreed = deepest.as_ref().filter(|_| g.kind == ForceKind::National);
        // A post's troops reach `security.post_reach` of a town garrison's distance.
        let radius = match g.site {
            GarrisonSite::Post(_) => radius * p.security.post_reach,
            GarrisonSite::Town(_) => radius,
        };
        // The communities of the grid's window around the garrison, in community order (the
        // order of their cells), instead of all of them.
        let (half_lat, half_lon) = (
            REACH_RADII * radius / KM_PER_DEGREE_LAT,
            REACH_RADII * radius / KM_PER_DEGREE_LON,
        );
        for ci in grid.window(at, half_lat, half_lon) {
            let Some(k) = cells[CellId::new(ci)].community.map(|k| k.index()) else {
                continue;
            };
            let c = &grid.cells[ci];
            let depth = agreed.map_or(0.0, |a| a.depth_km(g.country, c.country));
            let across = c.country != g.country && depth > 0.0 && c.border_km <= depth;
            if c.country != g.country && !across {
                continue;
            }
            if (c.lat - at.0).abs() * KM_PER_DEGREE_LAT > REACH_RADII * radius
                || (c.lon - at.1).abs() * KM_PER_DEGREE_LON > REACH_RADII * radius
            {
                continue;
            }
            let d = distance_km(at, (c.lat, c.lon));
            if d <= REACH_RADII * radius {
                let by_people = if follow > 0.0 {
                    (c.population as f64).powf(follow)
                } else {
                    1.0
                };
                let weight = (-d / radius).exp() * by_people;
                if across {
                    g.across.push(AcrossReach {
                        community: CommunityId::new(k),
                        raw: weight,
                        country: c.country.expect("a cell across a border has a country"),
                        border_km: c.border_km,
                    });
                } else {
                    g.reach.push((CommunityId::new(k), weight));
                }
            }
        }
        // The garrison's troops are spread over its reach, not counted again in every cell.
        g.reach_total = g.reach.iter().map(|r| r.1).sum();
    }
    let mut troops: IdVec<CommunityId, f64> = IdVec::filled(0.0, community_cells.len());
    let mut international: IdVec<CommunityId, f64> = IdVec::filled(0.0, community_cells.len());
    let agreements = BorderAgreements::on(&s.history, 0, data.countries.len());
    for g in &garrisons {
        g.spread(&agreements, &mut troops, &mut international);
    }

    let cp = &p.communities;
    let mut people = 0.0;
    let mut community_entities: IdVec<CommunityId, Entity> = IdVec::new();
    for (k, &ci) in community_cells.iter().enumerate() {
        let c = &grid.cells[ci];
        let residents = c.population as f64;
        people += residents;
        let aridity = aridity(c.land_cover);
        let pastoralists = pastoralist_share(c.land_cover, c.inner_delta);
        let hardship = (cp.hardship_base
            + cp.hardship_aridity * aridity
            + cp.pastoralist_grievance * pastoralists)
            .clamp(0.0, 1.0);
        let id = CommunityId::new(k);
        let mut community = Community {
            id,
            cell: CellId::new(ci),
            residents,
            displaced: 0.0,
            pastoralists,
            rural_share: if c.population > 0 {
                1.0 - c.urban as f64 / c.population as f64
            } else {
                1.0
            },
            townsfolk: if c.population > 0 {
                residents * (c.urban as f64 / c.population as f64)
            } else {
                0.0
            },
            recruitable: residents * p.bands.recruitable_share,
            hardship,
            legitimacy: 0.0,
            fear: 0.0,
            support: 0.0,
            informers: 0.0,
            control: 0.0,
            controller: None,
            government: 0.0,
            stigma: 0.0,
            militia: 0.0,
            leaders: 1.0,
            schools: (residents / p.displacement.residents_per_school).round(),
            schools_closed: 0.0,
            troops: troops[id],
            international_troops: international[id],
            last_band_day: NO_BAND_YET,
            government_weeks: 0,
        };
        community.government = community.state_security(
            cp.policing_per_1000,
            p.security.international_state_building,
        );
        // Presence at the start is taken as already sustained.
        if community.government >= SUSTAINED_PRESENCE {
            community.government_weeks = SUSTAINED_WEEKS;
        }
        community.legitimacy = base_legitimacy(cp, community.government);
        community_entities.push(world.spawn(community).id());
    }

    // Gold sites.
    for (si, site) in data.gold_sites.iter().enumerate() {
        let Some(ci) = grid.cell_index(site.at) else {
            continue;
        };
        let ci = CellId::new(ci);
        if !cells[ci].in_study_area {
            continue;
        }
        let usd_per_day = site.production_kg * p.revenue.gold_usd_per_kg / DAYS_PER_YEAR;
        cells[ci].gold_usd_day += usd_per_day;
        // Word of a site travels: its tax pool draws bands from `gold_reach_km` around,
        // fading with distance.
        let reach = p.bands.gold_reach_km;
        let pool = usd_per_day * p.revenue.gold_tax_share;
        let span = 3.0 * reach / KM_PER_DEGREE;
        for cj in grid.window(site.at, span, span) {
            let c = &grid.cells[cj];
            if (c.lat - site.at.0).abs() > span || (c.lon - site.at.1).abs() > span {
                continue;
            }
            let d = distance_km((c.lat, c.lon), site.at);
            if d <= 3.0 * reach {
                cells[CellId::new(cj)].gold_pull_usd_day += pool * (-d / reach).exp();
            }
        }
        world.spawn(GoldSite {
            site: si,
            cell: ci,
            usd_per_day,
        });
    }

    let gold_cells: Vec<CellId> = cells
        .iter_enumerated()
        .filter(|(_, c)| c.gold_usd_day > 0.0)
        .map(|(cell, _)| cell)
        .collect();

    // Groups and their bands.
    let home: IdVec<GroupId, Vec<bool>> = s
        .groups
        .iter()
        .map(|g| {
            (0..data.regions.len())
                .map(|r| g.home_regions.contains(&r))
                .collect()
        })
        .collect();
    let mut groups: IdVec<GroupId, GroupState> = IdVec::new();
    let mut next_band = NextBandId(BandId::new(0));
    let mut money = 0i64;
    let mut group_fighters_initial = IdVec::filled(0u64, s.groups.len());
    for (gi, g) in s.groups.iter().enumerate() {
        let gi = GroupId::new(gi);
        let treasury_total = (g.initial.treasury_musd * USD_PER_MILLION).round() as i64;
        let bands = if g.status == GroupStatus::Absorbed {
            0
        } else {
            g.initial.bands
        };
        let band_share = if bands > 0 {
            treasury_total / BAND_TREASURY_DIVISOR / bands as i64
        } else {
            0
        };
        let treasury = treasury_total - band_share * bands as i64;
        money += treasury_total;
        groups.push(GroupState {
            status: g.status,
            absorbed_by: g.absorbed_by.map(GroupId::new),
            treasury,
            cohesion: if g.status == GroupStatus::Active {
                p.leadership.initial_cohesion
            } else {
                p.leadership.initial_cohesion_degraded
            },
            leader_alive: g.status == GroupStatus::Active,
            fighters: g.initial.fighters,
            loss_ratio: 0.0,
            income_external: 0.0,
            income_local: 0.0,
            defections_in: IdVec::filled(0, s.groups.len()),
            held_people: 0.0,
        });
        if bands == 0 {
            continue;
        }
        // Candidate cells: communities in the home regions (not the home lands, which draw
        // the bands but are not where they start), weighted by √residents, more under cover.
        let candidates: Vec<(usize, f64)> = community_cells
            .iter()
            .filter(|&&ci| grid.cells[ci].region.is_some_and(|r| home[gi][r]))
            .map(|&ci| {
                (
                    ci,
                    (grid.cells[ci].population as f64).sqrt()
                        * if cells[CellId::new(ci)].cover {
                            p.bands.initial_cover_weight
                        } else {
                            1.0
                        },
                )
            })
            .collect();
        let placement = WeightedIndex::new(candidates.iter().map(|c| c.1)).ok();
        let per_band = g.initial.fighters / bands;
        let extra = g.initial.fighters % bands;
        for b in 0..bands {
            let fighters = per_band + u32::from(b < extra);
            let hard = (fighters as f64 * g.initial.hardliner_share).round() as u32;
            // A group whose home regions have no community (none in the baseline) starts in
            // the first cell.
            let cell = placement
                .as_ref()
                .map_or(0, |w| candidates[w.sample(rngs.get(Stream::Init))].0);
            world.spawn(Band {
                id: next_band.take(),
                group: gi,
                home_group: gi,
                cell: CellId::new(cell),
                hardliners: hard,
                low_level: fighters - hard,
                morale: p.bands.initial_morale,
                funds: band_share,
                criminal: false,
                recent_losses: 0.0,
            });
            group_fighters_initial[gi] += fighters as u64;
        }
        // The group starts with some control in its home regions.
        for &ci in &candidates.iter().map(|c| c.0).collect::<Vec<_>>() {
            if let Some(k) = cells[CellId::new(ci)].community {
                let mut e = world.entity_mut(community_entities[k]);
                let mut c = e.get_mut::<Community>().expect("community");
                if c.controller.is_none() {
                    c.control = p.control.initial_control;
                    c.controller = Some(gi);
                }
            }
        }
    }

    for g in garrisons {
        world.spawn(g);
    }
    let n_communities = community_entities.len();
    // Militias: those covering each community's region, with the day they start to mobilise.
    let militia_days: Vec<Option<u32>> = data
        .militias
        .iter()
        .map(|m| {
            crate::scenario::parse_date(&m.from)
                .ok()
                .map(|d| (d - s.period.start).whole_days().clamp(0, u32::MAX as i64) as u32)
        })
        .collect();
    let militias: IdVec<CommunityId, Vec<(u32, u32)>> = community_cells
        .iter()
        .map(|&ci| {
            let region = &data.regions[grid.cells[ci].region.expect("communities are in regions")];
            data.militias
                .iter()
                .zip(&militia_days)
                .enumerate()
                .filter(|(_, (m, _))| {
                    m.country == region.country && m.regions.contains(&region.name)
                })
                .filter_map(|(i, (_, day))| day.map(|d| (i as u32, d)))
                .collect()
        })
        .collect();
    // A militia's neighbourhood: the populated cells around its community on this side of
    // the border, in the order of `neighbourhood` (only where a militia covers the community).
    let militia_neighbourhood: IdVec<CommunityId, Vec<(CellId, CommunityId)>> = community_cells
        .iter()
        .zip(militias.iter())
        .map(|(&ci, covering)| {
            if covering.is_empty() {
                return Vec::new();
            }
            let country = grid.cells[ci].country;
            super::systems::neighbourhood(grid, CellId::new(ci))
                .filter(|x| grid.cells[x.index()].country == country)
                .filter_map(|x| cells[x].community.map(|k| (x, k)))
                .collect()
        })
        .collect();
    world.insert_resource(Terrain {
        cells,
        communities: community_entities,
        home,
        home_lands: s.groups.iter().map(|g| g.home_lands.clone()).collect(),
        routes,
        gold_cells,
        militias,
        militia_neighbourhood,
        border_across,
    });
    let blockades = super::blockades::Blockades::new(&setup, world.resource::<Terrain>());
    world.insert_resource(blockades);
    world.insert_resource(Groups::new(groups));
    world.insert_resource(rngs);
    world.insert_resource(next_band);
    world.insert_resource(Ledger {
        people_initial: people,
        money_initial: money,
        income: IdVec::filled([0; 5], s.groups.len()),
        spending: IdVec::filled(0, s.groups.len()),
        group_fighters_initial,
        group_flows: IdVec::filled([0; 4], s.groups.len()),
        volunteers: IdVec::filled(0, s.groups.len()),
        ..Ledger::default()
    });
    world.insert_resource(super::policy::Policies::new(s, map, n_communities));
    world.insert_resource(EventLog::default());
    world.insert_resource(BandIndex::default());
    world.insert_resource(super::systems::recruit_pull::RecruitPull::default());
    world.insert_resource(super::systems::displacement::FearByCell::default());
    world.insert_resource(super::systems::militias::ArmedMilitias::default());
    world.insert_resource(Clock::default());
}

/// The legitimacy a community tends to: the scenario's level where the state is fully
/// present, a share `absent_state_legitimacy` of it where it is absent.
pub fn base_legitimacy(cp: &Communities, government: f64) -> f64 {
    let absent = cp.absent_state_legitimacy;
    cp.initial_legitimacy * (absent + (1.0 - absent) * government)
}

/// A map index (region, area) in the 32 bits [`CellInfo`] keeps it in.
fn index_u32(index: usize) -> u32 {
    u32::try_from(index).expect("a map index beyond 32 bits")
}
