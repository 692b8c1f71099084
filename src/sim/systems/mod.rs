//! One file per mechanism. Each system is a plain function whose parameters say what it reads
//! (`Res`, `Query<&…>`) and writes (`ResMut`, `Query<&mut …>`); [`Setting`] bundles what most
//! of them only read. [`super::schedule`] puts them in their documented order. Systems that
//! touch several bands visit them in band-id order and draw from their own random stream, so
//! that results never depend on ECS iteration order.

pub mod attacks;
pub mod attribution;
pub mod band_dynamics;
pub mod band_index;
pub mod communities;
pub mod control;
pub mod displacement;
pub mod groups;
pub mod militias;
pub mod movement;
pub mod presence;
pub mod recruit_pull;
pub mod recruitment;
pub mod response;
pub mod revenue;

use bevy_ecs::prelude::*;
use bevy_ecs::system::SystemParam;

use crate::geo::grid::Grid;

use super::components::Band;
use super::ids::{BandId, CellId};
use super::policy::Policies;
use super::resources::{Clock, Setup, Terrain};

/// What the daily mechanisms read and none of them writes: the day, the scenario and map,
/// static cell data, and the interventions in force (set by `apply_policies`, first).
#[derive(SystemParam)]
pub struct Setting<'w> {
    /// The simulated day.
    pub clock: Res<'w, Clock>,
    /// Scenario and map.
    pub setup: Res<'w, Setup>,
    /// Static cell data and community entities.
    pub terrain: Res<'w, Terrain>,
    /// Policy interventions in force.
    pub policies: Res<'w, Policies>,
}

/// The bands as (id, entity), sorted by id, into a reused buffer.
pub fn sorted_bands<'a>(
    bands: impl Iterator<Item = (Entity, &'a Band)>,
    out: &mut Vec<(BandId, Entity)>,
) {
    out.clear();
    out.extend(bands.map(|(e, b)| (b.id, e)));
    out.sort_unstable();
}

/// The neighbours of `cell` on `grid` (up to eight).
pub fn neighbours(grid: &Grid, cell: CellId) -> impl Iterator<Item = CellId> + '_ {
    grid.neighbours(cell.index()).map(CellId::new)
}

/// `cell` and its neighbours on `grid`, `cell` first.
pub fn neighbourhood(grid: &Grid, cell: CellId) -> impl Iterator<Item = CellId> + '_ {
    std::iter::once(cell).chain(neighbours(grid, cell))
}
