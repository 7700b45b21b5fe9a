#!/usr/bin/env bash
# Builds meshverify's image from the Containerfile with podman or docker, whichever exists.
#   scripts/build-image.sh [IMAGE]   default meshverify:<project version>
# Then push it where the clusters pull from and give it to `meshverify jobs --image IMAGE`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
version=$(sed -n 's/^project(meshverify VERSION \([0-9.]*\).*/\1/p' "$root/CMakeLists.txt")
image=${1:-meshverify:${version:-dev}}
engine=""
for e in podman docker; do
  if command -v "$e" >/dev/null 2>&1; then
    engine=$e
    break
  fi
done
if [[ -z $engine ]]; then
  echo "build-image.sh: no container engine (podman or docker) on this machine" >&2
  exit 3
fi
echo "build-image.sh: $engine build -t $image -f Containerfile $root" >&2
exec "$engine" build -t "$image" -f "$root/Containerfile" "$root"
