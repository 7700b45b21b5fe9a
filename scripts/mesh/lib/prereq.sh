# shellcheck shell=bash
# Prerequisite check for up.sh: one line per missing or too-old tool. In a dry run the
# problems are reported and the run goes on (nothing will be executed); otherwise up.sh stops
# before touching anything.

ISTIOCTL=istioctl

# Sets ISTIOCTL: the release's bin/istioctl when ISTIO_DIR has one, else istioctl from PATH.
pick_istioctl() {
  if [ -n "${ISTIO_DIR:-}" ] && [ -x "$ISTIO_DIR/bin/istioctl" ]; then
    ISTIOCTL=$ISTIO_DIR/bin/istioctl
  else
    ISTIOCTL=istioctl
  fi
}

# check_prerequisites NEED_OPENSSL: returns 0 when everything is usable; prints one line per
# problem on stderr.
check_prerequisites() {
  local need_openssl=$1 problems=0 v
  pick_istioctl
  local istio_mm=${ISTIO_VERSION%.*} minor node_mm kubectl_lo kubectl_hi
  minor=$(node_minor)
  node_mm="1.$minor" kubectl_lo="1.$((minor - 1))" kubectl_hi="1.$((minor + 1))"

  problem() {
    printf '%s: prerequisite: %s\n' "$PROG" "$*" >&2
    problems=$((problems + 1))
  }

  if ! command -v docker >/dev/null 2>&1; then
    problem "missing docker: install Docker Engine (https://docs.docker.com/engine/install/)"
  elif [ "$DRY_RUN" != 1 ] && ! docker info --format '{{.ServerVersion}}' >/dev/null 2>&1; then
    problem "docker: the engine is not reachable (is dockerd running, may this user use it?)"
  fi

  if ! command -v kind >/dev/null 2>&1; then
    problem "missing kind: need v$KIND_MIN_VERSION or newer (https://kind.sigs.k8s.io/docs/user/quick-start/#installation)"
  else
    v=$(first_version "$(kind version 2>/dev/null)")
    if [ -z "$v" ] || ! version_ge "$v" "$KIND_MIN_VERSION"; then
      problem "kind ${v:-(unknown version)}: need v$KIND_MIN_VERSION or newer for $KIND_NODE_IMAGE"
    fi
  fi

  if ! command -v kubectl >/dev/null 2>&1; then
    problem "missing kubectl: need v$kubectl_lo..v$kubectl_hi for Kubernetes v$node_mm (https://kubernetes.io/docs/tasks/tools/)"
  else
    v=$(first_version "$(kubectl version --client 2>/dev/null)")
    if [ -z "$v" ] || ! version_ge "$v" "$kubectl_lo" || version_ge "$v" "1.$((minor + 2))"; then
      problem "kubectl ${v:-(unknown version)}: need v$kubectl_lo..v$kubectl_hi for Kubernetes v$node_mm"
    fi
  fi

  if ! command -v "$ISTIOCTL" >/dev/null 2>&1; then
    problem "missing istioctl: need $ISTIO_VERSION (curl -L https://istio.io/downloadIstio | ISTIO_VERSION=$ISTIO_VERSION sh -, then set ISTIO_DIR or put its bin/ on PATH)"
  else
    v=$(first_version "$("$ISTIOCTL" version --remote=false 2>/dev/null)")
    if [ "${v%.*}" != "$istio_mm" ]; then
      problem "istioctl ${v:-(unknown version)} ($ISTIOCTL): need $istio_mm.x (settings pin $ISTIO_VERSION)"
    elif [ "$v" != "$ISTIO_VERSION" ]; then
      warn "istioctl $v differs from the pinned $ISTIO_VERSION (same minor: going on)"
    fi
  fi

  if [ "$need_openssl" = 1 ] && ! command -v openssl >/dev/null 2>&1; then
    problem "missing openssl: needed to make the mesh's root and intermediate CAs (or pass --samples-certs)"
  fi

  unset -f problem
  [ "$problems" -eq 0 ]
}
