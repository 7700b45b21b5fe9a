#include <gtest/gtest.h>

#include "meshverify/load_report.h"

namespace meshverify::load {
namespace {

TEST(ParseSloTest, ReadsEveryMetricOperatorAndUnit) {
  struct Case {
    const char* text;
    Slo::Metric metric;
    std::string name;
    double quantile;
    Slo::Op op;
    double lo, hi;
  };
  const Case cases[] = {
      {"errors<0.1%", Slo::Metric::kErrors, "", 0.99, Slo::Op::kLess, 0.001, 0.001},
      {" errors <= 0.002 ", Slo::Metric::kErrors, "", 0.99, Slo::Op::kLessEqual, 0.002, 0.002},
      {"late<1%", Slo::Metric::kLate, "", 0.99, Slo::Op::kLess, 0.01, 0.01},
      {"rate>=950/s", Slo::Metric::kRate, "", 0.99, Slo::Op::kGreaterEqual, 950, 950},
      {"share(cluster2) in [0.4,0.6]", Slo::Metric::kShare, "cluster2", 0.99, Slo::Op::kIn, 0.4,
       0.6},
      {"share(v1) > 40%", Slo::Metric::kShare, "v1", 0.99, Slo::Op::kGreater, 0.4, 0.4},
      {"p99(cluster2)<50ms", Slo::Metric::kLatency, "cluster2", 0.99, Slo::Op::kLess, 50, 50},
      {"p50<2", Slo::Metric::kLatency, "", 0.5, Slo::Op::kLess, 2, 2},
      {"p99.9(v2) <= 1s", Slo::Metric::kLatency, "v2", 0.999, Slo::Op::kLessEqual, 1000, 1000},
      {"max(c) < 500us", Slo::Metric::kLatency, "c", 1, Slo::Op::kLess, 0.5, 0.5},
  };
  for (const Case& c : cases) {
    Result<Slo> s = ParseSlo(c.text);
    ASSERT_TRUE(s.ok()) << c.text << ": " << s.status().ToString();
    EXPECT_EQ(s->expr, c.text);
    EXPECT_EQ(s->metric, c.metric) << c.text;
    EXPECT_EQ(s->name, c.name) << c.text;
    EXPECT_DOUBLE_EQ(s->quantile, c.quantile) << c.text;
    EXPECT_EQ(s->op, c.op) << c.text;
    EXPECT_DOUBLE_EQ(s->lo, c.lo) << c.text;
    EXPECT_DOUBLE_EQ(s->hi, c.hi) << c.text;
  }
}

TEST(ParseSloTest, BadExpressionsGetOneLineLocatedErrors) {
  const std::pair<const char*, const char*> cases[] = {
      {"p99(cluster2)<50xs", "--slo 'p99(cluster2)<50xs': col 17: unknown unit 'xs' (ms, s or us)"},
      {"latency<5ms",
       "--slo 'latency<5ms': col 1: unknown metric 'latency', a metric: errors, late, rate, "
       "share(NAME), pNN(NAME), max(NAME)"},
      {"",
       "--slo '': col 1: expected a metric: errors, late, rate, share(NAME), pNN(NAME), "
       "max(NAME)"},
      {"errors", "--slo 'errors': col 7: expected <, <=, >, >= or in"},
      {"errors = 1%", "--slo 'errors = 1%': col 8: expected <, <=, >, >= or in"},
      {"errors < x", "--slo 'errors < x': col 10: expected a number"},
      {"errors < 1% extra", "--slo 'errors < 1% extra': col 13: unexpected text after the bound"},
      {"share(cluster2) in [0.6,0.4]",
       "--slo 'share(cluster2) in [0.6,0.4]': col 17: the interval's low end is above its high "
       "end"},
      {"share(cluster2) in [0.4 0.6]",
       "--slo 'share(cluster2) in [0.4 0.6]': col 25: expected ','"},
      {"share(cluster2) in 0.4", "--slo 'share(cluster2) in 0.4': col 20: expected '[' after in"},
      {"share() < 1", "--slo 'share() < 1': col 7: expected a destination name"},
      {"share < 1", "--slo 'share < 1': col 7: expected '(NAME)' after share"},
      {"share(a < 1", "--slo 'share(a < 1': col 9: expected ')'"},
      {"p0 < 1ms", "--slo 'p0 < 1ms': col 1: 'p0': expected a percentile p1 .. p99.99"},
      {"p100 < 1ms", "--slo 'p100 < 1ms': col 1: 'p100': expected a percentile p1 .. p99.99"},
      {"errors < 150%",
       "--slo 'errors < 150%': col 1: a share or rate of errors lies in [0, 1] (or 0% .. 100%)"},
      {"rate > 5ms", "--slo 'rate > 5ms': col 9: unknown unit 'ms' (requests/s: a number or N/s)"},
      {"errors < -1", "--slo 'errors < -1': col 10: expected a number"},
  };
  for (const auto& [text, message] : cases) {
    Result<Slo> s = ParseSlo(text);
    ASSERT_FALSE(s.ok()) << text;
    EXPECT_TRUE(s.status().IsUsage());
    EXPECT_EQ(ToInt(s.status().ExitCode()), 2);
    EXPECT_EQ(s.status().message(), message) << text;
    EXPECT_EQ(s.status().message().find('\n'), std::string::npos);
  }
}

Window Steady(uint64_t requests, uint64_t ok, uint64_t c2) {
  Window w;
  w.requests = requests;
  w.ok = ok;
  w.late = 3;
  w.by_cluster["cluster1"].count = ok - c2;
  w.by_cluster["cluster2"].count = c2;
  for (int i = 1; i <= 100; ++i) w.latency_hist["cluster2"].Add(i);  // p99 = 99 ms
  w.latency_hist["cluster1"].Add(500);
  return w;
}

TEST(EvaluateSloTest, SharesAreGatedOnTheirIntervalOthersOnTheValue) {
  const Window big = Steady(10000, 9990, 5000);
  auto eval = [](const char* text, const Window& w) {
    return EvaluateSlo(*ParseSlo(text), w, 10, 0.01);
  };
  EXPECT_EQ(eval("share(cluster2) in [0.4,0.6]", big).status, "pass");
  EXPECT_EQ(eval("share(cluster2) in [0.6,0.9]", big).status, "fail");
  EXPECT_EQ(eval("share(cluster2) in [0.4,0.6]", Steady(10, 10, 5)).status, "inconclusive");
  EXPECT_EQ(eval("share(cluster2) in [0.49,0.51]", Steady(100, 100, 50)).status, "inconclusive");
  EXPECT_EQ(eval("share(cluster3) < 1%", big).status, "pass");  // never reached: share 0
  const SloResult errors = eval("errors<0.1%", big);
  EXPECT_EQ(errors.status, "fail");  // 10 of 10000 is not below 0.1 %
  EXPECT_DOUBLE_EQ(*errors.value, 0.001);
  EXPECT_EQ(eval("errors<=0.1%", big).status, "pass");
  EXPECT_EQ(eval("late<0.1%", big).status, "pass");
  EXPECT_EQ(eval("rate>=1000", big).status, "pass");
  EXPECT_DOUBLE_EQ(*eval("rate>=1000", big).value, 1000);
  const SloResult p99 = eval("p99(cluster2)<100ms", big);
  EXPECT_EQ(p99.status, "pass");
  EXPECT_NEAR(*p99.value, 99, 0.5);
  EXPECT_EQ(eval("p99(cluster2)<90ms", big).status, "fail");
  EXPECT_EQ(eval("max < 400ms", big).status, "fail");  // every destination: 500 ms
  EXPECT_EQ(eval("p99(cluster9)<1s", big).status, "inconclusive");
  EXPECT_EQ(eval("p99(cluster9)<1s", big).detail, "no data in the steady windows");
  EXPECT_EQ(eval("errors<1%", Window{}).status, "inconclusive");
}

}  // namespace
}  // namespace meshverify::load
