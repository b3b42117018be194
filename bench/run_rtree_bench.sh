#!/usr/bin/env bash
# bench/run_rtree_bench.sh [BUILD_DIR [ROUNDS]] - the R-tree benchmark: every
# library on the identical data in one run, results checked for identical
# hits, medians over rounds (libraries interleaved so load bursts hit all),
# ratios printed against geokota.
#
#   meson setup build-bench -Dbench=true -Dbuildtype=release
#   ninja -C build-bench && bash bench/run_rtree_bench.sh build-bench 5
#
# Needs the Debian packages in tools/deps.sh (libspatialindex-dev,
# libboost-dev, libgeos-dev, libsqlite3-dev) and node + npm for flatbush,
# which is installed here into bench/flatbush/node_modules (not committed).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-build-bench}" && pwd)
rounds=${2:-5}
data="$build/rtree-bench-data"
out="$build/rtree-bench-results.txt"
mkdir -p "$data"
[ -f "$data/knn_clustered.f64" ] || "$build/bench/bench_rtree" --gen "$data"

have_node=0
if command -v node >/dev/null && command -v npm >/dev/null; then
  if [ ! -d "$here/flatbush/node_modules/flatbush" ]; then
    (cd "$here/flatbush" && npm install --no-audit --no-fund --silent) || true
  fi
  [ -d "$here/flatbush/node_modules/flatbush" ] && have_node=1
fi
have_boost=0
[ -x "$build/bench/bench_rtree_boost" ] && have_boost=1

: > "$out"
run() { "$@" | grep '^RESULT' | tee -a "$out"; }
for round in $(seq 1 "$rounds"); do
  echo "== round $round of $rounds" >&2
  for dist in uniform clustered; do
    run "$build/bench/bench_rtree" --lib geokota --dist "$dist" --data "$data" --reps 5
    [ $have_boost = 1 ] && run "$build/bench/bench_rtree_boost" --lib boost-pack --dist "$dist" --data "$data" --reps 3
    [ $have_node = 1 ] && run node "$here/flatbush/bench.mjs" --dist "$dist" --data "$data" --reps 3
    run "$build/bench/bench_rtree" --lib geos --dist "$dist" --data "$data" --reps 3
    run "$build/bench/bench_rtree" --lib geokota-str --dist "$dist" --data "$data" --reps 3
    run "$build/bench/bench_rtree" --lib geokota-insert --dist "$dist" --data "$data" --reps 3
    [ $have_boost = 1 ] && run "$build/bench/bench_rtree_boost" --lib boost-rstar --dist "$dist" --data "$data" --reps 1
    if [ "$round" = 1 ]; then
      # slow peers: once, one repetition
      run "$build/bench/bench_rtree" --lib sidx-str --dist "$dist" --data "$data" --reps 1
      run "$build/bench/bench_rtree" --lib sidx-insert --dist "$dist" --data "$data" --reps 1
      run "$build/bench/bench_rtree" --lib sqlite --dist "$dist" --data "$data" --reps 1
    fi
  done
done
/usr/bin/python3 "$here/rtree_summary.py" "$out"
