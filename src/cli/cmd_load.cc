// `meshverify load`: flags -> settings -> prober -> the load pipeline -> reports.
#include <cmath>
#include <fstream>
#include <memory>
#include <ostream>

#include "cli/load_flags.h"
#include "meshverify/config.h"
#include "meshverify/discover.h"
#include "meshverify/load.h"
#include "meshverify/probe.h"
#include "meshverify/redact.h"
#include "transport/direct_prober.h"
#include "transport/http_post.h"

namespace meshverify::cli {
namespace {

using std::chrono::milliseconds;

// The Prober for the mode: libcurl in this process, or curl in the source pods through one
// kubectl exec per pod per batch, each answer stamped with the time it came in. Open loop
// flushes every 0.2 s, so windows follow the sends within that; closed loop every 1 s, as
// check does: a fifth of the pod's flusher forks and writes, and its send estimates chain back
// from curl's own timings, each answer counted once whatever the flush delay.
Result<std::unique_ptr<Prober>> MakeProber(const LoadFlags& f, Environment& env) {
  if (f.direct) return std::unique_ptr<Prober>(std::make_unique<DirectProber>(*env.clock));
  if (env.runner == nullptr) return Status::Unavailable("exec mode needs kubectl");
  probe::ExecOptions exec;
  exec.flush_every = milliseconds(f.rate ? 200 : 1000);
  exec.stamp_sent = true;
  return std::unique_ptr<Prober>(
      std::make_unique<probe::ExecProber>(*env.runner, *env.clock, exec));
}

// What this shard is to send over all steps (0 when the run is bounded by time alone).
uint64_t Planned(const load::LoadSettings& s) {
  const size_t steps = s.sweep ? s.sweep->values.size() : 1;
  if (s.requests > 0) return steps * load::ShardPart(s.requests, s.shard_index, s.shard_count);
  uint64_t n = 0;
  for (size_t i = 0; i < steps; ++i) {
    const double rate = s.sweep && s.sweep->axis == "rate" ? s.sweep->values[i] : s.rate;
    const double seconds = static_cast<double>(s.duration.count()) / 1000.0;
    if (rate > 0) n += static_cast<uint64_t>(std::ceil(rate / s.shard_count * seconds));
  }
  return n;
}

// Direct mode: this process. Exec mode: every Running and Ready source pod of every cluster.
Result<std::vector<ProbeSource>> Sources(const LoadFlags& f, const MeshConfig& m,
                                         Environment& env) {
  if (f.direct) {
    return std::vector<ProbeSource>{
        {f.source_cluster, f.source_name.empty() ? "direct" : f.source_name, "", "", "", ""}};
  }
  std::vector<ProbeSource> out;
  for (const ClusterConfig& c : m.clusters) {
    Result<std::vector<PodInfo>> pods =
        discover::ListPods(*env.runner, c, m.source.ns, m.source.selector, milliseconds(30000));
    if (!pods.ok()) return pods.status().WithPrefix("could not run");
    for (const PodInfo& p : *pods) {
      if (!discover::RunningAndReady(p)) continue;
      out.push_back({c.name, p.name, c.context, c.kubeconfig, p.ns, m.source.container});
    }
  }
  if (out.empty()) {
    return Status::Unavailable("could not run: no Running and Ready source pod (-n " + m.source.ns +
                               " -l " + m.source.selector + ") in any cluster");
  }
  return out;
}

// Destination pod -> cluster, from the lab's or the clusters' kubectl; best effort.
std::map<std::string, std::string> DestinationClusters(const MeshConfig& m, Environment& env) {
  std::map<std::string, std::string> out;
  if (env.runner == nullptr) return out;
  for (const ClusterConfig& c : m.clusters) {
    const std::string ns = m.target.ns.empty() ? m.source.ns : m.target.ns;
    Result<std::vector<PodInfo>> pods =
        discover::ListPods(*env.runner, c, ns, m.target.destinations, milliseconds(30000));
    if (!pods.ok()) {
      ReportError(env, "load", pods.status().WithPrefix("destination clusters unknown"));
      return {};
    }
    for (const PodInfo& p : *pods) out[p.name] = c.name;
  }
  return out;
}

Result<load::LoadSettings> Settings(const LoadFlags& f, Environment& env) {
  load::LoadSettings s;
  MeshConfig mesh;
  const bool have_mesh = !f.config.empty();
  if (have_mesh) {
    Result<std::string> text = ReadFileOrStdin(env, f.config);
    if (!text.ok()) return text.status();
    Result<MeshConfig> m = ParseMeshConfig(*text, f.config);
    if (!m.ok()) return m.status();
    mesh = std::move(*m);
    if (f.instance_clusters.empty()) s.cluster_of_instance = DestinationClusters(mesh, env);
  }
  for (const auto& [pod, cluster] : f.instance_clusters) s.cluster_of_instance[pod] = cluster;
  s.url = !f.url.empty() ? f.url : have_mesh ? mesh.target.url : "";
  if (s.url.empty()) return Status::Usage("--direct needs --url URL or -c");
  for (size_t i = 0; i < s.url.size(); ++i) {
    const auto c = static_cast<unsigned char>(s.url[i]);
    if (c < 0x20 || c == 0x7f) {
      return Status::Usage("--url: control character at byte " + std::to_string(i + 1));
    }
  }
  Result<std::vector<ProbeSource>> sources = Sources(f, mesh, env);
  if (!sources.ok()) return sources.status();
  s.sources = std::move(*sources);
  s.rate = f.rate.value_or(0);
  // Exec mode: one curl process per connection in each pod, so no more than the config's.
  const int open_default = f.direct ? 64 : mesh.run.concurrency;
  s.concurrency = f.concurrency.value_or(s.rate > 0  ? open_default
                                         : have_mesh ? mesh.run.concurrency
                                                     : 4);
  s.requests = f.requests.value_or(0);
  s.duration = f.duration.count() > 0 || f.requests ? f.duration : milliseconds(10000);
  s.window = f.window;
  s.warmup = f.warmup;
  s.timeout = f.timeout.value_or(have_mesh ? mesh.run.timeout : milliseconds(5000));
  s.event_timeout = f.event_timeout;
  s.events = f.events;
  s.sweep = f.sweep;
  s.slos = f.slos;
  s.pattern = !f.pattern.empty() ? f.pattern : mesh.target.pattern;
  s.expected = !f.expect.empty() ? f.expect : mesh.expect.shares;
  s.expected_clusters = !s.expected.empty();
  for (const auto& [name, share] : s.expected) {
    bool cluster = false;
    for (const ClusterConfig& c : mesh.clusters) cluster = cluster || c.name == name;
    s.expected_clusters = s.expected_clusters && cluster;
  }
  s.tolerance = f.tolerance.value_or(have_mesh ? mesh.gate.tolerance : 0.05);
  s.alpha = f.alpha.value_or(have_mesh ? mesh.gate.alpha : 0.01);
  nlohmann::json events = nlohmann::json::array();
  for (const load::EventSpec& e : s.events) {
    events.push_back({{"at_s", e.at.count() / 1000.0}, {"command", e.command}});
  }
  s.config = {
      {"config", f.config},
      {"url", RedactUrl(s.url)},
      {"direct", f.direct},
      {"source_cluster", f.source_cluster},
      {"rate", s.rate},
      {"concurrency", s.concurrency},
      {"duration_s", s.duration.count() / 1000.0},
      {"requests", s.requests},
      {"window_s", s.window.count() / 1000.0},
      {"warmup_s", s.warmup.count() / 1000.0},
      {"timeout_s", s.timeout.count() / 1000.0},
      {"events", std::move(events)},
      {"sweep", s.sweep ? nlohmann::json{{"axis", s.sweep->axis}, {"values", s.sweep->values}}
                        : nlohmann::json()},
      {"tolerance", s.tolerance},
      {"alpha", s.alpha}};
  s.shard_index = f.shard_index;
  s.shard_count = f.shard_count;
  if (f.shard_count > 1) {
    s.config["shard"] = {{"index", f.shard_index},
                         {"count", f.shard_count},
                         {"name", s.sources[0].pod},
                         {"cluster", f.source_cluster},
                         {"planned", Planned(s)}};
  }
  return s;
}

void DrawProgress(const load::Progress& p, std::ostream& err) {
  char buf[160];
  std::snprintf(buf, sizeof(buf), "\rstep %d  %6.1fs  %7.0f req/s  errors %llu  late %llu", p.step,
                p.elapsed_s, p.rate, static_cast<unsigned long long>(p.errors),
                static_cast<unsigned long long>(p.late));
  std::string line = buf;
  for (const auto& [c, share] : p.share) {
    std::snprintf(buf, sizeof(buf), "  %s %.0f%%", c.c_str(), 100 * share);
    line += buf;
    if (auto it = p.p99_ms.find(c); it != p.p99_ms.end()) {
      std::snprintf(buf, sizeof(buf), " p99 %.1fms", it->second);
      line += buf;
    }
  }
  err << line.substr(0, 200) << "\x1b[K" << std::flush;
}

}  // namespace

ExitCode RunLoad(const LoadFlags& f, Environment& env) {
  if (!f.direct && f.config.empty()) {
    return ReportError(env, "load",
                       Status::Usage("-c/--config FILE is required (or --direct --url URL)"));
  }
  Result<std::unique_ptr<Prober>> prober = MakeProber(f, env);
  if (!prober.ok()) return ReportError(env, "load", prober.status());
  Result<load::LoadSettings> settings = Settings(f, env);
  if (!settings.ok()) return ReportError(env, "load", settings.status());
  // Streamed window by window as the run goes (through for a FIFO or /dev/stdout; a regular
  // file appears, atomically, when the run ends).
  std::unique_ptr<FileWriter> jsonl;
  Status jsonl_status;
  if (!f.jsonl_path.empty()) {
    Result<std::unique_ptr<FileWriter>> w = env.fs->OpenWriter(f.jsonl_path);
    if (!w.ok()) return ReportError(env, "load", w.status());
    jsonl = std::move(*w);
  }
  load::LoadHooks hooks;
  if (jsonl) {
    hooks.on_window = [&](const load::Window& pooled, const std::vector<load::Window>& sources) {
      if (jsonl_status.ok()) {
        jsonl_status =
            jsonl->Write(RedactUrls(load::WindowLineToJson(pooled, sources).dump()) + "\n");
      }
    };
  }
  if (env.err_is_tty)
    hooks.on_progress = [&](const load::Progress& p) { DrawProgress(p, *env.err); };
  Result<load::LoadReport> report =
      load::RunLoadExperiment(*settings, **prober, *env.clock, env.runner, env.interrupted, hooks);
  if (env.err_is_tty) *env.err << "\r\x1b[K" << std::flush;
  if (jsonl && jsonl_status.ok()) jsonl_status = jsonl->Commit();
  if (!jsonl_status.ok()) ReportError(env, "load", jsonl_status);
  if (!report.ok()) return ReportError(env, "load", report.status());
  if (f.quit_sidecar) {  // the sidecar goes only once the report is out
    EmitLoadReport(*report, f, env);
    env.out->flush();
    if (Status s = HttpPostEmpty(kQuitUrl, std::chrono::seconds(5)); !s.ok()) {
      ReportError(env, "load", s.WithPrefix("--quit-sidecar"));
    }
    return report->interrupted ? ExitCode::kInterrupted : ExitCodeFor(report->verdict);
  }
  if (ExitCode code = EmitLoadReport(*report, f, env); code != ExitCode::kPass) return code;
  if (!jsonl_status.ok()) return ExitCode::kCouldNotRun;
  if (report->interrupted) return ExitCode::kInterrupted;
  return ExitCodeFor(report->verdict);
}

}  // namespace meshverify::cli
