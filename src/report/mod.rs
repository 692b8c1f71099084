//! Pictures: the embedded font and the plots each command leaves behind.

pub mod map_plot;
pub mod palette;
pub mod sensitivity_plot;
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
