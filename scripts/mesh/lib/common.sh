# shellcheck shell=bash
# Shared helpers for scripts/mesh/*.sh: logging, the command runner that makes --dry-run
# honest (every command goes through run/run_to/query, which print it first), settings
# loading and validation, CIDR arithmetic and bounded waits.
#
# Globals read: DRY_RUN (0|1), OUT (output dir), PROG (script name for messages).

MESH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DRY_RUN=${DRY_RUN:-0}
PROG=${PROG:-mesh}

# Commands are printed on fd 3 so that query's output can be captured with $(...) while the
# "+ command" line still reaches the terminal.
exec 3>&1

say() { printf '== %s\n' "$*" >&3; }
warn() { printf '%s: warning: %s\n' "$PROG" "$*" >&2; }
die() {
  printf '%s: error: %s\n' "$PROG" "$*" >&2
  exit 1
}

# die_lines MESSAGE LINE...: die with MESSAGE, then each LINE indented below it (what was
# tried, where to look).
die_lines() {
  printf '%s: error: %s\n' "$PROG" "$1" >&2
  shift
  printf '  %s\n' "$@" >&2
  exit 1
}

# Files that hold secrets (remote-secret tokens, CA keys, cacerts): mode 0600 in a 0700
# directory, also when an earlier run left them wider. up.sh also sets umask 077.
private_dir() {
  mkdir -p "$1"
  chmod 700 "$1"
}
private_file() {
  [ -e "$1" ] || return 0
  chmod 600 "$1"
}

# Prints argv as one shell-readable line: plain words bare, everything else single-quoted.
quote_cmd() {
  local out="" a
  for a in "$@"; do
    if [[ "$a" =~ ^[A-Za-z0-9_@%+=:,./-]+$ ]]; then
      out+="$a "
    else
      out+="'${a//\'/\'\\\'\'}' "
    fi
  done
  printf '%s' "${out% }"
}

# Runs a command that touches docker or a cluster; in a dry run only prints it.
run() {
  printf '+ %s\n' "$(quote_cmd "$@")" >&3
  [ "$DRY_RUN" = 1 ] && return 0
  "$@"
}

# run, with stdout into FILE (the file is recorded as made by up.sh).
run_to() {
  local file=$1
  shift
  printf '+ %s > %s\n' "$(quote_cmd "$@")" "$file" >&3
  [ "$DRY_RUN" = 1 ] && return 0
  "$@" >"$file"
  record_file "$file"
}

# Runs a local command that only writes files under $OUT: runs in a dry run too.
run_local() {
  printf '+ %s\n' "$(quote_cmd "$@")" >&3
  "$@"
}

# Reads a value from docker or a cluster: prints the command, then echoes its output, or in a
# dry run the placeholder (first argument) that names where the value would come from.
query() {
  local placeholder=$1
  shift
  printf '+ %s\n' "$(quote_cmd "$@")" >&3
  if [ "$DRY_RUN" = 1 ]; then
    printf '%s\n' "$placeholder"
    return 0
  fi
  "$@"
}

# Remembers that up.sh wrote FILE, so down.sh removes exactly these files.
record_file() {
  local list="$OUT/.mesh-files"
  grep -qxF "$1" "$list" 2>/dev/null || printf '%s\n' "$1" >>"$list"
}

# Writes stdin to FILE (under $OUT) and records it.
write_file() {
  mkdir -p "$(dirname "$1")"
  cat >"$1"
  record_file "$1"
}

# render TEMPLATE KEY=VALUE...: prints the template with every {{KEY}} replaced; fails if a
# {{...}} token is left, so a template and its caller cannot drift apart silently.
render() {
  local tmpl="$MESH_DIR/templates/$1" text kv
  shift
  [ -f "$tmpl" ] || die "template $tmpl: not found"
  text=$(<"$tmpl")
  for kv in "$@"; do
    text=${text//"{{${kv%%=*}}}"/"${kv#*=}"}
  done
  if [[ "$text" == *"{{"* ]]; then
    die "template $tmpl: unreplaced token $(grep -o '{{[A-Z0-9_]*}}' <<<"$text" | head -n 1)"
  fi
  printf '%s\n' "$text"
}

# Bounded wait: wait_until TIMEOUT_S INTERVAL_S WHAT SHOWN CHECK [ARGS...]. Repeats CHECK until
# it succeeds or TIMEOUT_S pass; SHOWN is the command line printed for the dry run. Returns 1
# after printing "timed out after Ns waiting for WHAT"; WAIT_OUTPUT then holds the last
# attempt's output (stdout and stderr), for the caller's message.
WAIT_OUTPUT=""
wait_until() {
  local timeout=$1 interval=$2 what=$3 shown=$4
  shift 4
  printf '+ %s   # repeated every %ss until %s, at most %ss\n' "$shown" "$interval" "$what" \
    "$timeout" >&3
  [ "$DRY_RUN" = 1 ] && return 0
  local deadline=$((SECONDS + timeout))
  while :; do
    # shellcheck disable=SC2034 # read by the callers' messages (lib/gates.sh)
    if WAIT_OUTPUT=$("$@" 2>&1); then
      say "ok: $what"
      return 0
    fi
    local left=$((deadline - SECONDS))
    if [ "$left" -le 0 ]; then
      printf '%s: timed out after %ss waiting for %s\n' "$PROG" "$timeout" "$what" >&2
      return 1
    fi
    sleep $((left < interval ? left : interval))
  done
}

# --- settings ---------------------------------------------------------------------------

SETTINGS_KEYS=(ISTIO_VERSION KIND_MIN_VERSION KIND_NODE_IMAGE TOPOLOGY MESH_ID NETWORK
  DOCKER_NETWORK ISTIOD_VIA
  CLUSTER1_NAME CLUSTER1_MESH_NAME CLUSTER1_CONTEXT CLUSTER1_POD_SUBNET CLUSTER1_SERVICE_SUBNET
  CLUSTER1_WORKERS CLUSTER2_NAME CLUSTER2_MESH_NAME CLUSTER2_CONTEXT CLUSTER2_POD_SUBNET
  CLUSTER2_SERVICE_SUBNET CLUSTER2_WORKERS SAMPLE_NAMESPACE CLIENT CLIENT_IMAGE
  HELLOWORLD_IMAGE_V1 HELLOWORLD_IMAGE_V2 WAIT_NODES WAIT_ROLLOUT WAIT_MESH WAIT_GATE GATE_TOLERANCE
  GATE_ALPHA GATE_MAX_ERROR_RATE RUN_REQUESTS RUN_LOOKS RUN_CONCURRENCY RUN_TIMEOUT)

# Sources FILE and checks every key; dies with "FILE: KEY: reason" on the first problem.
load_settings() {
  local file=$1 k
  [ -f "$file" ] || die "settings $file: not found"
  # shellcheck source=/dev/null # the settings file is chosen at run time
  . "$file"
  if [ -n "${ISTIOD_REMOTE_ADDRESS:-}" ]; then
    die "$file: ISTIOD_REMOTE_ADDRESS: renamed ISTIOD_VIA (service or podip; its old default clusterip never worked: see README, \"How cluster2 reaches istiod\")"
  fi
  for k in "${SETTINGS_KEYS[@]}"; do
    [ -n "${!k:-}" ] || die "$file: $k: missing or empty"
  done
  [[ "$KIND_NODE_IMAGE" =~ ^[^@]+:v[0-9]+\.[0-9]+\.[0-9]+@sha256:[0-9a-f]{64}$ ]] ||
    die "$file: KIND_NODE_IMAGE: must be pinned as image:vX.Y.Z@sha256:<64 hex digits>"
  case "$TOPOLOGY" in primary-remote | multi-primary) ;; *)
    die "$file: TOPOLOGY: '$TOPOLOGY' is not primary-remote or multi-primary" ;;
  esac
  case "$CLIENT" in curl | sleep) ;; *) die "$file: CLIENT: '$CLIENT' is not curl or sleep" ;; esac
  istiod_via_valid "$ISTIOD_VIA" || die "$file: ISTIOD_VIA: $(istiod_via_problem "$ISTIOD_VIA")"
  local w
  for w in WAIT_NODES WAIT_ROLLOUT WAIT_MESH WAIT_GATE; do
    [[ "${!w}" =~ ^[1-9][0-9]{0,4}$ ]] || die "$file: $w: '${!w}' is not a number of seconds"
  done
  [ "$CLUSTER1_NAME" != "$CLUSTER2_NAME" ] || die "$file: CLUSTER2_NAME: same as CLUSTER1_NAME"
  [ "$CLUSTER1_MESH_NAME" != "$CLUSTER2_MESH_NAME" ] ||
    die "$file: CLUSTER2_MESH_NAME: same as CLUSTER1_MESH_NAME"
  local i
  for i in 1 2; do
    local name="CLUSTER${i}_NAME" ctx="CLUSTER${i}_CONTEXT" w="CLUSTER${i}_WORKERS"
    [ "${!ctx}" = "kind-${!name}" ] ||
      die "$file: $ctx: kind names the context kind-${!name}, not ${!ctx}"
    [[ "${!w}" =~ ^[0-9]$ ]] || die "$file: $w: '${!w}' is not a number from 0 to 9"
  done
  local subnets=(CLUSTER1_POD_SUBNET CLUSTER1_SERVICE_SUBNET CLUSTER2_POD_SUBNET
    CLUSTER2_SERVICE_SUBNET) a b
  for a in "${subnets[@]}"; do
    cidr_valid "${!a}" || die "$file: $a: '${!a}' is not an IPv4 CIDR"
  done
  for a in 0 1 2 3; do
    for ((b = a + 1; b < 4; b++)); do
      local x=${subnets[a]} y=${subnets[b]}
      if cidr_overlap "${!x}" "${!y}"; then
        die "$file: $y: ${!y} overlaps $x ${!x}"
      fi
    done
  done
}

# How cluster2 reaches istiod (ISTIOD_VIA, --istiod-via): service or podip.
istiod_via_valid() { case "$1" in service | podip) return 0 ;; *) return 1 ;; esac; }
istiod_via_problem() {
  case "$1" in
    clusterip) printf '%s' "clusterip (the chart's istiod Service) was the old default and cannot work: that Service exposes 443->15017, not 15017, which cluster2's injection webhook calls; use service" ;;
    gateway) printf '%s' "gateway (east-west gateway with a LoadBalancer) is not scripted here; use service or podip (README, \"How cluster2 reaches istiod\")" ;;
    *) printf "'%s' is not service or podip" "$1" ;;
  esac
}

# Cluster accessors by index (1 or 2): cval 2 POD_SUBNET -> $CLUSTER2_POD_SUBNET.
cval() {
  local v="CLUSTER$1_$2"
  printf '%s' "${!v}"
}

node_minor() { # "kindest/node:v1.32.5@sha256:..." -> 32
  local v=${KIND_NODE_IMAGE#*:v}
  v=${v#*.}
  printf '%s' "${v%%.*}"
}

# Node container names kind gives a cluster: <name>-control-plane, <name>-worker,
# <name>-worker2, ...; used for the dry run (the real run asks `kind get nodes`).
planned_nodes() {
  local name=$1 workers=$2 i
  printf '%s\n' "$name-control-plane"
  for ((i = 1; i <= workers; i++)); do
    if [ "$i" = 1 ]; then printf '%s\n' "$name-worker"; else printf '%s\n' "$name-worker$i"; fi
  done
}

# --- IPv4 CIDRs ---------------------------------------------------------------------------

cidr_valid() {
  [[ "$1" =~ ^([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})/([0-9]{1,2})$ ]] || return 1
  local i
  for i in 1 2 3 4; do [ "${BASH_REMATCH[i]}" -le 255 ] || return 1; done
  [ "${BASH_REMATCH[5]}" -le 32 ]
}

ip_to_int() {
  local IFS=. a b c d
  read -r a b c d <<<"$1"
  printf '%s' $(((a << 24) + (b << 16) + (c << 8) + d))
}

# True when the two CIDRs share an address.
cidr_overlap() {
  local n1=${1%/*} l1=${1#*/} n2=${2%/*} l2=${2#*/} l mask
  l=$((l1 < l2 ? l1 : l2))
  mask=$(((0xFFFFFFFF << (32 - l)) & 0xFFFFFFFF))
  [ $(($(ip_to_int "$n1") & mask)) -eq $(($(ip_to_int "$n2") & mask)) ]
}

# --- versions -----------------------------------------------------------------------------

# First x.y.z (or x.y) in the text, without a leading v.
first_version() { grep -oE '[0-9]+\.[0-9]+(\.[0-9]+)?' <<<"$1" | head -n 1; }

# version_ge A B: true when A >= B (dotted numbers).
version_ge() {
  [ "$(printf '%s\n%s\n' "$1" "$2" | sort -t. -k1,1n -k2,2n -k3,3n | head -n 1)" = "$2" ]
}
