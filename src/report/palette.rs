//! Colours readable by colour-blind readers: the Okabe–Ito palette and a sequential ramp.

use plotters::style::RGBColor;

/// Okabe & Ito (2008) qualitative palette, distinguishable under the common colour-vision
/// deficiencies.
pub const OKABE_ITO: [RGBColor; 8] = [
    RGBColor(230, 159, 0),   // orange
    RGBColor(86, 180, 233),  // sky blue
    RGBColor(0, 158, 115),   // bluish green
    RGBColor(240, 228, 66),  // yellow
    RGBColor(0, 114, 178),   // blue
    RGBColor(213, 94, 0),    // vermillion
    RGBColor(204, 121, 167), // reddish purple
    RGBColor(0, 0, 0),       // black
];

/// A sequential light-to-dark ramp (white to dark blue-purple, monotone in lightness) for
/// quantities such as population; `t` in 0..=1.
pub fn sequential(t: f64) -> RGBColor {
    let stops = [
        (255.0, 255.0, 229.0),
        (199.0, 233.0, 180.0),
        (65.0, 182.0, 196.0),
        (34.0, 94.0, 168.0),
        (37.0, 52.0, 148.0),
        (8.0, 29.0, 88.0),
    ];
    let t = t.clamp(0.0, 1.0) * (stops.len() - 1) as f64;
    let i = (t.floor() as usize).min(stops.len() - 2);
    let f = t - i as f64;
    let (a, b) = (stops[i], stops[i + 1]);
    let mix = |x: f64, y: f64| (x + (y - x) * f).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}
