"""Reading vector files into numpy arrays, and measuring files."""
from __future__ import annotations

import os
import warnings
from typing import Any, Dict, Optional, Union

import numpy as np

from . import _geokota
from ._geometries import Geometries
from ._measure import CRSLike, measurements as _measurements, _run

PathLike = Union[str, "os.PathLike[str]"]


class Layer:
    """The features of one layer of a vector source, in numpy arrays.

    ``geometry`` (:class:`geokota.Geometries`), ``attributes`` (dict of
    column name -> numpy array: int64, float64 with NaN for null, or object
    arrays of str/None; an integer column with nulls becomes float64),
    ``fids`` (the source's feature ids), ``crs`` (authority code such as
    ``"EPSG:4326"``, or WKT, or None when the source has none), ``crs_name``,
    ``name`` and ``source``. Features without geometry measure as NaN.
    """

    def __init__(self, d: Dict[str, Any]) -> None:
        self.name: str = d["name"]
        self.source: str = d["source"]
        self.crs: Optional[str] = d["crs"]
        self.crs_name: Optional[str] = d["crs_name"]
        self.fids: np.ndarray = d["fids"]
        flat = d["geoms"]
        # Null and empty geometries (the reader cannot tell them apart) are
        # missing values: NaN measurements, None as WKB, as in the CLI.
        none = flat[0] == 0
        flat = flat[:6] + ((none if none.any() else None),)
        self.geometry: Geometries = Geometries._trusted(flat)
        self.attributes: Dict[str, np.ndarray] = d["fields"]

    def __len__(self) -> int:
        return len(self.fids)

    def __repr__(self) -> str:
        return (f"<geokota.Layer {self.name!r}: {len(self)} features, "
                f"{len(self.attributes)} fields, crs {self.crs_name or None}>")

    def _crs(self, crs: Optional[CRSLike]) -> CRSLike:
        """The CRS to measure with: the argument, the layer's, or (with a
        warning) WGS 84 when every coordinate fits longitude/latitude."""
        if crs is not None:
            return crs
        if self.crs is not None:
            return self.crs
        xy = self.geometry.xy
        if len(xy) == 0 or (np.all(np.abs(xy[:, 0]) <= 180)
                            and np.all(np.abs(xy[:, 1]) <= 90)):
            warnings.warn(f"{self.source}: no CRS; coordinates fit "
                          "longitude/latitude, measured as WGS 84",
                          UserWarning, stacklevel=3)
            return "OGC:CRS84"
        from . import CRSError
        raise CRSError(f"{self.source}: no CRS and coordinates such as "
                       f"{xy[0, 0]:g}, {xy[0, 1]:g} are not longitude/"
                       "latitude: pass crs=")

    def area(self, geodesic: Optional[bool] = None, *,
             crs: Optional[CRSLike] = None) -> np.ndarray:
        """Area per feature in m2 (see geokota.area); crs defaults to the
        layer's."""
        return _run(self.geometry, 1, geodesic, self._crs(crs))[0]

    def perimeter(self, geodesic: Optional[bool] = None, *,
                  crs: Optional[CRSLike] = None) -> np.ndarray:
        """Perimeter per feature in m (see geokota.perimeter)."""
        return _run(self.geometry, 2, geodesic, self._crs(crs))[1]

    def length(self, geodesic: Optional[bool] = None, *,
               crs: Optional[CRSLike] = None) -> np.ndarray:
        """Length per feature in m (see geokota.length)."""
        return _run(self.geometry, 4, geodesic, self._crs(crs))[2]

    def measurements(self, geodesic: Optional[bool] = None, *,
                     crs: Optional[CRSLike] = None) -> Dict[str, np.ndarray]:
        """area_m2, perimeter_m and length_m per feature in one pass."""
        return _measurements(self.geometry, geodesic, crs=self._crs(crs))

    def to_wkb(self) -> np.ndarray:
        """Geometries as WKB (object array; None for null geometries)."""
        return self.geometry.to_wkb()

    def to_geodataframe(self) -> Any:
        """A geopandas.GeoDataFrame with the attributes, a ``fid`` column
        and the geometry (needs geopandas; raises ImportError otherwise)."""
        import geopandas
        import pandas
        df = pandas.DataFrame({"fid": self.fids, **self.attributes})
        geom = geopandas.GeoSeries.from_wkb(self.to_wkb(), crs=self.crs)
        return geopandas.GeoDataFrame(df, geometry=geom)


def read(path: PathLike, layer: Optional[str] = None,
         where: Optional[str] = None, *, drop_z: bool = False) -> Layer:
    """Read one layer of any vector source OGR opens (GeoJSON, Shapefile,
    GeoPackage, CSV with WKT...) into a :class:`Layer`.

    ``layer``: layer name (default the first); ``where``: OGR SQL attribute
    filter such as ``"district = 'Benda'"``; ``drop_z``: ignore heights.
    Raises :class:`geokota.FileError` (an OSError) when the file is missing
    or not vector data, :class:`geokota.InputError` for an unknown layer or
    bad filter (the message lists the layers),
    :class:`geokota.UnsupportedError` for geometry collections.
    """
    return Layer(_geokota.read(path, layer, where, drop_z))


def measure(path: PathLike, layer: Optional[str] = None,
            where: Optional[str] = None, *, crs: Optional[str] = None,
            method: str = "auto", skip_invalid: bool = False,
            id_field: Optional[str] = None,
            ground: bool = False) -> Dict[str, Any]:
    """Validate and measure every feature of a file, exactly as
    ``geokota measure --format json`` does, returning the same structure:
    ``{"crs", "method", "features": [{"id", "area_m2", "perimeter_m",
    "length_m"}], "total": {"area_m2", "perimeter_m", "length_m", "count"}}``
    (plus ``"problems"``, one line per skipped feature, when skip_invalid
    skipped any). Skipped features have None values, as JSON null.

    ``crs`` overrides or supplies the file's CRS; ``method`` is 'auto',
    'geodesic' or 'planar'; ``ground=True`` warns (UserWarning) when
    measuring in the plane of a CRS that is not equal-area. The library's
    other warnings (a missing CRS taken as WGS 84) are UserWarnings too.
    Invalid geometry raises :class:`geokota.InputError` naming the feature
    unless ``skip_invalid``.
    """
    return _geokota.measure_file(path, layer, where, crs, method,
                                 skip_invalid, id_field, ground)
