// The sequential gate of `meshverify check`, simulated: many random answer streams run through
// the same code as a check (Analyze on the counts at each look, alpha / looks per look,
// stopping at the first look where every source's gate is decided), with the answer shares
// drawn from a seeded std::mt19937_64 (its sequence is fixed by the C++ standard, and the
// uniform and Bernoulli draws below are our own, so a run is reproducible anywhere).
//
// Reports, per scenario, the share of streams decided by each look, how they were decided, and
// the coverage of the interval shown for v1 (the one that decided) at the end; every figure
// with its exact 95% (Clopper–Pearson) interval. Then the exact coverage of the interval shown
// by a one-look `analyze`, summed over every count (no simulation).
//
// usage: gate_sim [--streams N] [--seed S]      (bench/gate_sim.sh runs it)
//
// Sample run (bench/gate_sim.sh, Release, 2 cores shared with other builds, ~3 min):
// see the README's "How the verdict is reached" for the figures of the seed given there.
#include <boost/math/distributions/binomial.hpp>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "meshverify/analyze.h"
#include "meshverify/stats.h"

namespace meshverify {
namespace {

constexpr uint64_t kMaxRequests = 4000;  // run.requests of the lab's mesh.yaml
constexpr int kLooks = 4;                // run.looks
constexpr double kAlpha = 0.01, kTolerance = 0.05;

// A uniform double in [0, 1) from the top 53 bits: the same on every platform.
double Uniform(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1p-53; }

// One source of the seed's topology: v1 in cluster1, v2 in cluster2.
struct Stream {
  uint64_t v1 = 0, v2 = 0;
  void Add(bool is_v1) { ++(is_v1 ? v1 : v2); }
  SourceCounts Counts(const std::string& pod) const {
    SourceCounts c;
    c.cluster = "cluster1";
    c.pod = pod;
    c.requests = c.ok = v1 + v2;
    if (v1) c.by_cluster["cluster1"] = c.by_version["v1"] = v1;
    if (v2) c.by_cluster["cluster2"] = c.by_version["v2"] = v2;
    if (v1) c.by_instance["helloworld-v1"] = {v1, "cluster1", "v1"};
    if (v2) c.by_instance["helloworld-v2"] = {v2, "cluster2", "v2"};
    return c;
  }
};

// What a check of `sources` streams with true v1 share `p` ends with. p < 0: round robin.
struct Outcome {
  int looked = 0;          // looks taken (the last one decided, unless looked == kLooks)
  std::string gate;        // of the first source at the end
  bool v1_covered = true;  // the first source's shown v1 interval holds the true share
};

Outcome RunCheck(std::mt19937_64& rng, double p, int sources) {
  std::vector<Stream> streams(sources);
  AnalyzeInput in;
  in.expect[""].by_cluster = {{"cluster1", 0.5}, {"cluster2", 0.5}};
  in.expect[""].by_version = {{"v1", 0.5}, {"v2", 0.5}};
  AnalyzeOptions opt;
  opt.tolerance = kTolerance;
  opt.alpha = stats::SequentialAlpha(kAlpha, 1, kLooks);
  uint64_t sent = 0;
  Outcome o;
  Report r;
  for (int look = 1; look <= kLooks; ++look) {
    const uint64_t upto = (kMaxRequests * look + kLooks - 1) / kLooks;  // as check_run.cc
    for (Stream& s : streams) {
      for (uint64_t i = sent; i < upto; ++i) s.Add(p < 0 ? i % 2 == 0 : Uniform(rng) < p);
    }
    sent = upto;
    in.sources.clear();
    for (int i = 0; i < sources; ++i)
      in.sources.push_back(streams[i].Counts("sleep-" + std::to_string(i)));
    r = Analyze(in, opt);
    o.looked = look;
    bool decided = true;
    for (const SourceReport& s : r.sources) decided = decided && s.gate != GateVerdict::kInconclusive;
    if (decided) break;
  }
  const ShareStat& v1 = r.sources[0].by_version.at("v1");
  const double truth = p < 0 ? 0.5 : p;
  o.gate = std::string(GateVerdictName(r.sources[0].gate));
  o.v1_covered = v1.ci_lo <= truth && truth <= v1.ci_hi;
  return o;
}

// "85.71% [85.02, 86.39]": a proportion with its exact 95% interval, in percent.
std::string Rate(uint64_t k, uint64_t n) {
  stats::Interval ci = stats::ClopperPearsonBounds(k, n, 0.025, 0.025);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%6.2f%% [%.2f, %.2f]", 100.0 * k / n, 100 * ci.lo, 100 * ci.hi);
  return buf;
}

void Scenario(const char* name, double p, int sources, uint64_t streams, std::mt19937_64& rng) {
  uint64_t by_look[kLooks + 1] = {}, balanced = 0, skewed = 0, undecided = 0, covered = 0;
  for (uint64_t s = 0; s < streams; ++s) {
    Outcome o = RunCheck(rng, p, sources);
    if (o.gate == "balanced") ++balanced;
    if (o.gate == "skewed") ++skewed;
    if (o.gate == "inconclusive") {
      ++undecided;
    } else {
      for (int j = o.looked; j <= kLooks; ++j) ++by_look[j];
    }
    covered += o.v1_covered;
  }
  std::printf("\n%s (%d source%s, %" PRIu64 " stream%s)\n", name, sources, sources > 1 ? "s" : "",
              streams, streams > 1 ? "s" : "");
  auto line = [&](const std::string& label, uint64_t k) {
    std::printf("  %-40s %s\n", label.c_str(), Rate(k, streams).c_str());
  };
  for (int j = 1; j <= kLooks; ++j) {
    line("decided by " + std::to_string((kMaxRequests * j + kLooks - 1) / kLooks) + " requests",
         by_look[j]);
  }
  line("balanced", balanced);
  line("skewed", skewed);
  line("inconclusive after " + std::to_string(kMaxRequests), undecided);
  line("shown v1 interval holds the true share", covered);
}

// Exact coverage of the interval a one-look `analyze` shows for v1 (two versions expected
// 0.5 each) when the true share is p: the sum of P(k) over the k whose shown interval holds p.
void ExactCoverage(uint64_t n, double p) {
  boost::math::binomial_distribution<double> b(static_cast<double>(n), p);
  double covered = 0, balanced = 0;
  for (uint64_t k = 0; k <= n; ++k) {
    stats::ShareGate g = stats::GateShare(k, n, 0.5, kTolerance, kAlpha, 1);
    const double pk = boost::math::pdf(b, static_cast<double>(k));
    if (g.ci.lo <= p && p <= g.ci.hi) covered += pk;
    if (g.gate == stats::Gate::kBalanced) balanced += pk;
  }
  std::printf("  N = %4" PRIu64
              ", true share %.2f: shown interval covers %.4f (P(balanced) %.4f)\n",
              n, p, covered, balanced);
}

}  // namespace
}  // namespace meshverify

int main(int argc, char** argv) {
  uint64_t streams = 10000, seed = 1;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--streams") == 0) streams = std::strtoull(argv[i + 1], nullptr, 10);
    if (std::strcmp(argv[i], "--seed") == 0) seed = std::strtoull(argv[i + 1], nullptr, 10);
  }
  if (streams == 0) {
    std::fprintf(stderr, "usage: gate_sim [--streams N] [--seed S]\n");
    return 2;
  }
  using meshverify::Scenario;
  std::printf("gate_sim: seed %" PRIu64 "; at most %" PRIu64
              " requests per source in %d looks; alpha %.4g (%.4g per look), tolerance %.2g;\n"
              "expected 50/50 by cluster and by version (v1 in cluster1, v2 in cluster2);\n"
              "each figure with its exact 95%% interval\n",
              seed, meshverify::kMaxRequests, meshverify::kLooks, meshverify::kAlpha,
              meshverify::kAlpha / meshverify::kLooks, meshverify::kTolerance);
  std::mt19937_64 rng(seed);
  Scenario("random 50/50", 0.5, 1, streams, rng);
  Scenario("random 50/50, two sources (stops when both decided)", 0.5, 2, streams, rng);
  Scenario("round robin (the lab's sidecars; deterministic)", -1, 1, 1, rng);
  Scenario("random 53/47", 0.53, 1, streams, rng);
  Scenario("on the band edge: random 55/45 (balanced here is a wrong pass)", 0.55, 1, streams, rng);
  Scenario("random 60/40", 0.6, 1, streams, rng);
  std::printf("\nexact coverage of the interval shown by one look of `analyze` (alpha 0.01):\n");
  for (uint64_t n : {50u, 200u, 1000u, 4000u}) {
    for (double p : {0.5, 0.1}) meshverify::ExactCoverage(n, p);
  }
  return 0;
}
