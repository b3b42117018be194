"""Shared fixtures for the end-to-end CLI tests: the geokota binary built by
meson (GEOKOTA), the source tree and the shared real data."""
import json
import os
import subprocess

import pytest

GEOKOTA = os.environ.get("GEOKOTA", "geokota")
SOURCE_ROOT = os.environ.get("GK_SOURCE_ROOT", os.getcwd())
SHARED_DATA = os.environ.get("GK_SHARED_DATA", "")


class Result:
    def __init__(self, proc):
        self.code = proc.returncode
        self.out = proc.stdout
        self.err = proc.stderr

    def json(self):
        return json.loads(self.out)


def run(*args, cwd=None):
    proc = subprocess.run([GEOKOTA, *map(str, args)], capture_output=True,
                          text=True, cwd=cwd, timeout=120)
    return Result(proc)


@pytest.fixture
def geokota():
    return run


@pytest.fixture
def sample():
    return os.path.join(SOURCE_ROOT, "data", "samples",
                        "kota_tangerang_kecamatan.geojson")


def shared(*parts):
    path = os.path.join(SHARED_DATA, *parts)
    if not os.path.exists(path):
        pytest.skip(f"shared data not present: {path}")
    return path


def write_geojson(path, features, crs=None):
    fc = {"type": "FeatureCollection", "features": features}
    if crs:
        fc["crs"] = {"type": "name", "properties": {"name": crs}}
    with open(path, "w") as f:
        json.dump(fc, f)
    return str(path)


def feature(geometry, fid=None, **props):
    f = {"type": "Feature", "properties": props, "geometry": geometry}
    if fid is not None:
        f["id"] = fid
    return f
