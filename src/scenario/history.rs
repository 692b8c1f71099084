//! The `history` section: known events on given dates (a leader killed), exogenous shocks
//! from the historical record.

use serde::{Deserialize, Serialize};
use time::Date;

use super::checker::Checker;
use super::groups::GroupNames;
use super::merge::merge_by_replacing;
use super::period::{Period, format_date, serialize_date};

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

merge_by_replacing!(HistoryKind, Vec<RawHistoryEvent>);

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

/// Validates the `history` section against the period and the groups.
pub(super) fn validate(
    c: &mut Checker,
    raw: Option<&Vec<RawHistoryEvent>>,
    period: &Period,
    group_names: &GroupNames,
) -> Vec<HistoryEvent> {
    let mut history = Vec::new();
    for (k, h) in raw.cloned().unwrap_or_default().iter().enumerate() {
        let path = format!("history[{k}]");
        let date = c.date(&Some(h.date.clone()), &format!("{path}.date"));
        let kind = c.required(&h.kind, &format!("{path}.kind"), "kind: LeaderKilled");
        let group = group_names.index(&h.group);
        if group.is_none() {
            let e = c
                .error(
                    &format!("{path}.group"),
                    format!("unknown group `{}`", h.group),
                )
                .expected("the name of a group in `groups`")
                .choices(&h.group, group_names.names());
            c.push(e);
        }
        if let Some(d) = date
            && period.start != Date::MIN
            && d < period.start
        {
            let e = c
                .error(
                    &format!("{path}.date"),
                    format!("{} is before the period starts", format_date(d)),
                )
                .expected(format!("a date on or after {}", format_date(period.start)));
            c.push(e);
        }
        if let (Some(date), Some(kind), Some(group)) = (date, kind, group)
            && date >= period.start
        {
            let day = (date - period.start).whole_days().clamp(0, u32::MAX as i64) as u32;
            history.push(HistoryEvent {
                day,
                date,
                kind,
                group,
                note: h.note.clone().unwrap_or_default(),
            });
        }
    }
    history.sort_by_key(|h| (h.day, h.group));

    history
}
