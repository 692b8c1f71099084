//! `sahelsim map FILE`: draw the rasterised map a scenario runs on.

use std::path::PathBuf;

use super::MapArgs;
use super::output::OutputDir;
use crate::geo::SahelMap;
use crate::record::writers::{ManifestFile, VERSION};
use crate::report::PlotFormat;
use crate::report::map_plot::render_map;
use crate::scenario::{self, format_date};

pub(super) fn run(args: &MapArgs) -> anyhow::Result<()> {
    if args.plots == PlotFormat::None {
        anyhow::bail!(
            "`sahelsim map` writes only pictures, so `--plots none` would leave nothing: use `--plots png`, `svg` or `both`"
        );
    }
    let scenario = scenario::load(&args.file)?;
    super::require_sahel(&scenario, "map")?;
    let map = SahelMap::build(&scenario.map, scenario.period.start.year());
    let out = OutputDir::create(
        args.out.clone().unwrap_or_else(|| {
            PathBuf::from(format!("output/map-{}", scenario::slug(&scenario.name)))
        }),
        args.overwrite,
    )?;
    let title = format!(
        "{}: the model's grid at {}° — population on {}",
        scenario.name,
        scenario.map.resolution_deg,
        format_date(scenario.period.start)
    );
    let written = render_map(&map, &title, out.path(), args.plots).map_err(anyhow::Error::msg)?;
    out.write_manifest(&serde_json::json!({
        "program": format!("sahelsim {VERSION}"),
        "files": ManifestFile::list(&scenario.sources),
    }))?;
    for p in written {
        if let Some(name) = p.file_name() {
            println!("wrote {}", out.target().join(name).display());
        }
    }
    Ok(())
}
