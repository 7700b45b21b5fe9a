# shellcheck shell=bash
# Fake docker, kind, kubectl and istioctl for the scripts/mesh tests (this machine has no
# Docker engine). Sourced by tests/scripts/mesh_*_test.sh:
#
#   make_fakes BIN STATE   writes the four fakes into BIN; they log every call, one line of
#                          argv, to STATE/calls.log and keep a small model of the clusters in
#                          STATE (BIN/fakelib.sh says what is kept).
#
# The model holds what decides whether a mesh can come up: each cluster's subnets (from its
# kind config), the node routes up.sh adds, Services with the ports they really define, pods
# with the ports they listen on, and istiod's injection webhook behind Service
# istio-system/istiod:443. A TCP connection from a node (docker exec ... /dev/tcp/IP/PORT), the
# webhook call of an API server (kubectl create --dry-run=server, and a rollout's pods) and a
# sidecar's xDS connection all go through `reach`, which forwards a ClusterIP only on the ports
# its Service defines (as kube-proxy does), follows selector-less Endpoints, and crosses to the
# other cluster only along a route. So the chart's istiod ClusterIP, which has 443->15017 but
# no 15017, cannot serve cluster2's webhook.
#
# Knobs (environment of the fakes): FAKE_UNSYNCED=1 makes `istioctl remote-clusters` report
# "timeout"; FAKE_LOCAL_ONLY=1 makes `proxy-config endpoints` list only the pod's own cluster's
# helloworld endpoints; FAKE_SVC_DROP_PORT=N leaves port N out of every Service applied;
# FAKE_DROP_ROUTE=CIDR drops the routes to CIDR (as a node container restart does);
# FAKE_CABUNDLE_UNSET=1 (or =CONTEXT, for that cluster only) makes the webhook's TLS fail
# (istiod never patched the CA bundle); FAKE_NO_INJECT=1 admits pods without a sidecar;
# FAKE_TERMINATING=1 leaves a terminating helloworld pod (an old replica) beside each new one;
# FAKE_KIND_VERSION / FAKE_ISTIO_VERSION / FAKE_KUBECTL_VERSION override versions.

make_fakes() {
  local bin=$1 state=$2
  mkdir -p "$bin" "$state"
  bin=$(cd "$bin" && pwd)
  local head
  # shellcheck disable=SC2016 # $0 and $* belong to the fake, expanded when it runs
  head=$(printf '#!/usr/bin/env bash\nS=%q\nprintf "%%s\\n" "$(basename "$0") $*" >>"$S/calls.log"\n. %q\n' \
    "$state" "$bin/fakelib.sh")
  fake_lib >"$bin/fakelib.sh"
  { printf '%s\n' "$head"; fake_kind; } >"$bin/kind"
  { printf '%s\n' "$head"; fake_docker; } >"$bin/docker"
  { printf '%s\n' "$head"; fake_kubectl; } >"$bin/kubectl"
  { printf '%s\n' "$head"; fake_istioctl; } >"$bin/istioctl"
  chmod +x "$bin/kind" "$bin/docker" "$bin/kubectl" "$bin/istioctl"
}

fake_lib() {
  cat <<'EOF'
# The fake clusters' state, in $S (files are created on first use):
#   clusters        kind cluster names, one per line; workers-<name> its worker count
#   net-<name>      "<pod subnet> <service subnet>" from its kind config
#   ips             "<node container> <IP>" (docker inspect, in order of first use)
#   routes          "<node> <cidr> <via>" (docker exec <node> ip route replace <cidr> via <via>)
#   svc             "<ctx> <ns> <name> <clusterIP> <port> <targetPort> <backend>", one line per
#                   port; backend app=<label> (selector) or ep=<IP> (selector-less Endpoints)
#   pods            "<ctx> <ns> <app> <name> <ip> <deleting 0|1> <listening ports, comma list>"
#   deps            "<ctx> <ns> <deployment> <app>"; namespaces "<ctx> <name> <injection 0|1>"
for f in clusters ips routes svc pods deps namespaces; do [ -e "$S/$f" ] || : >"$S/$f"; done

ip_int() { local IFS=. a b c d; read -r a b c d <<<"$1"; echo $(((a << 24) + (b << 16) + (c << 8) + d)); }
int_ip() { echo "$(($1 >> 24 & 255)).$(($1 >> 16 & 255)).$(($1 >> 8 & 255)).$(($1 & 255))"; }
in_cidr() {
  local n=${2%/*} l=${2#*/} m
  m=$(((0xFFFFFFFF << (32 - l)) & 0xFFFFFFFF))
  [ $(($(ip_int "$1") & m)) -eq $(($(ip_int "$n") & m)) ]
}
nth_ip() { int_ip $(($(ip_int "${1%/*}") + $2)); }
node_cluster() { local n=${1%-control-plane}; echo "${n%-worker*}"; }
subnet() { # subnet CLUSTER pod|svc
  local pod svc
  read -r pod svc <"$S/net-$1" || return 1
  if [ "$2" = pod ]; then echo "$pod"; else echo "$svc"; fi
}
without() { # without AWK_CONDITION FILE: drop the matching lines
  awk "!($1)" "$2" >"$2.new" && mv "$2.new" "$2"
}

svc_ip() { awk -v c="$1" -v n="$2" -v s="$3" '$1 == c && $2 == n && $3 == s { print $4; exit }' "$S/svc"; }
# set_svc CTX NS NAME BACKEND PORT:TARGET...: a Service (re)defined with exactly these ports.
set_svc() {
  local ctx=$1 ns=$2 name=$3 backend=$4 ip k p
  shift 4
  ip=$(svc_ip "$ctx" "$ns" "$name")
  if [ -z "$ip" ]; then
    k=10
    [ "$name" = istiod ] || k=$((20 + $(awk -v c="$ctx" '$1 == c { print $3 }' "$S/svc" | sort -u | wc -l)))
    ip=$(nth_ip "$(subnet "${ctx#kind-}" svc)" "$k")
  fi
  without "\$1 == \"$ctx\" && \$2 == \"$ns\" && \$3 == \"$name\"" "$S/svc"
  for p in "$@"; do
    [ "${p%%:*}" = "${FAKE_SVC_DROP_PORT:-}" ] && continue
    echo "$ctx $ns $name $ip ${p%%:*} ${p#*:} $backend" >>"$S/svc"
  done
}

# add_pod CTX NS APP DELETING PORTS: a pod at the next free IP of the cluster's pod subnet.
add_pod() {
  local ctx=$1 ns=$2 app=$3 k
  k=$((7 + $(awk -v c="$ctx" '$1 == c' "$S/pods" | wc -l)))
  [ "$app" = istiod ] && k=5
  echo "$ctx $ns $app $app-$k $(nth_ip "$(subnet "${ctx#kind-}" pod)" "$k") $4 $5" >>"$S/pods"
}
live_pod() { awk -v c="$1" -v a="$2" '$1 == c && $3 == a && $6 == 0 { print $5; exit }' "$S/pods"; }
listens() {
  awk -v c="$1" -v ip="$2" -v p="$3" '$1 == c && $5 == ip && $6 == 0 {
    n = split($7, a, ","); for (i = 1; i <= n; i++) if (a[i] == p) f = 1 } END { exit !f }' "$S/pods"
}
route_via() {
  local n cidr via
  while read -r n cidr via; do
    [ "$n" = "$1" ] && in_cidr "$2" "$cidr" && { echo "$via"; return 0; }
  done <"$S/routes"
  return 1
}

# reach NODE IP PORT [DNAT]: does a TCP connection from NODE's network namespace to IP:PORT get
# an answer? A ClusterIP of the node's cluster is forwarded (DNAT, once per node) only on a port
# its Service defines; a pod IP answers on the ports it listens on; anything else crosses to
# the node a route points at, and is looked at again there.
reach() {
  local node=$1 ip=$2 port=$3 dnat=${4:-1} c ctx line target backend via peer
  c=$(node_cluster "$node")
  ctx=kind-$c
  if in_cidr "$ip" "$(subnet "$c" svc)"; then
    [ "$dnat" = 1 ] || return 1 # a Service IP as an Endpoints address: not forwarded again
    line=$(awk -v c="$ctx" -v ip="$ip" -v p="$port" '$1 == c && $4 == ip && $5 == p { print $6, $7; exit }' "$S/svc")
    [ -n "$line" ] || return 1
    target=${line% *} backend=${line#* }
    case "$backend" in
      app=*) ip=$(live_pod "$ctx" "${backend#app=}") && [ -n "$ip" ] && listens "$ctx" "$ip" "$target" ;;
      ep=*) reach "$node" "${backend#ep=}" "$target" 0 ;;
      *) return 1 ;;
    esac
  elif in_cidr "$ip" "$(subnet "$c" pod)"; then
    listens "$ctx" "$ip" "$port"
  else
    via=$(route_via "$node" "$ip") || return 1
    peer=$(awk -v v="$via" '$2 == v { print $1; exit }' "$S/ips")
    [ -n "$peer" ] && [ "$(node_cluster "$peer")" != "$c" ] && reach "$peer" "$ip" "$port" 1
  fi
}

# The API server of CTX calls the injection webhook at Service istio-system/istiod:443; a sidecar
# in CTX connects to istiod.istio-system.svc:15012. Both start on the cluster's control plane.
istiod_reach() {
  local ip
  ip=$(svc_ip "$1" istio-system istiod)
  [ -n "$ip" ] && reach "${1#kind-}-control-plane" "$ip" "$2"
}
webhook_error() { # prints why CTX's API server cannot run the injection webhook, if it cannot
  local url="https://istiod.istio-system.svc:443/inject?timeout=10s"
  if ! istiod_reach "$1" 443; then
    echo "Internal error occurred: failed calling webhook \"namespace.sidecar-injector.istio.io\": failed to call webhook: Post \"$url\": context deadline exceeded"
  elif [ "${FAKE_CABUNDLE_UNSET:-0}" = 1 ] || [ "${FAKE_CABUNDLE_UNSET:-0}" = "$1" ]; then
    echo "Internal error occurred: failed calling webhook \"namespace.sidecar-injector.istio.io\": failed to call webhook: Post \"$url\": tls: failed to verify certificate: x509: certificate signed by unknown authority"
  fi
}
injecting() { # injecting CTX NS: namespace labelled and istiod installed for CTX
  awk -v c="$1" -v n="$2" '$1 == c && $2 == n && $3 == 1 { f = 1 } END { exit !f }' "$S/namespaces" &&
    [ -n "$(svc_ip "$1" istio-system istiod)" ] && [ "${FAKE_NO_INJECT:-0}" != 1 ]
}

# yaml_objects FILE: one line per object: Service NS NAME APP PORT:TARGET... | Deployment NS
# NAME APP | Namespace NAME INJECTION | Pod NS NAME
yaml_objects() {
  python3 - "$1" <<'PY'
import sys, yaml
for d in yaml.safe_load_all(open(sys.argv[1], encoding="utf-8")):
    if not d:
        continue
    kind, meta = d.get("kind"), d.get("metadata") or {}
    ns = meta.get("namespace") or "-"
    if kind == "Service":
        spec = d.get("spec") or {}
        app = (spec.get("selector") or {}).get("app", "-")
        ports = [f"{p['port']}:{p.get('targetPort', p['port'])}" for p in spec.get("ports") or []]
        print("Service", ns, meta["name"], app, *ports)
    elif kind == "Deployment":
        print("Deployment", ns, meta["name"], d["spec"]["template"]["metadata"]["labels"]["app"])
    elif kind == "Namespace":
        labels = meta.get("labels") or {}
        print("Namespace", meta["name"], int(labels.get("istio-injection") == "enabled"))
    elif kind == "Pod":
        print("Pod", ns, meta["name"])
PY
}
EOF
}

fake_kind() {
  cat <<'EOF'
arg() { local want=$1; shift; while [ $# -gt 1 ]; do [ "$1" = "$want" ] && { echo "$2"; return; }; shift; done; }
case "$1 ${2:-}" in
  "version "*) echo "kind v${FAKE_KIND_VERSION:-0.29.0} go1.24.2 linux/amd64" ;;
  "get clusters") cat "$S/clusters" ;;
  "get nodes")
    n=$(arg --name "$@")
    grep -qxF "$n" "$S/clusters" || exit 1
    echo "$n-control-plane"
    w=$(cat "$S/workers-$n")
    for ((k = 1; k <= w; k++)); do [ $k = 1 ] && echo "$n-worker" || echo "$n-worker$k"; done ;;
  "create cluster")
    n=$(arg --name "$@"); c=$(arg --config "$@")
    [ -f "$c" ] || { echo "fake kind: no config $c" >&2; exit 1; }
    grep -qxF "$n" "$S/clusters" && { echo "fake kind: $n exists" >&2; exit 1; }
    grep -c 'role: worker' "$c" >"$S/workers-$n" || true
    echo "$(sed -n 's/^ *podSubnet: "\(.*\)"/\1/p' "$c") $(sed -n 's/^ *serviceSubnet: "\(.*\)"/\1/p' "$c")" >"$S/net-$n"
    echo "$n" >>"$S/clusters" ;;
  "delete cluster")
    n=$(arg --name "$@")
    grep -vxF "$n" "$S/clusters" >"$S/clusters.new" || true
    mv "$S/clusters.new" "$S/clusters" ;;
  *) echo "fake kind: unexpected $*" >&2; exit 1 ;;
esac
EOF
}

fake_docker() {
  cat <<'EOF'
case "$1" in
  info) echo "28.2.2" ;;
  inspect) # a stable IP per container, in order of first use
    node=${!#}
    grep -q "^$node " "$S/ips" || echo "$node 172.18.0.$(($(wc -l <"$S/ips") + 2))" >>"$S/ips"
    sed -n "s/^$node //p" "$S/ips" ;;
  exec)
    node=$2
    if [ "$3 $4 $5" = "ip route replace" ] && [ "$7" = via ] && [ $# = 8 ]; then
      without "\$1 == \"$node\" && \$2 == \"$6\"" "$S/routes"
      [ "$6" = "${FAKE_DROP_ROUTE:-}" ] || echo "$node $6 $8" >>"$S/routes"
    elif [[ "${!#}" =~ ^exec\ 3\<\>/dev/tcp/([0-9.]+)/([0-9]+)$ ]]; then
      reach "$node" "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}" && exit 0
      echo "bash: connect: Connection timed out" >&2
      echo "bash: line 1: /dev/tcp/${BASH_REMATCH[1]}/${BASH_REMATCH[2]}: Connection timed out" >&2
      exit 1
    else
      echo "fake docker: unexpected $*" >&2; exit 1
    fi ;;
  *) echo "fake docker: unexpected $*" >&2; exit 1 ;;
esac
EOF
}

fake_kubectl() {
  cat <<'EOF'
ctx=""; ns=""; args=()
while [ $# -gt 0 ]; do
  case "$1" in --context) ctx=$2; shift ;; -n) ns=$2; shift ;; *) args+=("$1") ;; esac
  shift
done
set -- "${args[@]}"
all=" $* "
applied() { # apply FILE: the objects in it, as the API server would keep them
  local kind a b c d
  grep -qE '^kind: (Service|Deployment|Namespace)$' "$1" || return 0 # secrets: nothing to model
  while read -r kind a b c d; do
    [ "$a" = - ] && a=${ns:-default}
    case "$kind" in
      Service) set_svc "$ctx" "$a" "$b" "app=$c" $d ;; # d: the ports, one word each
      Deployment)
        without "\$1 == \"$ctx\" && \$2 == \"$a\" && \$3 == \"$b\"" "$S/deps"
        echo "$ctx $a $b $c" >>"$S/deps" ;;
      Namespace)
        without "\$1 == \"$ctx\" && \$2 == \"$a\"" "$S/namespaces"
        echo "$ctx $a $b" >>"$S/namespaces" ;;
    esac
  done < <(yaml_objects "$1")
}
case "$all" in
  *" version --client "*) echo "Client Version: v${FAKE_KUBECTL_VERSION:-1.32.4}" ;;
  *" config get-contexts "*) sed 's/^/kind-/' "$S/clusters" ;;
  *" wait "*) ;;
  *" apply -f "*)
    f=${!#}
    [ -f "$f" ] || { echo "fake kubectl: no file $f" >&2; exit 1; }
    mkdir -p "$S/applied/$ctx"; cp "$f" "$S/applied/$ctx/"
    applied "$f" ;;
  *" rollout status "*)
    d=$1; for a in "$@"; do [[ "$a" == deployment/* ]] && d=${a#deployment/}; done
    [ "$ns" = istio-system ] && [ -n "$(live_pod "$ctx" istiod)" ] && exit 0
    app=$(awk -v c="$ctx" -v n="$ns" -v d="$d" '$1 == c && $2 == n && $3 == d { print $4 }' "$S/deps")
    [ -n "$app" ] || { echo "Error from server (NotFound): deployments.apps \"$d\" not found" >&2; exit 1; }
    # Its pods are created only through the webhook, and become Ready only with xDS.
    if [ -n "$(webhook_error "$ctx")" ] || ! istiod_reach "$ctx" 15012; then
      echo "Waiting for deployment \"$d\" rollout to finish: 0 of 1 updated replicas are available..."
      echo "error: timed out waiting for the condition" >&2
      exit 1
    fi
    if [ -z "$(live_pod "$ctx" "$app")" ]; then
      ports=-; [ "$app" = helloworld ] && ports=5000
      [ "${FAKE_TERMINATING:-0}" = 1 ] && add_pod "$ctx" "$ns" "$app" 1 "$ports"
      add_pod "$ctx" "$ns" "$app" 0 "$ports"
    fi
    echo "deployment \"$d\" successfully rolled out" ;;
  *" create --dry-run=server -f "*)
    f=$(for ((k = 1; k < $#; k++)); do [ "${!k}" = -f ] && { k=$((k + 1)); echo "${!k}"; }; done)
    read -r _ pns _ < <(yaml_objects "$f" | grep '^Pod ')
    awk -v c="$ctx" -v n="$pns" '$1 == c && $2 == n { f = 1 } END { exit !f }' "$S/namespaces" ||
      { echo "Error from server (NotFound): error when creating \"$f\": namespaces \"$pns\" not found" >&2; exit 1; }
    if injecting "$ctx" "$pns"; then
      e=$(webhook_error "$ctx")
      [ -z "$e" ] || { echo "Error from server (InternalError): error when creating \"$f\": $e" >&2; exit 1; }
      echo "istio-init istio-proxy probe"
    else
      echo " probe"
    fi ;;
  *" get service "*)
    name=$(awk '{ for (i = 1; i < NF; i++) if ($i == "service") print $(i + 1) }' <<<"$*")
    ip=$(svc_ip "$ctx" "${ns:-default}" "$name")
    [ -n "$ip" ] || { echo "Error from server (NotFound): services \"$name\" not found" >&2; exit 1; }
    echo "$ip" ;;
  *" get pods "*)
    app=$(sed -n 's/.* -l app=\([^ ]*\) .*/\1/p' <<<"$all")
    cond='$1 == c && $2 == n && $3 == a'
    [[ "$all" == *deletionTimestamp* ]] && cond="$cond && \$6 == 0"
    col=5; [[ "$all" == *.metadata.name* ]] && col=4
    items=$(awk -v c="$ctx" -v n="$ns" -v a="$app" -v k="$col" "$cond { print \$k }" "$S/pods")
    case "$all" in
      *"go-template="*) [ -z "$items" ] || printf '%s\n' "$items" ;;
      *".items[0]"*) printf '%s' "$(head -n 1 <<<"$items")" ;;
      *) printf '%s' "$(tr '\n' ' ' <<<"$items" | sed 's/ $//')" ;;
    esac ;;
  *" get node "*) echo "10.99.0.0/24" ;;
  *) echo "fake kubectl: unexpected $*" >&2; exit 1 ;;
esac
EOF
}

fake_istioctl() {
  cat <<'EOF'
arg() { local want=$1; shift; while [ $# -gt 1 ]; do [ "$1" = "$want" ] && { echo "$2"; return; }; shift; done; }
ctx=$(arg --context "$@")
case "$1" in
  version) echo "client version: ${FAKE_ISTIO_VERSION:-1.27.9}" ;;
  install)
    f=$(arg -f "$@")
    [ -f "$f" ] || { echo "fake istioctl: no file $f" >&2; exit 1; }
    if grep -q '^  profile: remote' "$f"; then
      # The remote chart: a selector-less istiod Service, Endpoints at remotePilotAddress.
      a=$(sed -n 's/^ *remotePilotAddress: "\(.*\)"/\1/p' "$f")
      set_svc "$ctx" istio-system istiod "ep=$a" 15012:15012 443:15017
    else
      [ -n "$(live_pod "$ctx" istiod)" ] || add_pod "$ctx" istio-system istiod 0 8080,15010,15012,15017,15014
      set_svc "$ctx" istio-system istiod app=istiod 15010:15010 15012:15012 443:15017 15014:15014
    fi ;;
  create-remote-secret)
    printf 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: istio-remote-secret-%s\n  namespace: istio-system\n  labels:\n    istio/multiCluster: "true"\n# server %s\n' \
      "$(arg --name "$@")" "$(arg --server "$@")" ;;
  remote-clusters)
    status=synced; [ "${FAKE_UNSYNCED:-0}" = 1 ] && status=timeout
    echo "NAME     SECRET                                    STATUS     ISTIOD"
    while read -r c; do echo "$c   istio-system/istio-remote-secret-$c   $status   istiod-1"; done <"$S/clusters" ;;
  proxy-config)
    echo "ENDPOINT            STATUS      OUTLIER CHECK     CLUSTER"
    while read -r c _ app _ ip deleting _; do
      [ "$app" = helloworld ] && [ "$deleting" = 0 ] || continue
      [ "${FAKE_LOCAL_ONLY:-0}" = 1 ] && [ "$c" != "$ctx" ] && continue
      echo "$ip:5000      HEALTHY     OK                outbound|5000||helloworld.sample.svc.cluster.local"
    done <"$S/pods" ;;
  *) echo "fake istioctl: unexpected $*" >&2; exit 1 ;;
esac
EOF
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
