"""Bad input from Python raises a clear exception of the right class, with
the library's message, and never crashes the interpreter."""
import struct

import numpy as np
import pytest
from shapely import wkb as shapely_wkb
from shapely.geometry import Point, Polygon

import geokota

SQUARE = Polygon([(0, 0), (0.01, 0), (0.01, 0.01), (0, 0.01)])


def test_exception_hierarchy():
    assert issubclass(geokota.InputError, geokota.GeokotaError)
    assert issubclass(geokota.InputError, ValueError)
    assert issubclass(geokota.UnsupportedError, geokota.InputError)
    assert issubclass(geokota.FileError, OSError)
    assert issubclass(geokota.CRSError, ValueError)


@pytest.mark.parametrize("bad, exc, text", [
    (None, TypeError, "geoms is None"),
    ("POLYGON ((0 0, 1 0, 0 1, 0 0))", TypeError, "bytes.fromhex"),
    (42, TypeError, "cannot measure a int"),
    (np.zeros(4), TypeError, "float64 array is not geometries"),
    ([SQUARE.wkb, 3], TypeError, "element 1 is int"),
    ([SQUARE, "x"], TypeError, "element 1 is str"),
])
def test_wrong_python_types(bad, exc, text):
    with pytest.raises(exc, match=text):
        geokota.area(bad)


def test_invalid_wkb_names_element_and_byte():
    good = SQUARE.wkb
    with pytest.raises(geokota.InputError,
                       match=r"geometry 1: WKB truncated at byte 5 \(4 more "
                       r"bytes needed, 2 left\)") as e:
        geokota.area([good, good[:7]])
    assert isinstance(e.value, ValueError)
    assert e.value.primary == 3 and e.value.code == 3 | (8 << 8)  # INVALID
    with pytest.raises(geokota.InputError, match="not a WKB byte-order mark"):
        geokota.area([b"\x07" + good[1:]])
    with pytest.raises(geokota.InputError, match="3 bytes after the end"):
        geokota.area(good + b"abc")
    with pytest.raises(geokota.InputError, match="claims 4294967295 rings"):
        geokota.area(b"\x01" + struct.pack("<II", 3, 0xFFFFFFFF))


def test_every_truncation_raises():
    good = shapely_wkb.dumps(SQUARE, big_endian=True)
    for n in range(len(good)):
        with pytest.raises(geokota.InputError):
            geokota.area(good[:n])


def test_random_bytes_never_crash():
    rng = np.random.default_rng(99)
    base = SQUARE.wkb
    outcomes = set()
    for _ in range(3000):
        b = bytearray(base)
        for _ in range(int(rng.integers(1, 4))):
            b[int(rng.integers(0, len(b)))] = int(rng.integers(0, 256))
        try:
            geokota.area(bytes(b))
            outcomes.add("ok")
        except geokota.GeokotaError as e:
            outcomes.add(type(e).__name__)
    assert "InputError" in outcomes  # the mutations did hit the parser


def test_geometry_collection_unsupported():
    gc = shapely_wkb.loads(bytes.fromhex(
        "0107000000010000000101000000000000000000f03f0000000000000040"))
    with pytest.raises(geokota.UnsupportedError,
                       match="GeometryCollection is not supported"):
        geokota.area([SQUARE, gc])


def test_nan_and_latitude_errors():
    with pytest.raises(geokota.InputError, match="not finite") as e:
        geokota.area([SQUARE, Polygon([(0, 0), (float("nan"), 0), (0, 1)])])
    assert e.value.code == 3 | (1 << 8)  # GK_ERR_INPUT_NAN
    assert "feature 1" in str(e.value)
    with pytest.raises(geokota.InputError, match="latitude 95"):
        geokota.area(Polygon([(0, 90), (1, 95), (0, 89)]))


def test_crs_errors():
    with pytest.raises(geokota.CRSError):
        geokota.area(SQUARE, crs="EPSG:999999")
    with pytest.raises(TypeError, match="crs must be"):
        geokota.area(SQUARE, crs=3.5)


def test_flat_arrays_validated():
    xy = np.array([[0, 0], [0.01, 0], [0, 0.01], [0, 0]], dtype=np.float64)
    rings = np.array([0, 4], dtype=np.int64)
    with pytest.raises(TypeError, match="xy must have dtype float64"):
        geokota.Geometries.from_arrays(xy.astype(np.float32), rings)
    with pytest.raises(TypeError, match="ring_offsets must have dtype int64"):
        geokota.Geometries.from_arrays(xy, rings.astype(np.int32))
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        geokota.Geometries.from_arrays(np.zeros((4, 3)), rings)
    with pytest.raises(ValueError, match="C-contiguous"):
        geokota.Geometries.from_arrays(np.zeros((4, 4))[:, :2], rings)
    with pytest.raises(TypeError, match="numpy"):
        geokota.Geometries.from_arrays(xy.tolist(), rings)
    with pytest.raises(TypeError, match="native byte order"):
        geokota.Geometries.from_arrays(xy.astype(">f8"), rings)
    with pytest.raises(geokota.InputError, match="exceed the 4 vertices"):
        geokota.Geometries.from_arrays(xy, np.array([0, 5], dtype=np.int64))
    with pytest.raises(geokota.InputError, match="offsets decrease"):
        geokota.Geometries.from_arrays(xy, np.array([0, 3, 2],
                                                    dtype=np.int64))
    with pytest.raises(geokota.InputError, match="offsets decrease"):
        geokota.Geometries.from_arrays(xy, np.array([-1, 4], dtype=np.int64))
    with pytest.raises(geokota.InputError, match="exactly one vertex"):
        geokota.Geometries.from_arrays(xy, rings, kind="point")
    with pytest.raises(ValueError, match="kind must be one of"):
        geokota.Geometries.from_arrays(xy, rings, kind="circle")
    with pytest.raises(geokota.InputError, match="not a geometry type"):
        geokota.Geometries.from_arrays(xy, rings,
                                       types=np.array([9], dtype=np.uint8))


def test_private_entry_points_check_their_arguments():
    from geokota import _geokota
    with pytest.raises(TypeError):
        _geokota.measure(np.zeros(3), 1)
    with pytest.raises(ValueError, match="1-D"):
        _geokota.measure(np.empty((2, 2), dtype=object), 1)
    with pytest.raises(TypeError, match="flat geometries are the tuple"):
        _geokota.measure((1, 2), 1)
    with pytest.raises(ValueError, match="mask"):
        _geokota.measure(np.empty(0, dtype=object), 0)
    with pytest.raises(TypeError, match="Geodesic"):
        _geokota.measure(np.empty(0, dtype=object), 1, "x")
    with pytest.raises(geokota.InputError):
        _geokota.Geodesic(-1.0, 0.0)
    with pytest.raises(TypeError):
        _geokota.crs_info(4326)


def test_file_errors(tmp_path):
    with pytest.raises(geokota.FileError) as e:
        geokota.read(tmp_path / "missing.geojson")
    assert isinstance(e.value, OSError)
    assert "missing.geojson" in str(e.value)
    junk = tmp_path / "junk.geojson"
    junk.write_text("this is not json")
    with pytest.raises(geokota.FileError):
        geokota.measure(junk)


def test_empty_inputs():
    assert geokota.area([]).shape == (0,)
    assert geokota.area(np.empty(0, dtype=object)).shape == (0,)
    assert len(geokota.Geometries.from_wkb([])) == 0
