// ParseCanonical (records_scanner.h): the shape RecordToJsonLine writes, read with fixed key
// literals (one memcmp each) instead of key scanning and lookup: src_cluster, src_pod, seq, code,
// curl_exit, connect_ms, total_ms, new_conn, body, then the optional error, intended_ms,
// sent_ms, late, conn, peer, in that order, and no whitespace between tokens. Values go through
// the same Scanner as the general fast path (numbers, escapes, UTF-8), so whatever this reads
// is read exactly as that path and the DOM parser read it; anything else is declined.
#include <cstdint>
#include <limits>

#include "meshverify/records.h"
#include "parse/records_scanner.h"

namespace meshverify::records_internal {
namespace {

constexpr uint64_t kMaxU64 = std::numeric_limits<uint64_t>::max();

bool IsDigit(char c) { return static_cast<unsigned char>(c - '0') < 10; }

uint32_t Load4(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

class Canonical {
 public:
  explicit Canonical(std::string_view s) : p_(s.data()), end_(s.data() + s.size()) {}

  bool AtEnd() const { return p_ == end_; }

  // The exact bytes of the literal `word`: two overlapping word compares for most keys.
  template <size_t N>
  bool Lit(const char (&word)[N]) {
    constexpr size_t n = N - 1;
    if (static_cast<size_t>(end_ - p_) < n) return false;
    bool same = true;
    if constexpr (n >= 8 && n <= 16) {
      same = Load8(p_) == Load8(word) && Load8(p_ + n - 8) == Load8(word + n - 8);
    } else if constexpr (n >= 4 && n < 8) {
      same = Load4(p_) == Load4(word) && Load4(p_ + n - 4) == Load4(word + n - 4);
    } else {
      same = std::memcmp(p_, word, n) == 0;
    }
    if (!same) return false;
    p_ += n;
    return true;
  }

  // The rest of a string whose opening quote was read: plain ASCII and "\n" (the line end of
  // every body) are read here, anything else (other escapes, UTF-8) by the general decoder.
  bool Str(std::string* out) {
    const char* q = FindSpecial(p_, end_);
    if (q < end_ && *q == '"') {
      out->assign(p_, static_cast<size_t>(q - p_));
      p_ = q + 1;
      return true;
    }
    if (end_ - q >= 3 && q[0] == '\\' && q[1] == 'n' && q[2] == '"') {
      out->assign(p_, static_cast<size_t>(q - p_));
      out->push_back('\n');
      p_ = q + 3;
      return true;
    }
    Scanner s(p_ - 1, end_);
    if (!s.String(out)) return false;
    p_ = s.pos();
    return true;
  }

  // An integer of at most 18 digits (no overflow) and at most `max`; longer ones, and anything
  // the Scanner would refuse, are left to it. The digit loops need no end check: the line
  // ends with '}' (ParseCanonical checks it first).
  bool Uint(uint64_t max, uint64_t* out) {
    const char* q = p_;
    uint64_t v = 0;
    while (IsDigit(*q)) v = v * 10 + static_cast<uint64_t>(*q++ - '0');  // may wrap: n > 18
    const size_t n = static_cast<size_t>(q - p_);
    if (n == 0 || n > 18 || (n > 1 && *p_ == '0') || v > max || *q == '.' || *q == 'e' ||
        *q == 'E') {
      Scanner s(p_, end_);
      if (!s.Uint(max, out)) return false;
      p_ = s.pos();
      return true;
    }
    *out = v;
    p_ = q;
    return true;
  }

  // "12.34" (no sign, no exponent, at most 15 digits) as Scanner::ShortDecimal converts it
  // (the same division); anything else is left to Scanner::NumberOrNull.
  bool NumberOrNull(double* out) {
    const char* q = p_;
    uint64_t m = 0;
    while (IsDigit(*q)) m = m * 10 + static_cast<uint64_t>(*q++ - '0');
    const auto digits = static_cast<size_t>(q - p_);
    size_t frac = 0;
    if (*q == '.') {
      const char* f = ++q;
      while (IsDigit(*q)) m = m * 10 + static_cast<uint64_t>(*q++ - '0');
      frac = static_cast<size_t>(q - f);
    }
    const bool simple = digits > 0 && !(digits > 1 && *p_ == '0') && digits + frac <= 15 &&
                        (q == p_ + digits || frac > 0) && *q != 'e' && *q != 'E';
    if (!simple) {
      Scanner s(p_, end_);
      if (!s.NumberOrNull(out)) return false;
      p_ = s.pos();
      return true;
    }
    *out = static_cast<double>(m) / kPow10[frac];
    p_ = q;
    return true;
  }

  bool Bool(bool* out) {
    if (Lit("true")) return *out = true, true;
    if (Lit("false")) return *out = false, true;
    return false;
  }

 private:
  const char* p_;
  const char* end_;
};

bool Int(Canonical* c, uint64_t max, int* out) {
  uint64_t v = 0;
  if (!c->Uint(max, &v)) return false;
  *out = static_cast<int>(v);
  return true;
}

// The keys RecordToJsonLine writes only when known, in its order; absent ones get the defaults.
bool ReadOptional(Canonical* c, ProbeRecord* r) {
  ResetOptional(r);
  if (c->Lit(R"(,"error":")") && !c->Str(&r->error)) return false;
  if (c->Lit(R"(,"intended_ms":)") && !c->NumberOrNull(&r->intended_ms)) return false;
  if (c->Lit(R"(,"sent_ms":)") && !c->NumberOrNull(&r->sent_ms)) return false;
  if (c->Lit(R"(,"late":)") && !c->Bool(&r->late)) return false;
  if (c->Lit(R"(,"conn":)") && !c->Uint(kMaxU64, &r->connection)) return false;
  if (c->Lit(R"(,"peer":")") && !c->Str(&r->peer)) return false;
  return true;
}

}  // namespace

bool ParseCanonical(std::string_view line, ProbeRecord* r, bool* has_seq) {
  if (line.empty() || line.back() != '}') return false;  // the digit loops' sentinel
  Canonical c(line);
  r->connect_ms = -1;  // null leaves them
  r->total_ms = -1;
  const bool ok = c.Lit(R"({"src_cluster":")") && c.Str(&r->source_cluster) &&
                  c.Lit(R"(,"src_pod":")") && c.Str(&r->source_pod) && c.Lit(R"(,"seq":)") &&
                  c.Uint(kMaxU64, &r->seq) && c.Lit(R"(,"code":)") && Int(&c, 999, &r->http_code) &&
                  c.Lit(R"(,"curl_exit":)") && Int(&c, 255, &r->curl_exit) &&
                  c.Lit(R"(,"connect_ms":)") && c.NumberOrNull(&r->connect_ms) &&
                  c.Lit(R"(,"total_ms":)") && c.NumberOrNull(&r->total_ms) &&
                  c.Lit(R"(,"new_conn":)") && c.Bool(&r->new_connection) && c.Lit(R"(,"body":")") &&
                  c.Str(&r->body) && ReadOptional(&c, r) && c.Lit("}") && c.AtEnd();
  if (!ok) return false;
  if (has_seq != nullptr) *has_seq = true;
  return true;
}

}  // namespace meshverify::records_internal
