#!/usr/bin/env bash
# Installs the Debian packages ci-toolchain needs to build, test, fuzz and benchmark.
# Only missing packages are installed; works as root or through sudo.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libyaml-dev llvm-14-dev clang-14 libclang-rt-14-dev
  nlohmann-json3-dev libgraphviz-dev graphviz libfmt-dev libsqlite3-dev sqlite3 libssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  shellcheck pyflakes3 bubblewrap hyperfine ccache chromium
  nodejs npm
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  case "$status" in
    *"install ok installed"*) ;;
    *)
      # A tool that is already on PATH from elsewhere (e.g. Node from nodesource) counts as present.
      case "$p" in
        nodejs) command -v node >/dev/null 2>&1 && continue ;;
        npm) command -v npm >/dev/null 2>&1 && continue ;;
      esac
      missing+=("$p") ;;
  esac
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
else
  echo "install-deps: need root or sudo to install: ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
