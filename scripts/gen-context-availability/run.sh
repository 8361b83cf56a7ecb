#!/usr/bin/env bash
# Regenerates frontend/context_availability.inc from GitHub's workflow schema (npm package).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
(cd "$here" && npm ci --no-audit --no-fund --silent)
node "$here/generate.mjs" > "$root/frontend/context_availability.inc.tmp"
mv "$root/frontend/context_availability.inc.tmp" "$root/frontend/context_availability.inc"
echo "wrote frontend/context_availability.inc"
