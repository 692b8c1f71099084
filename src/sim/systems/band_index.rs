//! Rebuilds the index of bands by cell (after movement, before anything looks bands up).

use bevy_ecs::prelude::*;

use crate::sim::components::Band;
use crate::sim::resources::{BandIndex, IndexedBand, Terrain};

/// Rebuilds [`BandIndex`]: every band by (cell, band id).
pub fn index_bands(
    bands: Query<(Entity, &Band)>,
    terrain: Res<Terrain>,
    mut index: ResMut<BandIndex>,
) {
    index.rebuild(
        bands.iter().map(|(entity, b)| IndexedBand {
            cell: b.cell,
            band: b.id,
            entity,
            group: b.group,
        }),
        terrain.cells.len(),
    );
}
