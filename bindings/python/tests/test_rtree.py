"""geokota.RTree and geokota.Index: window, batch and nearest queries
against brute force over the same boxes and against the ``rtree`` package
(libspatialindex); the Index's rtree-compatible API call for call; files,
threads and errors."""
import threading

import numpy as np
import pytest

import geokota


def random_boxes(n, seed, extent=1000.0, size=20.0):
    rng = np.random.default_rng(seed)
    lo = rng.uniform(0, extent, (n, 2))
    return np.hstack([lo, lo + rng.uniform(0, size, (n, 2))])


def brute_query(boxes, w):
    return np.flatnonzero((boxes[:, 0] <= w[2]) & (boxes[:, 2] >= w[0])
                          & (boxes[:, 1] <= w[3]) & (boxes[:, 3] >= w[1]))


def box_dist(boxes, q):
    dx = np.maximum(0, np.maximum(boxes[:, 0] - q[2], q[0] - boxes[:, 2]))
    dy = np.maximum(0, np.maximum(boxes[:, 1] - q[3], q[1] - boxes[:, 3]))
    return np.hypot(dx, dy)


@pytest.fixture(scope="module")
def data():
    boxes = random_boxes(5000, seed=2026)
    windows = random_boxes(300, seed=7, size=60.0)
    return boxes, windows


@pytest.mark.parametrize("method,node_size", [("hilbert", 0), ("str", 8),
                                              ("hilbert", 64)])
def test_query_and_batch_equal_brute_force(data, method, node_size):
    boxes, windows = data
    tree = geokota.RTree(boxes, node_size=node_size, method=method)
    assert len(tree) == len(boxes)
    assert tree.info()["method"] == method
    pairs = []
    for i, w in enumerate(windows):
        want = brute_query(boxes, w)
        assert np.array_equal(np.sort(tree.query(w)), want)
        assert sorted(tree.query_list(tuple(w))) == want.tolist()
        assert tree.count(w) == len(want)
        pairs += [(i, j) for j in want]
    qi, ii = tree.query_batch(windows)
    assert qi.dtype == ii.dtype == np.int64
    assert np.all(np.diff(qi) >= 0)  # grouped by query
    assert sorted(zip(qi.tolist(), ii.tolist())) == pairs
    # touching counts; a point query is a degenerate box
    b = boxes[17]
    assert 17 in tree.query((b[2], b[3], b[2] + 1, b[3] + 1))
    assert 17 in tree.query((b[0], b[1]))
    # NaN windows match nothing
    assert len(tree.query((np.nan, 0, 1, 1))) == 0


def test_ids_and_bounds(data):
    boxes, windows = data
    ids = np.arange(len(boxes), dtype=np.int64) * 10 - 7
    tree = geokota.RTree(boxes, ids)
    w = windows[0]
    assert np.array_equal(np.sort(tree.query(w)), brute_query(boxes, w) * 10
                          - 7)
    assert tree.bounds == (boxes[:, 0].min(), boxes[:, 1].min(),
                           boxes[:, 2].max(), boxes[:, 3].max())


def test_nearest_equals_brute_force(data):
    boxes, _ = data
    tree = geokota.RTree(boxes)
    pts = np.random.default_rng(3).uniform(-50, 1050, (200, 2))
    qi, ii, d = tree.nearest(pts, k=5, return_distance=True)
    assert np.array_equal(qi, np.repeat(np.arange(200), 5))
    for i, p in enumerate(pts):
        dist = box_dist(boxes, (p[0], p[1], p[0], p[1]))
        order = np.lexsort((np.arange(len(boxes)), dist))[:5]
        got = ii[qi == i]
        # the library takes sqrt(dx*dx + dy*dy), numpy hypot: 1 ulp apart
        np.testing.assert_allclose(d[qi == i], dist[order], rtol=4e-16,
                                   atol=0)
        assert np.array_equal(got, order)
    # max_distance cuts; k larger than the tree returns everything
    qi, ii, d = tree.nearest(pts[:1], k=50, max_distance=5.0,
                             return_distance=True)
    assert np.all(d <= 5.0)
    assert len(ii) == np.count_nonzero(
        box_dist(boxes, np.r_[pts[0], pts[0]]) <= 5.0)
    small = geokota.RTree(boxes[:3])
    assert len(small.nearest(pts[:2], k=10)[1]) == 6


def test_insert_remove_repack(data):
    boxes, windows = data
    tree = geokota.RTree()
    for i, b in enumerate(boxes[:2000]):
        tree.insert(i, b)
    assert len(tree) == 2000 and tree.info()["num_parts"] >= 1
    for i in range(0, 2000, 3):
        assert tree.remove(i, boxes[i])
    assert not tree.remove(0, boxes[0])
    keep = np.array([i for i in range(2000) if i % 3])
    for w in windows[:50]:
        want = keep[brute_query(boxes[keep], w)]
        assert np.array_equal(np.sort(tree.query(w)), want)
    tree.repack()
    assert tree.info()["num_parts"] == 1 and len(tree) == len(keep)
    for w in windows[:50]:
        assert np.array_equal(np.sort(tree.query(w)),
                              keep[brute_query(boxes[keep], w)])


def test_save_open_and_corruption(data, tmp_path):
    boxes, windows = data
    tree = geokota.RTree(boxes)
    path = tmp_path / "boxes.gkidx"
    tree.save(path)
    back = geokota.RTree.open(path)
    assert isinstance(back, geokota.RTree) and back.info()["mapped"]
    a = tree.query_batch(windows)
    b = back.query_batch(windows)
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    bad = tmp_path / "bad.gkidx"
    bad.write_bytes(bytes(raw))
    with pytest.raises(geokota.FileError):
        geokota.RTree.open(bad)
    with pytest.raises(geokota.FileError):
        geokota.RTree.open(tmp_path / "missing.gkidx")
    with pytest.raises(OSError):
        geokota.RTree.open(tmp_path / "missing.gkidx")


def test_threads_query_one_tree(data):
    boxes, windows = data
    tree = geokota.RTree(boxes)
    want = tree.query_batch(windows)
    results = [None] * 4

    def work(k):
        results[k] = [tree.query_batch(windows) for _ in range(20)]

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for rs in results:
        for r in rs:
            assert np.array_equal(r[0], want[0])
            assert np.array_equal(r[1], want[1])


def test_bad_input():
    with pytest.raises(geokota.InputError, match="NaN|finite|nan"):
        geokota.RTree(np.array([[0, 0, np.nan, 1.0]]))
    with pytest.raises(geokota.InputError):
        geokota.RTree(np.array([[2, 0, 1, 1.0]]))  # xmin > xmax
    with pytest.raises(ValueError, match="shape"):
        geokota.RTree(np.zeros((3, 3)))
    with pytest.raises(ValueError, match="3 boxes"):
        geokota.RTree(np.zeros((3, 4)), ids=[1, 2])
    with pytest.raises(ValueError, match="method"):
        geokota.RTree(np.zeros((3, 4)), method="quadratic")
    with pytest.raises(geokota.InputError):
        geokota.RTree(np.zeros((3, 4)), node_size=6)
    tree = geokota.RTree(np.zeros((0, 4)))
    assert len(tree) == 0 and len(tree.query((0, 0, 1, 1))) == 0
    with pytest.raises(ValueError, match="box"):
        tree.query((1, 2, 3))
    with pytest.raises(geokota.InputError):
        tree.insert(1, (0, 0, np.inf, 1))


# ---- the rtree package, on the same data --------------------------------

rtree_index = pytest.importorskip("rtree.index")


def test_agrees_with_rtree_package(data):
    boxes, windows = data
    ref = rtree_index.Index()
    ours = geokota.Index()
    for i, b in enumerate(boxes):
        ref.insert(i, tuple(b))
        ours.insert(i, tuple(b))
    assert len(ours) == len(ref) == len(boxes)
    assert np.allclose(ours.bounds, ref.bounds)
    for w in windows:
        assert sorted(ours.intersection(tuple(w))) == \
            sorted(ref.intersection(tuple(w)))
        assert ours.count(tuple(w)) == ref.count(tuple(w))
    pts = np.random.default_rng(5).uniform(0, 1000, (100, 2))
    for p in pts:
        for k in (1, 4):
            assert sorted(ours.nearest(tuple(p), k)) == \
                sorted(ref.nearest(tuple(p), k))
    # batch queries of the RTree agree too
    qi, ii = geokota.RTree(boxes).query_batch(windows)
    ref_pairs = sorted((i, j) for i, w in enumerate(windows)
                       for j in ref.intersection(tuple(w)))
    assert sorted(zip(qi.tolist(), ii.tolist())) == ref_pairs


def test_index_api_matches_rtree_call_for_call():
    """The same script, written for rtree, runs on geokota.Index."""
    def script(Index):
        out = []
        stream = [(i, (i, i, i + 1.5, i + 1.5), f"obj{i}") for i in range(20)]
        idx = Index(stream)
        out.append(sorted(idx.intersection((3.2, 3.2, 5.0, 5.0))))
        out.append(sorted(i.object for i in idx.intersection(
            (3.2, 3.2, 5.0, 5.0), objects=True)))
        out.append(sorted(idx.intersection((3.2, 3.2, 5.0, 5.0),
                                           objects="raw")))
        idx.insert(100, (50, 50, 51, 51), obj="far")
        idx.add(101, (60, 60))
        out.append(list(idx.nearest((50.5, 50.5), 1, objects="raw")))
        out.append(sorted(idx.nearest((10.75, 10.75), 2)))  # ties at 0
        idx.delete(5, (5, 5, 6.5, 6.5))
        out.append(sorted(idx.intersection((5.5, 5.5, 5.6, 5.6))))
        out.append(len(idx))
        flipped = Index(interleaved=False)
        flipped.insert(1, (0, 2, 10, 12))  # xmin, xmax, ymin, ymax
        out.append(list(flipped.intersection((1, 1.5, 11, 11.5))))
        out.append(list(flipped.intersection((1, 1.5, 0, 5))))
        out.append([round(v, 9) for v in flipped.bounds])
        return out

    assert script(geokota.Index) == script(rtree_index.Index)


def test_index_refuses_what_it_does_not_do(tmp_path):
    with pytest.raises(NotImplementedError, match="RTree.save"):
        geokota.Index(str(tmp_path / "disk"))
    with pytest.raises(NotImplementedError):
        geokota.Index(properties=object())
