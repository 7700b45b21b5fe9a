// Pods from `kubectl get pods -o json` (src/discover/pods.cc).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fakes/fake_mesh.h"
#include "meshverify/discover.h"

namespace meshverify::discover {
namespace {

using meshverify::testing::ReadTestFile;

TEST(ParsePodListTest, ReadsTheLabsPods) {
  Result<std::vector<PodInfo>> pods =
      ParsePodList(ReadTestFile("check/pods_helloworld_cluster2.json"), "cluster2", "kubectl");
  ASSERT_TRUE(pods.ok()) << pods.status().ToString();
  ASSERT_EQ(pods->size(), 1u);
  const PodInfo& p = (*pods)[0];
  EXPECT_EQ(p.name, "helloworld-v2-r2q2d2tg4b-5rsxd");
  EXPECT_EQ(p.ns, "sample");
  EXPECT_EQ(p.cluster, "cluster2");
  EXPECT_EQ(p.ip, "10.244.0.8");
  EXPECT_EQ(p.phase, "Running");
  EXPECT_TRUE(p.ready);
  EXPECT_EQ(p.labels.at("version"), "v2");
  EXPECT_TRUE(RunningAndReady(p));
}

TEST(ParsePodListTest, NotReadyTerminatingAndSinglePods) {
  const char* list = R"({"kind":"List","items":[
    {"metadata":{"name":"a","namespace":"s"},"status":{"phase":"Running","podIP":"10.0.0.1",
     "conditions":[{"type":"Ready","status":"False"}]}},
    {"metadata":{"name":"b","deletionTimestamp":"2026-01-01T00:00:00Z"},"status":{"phase":"Running",
     "conditions":[{"type":"Ready","status":"True"}]}},
    {"metadata":{"name":"c"},"status":{"phase":"Pending"}}]})";
  Result<std::vector<PodInfo>> pods = ParsePodList(list, "c1", "x");
  ASSERT_TRUE(pods.ok()) << pods.status().ToString();
  ASSERT_EQ(pods->size(), 3u);
  for (const PodInfo& p : *pods) EXPECT_FALSE(RunningAndReady(p)) << p.name;
  Result<std::vector<PodInfo>> one = ParsePodList(
      R"({"kind":"Pod","metadata":{"name":"solo"},"status":{"phase":"Running"}})", "c1", "x");
  ASSERT_TRUE(one.ok());
  EXPECT_EQ((*one)[0].name, "solo");
}

TEST(ParsePodListTest, RejectsWhatIsNotAPodList) {
  EXPECT_EQ(ParsePodList("{", "c", "src").status().message(), "src: byte 2: not JSON");
  // A number no double holds is an input error with its place, as a syntax error is (it was an
  // uncaught exception: "internal error", exit 3).
  Result<std::vector<PodInfo>> huge =
      ParsePodList(R"({"kind":"List","items":[{"metadata":{"name":"p","x":1e999}}]})", "c", "src");
  ASSERT_FALSE(huge.ok());
  EXPECT_TRUE(huge.status().IsInvalidInput());
  EXPECT_EQ(huge.status().message(), "src: byte 57: not JSON");  // the token's last byte
  EXPECT_EQ(ParsePodList("[]", "c", "src").status().message(),
            "src: expected a List of pods (kind, items)");
  EXPECT_EQ(ParsePodList(R"({"items":[{"metadata":{}}]})", "c", "src").status().message(),
            "src: items[0]: metadata.name: missing");
}

}  // namespace
}  // namespace meshverify::discover
