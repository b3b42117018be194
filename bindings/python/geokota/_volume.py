"""Earthwork volumes: cut and fill between a DEM and a design surface (the
library's gk_volume_compute)."""
from __future__ import annotations

import json
import os
import warnings
from typing import Any, Optional, Sequence, Union

from . import _geokota
from ._geometries import to_source
from ._estimate import _crs_text

PathLike = Union[str, "os.PathLike[str]"]


class VolumeReport(dict):
    """The volume report as a plain dict, exactly the JSON of ``geokota
    volume --format json``: ``method``, ``cut_m3``, ``fill_m3``, ``net_m3``,
    ``area_m2``, ``nodata_area_m2``, ``swell``, ``shrink``,
    ``cut_loose_m3``, ``fill_bank_m3``, ``fill_loose_m3``, ``net_bank_m3``.
    """

    def frame(self) -> Any:
        """The report as a one-row pandas DataFrame."""
        import pandas
        return pandas.DataFrame([{k: v for k, v in self.items()
                                  if not isinstance(v, list)}])


def volume(dem: PathLike, region: Any, *, level: Optional[float] = None,
           plane: Optional[Sequence[float]] = None,
           surface: Optional[PathLike] = None, nearest: bool = False,
           method: str = "cell", crs: Optional[Any] = None,
           threads: int = 2, band: int = 1, swell: float = 1.25,
           shrink: float = 0.90,
           diff_raster: Optional[PathLike] = None) -> VolumeReport:
    """Cut and fill (m3) between the ground of ``dem`` (any raster GDAL
    reads, any CRS; lon/lat DEMs use exact cell areas on the ellipsoid) and
    one design, over ``region``, as ``geokota volume`` computes it.

    ``region``: a polygon file path, a :class:`geokota.Layer`, a
    GeoDataFrame/GeoSeries, Shapely polygons or WKB (holes subtract);
    ``crs``: the region's CRS when it does not carry one (default: the
    DEM's). Design, exactly one of: ``level`` (m), ``plane`` ``(x0, y0, z0,
    dzdx, dzdy)`` in the DEM's CRS, or ``surface`` (a second DEM, sampled
    bilinearly, or at the nearest cell with ``nearest=True``).
    ``method``: ``"cell"`` (exact cell coverage) or ``"tin"`` (exact for
    planar terrain). ``swell``/``shrink``: loose/bank and compacted/bank
    factors. ``threads``: worker threads (same result for any number).
    ``diff_raster``: also write ground - design as a GeoTIFF.

    Nodata is never taken as zero: it is reported as ``nodata_area_m2``.
    Warnings of the library (heights in feet converted...) are
    UserWarnings. Returns a :class:`VolumeReport` (a dict).
    """
    region_crs = _crs_text(crs) if crs is not None else None
    if isinstance(region, (str, bytes, os.PathLike)):
        src = region
    else:
        from ._io import Layer
        if isinstance(region, Layer):
            region_crs = region_crs or region.crs
            src = region.geometry._flat()
        else:
            if region_crs is None and getattr(region, "crs", None) is not None:
                region_crs = _crs_text(region.crs)
            geoms = region.geometry if hasattr(region, "columns") else region
            src, _, _ = to_source(geoms)
    text, warned = _geokota.volume(
        dem, src, region_crs,
        None if level is None else float(level),
        None if plane is None else tuple(map(float, plane)),
        os.fspath(surface) if surface is not None else None, nearest,
        method, int(threads), int(band), float(swell), float(shrink),
        os.fspath(diff_raster) if diff_raster is not None else None)
    for line in warned.splitlines():
        warnings.warn(line, UserWarning, stacklevel=2)
    return VolumeReport(json.loads(text))
