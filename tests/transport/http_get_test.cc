// HttpGet (how a Job's check reads its sidecar's /clusters) against a real helloworld-server on
// loopback, through real libcurl.
#include "transport/http_get.h"

#include <gtest/gtest.h>

#include "fakes/loopback_server.h"

namespace meshverify {
namespace {

using std::chrono::milliseconds;

TEST(HttpGetTest, ReturnsTheBodyOfA2xxAnswer) {
  testing::LoopbackServer server(MESHVERIFY_HELLOWORLD_SERVER, "v1", "hw-get-test");
  ASSERT_TRUE(server.ready());
  Result<std::string> body = HttpGet(server.url(), milliseconds(5000), 1 << 20);
  ASSERT_TRUE(body.ok()) << body.status().ToString();
  EXPECT_EQ(*body, "Hello version: v1, instance: hw-get-test\n");
}

TEST(HttpGetTest, ABodyOverTheCapIsAnErrorNotATruncatedView) {
  testing::LoopbackServer server(MESHVERIFY_HELLOWORLD_SERVER, "v1", "hw-get-test");
  ASSERT_TRUE(server.ready());
  Result<std::string> body = HttpGet(server.url(), milliseconds(5000), 10);
  ASSERT_FALSE(body.ok());
  EXPECT_EQ(body.status().message(), server.url() + ": answer over 10 bytes");
}

TEST(HttpGetTest, ANon2xxAnswerAndARefusedConnectionAreUnavailable) {
  testing::LoopbackServer server(MESHVERIFY_HELLOWORLD_SERVER, "v1", "hw-get-test");
  ASSERT_TRUE(server.ready());
  const std::string missing = server.url() + "-no-such-path";
  Result<std::string> body = HttpGet(missing, milliseconds(5000), 1 << 20);
  ASSERT_FALSE(body.ok());
  EXPECT_TRUE(body.status().IsUnavailable());
  EXPECT_NE(body.status().message().find(": HTTP 404"), std::string::npos)
      << body.status().message();
  Result<std::string> refused = HttpGet(
      "http://127.0.0.1:" + std::to_string(testing::LoopbackServer::FreePort()) + "/clusters",
      milliseconds(2000), 1 << 20);
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(refused.status().IsUnavailable());
}

}  // namespace
}  // namespace meshverify
