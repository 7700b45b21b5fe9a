#include "meshverify/reply_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace meshverify {
namespace {

struct Case {
  std::string body;
  std::string version;  // "" = must not parse
  std::string instance;
  std::string cluster;
};

TEST(ReplyParserTest, BuiltinFormat) {
  const std::vector<Case> cases = {
      {"Hello version: v1, instance: helloworld-v1-86f77cd7bd-cpxhv", "v1",
       "helloworld-v1-86f77cd7bd-cpxhv", ""},
      {"Hello version: v2, instance: helloworld-v2-79d5467d55-4xq2m\n", "v2",
       "helloworld-v2-79d5467d55-4xq2m", ""},
      {"Hello version: v2, instance: helloworld-v2-79d5467d55-4xq2m\r\n", "v2",
       "helloworld-v2-79d5467d55-4xq2m", ""},
      {"Hello version: 1.2.3-rc1, instance: pod.a_b", "1.2.3-rc1", "pod.a_b", ""},
      // Errors.
      {"", "", "", ""},
      {"\n", "", "", ""},
      {"Hello version v2, instance: x", "", "", ""},
      {"Hello version: , instance: x", "", "", ""},
      {"Hello version: v1, instance: ", "", "", ""},
      {"Hello version: v1 instance: x", "", "", ""},
      {"Hello version: v1,instance: x", "", "", ""},
      {"hello version: v1, instance: x", "", "", ""},
      {" Hello version: v1, instance: x", "", "", ""},
      {"Hello version: v1, instance: x y", "", "", ""},
      {"Hello version: v1, instance: x\n\n", "", "", ""},
      {"Hello version: v1, instance: x\nHello version: v2, instance: y", "", "", ""},
      {"Hello version: v\xff, instance: x", "", "", ""},
      {"Hello version: v1, instance: pod-\xc3\xa9", "", "", ""},
      {"Hello version: v 1, instance: x", "", "", ""},
      {"no route to host", "", "", ""},
      {"upstream connect error or disconnect/reset before headers. reset reason: connection "
       "failure",
       "", "", ""},
  };
  Result<ReplyParser> p = ReplyParser::Create("");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_TRUE(p->builtin());
  EXPECT_FALSE(p->has_cluster());
  for (const Case& c : cases) {
    std::optional<ReplyView> v = p->Parse(c.body);
    if (c.version.empty()) {
      EXPECT_FALSE(v.has_value()) << "'" << c.body << "' parsed as " << v->version;
      continue;
    }
    ASSERT_TRUE(v.has_value()) << c.body;
    EXPECT_EQ(v->version, c.version) << c.body;
    EXPECT_EQ(v->instance, c.instance) << c.body;
    EXPECT_EQ(v->cluster, c.cluster) << c.body;
  }
}

TEST(ReplyParserTest, ViewsPointIntoTheBody) {
  const std::string body = "Hello version: v1, instance: helloworld-v1-86f77cd7bd-cpxhv\n";
  Result<ReplyParser> p = ReplyParser::Create();
  ASSERT_TRUE(p.ok());
  std::optional<ReplyView> v = p->Parse(body);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->version.data(), body.data() + 15);
  EXPECT_EQ(v->instance.data() + v->instance.size(), body.data() + body.size() - 1);
}

TEST(ReplyParserTest, PatternWithClusterGroup) {
  Result<ReplyParser> p =
      ReplyParser::Create(R"(^(?P<cluster>[\w-]+)/(?P<instance>[\w-]+) says (?P<version>v\d+)$)");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_FALSE(p->builtin());
  EXPECT_TRUE(p->has_cluster());
  const std::vector<Case> cases = {
      {"cluster1/hello-v1-abc says v1", "v1", "hello-v1-abc", "cluster1"},
      {"cluster2/hello-v2-xyz says v2\r\n", "v2", "hello-v2-xyz", "cluster2"},
      // Errors.
      {"cluster2/hello-v2-xyz says v2 extra", "", "", ""},
      {"Hello version: v1, instance: helloworld-v1-86f77cd7bd-cpxhv", "", "", ""},
      {"", "", "", ""},
  };
  for (const Case& c : cases) {
    std::optional<ReplyView> v = p->Parse(c.body);
    if (c.version.empty()) {
      EXPECT_FALSE(v.has_value()) << c.body;
      continue;
    }
    ASSERT_TRUE(v.has_value()) << c.body;
    EXPECT_EQ(v->version, c.version);
    EXPECT_EQ(v->instance, c.instance);
    EXPECT_EQ(v->cluster, c.cluster);
  }
}

TEST(ReplyParserTest, PatternIsSearchedUnanchoredAndGroupsMayComeInAnyOrder) {
  Result<ReplyParser> p = ReplyParser::Create(R"(pod=(?P<instance>\S+) .*ver=(?P<version>[^ ]+))");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_FALSE(p->has_cluster());
  std::optional<ReplyView> v = p->Parse("{\"msg\": \"hi\"} pod=details-v1-5f4d ok ver=1.16.2\n");
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->instance, "details-v1-5f4d");
  EXPECT_EQ(v->version, "1.16.2");
  EXPECT_EQ(v->cluster, "");
}

TEST(ReplyParserTest, PatternEmptyOrInvalidUtf8CapturesDoNotParse) {
  Result<ReplyParser> p = ReplyParser::Create(R"(v=(?P<version>\S*) i=(?P<instance>(?s:.*)))");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_FALSE(p->Parse("v= i=pod").has_value());
  EXPECT_FALSE(p->Parse("v=1 i=").has_value());
  EXPECT_FALSE(p->Parse("v=1 i=\xff\xfe").has_value());
  EXPECT_TRUE(p->Parse("v=1 i=caf\xc3\xa9").has_value());
}

TEST(ReplyParserTest, BadPatterns) {
  struct Bad {
    std::string pattern;
    std::string message;
  };
  const std::vector<Bad> bad = {
      {"(?P<version>v\\d+) (?P<instance>",
       "--pattern: missing ): (?P<version>v\\d+) (?P<instance>"},
      {"(?P<version>v\\d+)", "--pattern: missing named group (?P<instance>...)"},
      {"(?P<instance>\\S+)", "--pattern: missing named group (?P<version>...)"},
      {"(?P<Version>\\S+) (?P<instance>\\S+)", "--pattern: missing named group (?P<version>...)"},
      {"(\\S+) (\\S+)", "--pattern: missing named group (?P<version>...)"},
      {"(?P<version>a)(?P<instance>b)\\", "--pattern: trailing \\"},
  };
  for (const Bad& b : bad) {
    Result<ReplyParser> p = ReplyParser::Create(b.pattern);
    ASSERT_FALSE(p.ok()) << b.pattern;
    EXPECT_TRUE(p.status().IsInvalidInput());
    EXPECT_EQ(p.status().message(), b.message) << b.pattern;
  }
}

TEST(ReplyParserTest, CopiesShareThePattern) {
  Result<ReplyParser> p = ReplyParser::Create(R"((?P<version>\w+):(?P<instance>\w+))");
  ASSERT_TRUE(p.ok());
  const ReplyParser copy = *p;
  std::optional<ReplyView> v = copy.Parse("v3:pod9");
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->version, "v3");
  EXPECT_EQ(v->instance, "pod9");
}

// Versions need not be vN (istio.io's locality failover task names them after localities).
TEST(ReplyParserTest, VersionsThatAreNotVn) {
  ReplyParser p = *ReplyParser::Create();
  auto v =
      p.Parse("Hello version: region1.zone1, instance: helloworld-region1.zone1-86f77cd7b-cpxhv");
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->version, "region1.zone1");
  EXPECT_EQ(v->instance, "helloworld-region1.zone1-86f77cd7b-cpxhv");
  for (const char* version : {"1.0.0-rc1", "canary", "v2_beta", "2024.10"}) {
    const std::string body = std::string("Hello version: ") + version + ", instance: hw-x\n";
    auto w = p.Parse(body);  // views into `body`
    ASSERT_TRUE(w.has_value()) << version;
    EXPECT_EQ(w->version, version);
  }
}

TEST(IsKubectlNoticeTest, KnownNoticesOnly) {
  for (const char* line : {
           "kubectl exec [POD] [COMMAND] is DEPRECATED and will be removed in a future version. "
           "Use kubectl exec [POD] -- [COMMAND] instead.",
           "Defaulted container \"curl\" out of: curl, istio-proxy, istio-init (init)\r\n",
           "Unable to use a TTY - input is not a terminal or the right kind of file",
           "I1201 09:00:00.000001       1 round_trippers.go:553] GET https://x 200 OK",
           "W0518 10:12:01.123456   12345 loader.go:223] Config not found",
       }) {
    EXPECT_TRUE(IsKubectlNotice(line)) << line;
  }
  for (const char* line : {
           "",
           "Hello version: v1, instance: hw-v1",
           "error: unable to upgrade connection",
           "E0518 10:12:01.123456   12345 v2.go:105] EOF",
           "command terminated with exit code 28",
           "Warning: would violate PodSecurity",
           "W0518 10:12:01.123456 loader.go:223] x",
           "W0518 10:12:01.1234   1 a.go:1] x",
           "W0518 10:12:01.123456   1 a.go:] x",
           "Defaulted container",
           "upstream connect error or disconnect/reset before headers",
       }) {
    EXPECT_FALSE(IsKubectlNotice(line)) << line;
  }
}

}  // namespace
}  // namespace meshverify
