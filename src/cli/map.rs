//! `sahelsim map FILE`: draw the rasterised map a scenario runs on.

use std::path::PathBuf;

use super::MapArgs;
use crate::geo::SahelMap;
use crate::report::map_plot::render_map;
use crate::scenario::{self, format_date};

pub(super) fn run(args: &MapArgs) -> anyhow::Result<()> {
    let scenario = scenario::load(&args.file)?;
    super::require_sahel(&scenario, "map")?;
    let map = SahelMap::build(&scenario.map, scenario.period.start.year());
    let dir = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from(&scenario.output.dir));
    let title = format!(
        "{}: the model's grid at {}° — population on {}",
        scenario.name,
        scenario.map.resolution_deg,
        format_date(scenario.period.start)
    );
    let written = render_map(&map, &title, &dir, args.plots).map_err(anyhow::Error::msg)?;
    for p in written {
        println!("wrote {}", p.display());
    }
    Ok(())
}
