//! Policy interventions: the six recommendations of the brief as things a scenario switches on.
//!
//! An intervention has a kind, a start (and optional end) date, the places it applies to, the
//! groups it concerns, an intensity and, for some kinds, a capacity. Everything a kind means is
//! declared once, in [`KINDS`]; the model reads interventions only through
//! [`crate::sim::policy::Policies`], so a new kind is added by a variant here, a row in
//! [`KINDS`] and its effect in the one mechanism it acts through.

use serde::{Deserialize, Serialize};
use time::Date;

use super::checker::{Checker, item_path};
use super::groups::GroupNames;
use super::map::Regions;
use super::merge::{Named, merge_by_replacing, merge_fields};
use super::numbers::{NumberInfo, number_table};
use super::params::{Period, format_date};

/// What an intervention does (the brief's six recommendations).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
pub enum InterventionKind {
    /// 1. Disaggregate JNIM: better intelligence and attribution.
    DisaggregateAttribution,
    /// 2. Counter-insurgency surge in central Mali and northern Burkina Faso.
    CounterinsurgencySurge,
    /// 3. Target the illicit networks allied with Ansar Dine.
    TargetIllicitNetworks,
    /// 4. Protect contested communities.
    ProtectCommunities,
    /// 5. Political settlement with named leaders.
    PoliticalSettlement,
    /// 6. Reintegration of lower-level fighters.
    Reintegration,
}

/// What a kind means: its documentation and how it reads `capacity` and `option`.
#[derive(Debug, Clone, Copy)]
pub struct KindInfo {
    /// The kind.
    pub kind: InterventionKind,
    /// The brief's recommendation it stands for, numbered as there.
    pub title: &'static str,
    /// One-line summary of the mechanism it acts through.
    pub summary: &'static str,
    /// What `capacity` means, with its unit, or `None` where the kind has no capacity.
    pub capacity: Option<(&'static str, f64)>,
    /// What `option` means and its default, or `None` where the kind has none.
    pub option: Option<(&'static str, f64)>,
}

/// Every kind, in one place.
pub const KINDS: [KindInfo; 6] = [
    KindInfo {
        kind: InterventionKind::DisaggregateAttribution,
        title: "1. Disaggregate JNIM: better intelligence and attribution",
        summary: "attribution quality rises by `intensity` of the gap to perfect for events by the groups concerned; responses target the group named and are less blunt",
        capacity: None,
        option: None,
    },
    KindInfo {
        kind: InterventionKind::CounterinsurgencySurge,
        title: "2. Counter-insurgency surge in central Mali and northern Burkina Faso",
        summary: "`capacity` extra troops stationed in the places' communities (by population); moves between areas of operation into or out of the places are interdicted with probability `intensity`",
        capacity: Some(("extra troops", 3000.0)),
        option: None,
    },
    KindInfo {
        kind: InterventionKind::TargetIllicitNetworks,
        title: "3. Target the illicit networks allied with Ansar Dine",
        summary: "route tolls the groups concerned raise in the places fall by `intensity`; `option` is the share of the tolls so lost that the displaced traffic pays at checkpoints on routes elsewhere (never more than was lost, nor more than those routes' traffic can pay)",
        capacity: None,
        option: Some((
            "share of the tolls lost that displaced traffic pays elsewhere",
            0.3,
        )),
    },
    KindInfo {
        kind: InterventionKind::ProtectCommunities,
        title: "4. Protect contested communities",
        summary: "`capacity` troops as continuous presence in the places' communities; leaders protected and responses discriminating by `intensity`; mining and transport regulated so that groups capture `intensity` less of them",
        capacity: Some(("troops for continuous presence", 2000.0)),
        option: None,
    },
    KindInfo {
        kind: InterventionKind::PoliticalSettlement,
        title: "5. Political settlement with named leaders",
        summary: "each month a group concerned may agree a cessation of hostilities (chance `intensity` × its negotiation propensity × cohesion); its attacks on the state and civilians fall; its hardline bands may split off to rivals",
        capacity: None,
        option: Some((
            "monthly chance that a hardline band splits off while its group observes a cessation",
            0.1,
        )),
    },
    KindInfo {
        kind: InterventionKind::Reintegration,
        title: "6. Reintegration of lower-level fighters",
        summary: "up to `capacity` lower-level fighters a month leave bands in the places (more where morale is low and leaders carry the message); `option` is the monthly chance that a former fighter goes back, cut by `intensity` (community involvement)",
        capacity: Some(("fighters a month", 200.0)),
        option: Some((
            "monthly chance that a former fighter rejoins, before community involvement",
            0.05,
        )),
    },
];

impl InterventionKind {
    /// The kind's entry in [`KINDS`].
    pub fn info(self) -> &'static KindInfo {
        KINDS
            .iter()
            .find(|k| k.kind == self)
            .expect("every kind has an entry in KINDS")
    }
}

/// Where an intervention applies: the union of what is named; nothing named means the whole
/// study area.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename = "places")]
pub struct RawPlaces {
    /// Countries by name ("Mali", "Burkina Faso", "Niger").
    pub countries: Option<Vec<String>>,
    /// Regions by name.
    pub regions: Option<Vec<String>>,
    /// Areas of operation by id ("north", "central", "east", "southwest").
    pub areas: Option<Vec<String>>,
    /// Towns by name, with the cells within `town_radius_km`.
    pub towns: Option<Vec<String>>,
    /// Radius around each named town, km (default 30).
    pub town_radius_km: Option<f64>,
    /// Routes (corridors) by name: the cells they cross.
    pub routes: Option<Vec<String>>,
    /// Gold sites by name: their cells.
    pub gold_sites: Option<Vec<String>>,
}

/// An intervention as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename = "intervention")]
pub struct RawIntervention {
    /// Unique name; a scenario that extends another changes an intervention by naming it.
    pub name: String,
    /// What it does.
    pub kind: Option<InterventionKind>,
    /// First day, ISO date.
    pub start: Option<String>,
    /// Last day (inclusive), ISO date; open-ended if absent.
    pub end: Option<String>,
    /// Where it applies.
    pub places: Option<RawPlaces>,
    /// Groups it concerns, by name (absent or empty: all groups).
    pub groups: Option<Vec<String>>,
    /// Intensity, 0..1.
    pub intensity: Option<f64>,
    /// Capacity (troops, fighters a month), for the kinds that have one.
    pub capacity: Option<f64>,
    /// The kind's option (see [`KINDS`]).
    pub option: Option<f64>,
    /// What it represents and which assumptions are uncertain.
    pub note: Option<String>,
}

impl Named for RawIntervention {
    fn name(&self) -> &str {
        &self.name
    }
}

number_table! {
    /// The numbers of an intervention, as sweeps address them
    /// (`interventions.<name>.<field>`).
    NUMBERS: RawIntervention => Intervention {
        /// How strongly the intervention acts, from 0 (not at all) to 1; what it scales is said in its kind's summary.
        INTENSITY: intensity, real, [0.0, 1.0], "0..1";
        /// How much the intervention commits, for the kinds that have a capacity: troops, or fighters a month, as its kind says.
        CAPACITY: capacity, real, [0.0, 1.0e6], "the kind's unit";
        /// A share that only some kinds have (the displaced tolls, a band's split, a former fighter's return), as its kind says.
        OPTION: option, real, [0.0, 1.0], "0..1";
    }
}

merge_by_replacing!(InterventionKind);
merge_fields!(RawPlaces {
    countries,
    regions,
    areas,
    towns,
    town_radius_km,
    routes,
    gold_sites
});
merge_fields!(RawIntervention {
    kind,
    start,
    end,
    places,
    groups,
    intensity,
    capacity,
    option,
    note
} keep { name });

/// Where an intervention applies, resolved to indices into the map's data.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Places {
    /// Countries by name.
    pub countries: Vec<String>,
    /// Regions (indices into the map's regions).
    pub regions: Vec<usize>,
    /// Areas of operation (indices into the map's areas).
    pub areas: Vec<usize>,
    /// Towns (indices into the map's towns).
    pub towns: Vec<usize>,
    /// Radius around towns, km.
    pub town_radius_km: f64,
    /// Routes (indices into the map's routes).
    pub routes: Vec<usize>,
    /// Gold sites (indices into the map's gold sites).
    pub gold_sites: Vec<usize>,
}

impl Places {
    /// Whether nothing is named (the whole study area).
    pub fn everywhere(&self) -> bool {
        self.countries.is_empty()
            && self.regions.is_empty()
            && self.areas.is_empty()
            && self.towns.is_empty()
            && self.routes.is_empty()
            && self.gold_sites.is_empty()
    }
}

/// A validated intervention.
#[derive(Debug, Clone, Serialize)]
pub struct Intervention {
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: InterventionKind,
    /// First day.
    #[serde(serialize_with = "super::params::serialize_date")]
    pub start: Date,
    /// Last day, if any.
    #[serde(serialize_with = "serialize_opt_date")]
    pub end: Option<Date>,
    /// First day as a day number of the run (days before the period start count as day 0).
    pub start_day: u32,
    /// Last day as a day number of the run (`u32::MAX` when open-ended).
    pub end_day: u32,
    /// Where.
    pub places: Places,
    /// Groups concerned (indices; empty = all).
    pub groups: Vec<usize>,
    /// Intensity, 0..1.
    pub intensity: f64,
    /// Capacity (the kind's default where it has one and none is given; 0 where it has none).
    pub capacity: f64,
    /// The kind's option (its default where none is given).
    pub option: f64,
    /// Note.
    pub note: String,
}

impl Intervention {
    /// Whether the intervention is in force on day `day`.
    pub fn active_on(&self, day: u32) -> bool {
        (self.start_day..=self.end_day).contains(&day)
    }

    /// "Kind from START[ to END]", for summaries.
    pub fn when(&self) -> String {
        format!(
            "{:?} from {}{}",
            self.kind,
            format_date(self.start),
            self.end
                .map(|e| format!(" to {}", format_date(e)))
                .unwrap_or_default()
        )
    }

    /// Whether it concerns group `g`.
    pub fn concerns(&self, g: usize) -> bool {
        self.groups.is_empty() || self.groups.contains(&g)
    }
}

fn serialize_opt_date<S: serde::Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.serialize_str(&super::format_date(*d)),
        None => s.serialize_none(),
    }
}

/// Validates the interventions of a scenario (names resolved against the map and `groups`).
pub(super) fn validate(
    c: &mut Checker,
    raw: &[RawIntervention],
    period: &Period,
    group_names: &GroupNames,
    regions: &Regions,
    map: &crate::geo::MapData,
) -> Vec<Intervention> {
    let mut out = Vec::new();
    for (k, r) in raw.iter().enumerate() {
        let path = item_path("interventions", &r.name, k);
        if r.name.trim().is_empty() {
            let e = c
                .error(&format!("{path}.name"), "is empty")
                .expected("a short name, e.g. \"protect Mopti\"");
            c.push(e);
        }
        let kind = c.required(
            &r.kind,
            &format!("{path}.kind"),
            "kind: one of DisaggregateAttribution, CounterinsurgencySurge, TargetIllicitNetworks, ProtectCommunities, PoliticalSettlement, Reintegration",
        );
        let start = c.date(&r.start, &format!("{path}.start"));
        let end = match &r.end {
            Some(_) => c.date(&r.end, &format!("{path}.end")),
            None => None,
        };
        if let (Some(s), Some(e)) = (start, end)
            && e < s
        {
            let err = c
                .error(
                    &format!("{path}.end"),
                    format!("{} is before the start {}", format_date(e), format_date(s)),
                )
                .expected("an end on or after the start, or no end");
            c.push(err);
        }
        let intensity = c.probability(
            r.intensity,
            0.5,
            &format!("{path}.intensity"),
            &RawIntervention::INTENSITY,
        );
        let capacity = kind_number(
            c,
            &path,
            &RawIntervention::CAPACITY,
            kind,
            r.capacity,
            |k| k.capacity,
        );
        let option = kind_number(c, &path, &RawIntervention::OPTION, kind, r.option, |k| {
            k.option
        });
        let mut groups = Vec::new();
        for (j, g) in r.groups.clone().unwrap_or_default().iter().enumerate() {
            match group_names.index(g) {
                Some(i) => groups.push(i),
                None => {
                    let e = c
                        .error(
                            &format!("{path}.groups[{j}]"),
                            format!("unknown group `{g}`"),
                        )
                        .expected("the name of a group in `groups`")
                        .choices(g, group_names.names());
                    c.push(e);
                }
            }
        }
        groups.sort_unstable();
        groups.dedup();

        let places = places(
            c,
            r.places.as_ref(),
            &format!("{path}.places"),
            regions,
            map,
        );
        if let (Some(kind), Some(start)) = (kind, start) {
            let day = |d: Date| (d - period.start).whole_days().clamp(0, u32::MAX as i64) as u32;
            out.push(Intervention {
                name: r.name.clone(),
                kind,
                start,
                end,
                start_day: day(start),
                end_day: end.map(day).unwrap_or(u32::MAX),
                places,
                groups,
                intensity,
                capacity,
                option,
                note: r.note.clone().unwrap_or_default(),
            });
        }
    }
    out
}

/// Where an intervention applies (`ppath`: the path of its `places`), resolved against the
/// map's names.
fn places(
    c: &mut Checker,
    raw: Option<&RawPlaces>,
    ppath: &str,
    regions: &Regions,
    map: &crate::geo::MapData,
) -> Places {
    let rp = raw.cloned().unwrap_or_default();
    let mut places = Places {
        town_radius_km: c.number(
            rp.town_radius_km,
            30.0,
            &format!("{ppath}.town_radius_km"),
            0.0,
            500.0,
            "a radius in km from 0 to 500 (default 30)",
        ),
        ..Places::default()
    };
    let country_names: Vec<String> = map.countries.iter().map(|x| x.name.clone()).collect();
    for (j, n) in rp.countries.clone().unwrap_or_default().iter().enumerate() {
        if country_names.contains(n) {
            places.countries.push(n.clone());
        } else {
            let e = c
                .error(
                    &format!("{ppath}.countries[{j}]"),
                    format!("unknown country `{n}`"),
                )
                .expected("a country of the map")
                .choices(n, &country_names);
            c.push(e);
        }
    }
    for (j, n) in rp.regions.clone().unwrap_or_default().iter().enumerate() {
        match regions.index(n) {
            Some(i) => places.regions.push(i),
            None => {
                let e = c
                    .error(
                        &format!("{ppath}.regions[{j}]"),
                        format!("unknown region `{n}`"),
                    )
                    .expected("a modelled region of the map")
                    .choices(n, regions.names());
                c.push(e);
            }
        }
    }
    let area_ids: Vec<String> = map.areas.iter().map(|a| a.id.clone()).collect();
    let town_names: Vec<String> = map.towns.iter().map(|t| t.name.clone()).collect();
    let route_names: Vec<String> = map.routes.iter().map(|t| t.name.clone()).collect();
    let site_names: Vec<String> = map.gold_sites.iter().map(|t| t.name.clone()).collect();
    for (list, field, names, what, into) in [
        (
            &rp.areas,
            "areas",
            &area_ids,
            "an area of operation",
            &mut places.areas,
        ),
        (
            &rp.towns,
            "towns",
            &town_names,
            "a town of the map",
            &mut places.towns,
        ),
        (
            &rp.routes,
            "routes",
            &route_names,
            "a route of the map",
            &mut places.routes,
        ),
        (
            &rp.gold_sites,
            "gold_sites",
            &site_names,
            "a gold site of the map",
            &mut places.gold_sites,
        ),
    ] {
        for (j, n) in list.clone().unwrap_or_default().iter().enumerate() {
            match names.iter().position(|x| x == n) {
                Some(i) => into.push(i),
                None => {
                    let e = c
                        .error(
                            &format!("{ppath}.{field}[{j}]"),
                            format!("unknown name `{n}`"),
                        )
                        .expected(what.to_string())
                        .choices(n, names);
                    c.push(e);
                }
            }
        }
    }
    places
}

/// A kind-specific number (`capacity` or `option`, described for each kind by `spec`):
/// checked against the range of `info` where the kind has it (its default where absent), an
/// error where the kind has none; 0 where the kind has none.
fn kind_number(
    c: &mut Checker,
    path: &str,
    info: &NumberInfo,
    kind: Option<InterventionKind>,
    value: Option<f64>,
    spec: fn(&KindInfo) -> Option<(&'static str, f64)>,
) -> f64 {
    let Some(kind) = kind else {
        return 0.0;
    };
    let field = info.field;
    let (min, max) = (info.min, info.max);
    match (spec(kind.info()), value) {
        (Some((what, default)), v) => c.number(
            v,
            default,
            &format!("{path}.{field}"),
            min,
            max,
            &format!("{what}, from {min} to {max} (default {default})"),
        ),
        (None, Some(_)) => {
            let with: Vec<String> = KINDS
                .iter()
                .filter(|k| spec(k).is_some())
                .map(|k| format!("{:?}", k.kind))
                .collect();
            let e = c
                .error(
                    &format!("{path}.{field}"),
                    format!("{kind:?} has no {field}"),
                )
                .expected(format!("no `{field}`; kinds with one: {}", with.join(", ")));
            c.push(e);
            0.0
        }
        (None, None) => 0.0,
    }
}
