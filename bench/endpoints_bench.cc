// Endpoint views at scale: parse a 10,000-endpoint `istioctl proxy-config endpoints -o json`
// dump (4-space indent, 8 stats per host, as istioctl prints it) and map it to clusters.
// Target (issue 3): parse + map under 20 ms.
//
// The dump is ~14.4 MB; ParseEndpoints takes the DOM-free fast path
// (src/parse/endpoints_json_fast.cc). With nlohmann's DOM alone it was ~250 ms CPU.
//
// Sample run (RelWithDebInfo, GCC 12, 2 cores, quiet machine; --benchmark_repetitions=7
// --benchmark_report_aggregates_only=true):
//   BM_ParseAndMapIstioctlJson_median   16.5 ms   cv 3.6%   607k endpoints/s   (~870 MB/s)
//   BM_MapOnly_median                   1.09 ms
// It was 26.8 ms with a std::map of counters per endpoint (8 node allocations per host).
//
// Issue 16 (views as pasted, with warnings), Release, GCC 12, shared 2-core machine. Before,
// at load ~1: ParseAndMap 10.9-12.5 ms, ParseTextView/IstioctlTable 3.6-3.7 ms,
// EnvoyClustersText 41.8-42.9 ms (medians of 9). Wall-clock A/B after was taken at load 4-11
// and moved 11-30 ms for either binary, so the comparison is by instructions (callgrind,
// --toggle-collect='meshverify::ParseEndpoints*', one iteration), which load does not move:
//   ParseOnlyIstioctlJson        143.70 M -> 144.74 M  (+0.7%: the fast path's IP check)
//   ParseTextView/IstioctlTable   35.95 M ->  37.44 M  (+4.1%: header and cut-row checks)
//   ParseTextView/EnvoyClusters  478.16 M -> 425.13 M  (-11%: one inet_pton per host, not line)
// Issue 16 phases 2-3 (gateways in the cluster map, the gateway parsers' fuzz fixes), the same
// callgrind count (one iteration; main before the gateways, 8a7ef39, against after, 48b4d1c):
//   ParseOnlyIstioctlJson        143.69 M -> 144.39 M  (+0.5%)
//   ParseTextView/IstioctlTable   35.95 M ->  37.08 M  (+3.1%)
//   ParseTextView/EnvoyClusters  402.17 M -> 403.46 M  (+0.3%)
//   MapOnly (AssignClusters)       6.23 M ->   6.83 M  (+9.6%: the gateway lookup, ~60
//                                                        instructions per endpoint; +0.4% of
//                                                        ParseAndMap)
#include <benchmark/benchmark.h>

#include <nlohmann/json.hpp>
#include <string>

#include "meshverify/endpoints.h"

namespace meshverify {
namespace {

constexpr int kEndpoints = 10000;

// Half the hosts in cluster1 (10.241/16), half in cluster2 (10.244/16), of one Envoy cluster.
std::string MakeDump(int n) {
  nlohmann::json hosts = nlohmann::json::array();
  for (int i = 0; i < n; ++i) {
    std::string ip = std::string(i % 2 ? "10.244." : "10.241.") + std::to_string(i / 2 / 250) +
                     "." + std::to_string(i / 2 % 250 + 1);
    nlohmann::json stats = nlohmann::json::array();
    for (const char* name :
         {"cx_connect_fail", "cx_total", "rq_error", "rq_success", "rq_timeout", "rq_total"}) {
      nlohmann::json s = {{"name", name}};
      if (i % 3) s["value"] = std::to_string(i * 7 % 1000);
      stats.push_back(s);
    }
    stats.push_back({{"type", "GAUGE"}, {"name", "cx_active"}, {"value", "1"}});
    stats.push_back({{"type", "GAUGE"}, {"name", "rq_active"}});
    nlohmann::json health = {{"edsHealthStatus", i % 50 ? "HEALTHY" : "UNHEALTHY"}};
    if (i % 97 == 0) health["failedOutlierCheck"] = true;
    hosts.push_back({{"address", {{"socketAddress", {{"address", ip}, {"portValue", 5000}}}}},
                     {"stats", stats},
                     {"healthStatus", health},
                     {"weight", 1},
                     {"locality", nlohmann::json::object()}});
  }
  nlohmann::json dump = nlohmann::json::array();
  dump.push_back({{"name", "outbound|5000||helloworld.sample.svc.cluster.local"},
                  {"addedViaApi", true},
                  {"hostStatuses", hosts},
                  {"observabilityName", "outbound|5000||helloworld.sample.svc.cluster.local"}});
  return dump.dump(4) + "\n";
}

void BM_ParseAndMapIstioctlJson(benchmark::State& state) {
  const std::string dump = MakeDump(kEndpoints);
  Result<ClusterMap> map = ClusterMap::Create(
      {{"cluster1", "", "", {"10.241.0.0/16"}, {}}, {"cluster2", "", "", {"10.244.0.0/16"}, {}}});
  for (auto _ : state) {
    Result<std::vector<Endpoint>> eps = ParseEndpoints(dump, EndpointFormat::kAuto, "bench");
    if (!eps.ok()) state.SkipWithError(eps.status().message().c_str());
    map->AssignClusters(*eps);
    std::map<std::string, double> shares = ExpectedClusterShares(*eps);
    benchmark::DoNotOptimize(shares);
  }
  state.counters["bytes"] = static_cast<double>(dump.size());
  state.SetItemsProcessed(state.iterations() * kEndpoints);
}
BENCHMARK(BM_ParseAndMapIstioctlJson)->Unit(benchmark::kMillisecond);

void BM_ParseOnlyIstioctlJson(benchmark::State& state) {
  const std::string dump = MakeDump(kEndpoints);
  for (auto _ : state) {
    Result<std::vector<Endpoint>> eps = ParseEndpoints(dump, EndpointFormat::kAuto, "bench");
    if (!eps.ok()) state.SkipWithError(eps.status().message().c_str());
    benchmark::DoNotOptimize(eps);
  }
  state.SetItemsProcessed(state.iterations() * kEndpoints);
}
BENCHMARK(BM_ParseOnlyIstioctlJson)->Unit(benchmark::kMillisecond);

void BM_MapOnly(benchmark::State& state) {
  Result<std::vector<Endpoint>> eps =
      ParseEndpoints(MakeDump(kEndpoints), EndpointFormat::kAuto, "bench");
  Result<ClusterMap> map = ClusterMap::Create(
      {{"cluster1", "", "", {"10.241.0.0/16"}, {}}, {"cluster2", "", "", {"10.244.0.0/16"}, {}}});
  for (auto _ : state) {
    map->AssignClusters(*eps);
    benchmark::DoNotOptimize(eps->front().cluster);
  }
}
BENCHMARK(BM_MapOnly)->Unit(benchmark::kMillisecond);

// The same 10,000 hosts as an `istioctl proxy-config endpoints` table and as Envoy's /clusters
// text (8 stats and the host lines per host), for the line-based parsers.
std::string Ip(int i) {
  return std::string(i % 2 ? "10.244." : "10.241.") + std::to_string(i / 2 / 250) + "." +
         std::to_string(i / 2 % 250 + 1);
}

std::string MakeTable(int n) {
  std::string out = "ENDPOINT                         STATUS      OUTLIER CHECK     CLUSTER\n";
  for (int i = 0; i < n; ++i) {
    std::string ep = Ip(i) + ":5000";
    ep.resize(33, ' ');
    out += ep + (i % 50 ? "HEALTHY     " : "UNHEALTHY   ") +
           (i % 97 ? "OK                " : "FAILED            ") +
           "outbound|5000||helloworld.sample.svc.cluster.local\n";
  }
  return out;
}

std::string MakeClustersText(int n) {
  const std::string c = "outbound|5000||helloworld.sample.svc.cluster.local::";
  std::string out = c + "added_via_api::true\n";
  for (int i = 0; i < n; ++i) {
    std::string h = c + Ip(i) + ":5000::";
    for (const char* stat : {"cx_active", "cx_connect_fail", "cx_total", "rq_active", "rq_error",
                             "rq_success", "rq_timeout", "rq_total"}) {
      out += h + stat + "::" + std::to_string(i * 7 % 1000) + "\n";
    }
    out += h + "hostname::\n" + h + "health_flags::healthy\n" + h + "weight::1\n" + h +
           "region::\n" + h + "zone::\n" + h + "sub_zone::\n" + h + "canary::false\n" + h +
           "priority::0\n" + h + "success_rate::-1\n";
  }
  return out;
}

void BM_ParseTextView(benchmark::State& state, std::string (*make)(int), EndpointFormat fmt) {
  const std::string text = make(kEndpoints);
  for (auto _ : state) {
    Result<std::vector<Endpoint>> eps = ParseEndpoints(text, fmt, "bench");
    if (!eps.ok() || eps->size() != kEndpoints) state.SkipWithError("parse failed");
    benchmark::DoNotOptimize(eps);
  }
  state.counters["bytes"] = static_cast<double>(text.size());
  state.SetItemsProcessed(state.iterations() * kEndpoints);
}
BENCHMARK_CAPTURE(BM_ParseTextView, IstioctlTable, MakeTable, EndpointFormat::kAuto)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ParseTextView, EnvoyClustersText, MakeClustersText, EndpointFormat::kAuto)
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace meshverify

BENCHMARK_MAIN();
