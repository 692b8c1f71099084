//! Pictures and reports: the embedded font, the plots each command leaves behind, and the
//! self-contained `report.html` that gathers them (see `docs/report.md`).
//!
//! One concern per module: [`figure`] renders a [`figure::Plot`] into memory once (SVG and/or
//! PNG) for files and report alike; [`html`] is the report builder; the `*_plot` modules draw
//! one kind of picture each; the `*_report` modules assemble one command's report.

pub mod attribution_plot;
pub mod cell_map_plot;
pub mod compare_plot;
pub mod compare_report;
pub mod epstein_report;
pub mod figure;
pub mod format;
pub mod html;
pub mod labels;
pub mod map_plot;
pub mod palette;
pub mod reading;
pub mod run_report;
pub mod sensitivity_plot;
pub mod sweep_report;
pub mod timeseries_plot;
pub mod validate_report;
pub mod validation_plot;

use std::sync::Once;

/// DejaVu Sans (free licence, `assets/fonts/DejaVu-LICENSE.txt`), compiled in so that plots
/// need no system fonts.
pub const FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// Registers the embedded font as "sans-serif" with plotters (once per process).
pub fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        for style in [
            plotters::style::FontStyle::Normal,
            plotters::style::FontStyle::Bold,
            plotters::style::FontStyle::Italic,
            plotters::style::FontStyle::Oblique,
        ] {
            // The font is part of the program and parses (the plot tests would fail otherwise).
            let _ = plotters::style::register_font("sans-serif", style, FONT);
        }
    });
}

/// Which picture formats to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PlotFormat {
    /// PNG only.
    Png,
    /// SVG only.
    Svg,
    /// Both PNG and SVG.
    Both,
    /// No picture files (the report, unless switched off, still embeds its pictures): with
    /// `--no-report`, nothing is drawn, the fastest for large ensembles.
    None,
}

impl PlotFormat {
    /// Whether PNG files are written.
    pub fn png(self) -> bool {
        matches!(self, PlotFormat::Png | PlotFormat::Both)
    }
    /// Whether SVG files are written.
    pub fn svg(self) -> bool {
        matches!(self, PlotFormat::Svg | PlotFormat::Both)
    }
}

/// The command-line options every command that leaves plots and a report behind shares
/// (`run`, `compare`, `validate`, and later `sweep`): flatten it into the command with
/// `#[command(flatten)]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::Args)]
pub struct ReportOptions {
    /// Do not write report.html.
    #[arg(long)]
    pub no_report: bool,
    /// Picture formats to write.
    #[arg(long, value_enum, default_value_t = PlotFormat::Both)]
    pub plots: PlotFormat,
}

impl Default for ReportOptions {
    fn default() -> Self {
        Self {
            no_report: false,
            plots: PlotFormat::Both,
        }
    }
}

impl ReportOptions {
    /// Whether report.html is written.
    pub fn report(self) -> bool {
        !self.no_report
    }
}

/// A picture that could not be drawn or written, worded for the user.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct FigureError(pub String);

impl From<String> for FigureError {
    fn from(message: String) -> Self {
        FigureError(message)
    }
}

/// Writes every figure's files into `dir` in the formats `format` asks for; returns the paths.
pub fn write_figures(
    figures: &[figure::Figure],
    dir: &std::path::Path,
    format: PlotFormat,
) -> Result<Vec<std::path::PathBuf>, FigureError> {
    let written = crate::record::folder::each_in_order(figures, |f| f.write(dir, format));
    let mut paths = Vec::new();
    for w in written {
        paths.extend(w?);
    }
    Ok(paths)
}
