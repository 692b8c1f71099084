//! Rendering a plot once into memory — SVG text and/or PNG bytes — so that the same picture
//! is written to its files and embedded in `report.html` without drawing it twice.

use super::FigureError;
use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{PlotFormat, register_font};
use crate::record::atomic::write_atomic;

/// Something drawable on any plotters backend.
pub trait Plot {
    /// Picture size in pixels.
    fn size(&self) -> (u32, u32);
    /// Draws the picture on `root`.
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), FigureError>;
    /// Whether the report should embed it as a PNG rather than as SVG (pictures with many
    /// thousands of shapes, such as maps, are far smaller as PNG).
    fn raster(&self) -> bool {
        false
    }
}

/// A rendered picture: its file name stem, caption, and the formats drawn.
#[derive(Debug, Clone)]
pub struct Figure {
    /// File name without extension, e.g. `outcomes` for `outcomes.svg`.
    pub stem: String,
    /// What the picture shows, in a sentence or two (for the report).
    pub caption: String,
    /// How to read it: what to look at first and what not to read into it (for the report;
    /// empty for none).
    pub reading: String,
    /// SVG markup, if drawn.
    pub svg: Option<String>,
    /// PNG bytes, if drawn.
    pub png: Option<Vec<u8>>,
    /// Size in pixels.
    pub size: (u32, u32),
    /// Whether the report embeds it as PNG ([`Plot::raster`]).
    pub raster: bool,
}

/// Draws `plot` in the formats `format` asks for, and, when `report` is true, in the format
/// the report embeds ([`Plot::raster`]).
pub fn render<P: Plot + Sync>(
    plot: &P,
    stem: &str,
    caption: &str,
    format: PlotFormat,
    report: bool,
) -> Result<Figure, FigureError> {
    register_font();
    let want_svg = format.svg() || (report && !plot.raster());
    let want_png = format.png() || (report && plot.raster());
    let draw_svg = || want_svg.then(|| svg(plot)).transpose();
    let draw_png = || want_png.then(|| png(plot)).transpose();
    // The two formats are drawn in parallel on the caller's worker pool; outside one, one
    // after the other (rayon's global pool is not started behind a command's `--threads`).
    let (svg_bytes, png_bytes) = if rayon::current_thread_index().is_some() {
        rayon::join(draw_svg, draw_png)
    } else {
        (draw_svg(), draw_png())
    };
    Ok(Figure {
        stem: stem.to_string(),
        caption: caption.to_string(),
        reading: super::reading::how_to_read(stem).to_string(),
        svg: svg_bytes?,
        png: png_bytes?,
        size: plot.size(),
        raster: plot.raster(),
    })
}

impl Figure {
    /// The figure with its "how to read this" paragraph.
    pub fn reading(mut self, text: &str) -> Self {
        self.reading = text.to_string();
        self
    }

    /// Writes `dir/<stem>.png` and/or `.svg` as `format` asks (atomically); returns the paths.
    pub fn write(&self, dir: &Path, format: PlotFormat) -> Result<Vec<PathBuf>, FigureError> {
        let mut written = Vec::new();
        let files: [(bool, &str, Option<&[u8]>); 2] = [
            (format.png(), "png", self.png.as_deref()),
            (format.svg(), "svg", self.svg.as_ref().map(|s| s.as_bytes())),
        ];
        for (enabled, ext, bytes) in files {
            if !enabled {
                continue;
            }
            let path = dir.join(format!("{}.{ext}", self.stem));
            let bytes = bytes.ok_or_else(|| format!("{} was not drawn", path.display()))?;
            write_atomic(&path, bytes).map_err(|e| format!("writing {}: {e}", path.display()))?;
            written.push(path);
        }
        Ok(written)
    }
}

/// Draws `plot` as SVG text.
pub fn svg<P: Plot>(plot: &P) -> Result<String, FigureError> {
    register_font();
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, plot.size()).into_drawing_area();
        plot.draw(&root)?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(out)
}

/// Draws `plot` as PNG bytes (8-bit RGB).
pub fn png<P: Plot>(plot: &P) -> Result<Vec<u8>, FigureError> {
    register_font();
    let (w, h) = plot.size();
    let mut pixels = vec![255u8; w as usize * h as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, (w, h)).into_drawing_area();
        plot.draw(&root)?;
        root.present().map_err(|e| e.to_string())?;
    }
    encode_png(&pixels, w, h)
}

/// The deflate level of the pictures' PNG files (through flate2's zlib-rs backend). Drawing
/// the PNGs of one 2017–2020 replicate (docs/performance.md, "Round 44"): level 2
/// takes about a tenth less time than level 4 for files 2 % larger; level 1 is no faster and
/// its files are 30 % larger (report.html carries every picture).
const PNG_DEFLATE_LEVEL: u8 = 2;

/// Encodes 8-bit RGB pixels as PNG.
pub fn encode_png(rgb: &[u8], w: u32, h: u32) -> Result<Vec<u8>, FigureError> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_deflate_compression(png::DeflateCompression::Level(PNG_DEFLATE_LEVEL));
        let mut writer = enc.write_header().map_err(|e| e.to_string())?;
        writer.write_image_data(rgb).map_err(|e| e.to_string())?;
        writer.finish().map_err(|e| e.to_string())?;
    }
    Ok(out)
}

/// Standard base64 (RFC 4648, with padding), for `data:` URIs.
pub fn base64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The error mapper plotters' drawing calls need, as a function.
pub fn err<E: std::error::Error + Send + Sync>(e: DrawingAreaErrorKind<E>) -> String {
    e.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_rfc_examples() {
        for (plain, coded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), coded);
        }
    }
}
