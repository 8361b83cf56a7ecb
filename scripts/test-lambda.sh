#!/usr/bin/env bash
# Runs the Lambda package's tests (npm ci from the lock file, then npm test); quiet on success.
set -uo pipefail
dir="$(cd "$(dirname "$0")/.." && pwd)/backend/lambda"
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
  if ! npm ci --no-audit --no-fund --loglevel=error >"$log" 2>&1; then cat "$log"; echo "test-lambda: npm ci failed"; exit 1; fi
  cp package-lock.json "$stamp"
fi
if ! npm test >"$log" 2>&1; then cat "$log"; exit 1; fi
grep -E '^# (pass|fail)' "$log" | tr '\n' ' '; echo
