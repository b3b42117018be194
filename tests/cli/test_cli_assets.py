"""End-to-end tests of `geokota assets` and `geokota estimate --assets`:
import and re-import, queries in every format, bad input with clear errors
and exit codes, a locked store, a store from a newer geokota, two importers
at once, readers during an import, and an import killed mid-way (the store
stays intact)."""
import json
import os
import signal
import sqlite3
import subprocess
import time

import pytest

from conftest import GEOKOTA, SOURCE_ROOT, feature, shared, write_geojson

MAPPING = os.path.join(SOURCE_ROOT, "data", "osm_building_kinds.json")


def pt(lon, lat):
    return {"type": "Point", "coordinates": [lon, lat]}


def lights(path, n, lon0=106.60, lat=-6.20, step=0.0005, prefix="L"):
    feats = [feature(pt(lon0 + i * step, lat), aid=f"{prefix}{i}",
                     k="street_light") for i in range(n)]
    return write_geojson(path, feats)


def count(db):
    con = sqlite3.connect(db)
    try:
        return con.execute("SELECT count(*) FROM assets").fetchone()[0]
    finally:
        con.close()


@pytest.fixture
def jakarta_db(tmp_path, geokota):
    pts = shared("assets", "jakarta_osm_building_points_2012.geojson")
    db = tmp_path / "city.sqlite"
    r = geokota("assets", "import", db, pts, "--mapping", MAPPING,
                "--format", "json")
    assert r.code == 0, r.err
    rep = r.json()
    assert rep["inserted"] == 6679 and rep["rejected"] == 0
    return db


def test_help_everywhere(geokota):
    r = geokota("assets", "--help")
    assert r.code == 0 and "subcommands:" in r.out
    for sub in ["import", "near", "within", "along", "summary", "gaps",
                "info"]:
        r = geokota("assets", sub, "--help")
        assert r.code == 0 and "usage: geokota assets " + sub in r.out
    assert "assets" in geokota("--help").out


def test_usage_errors(geokota, tmp_path):
    assert geokota("assets").code == 2
    assert geokota("assets", "fly", "x.sqlite").code == 2
    r = geokota("assets", "near", tmp_path / "x.sqlite")
    assert r.code == 2 and "--point" in r.err
    r = geokota("assets", "near", tmp_path / "x.sqlite", "--point", "abc")
    assert r.code == 2
    r = geokota("assets", "gaps", tmp_path / "x.sqlite", "--roads", "r.json")
    assert r.code == 2 and "--kind" in r.err


def test_import_reimport_and_info(jakarta_db, geokota):
    pts = shared("assets", "jakarta_osm_building_points_2012.geojson")
    r = geokota("assets", "import", jakarta_db, pts, "--mapping", MAPPING,
                "--format", "json")
    assert r.code == 0
    rep = r.json()
    assert rep["unchanged"] == 6679 and rep["inserted"] == 0
    assert rep["updated"] == 0
    info = geokota("assets", "info", jakarta_db, "--format", "json").json()
    assert info["assets"] == 6679 and info["schema_version"] == 3
    kinds = {k["kind"]: k["count"] for k in info["kinds"]}
    assert kinds["school"] == 332 and kinds["clinic"] == 61
    # QGIS and ogr2ogr read the store: ogrinfo sees the layer and its SRS.
    out = subprocess.run(["ogrinfo", "-so", str(jakarta_db), "assets"],
                         capture_output=True, text=True)
    assert "Feature Count: 6679" in out.stdout
    assert "WGS 84" in out.stdout
    # OGR answers box queries through the store's R*Tree (written as a
    # packed tree by the first import): the same points as a plain scan.
    from osgeo import ogr
    ds = ogr.Open(str(jakarta_db))
    lyr = ds.GetLayerByName("assets")
    pts_all = [(f.GetFID(), f.GetGeometryRef().GetX(),
                f.GetGeometryRef().GetY()) for f in lyr]
    for box in [(106.80, -6.20, 106.83, -6.17), (106.70, -6.30, 106.75, -6.10),
                (106.9, -6.25, 106.95, -6.2)]:
        lyr.SetSpatialFilterRect(*box)
        got = sorted(f.GetFID() for f in lyr)
        want = sorted(fid for fid, x, y in pts_all
                      if box[0] <= x <= box[2] and box[1] <= y <= box[3])
        assert got == want and len(want) > 20
    lyr.SetSpatialFilter(None)
    ds = None


def test_near_formats(jakarta_db, geokota, tmp_path):
    r = geokota("assets", "near", jakarta_db, "--point", "106.8272,-6.1754",
                "--k", "3", "--kind", "school", "--format", "json")
    assert r.code == 0, r.err
    d = r.json()
    assert d["count"] == 3
    dist = [a["distance_m"] for a in d["assets"]]
    assert dist == sorted(dist) and all(a["kind"] == "school"
                                        for a in d["assets"])
    assert d["assets"][0]["geometry"]["type"] == "Point"
    csv = geokota("assets", "near", jakarta_db, "--point", "106.8272,-6.1754",
                  "--k", "3", "--kind", "school", "--format", "csv")
    lines = csv.out.strip().splitlines()
    assert lines[0].startswith("id,kind,distance_m")
    assert float(lines[1].split(",")[2]) == dist[0]
    out = tmp_path / "near.geojson"
    r = geokota("assets", "near", jakarta_db, "--point", "106.8272,-6.1754",
                "--k", "4", "--format", "geojson", "-o", out)
    assert r.code == 0 and r.out == ""
    fc = json.loads(out.read_text())
    assert len(fc["features"]) == 4
    table = geokota("assets", "near", jakarta_db, "--point",
                    "106.8272,-6.1754", "--k", "2")
    assert "distance_m" in table.out
    bad = geokota("assets", "near", jakarta_db, "--point", "106.8,-6.1",
                  "--kind", "unicorn")
    assert bad.code == 2 and "unknown kind 'unicorn'" in bad.err


def test_within_along_summary_gaps(jakarta_db, geokota, tmp_path):
    r = geokota("assets", "within", jakarta_db, "--bbox",
                "106.80,-6.25,106.85,-6.15", "--kind", "school",
                "--format", "json")
    assert r.code == 0 and r.json()["count"] > 0
    kec = shared("boundaries", "kota_tangerang_kecamatan.geojson")
    r = geokota("assets", "within", jakarta_db, "--polygon", kec,
                "--format", "json")
    assert r.code == 0
    # buildings west of 106.75 E fall in Tangerang's kecamatan
    assert r.json()["count"] > 0
    roads = shared("roads", "jakarta_roads_osm2012.geojson")
    sel = json.load(open(roads))["features"][:200]
    rp = write_geojson(tmp_path / "roads.geojson", sel)
    r = geokota("assets", "along", jakarta_db, "--road", rp, "--distance",
                "100", "--format", "json")
    assert r.code == 0
    assert all(a["distance_m"] <= 100 for a in r.json()["assets"])
    r = geokota("assets", "summary", jakarta_db, "--by", kec, "--by-field",
                "district", "--kind", "school", "--format", "json")
    assert r.code == 0, r.err
    areas = r.json()["areas"]
    assert len(areas) == 14 and areas[-1]["name"] == "(outside)"
    assert sum(a["kinds"]["school"]["count"] for a in areas) == 332
    r = geokota("assets", "gaps", jakarta_db, "--roads", rp, "--kind",
                "school", "--distance", "300", "--min-length", "100",
                "--format", "geojson")
    assert r.code == 0, r.err
    fc = r.json()
    assert all(f["properties"]["length_m"] > 100 for f in fc["features"])
    assert all(f["geometry"]["type"] == "LineString" for f in fc["features"])


def test_bad_input(tmp_path, geokota):
    db = tmp_path / "bad.sqlite"
    poly = {"type": "Polygon", "coordinates": [[[106.6, -6.2], [106.61, -6.2],
                                                [106.61, -6.21],
                                                [106.6, -6.2]]]}
    src = write_geojson(tmp_path / "bad.geojson", [
        feature(pt(106.6, -6.2), aid="a", k="street_light"),
        feature(pt(106.6, -6.2), aid="b", k="warp_drive"),
        feature(pt(106.6, -6.3), aid="d", k="tree"),
        feature(pt(106.6, -6.4), aid="d", k="tree"),
        feature(poly, aid="p", k="street_light"),
    ])
    rej = tmp_path / "rejects.geojson"
    r = geokota("assets", "import", db, src, "--kind-field", "k",
                "--id-field", "aid", "--rejects", rej, "--format", "json")
    assert r.code == 0, r.err
    rep = r.json()
    assert rep["inserted"] == 1 and rep["rejected"] == 4
    reasons = [f["properties"]["reject_reason"]
               for f in json.loads(rej.read_text())["features"]]
    assert any("unknown kind 'warp_drive'" in x for x in reasons)
    assert sum("duplicate id 'd'" in x for x in reasons) == 2
    assert any("wrong geometry type" in x for x in reasons)
    # missing id field: exit 1, clear message, nothing written
    r = geokota("assets", "import", db, src, "--kind-field", "k",
                "--id-field", "asset_id")
    assert r.code == 1 and "no field 'asset_id'" in r.err
    assert count(db) == 1
    # strict: nothing written
    r = geokota("assets", "import", db, src, "--kind-field", "k",
                "--id-field", "aid", "--strict")
    assert r.code == 1 and "nothing imported" in r.err
    assert count(db) == 1


def test_locked_and_newer_schema(tmp_path, geokota):
    db = tmp_path / "lock.sqlite"
    src = lights(tmp_path / "l.geojson", 5)
    assert geokota("assets", "import", db, src, "--kind-field", "k",
                   "--id-field", "aid").code == 0
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("BEGIN IMMEDIATE")
    src2 = lights(tmp_path / "l2.geojson", 3, prefix="M")
    r = geokota("assets", "import", db, src2, "--kind-field", "k",
                "--id-field", "aid", "--timeout", "200")
    assert r.code == 1
    assert "lock.sqlite: database is locked" in r.err
    # readers are not blocked by the writer
    r = geokota("assets", "near", db, "--point", "106.6,-6.2", "--k", "2")
    assert r.code == 0
    con.execute("ROLLBACK")
    assert count(db) == 5
    con.execute("UPDATE gk_meta SET value = '7' WHERE key = "
                "'schema_version'")
    con.close()
    r = geokota("assets", "info", db)
    assert r.code == 1 and "schema version 7 is newer" in r.err
    r = geokota("assets", "import", db, src2, "--kind-field", "k",
                "--id-field", "aid")
    assert r.code == 1 and count(db) == 5


def test_two_importers_serialize(tmp_path):
    db = tmp_path / "two.sqlite"
    a = lights(tmp_path / "a.geojson", 3000, prefix="A")
    b = lights(tmp_path / "b.geojson", 3000, lat=-6.21, prefix="B")
    subprocess.run([GEOKOTA, "assets", "import", db,
                    lights(tmp_path / "seed.geojson", 1, prefix="S"),
                    "--kind-field", "k", "--id-field", "aid"], check=True,
                   capture_output=True)
    procs = [subprocess.Popen([GEOKOTA, "assets", "import", db, f,
                               "--kind-field", "k", "--id-field", "aid",
                               "--timeout", "60000"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for f in (a, b)]
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    assert count(db) == 6001


def test_kill_mid_import_leaves_store_intact(tmp_path):
    db = tmp_path / "kill.sqlite"
    subprocess.run([GEOKOTA, "assets", "import", db,
                    lights(tmp_path / "seed.geojson", 50, prefix="S"),
                    "--kind-field", "k", "--id-field", "aid"], check=True,
                   capture_output=True)
    before = count(db)
    con = sqlite3.connect(db)
    log_before = con.execute("SELECT count(*) FROM asset_log").fetchone()[0]
    con.close()
    big = lights(tmp_path / "big.geojson", 200000, step=0.000001,
                 prefix="K")
    wal = str(db) + "-wal"
    base = os.path.getsize(wal) if os.path.exists(wal) else 0
    p = subprocess.Popen([GEOKOTA, "assets", "import", db, big,
                          "--kind-field", "k", "--id-field", "aid"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # Wait until the import is writing (its WAL grows), then kill it.
    deadline = time.time() + 60
    while time.time() < deadline and p.poll() is None:
        if os.path.exists(wal) and os.path.getsize(wal) > base + 4_000_000:
            break
        time.sleep(0.02)
    assert p.poll() is None, "the import finished before it could be killed"
    p.send_signal(signal.SIGKILL)
    p.wait()
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert con.execute("SELECT count(*) FROM assets").fetchone()[0] == before
    assert con.execute("SELECT count(*) FROM asset_log").fetchone()[0] == \
        log_before
    con.close()
    r = subprocess.run([GEOKOTA, "assets", "info", db, "--format", "json"],
                       capture_output=True, text=True)
    assert r.returncode == 0 and json.loads(r.stdout)["assets"] == before


def test_estimate_lists_assets_in_corridor(tmp_path, geokota):
    db = tmp_path / "road.sqlite"
    # a 200 m road along -6.2; lights on it, beside it and far away
    road = write_geojson(tmp_path / "road.geojson", [feature(
        {"type": "LineString",
         "coordinates": [[106.600, -6.2], [106.6018, -6.2]]},
        width=6, name="Jl. Baru")])
    assets = write_geojson(tmp_path / "assets.geojson", [
        feature(pt(106.6005, -6.2), aid="on", k="manhole"),
        feature(pt(106.6010, -6.20002), aid="edge", k="street_light"),
        feature(pt(106.6010, -6.2001), aid="beside", k="street_light"),
        feature(pt(106.6100, -6.2100), aid="far", k="tree"),
    ])
    assert geokota("assets", "import", db, assets, "--kind-field", "k",
                   "--id-field", "aid").code == 0
    r = geokota("estimate", road, "--assets", db, "--format", "json")
    assert r.code == 0, r.err
    sec = [s for s in r.json()["sections"] if s["name"] == "assets"][0]
    rows = {row["key"]: row["value"] for row in sec["rows"]}
    assert rows["count"] == 2
    assert "on" in rows and "edge" in rows and "beside" not in rows
    r = geokota("estimate", road, "--assets", db, "--assets-margin", "15",
                "--format", "json")
    sec = [s for s in r.json()["sections"] if s["name"] == "assets"][0]
    rows = {row["key"]: row["value"] for row in sec["rows"]}
    assert rows["count"] == 3 and "beside" in rows and "far" not in rows
    assert rows["count street_light"] == 2
