"""geokota.assets: the city's asset register (roads, drains, lights...)
queried from Python -- the place for ``geokota.assets.open(path)`` and its
query methods.

The assets module of the C library is being written on another branch; when
it lands, its binding goes here (C side: bindings/python/src/assets.c, one
method table joined in module.c, as estimate.c and volume.c are), returning
plain dicts and, when pandas/geopandas are importable, (Geo)DataFrames
through the same helpers as :func:`geokota.estimate`.
"""
from __future__ import annotations

from typing import Any

__all__ = ["open"]


def open(path: Any) -> Any:  # noqa: A001 - mirrors the C API's name
    """Open an asset register (not available in this build)."""
    raise NotImplementedError(
        "geokota.assets is not part of this build yet: the library's assets "
        "module has not been merged")
