# shellcheck shell=bash
# Pod objects as kubectl prints them: `-o json` (a v1 List or a single Pod, keys sorted, 4-space
# indent, like kubectl's printer) and the default table.

# Prints pod table lines $1 as JSON: a List, or the single Pod when $2 is 1. Written with awk,
# not jq (jq's start-up alone costs more than a front-end call may take); keys are sorted and
# indented by 4 as kubectl prints them. tests/lab checks the result with jq.
pods_json() {
  local lines=$1 single=$2 started
  started=$(cat "$LAB_STATE/started" 2>/dev/null || echo "2025-01-01T00:00:00Z")
  printf '%s' "$lines" | awk -F'\t' -v ns="$LAB_NAMESPACE" -v t="$started" -v single="$single" \
    -v node_ips="$(lab_node_ips)" '
    BEGIN {
      nip_count = split(node_ips, nip_pairs, " ")
      for (nip_i = 1; nip_i <= nip_count; nip_i++) {
        split(nip_pairs[nip_i], nip_pair, "=")
        node_ip[nip_pair[1]] = nip_pair[2]
      }
    }
    function o(s) { print pad s }
    function q(s) { return "\"" s "\"" }
    function container(name, image, port,   e) {
      o("            {")
      o("                \"image\": " q(image) ",")
      o("                \"imagePullPolicy\": \"IfNotPresent\",")
      o("                \"name\": " q(name) ",")
      if (port != "") {
        o("                \"ports\": [")
        o("                    {")
        o("                        \"containerPort\": " port ",")
        if (name == "istio-proxy") o("                        \"name\": \"http-envoy-prom\",")
        o("                        \"protocol\": \"TCP\"")
        o("                    }")
        o("                ],")
      }
      o("                \"resources\": {},")
      o("                \"terminationMessagePath\": \"/dev/termination-log\",")
      o("                \"terminationMessagePolicy\": \"File\"")
      o("            }" (name == "istio-proxy" ? "" : ","))
    }
    function cond(type, status, last) {
      o("            {")
      o("                \"lastProbeTime\": null,")
      o("                \"lastTransitionTime\": " q(t) ",")
      o("                \"status\": " q(status) ",")
      o("                \"type\": " q(type))
      o("            }" (last ? "" : ","))
    }
    function cstatus(name, image, ready, last) {
      o("            {")
      o("                \"image\": " q(image) ",")
      o("                \"name\": " q(name) ",")
      o("                \"ready\": " ready ",")
      o("                \"restartCount\": 0,")
      o("                \"started\": " ready)
      o("            }" (last ? "" : ","))
    }
    function pod(last,   app, up, ready, image, proxy, host, rs, gen) {
      app = $3; up = ($7 == "running"); ready = up ? "true" : "false"
      image = (app == "sleep") ? "curlimages/curl:8.16.0" : "docker.io/istio/examples-helloworld-" $4 ":1.0"
      proxy = "docker.io/istio/proxyv2:1.24.0"
      host = node_ip[$2]
      rs = $1; sub(/-[^-]+$/, "", rs); gen = rs "-"
      o("{")
      o("    \"apiVersion\": \"v1\",")
      o("    \"kind\": \"Pod\",")
      o("    \"metadata\": {")
      o("        \"creationTimestamp\": " q(t) ",")
      o("        \"generateName\": " q(gen) ",")
      o("        \"labels\": {")
      o("            \"app\": " q(app) ",")
      o("            \"pod-template-hash\": " q($9) ",")
      o("            \"security.istio.io/tlsMode\": \"istio\",")
      o("            \"service.istio.io/canonical-name\": " q(app) ",")
      o("            \"service.istio.io/canonical-revision\": " q($4 == "" ? "latest" : $4) ($4 == "" ? "" : ","))
      if ($4 != "") o("            \"version\": " q($4))
      o("        },")
      o("        \"name\": " q($1) ",")
      o("        \"namespace\": " q(ns) ",")
      o("        \"ownerReferences\": [")
      o("            {")
      o("                \"apiVersion\": \"apps/v1\",")
      o("                \"blockOwnerDeletion\": true,")
      o("                \"controller\": true,")
      o("                \"kind\": \"ReplicaSet\",")
      o("                \"name\": " q(rs) ",")
      o("                \"uid\": " q($12))
      o("            }")
      o("        ],")
      o("        \"resourceVersion\": \"1000\",")
      o("        \"uid\": " q($11))
      o("    },")
      o("    \"spec\": {")
      o("        \"containers\": [")
      container(app, image, app == "helloworld" ? 5000 : "")
      container("istio-proxy", proxy, 15090)
      o("        ],")
      o("        \"nodeName\": " q($10) ",")
      o("        \"restartPolicy\": \"Always\",")
      o("        \"schedulerName\": \"default-scheduler\",")
      o("        \"serviceAccount\": " q(app) ",")
      o("        \"serviceAccountName\": " q(app))
      o("    },")
      o("    \"status\": {")
      o("        \"conditions\": [")
      cond("PodReadyToStartContainers", "True", 0)
      cond("Initialized", "True", 0)
      cond("Ready", up ? "True" : "False", 0)
      cond("ContainersReady", up ? "True" : "False", 0)
      cond("PodScheduled", "True", 1)
      o("        ],")
      o("        \"containerStatuses\": [")
      cstatus(app, image, ready, 0)
      cstatus("istio-proxy", proxy, "true", 1)
      o("        ],")
      o("        \"hostIP\": " q(host) ",")
      o("        \"hostIPs\": [")
      o("            {")
      o("                \"ip\": " q(host))
      o("            }")
      o("        ],")
      o("        \"phase\": \"Running\",")
      o("        \"podIP\": " q($5) ",")
      o("        \"podIPs\": [")
      o("            {")
      o("                \"ip\": " q($5))
      o("            }")
      o("        ],")
      o("        \"qosClass\": \"BestEffort\",")
      o("        \"startTime\": " q(t))
      o("    }")
      o("}" (last ? "" : ","))
    }
    NF > 0 { n++; row[n] = $0 }
    END {
      if (single == 1) {
        pad = ""
        if (n > 0) { $0 = row[1]; pod(1) }
        exit
      }
      print "{"
      print "    \"apiVersion\": \"v1\","
      if (n == 0) {
        print "    \"items\": [],"
      } else {
        print "    \"items\": ["
        pad = "        "
        for (i = 1; i <= n; i++) { $0 = row[i]; pod(i == n) }
        print "    ],"
      }
      print "    \"kind\": \"List\","
      print "    \"metadata\": {"
      print "        \"resourceVersion\": \"\""
      print "    }"
      print "}"
    }'
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
