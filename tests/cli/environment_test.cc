// ReadFileOrStdin: every whole-file input is capped and checked for NUL bytes (environment.cc).
#include "cli/environment.h"

#include <gtest/gtest.h>

#include <sstream>

#include "fakes/fake_file_system.h"

namespace meshverify::cli {
namespace {

TEST(ReadFileOrStdinTest, NamesTheFirstNulByteFromOne) {
  testing::FakeFileSystem fs;
  fs.Add("mesh.yaml", std::string("clusters: []\n\0rest", 18));
  Environment env;
  env.fs = &fs;
  Result<std::string> r = ReadFileOrStdin(env, "mesh.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsInvalidInput());
  EXPECT_EQ(r.status().message(), "mesh.yaml: byte 14: binary input");
  std::istringstream in(std::string(100000, 'a') + std::string(1, '\0'));
  env.in = &in;
  EXPECT_EQ(ReadFileOrStdin(env, "-").status().message(), "-: byte 100001: binary input");
}

TEST(ReadFileOrStdinTest, StopsAtTheInputCap) {
  testing::FakeFileSystem fs;
  fs.Add("at.json", std::string(kMaxInputBytes, 'x'));
  fs.Add("over.json", std::string(kMaxInputBytes + 1, 'x'));
  Environment env;
  env.fs = &fs;
  Result<std::string> at = ReadFileOrStdin(env, "at.json");
  ASSERT_TRUE(at.ok()) << at.status().ToString();
  EXPECT_EQ(at->size(), kMaxInputBytes);
  Result<std::string> over = ReadFileOrStdin(env, "over.json");
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.status().message(), "over.json: larger than 64 MiB (the input cap)");
}

TEST(ReadFileOrStdinTest, ReadsStdinAndReportsAFailedStream) {
  Environment env;
  std::istringstream in("hello\n");
  env.in = &in;
  Result<std::string> r = ReadFileOrStdin(env, "-");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "hello\n");
  std::istringstream broken("x");
  broken.setstate(std::ios::badbit);
  env.in = &broken;
  EXPECT_EQ(ReadFileOrStdin(env, "-").status().message(), "-: cannot read stdin: read error");
}

}  // namespace
}  // namespace meshverify::cli
