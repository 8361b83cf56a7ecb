#!/usr/bin/env bash
# Installs @actions/workflow-parser from the committed lock file (npm ci) unless the
# installed tree already matches it. Prints "SKIPPED: ..." and exits 0 without node/npm.
set -uo pipefail
dir="$(cd "$(dirname "$0")" && pwd)"
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "gh-parser: SKIPPED: node/npm not found (install nodejs and npm)"
  exit 0
fi
cd "$dir"
# node_modules/.ci-lock is the lock file the tree was installed from.
if cmp -s package-lock.json node_modules/.ci-lock 2>/dev/null; then
  exit 0
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! npm ci --no-audit --no-fund --loglevel=error >"$log" 2>&1; then
  cat "$log"
  echo "gh-parser: npm ci failed"
  exit 1
fi
cp package-lock.json node_modules/.ci-lock
