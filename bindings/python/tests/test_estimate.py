"""geokota.estimate: the CLI's JSON to the bit from a path, a Layer and a
GeoDataFrame; options; errors; DataFrames; estimate_merge rebuilding the
same bill; and the split rule (partition_roads + plane_origin) that makes a
per-district estimate add up exactly, where a naive split does not."""
import json
import os
import subprocess

import numpy as np
import pytest

import geokota
from conftest import GEOKOTA, SOURCE_ROOT

TEBET = os.path.join(SOURCE_ROOT, "examples", "jalan_lingkungan_tebet.geojson")


def cli(*args):
    p = subprocess.run([GEOKOTA, "estimate", *map(str, args), "--format",
                        "json", "-q"], capture_output=True, text=True,
                       timeout=120)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


@pytest.fixture
def prices(tmp_path):
    p = tmp_path / "prices.csv"
    p.write_text("material,unit,price_idr\ncement,bag50,65000\n"
                 "sand,m3,250000\n")
    return p


def test_path_equals_cli(prices):
    assert geokota.estimate(TEBET) == cli(TEBET)
    assert geokota.estimate(TEBET, template="asphalt", width=5.5,
                            no_waste=True, lang="id") == \
        cli(TEBET, "--template", "asphalt", "--width", 5.5, "--no-waste",
            "--lang", "id")
    priced = geokota.estimate(TEBET, prices=prices, concrete="site-mix")
    assert priced == cli(TEBET, "--prices", prices, "--concrete", "site-mix")
    assert priced["cost_idr"] > 0 and "cement" not in priced["missing_prices"]
    table = os.path.join(SOURCE_ROOT, "data", "osm_widths.csv")
    assert geokota.estimate(TEBET, width_table=table) == \
        cli(TEBET, "--width-table", table)


def test_layer_and_geodataframe_equal_path():
    gpd = pytest.importorskip("geopandas")
    want = geokota.estimate(TEBET)
    layer = geokota.read(TEBET)
    assert geokota.estimate(layer) == want
    gdf = gpd.read_file(TEBET)
    assert geokota.estimate(gdf) == want
    # attributes from columns: width, template, name
    gdf["width"] = np.linspace(3, 6, len(gdf))
    gdf["template"] = ["paving_block"] * 5 + [None] * (len(gdf) - 5)
    r = geokota.estimate(gdf)
    assert [x["width_m"] for x in r["roads"]] == list(gdf["width"])
    assert [x["template"] for x in r["roads"]][:6] == \
        ["paving_block"] * 5 + ["rigid_jalan_lingkungan"]
    assert r["roads"][0]["name"] == gdf["name"][0]
    # a non-default index names the roads
    gdf.index = gdf.index + 1000
    assert geokota.estimate(gdf)["roads"][0]["id"] == "1000"
    # projected data: the same roads in UTM give the same lengths (1e-9)
    utm = geokota.estimate(gdf.to_crs("EPSG:32748"))
    for a, b in zip(utm["roads"], r["roads"]):
        assert a["length_m"] == pytest.approx(b["length_m"], rel=1e-9)


def test_frames_and_surface():
    pd = pytest.importorskip("pandas")
    pytest.importorskip("geopandas")
    r = geokota.estimate(TEBET, surface=True)
    m = r.materials_frame()
    assert isinstance(m, pd.DataFrame)
    assert list(m["material"]) == [x["material"] for x in r["materials"]]
    assert list(r.roads_frame()["length_m"]) == \
        [x["length_m"] for x in r["roads"]]
    assert r.layers_frame()["volume_m3"].sum() == pytest.approx(
        sum(x["volume_m3"] for x in r["layers"]))
    surf = r.surface_frame()
    assert len(surf) == len(r["roads"])
    assert geokota.area(surf.geometry).sum() == pytest.approx(r["area_m2"],
                                                              rel=1e-12)
    with pytest.raises(ValueError, match="surface=True"):
        geokota.estimate(TEBET).surface_frame()


def test_errors(tmp_path):
    gpd = pytest.importorskip("geopandas")
    gdf = gpd.read_file(TEBET)
    gdf["width"] = 4.0
    gdf.loc[3, "width"] = -2.0
    with pytest.raises(geokota.InputError, match="feature 3: width is "
                       "negative"):
        geokota.estimate(gdf)
    skipped = geokota.estimate(gdf, skip_invalid=True)
    assert len(skipped["roads"]) == len(gdf) - 1
    assert any("feature 3" in w for w in skipped["warnings"])
    with pytest.raises(geokota.FileError):
        geokota.estimate(tmp_path / "nope.geojson")
    with pytest.raises(geokota.FileError, match="unknown template"):
        geokota.estimate(TEBET, template="no_such_template")
    with pytest.raises(ValueError, match="concrete"):
        geokota.estimate(TEBET, concrete="precast")
    with pytest.raises(TypeError, match="roads must be"):
        geokota.estimate(42)
    with pytest.raises(geokota.InputError, match="plane origin"):
        geokota.estimate(TEBET, plane_origin=(500.0, 0.0))


def test_merge_rebuilds_the_same_bill(prices):
    r = geokota.estimate(TEBET)
    assert geokota.estimate_merge([r]) == r
    # any split of the roads, merged in network order, is the same bill
    half = len(r["roads"]) // 2
    parts = [r["roads"][half:], r["roads"][:half]]
    ids = [x["id"] for x in r["roads"]]
    assert geokota.estimate_merge(parts, order=ids) == r
    # prices apply to the merged bill as to a single estimate
    assert geokota.estimate_merge([r], prices=prices) == \
        geokota.estimate(TEBET, prices=prices)
    with pytest.raises(ValueError, match="more than one part"):
        geokota.estimate_merge([r, r], order=ids)
    with pytest.raises(ValueError, match="in no part"):
        geokota.estimate_merge([r["roads"][1:]], order=ids)


def load_example():
    import importlib.util
    path = os.path.join(SOURCE_ROOT, "examples", "python",
                        "estimate_per_district.py")
    spec = importlib.util.spec_from_file_location("estimate_per_district",
                                                  path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_per_district_split_is_exact_and_naive_split_is_not():
    pytest.importorskip("geopandas")
    ex = load_example()
    roads = ex.make_roads(n=8)
    labels = ex.district_of(roads)
    assert len(set(labels)) >= 3
    whole = geokota.estimate(roads)
    origin = geokota.plane_origin(roads)
    tasks = geokota.partition_roads(roads, labels)
    assert sorted(np.concatenate([t.index[t.own] for t in tasks])) == \
        list(range(len(roads)))
    parts = [ex.estimate_task(roads.iloc[t.index], t.own, origin)
             for t in tasks]
    merged = geokota.estimate_merge(parts, order=[str(i) for i in
                                                  roads.index])
    assert merged == whole  # every figure, to the bit
    # without the context roads, junctions at district borders count twice
    alone = [ex.estimate_task(roads.iloc[t.index[t.own]],
                              np.ones(int(t.own.sum()), bool), origin)
             for t in tasks]
    naive = geokota.estimate_merge(alone, order=[str(i) for i in
                                                 roads.index])
    assert naive["area_m2"] > whole["area_m2"] + 1
    # without the whole's plane origin, areas differ in the last digits
    own_only = [[x for x in geokota.estimate(roads.iloc[t.index])["roads"]
                 if x["id"] in {str(i) for i in roads.index[t.index[t.own]]}]
                for t in tasks]
    moved = geokota.estimate_merge(own_only, order=[str(i) for i in
                                                    roads.index])
    assert moved["area_m2"] == pytest.approx(whole["area_m2"], rel=1e-9)
