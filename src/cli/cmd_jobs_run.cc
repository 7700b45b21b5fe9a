// `meshverify jobs run`: RunJobs with the real kubectl, then the shard files and the merged
// report.
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ostream>

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
  Status Write(const std::string& file, const std::string& text) {
    files_.push_back(file);
    return WriteFile(file, text);
  }

 private:
  std::string path_;
  std::vector<std::string> files_;
};

}  // namespace

int RunJobsRun(const JobsFlags& f, const MeshConfig& mesh, const jobs::JobSpec& spec,
               Environment& env) {
  WorkDir work;
  if (work.path().empty()) {
    *env.err << "meshverify jobs run: cannot create a temporary directory: " << std::strerror(errno)
             << "\n";
    return 3;
  }
  if (!f.shard_dir.empty()) {
    if (Status s = MakeDir(f.shard_dir); !s.ok()) {
      *env.err << "meshverify jobs run: --shard-dir: " << s.message() << "\n";
      return 3;
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
    return work.Write(path, text);
  };
  const std::vector<jobs::ClusterManifests> manifests = jobs::BuildManifests(mesh, spec);
  *env.err << "meshverify jobs run: run " << spec.run_id << ", " << spec.shards
           << " shards per cluster, waiting at most "
           << std::chrono::duration_cast<std::chrono::seconds>(o.timeout).count() << " s\n";
  Result<jobs::RunResult> r = jobs::RunJobs(spec, manifests, *env.runner, *env.clock, o);
  if (!r.ok()) {
    *env.err << r.status().message() << "\n";
    return r.status().ExitCode();
  }
  int code = 0;
  for (const jobs::ShardReport& s : r->reports) {
    if (f.shard_dir.empty()) break;
    if (Status st = WriteFile(f.shard_dir + "/" + s.pod + ".json", s.text); !st.ok()) {
      *env.err << "meshverify jobs run: " << st.message() << "\n";
      code = 3;
    }
  }
  r->merged.config["jobs"] = {{"image", spec.image},
                              {"shards", spec.shards},
                              {"run_id", spec.run_id},
                              {"command", spec.command},
                              {"args", spec.args}};
  const int emitted = EmitMergedLoadReport(r->merged, f.output, env);
  if (r->interrupted) return 130;
  return code != 0 ? code : emitted;
}

}  // namespace meshverify::cli
