#include <gtest/gtest.h>

#include "meshverify/load_report.h"

namespace meshverify::load {
namespace {

TEST(HomogeneityPValueTest, MatchesPublishedValues) {
  // R: chisq.test(matrix(c(30, 70, 40, 60), 2, byrow = TRUE), correct = FALSE):
  // X-squared = 2.1978, df = 1, p-value = 0.1382.
  EXPECT_NEAR(HomogeneityPValue({30, 70}, {40, 60}), 0.1382077, 1e-6);
  // df = 2: p = exp(-X2 / 2) exactly; X2 = 2.3376623 for this table.
  EXPECT_NEAR(HomogeneityPValue({30, 60, 10}, {40, 50, 10}), std::exp(-2.3376623376623376 / 2),
              1e-12);
  EXPECT_LT(HomogeneityPValue({50, 50, 0}, {100, 0, 0}), 1e-15);
  EXPECT_EQ(HomogeneityPValue({50, 0}, {70, 0}), 1);  // one category left
  EXPECT_EQ(HomogeneityPValue({0, 0}, {1, 2}), 1);    // one side empty
  EXPECT_EQ(HomogeneityPValue({5, 5}, {5, 5}), 1);
}

// A 16 s single-source run at 200 req/s: 50/50 between clusters, cluster2 unreachable (its
// share goes to cluster1, some requests fail) from 4 s to 8 s.
LoadReport RouteDropRun(double fault_from, double fault_to) {
  LoadReport r;
  for (int k = 0; k < 16; ++k) {
    Window w;
    w.index = static_cast<uint64_t>(k);
    w.start_s = k;
    w.end_s = k + 1;
    w.source = "all";
    w.requests = 200;
    const bool fault = k >= fault_from && k < fault_to;
    const uint64_t jitter = static_cast<uint64_t>(k % 3);  // keep the baseline honest
    w.ok = fault ? 190 : 200;
    w.by_cluster["cluster1"].count = fault ? 190 : 99 + jitter;
    w.by_cluster["cluster2"].count = fault ? 0 : 101 - jitter;
    r.pooled.push_back(w);
  }
  Event e;
  e.at_s = 4;
  e.ran = true;
  e.start_s = 4.05;
  e.end_s = 4.1;
  e.command = "lab fault route-drop cluster1";
  r.events.push_back(e);
  return r;
}

TEST(DetectAndRecoverTest, FindsTheDepartureAndTheLastingReturn) {
  LoadReport r = RouteDropRun(4, 8);
  Event restore = r.events[0];
  restore.at_s = 8;
  restore.start_s = 8.02;
  restore.end_s = 8.03;
  r.events.push_back(restore);
  DetectAndRecover(r, 0.01);
  ASSERT_TRUE(r.events[0].detect_s.has_value()) << r.events[0].detail;
  EXPECT_DOUBLE_EQ(*r.events[0].detect_s, 0);  // the window holding the event departs
  ASSERT_TRUE(r.events[0].recover_s.has_value()) << r.events[0].detail;
  EXPECT_NEAR(*r.events[0].recover_s, 8 - 4.05, 1e-9);  // window [8, 9) is back
  EXPECT_NE(r.events[0].detail.find("chi-square"), std::string::npos);
}

TEST(DetectAndRecoverTest, NoChangeIsNoDetectionAndNoRecoveryWhenItNeverComesBack) {
  LoadReport calm = RouteDropRun(100, 100);
  DetectAndRecover(calm, 0.01);
  EXPECT_FALSE(calm.events[0].detect_s.has_value());
  EXPECT_NE(calm.events[0].detail.find("no window departed"), std::string::npos);

  LoadReport stuck = RouteDropRun(4, 100);
  DetectAndRecover(stuck, 0.01);
  EXPECT_TRUE(stuck.events[0].detect_s.has_value());
  EXPECT_FALSE(stuck.events[0].recover_s.has_value());
  EXPECT_NE(stuck.events[0].detail.find("not back"), std::string::npos);

  LoadReport late = RouteDropRun(6, 100);  // the effect shows two windows after the command
  DetectAndRecover(late, 0.01);
  ASSERT_TRUE(late.events[0].detect_s.has_value());
  EXPECT_NEAR(*late.events[0].detect_s, 6 - 4.05, 1e-9);

  LoadReport skipped = RouteDropRun(4, 8);
  skipped.events[0].ran = false;
  DetectAndRecover(skipped, 0.01);
  EXPECT_EQ(skipped.events[0].detail, "not run: the step ended first");
}

}  // namespace
}  // namespace meshverify::load
