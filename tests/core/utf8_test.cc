// One UTF-8 decoder for the parsers, the aggregation and the renderers (utf8.h).
#include "meshverify/utf8.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace meshverify {
namespace {

TEST(Utf8Test, SequenceLengthsFollowTable3_7) {
  EXPECT_EQ(Utf8SequenceLength("a", 0), 1u);
  EXPECT_EQ(Utf8SequenceLength("\xc3\xa9", 0), 2u);          // é
  EXPECT_EQ(Utf8SequenceLength("\xe2\x82\xac", 0), 3u);      // €
  EXPECT_EQ(Utf8SequenceLength("\xf0\x9f\x98\x80", 0), 4u);  // 😀
  EXPECT_EQ(Utf8SequenceLength("\xc3", 0), 0u);              // cut
  EXPECT_EQ(Utf8SequenceLength("\xc0\xaf", 0), 0u);          // overlong
  EXPECT_EQ(Utf8SequenceLength("\xe0\x80\xaf", 0), 0u);      // overlong
  EXPECT_EQ(Utf8SequenceLength("\xed\xa0\x80", 0), 0u);      // surrogate
  EXPECT_EQ(Utf8SequenceLength("\xf4\x90\x80\x80", 0), 0u);  // above U+10FFFF
  EXPECT_EQ(Utf8SequenceLength("\x80", 0), 0u);              // lone continuation
}

TEST(Utf8Test, DecodesAndReplacesEachIllFormedByte) {
  std::vector<uint32_t> cps;
  std::string bytes;
  ForEachCodePoint("a\xc3\xa9\xff\xf0\x9f\x98\x80\xc3", [&](uint32_t cp, std::string_view b) {
    cps.push_back(cp);
    bytes += b;
  });
  EXPECT_EQ(cps, (std::vector<uint32_t>{'a', 0xE9, 0xFFFD, 0x1F600, 0xFFFD}));
  EXPECT_EQ(bytes, "a\xc3\xa9\xEF\xBF\xBD\xf0\x9f\x98\x80\xEF\xBF\xBD");
}

// Every one- and two-byte string: IsValidUtf8 says yes iff decoding needs no replacement, and
// SanitizeUtf8 leaves exactly the valid ones unchanged.
TEST(Utf8Test, ValidationDecodingAndSanitizingAgree) {
  for (int a = 0; a < 256; ++a) {
    for (int b = -1; b < 256; ++b) {
      std::string s(1, static_cast<char>(a));
      if (b >= 0) s += static_cast<char>(b);
      bool replaced = false;
      ForEachCodePoint(s, [&](uint32_t, std::string_view piece) {
        replaced = replaced || piece == kUtf8Replacement;
      });
      EXPECT_EQ(IsValidUtf8(s), !replaced) << a << " " << b;
      EXPECT_EQ(SanitizeUtf8(s, 16) == s, IsValidUtf8(s)) << a << " " << b;
    }
  }
  EXPECT_EQ(SanitizeUtf8("\xc3\xa9\xc3\xa9", 3), "\xc3\xa9");  // cut on a character boundary
}

}  // namespace
}  // namespace meshverify
