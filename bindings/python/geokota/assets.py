"""geokota.assets: the city's asset register (street lights, drains,
manholes, trees, schools...) kept in a SpatiaLite file and queried in true
metres on the WGS 84 ellipsoid -- the library's gk_assets_* functions, as
``geokota assets`` runs them.

    with geokota.assets.open("city.sqlite", create=True) as store:
        store.import_file("lights.geojson", kind="street_light")
        near = store.near(106.63, -6.18, k=5)
        near["id"], near["distance_m"]          # numpy arrays
        near.to_dataframe()                     # GeoDataFrame (geopandas)

Results are plain dicts of numpy arrays with the keys of the CLI's JSON
(``geokota assets near ... --format json``): asset rows have ``id``,
``kind``, ``distance_m``, ``group`` (the polygon or road a row belongs to;
-1 for near and box queries), ``fid``, ``condition``, ``installed``,
``district``, ``attrs`` (dicts) and ``geometry`` (a list of WKB bytes,
lon/lat). pandas/geopandas are needed only for ``to_dataframe()``.

A store object may be shared between threads: its calls are serialised
(the library's handle belongs to one thread at a time) and run with the
GIL released. For parallel queries open one store per thread.
"""
from __future__ import annotations

import json
import os
import threading
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

import numpy as np

from . import _geokota
from ._data import data_dir as _data_dir

__all__ = ["open", "Store", "AssetRows", "AssetSummary", "AssetGaps"]

PathLike = Union[str, "os.PathLike[str]"]
Kinds = Union[None, str, Sequence[str]]

_READONLY = 1
_CREATE = 2


def _kinds(kind: Kinds) -> Optional[List[str]]:
    if kind is None:
        return None
    if isinstance(kind, str):
        return [k for k in kind.split(",") if k]
    return [str(k) for k in kind]


def _geoframe(d: Dict[str, Any], columns: Sequence[str]) -> Any:
    """A GeoDataFrame (lon/lat, EPSG:4326) when geopandas is importable,
    else a pandas DataFrame with the WKB in ``geometry``."""
    import pandas
    frame = pandas.DataFrame({c: d[c] for c in columns})
    try:
        import geopandas
    except ImportError:
        frame["geometry"] = d["geometry"]
        return frame
    geom = geopandas.GeoSeries.from_wkb(d["geometry"], crs="EPSG:4326")
    return geopandas.GeoDataFrame(frame, geometry=geom.values,
                                  crs="EPSG:4326")


class AssetRows(dict):
    """Assets a query found: a dict of equal-length columns (see the
    module doc), in the library's order (near: by distance then id; within:
    by polygon then id; along: by road, distance, id)."""

    def __len__(self) -> int:  # the number of rows, not of columns
        return len(self["id"])

    @property
    def columns(self) -> List[str]:
        return list(self.keys())

    def to_dataframe(self) -> Any:
        """One row per asset; a GeoDataFrame when geopandas is
        importable."""
        return _geoframe(self, [c for c in self.keys() if c != "geometry"])


class AssetSummary(dict):
    """Counts by area and kind: ``areas`` (names; the last is
    "(outside)"), ``kinds``, and area x kind tables ``count``, ``length_m``
    (geodesic length of line assets inside the area) and ``area_m2``."""

    def missing(self) -> Dict[str, List[str]]:
        """For each area, the kinds it has none of."""
        return {a: [k for j, k in enumerate(self["kinds"])
                    if self["count"][i, j] == 0]
                for i, a in enumerate(self["areas"])}

    def to_dataframe(self) -> Any:
        """Long form, one row per (area, kind), as the CLI's table."""
        import pandas
        na, nk = self["count"].shape
        return pandas.DataFrame({
            "area": np.repeat(self["areas"], nk),
            "kind": np.tile(self["kinds"], na),
            "count": self["count"].ravel(),
            "length_m": self["length_m"].ravel(),
            "area_m2": self["area_m2"].ravel()})


class AssetGaps(dict):
    """Uncovered road stretches: ``road`` (feature index), ``road_fid``,
    ``name``, ``from_m``, ``to_m``, ``length_m`` (geodesic chainages) and
    ``geometry`` (WKB LineStrings, lon/lat)."""

    def __len__(self) -> int:
        return len(self["road"])

    def to_dataframe(self) -> Any:
        return _geoframe(self, ["road", "road_fid", "name", "from_m", "to_m",
                                "length_m"])


class Store:
    """An open asset store; see :func:`open`. Use as a context manager or
    call :meth:`close`."""

    def __init__(self, path: PathLike, create: bool = False,
                 readonly: bool = False) -> None:
        if create and readonly:
            raise ValueError("a store cannot be both created and read-only")
        self.path = os.fspath(path)
        self.readonly = bool(readonly)
        self._lock = threading.Lock()
        flags = (_CREATE if create else 0) | (_READONLY if readonly else 0)
        self._cap = _geokota.assets_open(self.path, flags)

    # -- life ---------------------------------------------------------
    def close(self) -> None:
        """Close the store (again is a no-op)."""
        with self._lock:
            _geokota.assets_close(self._cap)

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<geokota.assets.Store {self.path!r}>"

    def _call(self, fn: Any, *args: Any, **kw: Any) -> Any:
        with self._lock:
            return fn(self._cap, *args, **kw)

    def _rows(self, fn: Any, *args: Any) -> AssetRows:
        d = self._call(fn, *args)
        d["attrs"] = np.array([json.loads(a) if a else {}
                               for a in d["attrs"]], dtype=object)
        return AssetRows(d)

    # -- import -------------------------------------------------------
    def import_file(self, path: PathLike, kind: Optional[str] = None,
                    kind_field: Optional[str] = None,
                    id_field: Optional[str] = None,
                    mapping: Optional[PathLike] = None,
                    rejects: Optional[PathLike] = None, *,
                    strict: bool = False, who: Optional[str] = None,
                    layer: Optional[str] = None, crs: Optional[str] = None,
                    kinds: Optional[PathLike] = None,
                    condition_field: Optional[str] = None,
                    installed_field: Optional[str] = None,
                    district_field: Optional[str] = None,
                    id_prefix: Optional[str] = None,
                    data_dir: Optional[PathLike] = None) -> Dict[str, Any]:
        """Upsert the features of a vector file (any OGR format and CRS) by
        id, in one transaction, as ``geokota assets import``; returns its
        report {read, inserted, updated, unchanged, rejected,
        first_reject}. Features with an unknown kind, no id, a repeated id
        or a bad geometry are rejected (written to ``rejects``, GeoJSON,
        with a "reject_reason") and the rest imported; with ``strict`` any
        reject raises :class:`geokota.InputError` and nothing is written.
        A store without kinds first gets ``kinds`` or the data folder's
        asset_kinds.json.

        Raises FileError (missing/unreadable file, locked store),
        InputError (no kind option, unknown field), CRSError."""
        default_kinds = os.path.join(_data_dir(
            os.fspath(data_dir) if data_dir else None), "asset_kinds.json")
        fs = (lambda p: os.fspath(p) if p is not None else None)
        return self._call(
            _geokota.assets_import, os.fspath(path), default_kinds,
            kind=kind, kind_field=kind_field, id_field=id_field,
            mapping=fs(mapping), rejects=fs(rejects), strict=strict,
            who=who or os.environ.get("USER") or "geokota", layer=layer,
            crs=crs, kinds_file=fs(kinds), condition_field=condition_field,
            installed_field=installed_field, district_field=district_field,
            id_prefix=id_prefix)

    # -- queries ------------------------------------------------------
    def near(self, lon: float, lat: float, k: int = 5, kind: Kinds = None,
             max_distance: Optional[float] = None) -> AssetRows:
        """The ``k`` assets nearest to (lon, lat) (WGS 84 degrees) by true
        distance in metres (0 inside a polygon), nearest first, ties by id;
        only those within ``max_distance`` metres when given. ``kind``: a
        kind or list of kinds (an unknown one raises InputError)."""
        if max_distance is not None and not max_distance > 0:
            raise ValueError("max_distance must be > 0 metres")
        return self._rows(_geokota.assets_near, float(lon), float(lat),
                          int(k), float(max_distance or 0.0), _kinds(kind))

    def within(self, where: Union[PathLike, Tuple[float, float, float, float]],
               kind: Kinds = None, *, layer: Optional[str] = None,
               crs: Optional[str] = None) -> AssetRows:
        """Assets inside the polygons of the file ``where`` (boundary
        excluded; ``group`` = the polygon's feature index; one row per
        polygon an asset is in), or wholly inside the lon/lat box
        ``(west, south, east, north)`` (closed)."""
        if isinstance(where, (tuple, list)):
            src: Any = tuple(float(v) for v in where)
        else:
            src = os.fspath(where)
        return self._rows(_geokota.assets_within, src, _kinds(kind), layer,
                          crs)

    def along(self, roads: PathLike, distance: float, kind: Kinds = None, *,
              per_road: bool = False, layer: Optional[str] = None,
              crs: Optional[str] = None) -> AssetRows:
        """Assets within ``distance`` metres (true distance, closed) of the
        road centerlines in ``roads``: each asset once with its nearest road
        in ``group``, or with ``per_road`` one row per (road, asset)."""
        return self._rows(_geokota.assets_along, os.fspath(roads),
                          float(distance), bool(per_road), _kinds(kind),
                          layer, crs)

    def summary(self, areas: PathLike, by_field: Optional[str] = None, *,
                layer: Optional[str] = None,
                crs: Optional[str] = None) -> AssetSummary:
        """Assets by kind in each polygon of ``areas`` (points in the first
        polygon covering them; lines and polygons clipped and measured on
        the ellipsoid); areas named by ``by_field`` or their index."""
        d = self._call(_geokota.assets_summary, os.fspath(areas), by_field,
                       layer, crs)
        d["by"] = by_field or ""
        return AssetSummary(d)

    def gaps(self, roads: PathLike, kind: Kinds, distance: float,
             min_length: float, *, name_field: Optional[str] = None,
             layer: Optional[str] = None,
             crs: Optional[str] = None) -> AssetGaps:
        """Stretches of the roads longer than ``min_length`` metres with no
        asset of ``kind`` within ``distance`` metres (e.g. unlit streets:
        "street_light", 30, 100)."""
        kinds = _kinds(kind)
        if not kinds:
            raise ValueError("gaps needs a kind")
        return AssetGaps(self._call(_geokota.assets_gaps, os.fspath(roads),
                                    float(distance), float(min_length),
                                    kinds, name_field, layer, crs))


def open(path: PathLike, create: bool = False,  # noqa: A001 - the C name
         readonly: bool = False) -> Store:
    """Open the asset store at ``path`` (a SpatiaLite file): with
    ``create`` the file and schema are made when absent; ``readonly``
    neither writes nor migrates. An older schema is migrated on open.

    Raises FileError for a missing file (without ``create``), a locked or
    non-geokota file; UnsupportedError for a newer schema."""
    return Store(path, create=create, readonly=readonly)
