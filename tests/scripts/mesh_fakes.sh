# shellcheck shell=bash
# Fake docker, kind, kubectl and istioctl for the scripts/mesh tests (this machine has no
# Docker engine). Sourced by tests/scripts/mesh_*_test.sh:
#
#   make_fakes BIN STATE   writes the four fakes into BIN; they log every call, one line of
#                          argv, to STATE/calls.log and keep a tiny cluster state in STATE.
#
# Knobs (environment of the fakes): FAKE_UNSYNCED=1 makes `istioctl remote-clusters` report
# "timeout"; FAKE_LOCAL_ONLY=1 makes `proxy-config endpoints` list only the first helloworld
# endpoint; FAKE_KIND_VERSION / FAKE_ISTIO_VERSION / FAKE_KUBECTL_VERSION override versions.

make_fakes() {
  local bin=$1 state=$2
  mkdir -p "$bin" "$state"
  local head
  # shellcheck disable=SC2016 # $0 and $* belong to the fake, expanded when it runs
  head=$(printf '#!/usr/bin/env bash\nS=%q\nprintf "%%s\\n" "$(basename "$0") $*" >>"$S/calls.log"\n' "$state")

  { printf '%s\n' "$head"; cat <<'EOF'; } >"$bin/kind"
arg() { local want=$1; shift; while [ $# -gt 1 ]; do [ "$1" = "$want" ] && { echo "$2"; return; }; shift; done; }
case "$1 ${2:-}" in
  "version "*) echo "kind v${FAKE_KIND_VERSION:-0.29.0} go1.24.2 linux/amd64" ;;
  "get clusters") cat "$S/clusters" 2>/dev/null || true ;;
  "get nodes")
    n=$(arg --name "$@")
    grep -qxF "$n" "$S/clusters" 2>/dev/null || exit 1
    echo "$n-control-plane"
    w=$(cat "$S/workers-$n")
    for ((k = 1; k <= w; k++)); do [ $k = 1 ] && echo "$n-worker" || echo "$n-worker$k"; done ;;
  "create cluster")
    n=$(arg --name "$@"); c=$(arg --config "$@")
    [ -f "$c" ] || { echo "fake kind: no config $c" >&2; exit 1; }
    grep -qxF "$n" "$S/clusters" 2>/dev/null && { echo "fake kind: $n exists" >&2; exit 1; }
    grep -c 'role: worker' "$c" >"$S/workers-$n" || true
    echo "$n" >>"$S/clusters" ;;
  "delete cluster")
    n=$(arg --name "$@")
    grep -vxF "$n" "$S/clusters" >"$S/clusters.new" || true
    mv "$S/clusters.new" "$S/clusters" ;;
  *) echo "fake kind: unexpected $*" >&2; exit 1 ;;
esac
EOF

  { printf '%s\n' "$head"; cat <<'EOF'; } >"$bin/docker"
case "$1" in
  info) echo "28.2.2" ;;
  inspect) # a stable IP per container, in order of first use
    node=${!#}
    touch "$S/ips"
    if ! grep -q "^$node " "$S/ips"; then
      echo "$node 172.18.0.$(($(wc -l <"$S/ips") + 2))" >>"$S/ips"
    fi
    sed -n "s/^$node //p" "$S/ips" ;;
  exec) ;;
  *) echo "fake docker: unexpected $*" >&2; exit 1 ;;
esac
EOF

  { printf '%s\n' "$head"; cat <<'EOF'; } >"$bin/kubectl"
ctx=""; args=()
while [ $# -gt 0 ]; do
  case "$1" in --context) ctx=$2; shift ;; *) args+=("$1") ;; esac
  shift
done
set -- "${args[@]}"
all=" $* "
case "$all" in
  *" version --client "*) echo "Client Version: v${FAKE_KUBECTL_VERSION:-1.32.4}" ;;
  *" config get-contexts "*) sed 's/^/kind-/' "$S/clusters" 2>/dev/null || true ;;
  *" wait "* | *" rollout status "*) ;;
  *" apply -f "*)
    f=${!#}
    [ -f "$f" ] || { echo "fake kubectl: no file $f" >&2; exit 1; }
    mkdir -p "$S/applied/$ctx"; cp "$f" "$S/applied/$ctx/" ;;
  *" get service istiod "*) echo "10.95.0.10" ;;
  *" -l app=istiod "*) echo "10.241.0.5" ;;
  *" -l app=helloworld "*)
    touch "$S/hw"
    grep -q "^$ctx " "$S/hw" || echo "$ctx 10.250.$(($(wc -l <"$S/hw") + 1)).7" >>"$S/hw"
    printf '%s' "$(sed -n "s/^$ctx //p" "$S/hw")" ;;
  *" -l app=curl "* | *" -l app=sleep "*) printf 'client-%s' "$ctx" ;;
  *" get node "*) echo "10.99.0.0/24" ;;
  *) echo "fake kubectl: unexpected $*" >&2; exit 1 ;;
esac
EOF

  { printf '%s\n' "$head"; cat <<'EOF'; } >"$bin/istioctl"
arg() { local want=$1; shift; while [ $# -gt 1 ]; do [ "$1" = "$want" ] && { echo "$2"; return; }; shift; done; }
case "$1" in
  version) echo "client version: ${FAKE_ISTIO_VERSION:-1.27.9}" ;;
  install) ;;
  create-remote-secret)
    printf 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: istio-remote-secret-%s\n  namespace: istio-system\n  labels:\n    istio/multiCluster: "true"\n# server %s\n' \
      "$(arg --name "$@")" "$(arg --server "$@")" ;;
  remote-clusters)
    status=synced; [ "${FAKE_UNSYNCED:-0}" = 1 ] && status=timeout
    echo "NAME     SECRET                                    STATUS     ISTIOD"
    while read -r c; do echo "$c   istio-system/istio-remote-secret-$c   $status   istiod-1"; done <"$S/clusters" ;;
  proxy-config)
    echo "ENDPOINT            STATUS      OUTLIER CHECK     CLUSTER"
    n=0
    while read -r _ ip; do
      n=$((n + 1))
      [ "${FAKE_LOCAL_ONLY:-0}" = 1 ] && [ $n -gt 1 ] && break
      echo "$ip:5000      HEALTHY     OK                outbound|5000||helloworld.sample.svc.cluster.local"
    done <"$S/hw" ;;
  *) echo "fake istioctl: unexpected $*" >&2; exit 1 ;;
esac
EOF
  chmod +x "$bin/kind" "$bin/docker" "$bin/kubectl" "$bin/istioctl"
}

# Settings file SRC with KEY=VALUE lines replaced (or appended): settings_with SRC DST K=V...
settings_with() {
  local src=$1 dst=$2 kv
  shift 2
  cp "$src" "$dst"
  for kv in "$@"; do
    if grep -q "^${kv%%=*}=" "$dst"; then
      sed -i "s|^${kv%%=*}=.*|$kv|" "$dst"
    else
      printf '%s\n' "$kv" >>"$dst"
    fi
  done
}
