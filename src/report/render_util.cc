#include "report/render_util.h"

#include <charconv>
#include <cmath>

namespace meshverify::render {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Length of the valid UTF-8 sequence at s[i], or 0 if none starts there (RFC 3629: no
// overlongs, no surrogates, nothing above U+10FFFF).
size_t Utf8Length(std::string_view s, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i);
  if (c < 0x80) return 1;
  size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (size_t k = 2; k < n; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return n;
}

uint32_t CodePoint(std::string_view s, size_t i, size_t n) {
  auto b = [&](size_t k) { return static_cast<uint32_t>(static_cast<unsigned char>(s[i + k])); };
  switch (n) {
    case 1:
      return b(0);
    case 2:
      return ((b(0) & 0x1F) << 6) | (b(1) & 0x3F);
    case 3:
      return ((b(0) & 0x0F) << 12) | ((b(1) & 0x3F) << 6) | (b(2) & 0x3F);
    default:
      return ((b(0) & 0x07) << 18) | ((b(1) & 0x3F) << 12) | ((b(2) & 0x3F) << 6) | (b(3) & 0x3F);
  }
}

// Calls f(code_point, bytes) for each code point of the cleaned string.
template <typename F>
void ForEachCodePoint(std::string_view s, F f) {
  for (size_t i = 0; i < s.size();) {
    size_t n = Utf8Length(s, i);
    if (n == 0) {
      f(0xFFFD, kReplacement);
      ++i;
    } else {
      f(CodePoint(s, i, n), s.substr(i, n));
      i += n;
    }
  }
}

}  // namespace

std::string Fixed(double v, int decimals) {
  if (!std::isfinite(v)) return "n/a";
  char buf[400];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, decimals);
  if (ec != std::errc()) return "n/a";
  std::string s(buf, end);
  if (s[0] == '-' && s.find_first_not_of("-0.") == std::string::npos) s.erase(0, 1);
  return s;
}

std::string Percent(double share) { return Fixed(share * 100, 1) + "%"; }

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
      out += kReplacement;
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

std::string SourceLabel(const SourceReport& s) {
  if (!s.cluster.empty() && !s.pod.empty()) return s.cluster + "/" + s.pod;
  if (!s.pod.empty()) return s.pod;
  if (!s.cluster.empty()) return s.cluster;
  return "(unnamed source)";
}

uint64_t ErrorCount(const SourceReport& s) {
  uint64_t n = 0;
  for (const auto& [k, v] : s.errors) n += v;
  return n;
}

uint64_t MoreRequestsToDecide(const SourceReport& s) {
  if (s.gate != "inconclusive" || s.requests_to_decide <= s.requests) return 0;
  return s.requests_to_decide - s.requests;
}

uint64_t MoreRequestsToDecide(const Report& r) {
  uint64_t more = 0;
  for (const SourceReport& s : r.sources) more = std::max(more, MoreRequestsToDecide(s));
  if (r.sources.empty()) more = MoreRequestsToDecide(r.total);
  return more;
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

}  // namespace meshverify::render
