// RunJobs: apply, wait (bounded), collect every shard's report from its pod's log, merge,
// delete. Talks to the clusters only through the CommandRunner (kubectl).
#include <algorithm>
#include <sstream>

#include "meshverify/jobs.h"

namespace meshverify::jobs {
namespace {

using std::chrono::milliseconds;
constexpr milliseconds kCall{60000};  // bound of one kubectl call

struct Cluster {
  const ClusterManifests* m = nullptr;
  bool applied = false;
  bool finished = false;
  std::string failure;  // why nothing of this cluster ran ("" when applied)
  JobState state;
};

std::vector<std::string> Kubectl(const ClusterManifests& m) {
  std::vector<std::string> argv = {"kubectl", "--context", m.context};
  if (!m.kubeconfig.empty()) argv.insert(argv.end(), {"--kubeconfig", m.kubeconfig});
  argv.insert(argv.end(), {"-n", m.ns});
  return argv;
}

std::vector<std::string> With(std::vector<std::string> argv,
                              std::initializer_list<std::string> more) {
  argv.insert(argv.end(), more);
  return argv;
}

std::string FirstLine(const CommandResult& r) {
  std::string text = r.stderr_text.empty() ? r.stdout_text : r.stderr_text;
  text = text.substr(0, text.find('\n'));
  return text.substr(0, 200);
}

std::string LastLine(std::string_view log) {
  while (!log.empty() && (log.back() == '\n' || log.back() == '\r')) log.remove_suffix(1);
  const size_t nl = log.rfind('\n');
  std::string last(nl == std::string_view::npos ? log : log.substr(nl + 1));
  return last.substr(0, 200);
}

// One call; a failure (could not start, non-zero exit) is "" with `*why` set.
std::optional<std::string> Call(CommandRunner& runner, const std::vector<std::string>& argv,
                                std::string* why) {
  Result<CommandResult> r = runner.Run(argv, kCall);
  if (!r.ok()) {
    *why = r.status().message();
    return std::nullopt;
  }
  if (r->exit_code != 0 || r->timed_out) {
    *why = r->timed_out ? "kubectl timed out" : FirstLine(*r);
    return std::nullopt;
  }
  return r->stdout_text;
}

void Apply(CommandRunner& runner, const RunOptions& o, Cluster& c) {
  const ClusterManifests& m = *c.m;
  const std::string path = o.work_dir + "/" + m.job_name + "-" + m.cluster + ".yaml";
  if (Status s = o.write_file(path, ToYaml(m.objects)); !s.ok()) {
    c.failure = "could not write " + path + ": " + s.message();
    return;
  }
  std::string why;
  if (!Call(runner, With(Kubectl(m), {"apply", "-f", path}), &why)) {
    c.failure = "kubectl apply failed: " + why;
    return;
  }
  c.applied = true;
}

// Polls every applied Job until each finished, the timeout, or cancel. Returns true when
// cancelled.
bool Wait(CommandRunner& runner, Clock& clock, const RunOptions& o, std::vector<Cluster>& cs) {
  const auto deadline = clock.Monotonic() + o.timeout;
  std::map<std::string, std::string> said;
  for (;;) {
    bool all = true;
    for (Cluster& c : cs) {
      if (!c.applied || c.finished) continue;
      std::string why;
      std::optional<std::string> out =
          Call(runner, With(Kubectl(*c.m), {"get", "job", c.m->job_name, "-o", "json"}), &why);
      Result<JobState> st = out ? ParseJob(*out, "kubectl get job") : Status::Unavailable(why);
      if (st.ok()) {
        c.state = *st;
        c.finished = st->finished;
      }
      std::ostringstream line;
      line << c.m->cluster << ": " << c.state.succeeded << " succeeded, " << c.state.failed
           << " failed, " << c.state.active << " running"
           << (c.finished ? " (" + c.state.condition + ")" : "")
           << (st.ok() ? "" : " (" + st.status().message() + ")");
      if (said[c.m->cluster] != line.str() && o.progress) o.progress(line.str());
      said[c.m->cluster] = line.str();
      all = all && c.finished;
    }
    if (all) return false;
    if (o.cancel != nullptr && *o.cancel) return true;
    if (clock.Monotonic() >= deadline) {
      if (o.progress) o.progress("timeout: stopped waiting for the Jobs");
      return false;
    }
    clock.SleepFor(o.poll);
  }
}

// Reads one cluster's shards: a report per index, or why there is none.
void Collect(CommandRunner& runner, const JobSpec& spec, const Cluster& c,
             std::vector<ShardReport>* reports, std::vector<load::ShardStatus>* missing) {
  const ClusterManifests& m = *c.m;
  std::vector<ShardPod> pods;
  std::string why = c.failure;
  if (c.applied) {
    std::optional<std::string> out =
        Call(runner,
             With(Kubectl(m),
                  {"get", "pods", "-l", std::string(kRunLabel) + "=" + spec.run_id, "-o", "json"}),
             &why);
    if (out) {
      Result<std::vector<ShardPod>> p = ParsePods(*out, "kubectl get pods");
      if (p.ok()) pods = *p;
      if (!p.ok()) why = p.status().message();
    }
  }
  for (int i = 0; i < spec.shards; ++i) {
    load::ShardStatus st;
    st.cluster = m.cluster;
    st.name = m.job_name + "-" + std::to_string(i) + " (" + m.cluster + ")";
    st.planned = PlannedRequests(spec, i);
    auto pod = std::find_if(pods.begin(), pods.end(),
                            [&](const ShardPod& p) { return p.index == i && p.exit_code >= 0; });
    if (pod == pods.end()) {
      auto any =
          std::find_if(pods.begin(), pods.end(), [&](const ShardPod& p) { return p.index == i; });
      st.status = "missing";
      if (any != pods.end()) {
        st.name = any->name;
        st.detail = "still " + (any->phase.empty() ? std::string("unknown") : any->phase) +
                    (any->reason.empty() ? "" : " (" + any->reason + ")") +
                    " when jobs run stopped waiting; no report";
      } else {
        st.detail = !c.applied    ? why
                    : why.empty() ? "no pod of completion index " + std::to_string(i)
                                  : "no pod of completion index " + std::to_string(i) + ": " + why;
      }
      missing->push_back(std::move(st));
      continue;
    }
    st.name = pod->name;
    std::string log_why;
    std::optional<std::string> log = Call(
        runner, With(Kubectl(m), {"logs", pod->name, "-c", std::string(kContainer)}), &log_why);
    std::optional<std::string> text = log ? ExtractReport(*log) : std::nullopt;
    if (!text) {
      st.status = "failed";
      st.detail = "exit " + std::to_string(pod->exit_code) +
                  (pod->reason.empty() ? "" : " (" + pod->reason + ")") + ", no report in its log" +
                  (log ? (LastLine(*log).empty() ? "" : ": " + LastLine(*log)) : ": " + log_why);
      missing->push_back(std::move(st));
      continue;
    }
    reports->push_back({m.cluster, i, pod->name, *text});
  }
}

void Cleanup(CommandRunner& runner, const JobSpec& spec, const std::vector<Cluster>& cs,
             const RunOptions& o) {
  for (const Cluster& c : cs) {
    if (!c.applied) continue;
    std::string why;
    auto argv = With(Kubectl(*c.m), {"delete", "job", c.m->job_name, "--ignore-not-found"});
    if (!Call(runner, argv, &why) && o.progress) o.progress(c.m->cluster + ": delete: " + why);
    if (spec.command == "check") {
      Call(runner,
           With(Kubectl(*c.m), {"delete", "configmap", c.m->job_name, "--ignore-not-found"}), &why);
    }
  }
}

}  // namespace

Result<RunResult> RunJobs(const JobSpec& spec, const std::vector<ClusterManifests>& manifests,
                          CommandRunner& runner, Clock& clock, const RunOptions& o) {
  std::vector<Cluster> cs;
  for (const ClusterManifests& m : manifests) {
    Cluster c;
    c.m = &m;
    cs.push_back(std::move(c));
  }
  for (Cluster& c : cs) {
    Apply(runner, o, c);
    if (o.progress) {
      o.progress(c.m->cluster + ": " + (c.applied ? "applied job/" + c.m->job_name : c.failure));
    }
  }
  if (std::none_of(cs.begin(), cs.end(), [](const Cluster& c) { return c.applied; })) {
    return Status::Unavailable("nothing could be applied: " + cs[0].failure);
  }
  RunResult res;
  res.interrupted = Wait(runner, clock, o, cs);
  std::vector<load::ShardStatus> missing;
  for (const Cluster& c : cs) Collect(runner, spec, c, &res.reports, &missing);
  if (!o.keep) Cleanup(runner, spec, cs, o);
  if (spec.command == "check") {  // check reports are merged by the caller (MergeReports)
    if (res.reports.empty()) {
      std::string why = missing.empty() ? "no shard" : missing[0].name + ": " + missing[0].detail;
      return Status::Unavailable("no shard reported (" + why + ")");
    }
    res.missing = std::move(missing);
    res.complete = res.missing.empty();
    return res;
  }

  std::vector<load::LoadReport> parsed;
  std::vector<std::string> names;
  std::vector<const ShardReport*> sources;
  for (const ShardReport& r : res.reports) {
    Result<load::LoadReport> lr = load::ParseCheckedLoadReport(r.text, r.pod);
    if (!lr.ok()) {
      missing.push_back({r.pod, r.cluster, "failed", PlannedRequests(spec, r.index), 0,
                         "its report is rejected: " + lr.status().message()});
      continue;
    }
    parsed.push_back(std::move(*lr));
    names.push_back(r.pod);
    sources.push_back(&r);
  }
  if (parsed.empty()) {
    std::string why = missing.empty() ? "no shard" : missing[0].name + ": " + missing[0].detail;
    return Status::Unavailable("no shard reported (" + why + ")");
  }
  Result<load::LoadReport> merged = load::MergeLoadReports(parsed, names);
  if (!merged.ok()) return merged.status();
  res.merged = std::move(*merged);
  for (size_t i = 0; i < res.merged.shards.size(); ++i) {
    load::ShardStatus& s = res.merged.shards[i];
    s.cluster = sources[i]->cluster;
    if (s.planned == 0) s.planned = PlannedRequests(spec, sources[i]->index);
    if (s.status != "complete") res.complete = false;
  }
  for (load::ShardStatus& s : missing) {
    res.merged.not_reported += s.planned;
    res.merged.shards.push_back(std::move(s));
    res.complete = false;
  }
  if (!res.complete) {
    std::string who;
    for (const load::ShardStatus& s : res.merged.shards) {
      if (s.status != "complete") who += (who.empty() ? "" : ", ") + s.name + " " + s.status;
    }
    res.merged.notes.insert(res.merged.notes.begin(),
                            "incomplete: " + who + "; " + std::to_string(res.merged.not_reported) +
                                " planned requests of shards without a report are not in the "
                                "counts (not_reported)");
    if (res.merged.verdict != Verdict::kFail) res.merged.verdict = Verdict::kError;
  }
  res.merged.interrupted = res.interrupted;
  res.merged.config["shards"] = spec.shards;
  res.merged.config["run_id"] = spec.run_id;
  return res;
}

}  // namespace meshverify::jobs
