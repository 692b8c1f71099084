//! Colours readable by colour-blind readers: the Okabe–Ito palette, a perceptually uniform
//! sequential ramp (viridis) and a diverging ramp centred on a neutral grey.

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

/// Viridis (van der Walt and Smith, matplotlib), sampled at nine evenly spaced points from
/// dark purple to yellow: perceptually uniform, monotone in lightness, readable in grey and
/// under the common colour-vision deficiencies.
const VIRIDIS: [(f64, f64, f64); 9] = [
    (68.0, 1.0, 84.0),
    (71.0, 44.0, 122.0),
    (59.0, 81.0, 139.0),
    (44.0, 113.0, 142.0),
    (33.0, 145.0, 140.0),
    (39.0, 173.0, 129.0),
    (92.0, 200.0, 99.0),
    (170.0, 220.0, 50.0),
    (253.0, 231.0, 37.0),
];

/// The colour of "nothing" on a map (no events, no change): a light grey, set apart from the
/// lightest colour of either ramp.
pub const NEUTRAL: RGBColor = RGBColor(236, 236, 236);

/// The sequential ramp for a quantity from the smallest value shown (`t = 0`) to the largest
/// (`t = 1`): viridis reversed, from yellow to dark purple, so that more is darker and the
/// smallest value shown is a saturated yellow, plainly apart from the white or grey of none.
pub fn sequential(t: f64) -> RGBColor {
    interpolate(&VIRIDIS, 1.0 - t.clamp(0.0, 1.0))
}

/// Blue – neutral – red, after ColorBrewer's RdBu (colour-blind safe), for a signed
/// difference: `t` in −1..=1, 0 the neutral centre, −1 the darkest blue (fewer), +1 the
/// darkest red (more).
pub fn diverging(t: f64) -> RGBColor {
    const STOPS: [(f64, f64, f64); 7] = [
        (33.0, 102.0, 172.0),
        (103.0, 169.0, 207.0),
        (209.0, 229.0, 240.0),
        (236.0, 236.0, 236.0),
        (253.0, 219.0, 199.0),
        (239.0, 138.0, 98.0),
        (178.0, 24.0, 43.0),
    ];
    interpolate(&STOPS, (t.clamp(-1.0, 1.0) + 1.0) / 2.0)
}

/// Linear interpolation between evenly spaced colour stops; `t` in 0..=1.
fn interpolate(stops: &[(f64, f64, f64)], t: f64) -> RGBColor {
    let n = stops.len();
    if n < 2 {
        return RGBColor(0, 0, 0);
    }
    let t = t.clamp(0.0, 1.0) * (n - 1) as f64;
    let i = (t.floor() as usize).min(n - 2);
    let f = t - i as f64;
    let (a, b) = (stops[i], stops[i + 1]);
    let mix = |x: f64, y: f64| (x + (y - x) * f).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// Relative luminance (0 black – 1 white) of a colour, as WCAG defines it.
pub fn luminance(c: RGBColor) -> f64 {
    let lin = |v: u8| {
        let s = v as f64 / 255.0;
        if s <= 0.039_28 {
            s / 12.92
        } else {
            ((s + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(c.0) + 0.7152 * lin(c.1) + 0.0722 * lin(c.2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sequential_ramp_darkens_steadily_and_starts_apart_from_none() {
        let l: Vec<f64> = (0..=20)
            .map(|k| luminance(sequential(k as f64 / 20.0)))
            .collect();
        assert!(l.windows(2).all(|w| w[1] < w[0]), "{l:?}");
        // The lowest value shown is not mistaken for none: well apart from the neutral grey.
        let low = sequential(0.0);
        let d = (low.0 as i32 - NEUTRAL.0 as i32).abs()
            + (low.1 as i32 - NEUTRAL.1 as i32).abs()
            + (low.2 as i32 - NEUTRAL.2 as i32).abs();
        assert!(d > 150, "{low:?}");
    }

    #[test]
    fn the_diverging_ramp_is_neutral_at_zero_and_symmetric_in_lightness() {
        assert_eq!(diverging(0.0), NEUTRAL);
        for k in 1..=10 {
            let t = k as f64 / 10.0;
            let (neg, pos) = (luminance(diverging(-t)), luminance(diverging(t)));
            assert!(neg < luminance(NEUTRAL) && pos < luminance(NEUTRAL));
            assert!((neg - pos).abs() < 0.12, "{t}: {neg} {pos}");
        }
    }
}
