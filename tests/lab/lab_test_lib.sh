# shellcheck shell=bash
# Shared by the lab tests (tests/lab/*_test.sh): skip rules, bringing the lab up and down,
# sending bounded batches of requests through the lab's kubectl, and assertions.

LAB_SRC=${MESHVERIFY_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
LAB=$LAB_SRC/scripts/lab/lab
export PATH="$LAB_SRC/scripts/lab/bin:$PATH"
# Use the build's helloworld-server when CTest tells us where the build is.
if [ -n "${MESHVERIFY_BUILD_DIR:-}" ] && [ -x "$MESHVERIFY_BUILD_DIR/helloworld-server" ]; then
  export MESHVERIFY_BUILD_DIR
fi

lab_test_skip_unless_able() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "SKIP: the lab needs root (network namespaces)"
    exit 77
  fi
  if ! ip netns list >/dev/null 2>&1; then
    echo "SKIP: 'ip netns' is not available"
    exit 77
  fi
  local tool
  for tool in haproxy socat jq curl c++; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      echo "SKIP: $tool is not installed (scripts/deps.sh installs it)"
      exit 77
    fi
  done
}

fail() {
  echo "FAIL: $*"
  exit 1
}

pass() { echo "ok: $*"; }

# One lab per machine: holds the lab lock until this test exits, so that lab tests of other
# checkouts (or a demo) on the same machine wait instead of tearing this lab down.
lab_test_lock() {
  local lock=${MESHVERIFY_LAB_LOCK:-/run/lock/meshverify-lab.lock}
  exec {LAB_LOCK_FD}>"$lock"
  flock -w 3600 "$LAB_LOCK_FD" || fail "the lab lock $lock was held for an hour"
}

# Brings the lab up with arguments "$@" and takes it down when the test exits.
lab_test_up() {
  lab_test_lock
  trap '"$LAB" down >/dev/null 2>&1 || true' EXIT
  "$LAB" up "$@" || fail "lab up $*"
}

sleep_pod() { # context -> name of its sleep pod
  kubectl get pod -n sample -l app=sleep --context="$1" -o jsonpath='{.items[0].metadata.name}'
}

hw_pods() { # context [version] -> helloworld pod names, one a line
  local sel=app=helloworld
  [ -n "${2:-}" ] && sel="$sel,version=$2"
  kubectl get pods -n sample -l "$sel" --context="$1" -o name | sed 's|^pod/||'
}

# Sends $2 requests (each bounded: 3 s) from the sleep pod of context $1 through the lab's
# kubectl exec, with one curl on one keep-alive connection (the sidecar balances each request);
# prints one line per request: "<body> code=<http code> time=<seconds>".
fetch() {
  local ctx=$1 n=$2 pod
  pod=$(sleep_pod "$ctx")
  # shellcheck disable=SC2016 # the script runs inside the pod
  kubectl exec -n sample -c sleep --context="$ctx" "$pod" -- sh -c '
    n=$1
    set --
    i=0
    while [ "$i" -lt "$n" ]; do set -- "$@" http://helloworld.sample:5000/hello; i=$((i + 1)); done
    curl -s -m 3 -w " code=%{http_code} time=%{time_total}\n" "$@" | sed "/^Hello\|^fault/{N;s/\n//}"
  ' sh "$n"
}

# Counts the lines of "$1" matching the extended regex $2.
count() { printf '%s\n' "$1" | grep -cE "$2" || true; }

# Fails unless k of n is within 4.5 standard deviations of share p (binomial; a false alarm
# about once in 150,000 runs).
assert_share() {
  local what=$1 k=$2 n=$3 p=$4
  awk -v k="$k" -v n="$n" -v p="$p" 'BEGIN {
    sd = sqrt(n * p * (1 - p)); exit !(k >= n * p - 4.5 * sd && k <= n * p + 4.5 * sd) }' ||
    fail "$what: $k of $n is not near a share of $p"
  pass "$what: $k of $n (expected share $p)"
}

# The endpoint view of context $1's sleep pod: -o json (default) or the table ("table").
endpoints() {
  local ctx=$1 pod
  pod=$(sleep_pod "$ctx")
  if [ "${2:-json}" = table ]; then
    istioctl -n sample --context="$ctx" proxy-config endpoints "$pod" \
      --cluster "outbound|5000||helloworld.sample.svc.cluster.local"
  else
    istioctl -n sample --context="$ctx" proxy-config endpoints "$pod" \
      --cluster "outbound|5000||helloworld.sample.svc.cluster.local" -o json
  fi
}

# Prints "<address> <edsHealthStatus> <failedOutlierCheck>" per endpoint of context $1's view.
endpoint_states() {
  endpoints "$1" | jq -r '.[0].hostStatuses[] |
    "\(.address.socketAddress.address) \(.healthStatus.edsHealthStatus) \(.healthStatus.failedOutlierCheck // false)"'
}

pod_ip() { # context pod -> podIP, as kubectl reports it
  kubectl get pod "$2" -n sample --context="$1" -o jsonpath='{.status.podIP}'
}
