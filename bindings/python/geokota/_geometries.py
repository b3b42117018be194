"""Columnar geometries, and turning what users hold into what the C
extension reads: WKB arrays, Shapely geometries, GeoSeries, or flat arrays.
"""
from __future__ import annotations

from typing import Any, Optional, Tuple

import numpy as np

from . import _geokota

#: Geometry type codes (the OGC WKB numbers), as stored in ``types``.
NONE, POINT, LINESTRING, POLYGON = 0, 1, 2, 3
MULTIPOINT, MULTILINESTRING, MULTIPOLYGON = 4, 5, 6
_KINDS = {
    "point": POINT, "linestring": LINESTRING, "polygon": POLYGON,
    "multipoint": MULTIPOINT, "multilinestring": MULTILINESTRING,
    "multipolygon": MULTIPOLYGON,
}
_NAMES = {v: k for k, v in _KINDS.items()}
_NAMES[NONE] = "none"


class Geometries:
    """Many geometries in geokota's columnar layout (GeoArrow-style).

    ``xy`` is a ``(nverts, 2)`` float64 array; ``ring_offsets`` (int64)
    splits it into rings, ``part_offsets`` rings into parts, and
    ``geom_offsets`` parts into geometries; ``types`` (uint8) holds one
    type code per geometry (0 none, 1 Point ... 6 MultiPolygon). Every type
    uses all three levels: a Polygon is one part whose first ring is the
    exterior; a LineString is one part with one ring; a Point one part with
    one ring of one vertex. ``z`` (float64 per vertex) and ``missing``
    (bool per geometry, True where the input was None) are optional.

    The arrays are used in place, without copies, by every geokota
    function; the constructor checks once that they are consistent (dtype,
    shape, offsets non-decreasing and within bounds) and raises
    :class:`TypeError`, :class:`ValueError` or :class:`geokota.InputError`
    otherwise. Do not modify the arrays afterwards.
    """

    __slots__ = ("types", "geom_offsets", "part_offsets", "ring_offsets",
                 "xy", "z", "missing")

    def __init__(self, types: np.ndarray, geom_offsets: np.ndarray,
                 part_offsets: np.ndarray, ring_offsets: np.ndarray,
                 xy: np.ndarray, z: Optional[np.ndarray] = None,
                 missing: Optional[np.ndarray] = None) -> None:
        self.types = types
        self.geom_offsets = geom_offsets
        self.part_offsets = part_offsets
        self.ring_offsets = ring_offsets
        self.xy = xy
        self.z = z
        self.missing = missing
        _geokota.check_geoms(self._flat())

    def _flat(self) -> tuple:
        return (self.types, self.geom_offsets, self.part_offsets,
                self.ring_offsets, self.xy, self.z, self.missing)

    @classmethod
    def _trusted(cls, flat: tuple) -> "Geometries":
        """Wrap arrays that geokota itself produced (already consistent)."""
        g = cls.__new__(cls)
        (g.types, g.geom_offsets, g.part_offsets, g.ring_offsets, g.xy,
         g.z, g.missing) = flat
        return g

    @classmethod
    def from_wkb(cls, wkb: Any) -> "Geometries":
        """Parse WKB (a sequence or array of bytes/None, or a numpy ``S``
        array) into new columnar arrays. Accepts ISO and EWKB, both byte
        orders, 2D/Z/M/ZM (M dropped); GeometryCollection raises
        :class:`geokota.UnsupportedError`, malformed WKB
        :class:`geokota.InputError` naming the element and byte."""
        src, _, _ = to_source(wkb)
        if isinstance(src, tuple):
            return cls._trusted(src)
        return cls._trusted(_geokota.parse_wkb(src))

    @classmethod
    def from_shapely(cls, geoms: Any) -> "Geometries":
        """Convert Shapely geometries (or a GeoSeries) through WKB."""
        return cls.from_wkb(geoms)

    @classmethod
    def from_arrays(cls, xy: np.ndarray, ring_offsets: np.ndarray,
                    part_offsets: Optional[np.ndarray] = None,
                    geom_offsets: Optional[np.ndarray] = None, *,
                    kind: str = "polygon",
                    types: Optional[np.ndarray] = None,
                    z: Optional[np.ndarray] = None) -> "Geometries":
        """Geometries over flat arrays, without copying them.

        ``xy``: float64 ``(nverts, 2)`` C-contiguous; offsets: int64. With
        ``part_offsets=None`` every part has one ring (``arange``), with
        ``geom_offsets=None`` every geometry one part. ``kind`` names the
        type of all geometries ('polygon', 'linestring', 'point',
        'multipolygon', ...) unless ``types`` (uint8 per geometry) is given.
        Wrong dtypes raise TypeError, wrong shapes ValueError: nothing is
        converted silently, so nothing is copied silently.
        """
        if not isinstance(ring_offsets, np.ndarray):
            raise TypeError("ring_offsets must be a numpy int64 array, not "
                            f"{type(ring_offsets).__name__}")
        if part_offsets is None:
            part_offsets = np.arange(max(len(ring_offsets), 1),
                                     dtype=np.int64)
        if not isinstance(part_offsets, np.ndarray):
            raise TypeError("part_offsets must be a numpy int64 array")
        if geom_offsets is None:
            geom_offsets = np.arange(max(len(part_offsets), 1),
                                     dtype=np.int64)
        if not isinstance(geom_offsets, np.ndarray):
            raise TypeError("geom_offsets must be a numpy int64 array")
        if types is None:
            if kind not in _KINDS:
                raise ValueError(f"kind must be one of {sorted(_KINDS)}, "
                                 f"not {kind!r}")
            types = np.full(max(len(geom_offsets) - 1, 0), _KINDS[kind],
                            dtype=np.uint8)
        return cls(types, geom_offsets, part_offsets, ring_offsets, xy, z)

    def __len__(self) -> int:
        return len(self.types)

    @property
    def has_z(self) -> bool:
        return self.z is not None

    def type_names(self) -> np.ndarray:
        """Type of each geometry as a string ('polygon', 'none', ...)."""
        return np.array([_NAMES[int(t)] for t in self.types], dtype=object)

    def to_wkb(self) -> np.ndarray:
        """Little-endian ISO WKB per geometry (object array; None for
        missing and empty geometries)."""
        return _geokota.to_wkb(self._flat())

    def to_shapely(self) -> np.ndarray:
        """Shapely geometries (object array; None where missing/empty)."""
        from shapely import wkb as shapely_wkb
        out = np.empty(len(self), dtype=object)
        for i, b in enumerate(self.to_wkb()):
            out[i] = None if b is None else shapely_wkb.loads(b)
        return out

    def __repr__(self) -> str:
        return (f"<geokota.Geometries: {len(self)} geometries, "
                f"{len(self.xy)} vertices{', z' if self.has_z else ''}>")


def _is_geometry(obj: Any) -> bool:
    return hasattr(obj, "wkb") and hasattr(obj, "geom_type")


def _objects_to_wkb(arr: np.ndarray) -> np.ndarray:
    """Object array of bytes/None/Shapely geometries -> bytes/None."""
    out = np.empty(arr.size, dtype=object)
    for i, g in enumerate(arr.flat):
        if g is None or isinstance(g, bytes):
            out[i] = g
        elif _is_geometry(g):
            out[i] = g.wkb
        else:
            raise TypeError(f"element {i} is {type(g).__name__}, expected "
                            "bytes (WKB), a Shapely geometry or None")
    return out


def to_source(geoms: Any) -> Tuple[Any, tuple, bool]:
    """(what the extension reads, output shape, scalar?) for any accepted
    geometry input. Raises TypeError for what it cannot take."""
    if isinstance(geoms, Geometries):
        return geoms._flat(), (len(geoms),), False
    if geoms is None:
        raise TypeError("geoms is None: expected WKB bytes, Shapely "
                        "geometries, a GeoSeries or geokota.Geometries")
    if isinstance(geoms, (bytes, bytearray)):
        arr = np.empty(1, dtype=object)
        arr[0] = bytes(geoms)
        return arr, (), True
    if isinstance(geoms, str):
        raise TypeError("geoms is a str: pass WKB bytes (for hex text use "
                        "bytes.fromhex, for WKT shapely.wkt.loads)")
    if _is_geometry(geoms):
        arr = np.empty(1, dtype=object)
        arr[0] = geoms.wkb
        return arr, (), True
    if hasattr(geoms, "to_wkb") and not isinstance(geoms, np.ndarray):
        # GeoSeries / GeometryArray: None stays None (a missing value)
        geoms = np.asarray(geoms.to_wkb(), dtype=object)
    if isinstance(geoms, np.ndarray):
        if geoms.dtype.kind == "S":
            return np.ascontiguousarray(geoms).reshape(-1), geoms.shape, False
        if geoms.dtype.kind != "O":
            raise TypeError(
                f"a {geoms.dtype} array is not geometries: expected an "
                "object array of WKB bytes or Shapely geometries, or "
                "geokota.Geometries.from_arrays(xy, offsets) for coordinates")
        shape = geoms.shape
        flat = np.ascontiguousarray(geoms).reshape(-1)
        for g in flat:
            if g is not None:
                if not isinstance(g, bytes):
                    flat = _objects_to_wkb(flat)
                break
        return flat, shape, False
    if isinstance(geoms, (list, tuple)):
        arr = np.empty(len(geoms), dtype=object)
        for i, g in enumerate(geoms):
            arr[i] = g
        return to_source(arr)
    if hasattr(geoms, "__iter__"):
        return to_source(list(geoms))
    raise TypeError(f"cannot measure a {type(geoms).__name__}: expected WKB "
                    "bytes, Shapely geometries, a GeoSeries or "
                    "geokota.Geometries")
