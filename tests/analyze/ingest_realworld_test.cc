// The helloworld answers in tests/data/realworld/ (PROVENANCE.md), through the
// Ingestor as `meshverify analyze FILE` reads them, and kubectl's notices mixed into captures.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "meshverify/ingest.h"

namespace meshverify {
namespace {

std::string Sample(const std::string& name) {
  std::ifstream in(std::string(MESHVERIFY_FIXTURES) + "/realworld/" + name, std::ios::binary);
  EXPECT_TRUE(in.good()) << name;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Ingested {
  SourceCounts counts;
  uint64_t skipped = 0;
  std::vector<std::string> samples;
};

// Feeds `text` whole, and again in 7-byte chunks: both must count the same.
Ingested Ingest(const std::string& name, const std::string& text) {
  Ingested out[2];
  for (int pass = 0; pass < 2; ++pass) {
    Result<Ingestor> ing = Ingestor::Create({});
    EXPECT_TRUE(ing.ok());
    ing->BeginSource(name);
    size_t step = pass == 0 ? text.size() + 1 : 7;
    for (size_t i = 0; i < text.size(); i += step)
      EXPECT_TRUE(ing->Feed(text.substr(i, step)).ok());
    EXPECT_TRUE(ing->EndSource().ok());
    EXPECT_EQ(ing->aggregate().sources().size(), 1u);
    if (ing->aggregate().sources().empty()) return {};
    out[pass] = {ing->aggregate().sources()[0], ing->skipped_notices(), ing->notice_samples()};
  }
  EXPECT_EQ(out[0].counts.requests, out[1].counts.requests);
  EXPECT_EQ(out[0].counts.by_instance.size(), out[1].counts.by_instance.size());
  EXPECT_EQ(out[0].samples, out[1].samples);
  return out[0];
}

// istio.io "Locality failover": versions are localities, not vN; instance names hold dots.
TEST(RealWorldAnswersTest, LocalityVersionsAreNotVn) {
  const std::string name = "helloworld_answers__istio_io_locality_failover_regions.txt";
  Ingested r = Ingest(name, Sample(name));
  EXPECT_EQ(r.counts.requests, 4u);
  EXPECT_EQ(r.counts.ok, 4u);
  EXPECT_TRUE(r.counts.errors.empty());
  ASSERT_EQ(r.counts.by_version.size(), 4u);
  for (const char* v : {"region1.zone1", "region1.zone2", "region2.zone3", "region3.zone4"}) {
    ASSERT_EQ(r.counts.by_version.count(v), 1u) << v;
    EXPECT_EQ(r.counts.by_version.at(v), 1u) << v;
    std::string pod = std::string("helloworld-") + v + "-86f77cd7b-cpxhv";
    ASSERT_EQ(r.counts.by_instance.count(pod), 1u) << pod;
    EXPECT_EQ(r.counts.by_instance.at(pod).version, v);
  }
  EXPECT_EQ(r.skipped, 0u);
}

// An interactive session on a Korean page: kubectl's deprecation warning (stderr) on the first
// line, then four answers and a blank line. The warning is skipped and listed, not counted.
TEST(RealWorldAnswersTest, KubectlDeprecationWarningIsSkippedAndListed) {
  const std::string name = "helloworld_answers__kr_nhn_kt_interactive_with_warning.txt";
  Ingested r = Ingest(name, Sample(name));
  EXPECT_EQ(r.counts.requests, 4u);
  EXPECT_EQ(r.counts.ok, 4u);
  EXPECT_TRUE(r.counts.errors.empty());
  EXPECT_EQ(r.counts.by_version.at("v1"), 3u);
  EXPECT_EQ(r.counts.by_version.at("v2"), 1u);
  EXPECT_EQ(r.counts.by_instance.at("helloworld-v1-775c565884-mqz7c").count, 3u);
  EXPECT_EQ(r.counts.by_instance.at("helloworld-v2-7bb54f8948-rqx2p").count, 1u);
  EXPECT_EQ(r.skipped, 1u);
  EXPECT_EQ(r.samples, std::vector<std::string>{
                           name + ":1: kubectl exec [POD] [COMMAND] is DEPRECATED and will be "
                                  "removed in a future version. Use kubectl exec [POD] -- "
                                  "[COMMAND] instead."});
}

// Other notices kubectl prints are skipped too, wherever they are; kubectl's errors and other
// text are not notices and stay unparsed answers (failed requests).
TEST(RealWorldAnswersTest, OtherKubectlNoticesSkippedErrorsCounted) {
  const std::string text =
      "Defaulted container \"sleep\" out of: sleep, istio-proxy, istio-init (init)\r\n"
      "Hello version: v2, instance: helloworld-v2-7bb54f8948-rqx2p\r\n"
      "W0518 10:12:01.123456   12345 loader.go:223] Config not found: /root/.kube/config\n"
      "Unable to use a TTY - input is not a terminal or the right kind of file\n"
      "Hello version: v2, instance: helloworld-v2-7bb54f8948-rqx2p\n"
      "command terminated with exit code 7\n"
      "E0518 10:12:02.000001   12345 v2.go:105] EOF\n"
      "Warning: v1 Endpoints is deprecated\n";
  Ingested r = Ingest("cap.txt", text);
  EXPECT_EQ(r.counts.ok, 2u);
  EXPECT_EQ(r.counts.requests, 5u);
  EXPECT_EQ(r.counts.errors.at("unparsed"), 3u);
  EXPECT_EQ(r.skipped, 3u);
  ASSERT_EQ(r.samples.size(), 3u);
  EXPECT_EQ(r.samples[1].substr(0, 16), "cap.txt:3: W0518");
}

}  // namespace
}  // namespace meshverify
