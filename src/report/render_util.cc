#include "report/render_util.h"

#include <cmath>

#include "meshverify/utf8.h"

namespace meshverify::render {

std::string PValue(double p) {
  if (std::isfinite(p) && p > 0 && p < 0.0001) return "<0.0001";
  return Fixed(p, 4);
}

std::string Interval(double lo, double hi) {
  // Appended, not "[" + std::string&&: GCC 12 -O3 warns -Wrestrict (a false positive) on that.
  return std::string("[").append(Percent(lo)).append(", ").append(Percent(hi)).append("]");
}

std::string Level(double level) {
  if (!(level > 0)) return "";
  if (level > 0.999999) return ">99.9999%";
  std::string s = Fixed(100 * level, 4);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s + "%";
}

std::string IntervalWithLevel(double lo, double hi, double level) {
  std::string l = Level(level);
  return Interval(lo, hi) + (l.empty() ? "" : " " + l);
}

std::string CleanUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  ForEachCodePoint(s, [&](uint32_t, std::string_view bytes) { out += bytes; });
  return out;
}

std::string OneLine(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  ForEachCodePoint(s, [&](uint32_t cp, std::string_view bytes) {
    if (cp == '\n' || cp == '\t' || cp == '\r') {
      out += ' ';
    } else if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) {
      out += '?';
    } else {
      out += bytes;
    }
  });
  return out;
}

std::string XmlEscape(std::string_view s, bool attribute) {
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  ForEachCodePoint(s, [&](uint32_t cp, std::string_view bytes) {
    switch (cp) {
      case '&':
        out += "&amp;";
        return;
      case '<':
        out += "&lt;";
        return;
      case '>':
        out += "&gt;";
        return;
      case '"':
        out += "&quot;";
        return;
      case '\'':
        out += "&#39;";
        return;
      case '\t':
        out += attribute ? "&#9;" : "\t";
        return;
      case '\n':
        out += attribute ? "&#10;" : "\n";
        return;
      case '\r':
        out += "&#13;";
        return;
      default:
        break;
    }
    // XML 1.0 Char: no other C0 controls, no U+FFFE / U+FFFF.
    if (cp < 0x20 || cp == 0xFFFE || cp == 0xFFFF) {
      out += kUtf8Replacement;
    } else {
      out += bytes;
    }
  });
  return out;
}

std::string MarkdownEscape(std::string_view s) {
  std::string out;
  for (char c : OneLine(s)) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '|':
      case '\\':
      case '`':
      case '*':
      case '_':
      case '[':
      case ']':
      case '#':
      case '~':
        out += '\\';
        out += c;
        break;
      default:
        out += c;
    }
  }
  return out;
}

size_t DisplayWidth(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

std::string Truncate(std::string_view s, size_t width) {
  if (DisplayWidth(s) <= width || width == 0) return std::string(width == 0 ? "" : s);
  std::string out;
  size_t n = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    bool starts = (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80;
    if (starts && ++n == width) break;
    out += s[i];
  }
  return out + "~";
}

std::string PadRight(std::string_view s, size_t width) {
  size_t w = DisplayWidth(s);
  return std::string(s) + std::string(w < width ? width - w : 0, ' ');
}

std::string PadLeft(std::string_view s, size_t width) {
  size_t w = DisplayWidth(s);
  return std::string(w < width ? width - w : 0, ' ') + std::string(s);
}

std::vector<std::string> Wrap(std::string_view text, size_t width) {
  std::vector<std::string> lines;
  std::string line;
  size_t i = 0;
  while (i < text.size()) {
    size_t j = text.find(' ', i);
    if (j == std::string_view::npos) j = text.size();
    std::string_view word = text.substr(i, j - i);
    i = j + 1;
    if (word.empty()) continue;
    if (!line.empty() && DisplayWidth(line) + 1 + DisplayWidth(word) > width) {
      lines.push_back(line);
      line.clear();
    }
    if (!line.empty()) line += ' ';
    line += word;
  }
  if (!line.empty() || lines.empty()) lines.push_back(line);
  return lines;
}

std::string GateCell(GateVerdict g) {
  return g == GateVerdict::kNone ? "-" : std::string(GateVerdictName(g));
}

std::string VerdictWord(Verdict v) {
  switch (v) {
    case Verdict::kPass:
      return "PASS";
    case Verdict::kFail:
      return "FAIL";
    case Verdict::kInconclusive:
      return "INCONCLUSIVE";
    case Verdict::kError:
      return "ERROR";
  }
  return "ERROR";
}

std::string StatusWord(CheckStatus s) {
  switch (s) {
    case CheckStatus::kPass:
      return "PASS";
    case CheckStatus::kFail:
      return "FAIL";
    case CheckStatus::kInconclusive:
      return "INCONCLUSIVE";
    case CheckStatus::kSkipped:
      return "SKIP";
  }
  return "SKIP";
}

namespace {

std::string Plural(uint64_t n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

// "a, b and c" of the names of checks with status `st`.
std::string Names(const Report& r, CheckStatus st, size_t* count) {
  std::vector<std::string> names;
  for (const CheckResult& c : r.checks) {
    if (c.status == st) names.push_back(OneLine(c.name));
  }
  *count = names.size();
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " and " : ", ";
    out += names[i];
  }
  return out;
}

}  // namespace

std::string VerdictReason(const Report& r) {
  std::string over = " over " + Plural(r.total.requests, "request", "requests") + " from " +
                     Plural(r.sources.size(), "source", "sources");
  std::string reason;
  size_t n = 0;
  switch (r.verdict) {
    case Verdict::kPass:
      reason = r.checks.empty()
                   ? "no check failed" + over
                   : "all " + Plural(r.checks.size(), "check", "checks") + " passed" + over;
      break;
    case Verdict::kFail: {
      std::string names = Names(r, CheckStatus::kFail, &n);
      reason = std::to_string(n) + " of " + Plural(r.checks.size(), "check", "checks") + " failed" +
               (n > 0 ? " (" + names + ")" : "") + over;
      break;
    }
    case Verdict::kInconclusive: {
      std::string names = Names(r, CheckStatus::kInconclusive, &n);
      reason = (n > 0 ? names : std::string("the checks")) + " could not be decided" + over;
      uint64_t more = MoreRequestsToDecide(r);
      if (more > 0) {
        reason += "; about " + std::to_string(more) + " more requests per source would decide";
      }
      break;
    }
    case Verdict::kError:
      reason = "the verification could not run";
      if (!r.notes.empty()) reason += ": " + OneLine(r.notes.front());
      break;
  }
  if (r.interrupted) reason += " (interrupted)";
  if (!reason.ends_with('.')) reason += '.';
  return reason;
}

std::string ConnectionSummary(const SourceReport& s) {
  if (s.by_connection.empty()) return "";
  constexpr size_t kNamed = 8;
  uint64_t answers = 0;
  size_t single = 0, named = 0;
  std::string list;
  for (const auto& [id, by] : s.by_connection) {
    uint64_t n = 0;
    for (const auto& [inst, k] : by) n += k;
    answers += n;
    single += by.size() == 1;
    if (named++ >= kNamed) continue;
    list += list.empty() ? "#" : ", #";
    list += std::to_string(id);
    for (const auto& [inst, k] : by) {
      list += ' ';
      list += OneLine(inst);
      list += ' ';
      list += std::to_string(k);
    }
  }
  if (s.by_connection.size() > kNamed) {
    list += ", ... (" + std::to_string(s.by_connection.size() - kNamed) + " more in the JSON)";
  }
  size_t total = s.by_connection.size();
  return std::to_string(total) + " connection" + (total == 1 ? "" : "s") + " carried " +
         std::to_string(answers) + " answers, " + std::to_string(single) + " of them answered " +
         "by one instance each: " + list;
}

}  // namespace meshverify::render
