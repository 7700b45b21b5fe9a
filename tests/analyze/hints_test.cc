// Hints (src/analyze/hints.cc): the likely cause of a pattern, in the words of the seed's set-up.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "analyze/checks.h"

namespace meshverify::analyze_internal {
namespace {

bool Has(const std::string& hint, const std::string& text) {
  return hint.find(text) != std::string::npos;
}

TEST(HintForErrorsTest, OneHintPerErrorClassSeen) {
  EXPECT_EQ(HintForErrors({}), "");
  std::string dns = HintForErrors({{"dns", 3}});
  EXPECT_TRUE(Has(dns, "Service must exist in the caller's cluster")) << dns;
  EXPECT_FALSE(Has(dns, "connect:")) << dns;
  std::string mixed = HintForErrors({{"timeout", 1}, {"http_5xx", 2}, {"transport", 4}});
  EXPECT_TRUE(Has(mixed, "static pod routes")) << mixed;
  EXPECT_TRUE(Has(mixed, "upstream connect error")) << mixed;
  EXPECT_TRUE(Has(mixed, "the exec failed or the source pod went away")) << mixed;
  EXPECT_EQ(HintForErrors({{"dns", 0}}), "");  // a zero count is no evidence
}

TEST(HintForUnreachedTest, TheViewTellsDiscoveryFromRoutes) {
  SourceReport r;
  r.cluster = "cluster1";
  r.pod = "sleep-a";
  // No endpoint of cluster2 in the view: endpoint discovery (remote secret).
  std::string unlisted = HintForUnreached(r, {{"cluster2", 0, 0}}, true);
  EXPECT_TRUE(Has(unlisted, "remote secret")) << unlisted;
  EXPECT_TRUE(Has(unlisted, "istioctl remote-clusters")) << unlisted;
  // Listed, none healthy.
  std::string unhealthy = HintForUnreached(r, {{"cluster2", 2, 0}}, true);
  EXPECT_TRUE(Has(unhealthy, "none is healthy")) << unhealthy;
  // Listed healthy but never answering: the pod routes, on the caller's node.
  r.errors = {{"timeout", 5}};
  std::string routes = HintForUnreached(r, {{"cluster2", 1, 1}}, true);
  EXPECT_TRUE(Has(routes, "on cluster1's node add the static route")) << routes;
  EXPECT_TRUE(Has(routes, "Errors seen: timeout 5.")) << routes;
  // Without a view either may be the cause.
  std::string blind = HintForUnreached(r, {{"cluster2", 0, 0}}, false);
  EXPECT_TRUE(Has(blind, "without its endpoint view")) << blind;
  EXPECT_FALSE(Has(blind, "static route to the remote pod CIDR")) << blind;
}

TEST(HintForUnreachedTest, RemotePodIpsAcrossNetworksNameTheNetworkSetting) {
  SourceReport r;
  r.cluster = "cluster1";
  r.pod = "sleep-a";
  std::string h = HintForUnreached(r, {{"cluster2", 2, 2, 2}}, true);
  EXPECT_TRUE(Has(h, "lists cluster2 endpoints by their pod IPs")) << h;
  EXPECT_TRUE(Has(h, "values.global.network")) << h;
  EXPECT_FALSE(Has(h, "static route")) << h;
  // Without a view nothing is known of the listing.
  EXPECT_FALSE(Has(HintForUnreached(r, {{"cluster2", 2, 2, 2}}, false), "pod IPs"));
}

TEST(PipelineHintsTest, DiscoveryAndProbeHintsNameWhatToLookAt) {
  EXPECT_TRUE(Has(HintForNoSources("-n sample -l app=sleep"),
                  "`kubectl get pods -n sample -l app=sleep` shows them Ready"));
  EXPECT_TRUE(Has(HintForNotConverged(), "istioctl remote-clusters"));
  EXPECT_TRUE(Has(HintForLostRequests(), "counted as `transport` errors"));
  EXPECT_TRUE(Has(HintForSkew(), "locality load balancing"));
}

}  // namespace
}  // namespace meshverify::analyze_internal
