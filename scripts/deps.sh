#!/usr/bin/env bash
# Installs, with apt-get, every Debian package meshverify needs to build, test, benchmark,
# package and run its lab. Idempotent: quiet and fast when everything is already there.
#
#   scripts/deps.sh           everything (scripts/test.sh and scripts/demo.sh run this)
#   scripts/deps.sh --build   only what building and packaging need (CI recipes in docs/ci/)
set -euo pipefail

build_packages=(
  # build
  build-essential cmake pkg-config ninja-build
  # libraries
  libcurl4-openssl-dev libboost-dev libboost-program-options-dev libboost-math-dev
  nlohmann-json3-dev libyaml-cpp-dev libre2-dev libgtest-dev libgmock-dev libbenchmark-dev
  # the executable's allocator (cmake/Allocator.cmake: direct mode's libcurl allocates a lot)
  libmimalloc-dev
  # the man page and completion generator; the Debian package (CPack runs dpkg-shlibdeps, file)
  python3 dpkg-dev file
)
test_packages=(
  # fuzzers
  clang libclang-rt-14-dev
  # scripts/test.sh compiles through it: its four builds (release, ASan, TSan, fuzz) reuse
  # what an earlier run compiled
  ccache
  # tests, lab and benchmarks
  python3-jsonschema python3-yaml shellcheck jq curl haproxy iproute2 procps psmisc
  iputils-ping socat wrk hey
  # the load report's HTML page, checked in a real headless browser
  chromium
  # the probe script's test under busybox ash, the shell of Istio's curl-based sleep image
  busybox
  # the package test reads the installed man page
  man-db
)
# Installed when apt has them; the tests that need them skip, saying why, when it has not.
optional_packages=()
# A real kubectl for `kubectl meshverify` in tests/scripts/install_test.sh. Not when a kubectl
# is installed already: another package (Google Cloud SDK's `kubectl`) owning /usr/bin/kubectl
# would make this one fail to install.
command -v kubectl >/dev/null 2>&1 || optional_packages+=(kubernetes-client)

case "${1:-}" in
  "") packages=("${build_packages[@]}" "${test_packages[@]}") ;;
  --build) packages=("${build_packages[@]}") optional_packages=() ;;
  *) echo "deps.sh: unknown argument $1 (want nothing or --build)" >&2; exit 2 ;;
esac

missing() {
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || echo "$p"
  done
}
mapfile -t need < <(missing "${packages[@]}")
mapfile -t want < <(missing "${optional_packages[@]}")
[ ${#need[@]} -eq 0 ] && [ ${#want[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  if [ ${#need[@]} -eq 0 ]; then
    echo "deps.sh: not installing optional ${want[*]} (not root); the tests that need it skip" >&2
    exit 0
  fi
  echo "deps.sh: missing packages (${need[*]}); run as root or: sudo apt-get install ${need[*]}" >&2
  exit 2
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
if [ ${#need[@]} -gt 0 ]; then
  echo "deps.sh: installing ${need[*]}" >&2
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
for p in "${want[@]}"; do
  if apt-get install -y -qq --no-install-recommends "$p" >/dev/null 2>&1; then
    echo "deps.sh: installed $p" >&2
  else
    echo "deps.sh: $p is not installable here; the tests that need it skip" >&2
  fi
done
# HAProxy's package starts a system-wide instance; the lab runs its own, so keep it off.
if command -v systemctl >/dev/null 2>&1; then systemctl disable --now haproxy >/dev/null 2>&1 || true; fi
service haproxy stop >/dev/null 2>&1 || true
