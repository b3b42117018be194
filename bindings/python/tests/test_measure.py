"""geokota.area / perimeter / length against pyproj's Karney geodesics,
Shapely's planar area, the C library (through the CLI), and across every
accepted input form."""
import math

import numpy as np
import pytest
from pyproj import CRS, Geod, Transformer
from shapely import wkb as shapely_wkb
from shapely.geometry import (LineString, MultiLineString, MultiPolygon,
                              Point, Polygon)

import geokota
from conftest import random_polygons

GEOD = Geod(ellps="WGS84")


def karney(poly):
    """Karney area (holes subtracted) and perimeter of a Shapely polygon."""
    area = 0.0
    perim = 0.0
    for k, ring in enumerate([poly.exterior, *poly.interiors]):
        lon, lat = np.asarray(ring.coords).T
        a, p = GEOD.polygon_area_perimeter(lon, lat)
        area += abs(a) if k == 0 else -abs(a)
        perim += p
    return area, perim


def test_area_perimeter_match_pyproj_karney(parcels):
    areas = geokota.area(parcels)
    perims = geokota.perimeter(parcels)
    want = np.array([karney(p) for p in parcels])
    assert areas.shape == (len(parcels),)
    np.testing.assert_allclose(areas, want[:, 0], rtol=1e-9, atol=1e-4)
    np.testing.assert_allclose(perims, want[:, 1], rtol=1e-10)


def test_large_polygon_falls_back_to_karney():
    # a 10-degree box crosses the fast path's limits: Karney's accuracy
    box = Polygon([(100, -10), (110, -10), (110, 0), (100, 0)])
    a, p = karney(box)
    assert geokota.area(box) == pytest.approx(a, rel=1e-9)
    assert geokota.perimeter(box) == pytest.approx(p, rel=1e-10)


def test_length_matches_pyproj():
    rng = np.random.default_rng(7)
    lines = [LineString(np.c_[106.6 + np.cumsum(rng.uniform(-1e-3, 1e-3, 20)),
                              -6.2 + np.cumsum(rng.uniform(-1e-3, 1e-3, 20))])
             for _ in range(50)]
    got = geokota.length(lines)
    want = [GEOD.line_length(*np.asarray(l.coords).T) for l in lines]
    np.testing.assert_allclose(got, want, rtol=1e-10)
    assert np.all(geokota.area(lines) == 0)
    assert np.all(geokota.perimeter(lines) == 0)


def test_multi_types_sum_their_parts(parcels):
    mp = MultiPolygon(parcels[:5])
    assert geokota.area(mp) == pytest.approx(
        sum(geokota.area(parcels[:5])), rel=1e-15)
    ml = MultiLineString([[(0, 0), (0, 1)], [(1, 1), (1, 2)]])
    assert geokota.length(ml) == pytest.approx(
        GEOD.line_length([0, 0], [0, 1]) + GEOD.line_length([1, 1], [1, 2]),
        rel=1e-10)


def test_holes_subtract():
    outer = [(0, 0), (0.01, 0), (0.01, 0.01), (0, 0.01)]
    inner = [(0.002, 0.002), (0.004, 0.002), (0.004, 0.004), (0.002, 0.004)]
    with_hole = geokota.area(Polygon(outer, [inner]))
    assert with_hole == pytest.approx(
        geokota.area(Polygon(outer)) - geokota.area(Polygon(inner)),
        rel=1e-12)


def test_points_empty_and_missing():
    res = geokota.area([Point(1, 2), Polygon(), None, Point()])
    assert res[0] == 0 and res[1] == 0 and res[3] == 0
    assert math.isnan(res[2])  # None is a missing value, as in GeoPandas


def test_all_input_forms_give_identical_results(parcels):
    want = geokota.area(parcels)
    wkb_list = [p.wkb for p in parcels]
    obj = np.array(wkb_list + [None], dtype=object)[:-1]
    fixed = np.array(wkb_list, dtype="S")  # zero-padded fixed-width WKB
    big = np.empty(len(parcels), dtype=object)
    for i, p in enumerate(parcels):
        big[i] = shapely_wkb.dumps(p, big_endian=True, srid=4326)
    g = geokota.Geometries.from_wkb(wkb_list)
    flat = geokota.Geometries.from_arrays(
        g.xy, g.ring_offsets, g.part_offsets, g.geom_offsets, types=g.types)
    shp = np.empty(len(parcels), dtype=object)
    shp[:] = [None] * len(parcels)
    for i, p in enumerate(parcels):
        shp[i] = p
    for name, src in [("wkb list", wkb_list), ("object array", obj),
                      ("S array", fixed), ("big-endian EWKB", big),
                      ("Geometries", g), ("flat arrays", flat),
                      ("shapely array", shp), ("tuple", tuple(parcels))]:
        np.testing.assert_array_equal(geokota.area(src), want, err_msg=name)


def test_geoseries_input(parcels):
    gpd = pytest.importorskip("geopandas")
    s = gpd.GeoSeries(parcels + [None], crs="EPSG:4326")
    got = geokota.area(s.to_wkb())
    np.testing.assert_array_equal(got[:-1], geokota.area(parcels))
    assert math.isnan(got[-1])
    np.testing.assert_array_equal(geokota.area(s)[:-1], got[:-1])


def test_flat_arrays_are_read_in_place():
    xy = np.array([[0, 0], [0.01, 0], [0.01, 0.01], [0, 0.01], [0, 0],
                   [1, 1], [1.01, 1], [1, 1.01], [1, 1]], dtype=np.float64)
    rings = np.array([0, 5, 9], dtype=np.int64)
    g = geokota.Geometries.from_arrays(xy, rings)
    assert g.xy is xy and g.ring_offsets is rings
    a = geokota.area(g)
    want = [karney(Polygon(xy[0:5]))[0], karney(Polygon(xy[5:9]))[0]]
    np.testing.assert_allclose(a, want, rtol=1e-9)
    # lines over the same arrays
    lines = geokota.Geometries.from_arrays(xy, rings, kind="linestring")
    np.testing.assert_allclose(
        geokota.length(lines),
        [GEOD.line_length(*xy[0:5].T), GEOD.line_length(*xy[5:9].T)],
        rtol=1e-10)


def test_shape_and_scalar():
    p = Polygon([(0, 0), (0.01, 0), (0, 0.01)])
    assert isinstance(geokota.area(p), float)
    assert isinstance(geokota.area(p.wkb), float)
    grid = np.empty((2, 3), dtype=object)
    for i in range(2):
        for j in range(3):
            grid[i, j] = p
    out = geokota.area(grid)
    assert out.shape == (2, 3) and np.all(out == geokota.area(p))
    m = geokota.measurements([p])
    assert set(m) == {"area_m2", "perimeter_m", "length_m"}
    assert m["area_m2"][0] == geokota.area(p)


def test_planar_in_projected_crs_matches_shapely():
    # UTM 48S parcels near Tangerang (metres)
    rng = np.random.default_rng(3)
    polys = [Polygon(np.c_[680000 + rng.uniform(0, 50, 6).cumsum(),
                           9313000 + rng.uniform(-20, 20, 6)]).convex_hull
             for _ in range(40)]
    got = geokota.area(polys, crs="EPSG:32748")
    np.testing.assert_allclose(got, [p.area for p in polys], rtol=1e-12)
    np.testing.assert_allclose(geokota.perimeter(polys, crs=32748),
                               [p.length for p in polys], rtol=1e-12)
    # US survey feet: results are still m2
    ft = geokota.area(polys, crs="EPSG:2263")
    us_ft = 1200 / 3937
    np.testing.assert_allclose(ft, got * us_ft ** 2, rtol=1e-12)


def test_geodesic_on_projected_data_matches_pyproj():
    crs = CRS.from_epsg(32748)
    to_ll = Transformer.from_crs(crs, crs.geodetic_crs, always_xy=True)
    # on the central meridian, where UTM's scale is 0.9996
    ring = np.array([[500000, 9313000], [500400, 9313000],
                     [500400, 9313300], [500000, 9313300], [500000, 9313000]],
                    dtype=float)
    lon, lat = to_ll.transform(ring[:, 0], ring[:, 1])
    want, _ = GEOD.polygon_area_perimeter(lon, lat)
    got = geokota.area(Polygon(ring), geodesic=True, crs=crs)
    assert got == pytest.approx(abs(want), rel=1e-9)
    planar = geokota.area(Polygon(ring), crs=crs)
    assert planar == pytest.approx(400 * 300, rel=1e-12)
    # UTM's scale error is what geodesic=True removes: k0^2 - 1 = -0.08%
    assert planar / got - 1 == pytest.approx(0.9996 ** 2 - 1, rel=1e-3)


def test_other_ellipsoid_from_crs():
    p = Polygon([(10, 50), (10.01, 50), (10.01, 50.01), (10, 50.01)])
    bessel = Geod(ellps="bessel")
    lon, lat = np.asarray(p.exterior.coords).T
    want, _ = bessel.polygon_area_perimeter(lon, lat)
    assert geokota.area(p, crs="EPSG:4314") == pytest.approx(abs(want),
                                                           rel=1e-9)


def test_planar_on_degrees_refused():
    with pytest.raises(geokota.CRSError, match="no meaning") as e:
        geokota.area(Point(0, 0), geodesic=False)
    assert isinstance(e.value, ValueError)


def test_equals_the_c_library_through_the_cli(sample, cli_json):
    cli = cli_json("measure", sample)
    layer = geokota.read(sample)
    m = layer.measurements()
    for k, f in enumerate(cli["features"]):
        assert m["area_m2"][k] == f["area_m2"]  # bit for bit
        assert m["perimeter_m"][k] == f["perimeter_m"]
        assert m["length_m"][k] == f["length_m"]
    # and through WKB + Shapely
    shapes = [shapely_wkb.loads(b) for b in layer.to_wkb()]
    np.testing.assert_array_equal(geokota.area(shapes), m["area_m2"])
    assert geokota.measure(sample) == cli


def test_threads_share_results(parcels):
    from concurrent.futures import ThreadPoolExecutor
    wkb = np.array([p.wkb for p in parcels * 20], dtype=object)
    want = geokota.area(wkb)
    with ThreadPoolExecutor(4) as ex:
        results = list(ex.map(lambda _: geokota.area(wkb), range(8)))
    for r in results:
        np.testing.assert_array_equal(r, want)


def test_random_polygons_elsewhere_on_earth():
    # high latitude and the antimeridian, against Karney
    for lon0, lat0 in [(179.999, 0.0), (20.0, 70.0), (-70.0, -45.0)]:
        polys = random_polygons(40, seed=int(lat0 + 500), lon0=lon0,
                                lat0=lat0, spread=0.0005, size=0.01)
        got = geokota.area(polys)
        want = [karney(p)[0] for p in polys]
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-4)
