"""Fixtures for the Python package tests: the sample file, the geokota CLI
built by meson (GEOKOTA) and seeded random polygons."""
import json
import os
import subprocess

import numpy as np
import pytest

SOURCE_ROOT = os.environ.get(
    "GK_SOURCE_ROOT",
    os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..")))
GEOKOTA = os.environ.get("GEOKOTA", "geokota")


@pytest.fixture
def sample():
    return os.path.join(SOURCE_ROOT, "data", "samples",
                        "kota_tangerang_kecamatan.geojson")


@pytest.fixture
def cli_json():
    def run(*args):
        p = subprocess.run([GEOKOTA, *map(str, args), "--format", "json"],
                           capture_output=True, text=True, timeout=120)
        assert p.returncode == 0, p.stderr
        return json.loads(p.stdout)
    return run


def random_polygons(n, seed, lon0=106.65, lat0=-6.2, spread=0.1,
                    size=0.003, holes=False):
    """Star-shaped parcels (simple by construction), CCW exteriors, some
    with a CW hole; returns a list of Shapely polygons."""
    from shapely.geometry import Polygon
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        k = int(rng.integers(4, 12))
        ang = np.sort(rng.uniform(0, 2 * np.pi, k))
        rad = size * rng.uniform(0.4, 1.0, k)
        cx = lon0 + rng.uniform(-spread, spread)
        cy = lat0 + rng.uniform(-spread, spread)
        ring = list(zip(cx + rad * np.cos(ang), cy + rad * np.sin(ang)))
        interior = []
        if holes and rng.random() < 0.5:
            r = 0.1 * size
            interior = [[(cx - r, cy - r), (cx - r, cy + r), (cx + r, cy + r),
                         (cx + r, cy - r)]]
        out.append(Polygon(ring, interior))
    return out


@pytest.fixture
def parcels():
    return random_polygons(300, seed=20261, holes=True)
