#!/usr/bin/env bash
# tools/run-tests.sh [BUILD_DIR [MESON_SETUP_ARGS...]] - install what is
# missing, build with warnings as errors, run every test suite, and print
# one closing line "N passed, N failed, N skipped". Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/deps.sh

build=${1:-build}
shift || true
if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" -Dwerror=true "$@" >/dev/null
else
  meson configure "$build" -Dwerror=true "$@" >/dev/null
fi
ninja -C "$build" >/dev/null
status=0
meson test -C "$build" --print-errorlogs --num-processes 2 >"$build/test-output.txt" 2>&1 || status=$?
grep -E "^ *[0-9]+/[0-9]+ .*(FAIL|TIMEOUT|ERROR)" "$build/test-output.txt" || true
tail -n 9 "$build/test-output.txt" | head -n 7
/usr/bin/python3 - "$build/meson-logs/testlog.json" <<'PY'
import json, sys
counts = {"OK": 0, "FAIL": 0, "SKIP": 0}
for line in open(sys.argv[1]):
    r = json.loads(line)["result"]
    key = "OK" if r in ("OK", "EXPECTEDFAIL") else "SKIP" if r == "SKIP" else "FAIL"
    counts[key] += 1
print(f"{counts['OK']} passed, {counts['FAIL']} failed, {counts['SKIP']} skipped")
PY
exit $status
