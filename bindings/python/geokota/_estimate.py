"""Road material estimates (the library's gk_estimate_roads), the same bill
rebuilt from per-road figures of parts (for scale-out), and the split of a
road network into parts whose figures add up exactly."""
from __future__ import annotations

import json
import math
import os
from typing import (Any, Dict, Iterable, List, NamedTuple, Optional,
                    Sequence, Tuple, Union)

import numpy as np

from . import _geokota
from ._data import data_dir as _data_dir
from ._geometries import to_source
from ._measure import _crs_string

PathLike = Union[str, "os.PathLike[str]"]


def _frame(rows: List[Dict[str, Any]], drop: Sequence[str] = ()) -> Any:
    import pandas
    return pandas.DataFrame([{k: v for k, v in r.items() if k not in drop}
                             for r in rows])


class EstimateReport(dict):
    """The bill of quantities as a plain dict, exactly the JSON of
    ``geokota estimate --format json`` (keys: ``catalog``, ``roads``,
    ``length_m``, ``area_m2``, ``layers``, ``materials``, ``warnings``,
    ``sections``, and with prices ``cost_idr`` and ``missing_prices``), with
    helpers that return pandas DataFrames (pandas needed only for those).
    ``surface`` is the road surfaces layer (:class:`geokota.Layer`, one
    share polygon per road) when ``estimate(..., surface=True)``."""

    surface: Any = None

    def materials_frame(self) -> Any:
        """One row per material: material, label, quantity, unit, loads,
        vehicle, net, waste_fraction (and price_idr, price_unit, cost_idr
        when priced)."""
        return _frame(self["materials"], ("net_measures", "order_measures"))

    def layers_frame(self) -> Any:
        """One row per pavement layer summed over the roads."""
        return _frame(self["layers"], ("needs",))

    def roads_frame(self) -> Any:
        """One row per road: id, name, template, length_m, width_m,
        area_m2 (and cost_idr when priced)."""
        return _frame(self["roads"], ("layers", "items", "materials"))

    def surface_frame(self) -> Any:
        """The road surfaces as a GeoDataFrame (needs geopandas and
        ``surface=True``)."""
        if self.surface is None:
            raise ValueError("no surface: call estimate(..., surface=True)")
        return self.surface.to_geodataframe()


def _text_column(values: np.ndarray) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    for i, v in enumerate(values):
        if v is None or (isinstance(v, float) and math.isnan(v)):
            out[i] = None
        else:
            out[i] = v if isinstance(v, str) else str(v)
    return out


def _columns(items: Iterable[Tuple[str, Any]]) -> Dict[str, np.ndarray]:
    """Attribute columns as the extension takes them: float64 for numbers
    (NaN is null), object arrays of str/None for the rest."""
    fields = {}
    for name, col in items:
        a = np.asarray(col)
        if a.dtype.kind in "iufb":
            fields[str(name)] = np.ascontiguousarray(a, dtype=np.float64)
        else:
            fields[str(name)] = _text_column(a)
    return fields


def _crs_text(crs: Any) -> Optional[str]:
    if crs is None:
        return None
    if hasattr(crs, "to_authority"):  # pyproj.CRS: "EPSG:4326" if it has one
        auth = crs.to_authority()
        if auth:
            return f"{auth[0]}:{auth[1]}"
    return _crs_string(crs)


def _roads_source(roads: Any) -> Any:
    """A path for the library to read, or (geoms, crs, fids, fields,
    name) for a layer built in memory."""
    if isinstance(roads, (str, bytes, os.PathLike)):
        return roads
    from ._io import Layer
    if isinstance(roads, Layer):
        src, _, _ = to_source(roads.geometry)
        return (src, roads.crs, roads.fids,
                _columns(roads.attributes.items()), roads.name or "roads")
    if hasattr(roads, "geometry") and hasattr(roads, "columns"):
        # a GeoDataFrame: attributes are the other columns, ids the index
        # when it is integer (so that a part keeps the whole's road ids)
        geom_col = roads.geometry.name
        src, _, _ = to_source(roads.geometry)
        idx = np.asarray(roads.index)
        fids = idx.astype(np.int64) if idx.dtype.kind in "iu" else None
        cols = [(c, roads[c].to_numpy()) for c in roads.columns
                if c != geom_col]
        return (src, _crs_text(roads.crs), fids, _columns(cols), "roads")
    raise TypeError(f"roads must be a path, a geokota.Layer or a "
                    f"GeoDataFrame, not {type(roads).__name__}")


def estimate(roads: Any, *, template: Optional[str] = None,
             width: Optional[float] = None,
             prices: Optional[PathLike] = None,
             width_table: Optional[PathLike] = None,
             data_dir: Optional[PathLike] = None, no_waste: bool = False,
             concrete: Optional[str] = None, skip_invalid: bool = False,
             layer: Optional[str] = None, where: Optional[str] = None,
             crs: Optional[str] = None, lang: str = "en",
             width_field: Optional[str] = None,
             template_field: Optional[str] = None,
             name_field: Optional[str] = None,
             shoulder_field: Optional[str] = None,
             lanes_field: Optional[str] = None,
             class_field: Optional[str] = None,
             plane_origin: Optional[Tuple[float, float]] = None,
             surface: bool = False) -> EstimateReport:
    """The materials to build the roads whose centerlines are ``roads``,
    exactly as ``geokota estimate --format json`` computes them.

    ``roads``: a file path (any OGR source; ``layer``, ``where``), a
    :class:`geokota.Layer`, or a GeoDataFrame of LineStrings (attribute
    columns ``width``, ``template``, ``name``, ``shoulder``, ``lanes``,
    ``highway`` are used when present; an integer index gives the road
    ids). Lengths are geodesic; where roads meet, the shared surface counts
    once and belongs to the road that comes first.

    ``template``: template name (``geokota templates``) or JSON path for
    roads without one (default ``rigid_jalan_lingkungan``); ``width``: m
    for roads without a width attribute; ``width_table``: CSV of widths by
    lanes/road class; ``prices``: CSV ``material,unit,price_idr`` (adds
    ``cost_idr``); ``no_waste``; ``concrete``: ``"site-mix"`` or
    ``"ready-mix"``; ``skip_invalid``: estimate valid roads and list the
    rest in ``warnings``; ``crs`` overrides the roads' CRS; ``lang``:
    labels in ``"en"`` or ``"id"``; ``data_dir``: catalog folder (default
    :func:`geokota.data_dir`); ``plane_origin``: (lon, lat) of the local
    plane the corridors are built in (see :func:`estimate_merge`);
    ``surface=True`` also returns each road's surface polygon as
    ``report.surface``.

    Returns an :class:`EstimateReport` (a dict). Raises
    :class:`geokota.InputError` naming the road for invalid roads,
    :class:`geokota.FileError` for unreadable files, CRSError.
    """
    text, surf = _geokota.estimate(
        _roads_source(roads), _data_dir(data_dir), layer, where, crs,
        template, float(width) if width else 0.0,
        os.fspath(width_table) if width_table else None,
        os.fspath(prices) if prices else None, no_waste, concrete,
        skip_invalid, lang, width_field, template_field, name_field,
        shoulder_field, lanes_field, class_field,
        None if plane_origin is None else tuple(map(float, plane_origin)),
        surface)
    report = EstimateReport(json.loads(text))
    if surf is not None:
        from ._io import Layer
        report.surface = Layer(surf)
    return report


def estimate_merge(parts: Iterable[Any], *,
                   order: Optional[Sequence[Any]] = None,
                   template: Optional[str] = None,
                   prices: Optional[PathLike] = None,
                   data_dir: Optional[PathLike] = None,
                   no_waste: bool = False, concrete: Optional[str] = None,
                   lang: str = "en") -> EstimateReport:
    """One bill of quantities from the per-road figures of several
    estimates: the reduce step of an estimate split into tasks.

    ``parts``: reports of :func:`estimate` (their ``"roads"`` and
    ``"warnings"`` are used) or plain lists of road dicts (a report's
    ``"roads"`` entries). The bill is rebuilt by the library's own engine
    from each road's length, width, template, surface and layer areas, so
    whole units (bags, pieces, truck loads) are rounded on the totals as in
    a single estimate, and prices are applied to the merged bill. Roads
    come in the order of ``order`` (road ids, as in the reports' ``"id"``,
    e.g. the whole network's ids) when it is given, else as the parts list
    them. ``template`` must be given again when the estimates used a
    template file by path; ``no_waste``, ``concrete``, ``prices``,
    ``data_dir`` and ``lang`` as in :func:`estimate`.

    Exactness: the merged bill equals, to the bit, the single estimate of
    the whole network when every road is in exactly one part, each part
    also holds (as context, whose figures are dropped) the earlier roads of
    the network that meet its own, and all parts use the whole's
    ``plane_origin``; :func:`partition_roads` and :func:`plane_origin` set
    that up. (A junction's surface belongs to the road that comes first, so
    a road's figures depend on the earlier roads that meet it, and on
    nothing else.)
    """
    roads: List[Dict[str, Any]] = []
    warnings: List[str] = []
    for p in parts:
        if isinstance(p, dict):
            roads.extend(p["roads"])
            warnings.extend(p.get("warnings", []))
        else:
            roads.extend(p)
    if order is not None:
        by_id: Dict[str, Dict[str, Any]] = {}
        for r in roads:
            if r["id"] in by_id:
                raise ValueError(f"road {r['id']} is in more than one part")
            by_id[r["id"]] = r
        ids = [str(i) for i in order]
        missing = [i for i in ids if i not in by_id]
        if missing:
            raise ValueError(f"roads {missing[:5]} of order are in no part")
        if len(set(ids)) != len(ids) or len(ids) != len(by_id):
            raise ValueError("order must list each road of the parts once")
        roads = [by_id[i] for i in ids]
    templates = [template] if template else None
    text = _geokota.estimate_merge(
        roads, _data_dir(data_dir), templates,
        os.fspath(prices) if prices else None, no_waste, concrete,
        warnings or None, lang)
    return EstimateReport(json.loads(text))


class RoadTask(NamedTuple):
    """One part of a road network: ``label`` (e.g. the district),
    ``index`` (positions of the rows to estimate, increasing: the part's
    own roads and its context) and ``own`` (bool per position: True for
    the part's own roads, whose figures it contributes)."""
    label: Any
    index: np.ndarray
    own: np.ndarray


def _lonlat_boxes(roads: Any) -> Tuple[np.ndarray, bool]:
    boxes = np.ascontiguousarray(roads.geometry.bounds.to_numpy(),
                                 dtype=np.float64)
    crs = roads.crs
    geographic = crs is None or getattr(crs, "is_geographic", False)
    return boxes, geographic


def plane_origin(roads: Any) -> Tuple[float, float]:
    """The (lon, lat) centre of the box around all roads of a GeoDataFrame
    in longitude/latitude, to pass to every part's :func:`estimate`. For
    lon/lat roads it is exactly the origin the library picks by default for
    the whole network; for projected roads (reprojected here by geopandas)
    pass it to the whole network's estimate too when comparing to the
    bit."""
    if roads.crs is not None and not roads.crs.is_geographic:
        roads = roads.to_crs(roads.crs.geodetic_crs)
    b = roads.geometry.bounds.to_numpy()
    return (0.5 * (b[:, 0].min() + b[:, 2].max()),
            0.5 * (b[:, 1].min() + b[:, 3].max()))


def partition_roads(roads: Any, labels: Any, *,
                    reach_m: float = 100.0) -> List[RoadTask]:
    """Split a road GeoDataFrame into parts by ``labels`` (one per road,
    e.g. the district holding the road's midpoint) so that the parts'
    estimates merge exactly (:func:`estimate_merge`).

    Each part holds its own roads and, as context, every earlier road
    (smaller position) of another part whose box comes within ``reach_m``
    metres of the box of one of its own roads, found with
    :class:`geokota.RTree`. ``reach_m`` must be at least the distance at
    which two corridors can meet: the mitre limit (5) times the widest
    half corridor (width / 2 + shoulder + widest layer extra width) of any
    road, times two; the default, 100 m, covers roads up to 20 m wide. A
    larger value only adds context.
    """
    from ._rtree import RTree
    labels = np.asarray(labels)
    if len(labels) != len(roads):
        raise ValueError("one label per road is needed")
    boxes, geographic = _lonlat_boxes(roads)
    if geographic:
        lat = np.nanmax(np.abs(boxes[:, [1, 3]])) if len(boxes) else 0.0
        # degrees of longitude shrink with cos(lat); 110 km per degree is
        # below the ellipsoid's metres per degree of latitude everywhere
        reach = reach_m / (110_000.0 * math.cos(math.radians(min(lat + 1,
                                                                89.0))))
    else:
        unit = roads.crs.axis_info[0].unit_conversion_factor \
            if roads.crs is not None else 1.0
        reach = reach_m / unit
    tree = RTree(boxes)
    tasks = []
    for lab in dict.fromkeys(labels.tolist()):
        own = np.flatnonzero(labels == lab)
        grown = boxes[own] + np.array([-reach, -reach, reach, reach])
        qi, ii = tree.query_batch(grown)
        earlier = ii < own[qi]
        context = np.setdiff1d(ii[earlier], own)
        index = np.union1d(own, context)
        tasks.append(RoadTask(lab, index, np.isin(index, own)))
    return tasks
