#!/usr/bin/python3
"""bench/volume_numpy.py - the numpy peer for bench_volume.c.

Whole raster: ReadAsArray (through GDAL's block cache, as users do) then
cut/fill with float64 accumulation. Corridor: read the corridor's bounding
box, mask by cell centres inside the 10 m rotated rectangle, cut/fill; the
error against geokota's exact-coverage volume is printed per 100 m of road.
Called by bench_volume with the geokota timings to print ratios.
"""
import math
import sys
import time

import numpy as np
from osgeo import gdal

gdal.UseExceptions()


def best(fn, reps=5):
    t = []
    out = None
    for _ in range(reps):
        t0 = time.perf_counter()
        out = fn()
        t.append(time.perf_counter() - t0)
    return min(t), out


def main():
    (path, level, t_floor, t1, t2, t_corr, ccut, cfill, ax, ay, ang,
     length) = sys.argv[1:]
    level, t_floor, t1, t2 = map(float, (level, t_floor, t1, t2))
    t_corr, ccut, cfill = float(t_corr), float(ccut), float(cfill)
    ax, ay, ang, length = float(ax), float(ay), float(ang), float(length)

    ds = gdal.Open(path)
    band = ds.GetRasterBand(1)
    n = ds.RasterXSize

    def whole():
        a = band.ReadAsArray().astype(np.float64) - level
        return a[a > 0].sum(), -a[a < 0].sum()

    tw, (cut, fill) = best(whole, 3)
    print(f"\nnumpy (python3-gdal {gdal.__version__}, numpy {np.__version__}):")
    print(f"{'numpy ReadAsArray + float64 cut/fill':44s} {1e3 * tw:9.1f} "
          f"{tw / t_floor:9.2f}")
    print(f"  geokota 1 thread is {tw / t1:.1f}x faster, 2 threads "
          f"{tw / t2:.1f}x; numpy cut {cut:.6e} fill {fill:.6e}")

    # corridor: bbox window, centre-in-rectangle mask (the common approach)
    half = 5.0
    bx, by = ax + length * math.cos(ang), ay + length * math.sin(ang)
    xs = [ax, bx]
    ys = [ay, by]
    x0 = int(math.floor(min(xs) - half))
    x1 = int(math.ceil(max(xs) + half))
    ytop = n - (max(ys) + half)  # rows count down from the top
    ybot = n - (min(ys) - half)
    r0, r1 = int(math.floor(ytop)), int(math.ceil(ybot))

    def corridor():
        a = band.ReadAsArray(x0, r0, x1 - x0, r1 - r0).astype(np.float64)
        cx = x0 + 0.5 + np.arange(x1 - x0)[None, :]
        cy = n - (r0 + 0.5 + np.arange(r1 - r0)[:, None])
        dx, dy = cx - ax, cy - ay
        s = dx * math.cos(ang) + dy * math.sin(ang)
        t = -dx * math.sin(ang) + dy * math.cos(ang)
        m = (s >= 0) & (s <= length) & (np.abs(t) <= half)
        h = a[m] - level
        return h[h > 0].sum(), -h[h < 0].sum(), m.sum()

    tc, (ncut, nfill, ncells) = best(corridor, 5)
    print(f"\ncorridor 10 m x 5 km: numpy centre mask over the bbox "
          f"{1e3 * tc:.1f} ms vs geokota exact {1e3 * t_corr:.2f} ms "
          f"({tc / t_corr:.0f}x)")
    print(f"  numpy cut {ncut:.3f} fill {nfill:.3f} m3 ({ncells} cells, "
          f"area {ncells:.0f} m2 vs exact {2 * half * length:.0f})")
    print(f"  centre rule error vs exact coverage: cut "
          f"{100 * (ncut - ccut) / ccut:+.3f} %, fill "
          f"{100 * (nfill - cfill) / cfill:+.3f} %")

    # per 100 m segment: centre rule area error (volumes follow)
    errs = []
    for k in range(int(length // 100)):
        s0 = k * 100.0
        # exact area of the segment is 100 m x 10 m = 1000 m2
        sx = ax + s0 * math.cos(ang)
        sy = ay + s0 * math.sin(ang)
        wx0 = int(math.floor(sx - 110))
        wr0 = int(math.floor(n - (sy + 110)))
        cx = wx0 + 0.5 + np.arange(220)[None, :]
        cy = n - (wr0 + 0.5 + np.arange(220)[:, None])
        ddx, ddy = cx - ax, cy - ay
        s = ddx * math.cos(ang) + ddy * math.sin(ang)
        t = -ddx * math.sin(ang) + ddy * math.cos(ang)
        m = (s >= s0) & (s < s0 + 100) & (np.abs(t) <= half)
        errs.append(abs(m.sum() - 1000.0) / 1000.0)
    print(f"  centre rule area error per 100 m segment: mean "
          f"{100 * np.mean(errs):.2f} %, max {100 * np.max(errs):.2f} %")


if __name__ == "__main__":
    main()
