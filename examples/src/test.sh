#!/bin/sh
# Tests the example "app": it must name itself and carry a version.
set -eu
grep -q '^hello app version ' "$1"
echo "tests passed"
