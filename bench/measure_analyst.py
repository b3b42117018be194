#!/usr/bin/python3
"""The analyst's usual area path, timed on the rings bench_measure.c wrote:
pyproj Transformer lon/lat -> UTM zone of each ring, then shapely area.
Prints ns per vertex (the whole path: transform + polygon + area)."""
import sys
import time

import numpy as np
from shapely.geometry import Polygon
from pyproj import Transformer

with open(sys.argv[1], "rb") as f:
    n = int(np.fromfile(f, dtype=np.int64, count=1)[0])
    off = np.fromfile(f, dtype=np.int64, count=n + 1)
    ll = np.fromfile(f, dtype=np.float64, count=2 * int(off[-1])).reshape(-1, 2)

zones = {}


def transformer(lon, lat):
    zone = int((lon + 180) // 6) % 60 + 1
    epsg = (32600 if lat >= 0 else 32700) + zone
    if epsg not in zones:
        zones[epsg] = Transformer.from_crs(4326, epsg, always_xy=True)
    return zones[epsg]


best = 1e30
for rep in range(3):
    t0 = time.perf_counter()
    total = 0.0
    for i in range(n):
        ring = ll[off[i]:off[i + 1]]
        x, y = transformer(ring[0, 0], ring[0, 1]).transform(ring[:, 0], ring[:, 1])
        total += Polygon(np.column_stack([x, y])).area
    best = min(best, time.perf_counter() - t0)
print(best / int(off[-1]) * 1e9)
