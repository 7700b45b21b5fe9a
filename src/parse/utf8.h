#pragma once
// Small UTF-8 helpers for text that must end up in JSON reports (samples, error details).

#include <cstddef>
#include <string>
#include <string_view>

namespace meshverify {

// True iff `s` is well-formed UTF-8 (no overlongs, surrogates or code points > U+10FFFF).
bool IsValidUtf8(std::string_view s);

// Returns at most `max_bytes` bytes of `s` as valid UTF-8: each ill-formed byte becomes U+FFFD,
// and the result is cut on a character boundary.
std::string SanitizeUtf8(std::string_view s, size_t max_bytes);

}  // namespace meshverify
