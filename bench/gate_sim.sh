#!/usr/bin/env bash
# The sequential gate of `meshverify check` simulated over many seeded answer streams
# (bench/gate_sim.cc): how many requests a source needs before the gate decides, how it
# decides, and how often the interval shown holds the true share, each figure with its exact
# 95% interval; then the exact coverage of the interval a one-look `analyze` shows.
# Reproducible: the same seed gives the same figures on any machine (std::mt19937_64).
#
# usage: bench/gate_sim.sh [STREAMS] [SEED]     (defaults 10000 and 1; ~3 min on 2 cores)
# The program is $GATE_SIM, else build/bench/gate_sim, built first if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
streams=${1:-10000}
seed=${2:-1}
sim=${GATE_SIM:-build/bench/gate_sim}
if [[ ! -x $sim ]]; then
  [[ -d build ]] || cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build --target gate_sim >/dev/null
fi
exec "$sim" --streams "$streams" --seed "$seed"
