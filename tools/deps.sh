#!/usr/bin/env bash
# tools/deps.sh - install the Debian 12 packages geokota needs to build, test
# and run (idempotent). As root it runs apt-get; otherwise it prints the exact
# apt-get line to run and fails if anything is missing.
set -euo pipefail

packages=(
  # build
  gcc clang meson ninja-build pkg-config
  # field libraries (development files)
  libgdal-dev libproj-dev libgeos-dev libsqlite3-dev libspatialite-dev
  # command-line peers used by tests and examples
  gdal-bin proj-bin sqlite3 geographiclib-tools
  # Python side (Debian's /usr/bin/python3)
  python3 python3-dev python3-numpy python3-pytest python3-pyproj
  python3-shapely python3-gdal python3-mesonpy
  # Python peers and scale-out: GeoPandas, the rtree package (R-tree peer),
  # Dask for the per-district example and its test
  python3-geopandas python3-rtree python3-dask python3-distributed
  # peers of the R-tree benchmark (bench/, -Dbench=true)
  libspatialindex-dev libboost-dev
  # sanitizer and fuzzing runtime for clang
  libclang-rt-14-dev
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "geokota needs these Debian packages; run:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
