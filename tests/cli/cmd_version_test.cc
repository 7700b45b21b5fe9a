#include <gtest/gtest.h>

#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/run.h"

namespace meshverify::cli {
namespace {

struct Outcome {
  int code;
  std::string out, err;
};

Outcome RunWords(std::vector<std::string> words) {
  std::vector<char*> argv;
  for (std::string& w : words) argv.push_back(w.data());
  std::istringstream in;
  std::ostringstream out, err;
  Environment env;
  env.in = &in;
  env.out = &out;
  env.err = &err;
  int code = Run(std::span<char* const>(argv.data(), argv.size()), env);
  return {code, out.str(), err.str()};
}

TEST(CmdVersionTest, NamesVersionCommitBuildCompilerAndEveryLibrary) {
  Outcome o = RunWords({"meshverify", "version"});
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_EQ(o.err, "");
  std::istringstream lines(o.out);
  std::string first;
  std::getline(lines, first);
  EXPECT_EQ(first, std::string("meshverify ") + MESHVERIFY_VERSION);
  // One "key  value" line each, in this order, none empty.
  const std::vector<std::string> keys = {"commit", "build type",    "compiler", "libcurl",
                                         "Boost",  "nlohmann_json", "yaml-cpp", "RE2"};
  for (const std::string& key : keys) {
    std::string line;
    ASSERT_TRUE(std::getline(lines, line)) << "no line for " << key << " in:\n" << o.out;
    ASSERT_EQ(line.rfind(key + " ", 0), 0u) << line;
    EXPECT_NE(line.find_first_not_of(' ', key.size()), std::string::npos) << line;
  }
  EXPECT_TRUE(
      std::regex_search(o.out, std::regex("\ncommit +([0-9a-f]{12}(-modified)?|unknown)\n")))
      << o.out;
  EXPECT_TRUE(std::regex_search(o.out, std::regex("\nlibcurl +[0-9]+\\.[0-9]+\\.[0-9]+"))) << o.out;
  EXPECT_TRUE(std::regex_search(o.out, std::regex("\nBoost +1\\.[0-9]+\\.[0-9]+\n"))) << o.out;
  EXPECT_TRUE(std::regex_search(o.out, std::regex("\nnlohmann_json +3\\.[0-9]+\\.[0-9]+\n")))
      << o.out;
}

TEST(CmdVersionTest, DashDashVersionPrintsTheSame) {
  Outcome a = RunWords({"meshverify", "--version"});
  Outcome b = RunWords({"meshverify", "version"});
  EXPECT_EQ(a.code, 0);
  EXPECT_EQ(a.out, b.out);
}

TEST(CmdVersionTest, HelpAndBadArguments) {
  Outcome h = RunWords({"meshverify", "version", "--help"});
  EXPECT_EQ(h.code, 0);
  EXPECT_EQ(h.out.rfind("usage: meshverify version\n", 0), 0u) << h.out;
  Outcome bad = RunWords({"meshverify", "version", "--json"});
  EXPECT_EQ(bad.code, 2);
  EXPECT_EQ(bad.out, "");
  EXPECT_EQ(bad.err,
            "meshverify version: unexpected argument '--json' (see meshverify version --help)\n");
}

TEST(CmdVersionTest, ListedInTheUsage) {
  Outcome o = RunWords({"meshverify", "--help"});
  EXPECT_NE(o.out.find("\n  version "), std::string::npos) << o.out;
}

}  // namespace
}  // namespace meshverify::cli
