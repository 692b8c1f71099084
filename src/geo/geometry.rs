//! Plane geometry on (latitude, longitude) pairs: point in polygon, distances, segment walks.
//! Distances use an equirectangular projection, accurate to a few per cent over the Sahel.

use super::data::LatLon;

/// Kilometres per degree of latitude.
pub const KM_PER_DEG: f64 = 111.32;

/// Whether `p` lies inside the ring `poly` (even-odd rule; the ring may be open or closed).
pub fn point_in_polygon(p: LatLon, poly: &[LatLon]) -> bool {
    let (y, x) = p;
    let mut inside = false;
    let n = poly.len();
    if n < 3 {
        return false;
    }
    let mut j = n - 1;
    for i in 0..n {
        let (yi, xi) = poly[i];
        let (yj, xj) = poly[j];
        if (yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi {
            inside = !inside;
        }
        j = i;
    }
    inside
}

/// Bounding box of a ring as (south, north, west, east).
pub fn ring_bounds(poly: &[LatLon]) -> (f64, f64, f64, f64) {
    poly.iter().fold(
        (f64::MAX, f64::MIN, f64::MAX, f64::MIN),
        |(s, n, w, e), &(la, lo)| (s.min(la), n.max(la), w.min(lo), e.max(lo)),
    )
}

/// Approximate distance in km between two points.
pub fn distance_km(a: LatLon, b: LatLon) -> f64 {
    let mean_lat = ((a.0 + b.0) / 2.0).to_radians();
    let dy = (a.0 - b.0) * KM_PER_DEG;
    let dx = (a.1 - b.1) * KM_PER_DEG * mean_lat.cos();
    (dx * dx + dy * dy).sqrt()
}

/// Approximate distance in km from `p` to the segment `a`–`b`.
pub fn distance_to_segment_km(p: LatLon, a: LatLon, b: LatLon) -> f64 {
    let k = p.0.to_radians().cos();
    let (px, py) = (p.1 * k, p.0);
    let (ax, ay) = (a.1 * k, a.0);
    let (bx, by) = (b.1 * k, b.0);
    let (dx, dy) = (bx - ax, by - ay);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((px - ax) * dx + (py - ay) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (cx, cy) = (ax + t * dx, ay + t * dy);
    ((px - cx).powi(2) + (py - cy).powi(2)).sqrt() * KM_PER_DEG
}

/// Area of a ring in km² (shoelace formula on the local projection).
pub fn ring_area_km2(poly: &[LatLon]) -> f64 {
    if poly.len() < 3 {
        return 0.0;
    }
    let mean_lat = poly.iter().map(|p| p.0).sum::<f64>() / poly.len() as f64;
    let k = mean_lat.to_radians().cos();
    let mut sum = 0.0;
    for i in 0..poly.len() {
        let (y1, x1) = poly[i];
        let (y2, x2) = poly[(i + 1) % poly.len()];
        sum += x1 * k * y2 - x2 * k * y1;
    }
    (sum / 2.0).abs() * KM_PER_DEG * KM_PER_DEG
}

/// Points along a polyline no further apart than `step` degrees (the vertices included).
pub fn densify(line: &[LatLon], step: f64) -> Vec<LatLon> {
    let mut out = Vec::new();
    for w in line.windows(2) {
        let (a, b) = (w[0], w[1]);
        let len = ((b.0 - a.0).powi(2) + (b.1 - a.1).powi(2)).sqrt();
        let n = (len / step).ceil().max(1.0) as usize;
        for k in 0..n {
            let t = k as f64 / n as f64;
            out.push((a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1)));
        }
    }
    if let Some(&last) = line.last() {
        out.push(last);
    }
    out
}

/// Latitude of a west-to-east polyline at longitude `lon` (held flat beyond its ends).
pub fn polyline_lat_at(line: &[LatLon], lon: f64) -> Option<f64> {
    let first = line.first()?;
    let last = line.last()?;
    if lon <= first.1 {
        return Some(first.0);
    }
    if lon >= last.1 {
        return Some(last.0);
    }
    line.windows(2)
        .find(|w| w[0].1 <= lon && lon <= w[1].1)
        .map(|w| {
            let t = if w[1].1 > w[0].1 {
                (lon - w[0].1) / (w[1].1 - w[0].1)
            } else {
                0.0
            };
            w[0].0 + t * (w[1].0 - w[0].0)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn square_contains_its_centre_only() {
        let sq = [(0.0, 0.0), (0.0, 1.0), (1.0, 1.0), (1.0, 0.0)];
        assert!(point_in_polygon((0.5, 0.5), &sq));
        assert!(!point_in_polygon((1.5, 0.5), &sq));
        assert!((ring_area_km2(&sq) - KM_PER_DEG * KM_PER_DEG).abs() < 50.0);
    }

    #[test]
    fn distances_are_plausible() {
        // Mopti to Sévaré is about 12 km.
        let d = distance_km((14.49, -4.20), (14.53, -4.10));
        assert!((10.0..14.0).contains(&d), "{d}");
        assert!(
            distance_to_segment_km((0.5, 0.0), (0.0, -1.0), (0.0, 1.0)) - 0.5 * KM_PER_DEG < 1e-6
        );
    }

    #[test]
    fn polyline_interpolates() {
        let l = [(10.0, 0.0), (20.0, 10.0)];
        assert_eq!(polyline_lat_at(&l, 5.0), Some(15.0));
        assert_eq!(polyline_lat_at(&l, -5.0), Some(10.0));
    }
}
