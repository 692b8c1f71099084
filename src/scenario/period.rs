//! The `period` section: the simulated days, from a start date to an end date inclusive, and
//! the ISO dates every section writes.

use serde::{Deserialize, Serialize};
use time::Date;

use super::checker::Checker;
use super::merge::merge_fields;
use super::raw::ModelKind;

/// Earliest year a scenario's dates may name.
pub const MIN_YEAR: i32 = 1900;
/// Latest year a scenario's dates may name.
pub const MAX_YEAR: i32 = 2200;

/// Longest period accepted, in days (100 years).
pub const MAX_DAYS: i64 = 36_525;

/// The simulated period.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename = "period")]
pub struct RawPeriod {
    /// First simulated day, ISO date "YYYY-MM-DD".
    pub start: Option<String>,
    /// Last simulated day (inclusive), ISO date.
    pub end: Option<String>,
}

merge_fields!(RawPeriod { start, end });

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

/// Validates the `period` section (required for the Sahel model).
pub(super) fn validate(c: &mut Checker, raw: Option<&RawPeriod>, kind: ModelKind) -> Period {
    let rp = raw.cloned().unwrap_or_default();
    if raw.is_none() && kind == ModelKind::Sahel {
        let e = c
            .error("period", "missing")
            .expected("period: (start: \"2017-01-01\", end: \"2020-12-31\")");
        c.push(e);
    }
    let start = if raw.is_some() {
        c.date(&rp.start, "period.start")
    } else {
        None
    };
    let end = if raw.is_some() {
        c.date(&rp.end, "period.end")
    } else {
        None
    };
    let mut period = Period {
        start: Date::MIN,
        end: Date::MIN,
    };
    if let (Some(s), Some(e)) = (start, end) {
        if e < s {
            let err = c
                .error(
                    "period.end",
                    format!("{} is before the start {}", format_date(e), format_date(s)),
                )
                .expected("an end date on or after period.start");
            c.push(err);
        } else if (e - s).whole_days() >= MAX_DAYS {
            let err = c
                .error("period.end", "the period is longer than 100 years")
                .expected("a period of at most 100 years");
            c.push(err);
        } else {
            period = Period { start: s, end: e };
        }
    }

    period
}
