// --slo: parsing (one-line located errors) and evaluation on the steady windows.
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <string>

#include "meshverify/load_report.h"
#include "meshverify/stats.h"

namespace meshverify::load {
namespace {

class Cursor {
 public:
  explicit Cursor(std::string_view s) : s_(s) {}
  void Space() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  bool Eat(std::string_view word) {
    Space();
    if (s_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }
  std::string Word() {  // letters, digits, '.', '-', '_'
    Space();
    size_t start = pos_;
    while (pos_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[pos_])) ||
                                s_[pos_] == '.' || s_[pos_] == '-' || s_[pos_] == '_')) {
      ++pos_;
    }
    return std::string(s_.substr(start, pos_ - start));
  }
  std::optional<double> Number() {
    Space();
    const std::string rest(s_.substr(pos_));
    char* end = nullptr;
    const double v = std::strtod(rest.c_str(), &end);
    if (end == rest.c_str() || !std::isfinite(v) || rest[0] == '+' || rest[0] == '-') {
      return std::nullopt;
    }
    pos_ += static_cast<size_t>(end - rest.c_str());
    return v;
  }
  std::string Unit() {
    size_t start = pos_;
    while (pos_ < s_.size() && (std::isalpha(static_cast<unsigned char>(s_[pos_])) ||
                                s_[pos_] == '%' || s_[pos_] == '/')) {
      ++pos_;
    }
    return std::string(s_.substr(start, pos_ - start));
  }
  bool AtEnd() {
    Space();
    return pos_ >= s_.size();
  }
  size_t col() const { return pos_ + 1; }
  void Back(size_t col) { pos_ = col - 1; }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

// The expression as it goes into a one-line message: control characters become '?'.
std::string Printable(std::string_view text) {
  std::string out(text.substr(0, 200));
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  return out;
}

Status Error(std::string_view text, size_t col, const std::string& why) {
  return Status::Usage("--slo '" + Printable(text) + "': col " + std::to_string(col) + ": " +
                       Printable(why));
}

// Reads one bound in the metric's unit: fractions (0.001 or 0.1%), ms (ms, s, us, bare ms),
// requests/s (bare or /s).
Result<double> Bound(Cursor& c, std::string_view text, Slo::Metric m) {
  c.Space();
  const size_t col = c.col();
  std::optional<double> v = c.Number();
  if (!v) return Error(text, col, "expected a number");
  const size_t ucol = c.col();
  const std::string unit = c.Unit();
  switch (m) {
    case Slo::Metric::kErrors:
    case Slo::Metric::kLate:
    case Slo::Metric::kShare:
      if (unit == "%") return *v / 100;
      if (!unit.empty()) return Error(text, ucol, "unknown unit '" + unit + "' (a fraction or %)");
      return *v;
    case Slo::Metric::kLatency:
      if (unit.empty() || unit == "ms") return *v;
      if (unit == "s") return *v * 1000;
      if (unit == "us") return *v / 1000;
      return Error(text, ucol, "unknown unit '" + unit + "' (ms, s or us)");
    case Slo::Metric::kRate:
      if (unit.empty() || unit == "/s") return *v;
      return Error(text, ucol, "unknown unit '" + unit + "' (requests/s: a number or N/s)");
  }
  return *v;
}

Status ParseMetric(Cursor& c, std::string_view text, Slo* slo) {
  c.Space();
  const size_t col = c.col();
  const std::string word = c.Word();
  bool takes_name = false, needs_name = false;
  if (word == "errors") {
    slo->metric = Slo::Metric::kErrors;
  } else if (word == "late") {
    slo->metric = Slo::Metric::kLate;
  } else if (word == "rate") {
    slo->metric = Slo::Metric::kRate;
  } else if (word == "share") {
    slo->metric = Slo::Metric::kShare;
    takes_name = needs_name = true;
  } else if (word == "max") {
    slo->metric = Slo::Metric::kLatency;
    slo->quantile = 1;
    takes_name = true;
  } else if (word.size() > 1 && word[0] == 'p') {
    char* end = nullptr;
    const double p = std::strtod(word.c_str() + 1, &end);
    if (*end != '\0' || !(p > 0 && p < 100) || !std::isdigit(static_cast<unsigned char>(word[1]))) {
      return Error(text, col, "'" + word + "': expected a percentile p1 .. p99.99");
    }
    slo->metric = Slo::Metric::kLatency;
    slo->quantile = p / 100;
    takes_name = true;
  } else {
    return Error(text, col,
                 (word.empty() ? std::string("expected") : "unknown metric '" + word + "',") +
                     " a metric: errors, late, rate, share(NAME), pNN(NAME), max(NAME)");
  }
  if (takes_name && c.Eat("(")) {
    const size_t ncol = c.col();
    slo->name = c.Word();
    if (slo->name.empty() && needs_name) return Error(text, ncol, "expected a destination name");
    if (!c.Eat(")")) return Error(text, c.col(), "expected ')'");
  } else if (needs_name) {
    return Error(text, c.col(), "expected '(NAME)' after share");
  }
  return Status::Ok();
}

Status ParseComparison(Cursor& c, std::string_view text, Slo* slo) {
  c.Space();
  const size_t col = c.col();
  if (c.Eat("<=")) {
    slo->op = Slo::Op::kLessEqual;
  } else if (c.Eat("<")) {
    slo->op = Slo::Op::kLess;
  } else if (c.Eat(">=")) {
    slo->op = Slo::Op::kGreaterEqual;
  } else if (c.Eat(">")) {
    slo->op = Slo::Op::kGreater;
  } else if (c.Eat("in")) {
    slo->op = Slo::Op::kIn;
  } else {
    return Error(text, col, "expected <, <=, >, >= or in");
  }
  if (slo->op != Slo::Op::kIn) {
    Result<double> v = Bound(c, text, slo->metric);
    if (!v.ok()) return v.status();
    slo->lo = slo->hi = *v;
    return Status::Ok();
  }
  if (!c.Eat("[")) return Error(text, c.col(), "expected '[' after in");
  Result<double> lo = Bound(c, text, slo->metric);
  if (!lo.ok()) return lo.status();
  if (!c.Eat(",")) return Error(text, c.col(), "expected ','");
  Result<double> hi = Bound(c, text, slo->metric);
  if (!hi.ok()) return hi.status();
  if (!c.Eat("]")) return Error(text, c.col(), "expected ']'");
  if (*lo > *hi) return Error(text, col, "the interval's low end is above its high end");
  slo->lo = *lo;
  slo->hi = *hi;
  return Status::Ok();
}

bool Compare(const Slo& s, double v) {
  switch (s.op) {
    case Slo::Op::kLess:
      return v < s.hi;
    case Slo::Op::kLessEqual:
      return v <= s.hi;
    case Slo::Op::kGreater:
      return v > s.hi;
    case Slo::Op::kGreaterEqual:
      return v >= s.hi;
    case Slo::Op::kIn:
      return v >= s.lo && v <= s.hi;
  }
  return false;
}

}  // namespace

Result<Slo> ParseSlo(std::string_view text) {
  Slo slo;
  slo.expr = std::string(text);
  Cursor c(text);
  if (Status s = ParseMetric(c, text, &slo); !s.ok()) return s;
  if (Status s = ParseComparison(c, text, &slo); !s.ok()) return s;
  if (!c.AtEnd()) return Error(text, c.col(), "unexpected text after the bound");
  if ((slo.metric == Slo::Metric::kShare || slo.metric == Slo::Metric::kErrors ||
       slo.metric == Slo::Metric::kLate) &&
      (slo.lo < 0 || slo.hi > 1)) {
    return Error(text, 1, "a share or rate of errors lies in [0, 1] (or 0% .. 100%)");
  }
  return slo;
}

SloResult EvaluateSlo(const Slo& slo, const Window& steady, double seconds, double alpha) {
  SloResult r;
  r.expr = slo.expr;
  auto decide = [&](double v) {
    r.value = v;
    r.status = Compare(slo, v) ? "pass" : "fail";
  };
  switch (slo.metric) {
    case Slo::Metric::kErrors:
    case Slo::Metric::kLate: {
      if (steady.requests == 0) break;
      const uint64_t n =
          slo.metric == Slo::Metric::kLate ? steady.late : steady.requests - steady.ok;
      decide(static_cast<double>(n) / static_cast<double>(steady.requests));
      r.detail = std::to_string(n) + " of " + std::to_string(steady.requests) + " requests";
      break;
    }
    case Slo::Metric::kRate:
      if (seconds <= 0) break;
      decide(static_cast<double>(steady.requests) / seconds);
      r.detail = std::to_string(steady.requests) + " requests in the steady windows";
      break;
    case Slo::Metric::kShare: {
      uint64_t k = 0;
      for (const auto* m : {&steady.by_cluster, &steady.by_version}) {
        if (auto it = m->find(slo.name); it != m->end() && k == 0) k = it->second.count;
      }
      if (auto it = steady.by_instance.find(slo.name); it != steady.by_instance.end() && k == 0) {
        k = it->second.count;
      }
      if (steady.ok == 0) break;
      const stats::Interval ci = stats::ClopperPearsonBounds(k, steady.ok, alpha / 2, alpha / 2);
      r.value = static_cast<double>(k) / static_cast<double>(steady.ok);
      r.ci_lo = ci.lo;
      r.ci_hi = ci.hi;
      const bool inside = Compare(slo, ci.lo) && Compare(slo, ci.hi);
      const bool outside = !Compare(slo, ci.lo) && !Compare(slo, ci.hi) &&
                           !(slo.op == Slo::Op::kIn && ci.lo < slo.lo && ci.hi > slo.hi);
      r.status = inside ? "pass" : outside ? "fail" : "inconclusive";
      r.detail = std::to_string(k) + " of " + std::to_string(steady.ok) + " answers";
      break;
    }
    case Slo::Metric::kLatency: {
      Histogram h;
      for (const auto& [dest, hist] : steady.latency_hist) {
        if (slo.name.empty() || dest == slo.name) h.Merge(hist);
      }
      if (h.count() == 0) break;
      decide(h.Quantile(slo.quantile));
      r.detail = std::to_string(h.count()) + " answers, latency from the intended send";
      break;
    }
  }
  if (r.status.empty()) {
    r.status = "inconclusive";
    r.detail = "no data in the steady windows";
  }
  return r;
}

}  // namespace meshverify::load
