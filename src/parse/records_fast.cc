// ParseRecordLineFast (records.h): one pass over a record line, no DOM. It reads every shape of
// the schema the DOM parser accepts and that it can read exactly alike (keys in any order,
// whitespace, escapes, UTF-8, unknown keys with scalar values) and gives up (false) on anything
// else: a syntax error, a type the schema forbids, a duplicate key, a nested unknown value, an
// escaped key, a number it cannot convert exactly as nlohmann does. The caller then runs the
// DOM parser, which owns every error message. tests/fuzz/records_fast_fuzz.cc checks both agree.
#include <bit>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <limits>

#include "meshverify/records.h"
#include "meshverify/utf8.h"

namespace meshverify {
namespace {

enum Key : uint32_t {
  kSchema,
  kSrcCluster,
  kSrcPod,
  kSeq,
  kCode,
  kCurlExit,
  kConnectMs,
  kTotalMs,
  kNewConn,
  kBody,
  kError,
  kIntendedMs,
  kSentMs,
  kLate,
  kConn,
  kPeer,
  kUnknown,
};

Key KeyOf(std::string_view k) {
  switch (k.size()) {
    case 3:
      if (k == "seq") return kSeq;
      break;
    case 4:
      if (k == "code") return kCode;
      if (k == "body") return kBody;
      if (k == "late") return kLate;
      if (k == "conn") return kConn;
      if (k == "peer") return kPeer;
      break;
    case 5:
      if (k == "error") return kError;
      break;
    case 6:
      if (k == "schema") return kSchema;
      break;
    case 7:
      if (k == "src_pod") return kSrcPod;
      if (k == "sent_ms") return kSentMs;
      break;
    case 8:
      if (k == "total_ms") return kTotalMs;
      if (k == "new_conn") return kNewConn;
      break;
    case 9:
      if (k == "curl_exit") return kCurlExit;
      break;
    case 10:
      if (k == "connect_ms") return kConnectMs;
      break;
    case 11:
      if (k == "src_cluster") return kSrcCluster;
      if (k == "intended_ms") return kIntendedMs;
      break;
  }
  return kUnknown;
}

uint64_t Load8(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

// Nonzero iff one of the 8 bytes of `w` is '"', '\\', a control byte (< 0x20) or >= 0x80.
uint64_t SpecialBytes(uint64_t w) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHigh = 0x8080808080808080ULL;
  const uint64_t quote = w ^ (kOnes * '"');
  const uint64_t slash = w ^ (kOnes * '\\');
  return (((quote - kOnes) & ~quote) | ((slash - kOnes) & ~slash) | (w - kOnes * 0x20) | w) & kHigh;
}

class Scanner {
 public:
  explicit Scanner(std::string_view s) : p_(s.data()), end_(s.data() + s.size()) {}

  void Ws() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\n' || *p_ == '\r')) ++p_;
  }
  bool Eat(char c) {
    Ws();
    if (p_ == end_ || *p_ != c) return false;
    ++p_;
    return true;
  }
  bool AtEnd() {
    Ws();
    return p_ == end_;
  }
  char Peek() {
    Ws();
    return p_ < end_ ? *p_ : '\0';
  }

  // A key: printable ASCII without escapes (an escaped key may spell a known one: give up).
  bool Key(std::string_view* out) {
    if (!Eat('"')) return false;
    const char* start = p_;
    while (p_ < end_ && *p_ != '"') {
      const auto c = static_cast<unsigned char>(*p_);
      if (c < 0x20 || c >= 0x80 || c == '\\') return false;
      ++p_;
    }
    if (p_ == end_) return false;
    *out = std::string_view(start, static_cast<size_t>(p_++ - start));
    return true;
  }

  // A string value into *out (nullptr: validate only), decoding escapes and checking UTF-8.
  bool String(std::string* out) {
    if (!Eat('"')) return false;
    if (out != nullptr) out->clear();
    for (;;) {
      const char* run = p_;
      while (end_ - p_ >= 8 && SpecialBytes(Load8(p_)) == 0) p_ += 8;
      while (p_ < end_ && IsPlain(static_cast<unsigned char>(*p_))) ++p_;
      if (out != nullptr) out->append(run, static_cast<size_t>(p_ - run));
      if (p_ == end_) return false;
      const auto c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        ++p_;
        return true;
      }
      if (c < 0x20) return false;
      if (c >= 0x80) {
        const size_t n = Utf8SequenceLength(std::string_view(p_, end_ - p_), 0);
        if (n == 0) return false;
        if (out != nullptr) out->append(p_, n);
        p_ += n;
      } else if (!Escape(out)) {
        return false;
      }
    }
  }

  // A JSON integer without sign, fraction or exponent, at most `max`.
  bool Uint(uint64_t max, uint64_t* out) {
    Ws();
    const char* start = p_;
    uint64_t v = 0;
    while (p_ < end_ && *p_ >= '0' && *p_ <= '9') {
      const auto d = static_cast<uint64_t>(*p_ - '0');
      if (v > (max - d) / 10) return false;
      v = v * 10 + d;
      ++p_;
    }
    const size_t n = static_cast<size_t>(p_ - start);
    if (n == 0 || (n > 1 && *start == '0')) return false;
    if (p_ < end_ && (*p_ == '.' || *p_ == 'e' || *p_ == 'E')) return false;
    *out = v;
    return true;
  }

  // A JSON number as nlohmann converts it to double (integers exactly, then rounded; others
  // correctly rounded, as strtod does), or null (leaves *out).
  bool NumberOrNull(double* out) {
    if (Peek() == 'n') return Literal("null");
    const char* start = p_;
    bool integral = true;
    if (!NumberToken(&integral)) return false;
    if (ShortDecimal(start, p_, out)) return true;
    double v = 0;
    const auto [ptr, ec] = std::from_chars(start, p_, v);
    if (ec != std::errc() || ptr != p_) return false;  // out of range: nlohmann's call
    if (integral && v == 0) v = 0;                     // "-0" is the integer 0 to nlohmann
    *out = v;
    return true;
  }

  bool Bool(bool* out) {
    if (Peek() == 't') return *out = true, Literal("true");
    if (Peek() == 'f') return *out = false, Literal("false");
    return false;
  }

  // Any scalar value (string, number, true, false, null), validated and dropped.
  bool SkipScalar() {
    const char c = Peek();
    if (c == '"') return String(nullptr);
    if (c == 't') return Literal("true");
    if (c == 'f') return Literal("false");
    if (c == 'n') return Literal("null");
    bool integral = true;
    const char* start = p_;
    if (!NumberToken(&integral)) return false;
    if (integral) return true;
    double v = 0;  // nlohmann refuses a float that overflows ("1e999")
    const auto [ptr, ec] = std::from_chars(start, p_, v);
    return ec == std::errc() && ptr == p_;
  }

 private:
  // The common "12.34" (at most 15 digits, no exponent), converted exactly as strtod does: the
  // digits are an exact integer below 2^53 and 10^k (k <= 15) is exact, so one IEEE division
  // gives the correctly rounded value (Clinger's fast path). False: use from_chars.
  static bool ShortDecimal(const char* p, const char* end, double* out) {
    static constexpr double kPow10[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                        1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
    const bool negative = *p == '-';
    if (negative) ++p;
    uint64_t m = 0;
    int digits = 0, frac = 0;
    bool after_point = false;
    for (; p < end; ++p) {
      if (*p == '.') {
        after_point = true;
        continue;
      }
      if (*p < '0' || *p > '9' || ++digits > 15) return false;  // an exponent, or too long
      m = m * 10 + static_cast<uint64_t>(*p - '0');
      frac += after_point ? 1 : 0;
    }
    const double v = static_cast<double>(m) / kPow10[frac];
    // "-0" is the integer 0 to nlohmann (+0); "-0.0" is the double -0.
    *out = negative && (after_point || m != 0) ? -v : v;
    return true;
  }

  static bool IsPlain(unsigned char c) { return c >= 0x20 && c < 0x80 && c != '"' && c != '\\'; }

  bool Literal(std::string_view word) {
    if (static_cast<size_t>(end_ - p_) < word.size() ||
        std::memcmp(p_, word.data(), word.size()) != 0) {
      return false;
    }
    p_ += word.size();
    return true;
  }

  // -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?; *integral = no fraction, no exponent.
  bool NumberToken(bool* integral) {
    if (p_ < end_ && *p_ == '-') ++p_;
    if (p_ == end_ || *p_ < '0' || *p_ > '9') return false;
    if (*p_ == '0') {
      ++p_;
    } else {
      Digits();
    }
    *integral = true;
    if (p_ < end_ && *p_ == '.') {
      ++p_;
      if (!Digits()) return false;
      *integral = false;
    }
    if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
      ++p_;
      if (p_ < end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      if (!Digits()) return false;
      *integral = false;
    }
    return true;
  }
  bool Digits() {
    const char* start = p_;
    while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
    return p_ > start;
  }

  bool Hex4(uint32_t* out) {
    if (end_ - p_ < 4) return false;
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = *p_++;
      v <<= 4;
      if (c >= '0' && c <= '9') {
        v |= static_cast<uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        v |= static_cast<uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        v |= static_cast<uint32_t>(c - 'A' + 10);
      } else {
        return false;
      }
    }
    *out = v;
    return true;
  }

  // At a backslash: appends the escaped character (a surrogate pair as one code point).
  bool Escape(std::string* out) {
    ++p_;
    if (p_ == end_) return false;
    char c = *p_++;
    switch (c) {
      case '"':
      case '\\':
      case '/':
        break;
      case 'b':
        c = '\b';
        break;
      case 'f':
        c = '\f';
        break;
      case 'n':
        c = '\n';
        break;
      case 'r':
        c = '\r';
        break;
      case 't':
        c = '\t';
        break;
      case 'u':
        return Unicode(out);
      default:
        return false;
    }
    if (out != nullptr) out->push_back(c);
    return true;
  }

  bool Unicode(std::string* out) {
    uint32_t cp = 0;
    if (!Hex4(&cp)) return false;
    if (cp >= 0xDC00 && cp <= 0xDFFF) return false;  // a lone low surrogate
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      uint32_t low = 0;
      if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') return false;
      p_ += 2;
      if (!Hex4(&low) || low < 0xDC00 || low > 0xDFFF) return false;
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    }
    if (out != nullptr) AppendUtf8(cp, out);
    return true;
  }

  static void AppendUtf8(uint32_t cp, std::string* out) {
    if (cp < 0x80) {
      out->push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  const char* p_;
  const char* end_;
};

bool ReadValue(Key key, Scanner* s, std::string* scratch, ProbeRecord* r) {
  uint64_t v = 0;
  switch (key) {
    case kSchema:
      return s->String(scratch) && *scratch == kRecordSchema;
    case kSrcCluster:
      return s->String(&r->source_cluster);
    case kSrcPod:
      return s->String(&r->source_pod);
    case kSeq:
      return s->Uint(std::numeric_limits<uint64_t>::max(), &r->seq);
    case kCode:
      if (!s->Uint(999, &v)) return false;
      r->http_code = static_cast<int>(v);
      return true;
    case kCurlExit:
      if (!s->Uint(255, &v)) return false;
      r->curl_exit = static_cast<int>(v);
      return true;
    case kConnectMs:
      return s->NumberOrNull(&r->connect_ms);
    case kTotalMs:
      return s->NumberOrNull(&r->total_ms);
    case kNewConn:
      return s->Bool(&r->new_connection);
    case kBody:
      return s->String(&r->body);
    case kError:
      return s->String(&r->error);
    case kIntendedMs:
      return s->NumberOrNull(&r->intended_ms);
    case kSentMs:
      return s->NumberOrNull(&r->sent_ms);
    case kLate:
      return s->Bool(&r->late);
    case kConn:
      return s->Uint(std::numeric_limits<uint64_t>::max(), &r->connection);
    case kPeer:
      return s->String(&r->peer);
    case kUnknown:
      return s->SkipScalar();
  }
  return false;
}

// Resets *r to a default ProbeRecord, keeping its strings' buffers.
void Reset(ProbeRecord* r) {
  r->source_cluster.clear();
  r->source_pod.clear();
  r->seq = 0;
  r->http_code = 0;
  r->curl_exit = 0;
  r->connect_ms = -1;
  r->total_ms = -1;
  r->new_connection = true;
  r->body.clear();
  r->error.clear();
  r->intended_ms = -1;
  r->sent_ms = -1;
  r->late = false;
  r->connection = 0;
  r->peer.clear();
}

}  // namespace

bool ParseRecordLineFast(std::string_view line, ProbeRecord* r, bool* has_seq) {
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  Reset(r);
  Scanner s(line);
  if (!s.Eat('{')) return false;
  if (s.Eat('}')) {
    if (has_seq != nullptr) *has_seq = false;
    return s.AtEnd();
  }
  uint32_t seen = 0;
  std::string scratch;
  for (;;) {
    std::string_view name;
    if (!s.Key(&name) || !s.Eat(':')) return false;
    const Key key = KeyOf(name);
    if (key != kUnknown) {
      if ((seen >> key) & 1) return false;  // duplicate: leave it to the DOM parser
      seen |= 1u << key;
    }
    if (!ReadValue(key, &s, &scratch, r)) return false;
    if (s.Eat(',')) continue;
    if (!s.Eat('}') || !s.AtEnd()) return false;
    if (has_seq != nullptr) *has_seq = (seen >> kSeq) & 1;
    return true;
  }
}

}  // namespace meshverify
