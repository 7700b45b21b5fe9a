#pragma once
// Numbers as meshverify writes them in every text it produces (check details, notes, every
// renderer): deterministic and independent of the C and C++ locales. Pure; thread-safe.

#include <string>
#include <string_view>

namespace meshverify {

// `v` with exactly `decimals` digits after the point ("12.50"); never "-0.0"; "n/a" when not
// finite.
std::string Fixed(double v, int decimals);

// A share as a percentage with one decimal: 0.5 -> "50.0%", 0.123 -> "12.3%"; a non-finite
// share gives "n/a".
std::string Percent(double share);

// `s` with every control byte (below 0x20, and 0x7F) written as \xNN, so a message that quotes
// input stays one printable line.
std::string EscapeControlBytes(std::string_view s);

}  // namespace meshverify
