//! Upper bounds on every size a scenario sets: how many groups, fighters, bands,
//! interventions and history events, and how much grid over how many days. They are chosen
//! far above any real use (the central Sahel's groups count thousands of fighters in tens
//! of bands), below what makes a run abort or take hours and checked in validation, before the model allocates anything; totals
//! and products are counted in checked arithmetic, so no size wraps around. Each single
//! number's range is in its section's table (a group's `initial.fighters` at most
//! [`MAX_FIGHTERS`], …); the grid's cells are bounded by [`super::MAX_GRID_CELLS`], the
//! period by [`super::period::MAX_DAYS`], replicates by [`MAX_REPLICATES`]; the reference
//! model's lattice and steps in [`super::epstein`] (`MAX_CELLS`, `MAX_STEPS`,
//! `MAX_CELL_STEPS`). The bounds are listed in `docs/scenarios.md` ("Sizes").

use super::checker::Checker;
use super::groups::GroupParams;
use super::params::{MapParams, Period};
use super::raw::ModelKind;

/// Most groups a scenario may define.
pub const MAX_GROUPS: usize = 1_000;
/// Most fighters at the start, all groups together (and so in any one group).
pub const MAX_FIGHTERS: u64 = 1_000_000;
/// Most bands at the start, all groups together (and so in any one group).
pub const MAX_BANDS: u64 = 10_000;
/// Most interventions a scenario may define.
pub const MAX_INTERVENTIONS: usize = 5_000;
/// Most events of `history`.
pub const MAX_HISTORY_EVENTS: usize = 10_000;
/// Most replicates a plain `run` of the scenario performs.
pub const MAX_REPLICATES: u32 = 100_000;
/// Most cells × days: the grid's cells times the period's days.
pub const MAX_CELL_DAYS: u64 = 10_000_000_000;
/// Most interventions × cells: each intervention covers some of the grid's cells.
pub const MAX_INTERVENTION_CELLS: u64 = 200_000_000;

/// The counts of a scenario's lists, validated elsewhere.
pub(super) struct Sizes<'a> {
    pub kind: ModelKind,
    pub period: &'a Period,
    pub map: &'a MapParams,
    pub groups: &'a [GroupParams],
    pub interventions: usize,
    pub history_events: usize,
}

/// Checks the sizes of a scenario against the bounds above.
pub(super) fn validate(c: &mut Checker, s: &Sizes) {
    let mut over = |path: &str, message: String, expected: String| {
        let e = c.error(path, message).expected(expected);
        c.push(e);
    };
    let groups = s.groups.len();
    if groups > MAX_GROUPS {
        over(
            "groups",
            format!("{groups} groups are too many"),
            format!("at most {MAX_GROUPS} groups"),
        );
    }
    let fighters = s
        .groups
        .iter()
        .try_fold(0u64, |t, g| t.checked_add(u64::from(g.initial.fighters)));
    if fighters.is_none_or(|f| f > MAX_FIGHTERS) {
        over(
            "groups",
            format!(
                "the groups have {} fighters together",
                fighters.map_or("too many".to_string(), |f| f.to_string())
            ),
            format!("at most {MAX_FIGHTERS} fighters in all groups together"),
        );
    }
    let bands = s
        .groups
        .iter()
        .try_fold(0u64, |t, g| t.checked_add(u64::from(g.initial.bands)));
    if bands.is_none_or(|b| b > MAX_BANDS) {
        over(
            "groups",
            format!(
                "the groups have {} bands together",
                bands.map_or("too many".to_string(), |b| b.to_string())
            ),
            format!("at most {MAX_BANDS} bands in all groups together"),
        );
    }
    if s.interventions > MAX_INTERVENTIONS {
        over(
            "interventions",
            format!("{} interventions are too many", s.interventions),
            format!("at most {MAX_INTERVENTIONS} interventions"),
        );
    }
    if s.history_events > MAX_HISTORY_EVENTS {
        over(
            "history",
            format!("{} events are too many", s.history_events),
            format!("at most {MAX_HISTORY_EVENTS} events"),
        );
    }
    if s.kind != ModelKind::Sahel {
        return;
    }
    let (w, h) = s.map.grid_size();
    let cells = (w as u64).checked_mul(h as u64);
    let days = u64::try_from((s.period.end - s.period.start).whole_days() + 1).unwrap_or(0);
    let cell_days = cells.and_then(|c| c.checked_mul(days));
    if cell_days.is_none_or(|p| p > MAX_CELL_DAYS) {
        over(
            "map.resolution_deg",
            format!(
                "a grid of {w} × {h} cells over {days} days makes {} cell-days",
                cell_days.map_or("too many".to_string(), |p| p.to_string())
            ),
            format!(
                "at most {MAX_CELL_DAYS} cell-days: a coarser resolution, a smaller bbox or a shorter period"
            ),
        );
    }
    let intervention_cells = cells.and_then(|c| c.checked_mul(s.interventions as u64));
    if intervention_cells.is_none_or(|p| p > MAX_INTERVENTION_CELLS) {
        over(
            "interventions",
            format!(
                "{} interventions over a grid of {w} × {h} cells make {} intervention-cells",
                s.interventions,
                intervention_cells.map_or("too many".to_string(), |p| p.to_string())
            ),
            format!(
                "at most {MAX_INTERVENTION_CELLS} intervention-cells: fewer interventions or a coarser grid"
            ),
        );
    }
}
