#pragma once
// Jobs: meshverify as Kubernetes Jobs inside the mesh (`meshverify jobs`, `jobs run`).
//
// Per mesh cluster, one Indexed Job in the source namespace, `shards` pods at once; pod i
// runs `meshverify <command> --direct --shard i/N ...` through its own Istio sidecar and
// writes its JSON report to stdout. `jobs run` applies the Jobs, waits (bounded), reads every
// pod's report with `kubectl logs`, merges them exactly and deletes the Jobs.
//
// How the pods behave, and why:
// - Sidecar: injected (label sidecar.istio.io/inject), the application held until the proxy
//   is ready (proxy.istio.io/config holdApplicationUntilProxyStarts), and run as a native
//   sidecar (annotation sidecar.istio.io/nativeSidecar, Kubernetes >= 1.29 with Istio >= 1.20:
//   an init container with restartPolicy Always, stopped by the kubelet once meshverify
//   exits, so the Job completes even when meshverify crashes or is killed, which a
//   `quitquitquit` from meshverify cannot promise). SidecarMode::kQuit is the fallback for
//   older clusters: meshverify itself POSTs pilot-agent's /quitquitquit when done.
// - Failures: backoffLimitPerIndex 0 and maxFailedIndexes N, so a failed shard is neither
//   retried (it would send its part twice) nor allowed to stop the other shards (a Job with
//   backoffLimit 0 terminates every pod at its first failure); `jobs run` reports it by name.
// - activeDeadlineSeconds bounds the whole Job, ttlSecondsAfterFinished removes it later if
//   `jobs run` could not; resources are requested; meshverify runs as non-root (65532) with
//   no privilege escalation, no capabilities and a read-only root file system.
// - Labels select the run: app.kubernetes.io/name=meshverify, meshverify.io/run=<run id>,
//   meshverify.io/cluster=<cluster>, meshverify.io/command=<command>.
//
// Everything here is pure (values in, values out) except RunJobs, which talks to the clusters
// through a CommandRunner (kubectl) and a Clock only.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "meshverify/clock.h"
#include "meshverify/command_runner.h"
#include "meshverify/config.h"
#include "meshverify/load_report.h"
#include "meshverify/status.h"

namespace meshverify::jobs {

inline constexpr std::string_view kRunLabel = "meshverify.io/run";
inline constexpr std::string_view kClusterLabel = "meshverify.io/cluster";
inline constexpr std::string_view kIndexAnnotation = "batch.kubernetes.io/job-completion-index";
inline constexpr std::string_view kContainer = "meshverify";
inline constexpr int kUser = 65532;  // the image's non-root user

enum class SidecarMode { kNative, kQuit };

struct JobSpec {
  std::string command;            // "load" | "check"
  std::vector<std::string> args;  // the command's own arguments, as given after it
  std::string run_id;             // [a-z0-9]{1,12}: names and selects the run
  int shards = 1;                 // pods per cluster, 1..1000
  std::string image;              // e.g. "ghcr.io/example/meshverify:0.1.0"
  std::string image_pull_policy = "IfNotPresent";
  SidecarMode sidecar = SidecarMode::kNative;
  std::string url;                                       // the target (mesh.yaml target.url)
  std::map<std::string, std::string> instance_clusters;  // destination pod -> its cluster
  std::map<std::string, std::string> instance_ips;       // destination pod -> its IP (check)
  std::string mesh_yaml;  // check: mesh.yaml's text, shipped in a ConfigMap
  int64_t active_deadline_s = 900;
  int64_t ttl_after_finished_s = 3600;
  std::string cpu_request = "250m";
  std::string memory_request = "64Mi";
  std::string memory_limit = "512Mi";
  // What the whole run sends per source cluster (load's --requests, or its rate per step
  // over --duration), for the planned requests of shards that never report.
  uint64_t requests = 0;           // per step; 0 = bounded by the duration
  std::vector<double> step_rates;  // per step; 0 = closed loop
  double duration_s = 0;
};

// Validates a spec against a mesh: command, run id, shards, image, resources, and the
// command's arguments (flags that the Job sets itself: --shard, --source-cluster,
// --source-name, --direct, -o, -c, and files written in the pod: --json, --html, --markdown,
// --fortio, --jsonl, --junit, --records, are refused). Fails with Usage "meshverify jobs: ...".
Status ValidateSpec(const MeshConfig& mesh, const JobSpec& spec);

// One cluster's objects, in apply order (for check: a ConfigMap, then the Job).
struct ClusterManifests {
  std::string cluster;
  std::string context;
  std::string kubeconfig;
  std::string ns;
  std::string job_name;
  std::vector<nlohmann::json> objects;
};

// "meshverify-<command>-<run id>" (at most 40 characters, so that pod host names
// <job>-<index>-<5 chars> stay within 63).
std::string JobName(const JobSpec& spec);

// The manifests of every cluster of `mesh`, in mesh.yaml order. REQUIRES: ValidateSpec ok.
std::vector<ClusterManifests> BuildManifests(const MeshConfig& mesh, const JobSpec& spec);

// The container's argv inside pod `$(MESHVERIFY_SHARD)` of cluster `cluster` (Kubernetes
// expands $(VAR) from the container's environment).
std::vector<std::string> ContainerArgs(const JobSpec& spec, const std::string& cluster);

// YAML of `objects` as one stream ("---" between documents), block style, every string
// double-quoted; `header` lines become "# " comments at the top. `kubectl apply -f -` reads it.
std::string ToYaml(const std::vector<nlohmann::json>& objects, const std::string& header = "");

// --- jobs run: what kubectl says, read purely -------------------------------------------

// One pod of a Job, from `kubectl get pods -o json`.
struct ShardPod {
  std::string name;
  int index = -1;      // its completion index (-1 unknown)
  std::string phase;   // Pending | Running | Succeeded | Failed | Unknown
  int exit_code = -1;  // meshverify container's exit code once terminated, else -1
  std::string reason;  // why it is not running (waiting/terminated reason), "" if none
};
// Parses a v1 List of pods. Fails with InvalidInput "<where>: ..." on another shape.
Result<std::vector<ShardPod>> ParsePods(std::string_view json, std::string_view where);

// A Job's state, from `kubectl get job NAME -o json`.
struct JobState {
  int succeeded = 0, failed = 0, active = 0;
  bool finished = false;  // condition Complete or Failed is True
  std::string condition;  // "Complete" | "Failed" | "" ; with `message`
  std::string message;
};
Result<JobState> ParseJob(std::string_view json, std::string_view where);

// The JSON report in a container's log: from its first line that is "{" to its last line
// that is "}" (meshverify's stderr may add lines around it). Also accepts a one-line JSON
// object. nullopt when there is none.
std::optional<std::string> ExtractReport(std::string_view log);

// --- jobs run: the pipeline --------------------------------------------------------------

struct RunOptions {
  std::chrono::milliseconds timeout{900000};  // waiting for every Job, from the apply
  std::chrono::milliseconds poll{1000};
  bool keep = false;     // leave the Jobs in the clusters
  std::string work_dir;  // where manifests are written for `kubectl apply -f`
  const std::atomic<bool>* cancel = nullptr;
  std::function<void(const std::string&)> progress;  // one line per state change
  // Writes `text` to `path`: the one file access RunJobs needs (manifests for kubectl).
  std::function<Status(const std::string& path, const std::string& text)> write_file;
};

struct ShardReport {
  std::string cluster;
  int index = 0;
  std::string pod;   // "" when no pod of that index was seen
  std::string text;  // the report as it came from the log ("" when none)
};

struct RunResult {
  // load: every shard's report merged; shards[] lists all. check: empty (the caller merges
  // `reports` with MergeReports; `missing` lists the shards without one).
  load::LoadReport merged;
  std::vector<load::ShardStatus> missing;  // check: shards that failed or never reported
  std::vector<ShardReport> reports;        // every shard that wrote one, in (cluster, index) order
  bool complete = true;                    // every shard completed and reported
  bool interrupted = false;                // cancel was set while waiting
};

// Applies `manifests`, waits until every Job finished (or the timeout, or cancel), reads every
// pod's report, merges them and deletes the Jobs (unless keep). Shards that failed, never
// started or never finished are listed in merged.shards by pod (or index) name with their
// planned requests in merged.not_reported; then the verdict is fail if the reported part
// failed an SLO, else error. For check, nothing is merged here: `reports` and `missing` are
// returned. Fails (Unavailable) only when nothing could be applied or no shard reported at all.
Result<RunResult> RunJobs(const JobSpec& spec, const std::vector<ClusterManifests>& manifests,
                          CommandRunner& runner, Clock& clock, const RunOptions& options);

// The planned requests of shard `index` of `spec` over all steps (load's split: ShardPart of
// --requests, or ceil(rate / shards x duration)); 0 when only a closed-loop duration bounds it.
uint64_t PlannedRequests(const JobSpec& spec, int index);

}  // namespace meshverify::jobs
