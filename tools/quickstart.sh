#!/usr/bin/env bash
# tools/quickstart.sh - the README's first command: install what is missing
# (Debian packages), build geokota, and run the main job on the bundled
# sample: the bill of quantities for the 19 neighbourhood roads of
# examples/jalan_lingkungan_tebet.geojson as rigid concrete jalan lingkungan.
# Idempotent: a second run only rebuilds what changed.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/deps.sh
if [ ! -f build/build.ninja ]; then
  meson setup build >/dev/null
fi
ninja -C build >/dev/null

roads=examples/jalan_lingkungan_tebet.geojson
report=build/estimate-tebet.md
echo "== geokota estimate $roads --width-table data/osm_widths.csv"
./build/tools/geokota estimate --width-table data/osm_widths.csv \
  --format markdown -o "$report" "$roads"
./build/tools/geokota estimate --width-table data/osm_widths.csv \
  --format json -o build/estimate-tebet.json "$roads"
# The totals close the report; the full report (per road, per layer) is in
# build/estimate-tebet.md, the same in JSON in build/estimate-tebet.json.
head -n 6 "$report"
sed -n '/^## Total/,$p' "$report" 2>/dev/null | head -40 || true
grep -q '^## Total' "$report" || tail -n 30 "$report"
echo
echo "Full report: $report (and build/estimate-tebet.json)."
