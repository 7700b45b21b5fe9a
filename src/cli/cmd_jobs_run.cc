// `meshverify jobs run`: RunJobs with the real kubectl, then the shard files and the merged
// report.
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ostream>

#include "cli/jobs_check_merge.h"
#include "cli/jobs_flags.h"
#include "cli/merge_load.h"

namespace meshverify::cli {
namespace {

Status MakeDir(const std::string& dir) {
  std::string path;
  for (size_t at = 0; at != std::string::npos;) {
    at = dir.find('/', at + 1);
    path = dir.substr(0, at);
    if (path.empty()) continue;
    if (mkdir(path.c_str(), 0755) != 0 && errno != EEXIST) {
      return Status::Unavailable(path + ": " + std::strerror(errno));
    }
  }
  return Status::Ok();
}

// A private directory for the manifests given to `kubectl apply -f`, removed afterwards.
class WorkDir {
 public:
  WorkDir() {
    const char* tmp = std::getenv("TMPDIR");
    std::string t =
        std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/meshverify-jobs-XXXXXX";
    if (mkdtemp(t.data()) != nullptr) path_ = t;
  }
  ~WorkDir() {
    if (path_.empty()) return;
    for (const std::string& f : files_) unlink(f.c_str());
    rmdir(path_.c_str());
  }
  const std::string& path() const { return path_; }
  Status Write(FileSystem& fs, const std::string& file, const std::string& text) {
    files_.push_back(file);
    return fs.WriteFile(file, text);
  }

 private:
  std::string path_;
  std::vector<std::string> files_;
};

}  // namespace

ExitCode RunJobsRun(const JobsFlags& f, const MeshConfig& mesh, const jobs::JobSpec& spec,
                    Environment& env) {
  WorkDir work;
  if (work.path().empty()) {
    return ReportError(env, "jobs run",
                       Status::Unavailable(std::string("cannot create a temporary directory: ") +
                                           std::strerror(errno)));
  }
  if (!f.shard_dir.empty()) {
    if (Status s = MakeDir(f.shard_dir); !s.ok()) {
      return ReportError(env, "jobs run", s.WithPrefix("--shard-dir"));
    }
  }
  jobs::RunOptions o;
  o.timeout = f.timeout.value_or(std::chrono::seconds(spec.active_deadline_s + 60));
  o.keep = f.keep;
  o.work_dir = work.path();
  o.cancel = env.interrupted;
  o.progress = [&](const std::string& line) {
    *env.err << "meshverify jobs run: " << line << "\n";
  };
  o.write_file = [&](const std::string& path, const std::string& text) {
    return work.Write(*env.fs, path, text);
  };
  const std::vector<jobs::ClusterManifests> manifests = jobs::BuildManifests(mesh, spec);
  *env.err << "meshverify jobs run: run " << spec.run_id << ", " << spec.shards
           << " shards per cluster, waiting at most "
           << std::chrono::duration_cast<std::chrono::seconds>(o.timeout).count() << " s\n";
  Result<jobs::RunResult> r = jobs::RunJobs(spec, manifests, *env.runner, *env.clock, o);
  if (!r.ok()) return ReportError(env, "jobs run", r.status());
  ExitCode code = ExitCode::kPass;
  for (const jobs::ShardReport& s : r->reports) {
    if (f.shard_dir.empty()) break;
    if (Status st = env.fs->WriteFile(f.shard_dir + "/" + s.pod + ".json", s.text); !st.ok()) {
      code = ReportError(env, "jobs run", st);
    }
  }
  if (spec.command == "check") {
    Result<Report> merged = MergeCheckShards(spec, *r);
    if (!merged.ok()) return ReportError(env, "jobs run", merged.status());
    const ExitCode emitted = EmitReport(*merged, f.output, env, "jobs run");
    if (r->interrupted) return ExitCode::kInterrupted;
    return code != ExitCode::kPass ? code : emitted;
  }
  r->merged.config["jobs"] = {{"image", spec.image},
                              {"shards", spec.shards},
                              {"run_id", spec.run_id},
                              {"command", spec.command},
                              {"args", spec.args}};
  const ExitCode emitted = EmitMergedLoadReport(r->merged, f.output, env, "jobs run");
  if (r->interrupted) return ExitCode::kInterrupted;
  return code != ExitCode::kPass ? code : emitted;
}

}  // namespace meshverify::cli
