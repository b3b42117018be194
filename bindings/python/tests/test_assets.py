"""geokota.assets: a generated street-light layer imported into a temporary
store; near/within/along/summary/gaps checked against the CLI's JSON on the
same store and against brute force (pyproj geodesics, shapely)."""
import json
import os

import numpy as np
import pytest

import geokota
from geokota import assets

LON0, LAT0 = 106.63, -6.18
N = 150


def write_geojson(path, features):
    with open(path, "w") as f:
        json.dump({"type": "FeatureCollection", "features": features}, f)


def feature(geom, **props):
    return {"type": "Feature", "properties": props, "geometry": geom}


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("assets")
    rng = np.random.default_rng(20261123)
    lon = LON0 + rng.uniform(-0.01, 0.01, N)
    lat = LAT0 + rng.uniform(-0.01, 0.01, N)
    lights = [feature({"type": "Point", "coordinates": [x, y]},
                      lid=f"L{i:03d}", watt=int(rng.integers(40, 120)))
              for i, (x, y) in enumerate(zip(lon, lat))]
    write_geojson(d / "lights.geojson", lights)
    boxes = [(LON0 - 0.008, LAT0 - 0.008, LON0 - 0.001, LAT0 + 0.004),
             (LON0 - 0.002, LAT0 - 0.006, LON0 + 0.007, LAT0 + 0.002)]
    polys = [feature({"type": "Polygon", "coordinates": [[
        [w, s], [e, s], [e, n], [w, n], [w, s]]]}, name=f"area{i}")
        for i, (w, s, e, n) in enumerate(boxes)]
    write_geojson(d / "areas.geojson", polys)
    roads = [feature({"type": "LineString", "coordinates": c}, name=nm)
             for nm, c in [
                 ("Jl. Satu", [[LON0 - 0.009, LAT0], [LON0 + 0.009, LAT0]]),
                 ("Jl. Dua", [[LON0 + 0.002, LAT0 - 0.009],
                              [LON0 + 0.003, LAT0 + 0.001],
                              [LON0 + 0.008, LAT0 + 0.008]])]]
    write_geojson(d / "roads.geojson", roads)
    db = d / "city.sqlite"
    with assets.open(db, create=True) as s:
        rep = s.import_file(d / "lights.geojson", kind="street_light",
                            id_field="lid")
    assert rep["read"] == N and rep["inserted"] == N and rep["rejected"] == 0
    return {"dir": d, "db": str(db), "lon": lon, "lat": lat, "boxes": boxes,
            "lights": str(d / "lights.geojson"),
            "areas": str(d / "areas.geojson"),
            "roads": str(d / "roads.geojson")}


@pytest.fixture
def store(files):
    with assets.open(files["db"], readonly=True) as s:
        yield s


def same_rows(rows, cli, group=None):
    """rows (Python) equal the CLI's JSON rows, field by field."""
    from shapely import wkb
    from shapely.geometry import shape
    got = cli["assets"]
    assert cli["count"] == len(rows) == len(got)
    assert list(rows["id"]) == [a["id"] for a in got]
    assert list(rows["kind"]) == [a["kind"] for a in got]
    if "distance_m" in got[0]:
        assert np.array_equal(rows["distance_m"],
                              [a["distance_m"] for a in got])
    if group:
        assert list(rows["group"]) == [a[group] for a in got]
    assert list(rows["attrs"]) == [a["attrs"] for a in got]
    for g, a in zip(rows["geometry"], got):
        assert wkb.loads(g).equals_exact(shape(a["geometry"]), 0)


def test_import_is_idempotent_and_reports(files, tmp_path):
    db = tmp_path / "again.sqlite"
    with assets.open(db, create=True) as s:
        first = s.import_file(files["lights"], kind="street_light",
                              id_field="lid")
        again = s.import_file(files["lights"], kind="street_light",
                              id_field="lid")
    assert first == {"read": N, "inserted": N, "updated": 0, "unchanged": 0,
                     "rejected": 0, "first_reject": ""}
    assert again["unchanged"] == N and again["inserted"] == 0


def test_near_equals_cli_and_brute_force(files, store, cli_json):
    from pyproj import Geod
    lon, lat = LON0 + 0.0013, LAT0 - 0.0021
    rows = store.near(lon, lat, k=7)
    same_rows(rows, cli_json("assets", "near", files["db"], "--point",
                             f"{lon!r},{lat!r}", "--k", 7))
    _, _, d = Geod(ellps="WGS84").inv(np.full(N, lon), np.full(N, lat),
                                      files["lon"], files["lat"])
    order = np.lexsort(([f"L{i:03d}" for i in range(N)], d))[:7]
    assert list(rows["id"]) == [f"L{i:03d}" for i in order]
    assert np.allclose(rows["distance_m"], d[order], rtol=1e-6, atol=1e-3)
    assert (rows["group"] == -1).all()
    assert rows["attrs"][0]["watt"] >= 40
    # max_distance keeps only those within it
    cut = float(d[order[3]]) + 0.01
    assert len(store.near(lon, lat, k=7, max_distance=cut)) == 4


def test_within_equals_cli_and_shapely(files, store, cli_json):
    from shapely.geometry import Point, box
    rows = store.within(files["areas"])
    same_rows(rows, cli_json("assets", "within", files["db"], "--polygon",
                             files["areas"]), group="area")
    want = [(g, f"L{i:03d}") for g, b in enumerate(files["boxes"])
            for i in range(N)
            if box(*b).contains(Point(files["lon"][i], files["lat"][i]))]
    assert len(want) > 20 and {g for g, _ in want} == {0, 1}
    assert list(zip(rows["group"], rows["id"])) == sorted(want)
    w, s, e, n = files["boxes"][0]
    inbox = store.within((w, s, e, n))
    same_rows(inbox, cli_json("assets", "within", files["db"], "--bbox",
                              f"{w!r},{s!r},{e!r},{n!r}"))
    assert sorted(inbox["id"]) == sorted(i for g, i in want if g == 0)


def test_along_equals_cli_and_brute_force(files, store, cli_json):
    from pyproj import Proj
    from shapely.geometry import LineString, Point
    rows = store.along(files["roads"], 150.0)
    same_rows(rows, cli_json("assets", "along", files["db"], "--road",
                             files["roads"], "--distance", 150), group="road")
    # brute force in a transverse Mercator plane around the city (scale
    # error ~1e-6 over a few km, far below the 1 m band left out below)
    tm = Proj(proj="tmerc", lon_0=LON0, lat_0=LAT0, ellps="WGS84")
    roads = json.load(open(files["roads"]))["features"]
    lines = [LineString([tm(*c) for c in r["geometry"]["coordinates"]])
             for r in roads]
    got = dict(zip(rows["id"], rows["distance_m"]))
    checked = 0
    for i in range(N):
        p = Point(tm(files["lon"][i], files["lat"][i]))
        d = min(line.distance(p) for line in lines)
        if abs(d - 150.0) < 1.0:
            continue
        lid = f"L{i:03d}"
        checked += lid in got
        assert (lid in got) == (d < 150.0), (lid, d)
        if lid in got:
            assert got[lid] == pytest.approx(d, abs=0.05)
    assert checked > 20 and len(rows) < N
    per = store.along(files["roads"], 150.0, per_road=True)
    assert len(per) >= len(rows)


def test_summary_and_gaps_equal_cli(files, store, cli_json):
    s = store.summary(files["areas"], "name")
    cli = cli_json("assets", "summary", files["db"], "--by", files["areas"],
                   "--by-field", "name")
    assert list(s["areas"]) == [a["name"] for a in cli["areas"]]
    assert s["areas"][-1] == "(outside)"
    for i, a in enumerate(cli["areas"]):
        for j, k in enumerate(s["kinds"]):
            assert s["count"][i, j] == a["kinds"][k]["count"]
        assert s.missing()[a["name"]] == a["missing"]
    assert s["count"][:, list(s["kinds"]).index("street_light")].sum() == N
    g = store.gaps(files["roads"], "street_light", 20.0, 50.0)
    cli = cli_json("assets", "gaps", files["db"], "--roads", files["roads"],
                   "--kind", "street_light", "--distance", 20,
                   "--min-length", 50)
    assert len(g) == cli["count"] > 0
    assert list(g["name"]) == [x["name"] for x in cli["gaps"]]
    assert np.array_equal(g["from_m"], [x["from_m"] for x in cli["gaps"]])
    assert np.array_equal(g["length_m"], [x["length_m"] for x in cli["gaps"]])
    assert (g["length_m"] > 50).all()


def test_bad_input_raises(files, tmp_path):
    with pytest.raises(geokota.FileError):
        assets.open(tmp_path / "absent.sqlite")
    db = tmp_path / "bad.sqlite"
    with assets.open(db, create=True) as s:
        with pytest.raises(geokota.FileError):
            s.import_file(tmp_path / "absent.geojson", kind="street_light")
        rejects = tmp_path / "rejects.geojson"
        rep = s.import_file(files["lights"], kind="unicorn", id_field="lid",
                            rejects=rejects)
        assert rep["rejected"] == N and rep["inserted"] == 0
        assert "unicorn" in rep["first_reject"]
        rej = json.load(open(rejects))["features"]
        assert len(rej) == N
        assert all("unicorn" in f["properties"]["reject_reason"] for f in rej)
        with pytest.raises(geokota.InputError, match="unicorn"):
            s.import_file(files["lights"], kind="unicorn", id_field="lid",
                          strict=True)
        with pytest.raises(geokota.InputError):
            s.import_file(files["lights"], kind="street_light",
                          id_field="no_such_field")
        with pytest.raises(geokota.InputError):
            s.near(LON0, LAT0, kind="unicorn")
        assert len(s.near(LON0, LAT0)) == 0
    with pytest.raises(ValueError, match="closed"):
        s.near(LON0, LAT0)


def test_dataframes(files, store):
    pd = pytest.importorskip("pandas")
    rows = store.near(LON0, LAT0, k=3)
    df = rows.to_dataframe()
    assert list(df["id"]) == list(rows["id"]) and len(df) == 3
    assert isinstance(df, pd.DataFrame)
    try:
        import geopandas
    except ImportError:
        geopandas = None
    if geopandas is not None:
        assert isinstance(df, geopandas.GeoDataFrame)
        assert df.crs.to_epsg() == 4326
        i = [int(x[1:]) for x in rows["id"]]
        assert np.array_equal(df.geometry.x, files["lon"][i])
        assert np.array_equal(df.geometry.y, files["lat"][i])
    s = store.summary(files["areas"], "name").to_dataframe()
    assert s["count"].sum() >= N
