#!/usr/bin/env python3
"""The admin ports of a lab Job pod's sidecar (scripts/lab/lib/jobs.sh starts one per pod, in
the pod's network namespace), standing in for Envoy's and pilot-agent's:

  GET  127.0.0.1:15000/clusters       the sidecar's endpoint view in Envoy's text format, read
                                      live from the pod's HAProxy runtime API (the same health
                                      mapping as the lab's istioctl: MAINT -> failed_eds_health,
                                      DOWN -> failed_outlier_check, DRAIN -> eds_status_draining)
  POST 127.0.0.1:15000/quitquitquit   answered 200 (the sidecar goes when the container ends)
  POST 127.0.0.1:15020/quitquitquit   the same, pilot-agent's port

  envoy_admin.py HAPROXY_SOCKET ENVOY_CLUSTER

Anything else is 404. Runs until stopped (SIGTERM); each answer is bounded (2 s to read the
runtime API, requests of at most 4 KiB headers, one thread per connection).
"""
import csv
import http.server
import io
import socket
import socketserver
import sys
import threading

SOCK, CLUSTER = sys.argv[1], sys.argv[2]


def haproxy_stat():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(2)
    try:
        s.connect(SOCK)
        s.sendall(b"show stat -1 4 -1\n")
        out = b""
        while len(out) < (16 << 20):
            chunk = s.recv(65536)
            if not chunk:
                break
            out += chunk
    finally:
        s.close()
    return out.decode("utf-8", "replace")


def clusters_text():
    text = haproxy_stat().lstrip("# ")
    lines = []
    for row in csv.DictReader(io.StringIO(text)):
        if row.get("pxname") != "helloworld":
            continue
        addr = row["addr"]
        st = row.get("status", "")
        flags = "healthy"
        if st.startswith("MAINT"):
            flags = "/failed_eds_health"
        elif st.startswith("DRAIN"):
            flags = "/eds_status_draining"
        elif st.startswith("DOWN"):
            flags = "/failed_outlier_check"
        n = lambda k: int(row.get(k) or 0)  # noqa: E731
        ok = n("hrsp_1xx") + n("hrsp_2xx") + n("hrsp_3xx") + n("hrsp_4xx")
        cxfail = n("econ") + n("wretr") + n("wredis")
        stats = [("cx_active", n("scur")), ("cx_connect_fail", cxfail),
                 ("cx_total", n("connect") if "connect" in row else n("stot")),
                 ("rq_active", n("scur")), ("rq_error", n("hrsp_5xx") + n("eresp") + cxfail),
                 ("rq_success", ok), ("rq_timeout", 0), ("rq_total", n("stot")),
                 ("hostname", ""), ("health_flags", flags), ("weight", n("weight")),
                 ("region", ""), ("zone", ""), ("sub_zone", ""), ("canary", "false"),
                 ("priority", 0), ("success_rate", -1.0), ("local_origin_success_rate", -1.0)]
        lines += [f"{CLUSTER}::{addr}::{k}::{v}" for k, v in stats]
    head = [f"{CLUSTER}::observability_name::{CLUSTER}",
            f"{CLUSTER}::default_priority::max_connections::4294967295",
            f"{CLUSTER}::default_priority::max_pending_requests::4294967295",
            f"{CLUSTER}::default_priority::max_requests::4294967295",
            f"{CLUSTER}::default_priority::max_retries::4294967295",
            f"{CLUSTER}::added_via_api::true"]
    return "\n".join(head + lines) + "\n"


class Handler(http.server.BaseHTTPRequestHandler):
    server_version = "envoy"
    sys_version = ""
    timeout = 5

    def answer(self, code, body, ctype="text/plain"):
        data = body.encode()
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):  # noqa: N802
        if self.server.server_address[1] == 15000 and self.path.split("?")[0] == "/clusters":
            try:
                self.answer(200, clusters_text())
            except OSError as e:
                self.answer(503, f"sidecar runtime API unreachable: {e}\n")
            return
        self.answer(404, "not found\n")

    def do_POST(self):  # noqa: N802
        if self.path.split("?")[0] == "/quitquitquit":
            self.answer(200, "OK\n")
            return
        self.answer(404, "not found\n")

    def log_message(self, *args):
        pass


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    servers = [Server(("127.0.0.1", port), Handler) for port in (15000, 15020)]
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in servers]
    for t in threads:
        t.start()
    print("ready", flush=True)
    for t in threads:
        t.join()


if __name__ == "__main__":
    main()
