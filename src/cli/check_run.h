#pragma once
// `meshverify check` once planned: discovery, probing, analysis. Separate from cmd_check.cc
// so that tests can run a plan against fakes.

#include "cli/check_plan.h"
#include "cli/environment.h"
#include "meshverify/report.h"

namespace meshverify::cli {

// Runs the plan with env.runner and env.clock and returns the report (not yet emitted).
// Fails with Unavailable ("could not run": a kubectl/istioctl call failed) or InvalidInput
// (bad --pattern, overlapping CIDRs). Progress goes to env.err when env.err_is_tty.
Result<Report> RunCheckPlan(const CheckPlan& plan, Environment& env);

}  // namespace meshverify::cli
