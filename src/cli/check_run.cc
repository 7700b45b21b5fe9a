#include "cli/check_run.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <ostream>
#include <thread>

#include "meshverify/aggregate.h"
#include "meshverify/analyze.h"
#include "meshverify/discover.h"
#include "meshverify/probe.h"
#include "meshverify/records.h"
#include "meshverify/reply_parser.h"
#include "meshverify/stats.h"
#include "transport/subprocess_command_runner.h"

namespace meshverify::cli {
namespace {

using Ms = std::chrono::milliseconds;

// Turns one source's records into counts, on that source's probe thread.
struct SourceSink {
  const ReplyParser* parser = nullptr;
  const std::map<std::string, std::string>* cluster_of_pod = nullptr;
  std::atomic<uint64_t>* done = nullptr;
  bool keep_records = false;
  Aggregator agg;
  std::string records;  // JSONL, when --records

  void Add(ProbeRecord&& r) {
    if (keep_records) records += RecordToJsonLine(r) + "\n";
    done->fetch_add(1, std::memory_order_relaxed);
    std::string_view cls = ClassifyRecord(r);
    if (!cls.empty()) {
      agg.AddError(r.source_cluster, r.source_pod, cls);
      return;
    }
    std::optional<ReplyView> v = parser->Parse(r.body);
    if (!v) {
      agg.AddError(r.source_cluster, r.source_pod, kErrUnparsed, r.body);
      return;
    }
    std::string dest(v->cluster);
    if (dest.empty()) {
      auto it = cluster_of_pod->find(std::string(v->instance));
      if (it != cluster_of_pod->end()) dest = it->second;  // unknown instances keep ""
    }
    agg.AddOk(r.source_cluster, r.source_pod, dest, v->version, v->instance, r.total_ms);
  }
};

// Expected shares for one source: its view, or the config's shares (by cluster when every
// name is a cluster, else by version); the view is attached either way for the checks.
SourceExpectation Expect(const MeshConfig& m, const std::vector<Endpoint>& view,
                         const std::vector<PodInfo>& destinations) {
  SourceExpectation e = ExpectationFromEndpoints(view, destinations);
  if (m.expect.from_endpoints) return e;
  bool all_clusters = true;
  for (const auto& [name, share] : m.expect.shares) {
    bool found = false;
    for (const ClusterConfig& c : m.clusters) found = found || c.name == name;
    all_clusters = all_clusters && found;
  }
  e.by_cluster.clear();
  e.by_version.clear();
  (all_clusters ? e.by_cluster : e.by_version) = m.expect.shares;
  return e;
}

std::string Fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", digits, v);
  return buf;
}

// What the probe did, as a check: lost requests, give-ups and the deadline are failures.
CheckResult ProbeCheck(const std::vector<probe::SourceOutcome>& outcomes, double seconds) {
  uint64_t total = 0, lost = 0;
  int execs = 0;
  std::string problems;
  for (const probe::SourceOutcome& o : outcomes) {
    total += o.requests;
    lost += o.lost;
    execs += o.execs;
    std::string who = o.target.cluster + "/" + o.target.pod;
    std::string what;
    if (o.gave_up) {
      what = "gave up after " + std::to_string(o.failed_execs) + " failed execs; " +
             std::to_string(o.lost) + " requests lost (transport): " + o.last_error;
    } else if (o.deadline_reached) {
      what = "deadline reached; " + std::to_string(o.lost) + " requests in flight lost, " +
             std::to_string(o.not_issued) + " not sent";
    } else if (o.failed_execs > 0) {
      what = std::to_string(o.failed_execs) + " exec(s) failed and were retried: " + o.last_error;
    } else if (o.lost > 0) {
      what = std::to_string(o.lost) + " requests without a result from curl";
    }
    if (!what.empty()) problems += (problems.empty() ? "" : "; ") + who + ": " + what;
  }
  std::string summary = std::to_string(total) + " requests from " +
                        std::to_string(outcomes.size()) + " source pods in " + Fixed(seconds, 2) +
                        " s (" + Fixed(seconds > 0 ? static_cast<double>(total) / seconds : 0, 0) +
                        " req/s) with " + std::to_string(execs) + " kubectl exec calls";
  CheckResult c{"probe", CheckStatus::kPass, summary, ""};
  bool failed = false;
  for (const probe::SourceOutcome& o : outcomes) {
    failed = failed || o.gave_up || o.deadline_reached || o.lost > 0;
  }
  if (!problems.empty()) c.detail += ". " + problems;
  if (failed) {
    c.status = CheckStatus::kFail;
    c.hint =
        "a source pod or its exec failed during the run (pod restarted or deleted, node or "
        "API server unreachable, or --deadline too short); the lost requests are counted "
        "as `transport` errors";
  }
  return c;
}

// Runs ProbeAll on a thread while this one draws progress (terminal only) and waits.
std::vector<probe::SourceOutcome> ProbeWithProgress(Environment& env,
                                                    const std::vector<probe::ExecTarget>& targets,
                                                    const probe::ProbeOptions& opt,
                                                    std::vector<SourceSink>& sinks,
                                                    std::atomic<uint64_t>& done) {
  std::vector<std::function<void(ProbeRecord &&)>> fns;
  for (SourceSink& s : sinks) fns.push_back([&s](ProbeRecord&& r) { s.Add(std::move(r)); });
  std::vector<probe::SourceOutcome> outcomes;
  std::mutex mu;
  std::condition_variable cv;
  bool finished = false;
  std::thread worker([&] {
    auto out = probe::ProbeAll(*env.runner, *env.clock, targets, opt, env.interrupted, fns);
    std::lock_guard<std::mutex> lock(mu);
    outcomes = std::move(out);
    finished = true;
    cv.notify_one();
  });
  const uint64_t want = opt.requests * targets.size();
  {
    // Woken the moment probing ends (the probe phase is timed), else every 200 ms to draw.
    std::unique_lock<std::mutex> lock(mu);
    while (!cv.wait_for(lock, Ms(200), [&] { return finished; })) {
      if (env.err_is_tty) {
        *env.err << "\rprobing: " << done.load() << "/" << want << " requests" << std::flush;
      }
    }
  }
  worker.join();
  if (env.err_is_tty) *env.err << "\r" << std::string(40, ' ') << "\r" << std::flush;
  return outcomes;
}

// Adds one look's outcomes to the run's: counts add up, flags stick, the last error stays.
void AddOutcomes(std::vector<probe::SourceOutcome>* run,
                 const std::vector<probe::SourceOutcome>& look) {
  if (run->empty()) {
    *run = look;
    return;
  }
  for (size_t i = 0; i < look.size(); ++i) {
    probe::SourceOutcome& t = (*run)[i];
    const probe::SourceOutcome& l = look[i];
    t.requests += l.requests;
    t.lost += l.lost;
    t.not_issued += l.not_issued;
    t.execs += l.execs;
    t.failed_execs += l.failed_execs;
    t.gave_up = t.gave_up || l.gave_up;
    t.deadline_reached = t.deadline_reached || l.deadline_reached;
    t.interrupted = t.interrupted || l.interrupted;
    if (!l.last_error.empty()) t.last_error = l.last_error;
  }
}

// True when no source's gate waits for more data.
bool EveryGateDecided(const Report& r) {
  for (const SourceReport& s : r.sources) {
    if (s.gate == "inconclusive") return false;
  }
  return true;
}

// True when probing cannot go on: interrupted, deadline, or a source given up.
bool ProbingStopped(const std::vector<probe::SourceOutcome>& outcomes) {
  for (const probe::SourceOutcome& o : outcomes) {
    if (o.interrupted || o.deadline_reached || o.gave_up) return true;
  }
  return false;
}

// The source pods as exec targets, in discovery order.
std::vector<probe::ExecTarget> ExecTargets(const MeshConfig& m, const discover::Discovery& d) {
  std::vector<probe::ExecTarget> targets;
  for (const PodInfo& s : d.sources) {
    for (const ClusterConfig& c : m.clusters) {
      if (c.name != s.cluster) continue;
      targets.push_back({s.cluster, c.context, c.kubeconfig, s.ns, s.name, m.source.container});
    }
  }
  return targets;
}

// What the sinks hold so far, analysed with the gate at `alpha`.
Report AnalyzeSoFar(const CheckPlan& plan, const discover::Discovery& d,
                    const std::vector<SourceSink>& sinks, double alpha,
                    const std::vector<CheckResult>& probe_checks) {
  const MeshConfig& m = plan.mesh;
  AnalyzeInput in;
  Aggregator all;
  for (const SourceSink& s : sinks) all.Merge(s.agg);
  in.sources = all.sources();
  in.destinations = d.destinations;
  for (const ClusterConfig& c : m.clusters) in.clusters.push_back(c.name);
  static const std::vector<Endpoint> kNoView;
  for (const PodInfo& s : d.sources) {
    auto view = d.views.find(discover::SourceKey(s));
    in.expect[discover::SourceKey(s)] =
        Expect(m, view == d.views.end() ? kNoView : view->second, d.destinations);
  }
  in.extra_checks = d.checks;
  for (const CheckResult& c : probe_checks) in.extra_checks.push_back(c);
  AnalyzeOptions gate = plan.gate;
  gate.alpha = alpha;
  return Analyze(in, gate);
}

struct ProbeRun {
  std::vector<probe::SourceOutcome> outcomes;  // summed over the looks
  int looks = 1;          // at most
  double look_alpha = 0;  // the gate's alpha at each look
  int looked = 0;
  uint64_t sent = 0;  // requests per source asked for
  double seconds = 0;
};

// Probes in looks at evenly spaced totals of run.requests; each look's gate gets alpha / looks
// (stats::SequentialAlpha), so stopping at the first look that decides every gate keeps the
// gate's error rates.
ProbeRun ProbeInLooks(const CheckPlan& plan, const discover::Discovery& d, Environment& env,
                      const std::vector<probe::ExecTarget>& targets, probe::ProbeOptions popt,
                      std::vector<SourceSink>& sinks, std::atomic<uint64_t>& done) {
  const MeshConfig::Run& run = plan.mesh.run;
  const auto p0 = env.clock->Monotonic();
  ProbeRun r;
  r.looks = std::max(1, run.looks);
  r.look_alpha = stats::SequentialAlpha(plan.gate.alpha, 1, r.looks);
  while (!targets.empty() && r.looked < r.looks) {
    ++r.looked;
    const uint64_t upto = (run.requests * static_cast<uint64_t>(r.looked) + r.looks - 1) / r.looks;
    const auto left = run.deadline - std::chrono::duration_cast<Ms>(env.clock->Monotonic() - p0);
    popt.first_seq = r.sent;
    popt.requests = upto - r.sent;
    popt.deadline = std::max(Ms(1), left);
    AddOutcomes(&r.outcomes, ProbeWithProgress(env, targets, popt, sinks, done));
    r.sent = upto;
    if (r.looked == r.looks || ProbingStopped(r.outcomes)) break;
    if (EveryGateDecided(AnalyzeSoFar(plan, d, sinks, r.look_alpha, {}))) break;
  }
  r.seconds = std::chrono::duration<double>(env.clock->Monotonic() - p0).count();
  return r;
}

// The report's notes on discovery, the looks and interruptions.
void AddRunNotes(const CheckPlan& plan, const discover::Discovery& d, const ProbeRun& run,
                 Report* report) {
  if (run.looks > 1 && run.looked > 0) {
    report->notes.push_back("sequential gate: looked " + std::to_string(run.looked) + " of " +
                            std::to_string(run.looks) + " times, " + std::to_string(run.sent) +
                            " of at most " + std::to_string(plan.mesh.run.requests) +
                            " requests per source; alpha " + Fixed(plan.gate.alpha, 4) +
                            " spent as " + Fixed(run.look_alpha, 4) + " per look");
  }
  if (!plan.mesh.expect.note.empty()) report->notes.push_back(plan.mesh.expect.note);
  for (const std::string& n : d.notes) report->notes.push_back(n);
  if (d.view_reads > 1) {
    report->notes.push_back("waited " + Fixed(d.waited_s, 1) + " s (" +
                            std::to_string(d.view_reads) + " reads) for the endpoint views");
  }
  for (const probe::SourceOutcome& o : run.outcomes) {
    if (!o.interrupted) continue;
    report->notes.push_back(o.target.cluster + "/" + o.target.pod + ": interrupted; " +
                            std::to_string(o.not_issued) + " of " + std::to_string(run.sent) +
                            " requests not sent or without a result (not counted)");
  }
}

}  // namespace

Result<Report> RunCheckPlan(const CheckPlan& plan, Environment& env) {
  const MeshConfig& m = plan.mesh;
  Result<ReplyParser> parser = ReplyParser::Create(m.target.pattern);
  if (!parser.ok()) return parser.status();
  // Children of a real runner must stop on Ctrl-C too.
  if (auto* real = dynamic_cast<SubprocessCommandRunner*>(env.runner)) {
    real->set_cancel_flag(env.interrupted);
  }
  const std::string started_at = FormatRfc3339(env.clock->Now());
  const auto t0 = env.clock->Monotonic();

  if (env.err_is_tty) *env.err << "discovering pods and endpoint views...\n";
  discover::DiscoverOptions dopt;
  dopt.wait = m.run.wait;
  dopt.interrupted = env.interrupted;
  Result<discover::Discovery> found = discover::Discover(*env.runner, *env.clock, m, dopt);
  if (!found.ok()) return found.status();
  const discover::Discovery& d = *found;

  std::map<std::string, std::string> cluster_of_pod;
  for (const PodInfo& p : d.destinations) cluster_of_pod[p.name] = p.cluster;
  const std::vector<probe::ExecTarget> targets = ExecTargets(m, d);
  probe::ProbeOptions popt;
  popt.url = m.target.url;
  popt.concurrency = m.run.concurrency;
  popt.timeout = m.run.timeout;
  popt.exec_requests = plan.exec_requests;
  std::atomic<uint64_t> done{0};
  std::vector<SourceSink> sinks(targets.size());
  for (SourceSink& s : sinks) {
    s.parser = &*parser;
    s.cluster_of_pod = &cluster_of_pod;
    s.done = &done;
    s.keep_records = !plan.records_path.empty();
  }
  const ProbeRun run = ProbeInLooks(plan, d, env, targets, popt, sinks, done);

  std::vector<CheckResult> probe_checks;
  if (!targets.empty()) probe_checks.push_back(ProbeCheck(run.outcomes, run.seconds));
  Report report = AnalyzeSoFar(plan, d, sinks, run.look_alpha, probe_checks);
  report.tool_version = MESHVERIFY_VERSION;
  report.started_at = started_at;
  report.duration_s = std::chrono::duration<double>(env.clock->Monotonic() - t0).count();
  report.config = PlanToJson(plan);
  report.interrupted = env.interrupted != nullptr && env.interrupted->load();
  AddRunNotes(plan, d, run, &report);
  if (!plan.records_path.empty()) {
    std::string records;
    for (const SourceSink& s : sinks) records += s.records;
    if (Status s = WriteFile(plan.records_path, records); !s.ok()) return s;
  }
  return report;
}

}  // namespace meshverify::cli
