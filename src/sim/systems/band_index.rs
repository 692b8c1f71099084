//! Rebuilds the index of bands by cell (after movement, before anything looks bands up).

use bevy_ecs::prelude::*;

use crate::sim::components::Band;
use crate::sim::resources::BandIndex;

/// Rebuilds [`BandIndex`]: (cell, band id, entity, group), sorted.
pub fn index_bands(bands: Query<(Entity, &Band)>, mut index: ResMut<BandIndex>) {
    index.0.clear();
    index
        .0
        .extend(bands.iter().map(|(e, b)| (b.cell, b.id, e, b.group)));
    index.0.sort_unstable_by_key(|x| (x.0, x.1));
}
