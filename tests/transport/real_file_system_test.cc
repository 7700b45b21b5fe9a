// RealFileSystem: atomic writes, chunked reads, errors that name the path.
#include "transport/real_file_system.h"

#include <dirent.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

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
  // The names in dir_, sorted.
  std::vector<std::string> Entries() const {
    std::vector<std::string> names;
    DIR* d = opendir(dir_.c_str());
    while (dirent* e = d ? readdir(d) : nullptr) {
      std::string n = e->d_name;
      if (n != "." && n != "..") names.push_back(n);
    }
    if (d) closedir(d);
    std::sort(names.begin(), names.end());
    return names;
  }
  static std::string Slurp(const std::string& path) {
    std::ifstream f(path);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
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
  EXPECT_EQ(Entries(), std::vector<std::string>{"r.json"}) << "temp file left behind";
}

TEST_F(RealFileSystemTest, NewFilesGetTheUmaskModeAndReplacedFilesKeepTheirs) {
  ASSERT_TRUE(fs_.WriteFile(dir_ + "/new.json", "x").ok());
  struct stat st;
  ASSERT_EQ(stat((dir_ + "/new.json").c_str(), &st), 0);
  mode_t mask = umask(022);
  umask(mask);
  EXPECT_EQ(st.st_mode & 0777, 0666 & ~mask);
  ASSERT_EQ(chmod((dir_ + "/new.json").c_str(), 0600), 0);
  ASSERT_TRUE(fs_.WriteFile(dir_ + "/new.json", "y").ok());
  ASSERT_EQ(stat((dir_ + "/new.json").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(RealFileSystemTest, WritesASymlinksTargetAndKeepsTheLink) {
  ASSERT_EQ(mkdir((dir_ + "/real").c_str(), 0755), 0);
  ASSERT_TRUE(fs_.WriteFile(dir_ + "/real/r.json", "old").ok());
  ASSERT_EQ(symlink("real/r.json", (dir_ + "/link.json").c_str()), 0);
  ASSERT_TRUE(fs_.WriteFile(dir_ + "/link.json", "new").ok());
  struct stat st;
  ASSERT_EQ(lstat((dir_ + "/link.json").c_str(), &st), 0);
  EXPECT_TRUE(S_ISLNK(st.st_mode)) << "the symlink was replaced";
  EXPECT_EQ(Slurp(dir_ + "/real/r.json"), "new");
  EXPECT_EQ(Entries(), (std::vector<std::string>{"link.json", "real"}));
  // A dangling link: its target is created through it.
  ASSERT_EQ(symlink("real/later.json", (dir_ + "/dangling.json").c_str()), 0);
  ASSERT_TRUE(fs_.WriteFile(dir_ + "/dangling.json", "later").ok());
  EXPECT_EQ(Slurp(dir_ + "/real/later.json"), "later");
}

TEST_F(RealFileSystemTest, WritesThroughAFifoToItsReader) {
  const std::string fifo = dir_ + "/pipe";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  std::string got;
  std::thread reader([&] { got = Slurp(fifo); });
  Status s = fs_.WriteFile(fifo, std::string(200000, 'f'));  // more than a pipe buffer
  reader.join();
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(got, std::string(200000, 'f'));
  struct stat st;
  ASSERT_EQ(lstat(fifo.c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode)) << "the FIFO was replaced";
  EXPECT_EQ(Entries(), std::vector<std::string>{"pipe"});
}

TEST_F(RealFileSystemTest, DevFullFailsWithoutReplacingTheDevice) {
  Status s = fs_.WriteFile("/dev/full", "report");
  EXPECT_TRUE(s.IsUnavailable());
  EXPECT_EQ(s.message(), "/dev/full: No space left on device");
  struct stat st;
  ASSERT_EQ(lstat("/dev/full", &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode));
  EXPECT_TRUE(fs_.WriteFile("/dev/null", "report").ok());
  EXPECT_TRUE(fs_.WriteFile(dir_, "x").IsUnavailable());
  EXPECT_EQ(fs_.WriteFile(dir_, "x").message(), dir_ + ": Is a directory");
}

TEST_F(RealFileSystemTest, ConcurrentWritersToOnePathAllSucceed) {
  const std::string path = dir_ + "/r.json";
  std::vector<std::thread> writers;
  std::vector<Status> results(6);
  for (int i = 0; i < 6; ++i) {
    writers.emplace_back([&, i] {
      for (int k = 0; k < 20 && results[i].ok(); ++k) {
        results[i] = fs_.WriteFile(path, std::string(50000, static_cast<char>('a' + i)));
      }
    });
  }
  for (std::thread& t : writers) t.join();
  for (const Status& s : results) EXPECT_TRUE(s.ok()) << s.ToString();
  const std::string back = Slurp(path);
  ASSERT_EQ(back.size(), 50000u);
  EXPECT_EQ(back, std::string(50000, back[0])) << "two writers' bytes mixed";
  EXPECT_EQ(Entries(), std::vector<std::string>{"r.json"});
}

TEST_F(RealFileSystemTest, AWriterNotCommittedLeavesTheOldFile) {
  const std::string path = dir_ + "/r.json";
  ASSERT_TRUE(fs_.WriteFile(path, "old").ok());
  {
    Result<std::unique_ptr<FileWriter>> w = fs_.OpenWriter(path);
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->Write("half").ok());
  }
  EXPECT_EQ(Slurp(path), "old");
  EXPECT_EQ(Entries(), std::vector<std::string>{"r.json"});
  Result<std::unique_ptr<FileWriter>> w = fs_.OpenWriter(path);
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Write("one ").ok());
  ASSERT_TRUE((*w)->Write("two").ok());
  ASSERT_TRUE((*w)->Commit().ok());
  EXPECT_EQ(Slurp(path), "one two");
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
