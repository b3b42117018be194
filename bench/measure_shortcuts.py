#!/usr/bin/python3
"""How wrong are the usual shortcuts? Measured, not quoted.

Reference: Karney's ellipsoidal area and length (pyproj.Geod, WGS84), the
same algorithm geokota agrees with to 1e-9. Compared:
  - UTM zone 48S (EPSG:32748) planar area / length of the real Kota Tangerang
    kecamatan and kelurahan, and of 1 km squares across a UTM zone;
  - Web Mercator (EPSG:3857) planar area / length;
  - haversine lengths on the mean sphere (R = 6371008.8 m) of the Jakarta
    roads.
Usage: /usr/bin/python3 bench/measure_shortcuts.py [shared-data-dir]
Prints a markdown table (the one in bench/RESULTS.md).
"""
import math
import os
import sys

import numpy as np
from osgeo import ogr
from pyproj import Geod, Transformer
from shapely.geometry import LineString, Polygon

root = sys.argv[1] if len(sys.argv) > 1 else os.environ.get(
    "GK_SHARED_DATA", "/work/shared/data")
geod = Geod(ellps="WGS84")
utm = Transformer.from_crs(4326, 32748, always_xy=True)
merc = Transformer.from_crs(4326, 3857, always_xy=True)


def rings(path):
    ds = ogr.Open(path)
    lyr = ds.GetLayer(0)
    out = []
    for f in lyr:
        g = f.GetGeometryRef()
        stack = [g]
        while stack:
            h = stack.pop()
            if h.GetGeometryCount() > 0:
                stack.extend(h.GetGeometryRef(i) for i in range(h.GetGeometryCount()))
            elif h.GetPointCount() >= 2:
                out.append(np.array(h.GetPoints())[:, :2])
    return out


def area_err(rs, tr):
    errs, tot_ref, tot = [], 0.0, 0.0
    for r in rs:
        ref, _ = geod.polygon_area_perimeter(r[:, 0], r[:, 1])
        x, y = tr.transform(r[:, 0], r[:, 1])
        a = Polygon(np.column_stack([x, y])).area
        errs.append((a - abs(ref)) / abs(ref))
        tot_ref += abs(ref)
        tot += a
    return min(errs), max(errs), (tot - tot_ref) / tot_ref


def len_err(rs, fn):
    errs, tot_ref, tot = [], 0.0, 0.0
    for r in rs:
        ref = geod.line_length(r[:, 0], r[:, 1])
        if ref < 10:
            continue
        L = fn(r)
        errs.append((L - ref) / ref)
        tot_ref += ref
        tot += L
    return min(errs), max(errs), (tot - tot_ref) / tot_ref


def planar_len(tr):
    def f(r):
        x, y = tr.transform(r[:, 0], r[:, 1])
        return LineString(np.column_stack([x, y])).length
    return f


def haversine(r):
    R = 6371008.8
    lon, lat = np.radians(r[:, 0]), np.radians(r[:, 1])
    h = np.sin(np.diff(lat) / 2) ** 2 + np.cos(lat[:-1]) * np.cos(lat[1:]) * \
        np.sin(np.diff(lon) / 2) ** 2
    return float(np.sum(2 * R * np.arcsin(np.sqrt(h))))


def pct(v):
    return f"{100 * v:+.3f}%"


rows = []
kec = rings(os.path.join(root, "boundaries/kota_tangerang_kecamatan.geojson"))
kel = rings(os.path.join(root, "boundaries/kota_tangerang_kelurahan.geojson"))
roads = rings(os.path.join(root, "roads/jakarta_roads_osm2012.geojson"))
for name, rs in (("kecamatan (13)", kec), ("kelurahan (104)", kel)):
    lo, hi, tot = area_err(rs, utm)
    rows.append((f"area, UTM 48S, {name}", pct(lo), pct(hi), pct(tot)))
    lo, hi, tot = area_err(rs, merc)
    rows.append((f"area, Web Mercator, {name}", pct(lo), pct(hi), pct(tot)))

# 1 km squares at latitude -6.2 across zone 48 (central meridian 105 E)
errs = []
for dlon in (0.0, 1.0, 2.0, 3.0, 3.5):
    lon0 = 105 + dlon
    lat0 = -6.2
    sq = np.array([[lon0, lat0], [lon0 + 0.009, lat0], [lon0 + 0.009, lat0 + 0.009],
                   [lon0, lat0 + 0.009], [lon0, lat0]])
    ref, _ = geod.polygon_area_perimeter(sq[:, 0], sq[:, 1])
    x, y = utm.transform(sq[:, 0], sq[:, 1])
    errs.append((dlon, (Polygon(np.column_stack([x, y])).area - abs(ref)) / abs(ref)))
rows.append(("area, UTM 48S, 1 km squares 0..3.5 deg from the central meridian",
             pct(min(e for _, e in errs)), pct(max(e for _, e in errs)),
             " ".join(f"{d:g}deg:{pct(e)}" for d, e in errs)))

lo, hi, tot = len_err(roads, planar_len(utm))
rows.append(("length, UTM 48S, Jakarta roads >= 10 m", pct(lo), pct(hi), pct(tot)))
lo, hi, tot = len_err(roads, planar_len(merc))
rows.append(("length, Web Mercator, Jakarta roads >= 10 m", pct(lo), pct(hi), pct(tot)))
lo, hi, tot = len_err(roads, haversine)
rows.append(("length, haversine (R = 6371008.8 m), Jakarta roads >= 10 m",
             pct(lo), pct(hi), pct(tot)))
rs = kec + kel
lo, hi, tot = len_err([np.vstack([r, r[:1]]) for r in rs], haversine)
rows.append(("perimeter, haversine, kecamatan + kelurahan", pct(lo), pct(hi), pct(tot)))

print("| shortcut (vs Karney on WGS84) | min error | max error | total / note |")
print("|---|---|---|---|")
for r in rows:
    print("| " + " | ".join(r) + " |")
