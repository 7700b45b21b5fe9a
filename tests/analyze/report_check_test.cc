// CrossCheckReport: a saved report whose totals, shares, gates or verdict were edited so that
// they disagree with its counts is refused with the JSON pointer of the first disagreement.
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "meshverify/analyze.h"
#include "meshverify/report.h"

namespace meshverify {
namespace {

using nlohmann::json;

json Sample(const std::string& name) {
  std::ifstream f(std::string(MESHVERIFY_SOURCE_DIR) + "/reports/samples/" + name);
  std::ostringstream ss;
  ss << f.rdbuf();
  return json::parse(ss.str());
}

// The cross-check of the sample after `edit`: "" when it passes, else the error.
std::string CrossCheck(const std::string& name, const std::function<void(json&)>& edit) {
  json j = Sample(name);
  edit(j);
  Result<Report> r = ReportFromJson(j, "r.json");
  if (!r.ok()) return "parse: " + r.status().message();
  Status s = CrossCheckReport(*r, "r.json");
  return s.ok() ? "" : s.message();
}

TEST(CrossCheckReportTest, TheSamplesAndTheirFixturesAgreeWithThemselves) {
  for (const char* name : {"pass.json", "fail.json", "inconclusive.json"}) {
    EXPECT_EQ(CrossCheck(name, [](json&) {}), "") << name;
  }
}

TEST(CrossCheckReportTest, EditedNumbersAreRefusedWithTheirPlace) {
  struct Case {
    const char* sample;
    std::function<void(json&)> edit;
    std::string want;
  };
  const std::vector<Case> cases = {
      // requests != ok + errors: the reader itself refuses it.
      {"pass.json", [](json& j) { j["total"]["requests"] = 999; },
       "parse: r.json: /total/requests: requests 999 != ok + errors 1000"},
      // Requests and ok both edited: still ok + errors, but no longer what the shares count.
      {"pass.json",
       [](json& j) {
         j["sources"][0]["requests"] = 2000;
         j["sources"][0]["ok"] = 2000;
       },
       "r.json: /sources/0/by_cluster/cluster1/share: 0.497000, but count / ok is 0.248500"},
      {"pass.json",
       [](json& j) {
         j["sources"][0]["by_cluster"]["cluster1"]["count"] = 490;
         j["sources"][0]["by_cluster"]["cluster1"]["share"] = 0.49;
       },
       "r.json: /sources/0/by_cluster: counts sum to 993, but ok is 1000"},
      {"pass.json", [](json& j) { j["sources"][0]["by_instance"].begin()->at("count") = 1; },
       "r.json: /sources/0/by_instance: counts sum to 504, but ok is 1000"},
      // Both the source and the total edited: the total is no longer the sources' sum.
      {"pass.json",
       [](json& j) {
         for (json* s : {&j["sources"][0], &j["total"]}) {
           (*s)["requests"] = 1001;
           (*s)["errors"]["timeout"] = 1;
         }
         j["total"]["requests"] = 1002;
         j["total"]["errors"]["timeout"] = 2;
       },
       "r.json: /total/requests: 1002, but the sources sum to 1001"},
      // A share's gate flipped against its interval and expected share.
      {"pass.json", [](json& j) { j["sources"][0]["by_cluster"]["cluster1"]["gate"] = "skewed"; },
       "r.json: /sources/0/by_cluster/cluster1/gate: skewed, but 497 of 1000 (interval "
       "[0.456428, 0.537612]) against expected 0.5000 ± 0.0500 is not"},
      {"pass.json", [](json& j) { j["sources"][0]["gate"] = "inconclusive"; },
       "r.json: /sources/0/gate: inconclusive, but its shares' gates give balanced"},
      {"pass.json", [](json& j) { j["checks"][1]["status"] = "fail"; },
       "r.json: /checks/1/status: fail, but the sources' gates give pass"},
      {"pass.json", [](json& j) { j["verdict"] = "fail"; },
       "r.json: /verdict: fail, but the checks give pass"},
      {"fail.json", [](json& j) { j["verdict"] = "pass"; },
       "r.json: /verdict: pass, but the checks give fail"},
  };
  for (const Case& c : cases) EXPECT_EQ(CrossCheck(c.sample, c.edit), c.want);
}

}  // namespace
}  // namespace meshverify
