// Every renderer of the registry (Renderers()) over every report in
// tests/data/report/<case>.json, compared byte for byte with tests/data/report/<case>.<ext>.gold. Refresh with scripts/update-goldens.sh and review
// the diff.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "meshverify/render.h"
#include "meshverify/report.h"

namespace meshverify {
namespace {

const char* const kCases[] = {"empty",        "one_source_pass", "two_sources_fail",   "errors_only",
                              "inconclusive", "hostile",         "inconclusive_errors"};

std::vector<const Renderer*> RendererPointers() {
  std::vector<const Renderer*> out;
  for (const Renderer& r : Renderers()) out.push_back(&r);
  return out;
}

// The registry holds the formats DESIGN.md promises, each with a golden extension of its own.
TEST(RendererRegistryTest, EveryFormatOnceFindableByNameAndExtension) {
  std::vector<std::string> names;
  for (const Renderer& r : Renderers()) {
    names.emplace_back(r.name);
    EXPECT_EQ(FindRenderer(r.name), &r);
    EXPECT_EQ(FindRenderer(r.extension), &r);
    EXPECT_NE(r.render, nullptr);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"text", "json", "markdown", "junit", "html"}));
  EXPECT_EQ(FindRenderer("pdf"), nullptr);
  EXPECT_EQ(RendererNames(), "text, json, markdown, junit or html");
}

std::string DataPath(const std::string& name) {
  return std::string(MESHVERIFY_TEST_DATA) + "/report/" + name;
}

std::string ReadAll(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// First differing line, for a readable failure message.
std::string FirstDifference(const std::string& want, const std::string& got) {
  std::istringstream a(want), b(got);
  std::string la, lb;
  for (int line = 1;; ++line) {
    bool ha = static_cast<bool>(std::getline(a, la));
    bool hb = static_cast<bool>(std::getline(b, lb));
    if (!ha && !hb) return "no line differs (trailing newline?)";
    if (!ha || !hb || la != lb) {
      return "line " + std::to_string(line) + ":\n  gold: " + (ha ? la : "<end>") +
             "\n  got:  " + (hb ? lb : "<end>");
    }
  }
}

class RenderGoldenTest : public testing::TestWithParam<std::tuple<const Renderer*, const char*>> {};

TEST_P(RenderGoldenTest, MatchesGold) {
  const auto& [renderer, name] = GetParam();
  std::string input_path = DataPath(std::string(name) + ".json");
  std::string input = ReadAll(input_path);
  ASSERT_FALSE(input.empty()) << "missing input " << input_path;
  Result<Report> report = ParseReport(input, input_path);
  ASSERT_TRUE(report.ok()) << report.status().ToString();

  std::string gold_path =
      DataPath(std::string(name) + "." + std::string(renderer->extension) + ".gold");
  std::ifstream gold_file(gold_path, std::ios::binary);
  ASSERT_TRUE(gold_file.good()) << "missing gold file " << gold_path
                                << "; create it with scripts/update-goldens.sh";
  std::string gold = ReadAll(gold_path);
  std::string got = renderer->render(*report);
  EXPECT_EQ(got, gold) << "render " << renderer->name << " of " << input_path << " differs from "
                       << gold_path << " at " << FirstDifference(gold, got)
                       << "\nIf the change is intended, run scripts/update-goldens.sh "
                          "[BUILD_DIR] and review `git diff tests/data/report`.";
}

std::string ParamName(
    const testing::TestParamInfo<std::tuple<const Renderer*, const char*>>& info) {
  return std::string(std::get<1>(info.param)) + "_" + std::string(std::get<0>(info.param)->name);
}

INSTANTIATE_TEST_SUITE_P(AllRenderersAllCases, RenderGoldenTest,
                         testing::Combine(testing::ValuesIn(RendererPointers()),
                                          testing::ValuesIn(kCases)),
                         ParamName);

}  // namespace
}  // namespace meshverify
