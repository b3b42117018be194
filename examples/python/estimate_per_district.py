#!/usr/bin/python3
"""Scale-out with Dask: a road estimate per district (kecamatan) and an
earthwork volume per DEM tile, run as tasks on a Dask distributed
LocalCluster and reduced to exactly what one machine computes.

    PYTHONPATH=build/bindings/python /usr/bin/python3 \\
        examples/python/estimate_per_district.py

(Debian: python3-dask python3-distributed python3-geopandas.) The same code
runs on a real cluster by giving Client the scheduler's address instead of
a LocalCluster.

The rules that make the reduction exact:

* Roads. A junction's surface belongs to the road that comes first in the
  network, so a road's figures depend on the earlier roads that meet it.
  Each road is assigned to one district (the one holding the midpoint of
  its line); a district's task estimates its own roads plus, as context,
  the earlier roads of other districts that come within reach of them
  (geokota.partition_roads finds them with geokota.RTree), with the whole
  network's plane origin (geokota.plane_origin), and returns the figures
  of its own roads only. geokota.estimate_merge rebuilds the bill from all
  roads in network order with the library's own engine, so whole units
  (bags, truck loads) are rounded on the totals as in one estimate. The
  merged bill equals the single-machine bill to the bit.
* Volumes. Tiles on the DEM's cell edges partition the region; each task
  computes cut and fill over region x tile; the sums over tiles equal the
  whole up to rounding: a cell inside a tile contributes the same amount,
  a cell on the region's boundary the same up to the rounding of the cut
  polygon's vertices, and the additions come in another order (relative
  difference ~1e-13 here; the test checks < 1e-12).
"""
from __future__ import annotations

import math
import os
import sys
import tempfile
from typing import Any, Dict, List, Sequence, Tuple

import numpy as np

import geokota

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
KECAMATAN = os.path.join(ROOT, "data", "samples",
                         "kota_tangerang_kecamatan.geojson")


# ---- the road network ----------------------------------------------------

def make_roads(seed: int = 2026, n: int = 12,
               spacing_deg: float = 0.004) -> Any:
    """A street grid (segments between junctions, jittered) across the
    meeting point of five kecamatan of Kota Tangerang, with widths and
    templates that vary; a GeoDataFrame in lon/lat indexed 0..n-1. Roads
    whose midpoint lies in no kecamatan are dropped."""
    import geopandas as gpd
    from shapely.geometry import LineString, Point
    rng = np.random.default_rng(seed)
    lon0, lat0 = 106.655 - spacing_deg * n / 2, -6.195 - spacing_deg * n / 2
    nodes = np.empty((n + 1, n + 1, 2))
    for i in range(n + 1):
        for j in range(n + 1):
            nodes[i, j] = (lon0 + i * spacing_deg, lat0 + j * spacing_deg)
    nodes += rng.uniform(-0.2, 0.2, nodes.shape) * spacing_deg
    lines = []
    for i in range(n + 1):
        for j in range(n):
            lines.append(LineString([nodes[i, j], nodes[i, j + 1]]))
            lines.append(LineString([nodes[j, i], nodes[j + 1, i]]))
    kinds = ["rigid_jalan_lingkungan", "paving_block", "asphalt"]
    roads = gpd.GeoDataFrame({
        "name": [f"Jalan {k}" for k in range(len(lines))],
        "width": rng.choice([3.0, 4.0, 5.0, 6.0], len(lines)),
        "template": rng.choice(kinds, len(lines), p=[0.6, 0.2, 0.2]),
    }, geometry=lines, crs="EPSG:4326")
    kec = gpd.read_file(KECAMATAN)
    mids = [Point(g.interpolate(0.5, normalized=True).coords[0])
            for g in roads.geometry]
    inside = np.array([kec.contains(p).any() for p in mids])
    return roads[inside].reset_index(drop=True)


def district_of(roads: Any) -> np.ndarray:
    """The kecamatan holding the midpoint of each road's line."""
    import geopandas as gpd
    from shapely.geometry import Point
    kec = gpd.read_file(KECAMATAN)
    out = np.empty(len(roads), dtype=object)
    for k, g in enumerate(roads.geometry):
        p = Point(g.interpolate(0.5, normalized=True).coords[0])
        hit = kec.index[kec.contains(p)]
        out[k] = kec.loc[hit[0], "district"]
    return out


def estimate_task(part: Any, own: np.ndarray,
                  origin: Tuple[float, float]) -> List[Dict[str, Any]]:
    """One district: estimate its roads and context, keep its own roads."""
    report = geokota.estimate(part, plane_origin=origin)
    own_ids = {str(i) for i in part.index[own]}
    return [r for r in report["roads"] if r["id"] in own_ids]


def estimate_per_district(client: Any, roads: Any) -> Dict[str, Any]:
    """The bill of quantities of `roads`, one Dask task per kecamatan."""
    labels = district_of(roads)
    origin = geokota.plane_origin(roads)
    futures = [client.submit(estimate_task, roads.iloc[t.index], t.own,
                             origin, key=f"estimate-{t.label}")
               for t in geokota.partition_roads(roads, labels)]
    parts = client.gather(futures)
    return geokota.estimate_merge(parts, order=[str(i) for i in roads.index])


# ---- the DEM and its tiles -----------------------------------------------

UTM = "EPSG:32748"


def make_dem(path: str, cols: int = 240, rows: int = 200,
             cell: float = 5.0) -> Tuple[float, float, float]:
    """A synthetic terrain (gentle hills on a slope), Float64 GeoTIFF in
    UTM 48S near Tangerang; returns (x0, y0 of the top-left corner, cell)."""
    from osgeo import gdal, osr
    gdal.UseExceptions()
    x0, y0 = 680000.0, 9315000.0
    xs = x0 + (np.arange(cols) + 0.5) * cell
    ys = y0 - (np.arange(rows) + 0.5) * cell
    X, Y = np.meshgrid(xs - x0, y0 - ys)
    z = 12 + 0.004 * X - 0.003 * Y + 1.5 * np.sin(X / 90) * np.cos(Y / 70)
    ds = gdal.GetDriverByName("GTiff").Create(path, cols, rows, 1,
                                              gdal.GDT_Float64)
    ds.SetGeoTransform((x0, cell, 0, y0, 0, -cell))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(32748)
    ds.SetProjection(srs.ExportToWkt())
    ds.GetRasterBand(1).WriteArray(z)
    ds = None
    return x0, y0, cell


def site_polygon(x0: float, y0: float) -> Any:
    """An irregular site (with a hole) inside the DEM."""
    from shapely.geometry import Polygon
    ang = np.linspace(0, 2 * np.pi, 40, endpoint=False)
    r = 330 + 70 * np.sin(3 * ang) + 30 * np.cos(7 * ang)
    cx, cy = x0 + 600, y0 - 500
    hole = [(cx - 60, cy - 40), (cx + 50, cy - 40), (cx + 50, cy + 60),
            (cx - 60, cy + 60)]
    return Polygon(list(zip(cx + r * np.cos(ang), cy + r * np.sin(ang))),
                   [hole])


def tiles(site: Any, x0: float, y0: float, cell: float,
          size_cells: int = 64) -> List[Any]:
    """The site cut by square tiles whose edges are DEM cell edges."""
    from shapely.geometry import box
    xmin, ymin, xmax, ymax = site.bounds
    i0 = math.floor((xmin - x0) / cell / size_cells)
    i1 = math.ceil((xmax - x0) / cell / size_cells)
    j0 = math.floor((y0 - ymax) / cell / size_cells)
    j1 = math.ceil((y0 - ymin) / cell / size_cells)
    out = []
    step = size_cells * cell
    for i in range(i0, i1):
        for j in range(j0, j1):
            piece = site.intersection(box(x0 + i * step, y0 - (j + 1) * step,
                                          x0 + (i + 1) * step, y0 - j * step))
            if not piece.is_empty and piece.area > 0:
                out.append(piece)
    return out


def volume_task(dem: str, piece: Any, level: float) -> Dict[str, Any]:
    return dict(geokota.volume(dem, piece, level=level, crs=UTM, threads=1))


def volume_per_tile(client: Any, dem: str, site: Any, x0: float, y0: float,
                    cell: float, level: float) -> Dict[str, float]:
    """Cut, fill and covered area summed over one Dask task per tile."""
    futures = [client.submit(volume_task, dem, p, level, key=f"tile-{k}")
               for k, p in enumerate(tiles(site, x0, y0, cell))]
    parts = client.gather(futures)
    keys = ("cut_m3", "fill_m3", "area_m2", "nodata_area_m2")
    return {k: math.fsum(p[k] for p in parts) for k in keys} | {
        "tiles": len(parts)}


def same_materials(a: Dict[str, Any], b: Dict[str, Any]) -> bool:
    return [(m["material"], m["quantity"], m["loads"]) for m in a["materials"]] \
        == [(m["material"], m["quantity"], m["loads"]) for m in b["materials"]]


def main(argv: Sequence[str] = ()) -> int:
    from dask.distributed import Client, LocalCluster
    roads = make_roads()
    print(f"{len(roads)} roads in {len(set(district_of(roads)))} kecamatan")
    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                      dashboard_address=None) as cluster, \
            Client(cluster) as client:
        merged = estimate_per_district(client, roads)
        whole = geokota.estimate(roads)
        print("material            per-district sum      one machine")
        for m, w in zip(merged["materials"], whole["materials"]):
            print(f"{m['material']:<18} {m['quantity']:>16.3f} {m['unit']:<5}"
                  f" {w['quantity']:>16.3f}")
        print("estimate: merged bill == single-machine bill:",
              merged == whole)
        with tempfile.TemporaryDirectory() as tmp:
            dem = os.path.join(tmp, "dem.tif")
            x0, y0, cell = make_dem(dem)
            site = site_polygon(x0, y0)
            summed = volume_per_tile(client, dem, site, x0, y0, cell, 13.0)
            one = geokota.volume(dem, site, level=13.0, crs=UTM)
        for k in ("cut_m3", "fill_m3", "area_m2"):
            print(f"{k:<8} over {summed['tiles']} tiles {summed[k]:.6f}   "
                  f"whole {one[k]:.6f}   relative difference "
                  f"{abs(summed[k] - one[k]) / one[k]:.1e}")
    return 0 if merged == whole else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
