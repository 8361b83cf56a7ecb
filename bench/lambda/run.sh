#!/usr/bin/env bash
# Lambda loop benchmark: the package's loop vs the straightforward loop on the local durable runner (side by side).
# Usage: bench/lambda/run.sh [BUILD_DIR]   (the build dir is not used: this benchmark is Node only)
# Env: CI_LAMBDA_BENCH_SIZES (default 100,500), CI_LAMBDA_BENCH_REPS (default 3).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "bench/lambda: SKIPPED: node/npm not found"; exit 0
fi
(cd "$root/backend/lambda" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
exec node "$root/bench/lambda/bench.js" --sizes "${CI_LAMBDA_BENCH_SIZES:-100,500}" --reps "${CI_LAMBDA_BENCH_REPS:-3}"
