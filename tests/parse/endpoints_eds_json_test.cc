// `istioctl proxy-config eds -o json` (ClusterLoadAssignment).
#include <gtest/gtest.h>

#include "meshverify/endpoints.h"
#include "parse/endpoints_test_util.h"

namespace meshverify {
namespace {

using testing_endpoints::ExpectRows;
using testing_endpoints::ReadTestData;

TEST(EndpointsEdsJsonTest, ReadsRealOutputWithWorkloadClusterId) {
  auto r = ParseEndpoints(ReadTestData("istio/istioctl_pc_eds__portfilter_output.json"),
                          EndpointFormat::kEdsJson, "eds.json");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ExpectRows(*r, {{"10.244.0.176", 8080, "HEALTHY", false,
                   "outbound|80||istio-ingressgateway.istio-system.svc.cluster.local"},
                  {"10.244.0.189", 8080, "HEALTHY", false,
                   "outbound|80||skywalking-ui.skywalking.svc.cluster.local"}});
  for (const Endpoint& e : *r) {
    EXPECT_EQ(e.workload_cluster_id, "Kubernetes");  // kind's default Istio cluster ID
    EXPECT_EQ(e.weight, 1u);
    EXPECT_EQ(e.locality, "");
  }
}

// The EDS table and the JSON are two prints of the same assignment.
TEST(EndpointsEdsJsonTest, AgreesWithTheEdsTable) {
  auto json = ParseEndpoints(ReadTestData("istio/istioctl_pc_eds__portfilter_output.json"),
                             EndpointFormat::kAuto, "eds.json");
  auto table = ParseEndpoints(ReadTestData("istio/istioctl_pc_eds__portfilter_output.txt"),
                              EndpointFormat::kAuto, "eds.txt");
  ASSERT_TRUE(json.ok() && table.ok());
  ASSERT_EQ(json->size(), table->size());
  for (size_t i = 0; i < json->size(); ++i) {
    EXPECT_EQ((*json)[i].address, (*table)[i].address);
    EXPECT_EQ((*json)[i].port, (*table)[i].port);
    EXPECT_EQ((*json)[i].health, (*table)[i].health);
    EXPECT_EQ((*json)[i].envoy_cluster, (*table)[i].envoy_cluster);
  }
}

TEST(EndpointsEdsJsonTest, ReadsLocalityPriorityWeightAndSnakeCase) {
  auto r = ParseEndpoints(R"([{"cluster_name": "outbound|5000||hw", "endpoints": [
      {"locality": {"region": "eu", "zone": "eu-1"}, "priority": 1, "lb_endpoints": [
        {"endpoint": {"address": {"socket_address": {"address": "10.244.0.8", "port_value": 5000}},
                      "hostname": "helloworld-v2-abc"},
         "health_status": "UNHEALTHY", "load_balancing_weight": 4,
         "metadata": {"filter_metadata": {"istio": {"workload":
             "helloworld-v2;sample;helloworld;v2;cluster2"}}}}]}]}])",
                          EndpointFormat::kEdsJson, "eds.json");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 1u);
  const Endpoint& e = (*r)[0];
  EXPECT_EQ(e.locality, "eu/eu-1");
  EXPECT_EQ(e.priority, 1u);
  EXPECT_EQ(e.weight, 4u);
  EXPECT_EQ(HealthStatusName(e.health), "UNHEALTHY");
  EXPECT_EQ(e.hostname, "helloworld-v2-abc");
  EXPECT_EQ(e.workload_cluster_id, "cluster2");
}

TEST(EndpointsEdsJsonTest, RejectsWrongShapes) {
  struct Case {
    const char* text;
    const char* message;
  } cases[] = {
      {"[{\"endpoints\": []}]", "eds.json: [0].clusterName: expected a string"},
      {R"([{"clusterName": "c", "endpoints": [{"lbEndpoints": [{"endpoint": {}}]}]}])",
       "eds.json: [0].endpoints[0].lbEndpoints[0].endpoint.address: expected socketAddress or "
       "pipe"},
      {R"([{"clusterName": "c", "endpoints": [{"lbEndpoints": [{"endpoint": {"address":
          {"pipe": {"path": "/p"}}}, "healthStatus": 3}]}]}])",
       "eds.json: [0].endpoints[0].lbEndpoints[0].healthStatus: unknown health status"},
      {"[{\"clusterName\": \"c\", ",
       "eds.json: byte 23, line 1, column 23: syntax error while parsing object key - "
       "unexpected end of input; expected string literal"},
  };
  for (const auto& c : cases) {
    auto r = ParseEndpoints(c.text, EndpointFormat::kEdsJson, "eds.json");
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.status().message(), c.message);
  }
}

}  // namespace
}  // namespace meshverify
