#!/usr/bin/env bash
# Runs the Lambda package's tests (npm ci from the lock file, then npm test); quiet on success.
# Usage: scripts/test-lambda.sh [BUILD_DIR]  (BUILD_DIR/bin/ci-compile emits the plans the tests run;
# default: build).
# npm test (backend/lambda/test/run.js) checks that every declared test was reported as passed and
# ends with the tally "lambda tests: N declared, N passed, 0 failed, 0 not run"; anything else fails.
# Time bounds, all well under ctest's 600 s for lambda_package: each test 60 s, each test file
# 240 s, the whole run 420 s (test/run.js names the stuck test), and a hard stop of the process
# group after 480 s here (npm ci: 120 s).
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="$root/backend/lambda"
build="${1:-$root/build}"
export CI_COMPILE="${CI_COMPILE:-$(cd "$build" 2>/dev/null && pwd)/bin/ci-compile}"
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "test-lambda: SKIPPED: node/npm not found (install nodejs and npm)"
  exit 0
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
cd "$dir"
# Reinstall only when the lock file changed: other tests read node_modules while this runs.
stamp=node_modules/.ci-lock-stamp
if ! cmp -s package-lock.json "$stamp" 2>/dev/null; then
  if ! timeout -k 5 120 npm ci --no-audit --no-fund --loglevel=error >"$log" 2>&1; then cat "$log"; echo "test-lambda: npm ci failed"; exit 1; fi
  cp package-lock.json "$stamp"
fi
hard="${CI_LAMBDA_HARD_LIMIT:-480}"
timeout -k 10 "$hard" npm test >"$log" 2>&1
rc=$?
if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
  cat "$log"; echo "test-lambda: FAILED: npm test did not finish within $hard s (stopped)"; exit 1
fi
tally=$(grep -E '^lambda tests: ' "$log" | tail -1)
if [ $rc -ne 0 ] || [ -z "$tally" ]; then cat "$log"; echo "test-lambda: FAILED (npm test exit $rc)"; exit 1; fi
# Belt and braces: the tally itself must show every declared test passed.
if ! echo "$tally" | grep -qE '^lambda tests: ([0-9]+) declared, \1 passed, 0 failed, 0 not run'; then
  cat "$log"; echo "test-lambda: FAILED: $tally"; exit 1
fi
echo "$tally"
