// Envoy admin /clusters plain text.
#include <gtest/gtest.h>

#include "meshverify/endpoints.h"
#include "parse/endpoints_test_util.h"

namespace meshverify {
namespace {

using testing_endpoints::ExpectRows;
using testing_endpoints::ReadTestData;

Result<std::vector<Endpoint>> Text(std::string_view text) {
  return ParseEndpoints(text, EndpointFormat::kEnvoyClustersText, "c.txt");
}

TEST(EndpointsTextTest, ReadsEnvoyGoldenWithEveryFlag) {
  auto r = Text(ReadTestData("istio/envoy_admin_clusters_text__envoy_test_golden.txt"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  // eds_status_draining wins over the active-HC flags; failed_outlier_check ejects.
  ExpectRows(*r, {{"1.2.3.4", 80, "DRAINING", true, "test_cluster"}});
  const Endpoint& e = (*r)[0];
  EXPECT_EQ(e.hostname, "test_hostname");
  EXPECT_EQ(e.weight, 1u);
  EXPECT_EQ(e.priority, 1u);
  EXPECT_EQ(e.locality, "test_region/test_zone/test_sub_zone");
  EXPECT_EQ(e.counters, (Counters{{"test_counter", 10}, {"test_gauge", 11}}));
}

TEST(EndpointsTextTest, ReadsRealIstioSidecarCapture) {
  auto r = Text(ReadTestData("istio/envoy_admin_clusters_text__istio_sidecar_capture.txt"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ExpectRows(*r, {{"172.20.217.80", 80, "HEALTHY", false,
                   "outbound|80||demoapp.default.svc.cluster.local"}});
  const Endpoint& e = (*r)[0];
  EXPECT_EQ(e.locality, "");
  EXPECT_EQ(e.hostname, "");
  EXPECT_EQ(e.priority, 0u);
  EXPECT_EQ(e.counters.size(), 8u);  // cx_active ... rq_total
  EXPECT_EQ(e.counters.at("rq_total"), 0u);
  EXPECT_EQ(e.counters.count("success_rate"), 0u);
}

TEST(EndpointsTextTest, ReadsIpv6PipesAndSeveralHosts) {
  auto r = Text(
      "hw::added_via_api::true\r\n"
      "hw::[fd00:10:244::5]:5000::rq_total::12\r\n"
      "hw::[fd00:10:244::5]:5000::health_flags::/failed_eds_health\r\n"
      "hw::10.241.0.7:5000::health_flags::healthy\r\n"
      "hw::10.241.0.7:5000::weight::2\r\n"
      "hw::[fd00:10:244::5]:5000::weight::1\r\n"
      "inbound::/sock/a.socket::health_flags::/failed_outlier_check\r\n"
      "\r\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ExpectRows(*r, {{"fd00:10:244::5", 5000, "UNHEALTHY", false, "hw"},
                  {"10.241.0.7", 5000, "HEALTHY", false, "hw"},
                  {"unix:///sock/a.socket", 0, "HEALTHY", true, "inbound"}});
  EXPECT_EQ((*r)[0].counters.at("rq_total"), 12u);
  EXPECT_EQ((*r)[1].weight, 2u);
}

TEST(EndpointsTextTest, ActiveHealthCheckFailureIsUnhealthy) {
  auto r = Text("c::10.0.0.1:80::health_flags::/failed_active_hc\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(HealthStatusName((*r)[0].health), "UNHEALTHY");
  EXPECT_FALSE((*r)[0].outlier_ejected);
}

TEST(EndpointsTextTest, OnlyClusterLinesIsEmpty) {
  auto r = Text("c::added_via_api::true\nc::default_priority::max_retries::3\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->empty());
}

TEST(EndpointsTextTest, RejectsBadLines) {
  struct Case {
    const char* text;
    const char* message;
  } cases[] = {
      {"c::10.0.0.1:80::weight::1\njunk\n",
       "c.txt:2: expected '<cluster>::<host>::<stat>::<value>'"},
      {"c::10.0.0.1:80::weight::heavy\n", "c.txt:1: weight: expected a uint32, got 'heavy'"},
      {"c::10.0.0.1:80::priority::-1\n", "c.txt:1: priority: expected a uint32, got '-1'"},
      {"::10.0.0.1:80::weight::1\n", "c.txt:1: expected '<cluster>::<host>::<stat>::<value>'"},
  };
  for (const auto& c : cases) {
    auto r = Text(c.text);
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.status().message(), c.message);
  }
}

}  // namespace
}  // namespace meshverify
