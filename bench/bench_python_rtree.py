#!/usr/bin/python3
"""geokota.RTree / geokota.Index against the rtree package (libspatialindex,
rtree.index.Index) and Shapely's STRtree (GEOS) on the same 1M boxes, in
one run; prints times and ratios (peer / geokota).

    PYTHONPATH=build-rel/bindings/python /usr/bin/python3 \\
        bench/bench_python_rtree.py [N_BOXES]

Data: N boxes (default 1,000,000) like city parcels: lower-left corners
uniform in a 10 km x 10 km square, sides uniform in [0, 20] m; windows
100-200 m wide (a few dozen hits each); query points uniform.
Debian's Shapely is 1.8: its STRtree has no bulk query, so its batch is
query_items() in a Python loop, and it is built from Shapely boxes (their
creation is timed apart). rtree 1.0 has no vectorised query either, so its
batch is intersection() in a loop as users write it.
"""
import sys
import time

import numpy as np

import geokota

N = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
NWIN = 20_000      # windows per batch
NONE = 50_000      # single queries through the Index API
NKNN = 10_000      # nearest queries (k = 5)
rng = np.random.default_rng(20261)
lo = rng.uniform(0, 10_000, (N, 2))
boxes = np.hstack([lo, lo + rng.uniform(0, 20, (N, 2))])
wlo = rng.uniform(0, 10_000, (NWIN, 2))
windows = np.hstack([wlo, wlo + rng.uniform(100, 200, (NWIN, 2))])
points = rng.uniform(0, 10_000, (NKNN, 2))
# single queries: parcel-sized windows (a few hits), as in "what touches
# this parcel"; each result is consumed and dropped, as a loop would
slo = rng.uniform(0, 10_000, (NONE, 2))
small = np.hstack([slo, slo + rng.uniform(5, 30, (NONE, 2))]).tolist()


def timed(fn, repeat=1):
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


rows = []


def row(what, ours, peer, peer_name):
    rows.append((what, ours, peer, peer_name))
    print(f"{what:<42} geokota {ours * 1e3:10.1f} ms   {peer_name:<16} "
          f"{peer * 1e3:10.1f} ms   ratio {peer / ours:7.1f}x", flush=True)


print(f"{N:,} boxes, {NWIN:,} windows, {NONE:,} single queries, "
      f"{NKNN:,} 5-NN queries; geokota {geokota.__version__}")

# ---- build ---------------------------------------------------------------
import rtree.index  # noqa: E402

t_ours, tree = timed(lambda: geokota.RTree(boxes), repeat=3)
stream = lambda: ((i, (b[0], b[1], b[2], b[3]), None)  # noqa: E731
                  for i, b in enumerate(boxes.tolist()))
t_rt, ref = timed(lambda: rtree.index.Index(stream()))
row("build (bulk load)", t_ours, t_rt, "rtree.Index")

from shapely.geometry import box  # noqa: E402
from shapely.strtree import STRtree  # noqa: E402
t_geoms, geoms = timed(lambda: [box(*b) for b in boxes.tolist()])
t_str, strtree = timed(lambda: STRtree(geoms))
row("build (STRtree, boxes made apart)", t_ours, t_str, "shapely STRtree")
print(f"   (making {N:,} Shapely boxes took {t_geoms:.1f} s more)")

# ---- batch window queries -----------------------------------------------
t_ours, (qi, ii) = timed(lambda: tree.query_batch(windows), repeat=3)
wl = windows.tolist()


def rtree_batch():
    return [list(ref.intersection(w)) for w in wl]


t_rt, ref_hits = timed(rtree_batch)
assert sum(map(len, ref_hits)) == len(ii)
row(f"batch window query ({len(ii):,} hits)", t_ours, t_rt, "rtree.Index")
wg = [box(*w) for w in wl]


def str_batch():
    return [strtree.query_items(g) for g in wg]


t_str, str_hits = timed(str_batch)
assert sum(map(len, str_hits)) == len(ii)
row("batch window query", t_ours, t_str, "shapely STRtree")

# ---- single queries through the rtree-compatible API ---------------------
idx = geokota.Index(stream())


def consume(query):
    return sum(len(list(query(w))) for w in small)


t_ours, a = timed(lambda: consume(idx.intersection), repeat=3)
t_rt, b = timed(lambda: consume(ref.intersection), repeat=3)
assert a == b
row(f"Index.intersection, 1 call/window ({a / NONE:.1f} hits)", t_ours,
    t_rt, "rtree.Index")
t_ours, _ = timed(lambda: sum(len(tree.query(w)) for w in small), repeat=3)
row("RTree.query (numpy), 1 call/window", t_ours, t_rt, "rtree.Index")
t_ours, _ = timed(lambda: [len(list(idx.intersection(w))) for w in wl],
                  repeat=1)
t_rt, _ = timed(lambda: [len(list(ref.intersection(w))) for w in wl])
row("Index.intersection, big windows (251 hits)", t_ours, t_rt,
    "rtree.Index")

# ---- nearest ---------------------------------------------------------------
t_ours, _ = timed(lambda: tree.nearest(points, k=5), repeat=3)
pl = points.tolist()
t_rt, _ = timed(lambda: [list(ref.nearest(p, 5)) for p in pl])
row("5 nearest, batch", t_ours, t_rt, "rtree.Index")
t_ours, _ = timed(lambda: [list(idx.nearest(p, 5)) for p in pl], repeat=3)
row("Index.nearest(p, 5), one call per point", t_ours, t_rt, "rtree.Index")

# ---- the floor -------------------------------------------------------------
per_hit = timed(lambda: tree.query_batch(windows), repeat=3)[0] / len(ii)
print(f"\ngeokota batch query: {per_hit * 1e9:.1f} ns per hit "
      f"({len(ii) / NWIN:.0f} hits per window)")
print(f"geokota build: {rows[0][1] / N * 1e9:.0f} ns per box")
