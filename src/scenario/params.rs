//! The validated scenario: what the model runs on. Every value here has been range-checked,
//! every name resolved, every default filled. Built only by [`super::load`].

use serde::Serialize;
use time::Date;

pub use super::model_params::ModelParams;
pub use super::raw::{Coalition, GroupStatus, HistoryKind, ModelKind, Resolution};

/// A validated scenario.
#[derive(Debug, Clone, Serialize)]
pub struct Scenario {
    /// Short name; also the default output folder's name.
    pub name: String,
    /// What the scenario represents.
    pub description: String,
    /// Which model runs.
    pub kind: ModelKind,
    /// Simulated period.
    pub period: Period,
    /// Master seed.
    pub seed: u64,
    /// Number of replicates.
    pub replicates: u32,
    /// Map and grid settings.
    pub map: MapParams,
    /// Armed groups, in file order; a group's index is its id.
    pub groups: Vec<GroupParams>,
    /// Mechanism parameters.
    pub model: ModelParams,
    /// Known events by date, in date order.
    pub history: Vec<HistoryEvent>,
    /// Policy interventions, in file order.
    pub interventions: Vec<super::interventions::Intervention>,
    /// Output settings.
    pub output: OutputParams,
    /// The reference model's parameters (`kind: Epstein` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub epstein: Option<super::epstein::EpsteinParams>,
    /// The files this scenario was read from, the file itself first, then what it extends.
    pub sources: Vec<SourceFile>,
}

/// One file a scenario was read from.
#[derive(Debug, Clone, Serialize)]
pub struct SourceFile {
    /// Path as given (or as resolved from `extends`).
    pub path: String,
    /// SHA-256 of the file's bytes, hex.
    pub sha256: String,
    /// The file's text.
    #[serde(skip)]
    pub text: String,
}

/// The simulated period: whole days from `start` to `end` inclusive.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Period {
    /// First simulated day.
    #[serde(serialize_with = "serialize_date")]
    pub start: Date,
    /// Last simulated day.
    #[serde(serialize_with = "serialize_date")]
    pub end: Date,
}

impl Period {
    /// Number of simulated days (steps).
    pub fn days(&self) -> u32 {
        ((self.end - self.start).whole_days() + 1) as u32
    }

    /// The date of step `day` (0 is `start`).
    pub fn date(&self, day: u32) -> Date {
        self.start + time::Duration::days(day as i64)
    }
}

/// Reads an ISO date "YYYY-MM-DD".
pub fn parse_date(text: &str) -> Result<Date, time::error::Parse> {
    Date::parse(
        text,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
}

/// A date as ISO "YYYY-MM-DD".
pub fn format_date(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month() as u8, d.day())
}

pub(crate) fn serialize_date<S: serde::Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format_date(*d))
}

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

/// A known event on a given day.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryEvent {
    /// Day index from the start (may lie after the end: then it never happens).
    pub day: u32,
    /// The date.
    #[serde(serialize_with = "serialize_date")]
    pub date: Date,
    /// What happens.
    pub kind: HistoryKind,
    /// To which group (index).
    pub group: usize,
    /// A note.
    pub note: String,
}

/// A validated armed group.
#[derive(Debug, Clone, Serialize)]
pub struct GroupParams {
    /// Unique short name.
    pub name: String,
    /// Full name.
    pub full_name: String,
    /// Coalition membership.
    pub coalition: Coalition,
    /// Whether the group is a militant Islamist group.
    pub militant_islamist: bool,
    /// The coalition observers attribute its unidentified events to, outside area patterns.
    pub attributed_as: Coalition,
    /// Leader's name.
    pub leader: String,
    /// Status at the start.
    pub status: GroupStatus,
    /// Index of the group that absorbed this one.
    pub absorbed_by: Option<usize>,
    /// Groups its defecting bands prefer (indices).
    pub allies: Vec<usize>,
    /// Home regions, as indices into the map's regions.
    pub home_regions: Vec<usize>,
    /// Objective weights (each 0..1).
    pub objectives: Objectives,
    /// Tactical propensities (each a probability).
    pub tactics: Tactics,
    /// Strength at the start.
    pub initial: GroupInitial,
}

/// Objective weights, each in 0..=1.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Objectives {
    /// Political influence.
    pub political: f64,
    /// Ideological and social change.
    pub ideological: f64,
    /// Revenue.
    pub economic: f64,
}

/// Tactical propensities, each a probability.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Tactics {
    /// Baseline propensity to target civilians when attacking.
    pub civilian_targeting: f64,
    /// Propensity to target opposing traditional and religious leaders.
    pub leader_targeting: f64,
    /// Willingness to negotiate.
    pub negotiation: f64,
    /// Propensity to kidnap for ransom.
    pub kidnapping: f64,
    /// Attack rate relative to the model's `bands.attack_rate`.
    pub activity: f64,
}

/// A group's strength at the start.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct GroupInitial {
    /// Fighters.
    pub fighters: u32,
    /// Bands.
    pub bands: u32,
    /// Treasury, millions of US dollars.
    pub treasury_musd: f64,
    /// Share of hardliners among fighters.
    pub hardliner_share: f64,
}

/// Output settings.
#[derive(Debug, Clone, Serialize)]
pub struct OutputParams {
    /// Output folder.
    pub dir: String,
    /// Time-series resolution.
    pub timeseries: Resolution,
    /// Whether to write the event log.
    pub events: bool,
}

impl Scenario {
    /// The index of the group called `name`.
    pub fn group_index(&self, name: &str) -> Option<usize> {
        self.groups.iter().position(|g| g.name == name)
    }
}
