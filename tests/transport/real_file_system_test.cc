// RealFileSystem: atomic writes, chunked reads, errors that name the path.
#include "transport/real_file_system.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

namespace meshverify {
namespace {

class RealFileSystemTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/meshverify-fs-test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::string rm = "rm -rf '" + dir_ + "'";
    (void)system(rm.c_str());
  }
  std::string dir_;
  RealFileSystem fs_;
};

TEST_F(RealFileSystemTest, WritesAtomicallyAndReadsBack) {
  const std::string path = dir_ + "/r.json";
  ASSERT_TRUE(fs_.WriteFile(path, "first").ok());
  ASSERT_TRUE(fs_.WriteFile(path, std::string(100000, 'x')).ok());
  Result<std::string> back = fs_.ReadFile(path);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, std::string(100000, 'x'));
  EXPECT_NE(access((path + ".tmp").c_str(), F_OK), 0) << "temp file left behind";
}

TEST_F(RealFileSystemTest, ReadsInBoundedChunksAndStopsWhenAsked) {
  const std::string path = dir_ + "/in.txt";
  ASSERT_TRUE(fs_.WriteFile(path, std::string(1000, 'a')).ok());
  size_t chunks = 0, bytes = 0, largest = 0;
  ASSERT_TRUE(fs_.ReadChunks(path, 64, [&](std::string_view c) {
                   ++chunks;
                   bytes += c.size();
                   largest = std::max(largest, c.size());
                   return true;
                 }).ok());
  EXPECT_EQ(bytes, 1000u);
  EXPECT_LE(largest, 64u);
  EXPECT_GE(chunks, 16u);
  size_t seen = 0;
  ASSERT_TRUE(fs_.ReadChunks(path, 64, [&](std::string_view) { return ++seen < 3; }).ok());
  EXPECT_EQ(seen, 3u);
}

TEST_F(RealFileSystemTest, ErrorsNameThePathWithTheRightCode) {
  Result<std::string> missing = fs_.ReadFile(dir_ + "/missing.json");
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(missing.status().IsInvalidInput());
  EXPECT_EQ(missing.status().message(), dir_ + "/missing.json: No such file or directory");
  Status write = fs_.WriteFile(dir_ + "/no/such/dir/r.json", "x");
  EXPECT_TRUE(write.IsUnavailable());
  EXPECT_EQ(write.message(), dir_ + "/no/such/dir/r.json: No such file or directory");
}

}  // namespace
}  // namespace meshverify
