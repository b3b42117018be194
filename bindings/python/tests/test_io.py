"""geokota.read and geokota.measure on files: arrays, attributes, CRS, the
CLI's JSON, WKB round trips and GeoPandas export."""
import json
import math

import numpy as np
import pytest
from shapely import wkb as shapely_wkb
from shapely.geometry import shape

import geokota


def test_read_sample(sample):
    layer = geokota.read(sample)
    assert len(layer) == 13
    assert layer.crs == "EPSG:4326"
    assert layer.name == "kecamatan"
    assert set(layer.attributes) >= {"district", "n_kelurahan"}
    assert layer.attributes["n_kelurahan"].dtype == np.int64
    assert layer.attributes["district"].dtype == object
    g = layer.geometry
    assert g.xy.dtype == np.float64 and g.xy.shape[1] == 2
    assert g.geom_offsets[-1] == len(g.part_offsets) - 1
    assert set(np.unique(g.types)) <= {geokota.POLYGON, geokota.MULTIPOLYGON}
    # the geometry is exactly what the GeoJSON says
    with open(sample) as f:
        features = json.load(f)["features"]
    for k, feat in enumerate(features):
        assert shapely_wkb.loads(layer.to_wkb()[k]).equals_exact(
            shape(feat["geometry"]), 0)
    assert list(layer.attributes["district"]) == [
        f["properties"]["district"] for f in features]


def test_where_and_layer_measure(sample):
    layer = geokota.read(sample, where="n_kelurahan > 10")
    n = sum(1 for v in geokota.read(sample).attributes["n_kelurahan"]
            if v > 10)
    assert len(layer) == n > 0
    with pytest.raises(geokota.InputError, match="kecamatan"):
        geokota.read(sample, layer="nope")


def test_measure_matches_cli_and_layer(sample, cli_json):
    report = geokota.measure(sample)
    assert report == cli_json("measure", sample)
    assert report["method"] == "geodesic" and report["crs"] == "EPSG:4326"
    layer = geokota.read(sample)
    areas = layer.area()
    assert [f["area_m2"] for f in report["features"]] == list(areas)
    assert report["total"]["count"] == 13
    assert math.isclose(report["total"]["area_m2"], areas.sum(), rel_tol=1e-14)
    by_name = geokota.measure(sample, id_field="district")
    assert by_name["features"][0]["id"] == layer.attributes["district"][0]
    with pytest.raises(geokota.InputError, match="no field 'zzz'"):
        geokota.measure(sample, id_field="zzz")
    with pytest.raises(ValueError, match="method must be"):
        geokota.measure(sample, method="flat")


def write_geojson(path, geoms, props=None, crs=None):
    fc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": (props or [{}] * len(geoms))[i],
         "geometry": g} for i, g in enumerate(geoms)]}
    if crs:
        fc["crs"] = {"type": "name", "properties": {"name": crs}}
    path.write_text(json.dumps(fc))
    return path


def test_skip_invalid_and_nulls(tmp_path):
    bowtie = {"type": "Polygon",
              "coordinates": [[[0, 0], [0.01, 0.01], [0.01, 0], [0, 0.01],
                               [0, 0]]]}
    square = {"type": "Polygon",
              "coordinates": [[[0, 0], [0.01, 0], [0.01, 0.01], [0, 0.01],
                               [0, 0]]]}
    path = write_geojson(tmp_path / "mixed.geojson", [square, bowtie, None],
                         [{"n": 1, "w": 2.5}, {"n": None, "w": None},
                          {"n": 3, "w": 1.0}])
    with pytest.raises(geokota.InputError, match="feature 1"):
        geokota.measure(path)
    r = geokota.measure(path, skip_invalid=True)
    assert r["features"][1]["area_m2"] is None
    assert len(r["problems"]) == 2
    assert "feature 1: invalid polygon: Self-intersection" in r["problems"][0]
    assert "feature 2: empty or missing geometry" in r["problems"][1]
    assert r["features"][0]["area_m2"] == geokota.area(
        shape(square))
    layer = geokota.read(path)
    n = layer.attributes["n"]
    assert n.dtype == np.float64 and math.isnan(n[1]) and n[2] == 3
    assert layer.to_wkb()[2] is None
    assert math.isnan(layer.area()[2])  # null geometry: NaN, as in the CLI
    assert layer.geometry.types[2] == geokota.NONE


def test_projected_file_and_ground_warning(tmp_path):
    sq = {"type": "Polygon",
          "coordinates": [[[500000, 9313000], [500100, 9313000],
                           [500100, 9313100], [500000, 9313100],
                           [500000, 9313000]]]}
    path = write_geojson(tmp_path / "utm.geojson", [sq],
                         crs="urn:ogc:def:crs:EPSG::32748")
    layer = geokota.read(path)
    assert layer.crs == "EPSG:32748"
    assert layer.area()[0] == pytest.approx(1e4, rel=1e-12)
    r = geokota.measure(path)
    assert r["method"] == "planar" and r["features"][0]["area_m2"] == \
        pytest.approx(1e4, rel=1e-12)
    with pytest.warns(UserWarning, match="equal-area"):
        geokota.measure(path, ground=True)
    g = geokota.measure(path, method="geodesic")
    assert g["features"][0]["area_m2"] == pytest.approx(
        layer.area(geodesic=True)[0], rel=1e-12)
    assert g["features"][0]["area_m2"] == pytest.approx(1e4 / 0.9996 ** 2,
                                                        rel=1e-5)


def test_to_geodataframe(sample):
    gpd = pytest.importorskip("geopandas")
    layer = geokota.read(sample)
    df = layer.to_geodataframe()
    assert isinstance(df, gpd.GeoDataFrame)
    assert len(df) == 13 and df.crs.to_epsg() == 4326
    assert list(df["district"]) == list(layer.attributes["district"])
    np.testing.assert_array_equal(geokota.area(df.geometry), layer.area())


def test_repr_and_z(tmp_path):
    line = {"type": "LineString", "coordinates": [[106.6, -6.2, 10],
                                                  [106.61, -6.2, 12]]}
    path = write_geojson(tmp_path / "z.geojson", [line])
    layer = geokota.read(path)
    assert layer.geometry.has_z and list(layer.geometry.z) == [10, 12]
    assert "1 features" in repr(layer)
    assert geokota.read(path, drop_z=True).geometry.z is None
    back = geokota.Geometries.from_wkb(layer.to_wkb())
    np.testing.assert_array_equal(back.z, layer.geometry.z)
    np.testing.assert_array_equal(back.xy, layer.geometry.xy)
    assert "geometries" in repr(back)
