"""End-to-end tests of `geokota index`: build, info and queries against
brute force over the feature boxes, and corrupt index files."""
import json
import math
import random

import pytest

from conftest import feature, shared, write_geojson


def boxes_of(path):
    out = {}
    for i, f in enumerate(json.load(open(path))["features"]):
        g = f["geometry"]
        pts = g["coordinates"] if g["type"] == "LineString" else [g["coordinates"]]
        xs = [p[0] for p in pts]
        ys = [p[1] for p in pts]
        out[f.get("id", i)] = (min(xs), min(ys), max(xs), max(ys))
    return out


def box_dist(b, x, y):
    dx = max(b[0] - x, 0, x - b[2])
    dy = max(b[1] - y, 0, y - b[3])
    return math.hypot(dx, dy)


@pytest.fixture
def random_lines(tmp_path):
    rng = random.Random(7)
    feats = []
    for i in range(3000):
        x, y = rng.uniform(0, 1000), rng.uniform(0, 1000)
        feats.append(feature({"type": "LineString", "coordinates": [
            [x, y], [x + rng.uniform(-20, 20), y + rng.uniform(-20, 20)]]},
            i))
    return write_geojson(tmp_path / "lines.geojson", feats,
                         crs="urn:ogc:def:crs:EPSG::32748")


def test_build_info_and_queries_match_brute_force(geokota, tmp_path,
                                                  random_lines):
    idx = tmp_path / "lines.gkidx"
    r = geokota("index", "build", random_lines, "-o", idx)
    assert r.code == 0, r.err
    info = geokota("index", "info", "--format", "json", idx).json()
    assert info["items"] == 3000 and info["mapped"] is True
    boxes = boxes_of(random_lines)
    rng = random.Random(11)
    for _ in range(8):  # each call starts a process (~0.1-0.3 s: GDAL loads)
        x, y = rng.uniform(0, 1000), rng.uniform(0, 1000)
        w = (x, y, x + 60, y + 40)
        got = geokota("index", "query", "--format", "json", "--bbox",
                      ",".join(map(str, w)), idx).json()["ids"]
        want = [i for i, b in boxes.items() if b[0] <= w[2] and b[2] >= w[0]
                and b[1] <= w[3] and b[3] >= w[1]]
        assert sorted(got) == sorted(want)
        near = geokota("index", "query", "--format", "json", "--point",
                       f"{x},{y}", "--k", "5", idx).json()
        order = sorted(boxes, key=lambda i: (box_dist(boxes[i], x, y), i))
        assert near["ids"] == order[:5]
        assert near["distances"] == pytest.approx(
            [box_dist(boxes[i], x, y) for i in order[:5]], abs=1e-9)
        within = geokota("index", "query", "--format", "json", "--within",
                         f"{x},{y},30", idx).json()["ids"]
        assert sorted(within) == sorted(
            i for i, b in boxes.items() if box_dist(b, x, y) <= 30)


def test_corrupt_and_truncated_files(geokota, tmp_path, random_lines):
    idx = tmp_path / "lines.gkidx"
    assert geokota("index", "build", random_lines, "-o", idx).code == 0
    data = idx.read_bytes()
    bad = tmp_path / "corrupt.gkidx"
    flipped = bytearray(data)
    flipped[len(data) // 2] ^= 0xFF
    bad.write_bytes(bytes(flipped))
    r = geokota("index", "info", bad)
    assert r.code == 1 and "corrupt.gkidx" in r.err
    short = tmp_path / "short.gkidx"
    short.write_bytes(data[: len(data) // 3])
    r = geokota("index", "query", "--bbox", "0,0,1,1", short)
    assert r.code == 1 and "short.gkidx" in r.err
    foreign = tmp_path / "foreign.gkidx"
    foreign.write_text("this is not an index")
    assert geokota("index", "info", foreign).code == 1
    assert geokota("index", "query", idx).code == 2
    assert geokota("index", "build", random_lines).code == 2
    assert geokota("index", "--help").out.startswith("usage: geokota index")


def test_real_roads(geokota, tmp_path):
    roads = shared("roads", "jakarta_roads_osm2012.geojson")
    idx = tmp_path / "roads.gkidx"
    assert geokota("index", "build", roads, "-o", idx).code == 0
    info = geokota("index", "info", "--format", "json", idx).json()
    assert info["items"] == 18574
    boxes = boxes_of(roads)
    w = (106.85, -6.25, 106.86, -6.24)
    got = geokota("index", "query", "--format", "json", "--bbox",
                  ",".join(map(str, w)), idx).json()["ids"]
    want = [i for i, b in boxes.items() if b[0] <= w[2] and b[2] >= w[0]
            and b[1] <= w[3] and b[3] >= w[1]]
    assert sorted(got) == sorted(want) and len(got) > 50
