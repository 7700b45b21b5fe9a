#!/usr/bin/env bash
# Installs, with apt-get, every Debian package meshverify needs to build, test, benchmark
# and run its lab. Idempotent: quiet and fast when everything is already there.
set -euo pipefail

packages=(
  # build
  build-essential cmake pkg-config ninja-build clang libclang-rt-14-dev
  # libraries
  libcurl4-openssl-dev libboost-dev libboost-program-options-dev libboost-math-dev
  nlohmann-json3-dev libyaml-cpp-dev libre2-dev libgtest-dev libgmock-dev libbenchmark-dev
  # tests, lab and benchmarks
  python3 python3-jsonschema python3-yaml shellcheck jq curl haproxy iproute2 procps psmisc
  iputils-ping socat wrk hey
  # the load report's HTML page, checked in a real headless browser
  chromium
  # the probe script's test under busybox ash, the shell of Istio's curl-based sleep image
  busybox
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "deps.sh: missing packages (${missing[*]}); run as root or: sudo apt-get install ${missing[*]}" >&2
  exit 2
fi
echo "deps.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# HAProxy's package starts a system-wide instance; the lab runs its own, so keep it off.
if command -v systemctl >/dev/null 2>&1; then systemctl disable --now haproxy >/dev/null 2>&1 || true; fi
service haproxy stop >/dev/null 2>&1 || true
