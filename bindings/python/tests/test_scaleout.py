"""Scale-out on Dask distributed: examples/python/estimate_per_district.py
run on a LocalCluster of two worker processes; the per-district estimate
reduces to the single-machine bill to the bit, and cut/fill summed over
DEM tiles to the whole's up to the order of additions. Skipped when dask,
distributed or geopandas are not importable."""
import os

import pytest

import geokota
from conftest import SOURCE_ROOT
from test_estimate import load_example

pytest.importorskip("geopandas")
pytest.importorskip("dask")
distributed = pytest.importorskip("dask.distributed")


@pytest.fixture(scope="module")
def client():
    if os.environ.get("LD_PRELOAD"):
        # sanitizer build: forked workers under ASan make this slow and
        # the same code paths are covered by test_estimate/test_volume
        pytest.skip("Dask workers are not run under the sanitizers")
    with distributed.LocalCluster(n_workers=2, processes=True,
                                  threads_per_worker=1,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as c:
        yield c


def test_estimate_per_district_equals_single_machine(client):
    ex = load_example()
    roads = ex.make_roads(n=10)
    merged = ex.estimate_per_district(client, roads)
    whole = geokota.estimate(roads)
    assert len(set(ex.district_of(roads))) >= 4
    assert merged == whole
    assert ex.same_materials(merged, whole)
    # the work did run on the workers
    assert client.run(lambda: "geokota" in __import__("sys").modules)


def test_volume_per_tile_sums_to_whole(client, tmp_path):
    ex = load_example()
    dem = str(tmp_path / "dem.tif")
    x0, y0, cell = ex.make_dem(dem)
    site = ex.site_polygon(x0, y0)
    summed = ex.volume_per_tile(client, dem, site, x0, y0, cell, 13.0)
    whole = geokota.volume(dem, site, level=13.0, crs=ex.UTM)
    assert summed["tiles"] >= 4
    assert whole["cut_m3"] > 0 and whole["fill_m3"] > 0
    for k in ("cut_m3", "fill_m3", "area_m2"):
        # each cell contributes the same amount; only the order of the
        # additions differs (a few ulps of the total per tile)
        assert summed[k] == pytest.approx(whole[k], rel=1e-12), k
    assert summed["nodata_area_m2"] == whole["nodata_area_m2"] == 0
