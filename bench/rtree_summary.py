"""Summarise bench/run_rtree_bench.sh output: medians over rounds, hit checks
and ratios against geokota. Usage: rtree_summary.py RESULTS_FILE"""
import math
import statistics
import sys

rows = {}
for line in open(sys.argv[1]):
    if not line.startswith("RESULT"):
        continue
    kv = dict(tok.split("=", 1) for tok in line.split()[1:])
    rows.setdefault((kv["lib"], kv["dist"]), []).append(kv)

FIG = [("build_s", "build s"), ("query_s", "100k windows s"), ("knn_s", "10k kNN s"),
       ("index_mib", "index MiB"), ("peak_mib", "build peak MiB"),
       ("open_s", "open + 1st query s")]
order = ["geokota", "geokota-str", "geokota-insert", "boost-pack", "boost-rstar",
         "flatbush", "geos", "sidx-str", "sidx-insert", "sqlite"]


def med(vals):
    v = [float(x) for x in vals if x not in ("nan", "-nan")]
    v = [x for x in v if not math.isnan(x)]
    return statistics.median(v) if v else float("nan")


bad = 0
for dist in ("uniform", "clustered"):
    ref = rows.get(("geokota", dist))
    if not ref:
        continue
    r0 = ref[0]
    print(f"\n### {dist} (1M boxes, medians of {len(ref)} rounds; ratio = peer / geokota)\n")
    print("| library | " + " | ".join(name for _, name in FIG) + " | hits check |")
    print("|---|" + "---|" * (len(FIG) + 1))
    base = {k: med([r[k] for r in ref]) for k, _ in FIG}
    for lib in order:
        rs = rows.get((lib, dist))
        if not rs:
            continue
        cells = []
        for k, _ in FIG:
            v = med([r[k] for r in rs])
            if math.isnan(v):
                cells.append("-")
            elif lib == "geokota" or math.isnan(base[k]) or base[k] == 0:
                cells.append(f"{v:.4g}")
            else:
                cells.append(f"{v:.4g} ({v / base[k]:.1f}x)")
        same = all(r["hits"] == r0["hits"] and r["hitsum"] == r0["hitsum"] for r in rs)
        knn_ok = all(r["knnsum"] in ("nan", "-nan") or float(r["knnsum"]) == float(r0["knnsum"])
                     for r in rs)
        check = "identical" if same and knn_ok else "DIFFERENT"
        bad += check != "identical"
        print(f"| {lib} | " + " | ".join(cells) + f" | {check} |")
    ex = med([r["exact_mib"] for r in ref])
    op = med([r["open_s"] for r in ref])
    opn = med([r["open_nv_s"] for r in ref])
    print(f"\ngeokota: exact index size {ex:.2f} MiB ({ex * 1048576 / 1e6:.2f} bytes/item); "
          f"open of the saved .gkidx and a first window query {op * 1e3:.2f} ms with CRC check, "
          f"{opn * 1e3:.3f} ms without; hits {r0['hits']}, id sum {r0['hitsum']}")
print("\nall libraries returned identical hits" if not bad else f"\n{bad} libraries DIFFER")
sys.exit(1 if bad else 0)
