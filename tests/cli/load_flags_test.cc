// The `meshverify load` flags contract (issue 12): every flag of the synopsis parses into
// LoadFlags; bad values are one-line usage errors.
#include "cli/load_flags.h"

#include <gtest/gtest.h>

namespace meshverify::cli {
namespace {

using std::chrono::milliseconds;

TEST(ParseLoadFlagsTest, ReadsEveryFlagOfTheContract) {
  Result<LoadFlags> f = ParseLoadFlags({"-c",
                                        "mesh.yaml",
                                        "--rate",
                                        "200",
                                        "--concurrency",
                                        "32",
                                        "--duration",
                                        "12s",
                                        "--window",
                                        "500ms",
                                        "--warmup",
                                        "2s",
                                        "--at",
                                        "4s=lab fault route-drop cluster1",
                                        "--at",
                                        "8s=lab fault route-restore cluster1",
                                        "--slo",
                                        "errors<0.1%",
                                        "--slo",
                                        "share(cluster2) in [0.4,0.6]",
                                        "--slo",
                                        "p99(cluster2)<50ms",
                                        "--direct",
                                        "--url",
                                        "http://helloworld.sample:5000/hello",
                                        "--source-cluster",
                                        "cluster1",
                                        "--jsonl",
                                        "w.jsonl",
                                        "--json",
                                        "r.json",
                                        "--html",
                                        "r.html",
                                        "--markdown",
                                        "r.md",
                                        "--fortio",
                                        "f.json",
                                        "-o",
                                        "json"});
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f->config, "mesh.yaml");
  EXPECT_EQ(f->rate, 200);
  EXPECT_EQ(f->concurrency, 32);
  EXPECT_EQ(f->duration, milliseconds(12000));
  EXPECT_EQ(f->window, milliseconds(500));
  EXPECT_EQ(f->warmup, milliseconds(2000));
  ASSERT_EQ(f->events.size(), 2u);
  EXPECT_EQ(f->events[1].at, milliseconds(8000));
  EXPECT_EQ(f->events[1].command, "lab fault route-restore cluster1");
  ASSERT_EQ(f->slos.size(), 3u);
  EXPECT_EQ(f->slos[1].name, "cluster2");
  EXPECT_TRUE(f->direct);
  EXPECT_EQ(f->url, "http://helloworld.sample:5000/hello");
  EXPECT_EQ(f->source_cluster, "cluster1");
  EXPECT_EQ(f->jsonl_path, "w.jsonl");
  EXPECT_EQ(f->json_path, "r.json");
  EXPECT_EQ(f->html_path, "r.html");
  EXPECT_EQ(f->markdown_path, "r.md");
  EXPECT_EQ(f->fortio_path, "f.json");
  EXPECT_EQ(f->output, "json");

  Result<LoadFlags> sweep = ParseLoadFlags(
      {"--direct", "--url", "u", "--requests", "500", "--sweep", "concurrency=1,4,16"});
  ASSERT_TRUE(sweep.ok());
  EXPECT_EQ(sweep->requests, 500u);
  EXPECT_EQ(sweep->sweep->values, (std::vector<double>{1, 4, 16}));
  EXPECT_FALSE(sweep->rate.has_value());
  EXPECT_EQ(sweep->duration, milliseconds(0));  // RunLoad defaults to 10 s only without -n
}

TEST(ParseLoadFlagsTest, BadValuesAreOneLineUsageErrors) {
  const std::pair<std::vector<std::string>, std::string> cases[] = {
      {{"--slo", "p99(cluster2)<50xs"},
       "meshverify load: --slo 'p99(cluster2)<50xs': col 17: unknown unit 'xs' (ms, s or us)"},
      {{"--rate", "-5"}, "meshverify load: --rate must be positive"},
      {{"--concurrency", "0"}, "meshverify load: --concurrency must be in [1, 10000]"},
      {{"--duration", "0s"}, "meshverify load: --duration must be positive"},
      {{"--window", "soon"}, ""},
      {{"--sweep", "rate=1", "--rate", "5"},
       "meshverify load: --sweep rate=... and --rate both set the rate"},
      {{"--url", "http://x"}, "meshverify load: --url and --source-cluster need --direct"},
      {{"-o", "yaml"}, "meshverify load: -o yaml: expected text or json"},
      {{"--expect", "v1=0.3,v2=0.6"}, ""},  // neither shares (sum 0.9) nor whole weights
      {{"--frobnicate"}, ""},
  };
  for (const auto& [args, message] : cases) {
    Result<LoadFlags> f = ParseLoadFlags(args);
    ASSERT_FALSE(f.ok()) << args[0];
    EXPECT_EQ(ToInt(f.status().ExitCode()), 2) << args[0];
    EXPECT_EQ(f.status().message().find('\n'), std::string::npos) << args[0];
    // The command shape's one error reporter prints "meshverify load: " before the message.
    const std::string line = "meshverify load: " + f.status().message();
    EXPECT_EQ(f.status().message().rfind("meshverify", 0), std::string::npos) << line;
    if (!message.empty()) {
      EXPECT_EQ(line, message);
    }
  }
  EXPECT_FALSE(ParseLoadFlags({"--help"})->help.empty());
}

}  // namespace
}  // namespace meshverify::cli

namespace meshverify::cli {
namespace {

TEST(ParseLoadFlagsTest, ShardSourceNameAndInstanceClusters) {
  Result<LoadFlags> f = ParseLoadFlags({"--direct", "--url", "http://x/", "--shard", "2/3",
                                        "--source-name", "mv-load-0-2", "--instance-cluster",
                                        "hw-v1=cluster1", "--instance-cluster", "hw-v2=cluster2"});
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f->shard_index, 2);
  EXPECT_EQ(f->shard_count, 3);
  EXPECT_EQ(f->source_name, "mv-load-0-2");
  EXPECT_EQ(f->instance_clusters.at("hw-v2"), "cluster2");
  for (const char* bad : {"3/3", "-1/3", "1/0", "1", "1/2x", "a/b"}) {
    Result<LoadFlags> b = ParseLoadFlags({"--direct", "--url", "http://x/", "--shard", bad});
    ASSERT_FALSE(b.ok()) << bad;
    EXPECT_EQ(b.status().message(), "--shard '" + std::string(bad) +
                                        "': expected I/N with 0 <= I < N <= 10000");
  }
  EXPECT_EQ(ParseLoadFlags({"--direct", "--instance-cluster", "x"}).status().message(),
            "--instance-cluster 'x': expected POD=CLUSTER");
}

}  // namespace
}  // namespace meshverify::cli
