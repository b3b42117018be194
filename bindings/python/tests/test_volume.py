"""geokota.volume: the CLI's JSON to the bit; region given as a file, a
Layer, Shapely, a GeoDataFrame; the analytic volume of a planar terrain
(TIN is exact there); designs; warnings and errors."""
import json
import subprocess

import numpy as np
import pytest

import geokota
from conftest import GEOKOTA

gdal = pytest.importorskip("osgeo.gdal")
osr = pytest.importorskip("osgeo.osr")
gdal.UseExceptions()

UTM = "EPSG:32748"
X0, Y0, CELL = 680000.0, 9315000.0, 10.0


def plane_dem(path, a, b, c, cols=60, rows=50, unit=None):
    """z = a + b (x - X0) + c (Y0 - y) at cell centres, Float64."""
    xs = (np.arange(cols) + 0.5) * CELL
    ys = (np.arange(rows) + 0.5) * CELL
    X, Y = np.meshgrid(xs, ys)
    ds = gdal.GetDriverByName("GTiff").Create(str(path), cols, rows, 1,
                                              gdal.GDT_Float64)
    ds.SetGeoTransform((X0, CELL, 0, Y0, 0, -CELL))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(32748)
    ds.SetProjection(srs.ExportToWkt())
    band = ds.GetRasterBand(1)
    band.WriteArray(a + b * X + c * Y)
    if unit:
        band.SetUnitType(unit)
    ds = None
    return path


def rect(x0, y0, x1, y1):
    from shapely.geometry import box
    return box(X0 + x0, Y0 - y1, X0 + x1, Y0 - y0)


def write_region(path, geom):
    fc = {"type": "FeatureCollection",
          "crs": {"type": "name",
                  "properties": {"name": "urn:ogc:def:crs:EPSG::32748"}},
          "features": [{"type": "Feature", "properties": {},
                        "geometry": geom.__geo_interface__}]}
    path.write_text(json.dumps(fc))
    return path


def cli(*args):
    p = subprocess.run([GEOKOTA, "volume", *map(str, args), "--format",
                        "json", "-q"], capture_output=True, text=True,
                       timeout=120)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def test_equals_cli_and_analytic(tmp_path):
    dem = plane_dem(tmp_path / "dem.tif", 10.0, 0.01, -0.02)
    site = rect(55, 45, 455, 385)  # inside the cell-centre hull
    region = write_region(tmp_path / "site.geojson", site)
    for method in ("cell", "tin"):
        got = geokota.volume(dem, region, level=8.0, method=method)
        assert got == cli(dem, "--region", region, "--level", 8,
                          "--method", method)
    # z - 8 = 2 + 0.01 x - 0.02 y over x in [55, 455], y in [45, 385]:
    # mean at the centre (255, 215) = 2 + 2.55 - 4.3 = 0.25 m over the area
    tin = geokota.volume(dem, site, level=8.0, method="tin", crs=UTM)
    area = 400.0 * 340.0
    assert tin["area_m2"] == pytest.approx(area, rel=1e-12)
    assert tin["net_m3"] == pytest.approx(0.25 * area, rel=1e-9)
    # the cut: z - 8 > 0 where y < 100 + x / 2 (local x east, y south);
    # a linear function integrates to area x its value at the centroid
    from shapely.geometry import Polygon, box
    below = Polygon([(0, 100), (600, 400), (600, -1000), (0, -1000)])
    cut = box(55, 45, 455, 385).intersection(below)
    f = 2 + 0.01 * cut.centroid.x - 0.02 * cut.centroid.y
    assert tin["cut_m3"] == pytest.approx(cut.area * f, rel=1e-9)
    assert tin["fill_m3"] == pytest.approx(cut.area * f - 0.25 * area,
                                           rel=1e-9)


def test_region_forms_agree(tmp_path):
    gpd = pytest.importorskip("geopandas")
    dem = plane_dem(tmp_path / "dem.tif", 10.0, 0.01, -0.02)
    site = rect(60, 50, 300, 260).difference(rect(100, 100, 150, 140))
    path = write_region(tmp_path / "site.geojson", site)
    want = geokota.volume(dem, path, level=11.0, threads=1)
    assert geokota.volume(dem, geokota.read(path), level=11.0) == want
    gdf = gpd.GeoDataFrame(geometry=[site], crs=UTM)
    assert geokota.volume(dem, gdf, level=11.0) == want
    assert geokota.volume(dem, gdf.geometry, level=11.0) == want
    # shapely or WKB without a CRS: the DEM's
    assert geokota.volume(dem, site, level=11.0) == want
    assert geokota.volume(dem, [site.wkb], level=11.0) == want
    # the same region in lon/lat is reprojected to the DEM's CRS
    ll = gdf.to_crs("EPSG:4326")
    assert geokota.volume(dem, ll, level=11.0)["area_m2"] == pytest.approx(
        want["area_m2"], rel=1e-6)
    frame = want.frame()
    assert frame["cut_m3"][0] == want["cut_m3"]


def test_designs(tmp_path):
    dem = plane_dem(tmp_path / "dem.tif", 10.0, 0.01, -0.02)
    site = rect(55, 45, 455, 385)
    # a plane design equal to the terrain: nothing to cut or fill
    same = geokota.volume(dem, site, method="tin",
                          plane=(X0, Y0, 10.0, 0.01, 0.02))
    assert abs(same["cut_m3"]) < 1e-6 and abs(same["fill_m3"]) < 1e-6
    # a second survey 0.5 m lower everywhere: 0.5 m of cut over the site
    after = plane_dem(tmp_path / "after.tif", 9.5, 0.01, -0.02)
    diff = geokota.volume(dem, site, surface=after, method="tin")
    assert diff["cut_m3"] == pytest.approx(0.5 * 400 * 340, rel=1e-9)
    assert diff["fill_m3"] == pytest.approx(0, abs=1e-6)
    sw = geokota.volume(dem, site, level=8.0, swell=1.3, shrink=0.8)
    assert sw["cut_loose_m3"] == pytest.approx(sw["cut_m3"] * 1.3)
    assert sw["fill_bank_m3"] == pytest.approx(sw["fill_m3"] / 0.8)
    out = tmp_path / "diff.tif"
    geokota.volume(dem, site, level=8.0, diff_raster=out)
    assert gdal.Open(str(out)).RasterXSize * CELL >= 400  # the site window


def test_warnings_and_errors(tmp_path):
    feet = plane_dem(tmp_path / "feet.tif", 30.0, 0.0, 0.0, unit="ft")
    site = rect(55, 45, 255, 185)
    with pytest.warns(UserWarning, match="feet|ft"):
        r = geokota.volume(feet, site, level=0.0)
    assert r["cut_m3"] == pytest.approx(30 * 0.3048 * 200 * 140, rel=1e-9)
    dem = plane_dem(tmp_path / "dem.tif", 10.0, 0.0, 0.0)
    with pytest.raises(ValueError, match="exactly one design"):
        geokota.volume(dem, site, level=1.0, plane=(0, 0, 0, 0, 0))
    with pytest.raises(ValueError, match="exactly one design"):
        geokota.volume(dem, site)
    with pytest.raises(ValueError, match="method"):
        geokota.volume(dem, site, level=1.0, method="sections")
    with pytest.raises(geokota.FileError):
        geokota.volume(tmp_path / "none.tif", site, level=1.0)
    with pytest.raises(geokota.InputError):
        geokota.volume(dem, rect(5000, 5000, 6000, 6000), level=1.0)
