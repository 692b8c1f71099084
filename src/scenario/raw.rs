//! What the analyst writes: the scenario file's structure, syntax-checked only.
//!
//! Every field is optional so that a scenario that `extends` another can state only what it
//! changes; validation (in [`super::load`]) fills defaults, checks ranges and names, and produces the
//! [`super::Scenario`] the model runs on. The model never sees these types.

use serde::Deserialize;

use super::merge::{Named, NamedList, merge_by_replacing, merge_fields};
use super::numbers::number_table;
use super::params::GroupParams;

/// A whole scenario file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename = "scenario")]
pub struct RawScenario {
    /// Path of a scenario this one builds on, relative to this file.
    pub extends: Option<String>,
    /// Short name; also the output folder's name.
    pub name: Option<String>,
    /// What the scenario represents, in a sentence or a paragraph.
    pub description: Option<String>,
    /// Which model runs: the Sahel model (default) or a reference model.
    pub kind: Option<ModelKind>,
    /// Simulated period.
    pub period: Option<RawPeriod>,
    /// Master seed of the random number streams.
    pub seed: Option<u64>,
    /// Number of replicates a plain `run` performs.
    pub replicates: Option<u32>,
    /// The map and its grid.
    pub map: Option<RawMap>,
    /// The armed groups.
    pub groups: Option<NamedList<RawGroup>>,
    /// Mechanism parameters (see `model_params`).
    pub model: Option<super::model_params::RawModel>,
    /// Known events that happen on given dates (a leader killed, …): exogenous shocks from
    /// the historical record. A file that writes `history` replaces the list it extends.
    pub history: Option<Vec<RawHistoryEvent>>,
    /// Policy interventions (see `interventions`); merged by name with the list extended.
    pub interventions: Option<NamedList<super::interventions::RawIntervention>>,
    /// What to write.
    pub output: Option<RawOutput>,
    /// Epstein's civil violence model (`kind: Epstein` only).
    pub epstein: Option<super::epstein::RawEpstein>,
}

/// Which model a scenario runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
pub enum ModelKind {
    /// The sahelsim model of armed groups, communities and security forces on the Sahel map.
    Sahel,
    /// Epstein's civil violence model (Model I, Epstein 2002), a reference model docked
    /// against Mesa's example; its parameters are the `epstein` section.
    Epstein,
}

/// The simulated period.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename = "period")]
pub struct RawPeriod {
    /// First simulated day, ISO date "YYYY-MM-DD".
    pub start: Option<String>,
    /// Last simulated day (inclusive), ISO date.
    pub end: Option<String>,
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

/// What a historical event does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
pub enum HistoryKind {
    /// The group's leader is killed: the group degrades and its bands may defect.
    LeaderKilled,
}

/// A known event on a given date.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename = "history_event")]
pub struct RawHistoryEvent {
    /// ISO date.
    pub date: String,
    /// What happens.
    pub kind: Option<HistoryKind>,
    /// The group it happens to.
    pub group: String,
    /// A note (who, source).
    pub note: Option<String>,
}

/// Whom a group belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
pub enum Coalition {
    /// Jama'at Nusrat al Islam wal Muslimeen.
    Jnim,
    /// The Islamic State (ISGS belongs here).
    IslamicState,
    /// Not part of a coalition: criminal or unidentified bands.
    Unaffiliated,
}

/// A group's state at the start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
pub enum GroupStatus {
    /// Operating normally.
    Active,
    /// Leadership lost; bands drift, defect or are absorbed.
    Degraded,
    /// Absorbed into another group (`absorbed_by`); has no bands of its own.
    Absorbed,
}

/// One armed group.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename = "group")]
pub struct RawGroup {
    /// Unique name, e.g. "FLM"; other fields refer to groups by this name.
    pub name: String,
    /// Full name, e.g. "Macina Liberation Front".
    pub full_name: Option<String>,
    /// Coalition membership.
    pub coalition: Option<Coalition>,
    /// Whether the group is a militant Islamist group (default: true for JNIM and Islamic
    /// State groups, false for unaffiliated ones); the brief's event counts are of these.
    pub militant_islamist: Option<bool>,
    /// The coalition an observer puts the group's unclaimed, unidentified events down to
    /// where no area pattern applies (default: its own coalition; the brief: eastern Burkina
    /// Faso's bands are attributed to JNIM).
    pub attributed_as: Option<Coalition>,
    /// Leader's name.
    pub leader: Option<String>,
    /// Status at the start.
    pub status: Option<GroupStatus>,
    /// For an absorbed group: the group that absorbed it.
    pub absorbed_by: Option<String>,
    /// Groups its bands prefer to join when they defect (e.g. Ansaroul Islam's remnants
    /// rejoined FLM).
    pub allies: Option<Vec<String>>,
    /// Regions where the group is rooted and its bands start.
    pub home_regions: Option<Vec<String>>,
    /// What the group wants.
    pub objectives: Option<RawObjectives>,
    /// How the group fights.
    pub tactics: Option<RawTactics>,
    /// The group's strength at the start.
    pub initial: Option<RawGroupInitial>,
}

/// Weights of a group's objectives.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename = "objectives")]
pub struct RawObjectives {
    /// Weight of political influence (territory, negotiation, standing).
    pub political: Option<f64>,
    /// Weight of ideological and social change (imposing rules, eliminating rivals' authority).
    pub ideological: Option<f64>,
    /// Weight of revenue.
    pub economic: Option<f64>,
}

/// A group's tactical propensities.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename = "tactics")]
pub struct RawTactics {
    /// Baseline propensity to target civilians when attacking.
    pub civilian_targeting: Option<f64>,
    /// Propensity to target traditional and religious leaders who oppose it.
    pub leader_targeting: Option<f64>,
    /// Willingness to negotiate with governments.
    pub negotiation: Option<f64>,
    /// Propensity to kidnap for ransom when an opportunity arises.
    pub kidnapping: Option<f64>,
    /// How often the group's bands attack, relative to the model's `bands.attack_rate` (1 = as set there).
    pub activity: Option<f64>,
}

/// A group's strength at the start.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename = "initial")]
pub struct RawGroupInitial {
    /// Fighters in all bands.
    pub fighters: Option<i64>,
    /// Number of bands the fighters are split into.
    pub bands: Option<i64>,
    /// Treasury in millions of US dollars.
    pub treasury_musd: Option<f64>,
    /// Share of fighters who are committed hardliners (the rest are lower-level fighters).
    pub hardliner_share: Option<f64>,
}

/// Time resolution of the time series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
pub enum Resolution {
    /// One row per day.
    Daily,
    /// One row per week (7 days from the start).
    Weekly,
    /// One row per calendar month.
    Monthly,
}

/// The output section.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename = "output")]
pub struct RawOutput {
    /// Folder the results land in; default `output/<scenario name>`, relative to the
    /// working directory.
    pub dir: Option<String>,
    /// Time resolution of `timeseries.csv`.
    pub timeseries: Option<Resolution>,
    /// Whether to write the event log `events.csv`.
    pub events: Option<bool>,
}

number_table! {
    /// The numbers of a group, as sweeps address them (`groups.<name>.<field>`).
    NUMBERS: RawGroup => GroupParams {
        /// Weight of political influence (territory, negotiation, standing).
        POLITICAL: objectives.political, real, [0.0, 1.0], "0..1";
        /// Weight of ideological and social change.
        IDEOLOGICAL: objectives.ideological, real, [0.0, 1.0], "0..1";
        /// Weight of revenue.
        ECONOMIC: objectives.economic, real, [0.0, 1.0], "0..1";
        /// Baseline propensity to target civilians when attacking.
        CIVILIAN_TARGETING: tactics.civilian_targeting, real, [0.0, 1.0], "probability";
        /// Propensity to target traditional and religious leaders who oppose the group.
        LEADER_TARGETING: tactics.leader_targeting, real, [0.0, 1.0], "probability";
        /// Willingness to negotiate with governments.
        NEGOTIATION: tactics.negotiation, real, [0.0, 1.0], "probability";
        /// Propensity to kidnap for ransom when an opportunity arises.
        KIDNAPPING: tactics.kidnapping, real, [0.0, 1.0], "probability";
        /// How often the group's bands attack, relative to the model's `bands.attack_rate`.
        ACTIVITY: tactics.activity, real, [0.0, 10.0], "× bands.attack_rate";
        /// Fighters in all bands at the start.
        FIGHTERS: initial.fighters, whole, [0.0, u32::MAX as f64], "fighters";
        /// Bands the fighters are split into: at least 1 where there are fighters, at most one per fighter.
        BANDS: initial.bands, whole, [0.0, u32::MAX as f64], "bands";
        /// Treasury at the start.
        TREASURY_MUSD: initial.treasury_musd, real, [0.0, 1.0e4], "million US$";
        /// Share of fighters who are committed hardliners.
        HARDLINER_SHARE: initial.hardliner_share, real, [0.0, 1.0], "0..1";
    }
}

impl Named for RawRegion {
    fn name(&self) -> &str {
        &self.name
    }
}

impl Named for RawGroup {
    fn name(&self) -> &str {
        &self.name
    }
}

merge_by_replacing!(
    ModelKind,
    Coalition,
    GroupStatus,
    Resolution,
    Vec<RawHistoryEvent>
);
merge_fields!(RawScenario {
    extends,
    name,
    description,
    kind,
    period,
    seed,
    replicates,
    map,
    groups,
    model,
    history,
    interventions,
    output,
    epstein
});
merge_fields!(RawPeriod { start, end });
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
merge_fields!(RawGroup {
    full_name,
    coalition,
    militant_islamist,
    attributed_as,
    leader,
    status,
    absorbed_by,
    allies,
    home_regions,
    objectives,
    tactics,
    initial
} keep { name });
merge_fields!(RawObjectives {
    political,
    ideological,
    economic
});
merge_fields!(RawTactics {
    civilian_targeting,
    leader_targeting,
    negotiation,
    kidnapping,
    activity
});
merge_fields!(RawGroupInitial {
    fighters,
    bands,
    treasury_musd,
    hardliner_share
});
merge_fields!(RawOutput {
    dir,
    timeseries,
    events
});
