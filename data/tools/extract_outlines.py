#!/usr/bin/env python3
"""Extract the country outlines for data/sahel_map.ron from Natural Earth (low resolution).

Source: Natural Earth "Admin 0 - Countries" at 1:110m (public domain), as shipped in the
pyogrio 0.10.0 test fixtures (pyogrio/tests/fixtures/naturalearth_lowres/).

    pip download --no-deps -d /tmp/pyo pyogrio==0.10.0
    cd /tmp/pyo && unzip -o pyogrio-0.10.0-*.whl 'pyogrio/tests/fixtures/naturalearth_lowres/*'
    pip install pyshp
    python3 data/tools/extract_outlines.py /tmp/pyo/pyogrio/tests/fixtures/naturalearth_lowres/naturalearth_lowres

Method:
  * MLI, BFA, NER: the full low-resolution outer ring(s), unchanged except rounding.
  * Neighbours (DZA, MRT, SEN, GIN, CIV, GHA, TGO, BEN, NGA): the outer ring clipped to the
    rectangle lat 8..27, lon -14..6 (the study box lat 9..25.5, lon -12.5..4.5 enlarged) with
    the Sutherland-Hodgman algorithm; the result is a single valid (possibly degenerate along
    the clip edges) ring per part.
  * Coordinates rounded to 3 decimals and written as (latitude, longitude); consecutive
    duplicate vertices removed after rounding; rings are closed (first vertex repeated).
Output: the `countries` entries (RON) on stdout, without the population fields, which the
map file adds by hand for the study countries.
"""
import sys

import shapefile  # pyshp

STUDY = ["MLI", "BFA", "NER"]
NEIGHBOURS = ["DZA", "MRT", "SEN", "GIN", "CIV", "GHA", "TGO", "BEN", "NGA"]
CLIP = (8.0, 27.0, -14.0, 6.0)  # lat_min, lat_max, lon_min, lon_max
NAMES = {"CIV": "Côte d'Ivoire"}


def split_parts(shape):
    parts = list(shape.parts) + [len(shape.points)]
    return [shape.points[parts[i]:parts[i + 1]] for i in range(len(parts) - 1)]


def signed_area(ring):
    a = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1]):
        a += x1 * y2 - x2 * y1
    return a / 2.0


def clip_ring(ring, box):
    """Sutherland-Hodgman clipping of a ring of (lon, lat) to an axis-aligned rectangle."""
    lat_min, lat_max, lon_min, lon_max = box
    edges = [
        (lambda p: p[0] >= lon_min, lambda a, b: _ix(a, b, 0, lon_min)),
        (lambda p: p[0] <= lon_max, lambda a, b: _ix(a, b, 0, lon_max)),
        (lambda p: p[1] >= lat_min, lambda a, b: _ix(a, b, 1, lat_min)),
        (lambda p: p[1] <= lat_max, lambda a, b: _ix(a, b, 1, lat_max)),
    ]
    out = list(ring)
    if out and out[0] == out[-1]:
        out = out[:-1]
    for inside, inter in edges:
        if not out:
            break
        inp, out = out, []
        prev = inp[-1]
        for cur in inp:
            if inside(cur):
                if not inside(prev):
                    out.append(inter(prev, cur))
                out.append(cur)
            elif inside(prev):
                out.append(inter(prev, cur))
            prev = cur
    return out


def _ix(a, b, axis, value):
    t = (value - a[axis]) / (b[axis] - a[axis])
    return (a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]))


def finish(ring):
    """Round, drop repeated vertices, close; return (lat, lon) tuples."""
    pts = []
    for lon, lat in ring:
        p = (round(lat, 3), round(lon, 3))
        if not pts or pts[-1] != p:
            pts.append(p)
    if len(pts) > 1 and pts[0] == pts[-1]:
        pts.pop()
    if len(pts) < 3:
        return None
    pts.append(pts[0])
    return pts


def load(path):
    reader = shapefile.Reader(path)  # encoding from the .cpg (ISO-8859-1)
    out = {}
    for sr in reader.iterShapeRecords():
        rec = sr.record.as_dict()
        iso = rec["iso_a3"]
        if iso in STUDY + NEIGHBOURS:
            rings = []
            for part in split_parts(sr.shape):
                ring = [tuple(p) for p in part]
                # shapefile outer rings are clockwise (negative signed area); holes are not
                # present for these countries at 1:110m, but skip any defensively.
                if signed_area(ring[:-1] if ring[0] == ring[-1] else ring) > 0:
                    continue
                if iso in NEIGHBOURS:
                    ring = clip_ring(ring, CLIP)
                r = finish(ring)
                if r:
                    rings.append(r)
            out[iso] = (NAMES.get(iso, rec["name"]), rings)
    return out


def ron_ring(ring, indent):
    pad = " " * indent
    lines, cur = [], []
    for lat, lon in ring:
        cur.append(f"({lat}, {lon})")
        if len(cur) == 6:
            lines.append(pad + ", ".join(cur) + ",")
            cur = []
    if cur:
        lines.append(pad + ", ".join(cur) + ",")
    return "\n".join(lines)


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else \
        "/tmp/pyo/pyogrio/tests/fixtures/naturalearth_lowres/naturalearth_lowres"
    data = load(path)
    for iso in STUDY + NEIGHBOURS:
        name, rings = data[iso]
        print(f"        // {name} ({iso}): {len(rings)} ring(s), {sum(len(r) for r in rings)} vertices")
        print("        polygons: [")
        for r in rings:
            print("            [")
            print(ron_ring(r, 16))
            print("            ],")
        print("        ],")


if __name__ == "__main__":
    main()
