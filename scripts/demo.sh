#!/usr/bin/env bash
# The main job, on a fresh machine. (Filled in as the lab and `check` land.)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc)"
build/meshverify --help
