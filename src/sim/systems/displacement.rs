//! Displacement and schools (weekly). Residents flee when fear passes a threshold and are
//! counted as displaced from their community (where they shelter is not placed on the map: they
//! are no one's residents until they return); the displaced return as fear fades. The fear a community
//! flees on is its own or, with `displacement.fear_spread`, that share of the highest fear in
//! its cell and the cells around it (violence is felt beyond the village attacked); with
//! `displacement.town_flight` below 1 only that share of the towns' residents flee with the
//! countryside. Schools close under threat (militant control or fear) and reopen where the
//! state is present and the threat gone. Last, each community's recruitment pool refills for
//! the week ([`refill_pool`], ODD 7.7), while the community is at hand.

use bevy_ecs::prelude::*;

use super::communities::DT;
use super::recruitment::{refill_pool, weekly_refill};
use crate::scenario::model_params::Displacement;
use crate::sim::blockades::Blockades;
use crate::sim::components::Community;
use crate::sim::resources::Setup;

/// The days of a week, as the power that turns a daily rate into a week's.
const WEEK_DAYS: i32 = DT as i32;

/// The share of something left after a week in which `kept_per_day` of it is kept each day:
/// `kept_per_day`^7, by multiplication (a tenth of `powf`'s cost; equal but for rounding).
fn kept_over_a_week(kept_per_day: f64) -> f64 {
    kept_per_day.powi(WEEK_DAYS)
}

/// Smallest range of fear above the threshold, so that a threshold of 1 divides by no zero.
/// Numerical, not a parameter.
const MIN_FEAR_RANGE: f64 = 1e-9;

/// The fear of each grid cell's community this week (0 where no community is), for the
/// maximum filter of [`displacement_and_schools`] with `displacement.fear_spread`. Noted by
/// [`super::communities::community_choices`] as it updates each community's fear (nothing
/// changes fear between the two), so that the communities are read once a week for both.
#[derive(Resource, Debug, Clone, Default)]
pub struct FearByCell(Vec<f64>);

impl FearByCell {
    /// Whether the field is used at all: fear spreads (`displacement.fear_spread` above 0).
    pub fn in_use(d: &Displacement) -> bool {
        d.fear_spread > 0.0
    }

    /// Makes room for a grid of `cells` cells, all at 0 (only the communities' cells are
    /// written after that, every week).
    pub fn fit(&mut self, cells: usize) {
        if self.0.len() != cells {
            self.0.clear();
            self.0.resize(cells, 0.0);
        }
    }

    /// Records community `c`'s fear in its cell (after [`FearByCell::fit`]).
    pub fn note(&mut self, c: &Community) {
        self.0[c.cell.index()] = c.fear;
    }
}

/// Weekly flight, return and school closures (the schedule runs it every seventh day).
pub fn displacement_and_schools(
    setup: Res<Setup>,
    mut communities: Query<&mut Community>,
    blockades: Res<Blockades>,
    fear_by_cell: Res<FearByCell>,
    mut scratch: Local<(Vec<f64>, Vec<f64>)>,
) {
    let d = &setup.scenario.model.displacement;
    let bands = &setup.scenario.model.bands;
    let refill = weekly_refill(bands);
    let grid = &setup.map.grid;
    if FearByCell::in_use(d) {
        // The highest fear in each cell's neighbourhood, for all cells at once, from the
        // fear the week's community choices noted.
        let (row_pass, around) = &mut *scratch;
        grid.neighbourhood_max(&fear_by_cell.0, row_pass, around);
    }
    for mut c in &mut communities {
        // Marked changed once, then written as a plain reference.
        let c: &mut Community = &mut c;
        let mut felt = if d.fear_spread > 0.0 {
            c.fear.max(d.fear_spread * scratch.1[c.cell.index()])
        } else {
            c.fear
        };
        // A siege that holds drives the villagers of its ring out as the greatest fear would,
        // and lets no one leave the town.
        let mut sealed = false;
        if blockades.any_held() {
            if let Some(siege) = blockades.laid_at(c.cell)
                && siege.held
            {
                felt = felt.max(siege.level.min(1.0));
            }
            sealed = blockades
                .sieges
                .iter()
                .any(|g| g.held && g.level > 0.0 && g.community == Some(c.id));
        }
        if sealed {
            // The besieged stay; those already displaced from the town do not come back.
        } else if felt > d.fear_threshold {
            let range = (1.0 - d.fear_threshold).max(MIN_FEAR_RANGE);
            let intensity = (felt - d.fear_threshold) / range;
            // Those who can flee: everyone, or the countryside and a share of the towns.
            let movable = if d.town_flight >= 1.0 {
                c.residents
            } else {
                (c.residents - (1.0 - d.town_flight) * c.townsfolk).max(0.0)
            };
            let flee = movable * (1.0 - kept_over_a_week(1.0 - d.flee_rate * intensity));
            c.residents -= flee;
            c.displaced += flee;
        } else if c.displaced > 0.0 {
            let back = c.displaced * (1.0 - kept_over_a_week(1.0 - d.return_rate * (1.0 - felt)));
            c.residents += back;
            c.displaced -= back;
        }
        let threat = (if c.control > d.threat_control {
            c.control
        } else {
            0.0
        })
        .max(c.fear);
        let open = c.schools - c.schools_closed;
        // Skipped where nothing can close or reopen: the same values, without the power.
        let close = if open > 0.0 && threat > 0.0 {
            open * (1.0 - kept_over_a_week(1.0 - d.school_close_rate * threat))
        } else {
            0.0
        };
        let reopen = if c.schools_closed > 0.0 {
            c.schools_closed
                * (1.0
                    - kept_over_a_week(1.0 - d.school_reopen_rate * c.government * (1.0 - threat)))
        } else {
            0.0
        };
        c.schools_closed = (c.schools_closed + close - reopen).clamp(0.0, c.schools);
        // The week's boys coming of age, with the people now at home (7.7).
        refill_pool(c, bands, refill);
    }
}
