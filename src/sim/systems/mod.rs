//! One file per mechanism. Each system is a plain function; [`super::schedule`] puts them in
//! their documented order. Systems that touch several bands visit them in band-id order and
//! draw from their own random stream, so that results never depend on ECS iteration order.

pub mod attacks;
pub mod attribution;
pub mod band_dynamics;
pub mod band_index;
pub mod communities;
pub mod control;
pub mod displacement;
pub mod groups;
pub mod movement;
pub mod presence;
pub mod recruitment;
pub mod response;
pub mod revenue;

use bevy_ecs::prelude::*;

use super::components::Band;

/// The bands as (id, entity), sorted by id, into a reused buffer.
pub fn sorted_bands<'a>(
    bands: impl Iterator<Item = (Entity, &'a Band)>,
    out: &mut Vec<(u32, Entity)>,
) {
    out.clear();
    out.extend(bands.map(|(e, b)| (b.id, e)));
    out.sort_unstable();
}
