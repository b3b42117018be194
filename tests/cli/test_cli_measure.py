"""End-to-end tests of `geokota measure` and `geokota info`: numbers against
pyproj's Karney geodesics, every output format, and every bad input with its
exit code and message."""
import csv
import io
import json
import math
import subprocess

import pytest
from pyproj import Geod, Proj

from conftest import feature, shared, write_geojson

WGS84 = Geod(ellps="WGS84")
COMMANDS = ["info", "measure"]


def karney_polygon(rings):
    """Area and perimeter of a polygon (exterior + holes) by pyproj."""
    area = perim = 0.0
    for k, ring in enumerate(rings):
        lons, lats = zip(*ring)
        a, p = WGS84.polygon_area_perimeter(lons, lats)
        area += abs(a) if k == 0 else -abs(a)
        perim += p
    return area, perim


def test_help_on_every_level(geokota):
    r = geokota("--help")
    assert r.code == 0 and "usage: geokota COMMAND" in r.out
    for cmd in COMMANDS:
        assert cmd in r.out
        sub = geokota(cmd, "--help")
        assert sub.code == 0, cmd
        assert sub.out.startswith(f"usage: geokota {cmd}"), cmd
        assert geokota("help", cmd).out == sub.out


def test_version(geokota):
    r = geokota("--version")
    assert r.code == 0
    assert r.out.startswith("geokota 0.")
    assert "PROJ" in r.out and "GEOS" in r.out and "GDAL" in r.out


def test_usage_errors_exit_2(geokota, sample):
    assert geokota().code == 2
    assert geokota("frobnicate").code == 2
    r = geokota("measure", "--format", "xml", sample)
    assert r.code == 2 and "unknown format 'xml'" in r.err
    assert geokota("measure").code == 2
    assert geokota("measure", "--bogus", sample).code == 2
    assert geokota("measure", "--method", "flat", sample).code == 2


def test_sample_matches_karney(geokota, sample):
    r = geokota("measure", "--format", "json", "--id-field", "district", sample)
    assert r.code == 0, r.err
    doc = r.json()
    assert doc["crs"] == "EPSG:4326" and doc["method"] == "geodesic"
    src = json.load(open(sample))
    assert len(doc["features"]) == 13 == doc["total"]["count"]
    total = 0.0
    for f, out in zip(src["features"], doc["features"]):
        assert out["id"] == f["properties"]["district"]
        area, perim = karney_polygon(f["geometry"]["coordinates"])
        assert out["area_m2"] == pytest.approx(area, rel=1e-9, abs=5e-4)
        assert out["perimeter_m"] == pytest.approx(perim, rel=1e-9)
        assert out["length_m"] == 0
        total += area
    assert doc["total"]["area_m2"] == pytest.approx(total, rel=1e-9)
    # SOURCES.md: about 181.5 km2 geodesic for the whole city.
    assert 181.4e6 < doc["total"]["area_m2"] < 181.6e6


def test_formats_and_atomic_output(geokota, sample, tmp_path):
    out = tmp_path / "m.csv"
    r = geokota("measure", "--format", "csv", "-o", out, sample)
    assert r.code == 0 and r.out == ""
    rows = list(csv.DictReader(open(out)))
    assert [k for k in rows[0]] == ["id", "area_m2", "perimeter_m", "length_m"]
    assert rows[-1]["id"] == "total" and len(rows) == 14
    j = geokota("measure", "--format", "json", sample).json()
    # CSV keeps every digit: the same doubles as JSON.
    assert float(rows[0]["area_m2"]) == j["features"][0]["area_m2"]
    assert not list(tmp_path.glob("*.tmp*")), "no temporary file left"
    table = geokota("measure", sample)
    assert "total" in table.out and "geodesic" in table.out
    # An unwritable -o fails with exit 1 and leaves nothing.
    bad = geokota("measure", "-o", tmp_path / "nodir" / "x.csv", sample)
    assert bad.code == 1 and "cannot create" in bad.err


@pytest.mark.parametrize("driver,ext", [("GPKG", "gpkg"),
                                        ("ESRI Shapefile", "shp"),
                                        ("CSV", "csv")])
def test_other_formats_read_the_same(geokota, sample, tmp_path, driver, ext):
    out = tmp_path / f"kec.{ext}"
    opts = ["-lco", "GEOMETRY=AS_WKT"] if driver == "CSV" else []
    subprocess.run(["ogr2ogr", "-f", driver, str(out), sample, *opts],
                   check=True, capture_output=True)
    args = ["--crs", "EPSG:4326"] if driver == "CSV" else []
    got = geokota("measure", "--format", "json", *args, out).json()
    want = geokota("measure", "--format", "json", sample).json()
    assert got["total"]["count"] == 13
    # ogr2ogr's CSV writer rounds WKT coordinates to 15 significant digits
    # (~1e-9 degrees), which moves areas by ~1e-12 relative.
    rel = 1e-10 if driver == "CSV" else 1e-14
    for a, b in zip(got["features"], want["features"]):
        assert a["area_m2"] == pytest.approx(b["area_m2"], rel=rel)


def test_where_filter(geokota, sample):
    r = geokota("measure", "--format", "json", "--where",
                "district = 'Benda'", sample)
    assert r.code == 0, r.err
    doc = r.json()
    assert doc["total"]["count"] == 1
    assert doc["total"]["area_m2"] == pytest.approx(28.31e6, rel=1e-3)


def test_lines_and_points(geokota, tmp_path):
    line = [[106.60, -6.20], [106.61, -6.21], [106.63, -6.205]]
    path = write_geojson(tmp_path / "l.geojson", [
        feature({"type": "LineString", "coordinates": line}, 1),
        feature({"type": "MultiLineString",
                 "coordinates": [line, line[::-1]]}, 2),
        feature({"type": "Point", "coordinates": [106.6, -6.2]}, 3),
    ])
    doc = geokota("measure", "--format", "json", path).json()
    lons, lats = zip(*line)
    want = WGS84.line_length(lons, lats)
    f = doc["features"]
    assert f[0]["length_m"] == pytest.approx(want, rel=1e-9)
    assert f[1]["length_m"] == pytest.approx(2 * want, rel=1e-9)
    assert f[2] == {"id": 3, "area_m2": 0, "perimeter_m": 0, "length_m": 0}
    assert f[0]["area_m2"] == 0 and f[0]["perimeter_m"] == 0


def test_polygon_with_hole(geokota, tmp_path):
    outer = [[106.6, -6.2], [106.61, -6.2], [106.61, -6.19], [106.6, -6.19],
             [106.6, -6.2]]
    hole = [[106.602, -6.198], [106.602, -6.195], [106.605, -6.195],
            [106.602, -6.198]]
    path = write_geojson(tmp_path / "h.geojson", [
        feature({"type": "Polygon", "coordinates": [outer, hole]}, 5)])
    doc = geokota("measure", "--format", "json", path).json()
    area, perim = karney_polygon([outer, hole])
    assert doc["features"][0]["area_m2"] == pytest.approx(area, rel=1e-9)
    assert doc["features"][0]["perimeter_m"] == pytest.approx(perim, rel=1e-9)


def test_projected_input(geokota, tmp_path):
    # 100 m x 3 m in UTM 48S near Tangerang: planar area exactly 300 m2.
    x0, y0 = 680000.0, 9313000.0
    rect = [[x0, y0], [x0 + 100, y0], [x0 + 100, y0 + 3], [x0, y0 + 3],
            [x0, y0]]
    path = write_geojson(tmp_path / "utm.geojson", [
        feature({"type": "Polygon", "coordinates": [rect]}, 1)],
        crs="urn:ogc:def:crs:EPSG::32748")
    r = geokota("measure", "--format", "json", path)
    doc = r.json()
    assert doc["crs"] == "EPSG:32748" and doc["method"] == "planar"
    assert doc["features"][0]["area_m2"] == 300
    assert doc["features"][0]["perimeter_m"] == 206
    g = geokota("measure", "--ground", "--format", "json", path)
    assert g.code == 0 and "not equal-area" in g.err
    geo = geokota("measure", "--method", "geodesic", "--format", "json", path)
    ground = geo.json()["features"][0]["area_m2"]
    # Ground area = planar area / areal scale of the projection there.
    lon, lat = Proj("EPSG:32748")(x0 + 50, y0 + 1.5, inverse=True)
    scale = Proj("EPSG:32748").get_factors(lon, lat).areal_scale
    assert ground == pytest.approx(300 / scale, rel=1e-9)
    assert abs(ground - 300) > 1e-4, "the scale correction is visible"


def test_missing_crs(geokota, tmp_path):
    rect = [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]]
    utm = [[680000, 9313000], [680010, 9313000], [680010, 9313010],
           [680000, 9313010], [680000, 9313000]]
    # GeoJSON implies CRS84; a CSV with WKT has no CRS at all.
    path = tmp_path / "nocrs.csv"
    path.write_text("WKT,id\n\"POLYGON ((680000 9313000, 680010 9313000, "
                    "680010 9313010, 680000 9313010, 680000 9313000))\",1\n")
    r = geokota("measure", path)
    assert r.code == 1
    assert "no CRS, and coordinates such as 680000, 9313000 are not " \
           "longitude/latitude" in r.err and "--crs" in r.err
    ok = geokota("measure", "--crs", "EPSG:32748", "--format", "json", path)
    assert ok.code == 0 and ok.json()["features"][0]["area_m2"] == 100
    del rect, utm
    bad = geokota("measure", "--crs", "EPSG:999999", path)
    assert bad.code == 1 and "unknown CRS \"EPSG:999999\"" in bad.err


@pytest.mark.parametrize("name,geometry,message", [
    ("unclosed", {"type": "Polygon",
                  "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]},
     "feature 17: ring 0 not closed"),
    ("bowtie", {"type": "Polygon",
                "coordinates": [[[0, 0], [2, 2], [2, 0], [0, 2], [0, 0]]]},
     "feature 17: invalid polygon: Self-intersection"),
    ("empty", None, "feature 17: empty or missing geometry"),
    ("short", {"type": "LineString", "coordinates": [[0, 0]]},
     "feature 17: line 0 has 1 point"),
])
def test_bad_geometry(geokota, tmp_path, name, geometry, message):
    path = write_geojson(tmp_path / f"{name}.geojson",
                         [feature(geometry, 17)])
    r = geokota("measure", path)
    assert r.code == 1
    assert f"{name}.geojson" in r.err and message in r.err
    assert r.out == ""


def test_nan_coordinate(geokota, tmp_path):
    # GDAL's GeoJSON reader accepts the NaN token that JSON itself forbids.
    path = tmp_path / "nan.geojson"
    path.write_text('{"type":"FeatureCollection","features":[{"type":'
                    '"Feature","id":4,"properties":{},"geometry":{"type":'
                    '"LineString","coordinates":[[0,0],[NaN,1]]}}]}')
    r = geokota("measure", path)
    assert r.code == 1
    assert ("nan.geojson (layer nan): feature 4: line 0, vertex 1: "
            "coordinate is not a finite number (nan, 1)") in r.err


def test_skip_invalid(geokota, tmp_path):
    good = [[0, 0], [0.001, 0], [0.001, 0.001], [0, 0.001], [0, 0]]
    path = write_geojson(tmp_path / "mix.geojson", [
        feature({"type": "Polygon", "coordinates": [good]}, 1),
        feature({"type": "Polygon",
                 "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]}, 2),
    ])
    r = geokota("measure", "--skip-invalid", "--format", "json", path)
    assert r.code == 0
    assert "skipped 1 invalid feature" in r.err and "feature 2: ring 0" in r.err
    doc = r.json()
    assert doc["total"]["count"] == 1
    assert doc["features"][1]["area_m2"] is None
    area, _ = karney_polygon([good])
    assert doc["total"]["area_m2"] == pytest.approx(area, rel=1e-9)


def test_bad_files(geokota, tmp_path):
    r = geokota("measure", tmp_path / "nope.geojson")
    assert r.code == 1 and "nope.geojson: no such file" in r.err
    broken = tmp_path / "broken.geojson"
    broken.write_text('{"type": "FeatureCollection", "features": [')
    r = geokota("measure", broken)
    assert r.code == 1 and "broken.geojson: not a readable vector file" in r.err
    r = geokota("info", broken)
    assert r.code == 1


def test_info(geokota, sample):
    r = geokota("info", "--format", "json", sample)
    assert r.code == 0, r.err
    doc = r.json()
    layer = doc["layers"][0]
    assert doc["driver"] == "GeoJSON"
    assert layer["feature_count"] == 13 and layer["geometry_type"] == "Polygon"
    assert layer["crs"] == "EPSG:4326"
    assert layer["extent"][0] == pytest.approx(106.551456)
    assert {"name": "district", "type": "String"} in layer["fields"]


def test_real_roads_lengths(geokota):
    roads = shared("roads", "jakarta_roads_osm2012.geojson")
    doc = geokota("measure", "--format", "json", roads).json()
    src = json.load(open(roads))
    assert doc["total"]["count"] == 18574
    want = 0.0
    for f, out in zip(src["features"], doc["features"]):
        lons, lats = zip(*f["geometry"]["coordinates"])
        length = WGS84.line_length(lons, lats)
        want += length
        assert out["length_m"] == pytest.approx(length, rel=1e-9, abs=1e-9)
    # SOURCES.md: about 5,691 km.
    assert doc["total"]["length_m"] == pytest.approx(want, rel=1e-9)
    assert math.isclose(want, 5691e3, rel_tol=1e-3)
