// The istioctl proxy-config endpoints and eds tables, on real captures and edge cases.
#include <gtest/gtest.h>

#include <algorithm>

#include "meshverify/endpoints.h"
#include "parse/endpoints_test_util.h"

namespace meshverify {
namespace {

using testing_endpoints::ExpectRows;
using testing_endpoints::ReadTestData;
using testing_endpoints::Row;

constexpr char kReviews[] = "outbound|9080||reviews.default.svc.cluster.local";

Result<std::vector<Endpoint>> Table(std::string_view text) {
  return ParseEndpoints(text, EndpointFormat::kIstioctlTable, "t.txt");
}

TEST(EndpointsTableTest, ReadsRealSummary) {
  auto r = Table(ReadTestData("istio/istioctl_pc_endpoints__clustersummary.txt"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ExpectRows(*r, {
                     {"172.17.0.13", 443, "HEALTHY", false,
                      "outbound|443||istio-ingressgateway.istio-system.svc.cluster.local"},
                     {"172.17.0.14", 15014, "UNHEALTHY", false,
                      "outbound|15014||istio-policy.istio-system.svc.cluster.local"},
                     {"172.17.0.19", 443, "HEALTHY", false,
                      "outbound|443||istio-galley.istio-system.svc.cluster.local"},
                     {"172.17.0.24", 9080, "HEALTHY", false, kReviews},
                     {"172.17.0.26", 9080, "HEALTHY", false, kReviews},
                     {"172.17.0.27", 9080, "HEALTHY", true, kReviews},
                     {"172.17.0.4", 443, "HEALTHY", false,
                      "outbound|443||istio-sidecar-injector.istio-system.svc.cluster.local"},
                     {"172.17.0.6", 443, "HEALTHY", false,
                      "outbound|443||istio-egressgateway.istio-system.svc.cluster.local"},
                     {"unix:///sock/mixer.socket", 0, "HEALTHY", false, "inbound_9092"},
                 });
  EXPECT_EQ((*r)[0].weight, 1u);  // the table has no weight: Envoy's default
  EXPECT_TRUE((*r)[0].counters.empty());
}

TEST(EndpointsTableTest, ReadsRealFilteredSummary) {
  auto r = Table(ReadTestData("istio/istioctl_pc_endpoints__clustersummaryfiltered.txt"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ExpectRows(*r, {{"172.17.0.14", 15014, "UNHEALTHY", false,
                   "outbound|15014||istio-policy.istio-system.svc.cluster.local"}});
}

// istioctl prints the table from the same clusters.json: both must give the same endpoints.
TEST(EndpointsTableTest, AgreesWithTheJsonItWasPrintedFrom) {
  auto table = Table(ReadTestData("istio/istioctl_pc_endpoints__clustersummary.txt"));
  auto json = ParseEndpoints(ReadTestData("istio/istioctl_pc_endpoints__clusters.json"),
                             EndpointFormat::kEnvoyClustersJson, "c.json");
  ASSERT_TRUE(table.ok() && json.ok());
  auto key = [](const Endpoint& e) {
    return e.address + "|" + std::to_string(e.port) + "|" + std::string(HealthStatusName(e.health)) + "|" +
           (e.outlier_ejected ? "F" : "OK") + "|" + e.envoy_cluster;
  };
  std::vector<std::string> a, b;
  for (const Endpoint& e : *table) a.push_back(key(e));
  for (const Endpoint& e : *json) b.push_back(key(e));
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  EXPECT_EQ(a, b);
}

TEST(EndpointsTableTest, ReadsRealEdsTableWithEmptyLocality) {
  auto r = ParseEndpoints(ReadTestData("istio/istioctl_pc_eds__portfilter_output.txt"),
                          EndpointFormat::kEdsTable, "eds.txt");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ExpectRows(*r, {{"10.244.0.176", 8080, "HEALTHY", false,
                   "outbound|80||istio-ingressgateway.istio-system.svc.cluster.local"},
                  {"10.244.0.189", 8080, "HEALTHY", false,
                   "outbound|80||skywalking-ui.skywalking.svc.cluster.local"}});
  EXPECT_EQ((*r)[0].locality, "");
}

TEST(EndpointsTableTest, ReadsEdsLocalityAndMisalignedRows) {
  auto r = ParseEndpoints(
      "NAME                STATUS      LOCALITY                 CLUSTER\n"
      "10.244.0.5:5000     HEALTHY     us-east1/us-east1-b      outbound|5000||hw\n"
      "10.241.0.7:5000  DRAINING  outbound|5000||hw\n",  // re-spaced, empty LOCALITY
      EndpointFormat::kEdsTable, "eds.txt");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].locality, "us-east1/us-east1-b");
  EXPECT_EQ(HealthStatusName((*r)[1].health), "DRAINING");
  EXPECT_EQ((*r)[1].locality, "");
  EXPECT_EQ((*r)[1].envoy_cluster, "outbound|5000||hw");
}

TEST(EndpointsTableTest, HeaderOnlyIsAnEmptyView) {
  auto r = Table("ENDPOINT     STATUS     OUTLIER CHECK     CLUSTER\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->empty());
}

TEST(EndpointsTableTest, AcceptsCrlf) {
  std::string lf = ReadTestData("istio/istioctl_pc_endpoints__clustersummary.txt");
  std::string crlf;
  for (char c : lf) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  auto a = Table(lf);
  auto b = Table(crlf);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  ASSERT_EQ(a->size(), b->size());
  for (size_t i = 0; i < a->size(); ++i) {
    EXPECT_EQ((*a)[i].envoy_cluster, (*b)[i].envoy_cluster);
    EXPECT_EQ((*a)[i].address, (*b)[i].address);
  }
}

// istioctl joins an IPv6 address and its port with ':' and no brackets.
TEST(EndpointsTableTest, ReadsIpv6Endpoints) {
  auto r = Table(
      "ENDPOINT                 STATUS      OUTLIER CHECK     CLUSTER\n"
      "[fd00:10:241::7]:5000    HEALTHY     OK                outbound|5000||hw\n"
      "fd00:10:244::5:5000      HEALTHY     FAILED            outbound|5000||hw\n"
      "fd00:10:244::6           HEALTHY     OK                outbound|5000||hw\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ExpectRows(*r, {{"fd00:10:241::7", 5000, "HEALTHY", false, "outbound|5000||hw"},
                  {"fd00:10:244::5", 5000, "HEALTHY", true, "outbound|5000||hw"},
                  {"fd00:10:244::6", 0, "HEALTHY", false, "outbound|5000||hw"}});
}

TEST(EndpointsTableTest, StatusIsCaseInsensitive) {
  auto r = Table(
      "ENDPOINT         STATUS      OUTLIER CHECK     CLUSTER\n"
      "10.0.0.1:80      degraded    OK                c\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(HealthStatusName((*r)[0].health), "DEGRADED");
}

struct ErrorCase {
  const char* text;
  const char* message;
};

TEST(EndpointsTableTest, RejectsBadInputNamingLineAndValue) {
  const ErrorCase cases[] = {
      {"ENDPOINT         STATUS      OUTLIER CHECK     CLUSTER\n"
       "10.0.0.1:80      HEALTHY     OK                c\n"
       "10.0.0.2:80      SICK        OK                c\n",
       "t.txt:3: unknown STATUS 'SICK' (want UNKNOWN|HEALTHY|UNHEALTHY|DRAINING|TIMEOUT|DEGRADED)"},
      {"ENDPOINT         STATUS      OUTLIER CHECK     CLUSTER\n"
       "10.0.0.1:80      HEALTHY     MAYBE             c\n",
       "t.txt:2: unknown OUTLIER CHECK 'MAYBE' (want OK|FAILED)"},
      {"ENDPOINT         STATUS      OUTLIER CHECK     CLUSTER\n"
       "10.0.0.999:80    HEALTHY     OK                c\n",
       "t.txt:2: bad endpoint address '10.0.0.999:80'"},
      {"ENDPOINT         STATUS      OUTLIER CHECK     CLUSTER\n"
       "10.0.0.1:80 HEALTHY OK c extra words\n",
       "t.txt:2: expected 4 columns (ENDPOINT STATUS OUTLIER CHECK CLUSTER), got 6"},
      {"ENDPOINT         STATUS      OUTLIER CHECK     CLUSTER\n"
       "10.0.0.1:80\n",
       "t.txt:2: row ends before its STATUS column (cut off?)"},
      {"ENDPOINT         STATUS      OUTLIER CHECK     CLUSTER\n"
       "10.0.0.1:80      HEALTHY                       c\n",
       "t.txt:2: unknown OUTLIER CHECK '' (want OK|FAILED)"},
      {"\n\nADDRESS   PORT   TYPE\n",
       "t.txt:3: expected a header 'ENDPOINT STATUS OUTLIER CHECK CLUSTER' or a row "
       "'<address> <STATUS> ...'"},
      {"10.0.0.1:80   HEALTHY   OK   c\n10.0.0.2:80   SICK   OK   c\n",
       "t.txt:2: unknown STATUS 'SICK' (want UNKNOWN|HEALTHY|UNHEALTHY|DRAINING|TIMEOUT|DEGRADED)"},
      {"", "t.txt: empty input"},
  };
  for (const ErrorCase& c : cases) {
    auto r = Table(c.text);
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_TRUE(r.status().IsInvalidInput());
    EXPECT_EQ(r.status().message(), c.message);
  }
}

}  // namespace
}  // namespace meshverify
