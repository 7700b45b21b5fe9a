// `meshverify check -c mesh.yaml`: options -> plan -> the check pipeline (check.h) with the
// exec prober -> report, records file and exit code.
#include <ostream>
#include <string>

#include "cli/check_plan.h"
#include "cli/commands.h"
#include "meshverify/check.h"
#include "meshverify/probe.h"

namespace meshverify::cli {
namespace {

// Progress on stderr, drawn only when it is a terminal.
class TerminalProgress : public ProgressSink {
 public:
  explicit TerminalProgress(std::ostream& err) : err_(err) {}
  void Phase(std::string_view what) override { err_ << what << "...\n"; }
  void Probing(uint64_t done, uint64_t of) override {
    err_ << "\rprobing: " << done << "/" << of << " requests" << std::flush;
  }
  void ProbingDone() override { err_ << "\r" << std::string(40, ' ') << "\r" << std::flush; }

 private:
  std::ostream& err_;
};

}  // namespace

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
  CheckSettings settings;
  settings.mesh = plan->mesh;
  settings.config = PlanToJson(*plan);
  settings.keep_records = !plan->records_path.empty();
  probe::ExecOptions exec;
  exec.exec_requests = plan->exec_requests;
  probe::ExecProber prober(*env.runner, *env.clock, exec);
  TerminalProgress progress(*env.err);
  Result<CheckRun> run = meshverify::RunCheck(settings, *env.runner, prober, *env.clock,
                                              env.interrupted, env.err_is_tty ? &progress : nullptr);
  if (!run.ok()) {
    *env.err << "meshverify check: could not run: " << run.status().message() << "\n";
    return ToInt(run.status().ExitCode());
  }
  if (!plan->records_path.empty()) {
    if (Status s = WriteFile(plan->records_path, run->records); !s.ok()) {
      *env.err << "meshverify check: could not run: " << s.message() << "\n";
      return ToInt(s.ExitCode());
    }
  }
  return EmitReport(run->report, plan->output, env);
}

}  // namespace meshverify::cli
