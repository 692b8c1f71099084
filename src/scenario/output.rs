//! The `output` section: where results land and what is written.

use serde::{Deserialize, Serialize};

use super::merge::{merge_by_replacing, merge_fields};
use super::validate::slug;

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

merge_by_replacing!(Resolution);
merge_fields!(RawOutput {
    dir,
    timeseries,
    events
});

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

/// Validates the `output` section; the default folder is named after the scenario.
pub(super) fn validate(raw: Option<&RawOutput>, name: &str) -> OutputParams {
    let ro = raw.cloned().unwrap_or_default();
    OutputParams {
        dir: ro
            .dir
            .clone()
            .unwrap_or_else(|| format!("output/{}", slug(name))),
        timeseries: ro.timeseries.unwrap_or(Resolution::Weekly),
        events: ro.events.unwrap_or(true),
    }
}
