// Behaviour of the renderers beyond the goldens: counts in JUnit, escaping of hostile strings,
// line width, deterministic numbers.
#include "meshverify/render.h"

#include <gtest/gtest.h>

#include <clocale>
#include <sstream>
#include <string>

#include "report/render_util.h"

namespace meshverify {
namespace {

size_t Count(const std::string& hay, const std::string& needle) {
  size_t n = 0;
  for (size_t p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) ++n;
  return n;
}

Report WithChecks(std::initializer_list<CheckStatus> statuses) {
  Report r;
  r.verdict = Verdict::kFail;
  int i = 0;
  for (CheckStatus s : statuses) {
    r.checks.push_back({"check" + std::to_string(i++), s, "detail", "hint"});
  }
  return r;
}

// A report full of strings nobody should trust: markup, quotes, control characters and bytes
// that are not UTF-8.
Report Hostile() {
  Report r;
  r.verdict = Verdict::kFail;
  r.tool_version = "1<2";
  SourceReport s;
  s.cluster = "c<1>&\"'";
  s.pod = std::string("pod\x01\x1b[31m\xff\xfe", 10);
  s.requests = s.ok = 2;
  s.by_cluster["x]]>&<y>"] = {2, 1.0, 0.5, 1.0, 0.5, GateVerdict::kSkewed};
  r.sources = {s};
  r.total = s;
  r.checks = {{"a<b>&\"c'", CheckStatus::kFail, std::string("d\x00\x07\xc3\x28\n", 6), "h<i>"}};
  r.notes = {"\xed\xa0\x80 surrogate"};
  return r;
}

TEST(RenderJUnitTest, CountsTestsFailuresAndSkips) {
  Report r = WithChecks({CheckStatus::kPass, CheckStatus::kFail, CheckStatus::kFail,
                         CheckStatus::kInconclusive, CheckStatus::kSkipped});
  std::string xml = RenderJUnit(r);
  EXPECT_NE(xml.find("<testsuite name=\"meshverify\" tests=\"5\" failures=\"2\" errors=\"0\" "
                     "skipped=\"2\""),
            std::string::npos)
      << xml;
  EXPECT_EQ(Count(xml, "<testcase "), 5u);
  EXPECT_EQ(Count(xml, "<failure "), 2u);
  EXPECT_EQ(Count(xml, "<skipped "), 2u);
  EXPECT_EQ(Count(xml, "<skipped message=\"inconclusive: "), 1u);
  EXPECT_NE(xml.find("classname=\"meshverify.check1\""), std::string::npos);
}

TEST(RenderJUnitTest, ErrorVerdictIsNeverGreen) {
  Report r = WithChecks({CheckStatus::kSkipped});
  r.verdict = Verdict::kError;
  std::string xml = RenderJUnit(r);
  EXPECT_NE(xml.find("tests=\"2\" failures=\"0\" errors=\"1\" skipped=\"1\""), std::string::npos);
  EXPECT_EQ(Count(xml, "<error "), 1u);
}

TEST(RenderJUnitTest, EscapesHostileStrings) {
  std::string xml = RenderJUnit(Hostile());
  EXPECT_NE(xml.find("classname=\"meshverify.a&lt;b&gt;&amp;&quot;c&#39;\""), std::string::npos);
  EXPECT_EQ(xml.find("a<b>"), std::string::npos);
  EXPECT_EQ(xml.find("]]>"), std::string::npos);
  EXPECT_EQ(xml.find("h<i>"), std::string::npos);
  // No character XML 1.0 forbids, and valid UTF-8 throughout.
  for (char c : xml) {
    unsigned char u = static_cast<unsigned char>(c);
    EXPECT_FALSE(u < 0x20 && u != '\n' && u != '\t' && u != '\r') << static_cast<int>(u);
  }
  EXPECT_EQ(render::CleanUtf8(xml), xml);
  // A newline inside an attribute survives as a character reference.
  EXPECT_NE(xml.find("message=\"d\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD(&#10;\""), std::string::npos)
      << xml;
}

TEST(RenderHtmlTest, EscapesAndIsSelfContained) {
  Report r = Hostile();
  r.config = {{"x", "</pre><script>alert(1)</script>"}};
  std::string html = RenderHtml(r);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_EQ(html.find("href="), std::string::npos);
  EXPECT_EQ(html.find("@import"), std::string::npos);
  EXPECT_EQ(html.find("a<b>"), std::string::npos);
  EXPECT_NE(html.find("<svg"), std::string::npos);  // the share bars
  EXPECT_EQ(render::CleanUtf8(html), html);
  EXPECT_EQ(html.find('\x1b'), std::string::npos);
}

TEST(RenderMarkdownTest, CellsCannotBreakTables) {
  std::string md = RenderMarkdown(Hostile());
  EXPECT_EQ(md.find("a<b>"), std::string::npos);
  EXPECT_NE(md.find("a&lt;b&gt;&amp;\"c'"), std::string::npos) << md;
  EXPECT_EQ(render::CleanUtf8(md), md);
  // Every table row has the same number of unescaped pipes as its header.
  std::istringstream lines(md);
  std::string line;
  size_t columns = 0;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] != '|') {
      columns = 0;
      continue;
    }
    size_t pipes = 0;
    for (size_t i = 0; i < line.size(); ++i)
      pipes += line[i] == '|' && (i == 0 || line[i - 1] != '\\');
    if (columns == 0) columns = pipes;
    EXPECT_EQ(pipes, columns) << line;
  }
}

TEST(RenderTextTest, LinesFitAndTerminalIsSafe) {
  Report r = Hostile();
  r.sources[0].by_cluster[std::string(200, 'n')] = {0, 0, 0, 0.1, 0.5, GateVerdict::kSkewed};
  r.checks.push_back({std::string(60, 'c'), CheckStatus::kFail, std::string(500, 'd') + " x y z",
                      "word " + std::string(30, 'w')});
  std::string text = RenderText(r);
  EXPECT_EQ(text.find('\x1b'), std::string::npos);
  EXPECT_EQ(text.find('\x01'), std::string::npos);
  EXPECT_EQ(render::CleanUtf8(text), text);
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    // A single word longer than the page may overflow; nothing else.
    if (line.find(std::string(80, 'd')) != std::string::npos) continue;
    EXPECT_LE(render::DisplayWidth(line), 100u) << line;
  }
}

TEST(RenderTextTest, FirstLineSaysVerdictAndWhy) {
  Report r = WithChecks({CheckStatus::kPass, CheckStatus::kFail});
  r.checks[1].name = "balance";
  r.total.requests = 2000;
  r.sources.resize(2);
  EXPECT_EQ(RenderText(r).substr(0, RenderText(r).find('\n')),
            "FAIL: 1 of 2 checks failed (balance) over 2000 requests from 2 sources.");
  r.verdict = Verdict::kInconclusive;
  r.checks[1].status = CheckStatus::kInconclusive;
  r.sources[0].gate = GateVerdict::kInconclusive;
  r.sources[0].requests = 100;
  r.sources[0].ok = 100;  // requests == ok + errors, as in every report
  r.sources[0].requests_to_decide = 1300;
  std::string text = RenderText(r);
  EXPECT_EQ(text.substr(0, text.find('\n')),
            "INCONCLUSIVE: balance could not be decided over 2000 requests from 2 sources; about "
            "1200 more");
}

// requests_to_decide counts answers (the gate's n): errors do not bring a source closer.
TEST(MoreRequestsToDecideTest, CountsFromTheAnswersNotTheRequests) {
  SourceReport s;
  s.gate = GateVerdict::kInconclusive;
  s.requests = 1100;
  s.ok = 1000;
  s.errors = {{"timeout", 100}};
  s.requests_to_decide = 1500;
  EXPECT_EQ(MoreRequestsToDecide(s), 500u);
  s.gate = GateVerdict::kBalanced;
  EXPECT_EQ(MoreRequestsToDecide(s), 0u);
  s.gate = GateVerdict::kInconclusive;
  s.requests_to_decide = 900;
  EXPECT_EQ(MoreRequestsToDecide(s), 0u);
  Report r;
  r.sources = {s, s};
  r.sources[1].requests_to_decide = 1700;
  EXPECT_EQ(MoreRequestsToDecide(r), 700u);
  r.sources.clear();
  r.total = s;
  r.total.requests_to_decide = 1200;
  EXPECT_EQ(MoreRequestsToDecide(r), 200u);
}

// Every renderer says the same number (and so does the balance check: it calls the same
// function).
TEST(MoreRequestsToDecideTest, EveryRendererSaysTheSameNumberWithErrorsPresent) {
  Report r;
  r.verdict = Verdict::kInconclusive;
  SourceReport s;
  s.cluster = "c1";
  s.pod = "p";
  s.gate = GateVerdict::kInconclusive;
  s.requests = 1100;
  s.ok = 1000;
  s.errors = {{"timeout", 100}};
  s.requests_to_decide = 1500;
  r.sources = {s};
  r.total = s;
  for (auto render : {RenderText, RenderHtml}) {
    std::string out = render(r);
    EXPECT_NE(out.find("about 500 more"), std::string::npos) << out;
    EXPECT_EQ(out.find("400 more"), std::string::npos) << out;
  }
  EXPECT_NE(RenderMarkdown(r).find("(+500 requests would decide)"), std::string::npos);
  EXPECT_EQ(RenderMarkdown(r).find("+400"), std::string::npos);
}

TEST(RenderTextTest, HintFollowsFailedCheck) {
  Report r = WithChecks({CheckStatus::kFail, CheckStatus::kPass});
  r.checks[0].hint = "look at the remote secret";
  r.checks[1].hint = "not shown for passed checks";
  std::string text = RenderText(r);
  size_t fail = text.find("FAIL          check0");
  ASSERT_NE(fail, std::string::npos) << text;
  size_t next_line = text.find('\n', fail) + 1;
  EXPECT_EQ(text.find("hint: look at the remote secret"), text.find("hint: ", next_line));
  EXPECT_EQ(text.find("not shown"), std::string::npos);
}

TEST(RenderUtilTest, FixedIsLocaleIndependent) {
  // de_DE uses a decimal comma; if the locale is not installed, setlocale fails and the test
  // still checks the C locale.
  const char* old = std::setlocale(LC_ALL, nullptr);
  std::string saved = old ? old : "C";
  std::setlocale(LC_ALL, "de_DE.UTF-8");
  EXPECT_EQ(render::Fixed(1234.5678, 2), "1234.57");
  std::setlocale(LC_ALL, saved.c_str());
  EXPECT_EQ(render::Fixed(-0.0001, 1), "0.0");
  EXPECT_EQ(render::Fixed(0.05, 0), "0");
  EXPECT_EQ(render::Fixed(1.0 / 0.0, 2), "n/a");
  EXPECT_EQ(render::Percent(0.4985), "49.9%");
  EXPECT_EQ(render::PValue(2.4e-36), "<0.0001");
  EXPECT_EQ(render::PValue(0), "0.0000");
  EXPECT_EQ(render::PValue(0.849515), "0.8495");
}

TEST(RenderUtilTest, CleanUtf8ReplacesEveryInvalidSequence) {
  EXPECT_EQ(render::CleanUtf8("h\xc3\xa9llo"), "h\xc3\xa9llo");
  EXPECT_EQ(render::CleanUtf8("\xc3"), "\xEF\xBF\xBD");                           // truncated
  EXPECT_EQ(render::CleanUtf8("\xc0\xaf"), "\xEF\xBF\xBD\xEF\xBF\xBD");           // overlong
  EXPECT_EQ(render::CleanUtf8("\xed\xa0\x80").substr(0, 3), "\xEF\xBF\xBD");      // surrogate
  EXPECT_EQ(render::CleanUtf8("\xf4\x90\x80\x80").substr(0, 3), "\xEF\xBF\xBD");  // > U+10FFFF
  EXPECT_EQ(render::CleanUtf8("\xf0\x9f\x98\x80"), "\xf0\x9f\x98\x80");
}

TEST(RenderUtilTest, WrapAndTruncate) {
  EXPECT_EQ(render::Wrap("aa bb cc", 5), (std::vector<std::string>{"aa bb", "cc"}));
  EXPECT_EQ(render::Wrap("", 5), (std::vector<std::string>{""}));
  EXPECT_EQ(render::Truncate("abcdef", 4), "abc~");
  EXPECT_EQ(render::Truncate("\xc3\xa9\xc3\xa9\xc3\xa9", 2), "\xc3\xa9~");
  EXPECT_EQ(render::Truncate("abc", 4), "abc");
}

}  // namespace
}  // namespace meshverify
