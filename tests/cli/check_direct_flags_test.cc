// `check --direct` and the shard flags a Job's pod gives check (ParseCheckFlags).
#include <gtest/gtest.h>

#include "cli/commands.h"

namespace meshverify::cli {
namespace {

TEST(CheckDirectFlagsTest, DirectWithUrlNeedsNoConfig) {
  Result<CheckFlags> f =
      ParseCheckFlags({"--direct", "--url", "http://x:5000/hello", "--source-cluster", "c1",
                       "--shard", "2/3", "--source-name", "pod-2", "--instance-cluster", "hw-v1=c1",
                       "--instance-ip", "hw-v1=10.241.0.8", "--quit-sidecar"});
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_TRUE(f->direct);
  EXPECT_EQ(f->url, "http://x:5000/hello");
  EXPECT_EQ(f->source_cluster, "c1");
  EXPECT_EQ(f->shard.index, 2);
  EXPECT_EQ(f->shard.count, 3);
  EXPECT_EQ(f->shard.source_name, "pod-2");
  EXPECT_EQ(f->shard.instance_clusters.at("hw-v1"), "c1");
  EXPECT_EQ(f->shard.instance_ips.at("hw-v1"), "10.241.0.8");
  EXPECT_TRUE(f->shard.quit_sidecar);
}

TEST(CheckDirectFlagsTest, BadCombinationsAreUsageErrors) {
  EXPECT_EQ(ParseCheckFlags({"--direct"}).status().ExitCode(), ExitCode::kUsage);
  EXPECT_EQ(ParseCheckFlags({"--direct"}).status().message(),
            "-c/--config FILE is required (or --direct --url URL)");
  EXPECT_EQ(ParseCheckFlags({"-c", "m.yaml", "--url", "http://x/"}).status().message(),
            "--url, --source-cluster and --source-name need --direct");
  EXPECT_EQ(ParseCheckFlags({"-c", "m.yaml", "--shard", "3/3"}).status().message(),
            "--shard '3/3': expected I/N with 0 <= I < N <= 10000");
  EXPECT_EQ(ParseCheckFlags({"-c", "m.yaml", "--instance-cluster", "x"}).status().message(),
            "--instance-cluster 'x': expected POD=CLUSTER");
  EXPECT_EQ(ParseCheckFlags({"-c", "m.yaml", "--instance-ip", "hw="}).status().message(),
            "--instance-ip 'hw=': expected POD=IP");
}

}  // namespace
}  // namespace meshverify::cli
