// The per-connection picture (SourceReport::by_connection) in every format, and back from JSON.
#include <gtest/gtest.h>

#include <string>

#include "meshverify/render.h"
#include "meshverify/report.h"

namespace meshverify {
namespace {

Report Sample() {
  Report r;
  r.verdict = Verdict::kPass;
  SourceReport s;
  s.cluster = "cluster1";
  s.pod = "sleep-1";
  s.requests = s.ok = 30;
  s.by_instance["helloworld-v2-a"] = {20, "cluster2", "v2"};
  s.by_instance["helloworld-v2-b"] = {10, "cluster2", "v2"};
  s.by_connection[1] = {{"helloworld-v2-a", 20}};
  s.by_connection[2] = {{"helloworld-v2-b", 10}};
  r.sources.push_back(s);
  r.total = s;
  r.total.by_connection.clear();
  return r;
}

TEST(ConnectionsTest, JsonCarriesThemAndReadsThemBack) {
  nlohmann::json j = ReportToJson(Sample());
  ASSERT_TRUE(j["sources"][0].contains("connections"));
  EXPECT_EQ(j["sources"][0]["connections"][0]["id"], 1);
  EXPECT_EQ(j["sources"][0]["connections"][0]["answers"], 20);
  EXPECT_EQ(j["sources"][0]["connections"][1]["by_instance"]["helloworld-v2-b"], 10);
  EXPECT_FALSE(j["total"].contains("connections"));
  Result<Report> back = ParseReport(j.dump(), "r.json");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->sources[0].by_connection, Sample().sources[0].by_connection);
  j["sources"][0]["connections"][0]["by_instance"]["x"] = -1;
  EXPECT_FALSE(ParseReport(j.dump(), "r.json").ok());
}

TEST(ConnectionsTest, EveryFormatShowsThePicture) {
  const std::string line =
      "2 connections carried 30 answers, 2 of them answered by one instance each: #1 "
      "helloworld-v2-a 20, #2 helloworld-v2-b 10";
  for (const char* format : {"text", "markdown", "html", "junit"}) {
    const Renderer* renderer = FindRenderer(format);
    ASSERT_NE(renderer, nullptr) << format;
    std::string out = renderer->render(Sample());
    EXPECT_NE(out.find("connections: "), std::string::npos) << format << "\n" << out;
    EXPECT_NE(out.find("helloworld-v2-a 20"), std::string::npos) << format;
  }
  EXPECT_NE(RenderText(Sample()).find(line.substr(0, 40)), std::string::npos);
}

}  // namespace
}  // namespace meshverify
