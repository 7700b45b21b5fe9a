// JUnit XML as CI servers read it (Jenkins, GitLab, GitHub test reporters): one testsuite
// "meshverify", one testcase per check. A failed check is a <failure>; skipped and
// inconclusive checks are <skipped> with a message (inconclusive is "not decided", which JUnit
// has no word for). A report whose verdict is "error" gets one extra testcase "run" with an
// <error>, so a run that could not happen never shows as green.
#include <sstream>

#include "meshverify/render.h"
#include "report/render_util.h"

namespace meshverify {
namespace {

using render::XmlEscape;

std::string Attr(std::string_view s) { return XmlEscape(s, /*attribute=*/true); }

}  // namespace

std::string RenderJUnit(const Report& r) {
  size_t failures = 0, skipped = 0;
  for (const CheckResult& c : r.checks) {
    failures += c.status == CheckStatus::kFail;
    skipped += c.status == CheckStatus::kSkipped || c.status == CheckStatus::kInconclusive;
  }
  bool error = r.verdict == Verdict::kError;
  size_t tests = r.checks.size() + (error ? 1 : 0);

  std::ostringstream os;
  os << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
     << "<testsuite name=\"meshverify\" tests=\"" << tests << "\" failures=\"" << failures
     << "\" errors=\"" << (error ? 1 : 0) << "\" skipped=\"" << skipped << "\" time=\""
     << render::Fixed(r.duration_s, 3) << "\"";
  if (!r.started_at.empty()) os << " timestamp=\"" << Attr(r.started_at) << "\"";
  os << ">\n  <properties>\n"
     << "    <property name=\"verdict\" value=\"" << VerdictName(r.verdict) << "\"/>\n"
     << "    <property name=\"schema\" value=\"" << Attr(r.schema) << "\"/>\n"
     << "    <property name=\"tool\" value=\"" << Attr(r.tool_name + " " + r.tool_version)
     << "\"/>\n"
     << "    <property name=\"requests\" value=\"" << r.total.requests << "\"/>\n"
     << "  </properties>\n";
  for (const CheckResult& c : r.checks) {
    os << "  <testcase classname=\"meshverify." << Attr(c.name) << "\" name=\"" << Attr(c.name)
       << "\" time=\"0\">\n";
    switch (c.status) {
      case CheckStatus::kPass:
        if (!c.detail.empty())
          os << "    <system-out>" << XmlEscape(c.detail, false) << "</system-out>\n";
        break;
      case CheckStatus::kFail:
        os << "    <failure message=\"" << Attr(c.detail) << "\" type=\"fail\">"
           << XmlEscape(c.detail, false);
        if (!c.hint.empty()) os << "\nhint: " << XmlEscape(c.hint, false);
        os << "</failure>\n";
        break;
      case CheckStatus::kInconclusive:
        os << "    <skipped message=\"inconclusive: " << Attr(c.detail) << "\"/>\n";
        break;
      case CheckStatus::kSkipped:
        os << "    <skipped message=\"skipped: " << Attr(c.detail) << "\"/>\n";
        break;
    }
    os << "  </testcase>\n";
  }
  if (error) {
    os << "  <testcase classname=\"meshverify.run\" name=\"run\" time=\"0\">\n"
       << "    <error message=\"" << Attr(render::VerdictReason(r)) << "\" type=\"error\"/>\n"
       << "  </testcase>\n";
  }
  os << "  <system-out>" << XmlEscape(RenderText(r), false) << "</system-out>\n"
     << "</testsuite>\n";
  return os.str();
}

}  // namespace meshverify
