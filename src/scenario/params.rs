//! The validated scenario: what the model runs on. Every value here has been range-checked,
//! every name resolved, every default filled. Built only by validation ([`super::load`],
//! [`super::Source::validate`] and [`super::Source::validate_with`]). Each section's validated
//! type lives with its section and is re-exported here.

use serde::Serialize;

pub use super::groups::{
    Coalition, GroupInitial, GroupParams, GroupStatus, HomeLand, Objectives, Tactics,
};
pub use super::history::{ForceName, HistoryEffect, HistoryEvent, HistoryKind};
pub use super::model_params::ModelParams;
pub use super::output::{OutputParams, Resolution};
pub(crate) use super::period::serialize_date;
pub use super::period::{Period, format_date, parse_date};
pub use super::raw::ModelKind;
pub use crate::geo::{BBox, MapParams};

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

impl Scenario {
    /// The index of the group called `name`.
    pub fn group_index(&self, name: &str) -> Option<usize> {
        self.groups.iter().position(|g| g.name == name)
    }
}
