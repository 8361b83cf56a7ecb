#!/usr/bin/env bash
# Regenerates passes/lint_popular_actions.inc from the popular-actions data set.
#   scripts/gen-popular-actions/run.sh [DATA_DIR]   (default: ../shared/data/popular-actions)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
data="${1:-$root/../shared/data/popular-actions}"
(cd "$here" && npm ci --no-audit --no-fund --silent)
node "$here/generate.mjs" "$data" > "$root/passes/lint_popular_actions.inc.tmp"
mv "$root/passes/lint_popular_actions.inc.tmp" "$root/passes/lint_popular_actions.inc"
echo "wrote passes/lint_popular_actions.inc"
