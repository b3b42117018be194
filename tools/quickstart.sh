#!/usr/bin/env bash
# tools/quickstart.sh - the README's first command: install what is missing
# (Debian packages), build geokota, and run the main job on the bundled
# sample. Idempotent: a second run only rebuilds what changed.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/deps.sh
if [ ! -f build/build.ninja ]; then
  meson setup build >/dev/null
fi
ninja -C build >/dev/null
echo "== geokota measure data/samples/kota_tangerang_kecamatan.geojson"
./build/tools/geokota measure --id-field district \
  data/samples/kota_tangerang_kecamatan.geojson
