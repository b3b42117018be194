"""geokota: exact areas and lengths on the WGS84 ellipsoid, vectorised.

Python bindings of libgeokota (a CPython + numpy C-API extension, built by
meson from the same tree as the C library and the CLI)::

    import geokota
    areas = geokota.area(geoseries.to_wkb())          # m2, on the ellipsoid
    areas = geokota.area(parcels_utm, crs="EPSG:32748")  # planar, in m2
    layer = geokota.read("roads.gpkg", where="kind = 'jalan'")
    report = geokota.measure("kecamatan.geojson")     # as `geokota measure`
    tree = geokota.RTree(boxes)                       # (n, 4) float64
    qi, ii = tree.query_batch(windows)                # all pairs at once
    bill = geokota.estimate("roads.geojson", prices="prices.csv")
    vol = geokota.volume("dem.tif", "site.geojson", level=12.5)

Errors raise :class:`GeokotaError` subclasses carrying the library's
message: :class:`InputError` and :class:`CRSError` are also ValueErrors,
:class:`FileError` an OSError; out of memory raises MemoryError.
"""
from . import _geokota
from ._geokota import (CRSError, FileError, GeokotaError, InputError,
                       UnsupportedError)
from ._geometries import (LINESTRING, MULTILINESTRING, MULTIPOINT,
                          MULTIPOLYGON, NONE, POINT, POLYGON, Geometries)
from ._io import Layer, measure, read
from ._measure import area, crs_info, length, measurements, perimeter
from ._rtree import Index, Item, RTree
from ._data import data_dir
from ._estimate import (EstimateReport, RoadTask, estimate, estimate_merge,
                        partition_roads, plane_origin)
from ._volume import VolumeReport, volume
from . import assets

__version__ = _geokota.version()

__all__ = [
    "area", "perimeter", "length", "measurements", "read", "measure",
    "Layer", "Geometries", "crs_info", "RTree", "Index", "Item",
    "estimate", "estimate_merge", "partition_roads", "plane_origin",
    "RoadTask", "EstimateReport", "volume", "VolumeReport", "data_dir",
    "assets", "GeokotaError", "InputError",
    "UnsupportedError", "FileError", "CRSError", "NONE", "POINT",
    "LINESTRING", "POLYGON", "MULTIPOINT", "MULTILINESTRING", "MULTIPOLYGON",
    "__version__",
]
