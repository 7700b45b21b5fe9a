#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Brings the seed's two-cluster Istio mesh up on kind, fixed and current, and writes the
# mesh.yaml that meshverify checks it with (scripts/mesh/verify.sh).
#
#   scripts/mesh/up.sh [--topology primary-remote|multi-primary] [--istiod-via service|podip]
#                      [--client curl|sleep] [--samples-certs] [--settings FILE] [--out DIR]
#                      [--dry-run]
#
#   --topology       primary-remote: istiod in cluster1 only, cluster2 a remote (the seed's
#                    shared control plane); multi-primary: istiod in both. Default: TOPOLOGY
#                    in the settings.
#   --istiod-via     primary-remote: how cluster2 reaches istiod on 15012 and 15017. service:
#                    a Service in cluster1 with both ports, by its ClusterIP (the default);
#                    podip: the istiod pod's IP (changes when the pod is replaced). Default:
#                    ISTIOD_VIA in the settings.
#   --client         curl (samples/curl, current Istio) or sleep (the seed's samples/sleep).
#   --samples-certs  use the Istio release's samples/certs in both clusters (needs ISTIO_DIR),
#                    as the seed did, instead of a fresh root CA with per-cluster intermediates.
#   --settings FILE  settings instead of scripts/mesh/mesh.env.
#   --out DIR        where rendered files, CA files and mesh.yaml go (default scripts/mesh/out).
#   --dry-run        print every command ("+ ..."), write every file it would apply, and touch
#                    neither docker nor any cluster; values read from docker or a cluster are
#                    shown as placeholders such as <IP of cluster2-control-plane from docker inspect>.
#
# Two gates stop a run that cannot work, with what was tried and where to look: before the
# remote install, istiod's 15012 and 15017 must answer from cluster2's node; before the
# workloads, a server-side dry-run pod in the sample namespace must come back injected.
# Safe to run again: existing clusters are kept, routes use `ip route replace`, manifests
# `kubectl apply`, CA files are reused. Remote-secret tokens and CA keys are written mode 0600
# in 0700 directories. scripts/mesh/down.sh removes what this made.
set -euo pipefail
PROG=up.sh # read by lib/common.sh
export PROG
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/common.sh"
. "$here/lib/prereq.sh"
. "$here/lib/certs.sh"
. "$here/lib/render.sh"
. "$here/lib/steps.sh"
. "$here/lib/converge.sh"
. "$here/lib/gates.sh"

usage() { sed -n '3,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; }

SETTINGS_FILE=$here/mesh.env
OUT=$here/out
SAMPLES_CERTS=0
topology_flag=""
client_flag=""
via_flag=""
while [ $# -gt 0 ]; do
  case "$1" in
    --topology) topology_flag=${2:?--topology needs a value}; shift ;;
    --topology=*) topology_flag=${1#*=} ;;
    --istiod-via) via_flag=${2:?--istiod-via needs a value}; shift ;;
    --istiod-via=*) via_flag=${1#*=} ;;
    --client) client_flag=${2:?--client needs a value}; shift ;;
    --client=*) client_flag=${1#*=} ;;
    --settings) SETTINGS_FILE=${2:?--settings needs a file}; shift ;;
    --settings=*) SETTINGS_FILE=${1#*=} ;;
    --out) OUT=${2:?--out needs a directory}; shift ;;
    --out=*) OUT=${1#*=} ;;
    --samples-certs) SAMPLES_CERTS=1 ;;
    --dry-run) DRY_RUN=1 ;;
    -h | --help) usage; exit 0 ;;
    *) printf '%s: unknown argument %s (see --help)\n' "$PROG" "$1" >&2; exit 2 ;;
  esac
  shift
done

load_settings "$SETTINGS_FILE"
SETTINGS_FILE=$(cd "$(dirname "$SETTINGS_FILE")" && pwd)/$(basename "$SETTINGS_FILE")
TOPOLOGY=${topology_flag:-$TOPOLOGY}
CLIENT=${client_flag:-$CLIENT}
case "$TOPOLOGY" in primary-remote | multi-primary) ;; *)
  printf '%s: --topology: %s is not primary-remote or multi-primary\n' "$PROG" "$TOPOLOGY" >&2
  exit 2 ;;
esac
case "$CLIENT" in curl | sleep) ;; *)
  printf '%s: --client: %s is not curl or sleep\n' "$PROG" "$CLIENT" >&2
  exit 2 ;;
esac
ISTIOD_VIA=${via_flag:-$ISTIOD_VIA}
if ! istiod_via_valid "$ISTIOD_VIA"; then
  printf '%s: --istiod-via: %s\n' "$PROG" "$(istiod_via_problem "$ISTIOD_VIA")" >&2
  exit 2
fi

umask 077 # tokens and CA keys are written here; nothing under $OUT is for other users
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

mode="for real"
[ "$DRY_RUN" = 1 ] && mode="dry run: nothing touches docker or a cluster"
via=""
[ "$TOPOLOGY" = primary-remote ] && via=", istiod via $ISTIOD_VIA"
say "up: topology $TOPOLOGY$via, Istio $ISTIO_VERSION, $KIND_NODE_IMAGE ($mode)"
say "settings $SETTINGS_FILE, output $OUT"

if ! check_prerequisites "$((1 - SAMPLES_CERTS))"; then
  [ "$DRY_RUN" = 1 ] || die "prerequisites missing or too old (listed above); nothing was changed"
  warn "dry run: going on without them"
fi

# The effective settings, for down.sh and verify.sh (flags folded in).
{
  cat "$SETTINGS_FILE"
  printf '\n# Effective values of this run (up.sh flags)\nTOPOLOGY=%s\nISTIOD_VIA=%s\nCLIENT=%s\n' \
    "$TOPOLOGY" "$ISTIOD_VIA" "$CLIENT"
} | write_file "$OUT/settings.env"

render_all
say "clusters"
create_clusters
say "static routes between the node containers (pod and service CIDRs)"
add_routes
say "trust: cacerts in istio-system"
apply_trust
say "Istio ($TOPOLOGY)"
install_istio
say "remote secrets (endpoint discovery)"
create_remote_secrets
wait_synced
say "namespace $SAMPLE_NAMESPACE with sidecar injection, and the injection gate"
sample_namespaces
say "test workload: helloworld v1 in $CLUSTER1_NAME, v2 in $CLUSTER2_NAME, $CLIENT in both"
deploy_samples
wait_endpoints

if [ "$DRY_RUN" = 1 ]; then
  say "dry run done: files in $OUT, meshverify config $OUT/mesh.yaml"
else
  say "mesh is up. Verify it with: $here/verify.sh${OUT:+ --out $OUT}"
fi
