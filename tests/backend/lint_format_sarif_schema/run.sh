#!/usr/bin/env bash
# Validates SARIF files against the published 2.1.0 schema; installs the pinned
# packages with `npm ci` on first use. Exit 0 valid, 1 invalid, 77 cannot run.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
command -v node >/dev/null 2>&1 || { echo "node is not installed"; exit 77; }
if [ ! -d "$here/node_modules/@microsoft/jest-sarif" ]; then
  (cd "$here" && npm ci --no-audit --no-fund --silent) || { echo "npm ci failed"; exit 77; }
fi
exec node "$here/validate.mjs" "$@"
