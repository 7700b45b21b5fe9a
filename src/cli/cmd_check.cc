// `meshverify check -c mesh.yaml`: options -> plan -> discover -> probe -> analyze -> report.
#include <ostream>
#include <string>

#include "cli/check_plan.h"
#include "cli/check_run.h"
#include "cli/commands.h"

namespace meshverify::cli {

int RunCheck(const Args& args, Environment& env) {
  Result<CheckPlan> plan = MakeCheckPlan(args, env);
  if (!plan.ok()) {
    const std::string& msg = plan.status().message();
    *env.err << (msg.rfind("meshverify", 0) == 0 ? "" : "meshverify check: ") << msg << "\n";
    return ToInt(plan.status().ExitCode());
  }
  if (plan->help) {
    PrintCheckHelp(*env.out);
    return 0;
  }
  if (plan->dry_run) {
    if (plan->output.output == "json") {
      *env.out << PlanToJson(*plan).dump(2) << "\n";
    } else {
      PrintPlan(*plan, *env.out);
    }
    return 0;
  }
  Result<Report> report = RunCheckPlan(*plan, env);
  if (!report.ok()) {
    *env.err << "meshverify check: could not run: " << report.status().message() << "\n";
    return ToInt(report.status().ExitCode());
  }
  return EmitReport(*report, plan->output, env);
}

}  // namespace meshverify::cli
