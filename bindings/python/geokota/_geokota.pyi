# Type stubs of the C extension geokota._geokota (bindings/python/src).
from os import PathLike
from typing import Any, Dict, Optional, Tuple, Union

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
