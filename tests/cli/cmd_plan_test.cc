#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "meshverify/stats.h"

namespace meshverify::cli {
namespace {

struct Outcome {
  int code;
  std::string out, err;
};

Outcome Plan(const Args& args) {
  std::istringstream in;
  std::ostringstream out, err;
  Environment env;
  env.in = &in;
  env.out = &out;
  env.err = &err;
  int code = ToInt(ParseAndRun("plan", ParsePlanFlags, RunPlan, args, env));
  return {code, out.str(), err.str()};
}

std::string Planned(std::vector<double> shares, double tolerance, double alpha, double power) {
  Result<uint64_t> n = stats::PlanRequests(shares, tolerance, alpha, power);
  return n.ok() ? std::to_string(*n) : n.status().ToString();
}

TEST(CmdPlanTest, DefaultsToTwoEqualShares) {
  Outcome o = Plan({});
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_EQ(o.out, "requests per source: " + Planned({0.5, 0.5}, 0.05, 0.01, 0.9) +
                       " (shares 0.5/0.5, tolerance 0.05, alpha 0.01, power 0.9)\n");
  EXPECT_EQ(o.err, "");
}

TEST(CmdPlanTest, TakesExpectAndGateFlags) {
  Outcome o = Plan(
      {"--tolerance", "0.02", "--alpha", "0.05", "--power", "0.8", "--expect", "v1=0.25,v2=0.75"});
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_EQ(o.out, "requests per source: " + Planned({0.25, 0.75}, 0.02, 0.05, 0.8) +
                       " (shares v1=0.25/v2=0.75, tolerance 0.02, alpha 0.05, power 0.8)\n");
  Outcome k = Plan({"--categories", "3"});
  EXPECT_EQ(k.code, 0) << k.err;
  EXPECT_EQ(k.out, "requests per source: " + Planned({1. / 3, 1. / 3, 1. / 3}, 0.05, 0.01, 0.9) +
                       " (shares 0.333333/0.333333/0.333333, tolerance 0.05, alpha 0.01, "
                       "power 0.9)\n");
}

TEST(CmdPlanTest, JsonOutput) {
  Outcome o = Plan({"-o", "json", "--expect", "a=0.5,b=0.5"});
  ASSERT_EQ(o.code, 0) << o.err;
  nlohmann::json j = nlohmann::json::parse(o.out);
  EXPECT_EQ(std::to_string(j.at("requests_per_source").get<uint64_t>()),
            Planned({0.5, 0.5}, 0.05, 0.01, 0.9));
  EXPECT_EQ(j.at("names"), nlohmann::json({"a", "b"}));
  EXPECT_EQ(j.at("shares"), nlohmann::json({0.5, 0.5}));
  EXPECT_DOUBLE_EQ(j.at("power").get<double>(), 0.9);
}

TEST(CmdPlanTest, HelpExitsZero) {
  Outcome o = Plan({"--help"});
  EXPECT_EQ(o.code, 0);
  EXPECT_NE(o.out.find("--power"), std::string::npos);
  EXPECT_NE(o.out.find("--expect"), std::string::npos);
}

TEST(CmdPlanTest, BadInputIsOneLineAndExitTwo) {
  const std::vector<std::pair<Args, std::string>> errors = {
      {{"--expect", "v1=0.3,v2=0.6"}, "meshverify plan: --expect: shares sum to 0.9, not 1\n"},
      {{"--power", "1.5"}, "meshverify plan: --power 1.5: must be in (0, 1)\n"},
      {{"--categories", "0"}, "meshverify plan: --categories 0: must be in [1, 10000]\n"},
      {{"--categories", "3", "--expect", "a=1"},
       "meshverify plan: --expect and --categories exclude each other\n"},
      {{"-o", "yaml"}, "meshverify plan: -o yaml: expected text or json\n"},
      {{"--tolerance", "1e-7"},
       "meshverify plan: more than 1e+12 requests needed; raise the tolerance\n"},
  };
  for (const auto& [args, message] : errors) {
    Outcome o = Plan(args);
    EXPECT_EQ(o.code, 2) << message;
    EXPECT_EQ(o.err, message);
    EXPECT_EQ(o.out, "");
  }
  for (const Args& args :
       std::vector<Args>{{"--tolerance", "0.7"}, {"--alpha", "x"}, {"--bogus"}}) {
    Outcome o = Plan(args);
    EXPECT_EQ(o.code, 2) << args[0];
    EXPECT_EQ(o.err.rfind("meshverify plan: ", 0), 0u) << o.err;
    EXPECT_EQ(o.err.find('\n'), o.err.size() - 1) << o.err;
  }
}

}  // namespace
}  // namespace meshverify::cli
