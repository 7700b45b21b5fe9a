// Format detection, format names and the --cluster filter.
#include <gtest/gtest.h>

#include "meshverify/endpoints.h"
#include "parse/endpoints_test_util.h"

namespace meshverify {
namespace {

using testing_endpoints::ReadTestData;

TEST(DetectEndpointFormatTest, DetectsEveryRealSample) {
  struct Case {
    const char* file;
    EndpointFormat want;
  } cases[] = {
      {"istioctl_pc_endpoints__clustersummary.txt", EndpointFormat::kIstioctlTable},
      {"istioctl_pc_endpoints__clustersummaryfiltered.txt", EndpointFormat::kIstioctlTable},
      {"istioctl_pc_endpoints__clustermultihostsfiltered.txt", EndpointFormat::kIstioctlJson},
      {"istioctl_pc_endpoints__clusterfiltered.txt", EndpointFormat::kIstioctlJson},
      {"istioctl_pc_endpoints__modern_ojson_capture.json", EndpointFormat::kIstioctlJson},
      {"istioctl_pc_endpoints__clusters.json", EndpointFormat::kEnvoyClustersJson},
      {"istioctl_pc_eds__portfilter_output.txt", EndpointFormat::kEdsTable},
      {"istioctl_pc_eds__portfilter_output.json", EndpointFormat::kEdsJson},
      {"envoy_admin_clusters_text__envoy_test_golden.txt", EndpointFormat::kEnvoyClustersText},
      {"envoy_admin_clusters_text__istio_sidecar_capture.txt", EndpointFormat::kEnvoyClustersText},
  };
  for (const Case& c : cases) {
    std::string text = ReadTestData(std::string("istio/") + c.file);
    EXPECT_EQ(DetectEndpointFormat(text), c.want) << c.file;
    auto r = ParseEndpoints(text, EndpointFormat::kAuto, c.file);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_FALSE(r->empty()) << c.file;
  }
}

TEST(DetectEndpointFormatTest, UnknownTextFailsNamingTheSource) {
  EXPECT_EQ(DetectEndpointFormat("hello\n"), EndpointFormat::kAuto);
  EXPECT_EQ(DetectEndpointFormat(" \n"), EndpointFormat::kAuto);
  auto r = ParseEndpoints("Hello version: v1\n", EndpointFormat::kAuto, "x.txt");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "x.txt:1: unrecognized endpoint view (want an istioctl proxy-config endpoints/eds "
            "table or JSON, or Envoy /clusters text or JSON)");
  EXPECT_EQ(ParseEndpoints("", EndpointFormat::kAuto, "x.txt").status().message(),
            "x.txt: empty input (no endpoint view)");
}

TEST(EndpointFormatNameTest, RoundTripsEveryName) {
  for (const char* name :
       {"auto", "table", "json", "envoy-json", "envoy-text", "eds", "eds-json"}) {
    auto f = ParseEndpointFormat(name);
    ASSERT_TRUE(f.ok()) << name;
    EXPECT_EQ(EndpointFormatName(*f), name);
  }
  auto bad = ParseEndpointFormat("yaml");
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(bad.status().IsUsage());
  EXPECT_EQ(bad.status().message(),
            "--format: unknown format 'yaml' (auto|table|json|envoy-json|envoy-text|eds|eds-json)");
}

TEST(FilterByEnvoyClusterTest, ExactAndCaseInsensitiveAsIstioctl) {
  auto all = ParseEndpoints(ReadTestData("istio/istioctl_pc_endpoints__clusters.json"),
                            EndpointFormat::kAuto, "c.json");
  ASSERT_TRUE(all.ok());
  auto reviews = FilterByEnvoyCluster(*all, "OUTBOUND|9080||Reviews.default.svc.cluster.local");
  EXPECT_EQ(reviews.size(), 3u);
  EXPECT_TRUE(FilterByEnvoyCluster(*all, "outbound|9080||reviews").empty());  // no prefix match
  EXPECT_EQ(FilterByEnvoyCluster(*all, "").size(), all->size());
}

}  // namespace
}  // namespace meshverify
