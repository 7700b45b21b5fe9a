#!/usr/bin/env python3
"""The lab's Kubernetes objects for Jobs (scripts/lab/lib/jobs.sh calls this).

  jobspec.py apply FILE DIR CLUSTER NAMESPACE NETNS_PREFIX POD_PREFIX NODE HOST_IP
        stores the manifests (YAML or JSON, several documents, "-" for stdin), refusing, with
        the object and field named, what the lab cannot run; writes each new pod's pod.json,
        argv and env (NUL-separated, $(VAR) resolved) and configMap volumes; prints what
        jobs.sh starts (see cmd_apply)
  jobspec.py pods DIR SELECTOR [NAME]   the Job pods under DIR as a v1 List (NAME: one Pod)
  jobspec.py jobs DIR SELECTOR [NAME]   the Jobs under DIR as a batch/v1 List (NAME: one Job)
  jobspec.py condition DIR NAME COND    exit 0 when Job NAME has condition COND (True)

State (DIR = $LAB_STATE/k8s/CLUSTER/NAMESPACE): configmaps/NAME.json, jobs/NAME/job.json,
jobs/NAME/created, jobs/NAME/pods/POD/{pod.json,started,finished,exit,reason,log}.
Errors: one line on stderr, exit 1 (kubectl's exit code for a refused request).
"""
import json
import os
import random
import re
import sys
import time
import uuid

NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"  # Kubernetes' generated-name alphabet


def die(msg):
    print("error: " + msg, file=sys.stderr)
    sys.exit(1)


def rfc3339(epoch):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(float(epoch)))


def read(path, default=None):
    try:
        with open(path, encoding="utf-8") as f:
            return f.read().strip()
    except OSError:
        return default


# --- parse ----------------------------------------------------------------------------------

ALLOWED_JOB_SPEC = {"completionMode", "completions", "parallelism", "backoffLimitPerIndex",
                    "maxFailedIndexes", "activeDeadlineSeconds", "ttlSecondsAfterFinished",
                    "template", "backoffLimit"}
ALLOWED_POD_SPEC = {"restartPolicy", "automountServiceAccountToken", "containers", "volumes",
                    "terminationGracePeriodSeconds", "securityContext", "serviceAccountName"}
ALLOWED_CONTAINER = {"name", "image", "imagePullPolicy", "command", "args", "env", "resources",
                     "securityContext", "terminationMessagePolicy", "volumeMounts"}


def check_job(obj, where):
    spec = obj.get("spec") or {}
    extra = set(spec) - ALLOWED_JOB_SPEC
    if extra:
        die(f"{where}: spec.{sorted(extra)[0]}: not supported by the lab")
    if spec.get("completionMode") != "Indexed":
        die(f"{where}: spec.completionMode: the lab runs only Indexed Jobs")
    n = spec.get("completions")
    if not isinstance(n, int) or not 1 <= n <= 50:
        die(f"{where}: spec.completions: want 1..50 in the lab, got {n!r}")
    if spec.get("parallelism", n) != n:
        die(f"{where}: spec.parallelism must equal completions in the lab")
    if spec.get("backoffLimitPerIndex", 0) != 0 or spec.get("backoffLimit", 0) != 0:
        die(f"{where}: the lab runs each index once (backoffLimitPerIndex 0, no retries)")
    deadline = spec.get("activeDeadlineSeconds")
    if not isinstance(deadline, int) or not 1 <= deadline <= 3600:
        die(f"{where}: spec.activeDeadlineSeconds: want 1..3600 in the lab, got {deadline!r}")
    pod = (spec.get("template") or {}).get("spec") or {}
    extra = set(pod) - ALLOWED_POD_SPEC
    if extra:
        die(f"{where}: spec.template.spec.{sorted(extra)[0]}: not supported by the lab")
    if pod.get("restartPolicy") != "Never":
        die(f"{where}: spec.template.spec.restartPolicy: the lab supports only Never")
    containers = pod.get("containers") or []
    if len(containers) != 1:
        die(f"{where}: the lab runs Jobs of exactly one container (the sidecar is its own)")
    c = containers[0]
    extra = set(c) - ALLOWED_CONTAINER
    if extra:
        die(f"{where}: container {c.get('name')}: {sorted(extra)[0]}: not supported by the lab")
    image = str(c.get("image", ""))
    repo = image.rsplit("/", 1)[-1].split("@")[0].split(":")[0]
    if "command" not in c and repo != "meshverify":
        die(f"{where}: image {image}: without a command the lab runs only meshverify's image")
    volumes = {v.get("name"): v for v in pod.get("volumes") or []}
    for v in volumes.values():
        if set(v) != {"name", "configMap"}:
            die(f"{where}: volume {v.get('name')}: the lab supports only configMap volumes")
    for m in c.get("volumeMounts") or []:
        if m.get("name") not in volumes:
            die(f"{where}: volumeMount {m.get('name')}: no such volume")
    for e in c.get("env") or []:
        src = e.get("valueFrom")
        if src is not None and set(src) != {"fieldRef"}:
            die(f"{where}: env {e.get('name')}: the lab supports value and fieldRef only")


def parse(path):
    import yaml  # only here: the other commands start faster without it

    try:
        text = sys.stdin.read() if path == "-" else open(path, encoding="utf-8").read()
    except OSError as e:
        die(f"the path \"{path}\" does not exist" if isinstance(e, FileNotFoundError) else
            f"{path}: {e.strerror}")
    try:
        docs = [d for d in yaml.safe_load_all(text) if d is not None]
    except yaml.YAMLError as e:
        die(f"error parsing {path}: {str(e).splitlines()[0]}")
    objs = []
    for d in docs:
        objs.extend(d.get("items", []) if d.get("kind") == "List" else [d])
    for o in objs:
        if not isinstance(o, dict):
            die(f"{path}: not a Kubernetes object")
        kind, api = o.get("kind"), o.get("apiVersion")
        name = (o.get("metadata") or {}).get("name", "")
        if not re.fullmatch(r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?", str(name)):
            die(f"{path}: {kind}: metadata.name {name!r} is not a valid name")
        if (kind, api) == ("Job", "batch/v1"):
            check_job(o, f"job.batch/{name}")
        elif (kind, api) != ("ConfigMap", "v1"):
            die(f"{path}: {api} {kind} {name}: the lab applies only batch/v1 Jobs and ConfigMaps")
    return objs


def free_numbers(prefix):
    """Free Job pod numbers (1..250) of the cluster whose namespaces start with `prefix`."""
    try:
        used = set(os.listdir("/run/netns"))
    except OSError:
        used = set()
    return [n for n in range(1, 251) if f"{prefix}{n}" not in used]


def cmd_apply(path, root, cluster, ns, netns_prefix, pod_prefix, node, host_ip):
    """Stores the objects; prints "say TEXT" for kubectl's output and, per new pod,
    "pod DIR NETNS IP NUMBER DEADLINE" for jobs.sh to start."""
    objs = parse(path)
    os.makedirs(os.path.join(root, "configmaps"), exist_ok=True)
    os.makedirs(os.path.join(root, "jobs"), exist_ok=True)
    free = free_numbers(netns_prefix)
    out = []
    for o in objs:
        name = o["metadata"]["name"]
        if o["metadata"].get("namespace", ns) != ns:
            die(f"the namespace from the provided object \"{o['metadata']['namespace']}\" does "
                f"not match the namespace \"{ns}\". You must pass '--namespace="
                f"{o['metadata']['namespace']}' to perform this operation.")
        o["metadata"]["namespace"] = ns
        if o["kind"] == "ConfigMap":
            f = os.path.join(root, "configmaps", name + ".json")
            verb = "configured" if os.path.exists(f) else "created"
            with open(f, "w", encoding="utf-8") as fh:
                json.dump(o, fh)
            out.append(f"say configmap/{name} {verb}")
            continue
        d = os.path.join(root, "jobs", name)
        if os.path.isdir(d):  # a Job's template is immutable: the same Job changes nothing
            out.append(f"say job.batch/{name} unchanged")
            continue
        now = time.time()
        uid = str(uuid.uuid4())
        o["metadata"]["uid"] = uid
        os.makedirs(os.path.join(d, "pods"))
        with open(os.path.join(d, "job.json"), "w", encoding="utf-8") as fh:
            json.dump(o, fh)
        with open(os.path.join(d, "created"), "w", encoding="utf-8") as fh:
            fh.write(f"{now:.3f}\n")
        spec = o["spec"]
        deadline = int(now) + spec["activeDeadlineSeconds"]
        tmpl = spec["template"]
        for i in range(spec["completions"]):
            if not free:
                die(f"{cluster}: no free Job pod address")
            num = free.pop(0)
            pod = f"{name}-{i}-" + "".join(random.choice(NAME_ALPHABET) for _ in range(5))
            ip = f"{pod_prefix}.1.{num}"
            labels = dict((tmpl.get("metadata") or {}).get("labels") or {})
            idx = str(i)
            labels.update({"batch.kubernetes.io/controller-uid": uid, "controller-uid": uid,
                           "batch.kubernetes.io/job-name": name, "job-name": name,
                           "batch.kubernetes.io/job-completion-index": idx})
            ann = dict((tmpl.get("metadata") or {}).get("annotations") or {})
            ann["batch.kubernetes.io/job-completion-index"] = idx
            p = {"apiVersion": "v1", "kind": "Pod", "created": now,
                 "metadata": {"name": pod, "generateName": f"{name}-{i}-", "namespace": ns,
                              "uid": str(uuid.uuid4()), "labels": labels, "annotations": ann,
                              "ownerReferences": [{"apiVersion": "batch/v1", "kind": "Job",
                                                   "name": name, "uid": uid, "controller": True,
                                                   "blockOwnerDeletion": True}]},
                 "spec": dict(tmpl["spec"], nodeName=node),
                 "status": {"podIP": ip, "hostIP": host_ip}}
            pd = os.path.join(d, "pods", pod)
            os.makedirs(pd)
            with open(os.path.join(pd, "pod.json"), "w", encoding="utf-8") as fh:
                json.dump(p, fh)
            with open(os.path.join(pd, "netns"), "w", encoding="utf-8") as fh:
                fh.write(f"{netns_prefix}{num}\n")
            cmd_podexec(pd)
            out.append(f"pod {pd} {netns_prefix}{num} {ip} {num} {deadline}")
        out.append(f"say job.batch/{name} created")
    print("\n".join(out))


# --- podexec ---------------------------------------------------------------------------------

def field_ref(path, pod):
    meta = pod["metadata"]
    m = re.fullmatch(r"metadata\.(annotations|labels)\['([^']+)'\]", path)
    if m:
        return meta.get(m.group(1), {}).get(m.group(2), "")
    simple = {"metadata.name": meta["name"], "metadata.namespace": meta["namespace"],
              "metadata.uid": meta["uid"], "status.podIP": pod["status"]["podIP"],
              "spec.nodeName": pod["spec"]["nodeName"]}
    if path not in simple:
        die(f"pod {meta['name']}: env fieldRef {path}: not supported by the lab")
    return simple[path]


def expand(s, env):
    # Kubernetes' $(VAR) references: defined variables are replaced, $$ escapes a $.
    return re.sub(r"\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)",
                  lambda m: "$" if m.group(0) == "$$" else env.get(m.group(1), m.group(0)), s)


def cmd_podexec(pod_dir):
    pod = json.load(open(os.path.join(pod_dir, "pod.json"), encoding="utf-8"))
    spec = pod["spec"]
    c = spec["containers"][0]
    meta = pod["metadata"]
    env = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
           "HOSTNAME": meta["name"], "HOME": "/tmp",
           "JOB_COMPLETION_INDEX": meta["annotations"]["batch.kubernetes.io/job-completion-index"]}
    for e in c.get("env") or []:
        if "valueFrom" in e:
            env[e["name"]] = field_ref(e["valueFrom"]["fieldRef"]["fieldPath"], pod)
        else:
            env[e["name"]] = expand(str(e.get("value", "")), env)
    # Volumes: each configMap's data as files under POD_DIR/volumes/NAME. The pod has no mount
    # namespace of its own, so a path under a mountPath in the command or arguments is given
    # as the same path under the volume's directory.
    cm_dir = os.path.join(os.path.abspath(os.path.join(pod_dir, "../../../..")), "configmaps")
    mounts = {}
    for v in spec.get("volumes") or []:
        cm = v["configMap"]["name"]
        data = read(os.path.join(cm_dir, cm + ".json"))
        if data is None:
            die(f"pod {meta['name']}: configmap \"{cm}\" not found")
        vdir = os.path.join(pod_dir, "volumes", v["name"])
        os.makedirs(vdir, exist_ok=True)
        for key, value in (json.loads(data).get("data") or {}).items():
            with open(os.path.join(vdir, key), "w", encoding="utf-8") as f:
                f.write(value)
        mounts[v["name"]] = vdir
    paths = [(m["mountPath"].rstrip("/"), mounts[m["name"]]) for m in c.get("volumeMounts") or []]

    def mounted(s):
        for mp, vdir in paths:
            if s == mp or s.startswith(mp + "/"):
                return vdir + s[len(mp):]
        return s

    argv = [expand(str(a), env) for a in c.get("command") or ["meshverify"]]
    argv += [expand(str(a), env) for a in c.get("args") or []]
    argv = [mounted(a) for a in argv]
    with open(os.path.join(pod_dir, "argv"), "w", encoding="utf-8") as f:
        f.write("".join(a + "\0" for a in argv))
    with open(os.path.join(pod_dir, "env"), "w", encoding="utf-8") as f:
        f.write("".join(f"{k}={v}\0" for k, v in env.items()))


# --- pods, jobs ------------------------------------------------------------------------------

def selected(labels, selector):
    for term in filter(None, selector.split(",")):
        if "!=" in term:
            k, v = term.split("!=", 1)
            if labels.get(k) == v:
                return False
        elif "=" in term:
            k, v = re.split("==?", term, maxsplit=1)
            if labels.get(k) != v:
                return False
        elif term.startswith("!"):
            if term[1:] in labels:
                return False
        elif term not in labels:
            return False
    return True


def pod_status(pod_dir, pod):
    started, finished = read(f"{pod_dir}/started"), read(f"{pod_dir}/finished")
    code, reason = read(f"{pod_dir}/exit"), read(f"{pod_dir}/reason", "")
    status = {"phase": "Pending", "podIP": pod["status"]["podIP"],
              "hostIP": pod["status"]["hostIP"], "startTime": rfc3339(pod["created"])}
    cs = {"name": pod["spec"]["containers"][0]["name"], "image": pod["spec"]["containers"][0]
          ["image"], "ready": False, "restartCount": 0}
    if code is not None:
        status["phase"] = "Succeeded" if code == "0" else "Failed"
        cs["state"] = {"terminated": {"exitCode": int(code),
                                      "reason": reason or ("Completed" if code == "0" else "Error"),
                                      "startedAt": rfc3339(started or pod["created"]),
                                      "finishedAt": rfc3339(finished or time.time())}}
        if reason == "DeadlineExceeded":
            status["reason"] = reason
    elif started is not None:
        status["phase"] = "Running"
        cs["ready"] = True
        cs["state"] = {"running": {"startedAt": rfc3339(started)}}
    else:
        cs["state"] = {"waiting": {"reason": "ContainerCreating"}}
    status["containerStatuses"] = [cs]
    return status


def all_pods(root, job=None):
    out = []
    jobs_dir = os.path.join(root, "jobs")
    for j in sorted(os.listdir(jobs_dir)) if os.path.isdir(jobs_dir) else []:
        if job is not None and j != job:
            continue
        pods_dir = os.path.join(jobs_dir, j, "pods")
        for p in sorted(os.listdir(pods_dir)) if os.path.isdir(pods_dir) else []:
            d = os.path.join(pods_dir, p)
            pod = json.load(open(os.path.join(d, "pod.json"), encoding="utf-8"))
            pod["status"] = pod_status(d, pod)
            pod["metadata"]["creationTimestamp"] = rfc3339(pod.pop("created"))
            out.append(pod)
    return out


def job_object(root, name):
    d = os.path.join(root, "jobs", name)
    job = json.load(open(os.path.join(d, "job.json"), encoding="utf-8"))
    created = float(read(f"{d}/created", "0"))
    pods = all_pods(root, name)
    phase = [p["status"]["phase"] for p in pods]
    ok = sorted(int(p["metadata"]["annotations"]["batch.kubernetes.io/job-completion-index"])
                for p in pods if p["status"]["phase"] == "Succeeded")
    bad = sorted(int(p["metadata"]["annotations"]["batch.kubernetes.io/job-completion-index"])
                 for p in pods if p["status"]["phase"] == "Failed")
    st = {"startTime": rfc3339(created), "active": sum(x in ("Pending", "Running") for x in phase),
          "succeeded": len(ok), "failed": len(bad), "ready": phase.count("Running"),
          "terminating": 0, "uncountedTerminatedPods": {}}
    if ok:
        st["completedIndexes"] = ",".join(map(str, ok))
    if bad:
        st["failedIndexes"] = ",".join(map(str, bad))
    st = {k: v for k, v in st.items() if v not in (0, "")}
    if pods and st.get("active", 0) == 0:
        last = max(float(read(f"{d}/pods/{p['metadata']['name']}/finished", created))
                   for p in pods)
        deadline = any(p["status"].get("reason") == "DeadlineExceeded" for p in pods)
        if not bad:
            cond = {"type": "Complete", "reason": "CompletionsReached",
                    "message": "Reached expected number of succeeded pods"}
            st["completionTime"] = rfc3339(last)
        elif deadline:
            cond = {"type": "Failed", "reason": "DeadlineExceeded",
                    "message": "Job was active longer than specified deadline"}
        else:
            cond = {"type": "Failed", "reason": "FailedIndexes",
                    "message": "Job has failed indexes"}
        cond.update({"status": "True", "lastProbeTime": rfc3339(last),
                     "lastTransitionTime": rfc3339(last)})
        st["conditions"] = [cond]
    job["metadata"]["creationTimestamp"] = rfc3339(created)
    job["status"] = st
    return job


def emit(items, name, kind, api):
    if name is not None:
        if not items:
            res = "pods" if kind == "Pod" else "jobs.batch"
            print(f'Error from server (NotFound): {res} "{name}" not found', file=sys.stderr)
            sys.exit(1)
        print(json.dumps(items[0], indent=4))
        return
    print(json.dumps({"apiVersion": "v1", "items": items, "kind": "List",
                      "metadata": {"resourceVersion": ""}}, indent=4))


def cmd_pods(root, selector, name=None):
    items = [p for p in all_pods(root) if selected(p["metadata"]["labels"], selector)
             and (name is None or p["metadata"]["name"] == name)]
    emit(items, name, "Pod", "v1")


def cmd_jobs(root, selector, name=None):
    d = os.path.join(root, "jobs")
    names = sorted(os.listdir(d)) if os.path.isdir(d) else []
    items = [job_object(root, n) for n in names if name is None or n == name]
    items = [j for j in items if selected(j["metadata"].get("labels") or {}, selector)]
    emit(items, name, "Job", "batch/v1")


def cmd_condition(root, name, cond):
    if not os.path.isfile(os.path.join(root, "jobs", name, "job.json")):
        print(f'Error from server (NotFound): jobs.batch "{name}" not found', file=sys.stderr)
        sys.exit(1)
    for c in job_object(root, name)["status"].get("conditions", []):
        if c["type"].lower() == cond.lower() and c["status"] == "True":
            sys.exit(0)
    sys.exit(3)


def main(argv):
    cmds = {"apply": (cmd_apply, 8, 8),
            "pods": (cmd_pods, 2, 3), "jobs": (cmd_jobs, 2, 3), "condition": (cmd_condition, 3, 3)}
    if len(argv) < 2 or argv[1] not in cmds:
        die("jobspec.py: want " + "|".join(cmds))
    fn, lo, hi = cmds[argv[1]]
    if not lo <= len(argv) - 2 <= hi:
        die(f"jobspec.py {argv[1]}: wrong number of arguments")
    fn(*argv[2:])


if __name__ == "__main__":
    main(sys.argv)
