import geokota


def test_import():
    assert geokota.__version__
