# shellcheck shell=bash
# Pod objects as kubectl prints them: `-o json` (a v1 List or a single Pod, keys sorted, 4-space
# indent, like kubectl's printer) and the default table.

# Prints pod table lines $1 as JSON: a List, or the single Pod when $2 is 1.
pods_json() {
  local lines=$1 single=$2 started
  started=$(cat "$LAB_STATE/started" 2>/dev/null || echo "2025-01-01T00:00:00Z")
  printf '%s' "$lines" | jq -R -n -S --indent 4 --arg ns "$LAB_NAMESPACE" --arg t "$started" \
    --argjson single "$single" '
    def container(name; image): {
      image: image, imagePullPolicy: "IfNotPresent", name: name,
      ports: (if name == "istio-proxy" then [{containerPort: 15090, name: "http-envoy-prom", protocol: "TCP"}]
              elif name == "helloworld" then [{containerPort: 5000, protocol: "TCP"}] else [] end),
      resources: {}, terminationMessagePath: "/dev/termination-log",
      terminationMessagePolicy: "File"};
    def cond(type; status): {lastProbeTime: null, lastTransitionTime: $t, status: status, type: type};
    def pod:
      split("\t") as $f
      | ($f[6] == "running") as $up
      | (if $f[2] == "sleep" then "sleep" else "helloworld" end) as $app
      | (if $f[2] == "sleep" then "curlimages/curl:8.16.0"
         else "docker.io/istio/examples-helloworld-\($f[3]):1.0" end) as $image
      | ($f[1] | sub("cluster"; "172.18.0.") | sub("\\.(?<d>[0-9]+)$"; ".\((.d | tonumber) + 1)")) as $hostip
      | {
          apiVersion: "v1", kind: "Pod",
          metadata: {
            creationTimestamp: $t,
            generateName: ($f[0] | sub("[^-]+$"; "")),
            labels: ({app: $app, "pod-template-hash": $f[8],
                      "security.istio.io/tlsMode": "istio",
                      "service.istio.io/canonical-name": (if $f[3] == "" then $app else "\($app)" end),
                      "service.istio.io/canonical-revision": (if $f[3] == "" then "latest" else $f[3] end)}
                     + (if $f[3] == "" then {} else {version: $f[3]} end)),
            name: $f[0], namespace: $ns,
            ownerReferences: [{apiVersion: "apps/v1", blockOwnerDeletion: true, controller: true,
                               kind: "ReplicaSet", name: ($f[0] | sub("-[^-]+$"; "")),
                               uid: ($f[0] | sub("-[^-]+$"; "") | @base64 | .[0:8] + "-lab")}],
            resourceVersion: "1000",
            uid: ($f[0] | @base64 | .[0:8] + "-" + $f[1])
          },
          spec: {
            containers: [container($app; $image), container("istio-proxy"; "docker.io/istio/proxyv2:1.24.0")],
            nodeName: $f[9], restartPolicy: "Always", schedulerName: "default-scheduler",
            serviceAccount: $app, serviceAccountName: $app
          },
          status: {
            conditions: [cond("PodReadyToStartContainers"; "True"), cond("Initialized"; "True"),
                         cond("Ready"; if $up then "True" else "False" end),
                         cond("ContainersReady"; if $up then "True" else "False" end),
                         cond("PodScheduled"; "True")],
            containerStatuses: [{name: $app, ready: $up, restartCount: 0, started: $up, image: $image},
                                {name: "istio-proxy", ready: true, restartCount: 0, started: true,
                                 image: "docker.io/istio/proxyv2:1.24.0"}],
            hostIP: $hostip, hostIPs: [{ip: $hostip}],
            phase: "Running", podIP: $f[4], podIPs: [{ip: $f[4]}],
            qosClass: "BestEffort", startTime: $t
          }
        };
    [inputs | select(length > 0) | pod] as $items
    | if $single == 1 then $items[0]
      else {apiVersion: "v1", items: $items, kind: "List", metadata: {resourceVersion: ""}} end'
}

# The default `kubectl get pods` table (and -o wide).
pods_table() {
  local lines=$1 wide=$2
  awk -F'\t' -v wide="$wide" '
    BEGIN { n = 0 }
    {
      n++; name[n] = $1; ready[n] = ($7 == "running" ? "2/2" : "1/2"); ip[n] = $5; node[n] = $10
      if (length($1) > w) w = length($1)
    }
    END {
      w += 3
      if (wide == "wide") {
        printf "%-" w "s%-8s%-10s%-11s%-6s%-13s%-24s%-16s%s\n", "NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "NOMINATED NODE", "READINESS GATES"
        for (i = 1; i <= n; i++)
          printf "%-" w "s%-8s%-10s%-11s%-6s%-13s%-24s%-16s%s\n", name[i], ready[i], "Running", "0", "1m", ip[i], node[i], "<none>", "<none>"
      } else {
        printf "%-" w "s%-8s%-10s%-11s%s\n", "NAME", "READY", "STATUS", "RESTARTS", "AGE"
        for (i = 1; i <= n; i++) printf "%-" w "s%-8s%-10s%-11s%s\n", name[i], ready[i], "Running", "0", "1m"
      }
    }' <<<"$lines"
}
