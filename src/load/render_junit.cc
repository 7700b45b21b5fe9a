// A load report as JUnit XML: one test case per SLO and per shard, so that CI shows which
// gate or which shard failed.
#include <sstream>

#include "meshverify/load_report.h"
#include "report/render_util.h"

namespace meshverify::load {

std::string RenderLoadJUnit(const LoadReport& r) {
  using render::XmlEscape;
  struct Case {
    std::string name, status, detail;
  };
  std::vector<Case> cases;
  for (const SloResult& s : r.slos) cases.push_back({"slo: " + s.expr, s.status, s.detail});
  for (const ShardStatus& s : r.shards) {
    const bool ok = s.status == "complete";
    cases.push_back({"shard: " + s.name, ok ? "pass" : "fail",
                     s.status + ", " + std::to_string(s.requests) + " requests" +
                         (s.planned ? " of " + std::to_string(s.planned) : "") +
                         (s.detail.empty() ? "" : ": " + s.detail)});
  }
  if (cases.empty())
    cases.push_back({"load", r.verdict == Verdict::kPass ? "pass" : "fail",
                     "verdict " + std::string(VerdictName(r.verdict))});
  int failures = 0, skipped = 0;
  for (const Case& c : cases) {
    failures += c.status == "fail";
    skipped += c.status == "inconclusive";
  }
  std::ostringstream os;
  os << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"meshverify load\">\n"
     << "  <testsuite name=\"meshverify load\" tests=\"" << cases.size() << "\" failures=\""
     << failures << "\" skipped=\"" << skipped << "\">\n";
  for (const Case& c : cases) {
    os << "    <testcase classname=\"meshverify.load\" name=\"" << XmlEscape(c.name, true) << "\">";
    if (c.status == "fail") {
      os << "\n      <failure message=\"" << XmlEscape(c.detail, true) << "\"/>\n    ";
    } else if (c.status == "inconclusive") {
      os << "\n      <skipped message=\"inconclusive: " << XmlEscape(c.detail, true)
         << "\"/>\n    ";
    }
    os << "</testcase>\n";
  }
  os << "  </testsuite>\n</testsuites>\n";
  return os.str();
}

}  // namespace meshverify::load
