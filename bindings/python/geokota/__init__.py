"""geokota: exact areas and lengths on the WGS84 ellipsoid, vectorised.

Python bindings of libgeokota (a CPython + numpy C-API extension, built by
meson from the same tree as the C library and the CLI)::

    import geokota
    areas = geokota.area(geoseries.to_wkb())          # m2, on the ellipsoid
    areas = geokota.area(parcels_utm, crs="EPSG:32748")  # planar, in m2
    layer = geokota.read("roads.gpkg", where="kind = 'jalan'")
    report = geokota.measure("kecamatan.geojson")     # as `geokota measure`

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

__version__ = _geokota.version()

__all__ = [
    "area", "perimeter", "length", "measurements", "read", "measure",
    "Layer", "Geometries", "crs_info", "GeokotaError", "InputError",
    "UnsupportedError", "FileError", "CRSError", "NONE", "POINT",
    "LINESTRING", "POLYGON", "MULTIPOINT", "MULTILINESTRING", "MULTIPOLYGON",
    "__version__",
]
