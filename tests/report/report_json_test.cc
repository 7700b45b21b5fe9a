#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>

#include "meshverify/render.h"
#include "meshverify/report.h"

namespace meshverify {
namespace {

using nlohmann::json;

// A report with every field set to a non-default value, so that a field lost on the way out or
// back in makes the round trip differ.
Report FullReport() {
  Report r;
  r.verdict = Verdict::kInconclusive;
  r.tool_name = "meshverify-test";
  r.tool_version = "9.8.7";
  r.started_at = "2024-05-01T10:00:00Z";
  r.duration_s = 12.345;
  r.interrupted = true;
  r.config = {{"gate", {{"tolerance", 0.05}, {"alpha", 0.01}}}, {"expect", "endpoints"}};
  SourceReport s;
  s.cluster = "cluster1";
  s.pod = "sleep-abc";
  s.requests = 110;
  s.ok = 100;
  s.errors = {{"timeout", 7}, {"dns", 3}};
  s.by_cluster["cluster1"] = {60, 0.6, 0.45, 0.73, 0.5, GateVerdict::kInconclusive};
  s.by_cluster["cluster2"] = {40, 0.4, 0.27, 0.55, std::nullopt, GateVerdict::kNone};
  s.by_version["v1"] = {60, 0.6, 0.45, 0.73, 0.5, GateVerdict::kSkewed};
  s.by_instance["helloworld-v1-x"] = {60, "cluster1", "v1"};
  s.by_instance["stray"] = {40, "", "v2"};
  s.latency_ms["cluster1"] = {60, 1.5, 2.5, 3.5, 4.25};
  s.tests["chi_square"] = {4.0, 1, 0.0455, "pearson"};
  s.tests["exact"] = {0, 1, 0.057, "exact-binomial"};
  s.gate = GateVerdict::kInconclusive;
  s.requests_to_decide = 2100;
  s.unparsed_samples = {"garbage line", "Hello versio"};
  r.sources = {s, s};
  r.sources[1].pod = "sleep-def";
  r.total = s;
  r.total.cluster.clear();
  r.total.pod.clear();
  Endpoint e;
  e.source_pod = "sleep-abc";
  e.envoy_cluster = "outbound|5000||helloworld.sample.svc.cluster.local";
  e.address = "10.244.0.9";
  e.port = 5000;
  e.health = HealthStatus::kUnhealthy;
  e.outlier_ejected = true;
  e.weight = 3;
  e.locality = "r/z/s";
  e.priority = 1;
  e.hostname = "h";
  e.workload_cluster_id = "cluster2";
  e.cluster = "cluster2";
  e.counters = {{"rq_total", 12}, {"rq_error", 2}};
  r.endpoints = {e};
  r.checks = {{"balance", CheckStatus::kInconclusive, "not decided", "run more"},
              {"reachability", CheckStatus::kPass, "ok", ""}};
  r.notes = {"a note"};
  return r;
}

TEST(VerdictTest, NamesRoundTrip) {
  for (Verdict v : {Verdict::kPass, Verdict::kFail, Verdict::kInconclusive, Verdict::kError}) {
    Result<Verdict> back = ParseVerdict(VerdictName(v));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, v);
  }
  EXPECT_EQ(VerdictName(Verdict::kInconclusive), "inconclusive");
  EXPECT_FALSE(ParseVerdict("PASS").ok());
  EXPECT_FALSE(ParseVerdict("").ok());
}

TEST(CheckStatusTest, NamesRoundTrip) {
  for (CheckStatus s : {CheckStatus::kPass, CheckStatus::kFail, CheckStatus::kInconclusive,
                        CheckStatus::kSkipped}) {
    Result<CheckStatus> back = ParseCheckStatus(CheckStatusName(s));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, s);
  }
  EXPECT_EQ(CheckStatusName(CheckStatus::kSkipped), "skipped");
  EXPECT_FALSE(ParseCheckStatus("skip").ok());
}

TEST(GateVerdictTest, NamesRoundTripAndNotGatedIsEmpty) {
  for (GateVerdict g : {GateVerdict::kNone, GateVerdict::kBalanced, GateVerdict::kSkewed,
                        GateVerdict::kInconclusive}) {
    Result<GateVerdict> back = ParseGateVerdict(GateVerdictName(g));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, g);
  }
  EXPECT_EQ(GateVerdictName(GateVerdict::kNone), "");
  EXPECT_EQ(GateVerdictName(GateVerdict::kBalanced), "balanced");
  EXPECT_FALSE(ParseGateVerdict("fine").ok());
  EXPECT_FALSE(ParseGateVerdict("Balanced").ok());
}

TEST(ExitCodeForTest, FollowsContract) {
  EXPECT_EQ(ToInt(ExitCodeFor(Verdict::kPass)), 0);
  EXPECT_EQ(ToInt(ExitCodeFor(Verdict::kFail)), 1);
  EXPECT_EQ(ToInt(ExitCodeFor(Verdict::kError)), 3);
  EXPECT_EQ(ToInt(ExitCodeFor(Verdict::kInconclusive)), 4);
}

TEST(ReportJsonTest, UsesContractFieldNames) {
  json j = ReportToJson(FullReport());
  EXPECT_EQ(j["schema"], "meshverify.report/v1");
  EXPECT_EQ(j["verdict"], "inconclusive");
  EXPECT_EQ(j["tool"]["name"], "meshverify-test");
  EXPECT_EQ(j["sources"][0]["by_cluster"]["cluster1"]["ci"], json::array({0.45, 0.73}));
  EXPECT_EQ(j["sources"][0]["by_cluster"]["cluster1"]["expected"], 0.5);
  EXPECT_TRUE(j["sources"][0]["by_cluster"]["cluster2"]["expected"].is_null());
  EXPECT_EQ(j["sources"][0]["tests"]["chi_square"]["p_value"], 0.0455);
  EXPECT_EQ(j["sources"][0]["latency_ms"]["cluster1"]["p99"], 3.5);
  EXPECT_EQ(j["sources"][0]["by_instance"]["stray"]["cluster"], "");
  EXPECT_EQ(j["endpoints"][0]["outlier"], "ejected");
  EXPECT_EQ(j["endpoints"][0]["port"], 5000);
  EXPECT_EQ(j["checks"][0]["status"], "inconclusive");
  EXPECT_EQ(j["total"]["requests"], 110);
}

TEST(ReportJsonTest, RoundTripsEveryField) {
  Report r = FullReport();
  Result<Report> back = ReportFromJson(ReportToJson(r));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(*back == r);
  EXPECT_EQ(ReportToJson(*back), ReportToJson(r));
  // Through text too: numbers must survive dump and parse exactly.
  Result<Report> parsed = ParseReport(RenderJson(r));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_TRUE(*parsed == r);
}

TEST(ReportJsonTest, RoundTripsDefaultReport) {
  Report r;
  Result<Report> back = ReportFromJson(ReportToJson(r));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(*back == r);
}

TEST(ReportJsonTest, RoundTripDetectsAChangedField) {
  // Guards the equality the round-trip test relies on.
  Report a = FullReport(), b = FullReport();
  b.sources[1].by_cluster["cluster1"].ci_hi = 0.74;
  EXPECT_FALSE(a == b);
  b = FullReport();
  b.endpoints[0].counters["rq_total"] = 13;
  EXPECT_FALSE(a == b);
}

TEST(ReportJsonTest, NonFiniteStatisticsBecomeNull) {
  Report r = FullReport();
  r.sources[0].tests["chi_square"].p_value = std::numeric_limits<double>::quiet_NaN();
  json j = ReportToJson(r);
  EXPECT_TRUE(j["sources"][0]["tests"]["chi_square"]["p_value"].is_null());
  Result<Report> back = ReportFromJson(j);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(std::isnan(back->sources[0].tests["chi_square"].p_value));
}

TEST(ReportJsonTest, IgnoresUnknownFieldsAndAcceptsMissingOptionalOnes) {
  json j = ReportToJson(FullReport());
  j["future_field"] = {1, 2};
  j["sources"][0]["by_cluster"]["cluster1"].erase("expected");
  j["sources"][0].erase("requests_to_decide");
  j.erase("interrupted");
  Result<Report> back = ReportFromJson(j);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_FALSE(back->sources[0].by_cluster["cluster1"].expected.has_value());
  EXPECT_EQ(back->sources[0].requests_to_decide, 0u);
  EXPECT_FALSE(back->interrupted);
}

// Each case breaks one thing in a valid report; the error must name its JSON pointer.
struct BadCase {
  const char* pointer;  // where to change the document
  json value;           // the new value; discarded => remove the member
  const char* message;  // the expected error
};

TEST(ReportJsonTest, ErrorsNameTheJsonPointer) {
  const BadCase cases[] = {
      {"/sources/0/requests", -1, "r.json: /sources/0/requests: expected unsigned integer"},
      {"/sources/0/requests", 1.5, "r.json: /sources/0/requests: expected unsigned integer"},
      {"/sources/1/ok", json::value_t::discarded, "r.json: /sources/1/ok: missing required field"},
      {"/schema", "meshverify.report/v2",
       "r.json: /schema: expected \"meshverify.report/v1\", got \"meshverify.report/v2\""},
      {"/verdict", "passed", "r.json: /verdict: expected pass, fail, inconclusive or error"},
      {"/tool", "meshverify", "r.json: /tool: expected object"},
      {"/duration_s", "1s", "r.json: /duration_s: expected number"},
      {"/duration_s", -1.5, "r.json: /duration_s: expected a number >= 0"},
      {"/config", json::array(), "r.json: /config: expected object"},
      {"/sources/0/by_cluster/cluster1/share", 1.5,
       "r.json: /sources/0/by_cluster/cluster1/share: expected a share in [0, 1]"},
      {"/sources/0/by_cluster/cluster1/ci/1", "x",
       "r.json: /sources/0/by_cluster/cluster1/ci/1: expected number"},
      {"/sources/0/by_version/v1/expected", -0.5,
       "r.json: /sources/0/by_version/v1/expected: expected a share in [0, 1]"},
      {"/sources/0/by_cluster/cluster1/ci", json::array({0.1}),
       "r.json: /sources/0/by_cluster/cluster1/ci: expected [lo, hi]"},
      {"/sources/0/by_cluster/cluster1/gate", "fine",
       "r.json: /sources/0/by_cluster/cluster1/gate: expected balanced, skewed or inconclusive"},
      {"/sources/0/errors/timeout", "7",
       "r.json: /sources/0/errors/timeout: expected unsigned integer"},
      {"/sources/0/errors/timeout", 8,
       "r.json: /sources/0/requests: requests 110 != ok + errors 111"},
      {"/total/latency_ms/cluster1/p50", "fast",
       "r.json: /total/latency_ms/cluster1/p50: expected number or null"},
      {"/endpoints/0/port", 70000,
       "r.json: /endpoints/0/port: value 70000 out of range (max 65535)"},
      {"/endpoints/0/health", "healthy",
       "r.json: /endpoints/0/health: expected UNKNOWN, HEALTHY, UNHEALTHY, DRAINING, TIMEOUT or "
       "DEGRADED"},
      {"/endpoints/0/outlier", true, "r.json: /endpoints/0/outlier: expected string"},
      {"/endpoints/0/outlier", "yes",
       "r.json: /endpoints/0/outlier: expected \"ok\" or \"ejected\""},
      {"/checks/1/status", "skip",
       "r.json: /checks/1/status: expected pass, fail, inconclusive or skipped"},
      {"/checks/0/hint", json::value_t::discarded,
       "r.json: /checks/0/hint: missing required field"},
      {"/notes/0", 3, "r.json: /notes/0: expected string"},
      {"/total", json::value_t::discarded, "r.json: /total: missing required field"},
  };
  for (const BadCase& c : cases) {
    json j = ReportToJson(FullReport());
    json::json_pointer ptr(c.pointer);
    if (c.value.is_discarded()) {
      j[ptr.parent_pointer()].erase(ptr.back());
    } else {
      j[ptr] = c.value;
    }
    Result<Report> r = ReportFromJson(j, "r.json");
    ASSERT_FALSE(r.ok()) << c.pointer;
    EXPECT_TRUE(r.status().IsInvalidInput());
    EXPECT_EQ(r.status().message(), c.message) << c.pointer;
  }
}

TEST(ParseReportTest, NumberTooLargeForADoubleIsAnError) {
  std::string text = ReportToJson(FullReport()).dump();
  size_t at = text.find("12.345");
  ASSERT_NE(at, std::string::npos);
  Result<Report> r = ParseReport(text.replace(at, 6, "1e999"), "h");
  ASSERT_FALSE(r.ok());
  // Located like every other JSON error (it used to carry no place): the token's last byte.
  const std::string byte = std::to_string(at + 5);
  EXPECT_EQ(r.status().message(),
            "h: byte " + byte + ", line 1, column " + byte + ": number overflow parsing '1e999'");
}

TEST(ReportJsonTest, InfiniteNumbersAreOutOfRangeOrUndefined) {
  json j = ReportToJson(FullReport());
  j["sources"][0]["latency_ms"]["cluster1"]["p99"] = std::numeric_limits<double>::infinity();
  Result<Report> ok = ReportFromJson(j, "s");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_TRUE(std::isnan(ok->sources[0].latency_ms["cluster1"].p99));
  j["duration_s"] = std::numeric_limits<double>::infinity();
  Result<Report> bad = ReportFromJson(j, "h");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "h: /duration_s: number out of range");
}

TEST(ReportJsonTest, PointerEscapesSlashAndTilde) {
  json j = ReportToJson(FullReport());
  j["sources"][0]["errors"]["a/b~c"] = "x";
  Result<Report> r = ReportFromJson(j, "r");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "r: /sources/0/errors/a~1b~0c: expected unsigned integer");
}

TEST(ReportJsonTest, RejectsNonObjectDocument) {
  Result<Report> r = ReportFromJson(json::array(), "r");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "r: /: expected object");
}

TEST(ReportJsonTest, RoundTripsEveryTestReport) {
  for (const char* name :
       {"empty", "one_source_pass", "two_sources_fail", "errors_only", "inconclusive", "hostile"}) {
    std::string path = std::string(MESHVERIFY_TEST_DATA) + "/report/" + name + ".json";
    std::ifstream f(path, std::ios::binary);
    std::stringstream text;
    text << f.rdbuf();
    Result<Report> r = ParseReport(text.str(), path);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    Result<Report> back = ReportFromJson(ReportToJson(*r));
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_TRUE(*back == *r) << name;
    // The file's own JSON and ours agree value for value (keys may be ordered differently).
    EXPECT_EQ(ReportToJson(*r), nlohmann::json::parse(text.str())) << name;
  }
}

TEST(ParseReportTest, SyntaxErrorNamesByteLineAndColumn) {
  Result<Report> r = ParseReport("{\"schema\": \n  x}", "saved.json");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsInvalidInput());
  EXPECT_EQ(r.status().message().rfind("saved.json: byte 15, line 2, column 3: syntax error", 0),
            0u)
      << r.status().message();
}

TEST(ParseReportTest, EmptyAndBinaryInputAreErrors) {
  EXPECT_FALSE(ParseReport("", "e").ok());
  EXPECT_FALSE(ParseReport(std::string("\x00\xff\xfe", 3), "b").ok());
  EXPECT_FALSE(ParseReport("{\"schema\": \"\xff\"}", "u").ok());  // invalid UTF-8 in a string
}

TEST(RenderJsonTest, PrettyWithTrailingNewlineAndSurvivesInvalidUtf8) {
  Report r = FullReport();
  r.sources[0].pod = "bad\xff\xfe";
  std::string out = RenderJson(r);
  ASSERT_FALSE(out.empty());
  EXPECT_EQ(out.back(), '\n');
  EXPECT_NE(out.find("\n  \"schema\": \"meshverify.report/v1\""), std::string::npos);
  Result<Report> back = ParseReport(out);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->sources[0].pod, "bad\xEF\xBF\xBD\xEF\xBF\xBD");
}

}  // namespace
}  // namespace meshverify
