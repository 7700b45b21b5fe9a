#pragma once
// The JSON scanner of the DOM-free record parsers (records_fast.cc: any key order;
// records_canonical.cc: RecordToJsonLine's own shape). Internal to src/parse.
#include <bit>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "meshverify/model.h"
#include "meshverify/utf8.h"

namespace meshverify::records_internal {

inline uint64_t Load8(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

// Nonzero iff one of the 8 bytes of `w` is '"', '\\', a control byte (< 0x20) or >= 0x80.
inline uint64_t SpecialBytes(uint64_t w) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHigh = 0x8080808080808080ULL;
  const uint64_t quote = w ^ (kOnes * '"');
  const uint64_t slash = w ^ (kOnes * '\\');
  return (((quote - kOnes) & ~quote) | ((slash - kOnes) & ~slash) | (w - kOnes * 0x20) | w) & kHigh;
}

inline bool IsPlain(unsigned char c) { return c >= 0x20 && c < 0x80 && c != '"' && c != '\\'; }

// The first byte in [p, end) that is not IsPlain, or end: 16 bytes a step with SSE2, 8 with
// the SWAR test otherwise (the lowest byte it flags is always a special one).
inline const char* FindSpecial(const char* p, const char* end) {
#ifdef __SSE2__
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i slash = _mm_set1_epi8('\\');
  const __m128i space = _mm_set1_epi8(0x20);
  while (end - p >= 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    // Signed: bytes >= 0x80 are negative, so "< 0x20" takes them too.
    const __m128i special = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, slash)), _mm_cmplt_epi8(v, space));
    const int mask = _mm_movemask_epi8(special);
    if (mask != 0) return p + std::countr_zero(static_cast<unsigned>(mask));
    p += 16;
  }
#endif
  while (end - p >= 8) {
    const uint64_t m = SpecialBytes(Load8(p));
    if (m != 0) {
      if constexpr (std::endian::native == std::endian::little) {
        return p + std::countr_zero(m) / 8;  // the byte at the lowest address
      }
      break;
    }
    p += 8;
  }
  while (p < end && IsPlain(static_cast<unsigned char>(*p))) ++p;
  return p;
}

// Exact powers of ten for Clinger's fast path (Scanner::ShortDecimal, ParseCanonical).
inline constexpr double kPow10[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                    1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};

class Scanner {
 public:
  explicit Scanner(std::string_view s) : p_(s.data()), end_(s.data() + s.size()) {}
  Scanner(const char* p, const char* end) : p_(p), end_(end) {}
  const char* pos() const { return p_; }

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

// Gives the keys RecordToJsonLine writes only when known their defaults (a default
// ProbeRecord's), keeping the strings' buffers.
inline void ResetOptional(ProbeRecord* r) {
  r->error.clear();
  r->intended_ms = -1;
  r->sent_ms = -1;
  r->late = false;
  r->connection = 0;
  r->peer.clear();
}

// Reads `line` (without its line end) when it has exactly the shape RecordToJsonLine writes:
// its keys in its order, no whitespace between tokens. False (with *r unspecified) for
// anything else; the general fast path then reads the line.
bool ParseCanonical(std::string_view line, ProbeRecord* r, bool* has_seq);

}  // namespace meshverify::records_internal
