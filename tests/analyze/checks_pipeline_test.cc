// The checks a pipeline decides from its run (checks_pipeline.cc): discovery's three and probe.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "meshverify/analyze.h"

namespace meshverify {
namespace {

PodInfo Source(const std::string& cluster, const std::string& name) {
  PodInfo p;
  p.cluster = cluster;
  p.name = name;
  return p;
}

TEST(SourcesFoundCheckTest, PassListsThePodsFailNamesTheClusters) {
  CheckResult pass = SourcesFoundCheck({Source("c1", "a"), Source("c2", "b")}, {}, "-n s -l x");
  EXPECT_EQ(pass.status, CheckStatus::kPass);
  EXPECT_EQ(pass.detail, "2 Running and Ready source pods: c1/a, c2/b");
  CheckResult fail = SourcesFoundCheck({Source("c1", "a")}, {"c2"}, "-n s -l x");
  EXPECT_EQ(fail.status, CheckStatus::kFail);
  EXPECT_EQ(fail.detail, "no Running and Ready pod matches -n s -l x in c2");
  EXPECT_NE(fail.hint.find("kubectl get pods -n s -l x"), std::string::npos) << fail.hint;
}

TEST(ConvergedCheckTest, WaitedTimeWithOneDecimal) {
  EXPECT_EQ(ConvergedCheck("", 0, 1).detail,
            "every source's view lists every cluster with Ready destination pods");
  EXPECT_EQ(ConvergedCheck("", 2.25, 3).detail,
            "every source's view lists every cluster with Ready destination pods after 2.2 s");
  CheckResult fail = ConvergedCheck("c1/a lists no endpoint of c2", 10, 11);
  EXPECT_EQ(fail.status, CheckStatus::kFail);
  EXPECT_EQ(fail.detail, "not converged after 10.0 s: c1/a lists no endpoint of c2");
  EXPECT_EQ(EndpointViewsCheck(1, "outbound|5000||h", "istioctl").detail,
            "read 1 sidecar view of outbound|5000||h with istioctl");
}

ProbeOutcome Outcome(const std::string& pod, uint64_t requests) {
  ProbeOutcome o;
  o.source = {"c1", pod, "", "", "", ""};
  o.requests = requests;
  o.attempts = 1;
  return o;
}

TEST(ProbeCheckTest, WordsFollowTheProbersMode) {
  std::vector<ProbeOutcome> ok = {Outcome("a", 1000), Outcome("b", 1000)};
  CheckResult exec = ProbeCheck(ok, 2.0, "exec");
  EXPECT_EQ(exec.status, CheckStatus::kPass);
  EXPECT_EQ(exec.detail, "2000 requests from 2 source pods in 2.00 s (1000 req/s) with 2 kubectl "
                         "exec calls");
  EXPECT_EQ(ProbeCheck(ok, 2.0, "direct").detail,
            "2000 requests from 2 source pods in 2.00 s (1000 req/s) with 2 transport attempts");
}

TEST(ProbeCheckTest, GiveUpDeadlineAndLostRequestsFail) {
  std::vector<ProbeOutcome> out = {Outcome("a", 1000), Outcome("b", 300), Outcome("c", 500)};
  out[1].gave_up = true;
  out[1].failed_attempts = 3;
  out[1].lost = 200;
  out[1].last_error = "kubectl exec b (c1): exit 1: pod gone";
  out[2].deadline_reached = true;
  out[2].lost = 4;
  out[2].not_issued = 496;
  CheckResult c = ProbeCheck(out, 1.0, "exec");
  EXPECT_EQ(c.status, CheckStatus::kFail);
  EXPECT_NE(c.detail.find("c1/b: gave up after 3 failed execs; 200 requests lost (transport): "
                          "kubectl exec b (c1): exit 1: pod gone"),
            std::string::npos)
      << c.detail;
  EXPECT_NE(c.detail.find("c1/c: deadline reached; 4 requests in flight lost, 496 not sent"),
            std::string::npos)
      << c.detail;
  EXPECT_NE(c.hint.find("`transport` errors"), std::string::npos);
  // A retried exec that recovered is said but does not fail the check.
  std::vector<ProbeOutcome> retried = {Outcome("a", 1000)};
  retried[0].failed_attempts = 1;
  retried[0].last_error = "timed out";
  CheckResult r = ProbeCheck(retried, 1.0, "exec");
  EXPECT_EQ(r.status, CheckStatus::kPass);
  EXPECT_NE(r.detail.find("1 exec(s) failed and were retried: timed out"), std::string::npos);
}

}  // namespace
}  // namespace meshverify
