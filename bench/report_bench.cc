// Renderers and the JSON reader on reports of growing size (sources x clusters x versions).
// A `merge` of many Job reports is the largest realistic case: hundreds of sources.
//
// Sample run (RelWithDebInfo, 2 x 2.4 GHz shared with other builds; CPU time per call;
// Arg = number of sources):
//   BM_Render<RenderJson>/1          81 us     BM_Render<RenderJson>/1000       66 ms  31 MB/s
//   BM_Render<RenderText>/1          16 us     BM_Render<RenderText>/1000       18 ms  40 MB/s
//   BM_Render<RenderMarkdown>/1      23 us     BM_Render<RenderMarkdown>/1000   11 ms  91 MB/s
//   BM_Render<RenderJUnit>/1         34 us     BM_Render<RenderJUnit>/1000      27 ms  26 MB/s
//   BM_Render<RenderHtml>/1          32 us     BM_Render<RenderHtml>/1000       30 ms 178 MB/s
//   BM_ParseReport/1                 99 us     BM_ParseReport/1000              90 ms  23 MB/s
#include <benchmark/benchmark.h>

#include <string>

#include "meshverify/render.h"
#include "meshverify/report.h"

namespace meshverify {
namespace {

Report MakeReport(int sources) {
  Report r;
  r.verdict = Verdict::kFail;
  r.tool_version = "0.1.0";
  r.started_at = "2024-05-01T10:00:00Z";
  r.duration_s = 12.5;
  r.config = {{"gate", {{"tolerance", 0.05}, {"alpha", 0.01}}}};
  for (int i = 0; i < sources; ++i) {
    SourceReport s;
    s.cluster = "cluster" + std::to_string(1 + i % 2);
    s.pod = "sleep-" + std::to_string(i);
    s.requests = 1000;
    s.ok = 990;
    s.errors["timeout"] = 10;
    for (int c = 1; c <= 2; ++c) {
      std::string name = "cluster" + std::to_string(c);
      s.by_cluster[name] = {495, 0.5, 0.46, 0.54, 0.5, GateVerdict::kBalanced};
      s.by_version["v" + std::to_string(c)] = {495, 0.5, 0.46, 0.54, 0.5, GateVerdict::kBalanced};
      s.by_instance["helloworld-v" + std::to_string(c) + "-abc"] = {495, name, "v1"};
      s.latency_ms[name] = {495, 1.2, 2.3, 4.5, 9.9};
    }
    s.tests["chi_square"] = {0.1, 1, 0.75, "pearson"};
    s.gate = GateVerdict::kBalanced;
    r.sources.push_back(s);
    Endpoint e;
    e.source_pod = s.pod;
    e.address = "10.241.0." + std::to_string(i % 250);
    e.port = 5000;
    e.health = HealthStatus::kHealthy;
    e.cluster = s.cluster;
    r.endpoints.push_back(e);
  }
  r.total = r.sources.empty() ? SourceReport{} : r.sources[0];
  r.checks = {{"balance", CheckStatus::kFail, "skewed", "look at locality"},
              {"reachability", CheckStatus::kPass, "ok", ""}};
  return r;
}

template <std::string (*Render)(const Report&)>
void BM_Render(benchmark::State& state) {
  Report r = MakeReport(static_cast<int>(state.range(0)));
  size_t bytes = 0;
  for (auto _ : state) {
    std::string out = Render(r);
    bytes += out.size();
    benchmark::DoNotOptimize(out);
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_Render<RenderJson>)->Arg(1)->Arg(100)->Arg(1000);
BENCHMARK(BM_Render<RenderText>)->Arg(1)->Arg(100)->Arg(1000);
BENCHMARK(BM_Render<RenderMarkdown>)->Arg(1)->Arg(100)->Arg(1000);
BENCHMARK(BM_Render<RenderJUnit>)->Arg(1)->Arg(100)->Arg(1000);
BENCHMARK(BM_Render<RenderHtml>)->Arg(1)->Arg(100)->Arg(1000);

void BM_ParseReport(benchmark::State& state) {
  std::string text = RenderJson(MakeReport(static_cast<int>(state.range(0))));
  for (auto _ : state) {
    Result<Report> r = ParseReport(text);
    if (!r.ok()) state.SkipWithError(r.status().ToString().c_str());
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_ParseReport)->Arg(1)->Arg(100)->Arg(1000);

}  // namespace
}  // namespace meshverify

BENCHMARK_MAIN();
