#!/usr/bin/env bash
# Lambda loop benchmark: the package's loop vs the straightforward loop on the local durable runner (side by side).
# Usage: bench/lambda/run.sh [BUILD_DIR]   (the build dir is not used: this benchmark is Node only)
# Env: CI_LAMBDA_BENCH_SIZES (default 100,500), CI_LAMBDA_BENCH_REPS (default 3), CI_LAMBDA_BENCH_SHAPE (fan-out or chain).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "bench/lambda: SKIPPED: node/npm not found"; exit 0
fi
# Reinstall only when the lock file changed (as scripts/test-lambda.sh: tests may be reading node_modules).
(cd "$root/backend/lambda" && if ! cmp -s package-lock.json node_modules/.ci-lock-stamp 2>/dev/null; then
  npm ci --no-audit --no-fund --loglevel=error >/dev/null && cp package-lock.json node_modules/.ci-lock-stamp; fi)
exec node "$root/bench/lambda/bench.js" --sizes "${CI_LAMBDA_BENCH_SIZES:-100,500}" --reps "${CI_LAMBDA_BENCH_REPS:-3}" --shape "${CI_LAMBDA_BENCH_SHAPE:-fan-out}"
