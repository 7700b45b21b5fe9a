#include "meshverify/status.h"

#include <gtest/gtest.h>

namespace meshverify {
namespace {

TEST(StatusTest, OkByDefault) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.ToString(), "OK");
  EXPECT_EQ(ToInt(s.ExitCode()), 0);
}

TEST(StatusTest, CodesMapToExitCodes) {
  EXPECT_EQ(ToInt(Status::InvalidInput("x").ExitCode()), 2);
  EXPECT_EQ(ToInt(Status::Usage("x").ExitCode()), 2);
  EXPECT_EQ(ToInt(Status::Unavailable("x").ExitCode()), 3);
  EXPECT_EQ(ToInt(Status::Internal("x").ExitCode()), 3);
}

TEST(StatusTest, ToStringNamesCodeAndMessage) {
  EXPECT_EQ(Status::InvalidInput("in.txt:3: bad share").ToString(),
            "InvalidInput: in.txt:3: bad share");
  EXPECT_EQ(Status::Unavailable("no kubectl").WithPrefix("discover").message(),
            "discover: no kubectl");
  EXPECT_TRUE(Status::Ok().WithPrefix("x").ok());
}

TEST(ResultTest, HoldsValueOrStatus) {
  Result<int> good = 7;
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, 7);
  Result<int> bad = Status::InvalidInput("nope");
  EXPECT_FALSE(bad.ok());
  EXPECT_TRUE(bad.status().IsInvalidInput());
}

}  // namespace
}  // namespace meshverify
