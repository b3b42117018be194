"""End-to-end tests of `geokota volume`: analytic terrains written as
GeoTIFFs, ROADS.md's earthwork example (e) through a road profile, the real
SRTM DEM, and bad inputs."""
import json
import math

import numpy as np
import pytest
from osgeo import gdal, osr
from pyproj import Geod

from conftest import feature, shared, write_geojson

gdal.UseExceptions()
# Local metric CRS with scale 1 at its origin (see test_cli_estimate.py).
LOCAL = ("+proj=tmerc +lat_0=-6.2 +lon_0=106.63 +k=1 +x_0=0 +y_0=0 "
         "+ellps=WGS84 +units=m +no_defs")


def write_dem(path, z, x0, y0, cell, crs=LOCAL, nodata=None,
              dtype=gdal.GDT_Float32):
    """A north-up GeoTIFF whose cell (r, c) centre is at
    (x0 + (c + .5) cell, y0 - (r + .5) cell)."""
    rows, cols = z.shape
    ds = gdal.GetDriverByName("GTiff").Create(str(path), cols, rows, 1, dtype)
    ds.SetGeoTransform((x0, cell, 0, y0, 0, -cell))
    if crs:
        srs = osr.SpatialReference()
        srs.ImportFromProj4(crs)
        ds.SetProjection(srs.ExportToWkt())
    band = ds.GetRasterBand(1)
    if nodata is not None:
        band.SetNoDataValue(nodata)
    band.WriteArray(z)
    ds = None
    return str(path)


def plane_dem(tmp_path, a, b, c, name="plane.tif"):
    """z = a + b x + c y on a 1 m grid over [-150, 150] x [-60, 60], stored
    as Float64 so that the heights themselves are exact to 1e-16."""
    cell = 1.0
    xs = -150 + cell * (np.arange(300) + 0.5)
    ys = 60 - cell * (np.arange(120) + 0.5)
    z = a + b * xs[None, :] + c * ys[:, None]
    return write_dem(tmp_path / name, z, -150, 60, cell,
                     dtype=gdal.GDT_Float64)


def rect(tmp_path, x0, y0, x1, y1, name="region.gpkg"):
    ring = [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]
    return local_gpkg(tmp_path / name, [ring])


def local_gpkg(path, rings):
    """Polygons in the local CRS, as a GeoPackage (which keeps any CRS)."""
    from osgeo import ogr
    gpkg = str(path)
    drv = ogr.GetDriverByName("GPKG")
    ds = drv.CreateDataSource(gpkg)
    srs = osr.SpatialReference()
    srs.ImportFromProj4(LOCAL)
    lyr = ds.CreateLayer("region", srs, ogr.wkbPolygon)
    for ring in rings:
        wkt = "POLYGON ((" + ", ".join(f"{x} {y}" for x, y in ring) + "))"
        f = ogr.Feature(lyr.GetLayerDefn())
        f.SetGeometry(ogr.CreateGeometryFromWkt(wkt))
        lyr.CreateFeature(f)
    ds = None
    return gpkg


def road_gpkg(path, wkts, width=None):
    """Road centerlines in the local CRS (optionally with a width field)."""
    from osgeo import ogr
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(str(path))
    srs = osr.SpatialReference()
    srs.ImportFromProj4(LOCAL)
    lyr = ds.CreateLayer("road", srs, ogr.wkbLineString)
    if width is not None:
        lyr.CreateField(ogr.FieldDefn("width", ogr.OFTReal))
    for wkt in wkts:
        f = ogr.Feature(lyr.GetLayerDefn())
        if width is not None:
            f.SetField("width", width)
        f.SetGeometry(ogr.CreateGeometryFromWkt(wkt))
        lyr.CreateFeature(f)
    ds = None
    return str(path)


def earthwork_rows(r):
    """The earthwork section of `geokota estimate --format json`, by key."""
    assert r.code == 0, r.err
    return {row["key"]: row["value"] for s in r.json()["sections"]
            if s["name"] == "earthwork" for row in s["rows"]}


def volume(geokota, *args):
    r = geokota("volume", "--format", "json", *args)
    assert r.code == 0, r.err
    return r.json()


def test_plane_crossing_level_tin_exact(geokota, tmp_path):
    # z = 10 + 0.05 x over a 100 x 40 rectangle centred at 0, level 10:
    # cut over x > 0 and fill over x < 0, each 40 * int_0^50 0.05 x dx.
    dem = plane_dem(tmp_path, 10.0, 0.05, 0.0)
    region = rect(tmp_path, -50, -20, 50, 20)
    want = 40 * 0.05 * 50 ** 2 / 2  # 2500 m3 each side
    tin = volume(geokota, dem, "--region", region, "--level", "10",
                 "--method", "tin")
    assert tin["method"] == "tin"
    assert tin["cut_m3"] == pytest.approx(want, rel=1e-9)
    assert tin["fill_m3"] == pytest.approx(want, rel=1e-9)
    assert tin["area_m2"] == pytest.approx(4000, rel=1e-12)
    cell = volume(geokota, dem, "--region", region, "--level", "10")
    # Flat cells smear the sign change over one cell column on each side:
    # at most 40 cells x 0.025 m x 1 m2 each way.
    assert cell["net_m3"] == pytest.approx(0, abs=1e-6)
    assert cell["cut_m3"] == pytest.approx(want, abs=40 * 0.025 + 1e-6)


def test_example_e_road_profile_sections(geokota, tmp_path):
    # ROADS.md 5(e): a 200 m road, ground 10 + 0.02 s along it and flat
    # across, formation at 11.0 m over a 6 m width. The rigid template is
    # 0.30 m deep, so the finished grade is 11.30 m.
    dem = plane_dem(tmp_path, 10.0 + 0.02 * 100, 0.02, 0.0, "road.tif")
    roads = tmp_path / "road.csv"
    roads.write_text('WKT,id\n"LINESTRING (-100 0, 100 0)",1\n')
    profile = tmp_path / "profile.csv"
    profile.write_text("station,elevation\n0,11.30\n200,11.30\n")
    common = [dem, "--road", roads, "--profile", profile, "--width", "6",
              "--camber", "0", "--template", "rigid_jalan_lingkungan",
              "--swell", "1", "--shrink", "1"]
    # The CSV has no CRS: give it through a GeoPackage copy.
    from osgeo import ogr
    gpkg = str(tmp_path / "road.gpkg")
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(gpkg)
    srs = osr.SpatialReference()
    srs.ImportFromProj4(LOCAL)
    lyr = ds.CreateLayer("road", srs, ogr.wkbLineString)
    f = ogr.Feature(lyr.GetLayerDefn())
    f.SetGeometry(ogr.CreateGeometryFromWkt("LINESTRING (-100 0, 100 0)"))
    lyr.CreateFeature(f)
    ds = None
    common[2] = gpkg
    csv_out = tmp_path / "stations.csv"
    s = volume(geokota, *common, "--method", "sections", "--interval", "25",
               "--sections-csv", csv_out)
    assert s["fill_m3"] == pytest.approx(150, rel=1e-9)
    assert s["cut_m3"] == pytest.approx(1350, rel=1e-9)
    rows = csv_out.read_text().splitlines()
    assert rows[0].startswith("station_m,cut_area_m2,fill_area_m2,cut_m3,"
                              "fill_m3,cumulative_mass_m3")
    # Mass haul M(s) = 0.06 s^2 - 6 s balances at s = 100 m.
    last = {float(r.split(",")[0]): float(r.split(",")[5]) for r in rows[1:]}
    assert last[100.0] == pytest.approx(0, abs=1e-6)
    assert last[200.0] == pytest.approx(1200, rel=1e-9)
    twenty = volume(geokota, *common, "--method", "sections", "--interval",
                    "20")
    assert twenty["fill_m3"] == pytest.approx(156, rel=1e-9)
    assert twenty["cut_m3"] == pytest.approx(1356, rel=1e-9)
    tin = volume(geokota, *common, "--method", "tin")
    assert tin["fill_m3"] == pytest.approx(150, rel=1e-6)
    assert tin["cut_m3"] == pytest.approx(1350, rel=1e-6)


def test_nodata_is_uncovered_and_diff_raster(geokota, tmp_path):
    z = np.full((120, 200), 12.0, dtype=np.float32)
    z[50:60, 90:100] = -9999  # 100 cells of 1 m2, inside the region
    dem = write_dem(tmp_path / "holes.tif", z, -100, 60, 1.0, nodata=-9999)
    region = rect(tmp_path, -50, -20, 50, 20)
    diff = tmp_path / "diff.tif"
    doc = volume(geokota, dem, "--region", region, "--level", "10",
                 "--diff-raster", diff)
    assert doc["nodata_area_m2"] == pytest.approx(100, rel=1e-12)
    assert doc["area_m2"] == pytest.approx(3900, rel=1e-12)
    assert doc["cut_m3"] == pytest.approx(2 * 3900, rel=1e-12)
    ds = gdal.Open(str(diff))
    arr = ds.GetRasterBand(1).ReadAsArray()
    assert np.nanmax(arr) == pytest.approx(2.0)
    assert not list(tmp_path.glob("*.part"))


def test_real_srtm(geokota, tmp_path):
    dem = shared("dem", "srtm1_merapi.tif")
    ring = [[110.42, -7.56], [110.43, -7.56], [110.43, -7.55],
            [110.42, -7.55], [110.42, -7.56]]
    region = write_geojson(tmp_path / "merapi.geojson", [feature(
        {"type": "Polygon", "coordinates": [ring]}, 1)])
    cell = volume(geokota, dem, "--region", region, "--level", "1000")
    tin = volume(geokota, dem, "--region", region, "--level", "1000",
                 "--method", "tin", "--threads", "1")
    lons, lats = zip(*ring)
    area = abs(Geod(ellps="WGS84").polygon_area_perimeter(lons, lats)[0])
    # Regions on lon/lat DEMs are taken with straight edges in degrees
    # (documented: ~2e-6 relative for 1 km edges).
    assert cell["area_m2"] == pytest.approx(area, rel=1e-5)
    assert tin["cut_m3"] == pytest.approx(cell["cut_m3"], rel=0.02)
    assert cell["cut_m3"] > 0 and cell["fill_m3"] == 0


def test_bad_inputs(geokota, tmp_path):
    dem = plane_dem(tmp_path, 10.0, 0.0, 0.0)
    region = rect(tmp_path, -50, -20, 50, 20)
    r = geokota("volume", dem, "--region", region, "--level", "1",
                "--plane", "0,0,0,0,0")
    assert r.code == 2 and "exactly one design" in r.err
    assert geokota("volume", dem, "--level", "1").code == 2
    far = rect(tmp_path, 5000, 5000, 5100, 5100, "far.gpkg")
    r = geokota("volume", dem, "--region", far, "--level", "1")
    assert r.code == 1 and "outside" in r.err
    nocrs = write_dem(tmp_path / "nocrs.tif", np.zeros((10, 10), np.float32),
                      0, 10, 1.0, crs=None)
    r = geokota("volume", nocrs, "--region", region, "--level", "1")
    assert r.code == 1 and "nocrs.tif" in r.err and "CRS" in r.err
    r = geokota("volume", tmp_path / "missing.tif", "--region", region,
                "--level", "1")
    assert r.code == 1 and "missing.tif" in r.err
    assert geokota("volume", "--help").out.startswith("usage: geokota volume")


def test_estimate_with_dem(geokota, tmp_path):
    # ROADS.md 5(e) through the estimate: the road's surface corridor is the
    # region, the rigid template's 0.30 m depth sets the formation.
    dem = plane_dem(tmp_path, 10.0 + 0.02 * 100, 0.02, 0.0, "road.tif")
    gpkg = road_gpkg(tmp_path / "road.gpkg", ["LINESTRING (-100 0, 100 0)"],
                     width=6.0)
    profile = tmp_path / "profile.csv"
    profile.write_text("station,elevation\n0,11.30\n200,11.30\n")
    r = geokota("estimate", "--format", "json", "--dem", dem, "--profile",
                profile, "--camber", "0", "--volume-method", "tin",
                "--swell", "1.25", "--shrink", "0.9", gpkg)
    rows = earthwork_rows(r)
    assert rows["cut_m3"] == pytest.approx(1350, rel=1e-6)
    assert rows["fill_m3"] == pytest.approx(150, rel=1e-6)
    assert rows["cut_loose_m3"] == pytest.approx(1350 * 1.25, rel=1e-6)
    assert rows["spoil_loads"] == math.ceil(1350 * 1.25 / 6)
    assert rows["fill_loads"] == math.ceil(150 / 0.9 * 1.25 / 6)
    bad = geokota("estimate", "--dem", dem, gpkg)
    assert bad.code == 2 and "--profile" in bad.err


def test_road_offset_follows_ground(geokota, tmp_path):
    # Ground rising 2 % along the road and 1 % across it. With the grade at
    # the smoothed ground (offset 0) and no camber, ground - formation is
    # the 0.30 m pavement depth plus 0.01 t across, which integrates to 0
    # over the symmetric corridor: cut = 0.30 x area, exact with TIN.
    dem = plane_dem(tmp_path, 12.0, 0.02, 0.01, "slope.tif")
    road = road_gpkg(tmp_path / "road.gpkg", ["LINESTRING (-100 0, 100 0)"])
    common = [dem, "--road", road, "--width", "6", "--camber", "0",
              "--template", "rigid_jalan_lingkungan"]
    tin = volume(geokota, *common, "--offset", "0", "--method", "tin")
    assert tin["area_m2"] == pytest.approx(1200, rel=1e-9)
    assert tin["cut_m3"] == pytest.approx(0.30 * 1200, rel=1e-9)
    assert tin["fill_m3"] == pytest.approx(0, abs=1e-6)
    # the smoothing window does not matter on a plane
    tin2 = volume(geokota, *common, "--offset", "0", "--smooth", "10",
                  "--method", "tin")
    assert tin2["cut_m3"] == pytest.approx(tin["cut_m3"], rel=1e-9)
    # raised 1 m: fill 0.70 m under the whole road
    up = volume(geokota, *common, "--offset", "1", "--method", "tin")
    assert up["fill_m3"] == pytest.approx(0.70 * 1200, rel=1e-9)
    assert up["cut_m3"] == pytest.approx(0, abs=1e-6)
    # sections: every section has cut area (0.30 + 0.01 t) over 6 m = 1.8
    sec = volume(geokota, *common, "--offset", "0", "--method", "sections")
    assert sec["cut_m3"] == pytest.approx(1.8 * 200, rel=1e-9)
    cell = volume(geokota, *common, "--offset", "0")
    assert cell["cut_m3"] == pytest.approx(0.30 * 1200, rel=1e-6)


def test_road_offset_bad_usage(geokota, tmp_path):
    dem = plane_dem(tmp_path, 10.0, 0.0, 0.0)
    region = rect(tmp_path, -50, -20, 50, 20)
    road = road_gpkg(tmp_path / "road.gpkg", ["LINESTRING (-100 0, 100 0)"])
    profile = tmp_path / "profile.csv"
    profile.write_text("station,elevation\n0,11.30\n200,11.30\n")
    r = geokota("volume", dem, "--region", region, "--offset", "1")
    assert r.code == 2 and "--road" in r.err
    r = geokota("volume", dem, "--road", road, "--offset", "1", "--profile",
                profile)
    assert r.code == 2 and "exactly one design" in r.err
    r = geokota("volume", dem, "--road", road, "--level", "1", "--smooth",
                "20")
    assert r.code == 2 and "--smooth" in r.err
    r = geokota("volume", dem, "--road", road, "--offset", "1", "--smooth",
                "-5")
    assert r.code == 2
    assert "--offset M" in geokota("volume", "--help").out


def test_estimate_with_dem_offset(geokota, tmp_path):
    # as test_estimate_with_dem, the grade now at the smoothed ground:
    # everything under the road is the 0.30 m pavement box, all cut
    dem = plane_dem(tmp_path, 12.0, 0.02, 0.01, "slope.tif")
    road = road_gpkg(tmp_path / "road.gpkg", ["LINESTRING (-100 0, 100 0)"],
                     width=6.0)
    r = geokota("estimate", "--format", "json", "--dem", dem, "--offset", "0",
                "--camber", "0", "--volume-method", "tin", road)
    rows = earthwork_rows(r)
    assert rows["cut_m3"] == pytest.approx(0.30 * 1200, rel=1e-9)
    assert rows["fill_m3"] == pytest.approx(0, abs=1e-6)
    r = geokota("estimate", "--format", "json", "--dem", dem, "--offset",
                "-0.5", "--smooth", "30", "--camber", "0", "--volume-method",
                "tin", road)
    rows = earthwork_rows(r)
    assert rows["cut_m3"] == pytest.approx(0.80 * 1200, rel=1e-9)
    bad = geokota("estimate", "--offset", "1", road)
    assert bad.code == 2 and "--dem" in bad.err
    assert "--offset M" in geokota("estimate", "--help").out
