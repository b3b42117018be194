"""Vectorised area, perimeter and length (the library's gk_measure_geoms)."""
from __future__ import annotations

import functools
from typing import Any, Dict, Optional, Tuple, Union

import numpy as np

from . import _geokota
from ._geometries import to_source

CRSLike = Union[str, int, Any]

_AREA, _PERIMETER, _LENGTH = 1, 2, 4


def _crs_string(crs: CRSLike) -> str:
    if crs is None:
        return "EPSG:4326"
    if isinstance(crs, str):
        return crs
    if isinstance(crs, int) and not isinstance(crs, bool):
        return f"EPSG:{crs}"
    if hasattr(crs, "to_wkt"):  # pyproj.CRS
        return crs.to_wkt()
    raise TypeError(f"crs must be a string ('EPSG:32748', WKT, PROJ), an "
                    f"EPSG code or a pyproj.CRS, not {type(crs).__name__}")


@functools.lru_cache(maxsize=64)
def crs_info(crs: str) -> Dict[str, Any]:
    """What geokota knows about a CRS definition: name, authority, wkt,
    geographic, equal_area, unit_to_m and the ellipsoid's a (m) and f.
    Cached per definition; do not modify the returned dict."""
    return _geokota.crs_info(crs)


@functools.lru_cache(maxsize=16)
def _geodesic(a: float, f: float) -> "_geokota.Geodesic":
    return _geokota.Geodesic(a, f)


def _method(crs: CRSLike, geodesic: Optional[bool]):
    """(Geodesic tables or None, unit_to_m, project_from) for a call."""
    definition = _crs_string(crs)
    info = crs_info(definition)
    if geodesic is None:
        geodesic = info["geographic"]
    if geodesic:
        tables = _geodesic(info["a"], info["f"])
        return tables, 1.0, None if info["geographic"] else definition
    if info["geographic"]:
        from . import CRSError
        raise CRSError(
            f"planar measurement of longitude/latitude degrees ({info['name']}"
            ") has no meaning: use geodesic=True (the default for lon/lat) "
            "or pass the projected crs= of the data")
    return None, info["unit_to_m"], None


def _run(geoms: Any, what: int, geodesic: Optional[bool],
         crs: CRSLike) -> Tuple[Any, Any, Any]:
    src, shape, scalar = to_source(geoms)
    tables, unit, project_from = _method(crs, geodesic)
    res = _geokota.measure(src, what, tables, unit, project_from)
    out = []
    for r in res:
        if r is None:
            out.append(None)
        elif scalar:
            out.append(float(r[0]))
        else:
            out.append(r.reshape(shape))
    return tuple(out)


_COMMON_DOC = """
    ``geoms``: WKB (bytes, or an object/``S`` array of bytes and None, e.g.
    ``GeoSeries.to_wkb()``), Shapely geometries (one, a list or an object
    array), a GeoSeries, or :class:`geokota.Geometries` (flat coordinate and
    offset arrays, read in place). The result has the shape of the input
    (a float for a single geometry); missing (None) geometries give NaN,
    empty ones 0.

    ``crs`` (default ``"EPSG:4326"``): the CRS of the coordinates, any
    definition PROJ understands, an EPSG code or a ``pyproj.CRS``.
    Coordinates are always x = longitude, y = latitude for geographic CRSs,
    whatever the CRS's official axis order.

    ``geodesic``: ``None`` (default) measures longitude/latitude on the
    ellipsoid of the CRS and projected coordinates in their plane (scaled to
    metres by the CRS's unit); ``True`` measures projected coordinates on
    the ellipsoid of their datum (after an exact inverse projection);
    ``False`` with a geographic CRS raises :class:`geokota.CRSError`.

    Geodesic results agree with Karney's algorithm (PROJ geod_polygonarea,
    ``pyproj.Geod``) to 1e-9 relative. The GIL is released during the work.
    Raises :class:`geokota.InputError` for malformed WKB, NaN/infinite
    coordinates or latitudes beyond 90 (the message names the geometry),
    :class:`geokota.UnsupportedError` for GeometryCollections, TypeError for
    inputs that are not geometries.
"""


def area(geoms: Any, geodesic: Optional[bool] = None, *,
         crs: CRSLike = "EPSG:4326") -> Any:
    """Area of each geometry in square metres: polygon exteriors minus
    holes, summed over the parts of a MultiPolygon; 0 for points and lines.
    """
    return _run(geoms, _AREA, geodesic, crs)[0]


def perimeter(geoms: Any, geodesic: Optional[bool] = None, *,
              crs: CRSLike = "EPSG:4326") -> Any:
    """Perimeter of each polygon in metres: the lengths of all its rings
    (holes included); 0 for points and lines.
    """
    return _run(geoms, _PERIMETER, geodesic, crs)[1]


def length(geoms: Any, geodesic: Optional[bool] = None, *,
           crs: CRSLike = "EPSG:4326") -> Any:
    """Length of each line in metres (summed over a MultiLineString's
    parts); 0 for polygons (see perimeter) and points.
    """
    return _run(geoms, _LENGTH, geodesic, crs)[2]


def measurements(geoms: Any, geodesic: Optional[bool] = None, *,
                 crs: CRSLike = "EPSG:4326") -> Dict[str, Any]:
    """Area (m2), perimeter (m) and length (m) in one pass, as a dict with
    keys ``area_m2``, ``perimeter_m`` and ``length_m``.
    """
    a, p, l = _run(geoms, _AREA | _PERIMETER | _LENGTH, geodesic, crs)
    return {"area_m2": a, "perimeter_m": p, "length_m": l}


for _f in (area, perimeter, length, measurements):
    _f.__doc__ = (_f.__doc__ or "") + _COMMON_DOC
del _f
