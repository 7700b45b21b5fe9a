// ClusterStatus JSON: istioctl `-o json` (camelCase) and Envoy /clusters?format=json (snake).
#include <gtest/gtest.h>

#include "meshverify/endpoints.h"
#include "parse/endpoints_internal.h"
#include "parse/endpoints_test_util.h"

namespace meshverify {
namespace {

using testing_endpoints::ExpectRows;
using testing_endpoints::ReadTestData;

constexpr char kReviews[] = "outbound|9080||reviews.default.svc.cluster.local";

Result<std::vector<Endpoint>> Json(std::string_view text) {
  return ParseEndpoints(text, EndpointFormat::kIstioctlJson, "e.json");
}

TEST(EndpointsJsonTest, ReadsRealEnvoyDumpWithMixedSpellings) {
  auto r = ParseEndpoints(ReadTestData("istio/istioctl_pc_endpoints__clusters.json"),
                          EndpointFormat::kEnvoyClustersJson, "c.json");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 9u);
  const Endpoint& pipe = r->back();  // snake_case host_statuses / health_status / eds_...
  EXPECT_EQ(pipe.envoy_cluster, "inbound_9092");
  EXPECT_EQ(pipe.address, "unix:///sock/mixer.socket");
  EXPECT_EQ(pipe.port, 0u);
  EXPECT_EQ(HealthStatusName(pipe.health), "HEALTHY");
  EXPECT_EQ(pipe.counters.at("cx_connect_fail"), 64u);
  EXPECT_EQ(pipe.counters.at("cx_total"), 72u);
  EXPECT_EQ(pipe.counters.at("rq_error"), 78u);
  EXPECT_EQ(pipe.counters.at("rq_success"), 300076u);
  EXPECT_EQ(pipe.counters.at("rq_total"), 300076u);
  EXPECT_EQ(pipe.counters.at("cx_active"), 8u);
  const Endpoint& first = r->front();
  EXPECT_EQ(first.address, "172.17.0.4");
  EXPECT_EQ(first.port, 443u);
  EXPECT_EQ(first.counters.at("rq_total"), 0u);  // zero values are omitted, still listed
  EXPECT_EQ(first.weight, 1u);                   // predates `weight`
  EXPECT_EQ(first.locality, "");
  size_t ejected = 0, unhealthy = 0;
  for (const Endpoint& e : *r) {
    ejected += e.outlier_ejected;
    unhealthy += HealthStatusName(e.health) == "UNHEALTHY";
  }
  EXPECT_EQ(ejected, 1u);
  EXPECT_EQ(unhealthy, 1u);
}

TEST(EndpointsJsonTest, ReadsRealMultiHostOutput) {
  auto r = Json(ReadTestData("istio/istioctl_pc_endpoints__clustermultihostsfiltered.txt"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ExpectRows(*r, {{"172.17.0.24", 9080, "HEALTHY", false, kReviews},
                  {"172.17.0.26", 9080, "HEALTHY", false, kReviews},
                  {"172.17.0.27", 9080, "HEALTHY", true, kReviews}});
  EXPECT_EQ((*r)[2].counters.size(), 8u);
  EXPECT_FALSE((*r)[2].Routable());
}

TEST(EndpointsJsonTest, ReadsRealUnhealthyFilteredOutput) {
  auto r = Json(ReadTestData("istio/istioctl_pc_endpoints__clusterfiltered.txt"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ExpectRows(*r, {{"172.17.0.14", 15014, "UNHEALTHY", false,
                   "outbound|15014||istio-policy.istio-system.svc.cluster.local"}});
}

TEST(EndpointsJsonTest, ReadsRealModernCapture) {
  auto r = Json(ReadTestData("istio/istioctl_pc_endpoints__modern_ojson_capture.json"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ExpectRows(
      *r, {{"10.244.0.6", 80, "HEALTHY", false, "outbound|80||nginx.sidecar.svc.cluster.local"}});
  const Endpoint& e = (*r)[0];
  EXPECT_EQ(e.weight, 1u);
  EXPECT_EQ(e.locality, "");  // `locality: {}`
  EXPECT_EQ(e.priority, 0u);
  EXPECT_EQ(e.counters.size(), 8u);
  EXPECT_EQ(e.counters.at("rq_total"), 0u);
}

TEST(EndpointsJsonTest, ReadsSnakeCaseAndOptionalFields) {
  auto r = ParseEndpoints(R"({"cluster_statuses": [{"name": "outbound|5000||hw",
      "host_statuses": [
        {"address": {"socket_address": {"address": "fd00:10:244::5", "port_value": 5000}},
         "stats": [{"name": "rq_total", "value": "18446744073709551615"},
                   {"name": "rq_error", "value": 7}],
         "health_status": {"eds_health_status": "DEGRADED", "failed_outlier_check": true},
         "weight": 3, "priority": 1, "hostname": "helloworld-v2",
         "locality": {"region": "r1", "zone": "z1", "sub_zone": "s1"}},
        {"address": {"socketAddress": {"address": "10.244.0.9", "portValue": 5000}},
         "healthStatus": {"failedActiveHealthCheck": true, "edsHealthStatus": "HEALTHY"}},
        {"address": {"socketAddress": {"address": "10.244.0.10", "portValue": 5000}}}]}]})",
                          EndpointFormat::kEnvoyClustersJson, "e.json");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 3u);
  const Endpoint& e = (*r)[0];
  EXPECT_EQ(e.address, "fd00:10:244::5");
  EXPECT_EQ(HealthStatusName(e.health), "DEGRADED");
  EXPECT_TRUE(e.outlier_ejected);
  EXPECT_EQ(e.weight, 3u);
  EXPECT_EQ(e.priority, 1u);
  EXPECT_EQ(e.hostname, "helloworld-v2");
  EXPECT_EQ(e.locality, "r1/z1/s1");
  EXPECT_EQ(e.counters.at("rq_total"), UINT64_MAX);
  EXPECT_EQ(e.counters.at("rq_error"), 7u);
  EXPECT_EQ(HealthStatusName((*r)[1].health), "UNHEALTHY");  // failed active health check: not routed to
  EXPECT_EQ(HealthStatusName((*r)[2].health), "UNKNOWN");    // no healthStatus: proto3 zero value
}

TEST(EndpointsJsonTest, EmptyViews) {
  for (const char* text : {"[]", "[\n]\n", "{}", R"({"cluster_statuses": []})",
                           R"([{"name": "outbound|5000||hw"}])"}) {
    auto r = ParseEndpoints(text, EndpointFormat::kAuto, "e.json");
    ASSERT_TRUE(r.ok()) << text << ": " << r.status().ToString();
    EXPECT_TRUE(r->empty()) << text;
  }
}

TEST(EndpointsJsonTest, TruncatedJsonNamesTheByte) {
  std::string full = ReadTestData("istio/istioctl_pc_endpoints__modern_ojson_capture.json");
  std::string cut = full.substr(0, 300);
  auto r = Json(cut);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "e.json: byte 301, line 11, column 3: syntax error while parsing object - unexpected "
            "end of input; expected '}'");
}

TEST(EndpointsJsonTest, RejectsWrongShapesNamingThePath) {
  struct Case {
    const char* text;
    const char* message;
  } cases[] = {
      {R"({"a": 1})",
       "e.json: (top level): expected cluster_statuses (Envoy /clusters?format=json)"},
      {"3", "e.json: (top level): expected an array of ClusterStatus objects"},
      {R"([{"hostStatuses": []}])", "e.json: [0].name: expected a string"},
      {R"([{"name": "c", "hostStatuses": {}}])", "e.json: [0].hostStatuses: expected an array"},
      {R"([{"name": "c", "hostStatuses": [{"address": {"socketAddress": {"address": "1.2.3.4",
          "portValue": 70000}}}]}])",
       "e.json: [0].hostStatuses[0].address.socketAddress.portValue: expected a port 0..65535"},
      {R"([{"name": "c", "hostStatuses": [{"address": {"x": 1}}]}])",
       "e.json: [0].hostStatuses[0].address: expected socketAddress, pipe or "
       "envoyInternalAddress"},
      {R"([{"name": "c", "hostStatuses": [{"address": {"pipe": {"path": "/s"}},
          "stats": [{"name": "rq_total", "value": "-1"}]}]}])",
       "e.json: [0].hostStatuses[0].stats[0].value: expected a uint64"},
      {R"([{"name": "c", "hostStatuses": [{"address": {"pipe": {"path": "/s"}},
          "healthStatus": {"edsHealthStatus": "SICK"}}]}])",
       "e.json: [0].hostStatuses[0].healthStatus.edsHealthStatus: unknown health status"},
      {R"({"cluster_statuses": [1]})",
       "e.json: cluster_statuses[0]: expected a ClusterStatus object"},
  };
  for (const Case& c : cases) {
    auto r = Json(c.text);
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_TRUE(r.status().IsInvalidInput());
    EXPECT_EQ(r.status().message(), c.message);
  }
}

}  // namespace
}  // namespace meshverify

namespace meshverify {
namespace {

// The DOM-free fast path must give exactly what the DOM parser gives, or step aside.
TEST(EndpointsJsonFastPathTest, AgreesWithTheDomParserOnEverySample) {
  namespace ei = endpoints_internal;
  int taken = 0;
  for (const char* file :
       {"istio/istioctl_pc_endpoints__clustermultihostsfiltered.txt",
        "istio/istioctl_pc_endpoints__clusterfiltered.txt",
        "istio/istioctl_pc_endpoints__modern_ojson_capture.json",
        "istio/istioctl_pc_endpoints__clusters.json", "endpoints/helloworld_two_clusters.json"}) {
    std::string text = testing_endpoints::ReadTestData(file);
    auto dom = ei::ParseClusterStatusesJson(text, file);
    ASSERT_TRUE(dom.ok()) << dom.status().ToString();
    auto fast = ei::FastParseClusterStatusesJson(text);
    if (!fast) continue;
    ++taken;
    ASSERT_EQ(fast->size(), dom->size()) << file;
    for (size_t i = 0; i < dom->size(); ++i) {
      const Endpoint& a = (*dom)[i];
      const Endpoint& b = (*fast)[i];
      EXPECT_EQ(a.envoy_cluster, b.envoy_cluster);
      EXPECT_EQ(a.address, b.address);
      EXPECT_EQ(a.port, b.port);
      EXPECT_EQ(a.health, b.health);
      EXPECT_EQ(a.outlier_ejected, b.outlier_ejected);
      EXPECT_EQ(a.weight, b.weight);
      EXPECT_EQ(a.locality, b.locality);
      EXPECT_EQ(a.counters, b.counters);
    }
  }
  EXPECT_EQ(taken, 4);  // clusters.json mixes in snake_case and pipes: the DOM parser reads it
  for (const char* text : {"[{\"name\": \"c\"", "[{\"name\": \"c\", \"name\": \"d\"}]",
                           "[{\"name\": \"c\\u0041\"}]", "[] x",
                           "[{\"name\": \"c\", "
                           "\"host_statuses\": []}]"}) {
    EXPECT_FALSE(ei::FastParseClusterStatusesJson(text).has_value()) << text;
  }
}

// The fast path takes an address only when it is surely an IP (the DOM parser warns about the
// rest), and leaves a repeated cluster to the DOM parser too.
TEST(EndpointsJsonFastPathTest, TakesOnlyAddressesThatAreIps) {
  namespace ei = endpoints_internal;
  auto view = [](const std::string& address) {
    return R"([{"name": "c", "hostStatuses": [{"address": {"socketAddress": {"address": ")" +
           address + R"(", "portValue": 80}}}]}])";
  };
  for (const char* ip : {"10.244.0.8", "0.0.0.0", "255.255.255.255", "1.2.3.4", "fd00::1", "::1",
                         "0::1", "fd00:10:244::5"}) {
    auto fast = ei::FastParseClusterStatusesJson(view(ip));
    ASSERT_TRUE(fast.has_value()) << ip;
    EXPECT_EQ((*fast)[0].address, ip);
  }
  for (const char* other : {"X.X.X.X", "1.2.3.256", "01.2.3.4", "1.2.3", "1.2.3.4.5", "1.2.3.4:80",
                            "1.2.3.1234", "", "fd00:::1", "[fd00::1]x", "host.example"}) {
    EXPECT_FALSE(ei::FastParseClusterStatusesJson(view(other)).has_value()) << other;
    auto dom = ParseEndpointView(view(other), EndpointFormat::kAuto, "e.json");
    ASSERT_TRUE(dom.ok()) << other;
    EXPECT_EQ(dom->warnings.size(), 1u) << other;
  }
  EXPECT_FALSE(ei::FastParseClusterStatusesJson(R"([{"name": "c"}, {"name": "c"}])").has_value());
  EXPECT_TRUE(ei::FastParseClusterStatusesJson(R"([{"name": "c"}, {"name": "d"}])").has_value());
}

}  // namespace
}  // namespace meshverify
