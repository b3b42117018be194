# Type stubs of the C extension geokota._geokota (bindings/python/src).
from os import PathLike
from typing import Any, Dict, Optional, Sequence, Tuple, Union

import numpy as np
import numpy.typing as npt

_Flat = Tuple[npt.NDArray[np.uint8], npt.NDArray[np.int64],
              npt.NDArray[np.int64], npt.NDArray[np.int64],
              npt.NDArray[np.float64], Optional[npt.NDArray[np.float64]],
              Optional[npt.NDArray[np.bool_]]]
_Source = Union[_Flat, npt.NDArray[Any]]
_Path = Union[str, bytes, PathLike[str]]

class GeokotaError(Exception):
    code: int
    primary: int

class InputError(GeokotaError, ValueError): ...
class UnsupportedError(InputError): ...
class FileError(GeokotaError, OSError): ...
class CRSError(GeokotaError, ValueError): ...

class Geodesic:
    a: float
    f: float
    def __init__(self, a: float, f: float) -> None: ...

def version() -> str: ...
def parse_wkb(wkb: npt.NDArray[Any]) -> _Flat: ...
def check_geoms(flat: _Flat) -> None: ...
def to_wkb(geoms: _Source) -> npt.NDArray[np.object_]: ...
def measure(
    geoms: _Source, what: int, geodesic: Optional[Geodesic] = ...,
    unit_to_m: float = ..., project_from: Optional[str] = ...,
) -> Tuple[Optional[npt.NDArray[np.float64]],
           Optional[npt.NDArray[np.float64]],
           Optional[npt.NDArray[np.float64]]]: ...
def crs_info(definition: str) -> Dict[str, Any]: ...
def read(path: _Path, layer: Optional[str] = ..., where: Optional[str] = ...,
         drop_z: bool = ...) -> Dict[str, Any]: ...
def measure_file(path: _Path, layer: Optional[str] = ...,
                 where: Optional[str] = ..., crs: Optional[str] = ...,
                 method: Optional[str] = ..., skip_invalid: bool = ...,
                 id_field: Optional[str] = ...,
                 ground: bool = ...) -> Dict[str, Any]: ...

_Box = Union[Tuple[float, float, float, float], Tuple[float, float],
             npt.ArrayLike]

class RTree:
    def __new__(cls, boxes: Optional[npt.ArrayLike] = ...,
                ids: Optional[npt.ArrayLike] = ..., node_size: int = ...,
                method: Optional[str] = ...) -> RTree: ...
    def __len__(self) -> int: ...
    def query(self, box: _Box) -> npt.NDArray[np.int64]: ...
    def query_list(self, box: _Box) -> list[int]: ...
    def count(self, box: _Box) -> int: ...
    def query_batch(self, boxes: npt.ArrayLike
                    ) -> Tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]: ...
    def nearest(self, boxes: npt.ArrayLike, k: int = ...,
                max_distance: Optional[float] = ...
                ) -> Tuple[npt.NDArray[np.int64], npt.NDArray[np.int64],
                           npt.NDArray[np.float64]]: ...
    def insert(self, id: int, box: _Box) -> None: ...
    def remove(self, id: int, box: _Box) -> bool: ...
    def repack(self) -> None: ...
    def save(self, path: _Path) -> None: ...
    def info(self) -> Dict[str, Any]: ...

def rtree_open(path: _Path, verify: bool = ...,
               cls: type = ...) -> RTree: ...
def default_data_dir() -> str: ...
def estimate(roads: Union[_Path, Tuple[Any, Optional[str], Any,
                                       Dict[str, Any], str]],
             data_dir: str, layer: Optional[str] = ...,
             where: Optional[str] = ..., crs: Optional[str] = ...,
             template: Optional[str] = ..., width: float = ...,
             width_table: Optional[str] = ..., prices: Optional[str] = ...,
             no_waste: bool = ..., concrete: Optional[str] = ...,
             skip_invalid: bool = ..., lang: Optional[str] = ...,
             width_field: Optional[str] = ...,
             template_field: Optional[str] = ...,
             name_field: Optional[str] = ...,
             shoulder_field: Optional[str] = ...,
             lanes_field: Optional[str] = ...,
             class_field: Optional[str] = ...,
             plane_origin: Optional[Tuple[float, float]] = ...,
             surface: bool = ...
             ) -> Tuple[str, Optional[Dict[str, Any]]]: ...
def estimate_merge(roads: list[Dict[str, Any]], data_dir: str,
                   templates: Optional[list[str]] = ...,
                   prices: Optional[str] = ..., no_waste: bool = ...,
                   concrete: Optional[str] = ...,
                   warnings: Optional[list[str]] = ...,
                   lang: Optional[str] = ...) -> str: ...
def volume(dem: _Path, region: Union[_Path, _Source],
           region_crs: Optional[str] = ..., level: Optional[float] = ...,
           plane: Optional[Tuple[float, float, float, float, float]] = ...,
           surface: Optional[str] = ..., nearest: bool = ...,
           method: Optional[str] = ..., threads: int = ..., band: int = ...,
           swell: float = ..., shrink: float = ...,
           diff_raster: Optional[str] = ...,
           region_name: Optional[str] = ...) -> Tuple[str, str]: ...

# assets.c: the asset store; the store is an opaque capsule (see
# geokota/assets.py for the public Store class).
_Kinds = Optional[Sequence[str]]
def assets_open(path: _Path, flags: int) -> Any: ...
def assets_close(store: Any) -> None: ...
def assets_import(store: Any, path: str, default_kinds: str,
                  kind: Optional[str] = ..., kind_field: Optional[str] = ...,
                  id_field: Optional[str] = ..., mapping: Optional[str] = ...,
                  rejects: Optional[str] = ..., strict: bool = ...,
                  who: Optional[str] = ..., layer: Optional[str] = ...,
                  crs: Optional[str] = ..., kinds_file: Optional[str] = ...,
                  condition_field: Optional[str] = ...,
                  installed_field: Optional[str] = ...,
                  district_field: Optional[str] = ...,
                  id_prefix: Optional[str] = ...) -> Dict[str, Any]: ...
def assets_near(store: Any, lon: float, lat: float, k: int, max_m: float,
                kinds: _Kinds) -> Dict[str, Any]: ...
def assets_within(store: Any,
                  where: Union[_Path, Tuple[float, float, float, float]],
                  kinds: _Kinds, layer: Optional[str],
                  crs: Optional[str]) -> Dict[str, Any]: ...
def assets_along(store: Any, path: _Path, distance: float, per_road: bool,
                 kinds: _Kinds, layer: Optional[str],
                 crs: Optional[str]) -> Dict[str, Any]: ...
def assets_summary(store: Any, path: _Path, by_field: Optional[str],
                   layer: Optional[str],
                   crs: Optional[str]) -> Dict[str, Any]: ...
def assets_gaps(store: Any, path: _Path, distance: float, min_length: float,
                kinds: _Kinds, name_field: Optional[str],
                layer: Optional[str], crs: Optional[str]) -> Dict[str, Any]: ...
