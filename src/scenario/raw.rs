//! What the analyst writes: the scenario file's top level, syntax-checked only. Each section's
//! raw type lives with its section (`period`, `map`, `groups`, `history`, `output`, …) and is
//! re-exported here.
//!
//! Every field is optional so that a scenario that `extends` another can state only what it
//! changes; validation (in [`super::load`]) fills defaults, checks ranges and names, and produces the
//! [`super::Scenario`] the model runs on. The model never sees these types.

use serde::Deserialize;

pub use super::groups::{
    Coalition, GroupStatus, RawGroup, RawGroupInitial, RawObjectives, RawTactics,
};
pub use super::history::{ForceName, HistoryKind, RawHistoryEvent};
pub use super::map::{RawBbox, RawMap, RawRegion};
use super::merge::{NamedList, merge_by_replacing, merge_fields};
pub use super::output::{RawOutput, Resolution};
pub use super::period::RawPeriod;

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

merge_by_replacing!(ModelKind);
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
