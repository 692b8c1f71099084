//! The shipped map data as it is written in `data/sahel_map.ron`.
//!
//! These types mirror the data file one to one; [`crate::geo::SahelMap`] turns them into the
//! rasterised grid the model runs on. Every coordinate is `(latitude, longitude)` in decimal
//! degrees (WGS 84), north and east positive, as in the model brief.

use serde::Deserialize;

/// A `(latitude, longitude)` pair in decimal degrees.
pub type LatLon = (f64, f64);

/// The whole map data file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MapData {
    /// Where each layer comes from (citations, licences, simplification method).
    pub sources: Vec<String>,
    /// Country outlines: the three study countries and the neighbours inside the bounding box.
    pub countries: Vec<CountryData>,
    /// First-level administrative regions of the study countries.
    pub regions: Vec<RegionData>,
    /// The seed's four areas of operation, as lists of regions.
    pub areas: Vec<AreaData>,
    /// Towns and cities.
    pub towns: Vec<TownData>,
    /// Roads, transit routes and smuggling corridors.
    pub routes: Vec<RouteData>,
    /// Gold mining sites (artisanal and industrial).
    pub gold_sites: Vec<GoldSiteData>,
    /// Parks and reserves.
    pub parks: Vec<ParkData>,
    /// Coarse land-cover zones and the Niger inner delta.
    pub land_cover: LandCoverData,
    /// Community self-defence militias allied to the state, where and from when they mobilise.
    #[serde(default)]
    pub militias: Vec<MilitiaData>,
    /// The national forces' posts outside the garrison towns: army and gendarmerie camps in
    /// villages, each placed and dated by a source (usually a reported attack on it). The
    /// model garrisons them only where `security.post_troops` is above 0.
    #[serde(default)]
    pub posts: Vec<PostData>,
}

/// A national army or gendarmerie post outside the towns (Inates, Boulkessi, Arbinda): a camp
/// the sources place, most often through an attack on it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostData {
    /// The place's name with its usual spelling.
    pub name: String,
    /// ISO3 code of the country whose forces hold it.
    pub country: String,
    /// Position.
    pub at: LatLon,
    /// Citation: where the post's existence (and the position, if not the place's own) comes
    /// from.
    pub source: String,
}

/// A community self-defence militia allied to the state (Dan Na Ambassagou in central Mali,
/// Koglweogo and the Volunteers for the Defence of the Homeland in Burkina Faso). It mobilises
/// among the farming residents of its regions from its date on; where several militias cover a
/// community, the one founded last is the one it mobilises (the Volunteers absorbed many
/// Koglweogo groups from 2020).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MilitiaData {
    /// Short name, used as the actor's name in events.csv.
    pub name: String,
    /// Full name.
    pub full_name: String,
    /// ISO3 code of its country.
    pub country: String,
    /// The regions (names in `regions`) where it mobilises.
    pub regions: Vec<String>,
    /// ISO date from which it mobilises (its founding, or the law that created it).
    pub from: String,
    /// For an armed movement on a standing footing (the state-allied Tuareg movements of
    /// northern Mali): its fighters, under arms whatever the threat, spread over the
    /// communities it covers by their rural residents, herders included, and engaging the
    /// bands in any of them with its whole strength (`militias.movement_strength` scales it;
    /// at its default 0 the movement stays out). Absent for a self-defence militia, which
    /// mobilises its farmers under threat.
    #[serde(default)]
    pub standing: Option<f64>,
    /// Citation for the militia, its regions, its date and its strength.
    pub source: String,
}

/// One country outline.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CountryData {
    /// English short name, e.g. "Burkina Faso".
    pub name: String,
    /// ISO 3166-1 alpha-3 code, e.g. "BFA".
    pub iso3: String,
    /// Whether the country is part of the study area (Mali, Burkina Faso, Niger).
    pub in_study_area: bool,
    /// Official national population (all regions), where the country is in the study area.
    pub population: Option<u64>,
    /// Year of `population`.
    pub population_year: Option<u16>,
    /// Citation for `population`.
    pub population_source: Option<String>,
    /// Outer rings (one per part), each a closed or open list of vertices.
    pub polygons: Vec<Vec<LatLon>>,
}

/// One first-level administrative region. Its boundary is approximated: a cell belongs to
/// the region of its country whose nearest anchor point is closest (Voronoi cells around the
/// anchors, clipped to the country outline).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionData {
    /// Region name as used officially, e.g. "Mopti", "Centre-Nord", "Tillabéri".
    pub name: String,
    /// ISO3 code of the country it belongs to.
    pub country: String,
    /// Whether the region is part of the study area (default true). A region that is drawn
    /// but not modelled (Niger's Tahoua, mostly east of the box) has no population on the grid.
    pub modelled: Option<bool>,
    /// Name of the regional capital (should also be a town in `towns`).
    pub capital: String,
    /// Population at `year` (census or official projection).
    pub population: u64,
    /// Year of `population`.
    pub year: u16,
    /// Citation for `population`.
    pub source: String,
    /// Anchor points whose Voronoi cells make up the region: the capital first, then other
    /// places chosen so that the approximate boundary follows the real one.
    pub anchors: Vec<LatLon>,
}

/// One of the seed's areas of operation.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AreaData {
    /// Full name, e.g. "Central Mali and northern Burkina Faso".
    pub name: String,
    /// Short identifier used in scenario files and outputs, e.g. "central".
    pub id: String,
    /// Regions (by name) that make up the area.
    pub regions: Vec<String>,
}

/// A town or city.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TownData {
    /// Name with its usual spelling, e.g. "Sévaré".
    pub name: String,
    /// ISO3 code of the country.
    pub country: String,
    /// Position.
    pub at: LatLon,
    /// Population of the town itself (not its commune or region).
    pub population: u64,
    /// Year of `population`.
    pub year: u16,
}

/// Kind of a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum RouteKind {
    /// A main road used by ordinary traffic.
    Road,
    /// A commercial transit route (cross-border trade) that armed groups can tax.
    TransitRoute,
    /// A smuggling corridor (drugs, fuel, arms, migrants) that armed groups can tax.
    SmugglingCorridor,
}

/// Kind of traffic a route carries. Armed groups can tax illicit traffic at higher rates than
/// ordinary trade (see the `revenue` section's `max_toll_share_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum TrafficKind {
    /// Trans-Saharan smuggling: drugs, cigarettes, arms, subsidised goods.
    TransSaharan,
    /// Fuel smuggled from Algeria, Nigeria and the coast.
    Fuel,
    /// Cattle and small ruminants driven or trucked to market and to the coast.
    Cattle,
    /// Migrant transport.
    Migrants,
    /// General (licit) transport of goods.
    Transport,
}

impl TrafficKind {
    /// Whether the traffic is illicit (smuggling), which groups can tax at a higher rate.
    pub fn illicit(self) -> bool {
        matches!(
            self,
            TrafficKind::TransSaharan | TrafficKind::Fuel | TrafficKind::Migrants
        )
    }
}

/// One kind of traffic on a route and its yearly value.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Traffic {
    /// What is carried.
    pub kind: TrafficKind,
    /// Value of the goods (or fares) passing along the route in a year, millions of US$.
    pub musd: f64,
}

/// A route as a polyline.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteData {
    /// Name, e.g. "Gao – Kidal – In Khalil corridor".
    pub name: String,
    /// What kind of route it is.
    pub kind: RouteKind,
    /// Vertices in order.
    pub points: Vec<LatLon>,
    /// The yearly traffic the route carries, by kind: what bounds the tolls on it.
    pub traffic: Vec<Traffic>,
    /// Source of the traffic values, or "assumption" and how they were derived.
    pub traffic_source: String,
}

/// Kind of gold site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum GoldSiteKind {
    /// Artisanal (small-scale, informal) mining.
    Artisanal,
    /// Industrial mine.
    Industrial,
}

/// A gold mining site.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoldSiteData {
    /// Name, e.g. "Intahaka".
    pub name: String,
    /// Artisanal or industrial.
    pub kind: GoldSiteKind,
    /// Position.
    pub at: LatLon,
    /// Yearly artisanal gold production of the site (or of its area), kg: what bounds the taxes
    /// on it. For an industrial mine, the artisanal production around it (the mine itself is
    /// guarded and not counted).
    pub production_kg: f64,
    /// Source of the production figure, or "assumption" and how it was derived; position and
    /// remarks.
    pub note: String,
}

/// A park or reserve.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParkData {
    /// Name, e.g. "W–Arly–Pendjari complex".
    pub name: String,
    /// Simplified outline.
    pub polygon: Vec<LatLon>,
}

/// Coarse land cover: latitude bands bent by polylines, plus the inner delta.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LandCoverData {
    /// Southern edge of the Sahara (about the 150 mm isohyet), west to east. North of it: desert.
    pub desert_edge: Vec<LatLon>,
    /// Southern edge of the Sahel (about the 600 mm isohyet), west to east. Between the two
    /// edges: Sahel; south of this one: Sudanian savanna.
    pub sahel_edge: Vec<LatLon>,
    /// Outline of the Niger river's inner delta (seasonally flooded plain).
    pub inner_delta: Vec<LatLon>,
    /// The Niger river's course, west to east, as a polyline.
    pub niger_river: Vec<LatLon>,
}
