#!/bin/sh
# Builds the example "app": a text file that carries its version.
set -eu
echo "hello app version $1"
