// `meshverify endpoints` end to end on test data: output, goldens and exit codes.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/commands.h"

namespace meshverify::cli {
namespace {

constexpr char kHw[] = "outbound|5000||helloworld.sample.svc.cluster.local";

std::string Data(const std::string& rel) { return std::string(MESHVERIFY_TEST_DATA) + "/" + rel; }

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Outcome {
  int code;
  std::string out, err;
};

Outcome Endpoints(const Args& args, const std::string& stdin_text = "") {
  std::istringstream in(stdin_text);
  std::ostringstream out, err;
  Environment env;
  env.in = &in;
  env.out = &out;
  env.err = &err;
  int code = ToInt(ParseAndRun("endpoints", ParseEndpointsFlags, RunEndpoints, args, env));
  return {code, out.str(), err.str()};
}

const Args kSeedCidrs = {"--cidr", "cluster1=10.241.0.0/16", "--cidr", "cluster2=10.244.0.0/16"};

Args With(Args a, const Args& more) {
  a.insert(a.end(), more.begin(), more.end());
  return a;
}

TEST(CmdEndpointsTest, HelloworldTextMatchesGolden) {
  Outcome o = Endpoints(
      With(kSeedCidrs, {"--cluster", kHw, Data("endpoints/helloworld_two_clusters.txt")}));
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_EQ(o.out, ReadFile(Data("endpoints/helloworld_two_clusters.text.gold")));
}

TEST(CmdEndpointsTest, HelloworldJsonFromStdin) {
  Outcome o = Endpoints(With(kSeedCidrs, {"--cluster", kHw, "-o", "json", "-"}),
                        ReadFile(Data("endpoints/helloworld_two_clusters.json")));
  ASSERT_EQ(o.code, 0) << o.err;
  auto j = nlohmann::json::parse(o.out);
  ASSERT_EQ(j["endpoints"].size(), 5u);
  EXPECT_TRUE(j["problems"].empty());
  EXPECT_NEAR(j["clusters"]["cluster1"]["expected_share"].get<double>(), 1.0 / 3, 1e-12);
  EXPECT_NEAR(j["clusters"]["cluster2"]["expected_share"].get<double>(), 2.0 / 3, 1e-12);
  EXPECT_EQ(j["clusters"]["cluster2"]["routable"], 2);
  EXPECT_EQ(j["clusters"]["cluster1"]["unhealthy"], 1);
  const auto& ejected = j["endpoints"][4];
  EXPECT_EQ(ejected["address"], "10.244.0.9");
  EXPECT_EQ(ejected["outlier"], "ejected");
  EXPECT_EQ(ejected["cluster"], "cluster2");
  EXPECT_EQ(ejected["counters"]["rq_error"], 1);
}

TEST(CmdEndpointsTest, UnmappedEndpointsAreProblems) {
  Outcome o = Endpoints({"--cidr", "cluster1=10.241.0.0/16", "--cluster", kHw, "-o", "json",
                         Data("endpoints/helloworld_two_clusters.txt")});
  EXPECT_EQ(o.code, 1);
  auto j = nlohmann::json::parse(o.out);
  ASSERT_EQ(j["problems"].size(), 3u);
  EXPECT_EQ(j["problems"][0],
            "endpoint 10.244.0.10:5000 (" + std::string(kHw) + ") is in no cluster's pod CIDRs");
  EXPECT_EQ(j["endpoints"][2]["cluster"], "");
}

TEST(CmdEndpointsTest, OverlappingCidrsAreProblemsAndLeaveTheOverlapUnmapped) {
  Outcome o = Endpoints({"--cidr", "cluster1=10.0.0.0/8", "--cidr", "cluster2=10.244.0.0/16",
                         "--cluster", kHw, Data("endpoints/helloworld_two_clusters.txt")});
  EXPECT_EQ(o.code, 1);
  EXPECT_NE(o.out.find("  - pod CIDRs overlap: cluster1 10.0.0.0/8 and cluster2 10.244.0.0/16\n"),
            std::string::npos)
      << o.out;
  EXPECT_NE(o.out.find("(no cluster): 3 endpoints"), std::string::npos) << o.out;
}

TEST(CmdEndpointsTest, MeshConfigAndKindConfig) {
  Outcome o =
      Endpoints({"-c", std::string(MESHVERIFY_SOURCE_DIR) + "/scripts/lab/mesh.yaml", "--cluster",
                 kHw, "-o", "json", Data("endpoints/helloworld_two_clusters.txt")});
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_EQ(nlohmann::json::parse(o.out)["clusters"]["cluster2"]["endpoints"], 3);
  o = Endpoints({"--cidr", "cluster1=10.241.0.0/16", "--kind-config",
                 "cluster2=" + Data("endpoints/kind_cluster2.yaml"), "--cluster", kHw, "-o", "json",
                 Data("endpoints/helloworld_two_clusters.txt")});
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_EQ(nlohmann::json::parse(o.out)["clusters"]["cluster2"]["endpoints"], 3);
}

TEST(CmdEndpointsTest, Ipv6EndpointsAndCidrs) {
  Outcome o =
      Endpoints({"--cidr", "cluster1=fd00:10:241::/56", "--cidr", "cluster2=fd00:10:244::/56", "-o",
                 "json", Data("endpoints/ipv6_two_clusters.txt")});
  EXPECT_EQ(o.code, 1);  // fd00:10:250::1 is in neither
  auto j = nlohmann::json::parse(o.out);
  EXPECT_EQ(j["clusters"]["cluster2"]["endpoints"], 2);
  EXPECT_NEAR(j["clusters"]["cluster1"]["expected_share"].get<double>(), 0.25, 1e-12);
  EXPECT_EQ(j["problems"][0], "endpoint [fd00:10:250::1]:5000 (" + std::string(kHw) +
                                  ") is in no cluster's pod CIDRs");
}

std::string Fixture(const std::string& rel) {
  return std::string(MESHVERIFY_FIXTURES) + "/realworld/" + rel;
}

// The parsers' warnings are listed in the text and the JSON output; they do not change the
// exit code (a mapped placeholder is a problem, as any endpoint in no cluster's CIDRs).
TEST(CmdEndpointsTest, ParserWarningsAreShownInTextAndJson) {
  const std::string f = Fixture("envoy_clusters_text__contour_gh7358_redacted_ips.txt");
  const std::string w1 =
      f + ":1: 'X.X.X.X' is not an IP address (redacted?): kept, but no pod CIDR can map it";
  Outcome text = Endpoints({f});
  EXPECT_EQ(text.code, 0) << text.err;
  EXPECT_NE(text.out.find("warnings:\n  - " + w1 + "\n  - " + f + ":2: 'Y.Y.Y.Y'"),
            std::string::npos)
      << text.out;
  Outcome json = Endpoints({"-o", "json", f});
  ASSERT_EQ(json.code, 0) << json.err;
  auto j = nlohmann::json::parse(json.out);
  ASSERT_EQ(j["warnings"].size(), 2u);
  EXPECT_EQ(j["warnings"][0], w1);
  EXPECT_EQ(j["endpoints"].size(), 2u);
  Outcome mapped = Endpoints(With(kSeedCidrs, {"-o", "json", f}));
  EXPECT_EQ(mapped.code, 1);
  EXPECT_EQ(nlohmann::json::parse(mapped.out)["problems"].size(), 2u);
  Outcome cut = Endpoints({"-"}, "10.0.0.1:80   HEALTHY   OK   c\n10.0.0.2:80   HEALTHY\n");
  EXPECT_EQ(cut.code, 0);
  EXPECT_NE(cut.out.find("warnings:\n  - <stdin>:2: row ends before its CLUSTER column"),
            std::string::npos)
      << cut.out;
  Outcome clean =
      Endpoints({"-o", "json", Fixture("pc_endpoints_table__gh8569_status_column_2018.txt")});
  EXPECT_EQ(clean.code, 0);
  EXPECT_TRUE(nlohmann::json::parse(clean.out)["warnings"].empty());
}

// JSON with `//` comments is a located one-line error, exit 2.
TEST(CmdEndpointsTest, CommentedJsonExitsTwoNamingTheLine) {
  const std::string f = Fixture("pc_endpoints_json__annotated_replica_comments.txt");
  Outcome o = Endpoints({f});
  EXPECT_EQ(o.code, 2);
  EXPECT_EQ(o.err.rfind("meshverify endpoints: " + f + ": byte 272, line 9, column 50: ", 0), 0u)
      << o.err;
  EXPECT_EQ(o.err.find('\n'), o.err.size() - 1);
}

TEST(CmdEndpointsTest, BadFlagsAndInputExitTwo) {
  struct Case {
    Args args;
    std::string stdin_text;
    std::string err;
  } cases[] = {
      {{"--format", "xml"},
       "",
       "meshverify endpoints: --format: unknown format 'xml' "
       "(auto|table|json|envoy-json|envoy-text|eds|eds-json)\n"},
      {{"-o", "yaml"}, "", "meshverify endpoints: -o yaml: expected text or json\n"},
      {{"--cidr", "cluster1"},
       "[]",
       "meshverify endpoints: --cidr cluster1: expected CLUSTER=VALUE\n"},
      {{"--cidr", "c1=10.241.0.1/16"},
       "[]",
       "meshverify endpoints: --cidr c1=10.241.0.1/16: '10.241.0.1/16': host bits set\n"},
      {{"-"},
       "[{\"name\": ",
       "meshverify endpoints: <stdin>: byte 11, line 1, column 11: syntax error while parsing "
       "value - unexpected end of input; expected '[', '{', or a literal\n"},
      {{"--format", "table", "-"},
       "ENDPOINT  STATUS  OUTLIER CHECK  CLUSTER\n1.2.3.4:80  SICK  OK  c\n",
       "meshverify endpoints: <stdin>:2: unknown STATUS 'SICK' "
       "(want UNKNOWN|HEALTHY|UNHEALTHY|DRAINING|TIMEOUT|DEGRADED)\n"},
  };
  for (const Case& c : cases) {
    Outcome o = Endpoints(c.args, c.stdin_text);
    EXPECT_EQ(o.code, 2) << c.err;
    EXPECT_EQ(o.err, c.err);
  }
  Outcome missing = Endpoints({"/nonexistent/view.txt"});
  EXPECT_EQ(missing.code, 2);
  EXPECT_NE(missing.err.find("/nonexistent/view.txt"), std::string::npos);
}

TEST(CmdEndpointsTest, HelpDocumentsExitCodes) {
  Outcome o = Endpoints({"--help"});
  EXPECT_EQ(o.code, 0);
  EXPECT_NE(o.out.find("Exit codes: 0 no problems; 1 problems found"), std::string::npos);
}

// Solo's workshop (lab 5): cluster1's sidecar lists its pod and the east-west gateways of
// cluster2 and cluster3; the pod CIDRs of all three are the same (a multi-network mesh).
TEST(CmdEndpointsTest, GatewayEndpointsBelongToTheirClusters) {
  const std::string file =
      std::string(MESHVERIFY_FIXTURES) + "/realworld/pc_endpoints_table__solo_lab5_three_clusters.txt";
  Args args = {"--cidr", "cluster1=10.101.0.0/16", "--cidr", "cluster2=10.101.0.0/16",
               "--cidr", "cluster3=10.101.0.0/16", "--gateway", "cluster1=172.18.1.1:15443",
               "--gateway", "cluster2=172.18.2.1:15443", "--gateway", "cluster3=172.18.3.1",
               "-o", "json", file};
  Outcome o = Endpoints(args);
  ASSERT_EQ(o.code, 0) << o.out << o.err;  // overlap accepted: gateways tell the clusters apart
  nlohmann::json j = nlohmann::json::parse(o.out);
  ASSERT_EQ(j["endpoints"].size(), 3u);
  EXPECT_EQ(j["endpoints"][0]["cluster"], "cluster1");  // the one network whose gateway is absent
  EXPECT_FALSE(j["endpoints"][0].contains("via"));
  EXPECT_EQ(j["endpoints"][1]["cluster"], "cluster2");
  EXPECT_EQ(j["endpoints"][1]["via"], "gateway");
  EXPECT_EQ(j["endpoints"][2]["cluster"], "cluster3");
  EXPECT_EQ(j["endpoints"][2]["via"], "gateway");
  EXPECT_TRUE(j["problems"].empty()) << j["problems"];
  EXPECT_NEAR(j["clusters"]["cluster2"]["expected_share"].get<double>(), 1.0 / 3, 1e-12);
  ASSERT_EQ(j["notes"].size(), 1u);
  EXPECT_NE(j["notes"][0].get<std::string>().find("a table has no weights"), std::string::npos);
  // Text: marked, and the note shown.
  args.pop_back();
  args.pop_back();
  args.pop_back();
  args.push_back(file);
  o = Endpoints(args);
  EXPECT_EQ(o.code, 0) << o.out;
  EXPECT_NE(o.out.find("172.18.2.1:15443"), std::string::npos);
  EXPECT_NE(o.out.find(" via gateway"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("note: a table has no weights"), std::string::npos) << o.out;
  // Without the gateways the same overlap is a problem (exit 1).
  o = Endpoints({"--cidr", "cluster1=10.101.0.0/16", "--cidr", "cluster2=10.101.0.0/16", file});
  EXPECT_EQ(o.code, 1) << o.out;
  EXPECT_NE(o.out.find("pod CIDRs overlap"), std::string::npos) << o.out;
  // A bad --gateway is a usage error.
  o = Endpoints({"--gateway", "cluster2=gw.example:15443", file});
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("--gateway cluster2=gw.example:15443: 'gw.example:15443': not an IP"),
            std::string::npos)
      << o.err;
}

}  // namespace
}  // namespace meshverify::cli
