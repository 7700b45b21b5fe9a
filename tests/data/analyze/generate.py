#!/usr/bin/env python3
"""Regenerates the analyze test inputs (deterministic: fixed seed). Run from this directory."""
import json
import random

rng = random.Random(20240501)
V1 = "Hello version: v1, instance: helloworld-v1-86f77cd7bd-cpxhv"
V2 = "Hello version: v2, instance: helloworld-v2-79d5467d55-4xq2m"


def raw(path, n1, n2, extra=()):
    lines = [V1] * n1 + [V2] * n2 + list(extra)
    rng.shuffle(lines)
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


raw("balanced.txt", 1000, 1000)          # 50/50 at N = 2000: balanced
raw("skewed.txt", 1400, 600)             # 70/30 at N = 2000: skewed
raw("tiny.txt", 6, 4)                    # N = 10: inconclusive
raw("unparsed.txt", 990, 990, ["upstream connect error or disconnect/reset before headers"] * 20)


def records(path, per_source, route_drop=False):
    with open(path, "w") as f:
        for cluster, pod in (("cluster1", "sleep-7d9f8c-abcde"), ("cluster2", "sleep-5b4d6f-fghij")):
            for seq in range(per_source):
                remote = seq % 2 == 1
                body = V2 if (cluster == "cluster1") == remote else V1
                rec = {"src_cluster": cluster, "src_pod": pod, "seq": seq, "code": 200,
                       "total_ms": round(rng.uniform(1, 4) + (2 if remote else 0), 2),
                       "body": body}
                if seq == 0:
                    rec.update(schema="meshverify.record/v1", connect_ms=0.3, new_conn=True)
                if route_drop and cluster == "cluster1" and remote:
                    rec.update(code=0, curl_exit=28, total_ms=5000.0, body="")
                f.write(json.dumps(rec) + "\n")


records("records.jsonl", 1000)                   # two sources, 50/50 each
records("route_drop.jsonl", 1000, route_drop=True)  # cluster1's remote requests time out
