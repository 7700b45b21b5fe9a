#!/usr/bin/env python3
"""Checks `meshverify jobs` output: every YAML document validates against the strict Job /
ConfigMap schema in tests/data/jobs/, plus the cross-field rules the Kubernetes API server
enforces for Jobs (pkg/apis/batch/validation) and what meshverify's Jobs promise.

usage: jobs_manifests_check.py SCHEMA MANIFESTS.yaml COMMAND SHARDS
"""
import sys

import jsonschema
import yaml


def fail(msg):
    print(f"jobs_manifests_check: {msg}")
    sys.exit(1)


def check_job(job, command, shards, names):
    spec = job["spec"]
    pod = spec["template"]["spec"]
    meta = spec["template"].get("metadata", {})
    # API server rules.
    if pod.get("restartPolicy") not in ("Never", "OnFailure"):
        fail("a Job's pods must have restartPolicy Never or OnFailure")
    if "backoffLimitPerIndex" in spec:
        if spec.get("completionMode") != "Indexed":
            fail("backoffLimitPerIndex needs completionMode Indexed")
        if pod.get("restartPolicy") != "Never":
            fail("backoffLimitPerIndex needs restartPolicy Never")
    if "maxFailedIndexes" in spec:
        if "backoffLimitPerIndex" not in spec:
            fail("maxFailedIndexes needs backoffLimitPerIndex")
        if spec["maxFailedIndexes"] > spec["completions"]:
            fail("maxFailedIndexes must not exceed completions")
    if spec.get("completionMode") == "Indexed" and "completions" not in spec:
        fail("an Indexed Job needs completions")
    if len(job["metadata"]["name"]) > 63 - 1 - 5 - 1 - len(str(shards)):
        fail(f"job name {job['metadata']['name']} too long for its pods' host names")
    labels = job["metadata"]["labels"]
    for k, v in meta.get("labels", {}).items():
        if k in labels and labels[k] != v:
            fail(f"pod label {k} differs from the Job's")
    # meshverify's promises (issue 13).
    if spec["completions"] != shards or spec["parallelism"] != shards:
        fail(f"completions/parallelism {spec['completions']}/{spec['parallelism']}, want {shards}")
    for key in ("activeDeadlineSeconds", "ttlSecondsAfterFinished"):
        if key not in spec:
            fail(f"no {key}")
    if meta["labels"].get("sidecar.istio.io/inject") != "true":
        fail("no sidecar injection label")
    proxy = yaml.safe_load(meta["annotations"].get("proxy.istio.io/config", "{}"))
    if proxy.get("holdApplicationUntilProxyStarts") is not True:
        fail("the application is not held until the proxy starts")
    if meta["annotations"].get("sidecar.istio.io/nativeSidecar") != "true" and \
            "--quit-sidecar" not in pod["containers"][0]["args"]:
        fail("the sidecar would never exit (neither native nor --quit-sidecar)")
    for label in ("meshverify.io/run", "meshverify.io/cluster", "app.kubernetes.io/name"):
        if label not in labels:
            fail(f"no run-selecting label {label}")
    (c,) = pod["containers"]
    sc = c["securityContext"]
    if not (sc.get("runAsNonRoot") and sc.get("runAsUser", 0) > 0 and
            sc.get("allowPrivilegeEscalation") is False):
        fail("meshverify does not run as non-root without privilege escalation")
    if "requests" not in c.get("resources", {}):
        fail("no resource requests")
    args = c["args"]
    if args[0] != command or "--direct" not in args:
        fail(f"args {args[:3]}: not `{command} --direct`")
    shard = args[args.index("--shard") + 1]
    if shard != f"$(MESHVERIFY_SHARD)/{shards}":
        fail(f"--shard {shard}")
    env = {e["name"]: e for e in c["env"]}
    if env["MESHVERIFY_SHARD"]["valueFrom"]["fieldRef"]["fieldPath"] != \
            "metadata.annotations['batch.kubernetes.io/job-completion-index']":
        fail("MESHVERIFY_SHARD does not come from the completion index")
    if args[-2:] != ["-o", "json"]:
        fail("the report does not go to stdout as JSON")
    for v in pod.get("volumes", []):
        if "configMap" in v and v["configMap"]["name"] not in names:
            fail(f"volume {v['name']}: ConfigMap {v['configMap']['name']} is not in the stream")


def main():
    schema_path, manifests, command, shards = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    schema = yaml.safe_load(open(schema_path))
    docs = [d for d in yaml.safe_load_all(open(manifests)) if d is not None]
    if not docs:
        fail("no document")
    by_kind = {}
    for kind, ref in (("Job", "#/$defs/job"), ("ConfigMap", "#/$defs/configmap")):
        sub = {k: v for k, v in schema.items() if k != "oneOf"}
        sub["$ref"] = ref
        by_kind[kind] = jsonschema.Draft202012Validator(sub)
    whole = jsonschema.Draft202012Validator(schema)
    names = {d["metadata"]["name"] for d in docs if d.get("kind") == "ConfigMap"}
    jobs = 0
    for i, d in enumerate(docs):
        validator = by_kind.get(d.get("kind") if isinstance(d, dict) else None, whole)
        errors = sorted(validator.iter_errors(d), key=lambda e: list(e.absolute_path))
        if errors:
            e = errors[0]
            fail(f"document {i} ({d.get('kind')}): /{'/'.join(map(str, e.absolute_path))}: "
                 f"{e.message[:200]}")
        if d["kind"] == "Job":
            check_job(d, command, shards, names)
            jobs += 1
    print(f"jobs_manifests_check: {len(docs)} documents, {jobs} Jobs ok")


if __name__ == "__main__":
    main()
