// Every endpoint view in tests/data/realworld/ (outputs people pasted into issues, blog
// posts and workshop pages), each checked against the facts of its PROVENANCE.md entry.
#include <gtest/gtest.h>

#include <regex>

#include "meshverify/endpoints.h"
#include "parse/endpoints_internal.h"
#include "parse/endpoints_test_util.h"

namespace meshverify {
namespace {

using testing_endpoints::ExpectRows;
using testing_endpoints::ReadFixture;
using testing_endpoints::ReadTestData;

std::string Sample(const std::string& name) { return ReadFixture("realworld/" + name); }

// Parses a sample with format detection, as `meshverify endpoints FILE` does.
EndpointView View(const std::string& name, EndpointFormat want) {
  std::string text = Sample(name);
  EXPECT_EQ(DetectEndpointFormat(text), want) << name;
  Result<EndpointView> v = ParseEndpointView(text, EndpointFormat::kAuto, name);
  EXPECT_TRUE(v.ok()) << v.status().ToString();
  if (v.ok()) {
    EXPECT_EQ(v->format, want) << name;
  }
  return v.ok() ? *v : EndpointView{};
}

// istio/istio#8569 (2018): the three-column table from before OUTLIER CHECK existed.
TEST(RealWorldEndpointsTest, StatusColumn2018HasNoOutlierColumn) {
  EndpointView v =
      View("pc_endpoints_table__gh8569_status_column_2018.txt", EndpointFormat::kIstioctlTable);
  ExpectRows(v.endpoints, {{"172.17.0.13", 443, "HEALTHY", false,
                            "outbound|443||istio-ingressgateway.istio-system.svc.cluster.local"},
                           {"172.17.0.19", 443, "HEALTHY", false,
                            "outbound|443||istio-galley.istio-system.svc.cluster.local"},
                           {"172.17.0.4", 443, "HEALTHY", false,
                            "outbound|443||istio-sidecar-injector.istio-system.svc.cluster.local"},
                           {"172.17.0.6", 443, "HEALTHY", false,
                            "outbound|443||istio-egressgateway.istio-system.svc.cluster.local"}});
  EXPECT_TRUE(v.warnings.empty());
}

// istio/istio#35082: piped through grep, so no header; two remote networks' east-west gateways
// on 15443 next to the local pod, all HEALTHY (Istio does not health-check remote gateways).
TEST(RealWorldEndpointsTest, GrepWithoutHeaderThreeNetworks) {
  EndpointView v =
      View("pc_endpoints_table__gh35082_grep_three_networks.txt", EndpointFormat::kIstioctlTable);
  const char* kPage = "outbound|9080||productpage.istio.svc.cluster.local";
  ExpectRows(v.endpoints, {{"172.22.0.18", 9080, "HEALTHY", false, kPage},
                           {"192.168.229.100", 15443, "HEALTHY", false, kPage},
                           {"192.168.229.101", 15443, "HEALTHY", false, kPage}});
  EXPECT_TRUE(v.warnings.empty());
}

// istio/istio#54979: only the header (every column header width + 5): no endpoints, no error.
TEST(RealWorldEndpointsTest, HeaderAloneIsAnEmptyView) {
  EndpointView v =
      View("pc_endpoints_table__gh54979_header_only.txt", EndpointFormat::kIstioctlTable);
  EXPECT_TRUE(v.endpoints.empty());
  EXPECT_TRUE(v.warnings.empty());
}

// istio.io external locality failover blog: an outlier-ejected ServiceEntry endpoint.
TEST(RealWorldEndpointsTest, BlogMydbOneEjected) {
  EndpointView v =
      View("pc_endpoints_table__istio_io_blog_mydb_failed.txt", EndpointFormat::kIstioctlTable);
  ExpectRows(v.endpoints, {{"52.119.226.80", 81, "HEALTHY", true, "outbound|80||mydb.com"},
                           {"52.94.12.144", 80, "HEALTHY", false, "outbound|80||mydb.com"}});
  EXPECT_FALSE(v.endpoints[0].Routable());  // HEALTHY but ejected
  EXPECT_TRUE(v.endpoints[1].Routable());
}

// Solo.io workshop lab 5: two blank lines before the table; the remote clusters' endpoints are
// their east-west gateways on 15443.
TEST(RealWorldEndpointsTest, SoloLab5LeadingBlankLinesAndGateways) {
  EndpointView v =
      View("pc_endpoints_table__solo_lab5_three_clusters.txt", EndpointFormat::kIstioctlTable);
  const char* kHw = "outbound|5000||helloworld.sample.svc.cluster.local";
  ExpectRows(v.endpoints, {{"10.101.171.136", 5000, "HEALTHY", false, kHw},
                           {"172.18.2.1", 15443, "HEALTHY", false, kHw},
                           {"172.18.3.1", 15443, "HEALTHY", false, kHw}});
  EXPECT_TRUE(v.warnings.empty());
}

// A Chinese article: every line, header included, prefixed with "# "; a subset cluster; rows
// sorted as strings; two stale pods ejected.
TEST(RealWorldEndpointsTest, HashPrefixedTableTwoFailed) {
  EndpointView v =
      View("pc_endpoints_table__zh_hash_commented_two_failed.txt", EndpointFormat::kIstioctlTable);
  const char* kRec = "outbound|3005|v1|recommendation.weather.svc.cluster.local";
  ExpectRows(v.endpoints, {{"10.42.1.39", 3005, "HEALTHY", true, kRec},
                           {"10.42.1.40", 3005, "HEALTHY", false, kRec},
                           {"10.42.1.41", 3005, "HEALTHY", true, kRec},
                           {"10.42.2.13", 3005, "HEALTHY", false, kRec},
                           {"10.42.2.6", 3005, "HEALTHY", false, kRec}});
  EXPECT_TRUE(v.warnings.empty());
}

// malston/istio-liveproject: istioctl -o json of ~1.9-1.11 (weight, locality {}, zero stats
// without value, a circuitBreakers block). Taken by the DOM-free fast path.
TEST(RealWorldEndpointsTest, LiveprojectJsonTwoHosts) {
  const std::string name = "pc_endpoints_json__malston_liveproject_frontend_two_hosts.txt";
  EndpointView v = View(name, EndpointFormat::kIstioctlJson);
  const char* kFront = "outbound|80||frontend.online-boutique.svc.cluster.local";
  ExpectRows(v.endpoints, {{"172.17.0.4", 8080, "HEALTHY", false, kFront},
                           {"172.17.0.9", 8080, "HEALTHY", false, kFront}});
  for (const Endpoint& e : v.endpoints) {
    EXPECT_EQ(e.weight, 1u);
    EXPECT_EQ(e.locality, "");
    EXPECT_EQ(e.counters.at("rq_total"), 0u);
  }
  EXPECT_TRUE(v.warnings.empty());
  EXPECT_TRUE(endpoints_internal::FastParseClusterStatusesJson(Sample(name)).has_value());
}

// A sibling page annotated two lines with "// 1st Replica": not JSON. A located error (exit 2
// in the CLI); without the comments the same text gives the two replicas.
TEST(RealWorldEndpointsTest, CommentsInJsonAreALocatedError) {
  const std::string name = "pc_endpoints_json__annotated_replica_comments.txt";
  std::string text = Sample(name);
  Result<EndpointView> v = ParseEndpointView(text, EndpointFormat::kAuto, name);
  ASSERT_FALSE(v.ok());
  EXPECT_TRUE(v.status().IsInvalidInput());
  EXPECT_EQ(v.status().message(),
            name +
                ": byte 272, line 9, column 50: syntax error while parsing object key - invalid "
                "literal; last read: '\"172.17.0.7\", /'; expected string literal (a comment: "
                "JSON has none; remove it)");
  std::string stripped = std::regex_replace(text, std::regex(" // [^\n]*"), "");
  Result<EndpointView> clean = ParseEndpointView(stripped, EndpointFormat::kAuto, name);
  ASSERT_TRUE(clean.ok()) << clean.status().ToString();
  const char* kFront = "outbound|8000||frontend.online-boutique.svc.cluster.local";
  ExpectRows(clean->endpoints, {{"172.17.0.7", 8080, "HEALTHY", false, kFront},
                                {"172.17.0.9", 8080, "HEALTHY", false, kFront}});
}

// istio/istio#51956: the eds table with empty LOCALITY; the same IP:port in several clusters.
TEST(RealWorldEndpointsTest, EdsExcerptSameAddressInSeveralClusters) {
  EndpointView v = View("pc_eds__gh51956_dualstack_echo_excerpt.txt", EndpointFormat::kEdsTable);
  auto svc = [](const char* port, const char* name) {
    return std::string("outbound|") + port + "||" + name + ".default.svc.cluster.local";
  };
  ExpectRows(v.endpoints, {{"127.0.0.1", 15020, "HEALTHY", false, "agent"},
                           {"10.244.0.8", 80, "HEALTHY", false, svc("80", "echo-v4v6")},
                           {"10.244.0.8", 9090, "HEALTHY", false, svc("9090", "echo-v4v6")},
                           {"10.244.0.8", 80, "HEALTHY", false, svc("80", "echo-v6v4")},
                           {"10.244.0.8", 9090, "HEALTHY", false, svc("9090", "echo-v6v4")},
                           {"10.244.0.8", 80, "HEALTHY", false, svc("80", "echo")},
                           {"10.244.0.8", 443, "HEALTHY", false, svc("443", "echo")},
                           {"10.244.0.8", 7070, "HEALTHY", false, svc("7070", "echo")},
                           {"10.244.0.8", 9090, "HEALTHY", false, svc("9090", "echo")},
                           {"10.244.0.8", 9091, "HEALTHY", false, svc("9091", "echo")}});
  for (const Endpoint& e : v.endpoints) EXPECT_EQ(e.locality, "");
  EXPECT_TRUE(v.warnings.empty());
}

// The source of that excerpt stops in the middle of its 11th row, after HEALTHY: such a row
// is kept, with a warning that names its line.
TEST(RealWorldEndpointsTest, EdsExcerptWithItsCutRowKeepsItWithAWarning) {
  std::string text = Sample("pc_eds__gh51956_dualstack_echo_excerpt.txt") +
                     "10.244.0.7:8080                                  HEALTHY\n";
  Result<EndpointView> v = ParseEndpointView(text, EndpointFormat::kAuto, "eds.txt");
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  ASSERT_EQ(v->endpoints.size(), 11u);
  ExpectRows({v->endpoints.back()}, {{"10.244.0.7", 8080, "HEALTHY", false, ""}});
  EXPECT_EQ(v->warnings, std::vector<std::string>{"eds.txt:12: row ends before its CLUSTER "
                                                  "column (cut off?): kept with no Envoy cluster"});
}

// projectcontour/contour#7358: /clusters text with the addresses replaced by X.X.X.X and
// Y.Y.Y.Y. Both hosts are kept (never a silent "no endpoints"), each with a warning.
TEST(RealWorldEndpointsTest, ContourRedactedAddressesAreKeptWithWarnings) {
  EndpointView v = View("envoy_clusters_text__contour_gh7358_redacted_ips.txt",
                        EndpointFormat::kEnvoyClustersText);
  ExpectRows(v.endpoints,
             {{"X.X.X.X", 443, "UNHEALTHY", false, "example-proxy/service-1/443/ddc01a37e7"},
              {"Y.Y.Y.Y", 443, "HEALTHY", false, "example-proxy/service-2/443/ddc01a37e7"}});
  const std::string f = "envoy_clusters_text__contour_gh7358_redacted_ips.txt";
  EXPECT_EQ(v.warnings,
            (std::vector<std::string>{
                f + ":1: 'X.X.X.X' is not an IP address (redacted?): kept, but no pod CIDR can "
                    "map it",
                f + ":2: 'Y.Y.Y.Y' is not an IP address (redacted?): kept, but no pod CIDR can "
                    "map it"}));
}

// envoyproxy/envoy#815 (2017): the oldest /clusters text (no added_via_api, zone::,
// success_rate::-1).
TEST(RealWorldEndpointsTest, Envoy2017TextFormat) {
  EndpointView v =
      View("envoy_clusters_text__envoy_gh815_2017_format.txt", EndpointFormat::kEnvoyClustersText);
  ExpectRows(v.endpoints, {{"127.0.0.1", 9001, "HEALTHY", false, "service1"}});
  const Endpoint& e = v.endpoints[0];
  EXPECT_EQ(e.weight, 1u);
  EXPECT_EQ(e.locality, "");
  EXPECT_EQ(e.counters.at("rq_total"), 0u);
  EXPECT_EQ(e.counters.size(), 6u);  // cx_active cx_connect_fail cx_total rq_active rq_timeout
                                     // rq_total
  EXPECT_TRUE(v.warnings.empty());
}

// Envoy's early streaming /clusters JSON: socket_address.port, plain numbers for success rates,
// and the same ClusterStatus twice. The host is the text golden's: 1.2.3.4:80, DRAINING,
// ejected; the repeated cluster is a warning.
TEST(RealWorldEndpointsTest, EnvoyStreamingJsonOlderProtoForm) {
  const std::string name = "envoy_clusters_json__envoy_test_golden_15c1dd_streaming.txt";
  EndpointView v = View(name, EndpointFormat::kEnvoyClustersJson);
  ExpectRows(v.endpoints, {{"1.2.3.4", 80, "DRAINING", true, "test_cluster"},
                           {"1.2.3.4", 80, "DRAINING", true, "test_cluster"}});
  auto golden =
      ParseEndpoints(ReadTestData("istio/envoy_admin_clusters_text__envoy_test_golden.txt"),
                     EndpointFormat::kAuto, "golden.txt");
  ASSERT_TRUE(golden.ok() && golden->size() == 1u);
  for (const Endpoint& e : v.endpoints) {
    EXPECT_EQ(e.locality, (*golden)[0].locality);
    EXPECT_EQ(e.hostname, (*golden)[0].hostname);
    EXPECT_EQ(e.priority, (*golden)[0].priority);
    EXPECT_EQ(e.weight, (*golden)[0].weight);
    EXPECT_EQ(e.counters, (*golden)[0].counters);
  }
  EXPECT_EQ(v.warnings, std::vector<std::string>{
                            name + ": cluster_statuses[1]: cluster 'test_cluster' is listed "
                                   "again (first at cluster_statuses[0]): its hosts are kept "
                                   "twice"});
  EXPECT_FALSE(endpoints_internal::FastParseClusterStatusesJson(Sample(name)).has_value());
}

}  // namespace
}  // namespace meshverify
