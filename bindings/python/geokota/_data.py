"""Where the material catalog and pavement templates are."""
from __future__ import annotations

import os
from typing import Optional

from . import _geokota


def _has_catalog(path: str) -> bool:
    return os.access(os.path.join(path, "materials.json"), os.R_OK)


def data_dir(given: Optional[str] = None) -> str:
    """The folder holding ``materials.json`` and ``templates/``, found as the
    ``geokota`` command finds it: ``given``, then ``$GEOKOTA_DATA``, then the
    installed data (``PREFIX/share/geokota``), then, for a package run from
    its build dir, the source tree's ``data/``."""
    if given:
        return os.fspath(given)
    env = os.environ.get("GEOKOTA_DATA")
    if env:
        return env
    installed = _geokota.default_data_dir()
    if _has_catalog(installed):
        return installed
    try:
        from ._source_tree import DATA_DIR  # only in the build dir
    except ImportError:
        return installed
    return DATA_DIR if _has_catalog(DATA_DIR) else installed
