//! `sahelsim map FILE`: draw the rasterised map a scenario runs on.

use std::path::{Path, PathBuf};

use crate::geo::SahelMap;
use crate::report::PlotFormat;
use crate::report::map_plot::render_map;
use crate::scenario::{self, format_date};

pub(super) fn run(file: &Path, out: Option<PathBuf>, plots: PlotFormat) -> anyhow::Result<()> {
    let scenario = scenario::load(file)?;
    super::reference::require_sahel(&scenario, "map")?;
    let map = SahelMap::build(&scenario.map, scenario.period.start.year());
    let dir = out.unwrap_or_else(|| PathBuf::from(&scenario.output.dir));
    let title = format!(
        "{}: the model's grid at {}° — population on {}",
        scenario.name,
        scenario.map.resolution_deg,
        format_date(scenario.period.start)
    );
    let written = render_map(&map, &title, &dir, plots).map_err(anyhow::Error::msg)?;
    for p in written {
        println!("wrote {}", p.display());
    }
    Ok(())
}
