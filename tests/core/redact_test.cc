// RedactUrl, RedactUrls: credentials in URLs never printed (redact.cc).
#include "meshverify/redact.h"

#include <gtest/gtest.h>

namespace meshverify {
namespace {

TEST(RedactUrlTest, HidesUserinfoQueryValuesAndFragment) {
  struct Case {
    const char* in;
    const char* want;
  } cases[] = {
      {"http://helloworld.sample:5000/hello", "http://helloworld.sample:5000/hello"},
      {"https://user:pass@host/p?token=abc", "https://***@host/p?token=***"},
      {"https://u@h:8443", "https://***@h:8443"},
      {"http://h/p?a=1&b=2&flag", "http://h/p?a=***&b=***&flag=***"},
      {"http://h/p#access_token=x", "http://h/p#***"},
      {"http://a@b@h/p@q?x=@", "http://***@h/p@q?x=***"},
      {"http://h/?", "http://h/?"},
      {"not a url", "not a url"},
  };
  for (const Case& c : cases) EXPECT_EQ(RedactUrl(c.in), c.want) << c.in;
}

TEST(RedactUrlsTest, RedactsUrlsQuotedInTextJsonMarkdownAndHtml) {
  EXPECT_EQ(RedactUrls("curl http://u:p@h/x?t=1 failed"), "curl http://***@h/x?t=*** failed");
  EXPECT_EQ(RedactUrls(R"({"url": "http://u:p@h/?t=1", "b": "http://h/?k=v\"x"})"),
            R"({"url": "http://***@h/?t=***", "b": "http://h/?k=***\"x"})");
  EXPECT_EQ(RedactUrls("target `https://u:p@h/?a=b`."), "target `https://***@h/?a=***`.");
  EXPECT_EQ(RedactUrls("<td>http://u:p@h/?a=1&amp;t=2&quot;&#10;</td>"),
            "<td>http://***@h/?a=***&amp;t=***&quot;&#10;</td>");
  EXPECT_EQ(RedactUrls("(see http://h/p?t=1) and http://www.w3.org/2000/svg"),
            "(see http://h/p?t=***) and http://www.w3.org/2000/svg");
  EXPECT_EQ(RedactUrls("no urls: a://"), "no urls: a://");
}

}  // namespace
}  // namespace meshverify
