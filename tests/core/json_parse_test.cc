// ParseJsonText: one place for JSON text, with a place for every error.
#include "meshverify/json_parse.h"

#include <gtest/gtest.h>

namespace meshverify {
namespace {

TEST(ParseJsonTextTest, ParsesADocument) {
  JsonParse p = ParseJsonText(R"({"a": [1, 2.5, "x"], "b": null})");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p.value["a"][1], 2.5);
}

TEST(ParseJsonTextTest, SyntaxErrorsHaveByteLineColumnAndReason) {
  JsonParse p = ParseJsonText("{\"schema\": \n  x}");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error->byte, 15u);
  EXPECT_EQ(p.error->line, 2u);
  EXPECT_EQ(p.error->column, 3u);
  EXPECT_EQ(p.error->reason.rfind("syntax error while parsing value - invalid literal", 0), 0u)
      << p.error->reason;
  JsonParse end = ParseJsonText("[1, 2");
  ASSERT_FALSE(end.ok());
  EXPECT_EQ(end.error->byte, 6u);
  EXPECT_EQ(end.error->reason,
            "syntax error while parsing array - unexpected end of input; expected ']'");
  EXPECT_FALSE(ParseJsonText("").ok());
}

// nlohmann throws out_of_range without a position for these; they get one too.
TEST(ParseJsonTextTest, NumberOverflowIsLocatedToo) {
  JsonParse p = ParseJsonText("{\"a\":\n  [1e999]}");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error->reason, "number overflow parsing '1e999'");
  EXPECT_EQ(p.error->line, 2u);
  EXPECT_EQ(p.error->column, 8u);  // the token's last byte
  EXPECT_EQ(p.error->byte, 14u);
}

TEST(ParseJsonTextTest, ReasonsAreOneLineOfValidUtf8) {
  JsonParse p = ParseJsonText("\"\xff\n");
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.error->reason.find("\xEF\xBF\xBD"), std::string::npos) << p.error->reason;
  EXPECT_EQ(p.error->reason.find('\n'), std::string::npos);
  EXPECT_EQ(p.error->reason.find('\xff'), std::string::npos);
}

}  // namespace
}  // namespace meshverify
