"""End-to-end tests of `geokota estimate` and `geokota templates`: ROADS.md's
worked examples (5a-5d) through the whole pipeline (file -> corridors ->
bill of quantities), real OSM data, and every bad input with its message."""
import csv
import io
import json
import math
import os

import pytest
from pyproj import Geod

from conftest import SOURCE_ROOT, feature, shared, write_geojson

# A transverse Mercator with scale 1 at its origin near Tangerang: lengths
# and areas in it are ground metres (to x^2/6R^2 ~ 1e-10 within 250 m of the
# origin), so the worked examples' numbers can be checked exactly. The
# corridors add their own documented (L/R)^2/12 (5e-10 for 500 m): hence
# RTOL, which is still grams on hundreds of tonnes.
RTOL = 1e-8
LOCAL = ("+proj=tmerc +lat_0=-6.2 +lon_0=106.63 +k=1 +x_0=0 +y_0=0 "
         "+ellps=WGS84 +units=m +no_defs +type=crs")
EXAMPLE = os.path.join(SOURCE_ROOT, "examples", "jalan_lingkungan_tebet.geojson")
WIDTHS = os.path.join(SOURCE_ROOT, "data", "osm_widths.csv")


def line(*pts):
    return {"type": "LineString", "coordinates": [list(p) for p in pts]}


def local_roads(tmp_path, features, name="roads.csv"):
    """Roads in the local metric CRS, as CSV with WKT (given --crs)."""
    path = tmp_path / name
    keys = sorted({k for f in features for k in f["properties"]})
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["WKT", *keys])
        for ft in features:
            coords = ", ".join(f"{x} {y}" for x, y in
                               ft["geometry"]["coordinates"])
            w.writerow([f"LINESTRING ({coords})",
                        *[ft["properties"].get(k, "") for k in keys]])
    return path


def estimate(geokota, path, *args):
    r = geokota("estimate", "--format", "json", "--crs", LOCAL, *args, path)
    assert r.code == 0, r.err
    return r.json()


def material(doc, mid):
    for m in doc["materials"]:
        if m["material"] == mid:
            return m
    raise KeyError(mid)


def layer(doc, name):
    for lay in doc["layers"]:
        if lay["name"] == name:
            return lay
    raise KeyError(name)


def test_example_a_rigid(geokota, tmp_path):
    path = local_roads(tmp_path, [feature(line((-50, 0), (50, 0)), width=3)])
    doc = estimate(geokota, path, "--no-waste")
    assert doc["length_m"] == pytest.approx(100, rel=RTOL)
    assert doc["area_m2"] == pytest.approx(300, rel=RTOL)
    slab = layer(doc, "slab")
    assert slab["volume_m3"] == pytest.approx(45.0, rel=RTOL)
    lean = layer(doc, "lean_concrete")
    assert lean["volume_m3"] == pytest.approx(15.0, rel=RTOL)
    assert layer(doc, "sand_cushion")["volume_m3"] == pytest.approx(30.0,
                                                                    rel=RTOL)
    cement = material(doc, "cement")
    # 45 x 384 + 15 x 276 = 21,420 kg = 428.4 -> 429 bags, rounded once.
    assert cement["net"] == pytest.approx(21420, rel=RTOL)
    assert cement["order_measures"]["bag50"] == 429
    assert material(doc, "water")["net"] == pytest.approx(9675 + 3225,
                                                          rel=RTOL)


def test_example_b_paving(geokota, tmp_path):
    path = local_roads(tmp_path, [feature(line((-125, 0), (125, 0)), width=4)])
    net = estimate(geokota, path, "--template", "paving_block", "--no-waste")
    assert net["area_m2"] == pytest.approx(1000, rel=RTOL)
    blocks = [m for m in net["materials"] if m["unit"] == "pcs"]
    by_id = {m["material"]: m for m in blocks}
    block = next(m for k, m in by_id.items() if "block" in k)
    curb = next(m for k, m in by_id.items() if "curb" in k)
    assert block["net"] == pytest.approx(44000, rel=RTOL)
    assert curb["net"] == pytest.approx(1250, rel=RTOL)
    waste = estimate(geokota, path, "--template", "paving_block")
    block_w = next(m for m in waste["materials"]
                   if m["material"] == block["material"])
    assert block_w["quantity"] == 46200  # 5 % waste, whole pieces


def test_example_c_asphalt(geokota, tmp_path):
    path = local_roads(tmp_path, [feature(line((-250, 0), (250, 0)), width=6)])
    doc = estimate(geokota, path, "--template", "asphalt", "--no-waste")
    masses = {lay["name"]: lay for lay in doc["layers"]}
    wc = next(v for k, v in masses.items() if "wc" in k.lower())
    bc = next(v for k, v in masses.items() if "bc" in k.lower())
    assert wc["mass_t"] == pytest.approx(278.4, rel=RTOL)
    assert bc["mass_t"] == pytest.approx(417.6, rel=RTOL)
    base = [v for v in doc["layers"] if v["width_m"] == 7]
    assert len(base) == 2, "base layers are 0.5 m wider on each side"
    assert sorted(v["area_m2"] for v in base) == pytest.approx([3500, 3500],
                                                               rel=RTOL)
    assert sorted(v["mass_t"] for v in base) == pytest.approx([1155, 1470],
                                                              rel=RTOL)


def test_example_d_junctions(geokota, tmp_path):
    cross = local_roads(tmp_path, [
        feature(line((-50, 0), (50, 0)), width=4, name="A"),
        feature(line((0, -50), (0, 50)), width=4, name="B")], "cross.csv")
    doc = estimate(geokota, cross)
    assert doc["area_m2"] == pytest.approx(784, rel=RTOL)
    roads = doc["roads"]
    assert [r["area_m2"] for r in roads] == pytest.approx([400, 384], rel=RTOL)
    assert sum(r["area_m2"] for r in roads) == pytest.approx(doc["area_m2"],
                                                             rel=1e-12)
    tee = local_roads(tmp_path, [
        feature(line((-50, 0), (50, 0)), width=4),
        feature(line((0, 0), (0, 50)), width=4)], "tee.csv")
    assert estimate(geokota, tee)["area_m2"] == pytest.approx(592, rel=RTOL)


def test_split_road_changes_nothing(geokota, tmp_path):
    whole = local_roads(tmp_path, [feature(line((0, 0), (80, 30)),
                                           width=3.5)], "whole.csv")
    split = local_roads(tmp_path, [
        feature(line((0, 0), (32, 12)), width=3.5),
        feature(line((32, 12), (80, 30)), width=3.5)], "split.csv")
    a = estimate(geokota, whole, "--no-waste")
    b = estimate(geokota, split, "--no-waste")
    assert b["area_m2"] == pytest.approx(a["area_m2"], rel=RTOL)
    assert material(b, "cement")["net"] == pytest.approx(
        material(a, "cement")["net"], rel=RTOL)


def test_sample_lonlat_lengths_match_karney(geokota):
    r = geokota("estimate", "--format", "json", EXAMPLE)
    assert r.code == 0, r.err
    doc = r.json()
    src = json.load(open(EXAMPLE))
    geod = Geod(ellps="WGS84")
    total = 0.0
    for f, road in zip(src["features"], doc["roads"]):
        lons, lats = zip(*f["geometry"]["coordinates"])
        length = geod.line_length(lons, lats)
        total += length
        assert road["length_m"] == pytest.approx(length, rel=RTOL)
    assert doc["length_m"] == pytest.approx(total, rel=RTOL)
    # Junctions count once: the union is smaller than length x width.
    assert doc["area_m2"] < 3 * total
    assert doc["area_m2"] == pytest.approx(
        sum(r["area_m2"] for r in doc["roads"]), rel=1e-12)


def test_width_table_and_corridors(geokota, tmp_path):
    out = tmp_path / "corridors.geojson"
    r = geokota("estimate", "--format", "json", "--width-table", WIDTHS,
                "--corridors", out, EXAMPLE)
    assert r.code == 0, r.err
    doc = r.json()
    assert all(road["width_m"] == 4.0 for road in doc["roads"]), \
        "residential roads are 4 m by data/osm_widths.csv"
    corr = json.load(open(out))
    geod = Geod(ellps="WGS84")
    for f, road in zip(corr["features"], doc["roads"]):
        area = 0.0
        for poly in f["geometry"]["coordinates"]:
            for k, ring in enumerate(poly):
                lons, lats = zip(*ring)
                a = abs(geod.polygon_area_perimeter(lons, lats)[0])
                area += a if k == 0 else -a
        # Karney's floor is ~2e-4 m2 per polygon.
        assert area == pytest.approx(road["area_m2"], rel=RTOL, abs=1e-3)


def test_languages_and_formats(geokota, tmp_path):
    path = local_roads(tmp_path, [feature(line((-50, 0), (50, 0)), width=3)])
    base = ["estimate", "--crs", LOCAL]
    ind = geokota(*base, "--lang", "id", path)
    assert ind.code == 0 and "Semen" in ind.out
    en = geokota(*base, path)
    assert "Cement" in en.out
    md = geokota(*base, "--format", "markdown", path)
    assert md.code == 0 and "|" in md.out
    c = geokota(*base, "--format", "csv", path)
    assert c.code == 0 and list(csv.reader(io.StringIO(c.out)))
    j = geokota(*base, "--format", "json", "--lang", "id", path).json()
    assert "materials" in j, "JSON keys stay English in every language"
    out = tmp_path / "boq.json"
    assert geokota(*base, "--format", "json", "-o", out, path).code == 0
    assert json.load(open(out))["area_m2"] == pytest.approx(300, rel=RTOL)


def test_prices(geokota, tmp_path):
    path = local_roads(tmp_path, [feature(line((-50, 0), (50, 0)), width=3)])
    prices = tmp_path / "prices.csv"
    prices.write_text("material,unit,price_idr\ncement,bag50,65000\n")
    doc = estimate(geokota, path, "--prices", prices, "--no-waste")
    cement = material(doc, "cement")
    assert cement["cost_idr"] == 429 * 65000
    assert doc["cost_idr"] == 429 * 65000
    missing = doc.get("missing_prices", [])
    assert "concrete_sand" in missing and "cement" not in missing
    bad = tmp_path / "bad.csv"
    bad.write_text("material,unit,price_idr\ncement,bag50,lots\n")
    r = geokota("estimate", "--crs", LOCAL, "--prices", bad, path)
    assert r.code == 1 and "bad.csv" in r.err and "line 2" in r.err


@pytest.mark.parametrize("props,message", [
    ({"width": -3}, "feature 0: width is negative (-3)"),
    ({"width": 0}, "feature 0: width is zero (0)"),
    ({"template": "no_such_template"}, "feature 0: template:"),
])
def test_bad_attributes(geokota, tmp_path, props, message):
    path = write_geojson(tmp_path / "bad.geojson", [
        feature(line((106.6, -6.2), (106.601, -6.2)), 0, **props)])
    r = geokota("estimate", path)
    assert r.code == 1, r.out
    assert "bad.geojson" in r.err and message in r.err


def test_nan_width(geokota, tmp_path):
    path = tmp_path / "nan.geojson"
    path.write_text('{"type":"FeatureCollection","features":[{"type":'
                    '"Feature","id":5,"properties":{"width":NaN},"geometry":'
                    '{"type":"LineString","coordinates":[[106.6,-6.2],'
                    '[106.601,-6.2]]}}]}')
    r = geokota("estimate", path)
    assert r.code == 1 and "feature 5: width is not a number" in r.err


def test_bad_geometry_and_skip_invalid(geokota, tmp_path):
    good = feature(line((106.6, -6.2), (106.601, -6.2)), 1, width=3)
    poly = feature({"type": "Polygon", "coordinates": [[
        [106.6, -6.2], [106.601, -6.2], [106.601, -6.201], [106.6, -6.2]]]}, 2)
    short = feature({"type": "LineString", "coordinates": [[106.6, -6.2]]}, 3)
    path = write_geojson(tmp_path / "mixed.geojson", [good, poly, short])
    r = geokota("estimate", path)
    assert r.code == 1
    assert "feature 2: a polygon given where a road centerline" in r.err
    s = geokota("estimate", "--skip-invalid", "--format", "json", path)
    assert s.code == 0, s.err
    doc = s.json()
    assert len(doc["roads"]) == 1
    warnings = " ".join(doc["warnings"])
    assert "feature 2" in warnings and "feature 3" in warnings
    assert "feature 3" in s.err


def test_missing_crs_and_files(geokota, tmp_path):
    path = tmp_path / "nocrs.csv"
    path.write_text('WKT,width\n"LINESTRING (680000 9313000, 680100 '
                    '9313000)",3\n')
    r = geokota("estimate", path)
    assert r.code == 1 and "--crs" in r.err
    assert geokota("estimate", tmp_path / "none.geojson").code == 1
    r = geokota("estimate", "--template", "nope", EXAMPLE)
    assert r.code == 1 and "nope" in r.err
    r = geokota("estimate", "--width-field", "breite", EXAMPLE)
    assert r.code == 1 and "no attribute named \"breite\"" in r.err
    assert geokota("estimate", "--width", "-2", EXAMPLE).code == 2
    assert geokota("estimate", "--lang", "fr", EXAMPLE).code == 2


def test_templates_command(geokota):
    r = geokota("templates", "--format", "json")
    assert r.code == 0, r.err
    names = [t["name"] for t in r.json()["templates"]]
    for want in ("rigid_jalan_lingkungan", "paving_block", "asphalt",
                 "gravel_telford"):
        assert want in names
    show = geokota("templates", "show", "asphalt")
    assert show.code == 0 and "AC-WC" in show.out
    assert geokota("templates", "show", "nope").code == 1
    assert geokota("templates", "--help").out.startswith("usage:")
    assert geokota("estimate", "--help").out.startswith("usage:")


def test_real_jakarta_network(geokota):
    roads = shared("roads", "jakarta_roads_osm2012.geojson")
    r = geokota("estimate", "--format", "json", "--width-table", WIDTHS,
                "--quiet", roads)
    assert r.code == 0, r.err
    doc = r.json()
    assert len(doc["roads"]) == 18574
    assert math.isclose(doc["length_m"], 5691e3, rel_tol=1e-3)
    # Every road has a positive share unless fully covered by earlier ones,
    # and the shares sum to the union.
    assert doc["area_m2"] == pytest.approx(
        sum(r["area_m2"] for r in doc["roads"]), rel=1e-12)
    assert 0.5 * 4 * doc["length_m"] < doc["area_m2"] < 8 * doc["length_m"]
