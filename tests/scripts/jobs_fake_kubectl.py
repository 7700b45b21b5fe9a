#!/usr/bin/env python3
"""A kubectl for jobs_run_test: just enough of the Job API for `meshverify jobs run`.

`apply -f FILE` runs every pod of every Indexed Job in FILE at once, as real processes: the
container's args with $(MESHVERIFY_SHARD) and $(MESHVERIFY_POD) expanded, run by
$MESHVERIFY_BINARY (the image's entry point); each pod's stdout and stderr are its log.
$FAKE_KUBE_KILL="CLUSTER/INDEX" kills that pod (SIGKILL) $FAKE_KUBE_KILL_AFTER seconds after
its start (default 0.3), mid-run. `get job NAME -o json` says Complete once every pod exited 0,
Failed once all exited and one did not; `get pods -l meshverify.io/run=ID -o json` lists the
pods; `logs POD -c meshverify` prints a log; `delete` records the deletion. Anything else
(destination discovery) fails, as a kubectl without a cluster does. State lives in
$FAKE_KUBE_DIR.
"""
import json
import os
import signal
import subprocess
import sys
import time

import yaml

STATE = os.environ["FAKE_KUBE_DIR"]


def log_call(argv):
    with open(os.path.join(STATE, "calls"), "a") as f:
        f.write(" ".join(argv) + "\n")


def pod_dir(ctx, name):
    return os.path.join(STATE, ctx, name)


def expand(arg, index, pod, mount):
    arg = arg.replace("$(MESHVERIFY_SHARD)", str(index)).replace("$(MESHVERIFY_POD)", pod)
    return arg.replace("/etc/meshverify/", mount + "/") if mount else arg


def apply(ctx, path):
    docs = [d for d in yaml.safe_load_all(open(path)) if d]
    kill = os.environ.get("FAKE_KUBE_KILL", "")
    kill_after = float(os.environ.get("FAKE_KUBE_KILL_AFTER", "0.3"))
    mounts = {}
    for d in docs:  # ConfigMaps first: their files are what the Jobs mount
        if d["kind"] == "ConfigMap":
            mount = os.path.join(STATE, ctx, "configmap-" + d["metadata"]["name"])
            os.makedirs(mount, exist_ok=True)
            for key, text in d["data"].items():
                open(os.path.join(mount, key), "w").write(text)
            mounts[d["metadata"]["name"]] = mount
    for d in docs:
        if d["kind"] != "Job":
            continue
        volumes = d["spec"]["template"]["spec"].get("volumes", [])
        mount = mounts.get(volumes[0]["configMap"]["name"]) if volumes else None
        job = d["metadata"]["name"]
        cluster = d["metadata"]["labels"]["meshverify.io/cluster"]
        run = d["metadata"]["labels"]["meshverify.io/run"]
        container = d["spec"]["template"]["spec"]["containers"][0]
        for i in range(d["spec"]["completions"]):
            pod = "%s-%d-%s" % (job, i, cluster[-5:])
            os.makedirs(pod_dir(ctx, pod), exist_ok=True)
            argv = [os.environ["MESHVERIFY_BINARY"]] + [expand(a, i, pod, mount) for a in container["args"]]
            meta = {"job": job, "run": run, "index": i, "argv": argv}
            json.dump(meta, open(os.path.join(pod_dir(ctx, pod), "meta.json"), "w"))
            killer = ""
            if kill == "%s/%d" % (cluster, i):
                killer = "sleep %s; kill -KILL $pid" % kill_after
            # One detached shell per pod: runs the shard, then writes its exit code.
            script = ('cd "$1"; shift; "$@" >log 2>&1 & pid=$!; %s & wait $pid; echo $? >rc.tmp; '
                      'mv rc.tmp rc' % (killer or "true"))
            subprocess.Popen(["sh", "-c", script, "pod", pod_dir(ctx, pod)] + argv,
                             stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, start_new_session=True)
    print("job.batch/created")


def pods(ctx, run=None, job=None):
    base = os.path.join(STATE, ctx)
    out = []
    for name in sorted(os.listdir(base)) if os.path.isdir(base) else []:
        if name.startswith("configmap-"):
            continue
        meta = json.load(open(os.path.join(base, name, "meta.json")))
        if (run and meta["run"] != run) or (job and meta["job"] != job):
            continue
        rc_path = os.path.join(base, name, "rc")
        rc = int(open(rc_path).read()) if os.path.exists(rc_path) else None
        out.append((name, meta, rc))
    return out


def pod_json(name, meta, rc):
    if rc is None:
        phase, state = "Running", {"running": {}}
    else:
        phase = "Succeeded" if rc == 0 else "Failed"
        state = {"terminated": {"exitCode": rc if rc < 128 else rc,
                                "reason": "Completed" if rc == 0 else "Error"}}
    return {"metadata": {"name": name, "annotations": {
                "batch.kubernetes.io/job-completion-index": str(meta["index"])}},
            "status": {"phase": phase,
                       "containerStatuses": [{"name": "meshverify", "state": state}]}}


def main():
    argv = sys.argv[1:]
    log_call(argv)
    ctx = "default"
    rest = []
    i = 0
    while i < len(argv):
        if argv[i] in ("--context", "-n", "--namespace", "--kubeconfig"):
            if argv[i] == "--context":
                ctx = argv[i + 1]
            i += 2
            continue
        rest.append(argv[i])
        i += 1
    if rest[:2] == ["apply", "-f"]:
        return apply(ctx, rest[2])
    if rest[:2] == ["get", "job"]:
        ps = pods(ctx, job=rest[2])
        if not ps:
            print('Error from server (NotFound): jobs.batch "%s" not found' % rest[2], file=sys.stderr)
            return 1
        done = [p for p in ps if p[2] is not None]
        ok = sum(1 for p in done if p[2] == 0)
        status = {"succeeded": ok, "failed": len(done) - ok, "active": len(ps) - len(done)}
        if len(done) == len(ps):
            kind = "Complete" if ok == len(ps) else "Failed"
            status["conditions"] = [{"type": kind, "status": "True", "message": "fake"}]
        print(json.dumps({"status": status}))
        return 0
    if rest[:2] == ["get", "pods"] and rest[2] == "-l" and rest[3].startswith("meshverify.io/run="):
        run = rest[3].split("=", 1)[1]
        print(json.dumps({"kind": "List", "items": [pod_json(*p) for p in pods(ctx, run=run)]}))
        return 0
    if rest[0] == "logs":
        path = os.path.join(pod_dir(ctx, rest[1]), "log")
        if not os.path.exists(path):
            print('Error from server (NotFound): pods "%s" not found' % rest[1], file=sys.stderr)
            return 1
        sys.stdout.write(open(path).read())
        return 0
    if rest[0] == "delete":
        with open(os.path.join(STATE, "deleted"), "a") as f:
            f.write("%s %s %s\n" % (ctx, rest[1], rest[2]))
        return 0
    print("error: no cluster in this test", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main() or 0)
