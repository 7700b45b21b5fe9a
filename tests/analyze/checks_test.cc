// Table-driven scenarios of the seed's two-cluster mesh: what the checks, hints and verdict say
// for balanced traffic, skew, too little data, a dropped route, missing remote endpoints,
// errors, no requests, and a tiny deviation at huge N.

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "analyze/builders.h"
#include "meshverify/analyze.h"

namespace meshverify {
namespace {

using namespace testing_analyze;  // NOLINT: test builders

struct Scenario {
  std::string name;
  std::function<AnalyzeInput()> input;
  GateOptions opt;
  Verdict verdict;
  std::map<std::string, CheckStatus> checks;  // name -> expected status (others unchecked)
  std::map<std::string, std::string> hints;   // name -> substring of the hint
};

// Two sources (one per cluster) with converged views and known destination pods.
AnalyzeInput Mesh(SourceCounts c1, SourceCounts c2) {
  AnalyzeInput in;
  in.clusters = {"cluster1", "cluster2"};
  in.destinations = Destinations();
  in.expect[c1.pod] = ExpectationFromEndpoints(FullView(c1.pod), in.destinations);
  in.expect[c2.pod] = ExpectationFromEndpoints(FullView(c2.pod), in.destinations);
  in.sources = {std::move(c1), std::move(c2)};
  return in;
}

// Offline analyze: one unnamed input, versions expected 50/50, nothing else known.
AnalyzeInput Offline(SourceCounts c) {
  AnalyzeInput in;
  in.expect[""].by_version = {{"v1", 0.5}, {"v2", 0.5}};
  in.sources = {std::move(c)};
  return in;
}

const CheckStatus kPass = CheckStatus::kPass;
const CheckStatus kFail = CheckStatus::kFail;
const CheckStatus kInconclusive = CheckStatus::kInconclusive;
const CheckStatus kSkipped = CheckStatus::kSkipped;

std::vector<Scenario> Scenarios() {
  return {
      {"balanced_mesh_passes",
       [] {
         return Mesh(Counts("cluster1", "sleep-a", 2480, 2520),
                     Counts("cluster2", "sleep-b", 2530, 2470));
       },
       {},
       Verdict::kPass,
       {{"error_rate", kPass},
        {"balance", kPass},
        {"reachability", kPass},
        {"endpoints_reached", kPass},
        {"instances_known", kPass},
        {"endpoints_in_cidrs", kPass}},
       {}},
      {"skew_70_30_at_large_n_fails",
       [] {
         return Mesh(Counts("cluster1", "sleep-a", 3500, 1500),
                     Counts("cluster2", "sleep-b", 2500, 2500));
       },
       {},
       Verdict::kFail,
       {{"balance", kFail}, {"reachability", kPass}},
       {{"balance", "locality load balancing"}}},
      {"skew_70_30_at_tiny_n_is_inconclusive",
       [] { return Offline(FastCounts("", "", 7, 3)); },
       {},
       Verdict::kInconclusive,
       {{"balance", kInconclusive}, {"reachability", kSkipped}, {"instances_known", kSkipped}},
       {{"balance", "more requests per source would decide"}}},
      {"route_drop_fails_reachability_with_routes_hint",
       [] {
         return Mesh(Counts("cluster1", "sleep-a", 1000, 0),
                     Counts("cluster2", "sleep-b", 500, 500));
       },
       {},
       Verdict::kFail,
       {{"reachability", kFail}, {"endpoints_reached", kFail}, {"balance", kFail}},
       {{"reachability", "ip route add"}, {"balance", "reachability"}}},
      {"route_drop_with_timeouts_names_them",
       [] {
         return Mesh(Counts("cluster1", "sleep-a", 500, 0, {{"timeout", 500}}),
                     Counts("cluster2", "sleep-b", 500, 500));
       },
       {},
       Verdict::kFail,
       {{"reachability", kFail}, {"error_rate", kFail}},
       {{"reachability", "timeout 500"}, {"error_rate", "static pod routes"}}},
      {"no_remote_endpoints_gives_remote_secret_hint",
       [] {
         AnalyzeInput in =
             Mesh(Counts("cluster1", "sleep-a", 1000, 0), Counts("cluster2", "sleep-b", 500, 500));
         in.expect["sleep-a"] =
             ExpectationFromEndpoints({Ep("sleep-a", kIpV1, "cluster1")}, in.destinations);
         return in;
       },
       {},
       Verdict::kFail,
       {{"reachability", kFail}, {"balance", kPass}, {"endpoints_reached", kPass}},
       {{"reachability", "remote secret"}}},
      {"unhealthy_remote_endpoints_hint_health",
       [] {
         AnalyzeInput in =
             Mesh(Counts("cluster1", "sleep-a", 1000, 0), Counts("cluster2", "sleep-b", 500, 500));
         in.expect["sleep-a"] = ExpectationFromEndpoints(
             {Ep("sleep-a", kIpV1, "cluster1"), Ep("sleep-a", kIpV2, "cluster2", "UNHEALTHY")},
             in.destinations);
         return in;
       },
       {},
       Verdict::kFail,
       {{"reachability", kFail}},
       {{"reachability", "none is healthy"}}},
      {"dns_errors_fail_error_rate",
       [] {
         return Offline(Counts("", "", 495, 495, {{"dns", 10}}));
       },
       {},
       Verdict::kFail,
       {{"error_rate", kFail}, {"balance", kPass}},
       {{"error_rate", "Service must exist in the caller's cluster"}}},
      {"connect_errors_point_at_routes_or_pods",
       [] {
         return Offline(Counts("", "", 495, 495, {{"connect", 10}}));
       },
       {},
       Verdict::kFail,
       {{"error_rate", kFail}},
       {{"error_rate", "destination pods are down"}}},
      {"errors_within_allowed_rate_pass",
       [] {
         return Offline(Counts("", "", 2495, 2495, {{"http_5xx", 10}}));
       },
       {0.05, 0.01, 0.01},
       Verdict::kPass,
       {{"error_rate", kPass}, {"balance", kPass}},
       {}},
      {"no_requests_is_inconclusive",
       [] { return Offline(Counts("", "", 0, 0)); },
       {},
       Verdict::kInconclusive,
       {{"error_rate", kInconclusive}, {"balance", kInconclusive}},
       {{"balance", "more requests per source would decide"}}},
      {"huge_n_with_a_0_1_percent_deviation_passes",
       [] { return Offline(FastCounts("", "", 5'005'000, 4'995'000)); },
       {},
       Verdict::kPass,
       {{"balance", kPass}},
       {}},
      {"no_expectation_skips_balance",
       [] {
         AnalyzeInput in = Offline(Counts("", "", 300, 700));
         in.expect.clear();
         return in;
       },
       {},
       Verdict::kPass,
       {{"balance", kSkipped}, {"error_rate", kPass}},
       {}},
      {"unknown_instance_fails_instances_known",
       [] {
         AnalyzeInput in =
             Mesh(Counts("cluster1", "sleep-a", 500, 500), Counts("cluster2", "sleep-b", 500, 500));
         in.destinations.pop_back();  // helloworld-v2 answers but is no known pod
         return in;
       },
       {},
       Verdict::kFail,
       {{"instances_known", kFail}},
       {{"instances_known", "control plane and data plane disagree"}}},
      {"endpoint_outside_cidrs_is_flagged",
       [] {
         AnalyzeInput in =
             Mesh(Counts("cluster1", "sleep-a", 500, 500), Counts("cluster2", "sleep-b", 500, 500));
         in.expect["sleep-a"].endpoints.push_back(Ep("sleep-a", "172.18.0.9", "", "UNHEALTHY"));
         return in;
       },
       {},
       Verdict::kFail,
       {{"endpoints_in_cidrs", kFail}, {"reachability", kPass}},
       {{"endpoints_in_cidrs", "pod_cidrs"}}},
  };
}

class ChecksScenarioTest : public ::testing::TestWithParam<Scenario> {};

TEST_P(ChecksScenarioTest, VerdictChecksAndHints) {
  const Scenario& sc = GetParam();
  Report r = Analyze(sc.input(), sc.opt);
  std::string all;
  for (const CheckResult& c : r.checks) {
    all += std::string(CheckStatusName(c.status)) + " " + c.name + ": " + c.detail + " | " +
           c.hint + "\n";
  }
  EXPECT_EQ(VerdictName(r.verdict), VerdictName(sc.verdict)) << all;
  for (const auto& [name, status] : sc.checks) {
    const CheckResult* c = FindCheck(r, name);
    ASSERT_NE(c, nullptr) << name;
    EXPECT_EQ(CheckStatusName(c->status), CheckStatusName(status)) << name << "\n" << all;
    EXPECT_FALSE(c->detail.empty()) << name;
    if (status != kPass && status != kSkipped) {
      EXPECT_FALSE(c->hint.empty()) << name;
    }
    if (status == kPass) {
      EXPECT_TRUE(c->hint.empty()) << name << ": " << c->hint;
    }
  }
  for (const auto& [name, text] : sc.hints) {
    const CheckResult* c = FindCheck(r, name);
    ASSERT_NE(c, nullptr) << name;
    EXPECT_NE(c->hint.find(text), std::string::npos) << name << " hint: " << c->hint;
  }
  for (const SourceReport& s : r.sources) EXPECT_TRUE(Accounted(s)) << s.pod;
  EXPECT_TRUE(Accounted(r.total));
}

INSTANTIATE_TEST_SUITE_P(Analyze, ChecksScenarioTest, ::testing::ValuesIn(Scenarios()),
                         [](const auto& info) { return info.param.name; });

TEST(VerdictOfTest, WorstStatusWins) {
  auto c = [](CheckStatus s) { return CheckResult{"x", s, "d", ""}; };
  EXPECT_EQ(VerdictOf({}), Verdict::kPass);
  EXPECT_EQ(VerdictOf({c(kSkipped)}), Verdict::kPass);
  EXPECT_EQ(VerdictOf({c(kPass), c(kSkipped)}), Verdict::kPass);
  EXPECT_EQ(VerdictOf({c(kPass), c(kInconclusive)}), Verdict::kInconclusive);
  EXPECT_EQ(VerdictOf({c(kInconclusive), c(kFail), c(kPass)}), Verdict::kFail);
}

TEST(AnalyzeTest, ExtraChecksComeFirstAndCount) {
  AnalyzeInput in = Offline(Counts("", "", 500, 500));
  in.extra_checks.push_back({"convergence", CheckStatus::kFail, "not converged", "wait longer"});
  Report r = Analyze(in, {});
  ASSERT_FALSE(r.checks.empty());
  EXPECT_EQ(r.checks[0].name, "convergence");
  EXPECT_EQ(r.verdict, Verdict::kFail);
}

// The error rate in a check's detail is written as the renderers write percentages (one
// decimal), so the text report's "errors: timeout 10 (0.5%)" and the check agree.
TEST(CheckErrorRateTest, PercentagesAsTheRenderersWriteThem) {
  Report r = Analyze(Offline(Counts("", "", 995, 995, {{"timeout", 10}})), {});
  const CheckResult* c = FindCheck(r, "error_rate");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->detail, "10 of 2000 requests failed (0.5%; allowed 0.0%): timeout 10");
}

// A source with no cluster and no pod (stdin, a pooled view) is named as the renderers name it.
TEST(CheckBalanceTest, AnUnnamedSourceIsNamedAsTheRenderersNameIt) {
  Report r = Analyze(Offline(Counts("", "", 700, 300)), {});
  const CheckResult* c = FindCheck(r, "balance");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->status, CheckStatus::kFail);
  EXPECT_NE(c->detail.find("(unnamed source) (1000 answers): v1 0.700"), std::string::npos)
      << c->detail;
  EXPECT_EQ(SourceLabel(r.sources[0]), "(unnamed source)");
}

}  // namespace
}  // namespace meshverify
