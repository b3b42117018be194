#!/bin/sh
# tests/check_exports.sh LIB - every symbol the shared library exports must
# start with gk_: everything else is hidden. A static library has no dynamic
# table, so the check is skipped there (exit 77).
lib="$1"
case "$lib" in *.a) echo "static library: nothing to check"; exit 77;; esac
bad=$(nm -D --defined-only "$lib" | awk '{print $3}' | grep -v '^gk_' | grep -v '^_' )
if [ -n "$bad" ]; then
  echo "exported symbols without the gk_ prefix:"; echo "$bad"; exit 1
fi
n=$(nm -D --defined-only "$lib" | awk '{print $3}' | grep -c '^gk_')
[ "$n" -gt 0 ] || { echo "no gk_ symbols exported"; exit 1; }
echo "$n gk_ symbols exported, nothing else"
