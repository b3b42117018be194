#!/usr/bin/python3
"""geokota.area from Python against the analyst's usual paths, on the same
100,000 parcel polygons (5-12 vertices, 10-40 m across, around Tangerang):

- pyproj.Geod (Karney) per polygon: geometry_area_perimeter on Shapely
  polygons (the usual call) and polygon_area_perimeter on pre-extracted
  coordinate arrays (pyproj's fastest path);
- GeoPandas: GeoSeries.to_crs(UTM 48S).area, which also carries UTM's scale
  error (k^2 - 1, -0.08 % on the central meridian).

geokota is timed on the three inputs it takes: flat coordinate + offset
arrays (zero copy), a WKB object array, and the GeoSeries itself (which
includes GeoSeries.to_wkb, a Python loop with Shapely 1.8).

Usage: PYTHONPATH=build/bindings/python /usr/bin/python3 bench/bench_python_area.py [N]
One run; each timing is the best of 3 (1 for the slow per-polygon loops).
"""
import sys
import time

import numpy as np
from pyproj import Geod
from shapely.geometry import Polygon

import geokota

N = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000


def best(fn, reps=3):
    t = 1e30
    for _ in range(reps):
        t0 = time.perf_counter()
        out = fn()
        t = min(t, time.perf_counter() - t0)
    return t, out


def parcels(n, seed=2026):
    rng = np.random.default_rng(seed)
    k = rng.integers(5, 13, n)
    ring_off = np.zeros(n + 1, dtype=np.int64)
    ring_off[1:] = np.cumsum(k + 1)
    xy = np.empty((ring_off[-1], 2))
    cx = 106.63 + rng.uniform(-0.08, 0.08, n)
    cy = -6.18 + rng.uniform(-0.08, 0.08, n)
    size = rng.uniform(0.5e-4, 2e-4, n)  # ~5-20 m radius
    for i in range(n):
        ang = np.sort(rng.uniform(0, 2 * np.pi, k[i]))
        r = size[i] * rng.uniform(0.5, 1.0, k[i])
        ring = np.c_[cx[i] + r * np.cos(ang), cy[i] + r * np.sin(ang)]
        xy[ring_off[i]:ring_off[i + 1] - 1] = ring
        xy[ring_off[i + 1] - 1] = ring[0]
    return xy, ring_off


xy, ring_off = parcels(N)
nv = len(xy)
flat = geokota.Geometries.from_arrays(xy, ring_off)
polys = [Polygon(xy[ring_off[i]:ring_off[i + 1]]) for i in range(N)]
wkb = np.empty(N, dtype=object)
for i, p in enumerate(polys):
    wkb[i] = p.wkb
coords = [(xy[ring_off[i]:ring_off[i + 1], 0].copy(),
           xy[ring_off[i]:ring_off[i + 1], 1].copy()) for i in range(N)]
print(f"{N} polygons, {nv} vertices ({nv / N:.1f} per polygon)")

rows = []
t_flat, a_flat = best(lambda: geokota.area(flat))
t_wkb, a_wkb = best(lambda: geokota.area(wkb))
assert np.array_equal(a_flat, a_wkb)
geod = Geod(ellps="WGS84")
t_pg, a_pg = best(lambda: np.array(
    [abs(geod.geometry_area_perimeter(p)[0]) for p in polys]), reps=1)
t_pa, a_pa = best(lambda: np.array(
    [abs(geod.polygon_area_perimeter(x, y)[0]) for x, y in coords]), reps=1)
diff = np.abs(a_flat - a_pa)
big = a_pa > 100  # relative error is meaningful above the 1e-4 m2 floor

try:
    import geopandas as gpd
    gs = gpd.GeoSeries(polys, crs="EPSG:4326")
    t_gs, a_gs = best(lambda: geokota.area(gs), reps=1)
    assert np.array_equal(a_gs, a_flat)
    t_gpd, a_gpd = best(lambda: gs.to_crs(epsg=32748).area.to_numpy(), reps=1)
    analyst = "GeoPandas to_crs(EPSG:32748).area"
except ImportError:  # the analyst path without GeoPandas
    from pyproj import Transformer
    tr = Transformer.from_crs(4326, 32748, always_xy=True)
    gs = None

    def utm_area():
        x, y = tr.transform(xy[:, 0], xy[:, 1])
        return np.array([Polygon(np.c_[x[ring_off[i]:ring_off[i + 1]],
                                       y[ring_off[i]:ring_off[i + 1]]]).area
                         for i in range(N)])
    t_gpd, a_gpd = best(utm_area, reps=1)
    analyst = "pyproj Transformer -> UTM + shapely area"
err_utm = (a_gpd - a_flat) / a_flat

print(f"\n{'path':58s} {'seconds':>9s} {'ns/vertex':>10s} {'geokota x':>10s}")


def row(name, t, ref=t_flat):
    print(f"{name:58s} {t:9.4f} {1e9 * t / nv:10.1f} {t / ref:9.1f}x")


row("geokota.area(Geometries)  flat arrays, zero copy", t_flat)
row("geokota.area(wkb)         WKB object array", t_wkb)
if gs is not None:
    row("geokota.area(GeoSeries)   incl. GeoSeries.to_wkb()", t_gs)
row("pyproj Geod.geometry_area_perimeter, per polygon", t_pg)
row("pyproj Geod.polygon_area_perimeter, per coord arrays", t_pa)
row(analyst, t_gpd)
print()
print(f"speed-up vs pyproj.Geod (fastest pyproj path): flat {t_pa / t_flat:.0f}x,"
      f" WKB {t_pa / t_wkb:.0f}x (goal >= 30x)")
print(f"speed-up vs {analyst}: flat {t_gpd / t_flat:.0f}x, WKB {t_gpd / t_wkb:.0f}x"
      + (f", GeoSeries {t_gpd / t_gs:.1f}x" if gs is not None else "")
      + " (goal >= 5x)")
print(f"geokota vs pyproj Karney: max |diff| {diff.max():.2e} m2, max relative "
      f"{np.max(diff[big] / a_pa[big]):.2e} over 100 m2 (Karney's own absolute"
      " floor is a few 1e-4 m2, so small parcels differ at that level)")
print(f"UTM path area error vs ellipsoid: {err_utm.min() * 100:+.4f} % .. "
      f"{err_utm.max() * 100:+.4f} %")
