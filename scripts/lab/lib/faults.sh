# shellcheck shell=bash disable=SC2034 # LAB_HW_BIN is read by lib/pods.sh
# Fault knobs: what breaks a real mesh, applied to the lab. Serialized with a lock so that two
# faults never rewrite the pod table at once.

lab_fault_usage() {
  echo "lab fault: $*" >&2
  echo "usage: lab fault route-drop|route-restore CLUSTER | gateway-stop|gateway-start CLUSTER |" \
    "network-labels wrong|right | stop|start POD | slow POD MS | errors POD PERCENT | weight POD W | outlier on|off" >&2
  exit 2
}

lab_fault_cluster() {
  lab_cluster_index "${1:-}" >/dev/null || lab_fault_usage "cluster must be cluster1 or cluster2"
}

# Checks that $1 is a helloworld pod of the lab.
lab_fault_pod() {
  [ -n "${1:-}" ] || lab_fault_usage "missing pod name"
  [ "$(lab_pod_field "$1" 3 2>/dev/null)" = helloworld ] ||
    lab_die "fault: no helloworld pod named '$1' (see: lab status)"
}

lab_fault_number() { # value min max what
  if ! [[ ${1:-} =~ ^[0-9]+$ ]] || [ "$1" -lt "$2" ] || [ "$1" -gt "$3" ]; then
    lab_fault_usage "$4 must be an integer in $2..$3, got '${1:-}'"
  fi
}

lab_fault() {
  local what=${1:-}
  [ $# -gt 0 ] && shift
  lab_is_up || lab_die "the lab is down (run: lab up)"
  exec 9>"$LAB_STATE/lock"
  flock -w 10 9 || lab_die "fault: another lab command holds $LAB_STATE/lock"
  LAB_HW_BIN=$(cat "$LAB_STATE/helloworld-binary")
  case $what in
    route-drop) lab_fault_cluster "${1:-}"; lab_route_del "$1" ;;
    route-restore) lab_fault_cluster "${1:-}"; lab_route_add "$1" ;;
    stop)
      lab_fault_pod "${1:-}"
      lab_hw_stop "$1"
      lab_pod_set "$1" 7 stopped
      # The pod is not ready: the control plane sends it as UNHEALTHY (Istio >= 1.31).
      lab_control_push "$1" state maint
      ;;
    start)
      lab_fault_pod "${1:-}"
      [ -s "$(lab_hw_pid "$1")" ] || lab_hw_start "$1"
      lab_pod_set "$1" 7 running
      lab_control_push "$1" state ready
      ;;
    slow)
      lab_fault_pod "${1:-}"
      lab_fault_number "${2:-}" 0 600000 "delay (ms)"
      lab_hw_control "$1" slow_ms "$2"
      ;;
    errors)
      lab_fault_pod "${1:-}"
      lab_fault_number "${2:-}" 0 100 "percent"
      lab_hw_control "$1" error_percent "$2"
      ;;
    weight)
      lab_fault_pod "${1:-}"
      lab_fault_number "${2:-}" 0 256 "weight"
      lab_pod_set "$1" 8 "$2"
      lab_control_push "$1" weight "$2"
      ;;
    outlier)
      case ${1:-} in on | off) ;; *) lab_fault_usage "outlier takes on or off" ;; esac
      echo "$1" >"$LAB_STATE/outlier"
      # HAProxy cannot add observation to a running server: restart the sidecars with the
      # new configuration (written from the pod table, so stops and weights persist).
      lab_sidecars_restart
      ;;
    network-labels)
      case ${1:-} in wrong | right) ;; *) lab_fault_usage "network-labels takes wrong or right" ;; esac
      lab_multi_network || lab_die "fault network-labels: the lab has one network (lab up --topology multi-network)"
      echo "$1" >"$LAB_STATE/network-labels"
      lab_sidecars_restart
      ;;
    gateway-stop | gateway-start)
      lab_fault_cluster "${1:-}"
      lab_multi_network || lab_die "fault $what: the lab has no gateways (lab up --topology multi-network)"
      if [ "$what" = gateway-stop ]; then
        lab_gateway_stop "$1"
      elif ! lab_gateway_running "$1"; then
        lab_gateway_start "$1"
      fi
      ;;
    *) lab_fault_usage "unknown fault '$what'" ;;
  esac
  echo "lab: fault $what $*: done"
}
