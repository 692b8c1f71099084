//! A simple label placer for maps: labels are taken in order of importance, each tries a few
//! positions around its anchor, and takes the first whose box stays inside the panel and
//! overlaps neither a label already placed nor an obstacle (a town's dot); a label with no
//! free position is left out. Boxes are in pixels, so the same placement serves the picture
//! and the tests that check it.

/// An axis-aligned box in pixels: `x0..x1` × `y0..y1` (y grows downwards).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PixelBox {
    /// Left edge.
    pub x0: i32,
    /// Top edge.
    pub y0: i32,
    /// Right edge (exclusive).
    pub x1: i32,
    /// Bottom edge (exclusive).
    pub y1: i32,
}

impl PixelBox {
    /// The box of `size` pixels with its top-left corner at `(x, y)`.
    pub fn at(x: i32, y: i32, size: (u32, u32)) -> Self {
        Self {
            x0: x,
            y0: y,
            x1: x + size.0 as i32,
            y1: y + size.1 as i32,
        }
    }

    /// A square of half-width `r` around `(x, y)`.
    pub fn around(x: i32, y: i32, r: i32) -> Self {
        Self {
            x0: x - r,
            y0: y - r,
            x1: x + r + 1,
            y1: y + r + 1,
        }
    }

    /// Whether the two boxes share any pixel.
    pub fn overlaps(&self, o: &PixelBox) -> bool {
        self.x0 < o.x1 && o.x0 < self.x1 && self.y0 < o.y1 && o.y0 < self.y1
    }

    /// Whether `self` lies wholly inside `outer`.
    pub fn inside(&self, outer: &PixelBox) -> bool {
        self.x0 >= outer.x0 && self.y0 >= outer.y0 && self.x1 <= outer.x1 && self.y1 <= outer.y1
    }
}

/// Where a label may go relative to its anchor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchoring {
    /// Beside a point marker of radius `gap` pixels: right, left, above, below, then the
    /// diagonals, then the same a little further out.
    Beside {
        /// Distance in pixels from the anchor to the nearest edge of the label.
        gap: i32,
    },
    /// Centred on the anchor (a region's or area's name), or shifted up or down by up to two
    /// lines when the centre is taken, or else with the anchor at either end of the label (on
    /// its line or one line up or down).
    Centred,
}

/// One label to place.
#[derive(Debug, Clone)]
pub struct LabelRequest {
    /// The text.
    pub text: String,
    /// The anchor in pixels.
    pub anchor: (i32, i32),
    /// The text's size in pixels (width, height).
    pub size: (u32, u32),
    /// Where it may go.
    pub anchoring: Anchoring,
}

/// A label that found a place: which request, and its box (the text's top-left corner is
/// `(bbox.x0 + PADDING, bbox.y0 + PADDING)`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlacedLabel {
    /// Position of the request in the list given to [`place`].
    pub request: usize,
    /// The label's box, padding included.
    pub bbox: PixelBox,
}

/// Pixels kept free around each label's text.
pub const PADDING: i32 = 1;

/// Places `requests` in their order (most important first) inside `panel`, avoiding
/// `obstacles` and each other. Returns the labels placed, in request order; requests with no
/// free position (or whose anchor lies outside the panel) are left out.
pub fn place(
    requests: &[LabelRequest],
    obstacles: &[PixelBox],
    panel: PixelBox,
) -> Vec<PlacedLabel> {
    let mut placed: Vec<PlacedLabel> = Vec::new();
    for (i, r) in requests.iter().enumerate() {
        let (ax, ay) = r.anchor;
        if ax < panel.x0 || ax >= panel.x1 || ay < panel.y0 || ay >= panel.y1 {
            continue;
        }
        let size = (r.size.0 + 2 * PADDING as u32, r.size.1 + 2 * PADDING as u32);
        let (w, h) = (size.0 as i32, size.1 as i32);
        let found = candidates(r.anchoring, (ax, ay), (w, h))
            .into_iter()
            .map(|(x, y)| PixelBox::at(x, y, size))
            .find(|b| {
                b.inside(&panel)
                    && !placed.iter().any(|p| p.bbox.overlaps(b))
                    && !obstacles
                        .iter()
                        .any(|o| o.overlaps(b) && !is_own_marker(o, (ax, ay), r.anchoring))
            });
        if let Some(bbox) = found {
            placed.push(PlacedLabel { request: i, bbox });
        }
    }
    placed
}

/// A centred label may cover its own anchor's marker; a label beside a marker never does (its
/// candidates keep clear of it), so only centred labels skip their own marker.
fn is_own_marker(o: &PixelBox, anchor: (i32, i32), anchoring: Anchoring) -> bool {
    anchoring == Anchoring::Centred
        && o.x0 <= anchor.0
        && anchor.0 < o.x1
        && o.y0 <= anchor.1
        && anchor.1 < o.y1
}

/// The top-left corners to try, best first.
fn candidates(anchoring: Anchoring, (ax, ay): (i32, i32), (w, h): (i32, i32)) -> Vec<(i32, i32)> {
    match anchoring {
        Anchoring::Beside { gap } => {
            let mut out = Vec::new();
            for g in [gap, gap + h / 2 + 2] {
                out.extend([
                    (ax + g, ay - h / 2),     // right
                    (ax - g - w, ay - h / 2), // left
                    (ax - w / 2, ay - g - h), // above
                    (ax - w / 2, ay + g),     // below
                    (ax + g, ay - g - h),     // above right
                    (ax - g - w, ay - g - h), // above left
                    (ax + g, ay + g),         // below right
                    (ax - g - w, ay + g),     // below left
                ]);
            }
            out
        }
        Anchoring::Centred => {
            let (x, y) = (ax - w / 2, ay - h / 2);
            let mut out = vec![
                (x, y),
                (x, y - h),
                (x, y + h),
                (x, y - 2 * h),
                (x, y + 2 * h),
            ];
            // Then with the anchor at the label's left or right end, on its line or a line
            // above or below.
            for dy in [0, -h, h] {
                out.extend([(ax, y + dy), (ax - w, y + dy)]);
            }
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn town(text: &str, anchor: (i32, i32)) -> LabelRequest {
        LabelRequest {
            text: text.to_string(),
            anchor,
            size: (text.len() as u32 * 7, 12),
            anchoring: Anchoring::Beside { gap: 4 },
        }
    }

    fn check(placed: &[PlacedLabel], obstacles: &[PixelBox], panel: PixelBox) {
        for (k, a) in placed.iter().enumerate() {
            assert!(a.bbox.inside(&panel), "{a:?} leaves the panel");
            for b in &placed[k + 1..] {
                assert!(!a.bbox.overlaps(&b.bbox), "{a:?} overlaps {b:?}");
            }
            for o in obstacles {
                assert!(!a.bbox.overlaps(o), "{a:?} covers a marker {o:?}");
            }
        }
    }

    #[test]
    fn two_close_towns_are_both_named_without_overlap() {
        // Bamako and Kati, three pixels apart.
        let panel = PixelBox::at(0, 0, (400, 300));
        let reqs = [town("Bamako", (200, 150)), town("Kati", (198, 147))];
        let obstacles: Vec<PixelBox> = reqs
            .iter()
            .map(|r| PixelBox::around(r.anchor.0, r.anchor.1, 3))
            .collect();
        let placed = place(&reqs, &obstacles, panel);
        assert_eq!(placed.len(), 2, "{placed:?}");
        check(&placed, &obstacles, panel);
    }

    #[test]
    fn labels_near_an_edge_stay_inside_the_panel() {
        let panel = PixelBox::at(10, 10, (300, 200));
        let reqs = [
            town("Eastern town", (305, 100)),
            town("Western town", (12, 100)),
            town("Top", (150, 11)),
            town("Bottom", (150, 208)),
        ];
        let placed = place(&reqs, &[], panel);
        assert_eq!(placed.len(), 4);
        check(&placed, &[], panel);
        // The eastern label went to the left of its town.
        assert!(placed[0].bbox.x1 <= 305);
    }

    #[test]
    fn a_crowded_cluster_places_what_fits_and_nothing_overlaps() {
        let panel = PixelBox::at(0, 0, (120, 80));
        let reqs: Vec<LabelRequest> = (0..40)
            .map(|k| town(&format!("Town {k}"), (20 + (k % 8) * 10, 20 + (k / 8) * 8)))
            .collect();
        let obstacles: Vec<PixelBox> = reqs
            .iter()
            .map(|r| PixelBox::around(r.anchor.0, r.anchor.1, 2))
            .collect();
        let placed = place(&reqs, &obstacles, panel);
        assert!(!placed.is_empty() && placed.len() < reqs.len());
        check(&placed, &obstacles, panel);
        // The most important label is always placed.
        assert_eq!(placed[0].request, 0);
    }

    #[test]
    fn a_centred_label_blocked_above_and_below_goes_to_one_side_of_its_anchor() {
        let panel = PixelBox::at(0, 0, (300, 200));
        // A tall label just left of the region's centre, over its line and two lines up and
        // down.
        let reqs = vec![
            LabelRequest {
                text: "Tall".into(),
                anchor: (124, 100),
                size: (46, 70),
                anchoring: Anchoring::Centred,
            },
            LabelRequest {
                text: "Centre-Nord".into(),
                anchor: (150, 100),
                size: (60, 10),
                anchoring: Anchoring::Centred,
            },
        ];
        let placed = place(&reqs, &[], panel);
        assert_eq!(placed.len(), 2, "{placed:?}");
        check(&placed, &[], panel);
        let b = placed[1].bbox;
        assert_eq!(b.x0, 150, "{b:?} does not start at its anchor");
        assert!(
            b.y0 < 100 && b.y1 > 100,
            "{b:?} is not on its anchor's line"
        );
    }

    #[test]
    fn a_centred_label_moves_off_a_taken_centre() {
        let panel = PixelBox::at(0, 0, (200, 200));
        let mut reqs = vec![town("Mopti", (100, 100))];
        reqs.push(LabelRequest {
            text: "Region".into(),
            anchor: (115, 100),
            size: (42, 12),
            anchoring: Anchoring::Centred,
        });
        let placed = place(&reqs, &[], panel);
        assert_eq!(placed.len(), 2);
        check(&placed, &[], panel);
    }
}
