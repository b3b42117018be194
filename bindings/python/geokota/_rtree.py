"""The spatial index: :class:`RTree` (numpy in, numpy out) and
:class:`Index`, a drop-in subset of the ``rtree`` package's ``Index``."""
from __future__ import annotations

import os
from typing import (Any, Dict, Iterable, Iterator, List, Optional, Sequence,
                    Tuple, Union)

import numpy as np

from . import _geokota

PathLike = Union[str, "os.PathLike[str]"]
Box = Sequence[float]


class RTree(_geokota.RTree):
    """A packed R-tree over boxes, built in one go from an ``(n, 4)``
    float64 array ``(xmin, ymin, xmax, ymax)`` (read in place: a row is
    exactly the library's ``gk_box_t``) with int64 ``ids`` (default
    ``0..n-1``); ``RTree()`` is an empty tree to :meth:`insert` into.

    Boxes are closed: touching counts as meeting. Units are whatever the
    boxes are in (degrees or metres); distances are the gap between boxes.
    Queries release the GIL, so threads querying one tree run in parallel;
    :meth:`insert`, :meth:`remove` and :meth:`repack` change the tree and
    raise RuntimeError if another thread is querying it at that moment.

    ``node_size``: children per node (multiple of 4 in [4, 64]; 0 = 16);
    ``method``: ``"hilbert"`` (default) or ``"str"`` packing order.

    >>> tree = RTree(np.array([[0, 0, 1, 1], [2, 2, 3, 3.]]))
    >>> tree.query((0.5, 0.5, 2.5, 2.5))           # ids, tree order
    >>> qi, ii = tree.query_batch(windows)          # all pairs at once
    >>> qi, ii = tree.nearest(points, k=3)
    """

    def __new__(cls, boxes: Any = None, ids: Any = None, *,
                node_size: int = 0, method: str = "hilbert") -> "RTree":
        return super().__new__(cls, boxes, ids, node_size, method)

    @classmethod
    def open(cls, path: PathLike, *, verify: bool = True) -> "RTree":
        """Map a ``.gkidx`` file written by :meth:`save` (no parse, no
        copy: queries read the file in place). ``verify=False`` skips the
        CRC32C check of the data (the structure is still checked).
        Raises :class:`geokota.FileError` for a missing, truncated or
        corrupt file."""
        return _geokota.rtree_open(path, verify, cls)

    def nearest(self, points: Any, k: int = 1, *,  # type: ignore[override]
                max_distance: Optional[float] = None,
                return_distance: bool = False) -> Tuple[np.ndarray, ...]:
        """The ``k`` items nearest each query point (``(n, 2)``) or box
        (``(n, 4)``), as flat arrays ``(query_idx, item_ids)`` (plus
        ``distances`` with ``return_distance=True``), sorted by distance
        and then id within each query. Fewer than ``k`` come back when the
        tree is smaller or ``max_distance`` excludes items."""
        q, ids, d = super().nearest(points, k, max_distance)
        return (q, ids, d) if return_distance else (q, ids)

    @property
    def bounds(self) -> Tuple[float, float, float, float]:
        """``(xmin, ymin, xmax, ymax)`` around all items (NaNs if empty)."""
        return self.info()["bounds"]

    def __repr__(self) -> str:
        i = self.info()
        return (f"<geokota.RTree {i['num_items']} items, node size "
                f"{i['node_size']}, {i['method']}"
                f"{', mapped' if i['mapped'] else ''}>")


class Item:
    """What ``Index.intersection(..., objects=True)`` yields, as in the
    ``rtree`` package: ``id`` and ``object``; ``bbox`` is None (queries
    do not return the items' boxes)."""

    __slots__ = ("id", "object", "bbox")

    def __init__(self, id: int, obj: Any,
                 bbox: Optional[List[float]] = None) -> None:
        self.id = id
        self.object = obj
        self.bbox = bbox

    def __repr__(self) -> str:
        return f"Item(id={self.id}, object={self.object!r}, bbox={self.bbox})"


class Index:
    """A drop-in subset of ``rtree.index.Index`` on geokota's R-tree::

        from geokota import Index          # was: from rtree.index import Index
        idx = Index()
        idx.insert(7, (xmin, ymin, xmax, ymax), obj="kelurahan 7")
        list(idx.intersection((x0, y0, x1, y1)))
        list(idx.nearest((x, y), 3))

    Supported: ``Index()``, ``Index(stream)`` (bulk load from an iterable of
    ``(id, coordinates, obj)``, packed in one go), ``interleaved=False``
    (coordinates as ``(xmin, xmax, ymin, ymax)``), ``insert``/``add``,
    ``delete``, ``intersection`` and ``nearest`` (with ``objects=True`` or
    ``"raw"``), ``count``, ``bounds``, ``len()``. Like ``rtree``, ``nearest``
    returns every item tied with the last one. Not supported: disk-backed
    indexes by file name, custom storages, properties (use
    :class:`RTree.save` / :meth:`RTree.open` for files). Objects are kept
    in a dict by id (the last object inserted with an id wins); ids are
    int64; ``Item.bbox`` is None. Items in a query come in tree order, which differs from
    ``rtree``'s.
    """

    def __init__(self, *args: Any, interleaved: bool = True,
                 properties: Any = None, **kwargs: Any) -> None:
        if properties is not None or kwargs:
            raise NotImplementedError(
                "geokota.Index supports no properties or storage options")
        self.interleaved = interleaved
        self._objects: Dict[int, Any] = {}
        stream = None
        if len(args) == 1 and not isinstance(args[0], (str, bytes,
                                                       os.PathLike)):
            stream = args[0]
        elif args:
            raise NotImplementedError(
                "geokota.Index has no disk-backed form: save an RTree with "
                "RTree.save(path) and open it with RTree.open(path)")
        if stream is None:
            self._tree = RTree()
            return
        ids, boxes = [], []
        for item in stream:
            i, coords, obj = item
            ids.append(int(i))
            boxes.append(self._box(coords))
            if obj is not None:
                self._objects[int(i)] = obj
        self._tree = RTree(np.array(boxes, dtype=np.float64).reshape(-1, 4),
                           np.array(ids, dtype=np.int64))

    def _box(self, c: Sequence[float]) -> Tuple[float, ...]:
        if len(c) == 2:
            return (c[0], c[1], c[0], c[1])
        if len(c) != 4:
            raise ValueError("coordinates are (xmin, ymin, xmax, ymax) "
                             "(interleaved) or a point (x, y)")
        if self.interleaved:
            return tuple(c)
        return (c[0], c[2], c[1], c[3])

    def _bbox_out(self, b: Sequence[float]) -> List[float]:
        if self.interleaved:
            return list(b)
        return [b[0], b[2], b[1], b[3]]

    def insert(self, id: int, coordinates: Box, obj: Any = None) -> None:
        """Add an item with an integer id, a box (or point) and an optional
        object."""
        self._tree.insert(id, self._box(coordinates))
        if obj is not None:
            self._objects[id] = obj

    add = insert

    def delete(self, id: int, coordinates: Box) -> None:
        """Remove the item with this id whose box meets ``coordinates``
        (pass the box it was inserted with); nothing if none."""
        if self._tree.remove(id, self._box(coordinates)):
            self._objects.pop(id, None)

    def _items(self, ids: Iterable[int], objects: Any) -> Iterator[Any]:
        if objects == "raw":
            return (self._objects.get(i) for i in ids)
        return (Item(i, self._objects.get(i)) for i in ids)

    def intersection(self, coordinates: Box,
                     objects: Any = False) -> Iterator[Any]:
        """Ids (or Items, or raw objects) of the items meeting the box."""
        ids = self._tree.query_list(self._box(coordinates))
        if objects:
            return self._items(ids, objects)
        return iter(ids)

    def count(self, coordinates: Box) -> int:
        """Number of items meeting the box."""
        return self._tree.count(self._box(coordinates))

    def nearest(self, coordinates: Box, num_results: int = 1,
                objects: Any = False) -> Iterator[Any]:
        """The ``num_results`` nearest items by box distance, nearest
        first; items tied with the last one are all included (as rtree
        does)."""
        box = self._box(coordinates)
        k = max(int(num_results), 0)
        if k == 0:
            return iter([])
        # one more than asked tells whether the last one has ties
        want = k + 1
        while True:
            _, ids, d = _geokota.RTree.nearest(self._tree, box, want)
            if len(ids) < want or d[-1] > d[k - 1]:
                break
            want *= 2
        n = min(k, len(ids))
        if n and len(ids) > n:
            n = int(np.searchsorted(d, d[n - 1], side="right"))
        out = ids[:n].tolist()
        if objects:
            return self._items(out, objects)
        return iter(out)

    @property
    def bounds(self) -> List[float]:
        """The box around all items (interleaved unless the index is
        not)."""
        return self._bbox_out(self._tree.bounds)

    def get_bounds(self, coordinate_interleaved: Optional[bool] = None
                   ) -> List[float]:
        b = list(self._tree.bounds)
        if coordinate_interleaved is None:
            coordinate_interleaved = self.interleaved
        return b if coordinate_interleaved else [b[0], b[2], b[1], b[3]]

    def __len__(self) -> int:
        return len(self._tree)

    def close(self) -> None:
        """Nothing to release (kept for rtree compatibility)."""

    @property
    def rtree(self) -> RTree:
        """The underlying :class:`RTree` (for batch queries and save)."""
        return self._tree
