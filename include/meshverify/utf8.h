#pragma once
// UTF-8 decoding, once for every module: text that must end up in JSON reports (samples,
// error details) and in rendered reports (escaping, display widths). Well-formed means RFC 3629
// / Unicode Table 3-7: no overlongs, no surrogates, nothing above U+10FFFF. Pure; thread-safe.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace meshverify {

// Length (1 to 4) of the well-formed UTF-8 sequence that starts at s[i], or 0 when none does
// (an ill-formed byte, or a sequence cut by the end of `s`). REQUIRES: i < s.size().
size_t Utf8SequenceLength(std::string_view s, size_t i);

// The code point of the well-formed sequence of `length` bytes at s[i] (see
// Utf8SequenceLength).
uint32_t DecodeUtf8(std::string_view s, size_t i, size_t length);

// The replacement character U+FFFD, in UTF-8.
inline constexpr std::string_view kUtf8Replacement = "\xEF\xBF\xBD";

// Calls f(code_point, bytes) for each code point of `s`; each ill-formed byte comes as
// U+FFFD (bytes = kUtf8Replacement).
template <typename F>
void ForEachCodePoint(std::string_view s, F f) {
  for (size_t i = 0; i < s.size();) {
    size_t n = Utf8SequenceLength(s, i);
    if (n == 0) {
      f(uint32_t{0xFFFD}, kUtf8Replacement);
      ++i;
    } else {
      f(DecodeUtf8(s, i, n), s.substr(i, n));
      i += n;
    }
  }
}

// True iff `s` is well-formed UTF-8 (no overlongs, surrogates or code points > U+10FFFF).
bool IsValidUtf8(std::string_view s);

// Returns at most `max_bytes` bytes of `s` as valid UTF-8: each ill-formed byte becomes U+FFFD,
// and the result is cut on a character boundary.
std::string SanitizeUtf8(std::string_view s, size_t max_bytes);

}  // namespace meshverify
