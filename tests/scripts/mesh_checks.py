#!/usr/bin/env python3
"""Checks what `scripts/mesh/up.sh --dry-run --out DIR` produced against the settings.

Usage: mesh_checks.py OUT_DIR COMMANDS_FILE

OUT_DIR holds the rendered files and settings.env (the effective settings); COMMANDS_FILE is
up.sh's stdout (one "+ command" per line). Prints one line per failed check and exits 1 when
any check fails, 0 otherwise. Used by tests/scripts/mesh_dry_run_test.sh.
"""

import base64
import ipaddress
import os
import re
import shlex
import subprocess
import sys
import tempfile

import yaml

FAILURES = []


def check(cond, what):
    if not cond:
        FAILURES.append(what)
    return cond


def load_settings(path):
    """Reads KEY=value lines as bash would for this simple file (later lines win)."""
    settings = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^([A-Z0-9_]+)=(.*)$", line.strip())
            if m:
                settings[m.group(1)] = m.group(2)
    return settings


def load_yaml(path, multi=False):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    return list(yaml.safe_load_all(text)) if multi else yaml.safe_load(text)


def leaf_paths(node, prefix=""):
    if isinstance(node, dict):
        for k, v in node.items():
            yield from leaf_paths(v, f"{prefix}.{k}" if prefix else str(k))
    else:
        yield prefix


def check_kind_configs(out, s):
    nets = []
    names = []
    for i in ("1", "2"):
        name = s[f"CLUSTER{i}_NAME"]
        path = os.path.join(out, f"kind-{name}.yaml")
        if not check(os.path.isfile(path), f"kind config {path} missing"):
            continue
        cfg = load_yaml(path)
        check(cfg.get("kind") == "Cluster", f"{path}: kind is {cfg.get('kind')!r}, not Cluster")
        check(cfg.get("apiVersion") == "kind.x-k8s.io/v1alpha4", f"{path}: apiVersion")
        check(cfg.get("name") == name, f"{path}: name {cfg.get('name')!r} != {name}")
        names.append(cfg.get("name"))
        gates = cfg.get("featureGates") or {}
        check("GenericEphemeralVolume" not in gates,
              f"{path}: featureGates GenericEphemeralVolume (removed in Kubernetes 1.25)")
        net = cfg.get("networking") or {}
        pod, svc = net.get("podSubnet"), net.get("serviceSubnet")
        check(pod == s[f"CLUSTER{i}_POD_SUBNET"], f"{path}: podSubnet {pod} != settings")
        check(svc == s[f"CLUSTER{i}_SERVICE_SUBNET"], f"{path}: serviceSubnet {svc} != settings")
        for cidr in (pod, svc):
            try:
                nets.append((f"{name} {cidr}", ipaddress.ip_network(cidr)))
            except (TypeError, ValueError):
                check(False, f"{path}: bad subnet {cidr!r}")
        nodes = cfg.get("nodes") or []
        roles = [n.get("role") for n in nodes]
        want = ["control-plane"] + ["worker"] * int(s[f"CLUSTER{i}_WORKERS"])
        check(roles == want, f"{path}: node roles {roles} != {want}")
        for n in nodes:
            image = n.get("image", "")
            check(re.fullmatch(r"[^@]+:v\d+\.\d+\.\d+@sha256:[0-9a-f]{64}", image) is not None,
                  f"{path}: node image {image!r} not pinned by @sha256 digest")
            check(image == s["KIND_NODE_IMAGE"], f"{path}: node image != KIND_NODE_IMAGE")
    check(len(set(names)) == len(names) == 2, f"kind cluster names not distinct: {names}")
    for a in range(len(nets)):
        for b in range(a + 1, len(nets)):
            check(not nets[a][1].overlaps(nets[b][1]), f"subnets overlap: {nets[a][0]} and {nets[b][0]}")


# Value paths an IstioOperator may set: the current same-network multicluster fields.
IOP_ALLOWED = {
    "apiVersion", "kind", "metadata.name", "spec.profile",
    "spec.values.global.meshID", "spec.values.global.multiCluster.clusterName",
    "spec.values.global.network", "spec.values.global.externalIstiod",
    "spec.values.global.remotePilotAddress", "spec.values.pilot.env.EXTERNAL_ISTIOD",
    "spec.values.istiodRemote.injectionPath",
}
IOP_FORBIDDEN = ("meshExpansion", "meshNetworks")


def check_iops(out, s):
    topo = s["TOPOLOGY"]
    for i in ("1", "2"):
        name = s[f"CLUSTER{i}_NAME"]
        path = os.path.join(out, name, "istio.yaml")
        if not check(os.path.isfile(path), f"IstioOperator {path} missing"):
            continue
        iop = load_yaml(path)
        check(iop.get("kind") == "IstioOperator", f"{path}: kind {iop.get('kind')!r}")
        check(iop.get("apiVersion") == "install.istio.io/v1alpha1", f"{path}: apiVersion")
        paths = set(leaf_paths(iop))
        for p in sorted(paths - IOP_ALLOWED):
            check(False, f"{path}: field {p} is not in the current-fields whitelist")
        for p in paths:
            for bad in IOP_FORBIDDEN:
                check(bad not in p, f"{path}: {p} uses {bad} (stale since Istio 1.8/1.9)")
        g = (iop.get("spec", {}).get("values") or {}).get("global") or {}
        check(g.get("meshID") == s["MESH_ID"], f"{path}: meshID != settings")
        check(g.get("network") == s["NETWORK"], f"{path}: network != settings")
        check((g.get("multiCluster") or {}).get("clusterName") == s[f"CLUSTER{i}_MESH_NAME"],
              f"{path}: clusterName != CLUSTER{i}_MESH_NAME")
        spec = iop.get("spec") or {}
        remote = topo == "primary-remote" and i == "2"
        check((spec.get("profile") == "remote") == remote, f"{path}: profile remote iff remote")
        check(("remotePilotAddress" in g) == remote, f"{path}: remotePilotAddress iff remote")
        if remote:
            inj = spec["values"].get("istiodRemote", {}).get("injectionPath")
            want = f"/inject/cluster/{s['CLUSTER2_MESH_NAME']}/net/{s['NETWORK']}"
            check(inj == want, f"{path}: injectionPath {inj} != {want}")
        if topo == "primary-remote" and i == "1":
            env = (spec["values"].get("pilot") or {}).get("env") or {}
            check(g.get("externalIstiod") is True and env.get("EXTERNAL_ISTIOD") == "true",
                  f"{path}: primary of primary-remote needs externalIstiod / EXTERNAL_ISTIOD")
        if topo == "multi-primary":
            check("externalIstiod" not in g, f"{path}: externalIstiod in multi-primary")
    ns_path = os.path.join(out, s["CLUSTER2_NAME"], "namespace-istio-system.yaml")
    if check(os.path.isfile(ns_path), f"{ns_path} missing"):
        ann = (load_yaml(ns_path).get("metadata") or {}).get("annotations") or {}
        got = ann.get("topology.istio.io/controlPlaneClusters")
        if topo == "primary-remote":
            check(got == s["CLUSTER1_MESH_NAME"], f"{ns_path}: controlPlaneClusters {got!r}")
        else:
            check(got is None, f"{ns_path}: controlPlaneClusters set in multi-primary")


def commands(path):
    with open(path, encoding="utf-8") as f:
        lines = [l[2:].rstrip("\n") for l in f if l.startswith("+ ")]
    parsed = []
    for l in lines:
        l = l.split("   # ")[0]
        try:
            parsed.append(shlex.split(l))
        except ValueError as e:
            check(False, f"command line does not parse ({e}): {l}")
    return lines, parsed


def nodes_of(s, i):
    name = s[f"CLUSTER{i}_NAME"]
    workers = int(s[f"CLUSTER{i}_WORKERS"])
    return [f"{name}-control-plane"] + [f"{name}-worker{'' if k == 1 else k}"
                                        for k in range(1, workers + 1)]


def check_commands(out, s, path):
    lines, cmds = commands(path)
    topo = s["TOPOLOGY"]
    check(not any(re.search(r"\bistioctl\s+(x|experimental)\s", l) for l in lines),
          "a command uses istioctl x/experimental (removed in Istio 1.19)")
    check(not any(re.search(r"\b172\.18\.\d+\.\d+\b", l) for l in lines),
          "a command hard-codes a 172.18.x.x node IP")
    creates = [c for c in cmds if c[:3] == ["kind", "create", "cluster"]]
    created = [c[c.index("--name") + 1] for c in creates if "--name" in c]
    want = [s["CLUSTER1_NAME"], s["CLUSTER2_NAME"]]
    check(sorted(created) == sorted(want), f"kind create cluster names {created} != {want}")
    for c in creates:
        if "--name" in c and "--config" in c:
            name, cfg = c[c.index("--name") + 1], c[c.index("--config") + 1]
            check(os.path.basename(cfg) == f"kind-{name}.yaml" and os.path.isfile(cfg),
                  f"kind create cluster --name {name} uses config {cfg}")
    # Routes: every node of each cluster, to each peer node's pod CIDR and the peer's service
    # CIDR, via an IP read with docker inspect from a node of the peer cluster.
    routes = {}
    for c in cmds:
        if c[:2] == ["docker", "exec"] and c[3:6] == ["ip", "route", "replace"]:
            check(len(c) == 9 and c[7] == "via", f"route command shape: {c}")
            routes.setdefault(c[2], []).append((c[6], c[-1]))
        elif c[:2] == ["docker", "exec"] and "route" in c:
            check(False, f"route command not idempotent (use ip route replace): {c}")
    for i, j in (("1", "2"), ("2", "1")):
        peer_nodes = nodes_of(s, j)
        for node in nodes_of(s, i):
            got = routes.get(node, [])
            for peer in peer_nodes:
                via = f"<IP of {peer} from docker inspect>"
                if int(s[f"CLUSTER{j}_WORKERS"]) == 0:
                    dst = s[f"CLUSTER{j}_POD_SUBNET"]
                    check((dst, via) in got, f"no route on {node}: {dst} via {via}")
                else:
                    ok = any(d.startswith(f"<podCIDR of {peer} ") and
                             s[f"CLUSTER{j}_POD_SUBNET"] in d and v == via for d, v in got)
                    check(ok, f"no route on {node} for {peer}'s podCIDR via {via}")
            svc = (s[f"CLUSTER{j}_SERVICE_SUBNET"],
                   f"<IP of {s[f'CLUSTER{j}_NAME']}-control-plane from docker inspect>")
            check(svc in got, f"no route on {node}: {svc[0]} via {svc[1]}")
        for node in nodes_of(s, i):
            for dst, via in routes.get(node, []):
                check(any(via == f"<IP of {p} from docker inspect>" for p in peer_nodes),
                      f"route on {node} via {via}: not a node of the peer cluster")
    inspected = {c[-1] for c in cmds if c[:2] == ["docker", "inspect"]}
    for node in nodes_of(s, "1") + nodes_of(s, "2"):
        check(node in inspected, f"no docker inspect of {node}")
    # Remote secrets.
    secrets = [c for c in cmds if c[:2] == ["istioctl", "create-remote-secret"] or
               (len(c) > 1 and c[0].endswith("/istioctl") and c[1] == "create-remote-secret")]
    pairs = set()
    for c in secrets:
        ctx = c[c.index("--context") + 1] if "--context" in c else None
        name = c[c.index("--name") + 1] if "--name" in c else None
        server = c[c.index("--server") + 1] if "--server" in c else ""
        i = "1" if ctx == s["CLUSTER1_CONTEXT"] else "2"
        check(name == s[f"CLUSTER{i}_MESH_NAME"], f"create-remote-secret --name {name} for {ctx}")
        want_server = f"https://<IP of {s[f'CLUSTER{i}_NAME']}-control-plane from docker inspect>:6443"
        check(server == want_server, f"create-remote-secret --server {server!r} != {want_server!r}")
        pairs.add(ctx)
    want_pairs = {s["CLUSTER2_CONTEXT"]} | ({s["CLUSTER1_CONTEXT"]} if topo == "multi-primary" else set())
    check(pairs == want_pairs, f"remote secrets made for {sorted(pairs)}, want {sorted(want_pairs)}")
    applied = [c[-1] for c in cmds if c[:1] == ["kubectl"] and "apply" in c]
    for i in ("1", "2"):
        d = os.path.join(out, s[f"CLUSTER{i}_NAME"])
        for f in ("namespace-istio-system.yaml", "cacerts.yaml", "namespace-sample.yaml",
                  "helloworld.yaml", "client.yaml"):
            check(os.path.join(d, f) in applied, f"{d}/{f} is never applied")
    for f in applied:
        check(os.path.isfile(f) or "remote-secret-" in f, f"applied file {f} was not written")
    installs = [c for c in cmds if len(c) > 1 and c[0].endswith("istioctl") and c[1] == "install"]
    check(len(installs) == 2, f"{len(installs)} istioctl install commands, want 2")


XC_SERVICE = "istiod-cross-cluster"


def tcp_gate(c):
    """(node, address, port) of a port-gate command, else None."""
    if c[:2] == ["docker", "exec"] and c[3:7] == ["timeout", "3", "bash", "-c"] and len(c) == 8:
        m = re.fullmatch(r"exec 3<>/dev/tcp/(.+)/(\d+)", c[7])
        if m:
            return c[2], m.group(1), int(m.group(2))
    return None


def check_gates(out, s, path):
    """The two gates: istiod's 15012 and 15017 from cluster2's node before the remote install
    (primary-remote), at the address the remote IstioOperator uses; a server-side dry-run pod
    in the sample namespace of each cluster after the sync and before the workloads."""
    _, cmds = commands(path)
    topo, via = s["TOPOLOGY"], s.get("ISTIOD_VIA")
    c1, c2 = s["CLUSTER1_NAME"], s["CLUSTER2_NAME"]
    ctx1, ctx2 = s["CLUSTER1_CONTEXT"], s["CLUSTER2_CONTEXT"]

    def index(pred):
        return next((k for k, c in enumerate(cmds) if pred(c)), None)

    def installed(ctx):
        return index(lambda c: len(c) > 1 and c[0].endswith("istioctl") and c[1] == "install"
                     and ctx in c)

    def applied(ctx, f):
        return index(lambda c: c[:3] == ["kubectl", "--context", ctx] and "apply" in c
                     and c[-1] == f)

    gates = [(k, g) for k, c in enumerate(cmds) if (g := tcp_gate(c))]
    xc_file = os.path.join(out, c1, f"{XC_SERVICE}.yaml")
    if topo == "multi-primary":
        check(not gates, "multi-primary: a port gate, but there is no remote istiod address")
        check(not os.path.exists(xc_file), f"multi-primary: {xc_file} rendered")
    else:
        want = (f"<ClusterIP of service {XC_SERVICE} in {ctx1} from kubectl>" if via == "service"
                else f"<IP of the istiod pod in {ctx1} from kubectl>")
        ports = sorted(g[2] for _, g in gates)
        check(ports == [15012, 15017], f"port gates on {ports}, want [15012, 15017]")
        i1, i2 = installed(ctx1), installed(ctx2)
        for k, (node, addr, port) in gates:
            check(node == f"{c2}-control-plane", f"port gate {port} runs on {node}, not {c2}'s node")
            check(addr == want, f"port gate {port} checks {addr!r}, want {want!r}")
            check(i1 is not None and i2 is not None and i1 < k < i2,
                  f"port gate {port} is not between the istio installs of {ctx1} and {ctx2}")
        iop = load_yaml(os.path.join(out, c2, "istio.yaml"))
        got = iop["spec"]["values"]["global"].get("remotePilotAddress")
        check(got == want, f"remotePilotAddress {got!r} is not the gated address {want!r}")
        if via == "service":
            if check(os.path.isfile(xc_file), f"{xc_file} missing"):
                svc = load_yaml(xc_file)
                meta, spec = svc.get("metadata") or {}, svc.get("spec") or {}
                check(svc.get("kind") == "Service" and meta.get("name") == XC_SERVICE and
                      meta.get("namespace") == "istio-system", f"{xc_file}: not istio-system/{XC_SERVICE}")
                check(spec.get("selector") == {"app": "istiod", "istio": "pilot"},
                      f"{xc_file}: selector {spec.get('selector')} is not istiod's pods")
                got_ports = sorted((p.get("port"), p.get("targetPort", p.get("port")))
                                   for p in spec.get("ports") or [])
                check(got_ports == [(15012, 15012), (15017, 15017)],
                      f"{xc_file}: ports {got_ports}, want 15012->15012 and 15017->15017")
                k = applied(ctx1, xc_file)
                check(k is not None and (not gates or k < min(g for g, _ in gates)),
                      f"{xc_file} is not applied in {ctx1} before the port gates")
        else:
            check(not os.path.exists(xc_file), f"ISTIOD_VIA={via}: {xc_file} rendered")
    ns = s["SAMPLE_NAMESPACE"]
    synced = max((k for k, c in enumerate(cmds) if "remote-clusters" in c), default=None)
    for i in ("1", "2"):
        ctx, d = s[f"CLUSTER{i}_CONTEXT"], os.path.join(out, s[f"CLUSTER{i}_NAME"])
        probe = os.path.join(d, "injection-probe.yaml")
        k = index(lambda c: c[:3] == ["kubectl", "--context", ctx] and "create" in c and
                  "--dry-run=server" in c and "-f" in c and c[c.index("-f") + 1] == probe)
        if not check(k is not None, f"no server-side dry run of {probe} in {ctx}"):
            continue
        c = cmds[k]
        check("-n" in c and c[c.index("-n") + 1] == ns, f"injection gate in {ctx}: not in {ns}")
        fmt = c[c.index("-o") + 1] if "-o" in c else ""
        check(".spec.initContainers" in fmt and ".spec.containers" in fmt,
              f"injection gate in {ctx} does not print the pod's containers: {fmt!r}")
        nsk = applied(ctx, os.path.join(d, "namespace-sample.yaml"))
        check(nsk is not None and nsk < k, f"injection gate in {ctx} before its namespace")
        check(synced is not None and synced < k, f"injection gate in {ctx} before the sync wait")
        for f in ("helloworld.yaml", "client.yaml"):
            w = applied(ctx, os.path.join(d, f))
            check(w is not None and k < w, f"{f} applied in {ctx} before the injection gate")
        pod = load_yaml(probe)
        check(pod.get("kind") == "Pod" and (pod.get("metadata") or {}).get("namespace") == ns,
              f"{probe}: not a Pod in {ns}")


def check_mesh_yaml(out, s):
    path = os.path.join(out, "mesh.yaml")
    if not check(os.path.isfile(path), "mesh.yaml missing"):
        return
    m = load_yaml(path)
    want = [{"name": s[f"CLUSTER{i}_MESH_NAME"], "context": s[f"CLUSTER{i}_CONTEXT"],
             "pod_cidrs": [s[f"CLUSTER{i}_POD_SUBNET"]]} for i in ("1", "2")]
    check(m.get("clusters") == want, f"mesh.yaml clusters {m.get('clusters')} != {want}")
    src = m.get("source") or {}
    client = s["CLIENT"]
    check(src == {"namespace": s["SAMPLE_NAMESPACE"], "selector": f"app={client}",
                  "container": client}, f"mesh.yaml source {src}")
    tgt = m.get("target") or {}
    ns = s["SAMPLE_NAMESPACE"]
    check(tgt.get("envoy_cluster") == f"outbound|5000||helloworld.{ns}.svc.cluster.local",
          f"mesh.yaml target.envoy_cluster {tgt.get('envoy_cluster')}")
    check(tgt.get("url") == f"http://helloworld.{ns}:5000/hello", "mesh.yaml target.url")
    check(m.get("expect") == "endpoints", "mesh.yaml expect")
    # The client pods up.sh applies are what mesh.yaml selects.
    for i in ("1", "2"):
        docs = load_yaml(os.path.join(out, s[f"CLUSTER{i}_NAME"], "client.yaml"), multi=True)
        deps = [d for d in docs if d and d.get("kind") == "Deployment"]
        if not check(len(deps) == 1, f"cluster{i} client.yaml: {len(deps)} Deployments"):
            continue
        tmpl = deps[0]["spec"]["template"]
        check(tmpl["metadata"]["labels"].get("app") == client, f"cluster{i} client label app")
        check([c["name"] for c in tmpl["spec"]["containers"]] == [client],
              f"cluster{i} client container name != {client}")
        check(deps[0]["metadata"].get("namespace") == ns, f"cluster{i} client namespace")
        hw = load_yaml(os.path.join(out, s[f"CLUSTER{i}_NAME"], "helloworld.yaml"), multi=True)
        kinds = {d["kind"]: d for d in hw if d}
        check(kinds.get("Deployment", {}).get("metadata", {}).get("name") == f"helloworld-v{i}",
              f"cluster{i} helloworld deployment is not helloworld-v{i}")
        check("Service" in kinds, f"cluster{i} has no helloworld Service")
        sample = load_yaml(os.path.join(out, s[f"CLUSTER{i}_NAME"], "namespace-sample.yaml"))
        check(sample["metadata"]["labels"].get("istio-injection") == "enabled",
              f"cluster{i} sample namespace lacks istio-injection=enabled")


def check_trust(out, s):
    roots = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in ("1", "2"):
            path = os.path.join(out, s[f"CLUSTER{i}_NAME"], "cacerts.yaml")
            if not check(os.path.isfile(path), f"{path} missing"):
                return
            sec = load_yaml(path)
            check(sec.get("kind") == "Secret" and sec["metadata"] == {"name": "cacerts",
                  "namespace": "istio-system"}, f"{path}: not istio-system/cacerts")
            data = sec.get("data") or {}
            check(sorted(data) == ["ca-cert.pem", "ca-key.pem", "cert-chain.pem", "root-cert.pem"],
                  f"{path}: keys {sorted(data)}")
            files = {}
            for k, v in data.items():
                files[k] = os.path.join(tmp, f"{i}-{k}")
                with open(files[k], "wb") as f:
                    f.write(base64.b64decode(v))
            roots.append(open(files["root-cert.pem"], "rb").read())
            r = subprocess.run(["openssl", "verify", "-CAfile", files["root-cert.pem"],
                                files["ca-cert.pem"]], capture_output=True, text=True)
            check(r.returncode == 0, f"cluster{i} intermediate does not chain to the root: {r.stdout}{r.stderr}")
            r = subprocess.run(["openssl", "x509", "-in", files["ca-cert.pem"], "-noout", "-ext",
                                "basicConstraints"], capture_output=True, text=True)
            check("CA:TRUE" in r.stdout, f"cluster{i} ca-cert.pem is not a CA")
    check(len(roots) == 2 and roots[0] == roots[1], "the clusters do not share one root CA")


def main():
    out, cmds = sys.argv[1], sys.argv[2]
    s = load_settings(os.path.join(out, "settings.env"))
    check_kind_configs(out, s)
    check_iops(out, s)
    check_commands(out, s, cmds)
    check_gates(out, s, cmds)
    check_mesh_yaml(out, s)
    if os.environ.get("MESH_CHECK_TRUST", "1") == "1":
        check_trust(out, s)
    for f in FAILURES:
        print(f"FAIL: {f}")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
