#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Removes what scripts/mesh/up.sh made, and nothing else: the kind clusters it created
# (recorded in <out>/.mesh-clusters; a cluster that existed before up.sh is left alone) and the
# files it wrote (recorded in <out>/.mesh-files), then the directories they leave empty.
#
#   scripts/mesh/down.sh [--out DIR] [--all-clusters] [--dry-run]
#
#   --out DIR        the output directory up.sh used (default scripts/mesh/out).
#   --all-clusters   also delete the two kind clusters named in <out>/settings.env when up.sh
#                    did not record creating them (e.g. they were made by an older run).
#   --dry-run        print what would be deleted and delete nothing.
set -euo pipefail
PROG=down.sh # read by lib/common.sh
export PROG
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"

usage() { sed -n '3,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; }

OUT=$here/out
all_clusters=0
while [ $# -gt 0 ]; do
  case "$1" in
    --out) OUT=${2:?--out needs a directory}; shift ;;
    --out=*) OUT=${1#*=} ;;
    --all-clusters) all_clusters=1 ;;
    --dry-run) DRY_RUN=1 ;;
    -h | --help) usage; exit 0 ;;
    *) printf '%s: unknown argument %s (see --help)\n' "$PROG" "$1" >&2; exit 2 ;;
  esac
  shift
done

if [ ! -d "$OUT" ]; then
  say "nothing to do: $OUT does not exist"
  exit 0
fi
OUT=$(cd "$OUT" && pwd)

# Clusters to delete: those up.sh created, or with --all-clusters the two it is configured for.
clusters=()
if [ -f "$OUT/.mesh-clusters" ]; then
  mapfile -t clusters < <(sort -u "$OUT/.mesh-clusters")
fi
if [ "$all_clusters" = 1 ]; then
  [ -f "$OUT/settings.env" ] || die "--all-clusters: $OUT/settings.env not found (was up.sh run with --out $OUT?)"
  # Only the two names: an older run's settings may lack keys up.sh now requires.
  mapfile -t named < <(
    # shellcheck source=/dev/null # written by up.sh
    . "$OUT/settings.env" && printf '%s\n' "${CLUSTER1_NAME:-}" "${CLUSTER2_NAME:-}" | grep .
  )
  [ "${#named[@]}" = 2 ] || die "--all-clusters: $OUT/settings.env does not name CLUSTER1_NAME and CLUSTER2_NAME"
  clusters+=("${named[@]}")
  mapfile -t clusters < <(printf '%s\n' "${clusters[@]}" | sort -u)
fi

existing=""
if [ "${#clusters[@]}" -gt 0 ] && [ "$DRY_RUN" != 1 ]; then
  command -v kind >/dev/null 2>&1 || die "kind not found: cannot delete clusters ${clusters[*]}"
  existing=$(kind get clusters 2>/dev/null || true)
fi
for c in "${clusters[@]}"; do
  if [ "$DRY_RUN" = 1 ] || grep -qxF "$c" <<<"$existing"; then
    run kind delete cluster --name "$c"
  else
    say "kind cluster $c is already gone"
  fi
done
if [ "${#clusters[@]}" -eq 0 ]; then
  say "no kind cluster recorded as created by up.sh in $OUT (see --all-clusters)"
fi

# Files up.sh wrote, only inside $OUT.
removed=0
if [ -f "$OUT/.mesh-files" ]; then
  while IFS= read -r f; do
    case "$f" in "$OUT"/*) ;; *) warn "not removing $f: outside $OUT"; continue ;; esac
    [ -e "$f" ] || continue
    if [ "$DRY_RUN" = 1 ]; then
      printf '+ rm %s\n' "$f"
    else
      rm -f -- "$f"
    fi
    removed=$((removed + 1))
  done <"$OUT/.mesh-files"
fi
if [ "$DRY_RUN" = 1 ]; then
  say "dry run: would remove $removed files and the directories they leave empty"
  exit 0
fi
rm -f -- "$OUT/.mesh-files" "$OUT/.mesh-clusters"
find "$OUT" -depth -type d -empty -delete 2>/dev/null || true
say "removed ${#clusters[@]} recorded cluster(s) and $removed files"
[ -d "$OUT" ] && say "left in $OUT (not made by up.sh): $(find "$OUT" -mindepth 1 | head -n 5 | tr '\n' ' ')"
exit 0
