// `meshverify analyze [FILE…|-]`: captured answers (raw helloworld lines or meshverify JSONL
// records) -> Ingestor -> Analyze -> report and exit code. Files are read in 1 MiB chunks, so
// memory depends on the number of categories, not on the size of the input.

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <istream>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/options.h"
#include "meshverify/analyze.h"
#include "meshverify/config.h"
#include "meshverify/ingest.h"

namespace meshverify::cli {
namespace {

constexpr size_t kChunkBytes = size_t{1} << 20;

constexpr const char* kHelpTail = R"(
Reads each FILE (or stdin when none is given, or for '-') in turn. Input is one answer per line
("Hello version: v1, instance: helloworld-v1-...", or what --pattern matches) or meshverify's
JSONL request records (meshverify.record/v1); --format auto decides per file from its first
line. A raw file is one source named after the file; records carry their own source pod.
kubectl's own notices in a capture (the `kubectl exec` deprecation warning, "Defaulted
container ...", client-go I/W log lines) are skipped and listed in the notes; any other line
that is not an answer counts as a failed request (unparsed).

--expect names versions or destination clusters: keys are read as clusters when they name
destination clusters seen in the data (a --pattern `cluster` group or records) more often
than versions, else as versions. Without --expect the shares are reported but not gated (the
balance check is skipped). Defaults: --tolerance 0.05, --alpha 0.01, --max-error-rate 0 (any
error fails).

Exit codes: 0 passed, 1 a check failed, 2 usage or input error (unknown flag, bad --expect,
unreadable or empty input, binary data, malformed record), 4 inconclusive.
)";

struct AnalyzeFlags {
  std::vector<std::string> files;
  std::string format = "auto";
  std::string pattern;
  std::string expect;
  double max_error_rate = 0;
  GateFlags gate;
  OutputOptions output;
  bool help = false;
};

Status ParseAnalyzeArgs(const Args& args, AnalyzeFlags* f, std::ostream& help_out) {
  po::options_description desc("meshverify analyze [FILE...|-] [options]");
  desc.add_options()("help,h", po::bool_switch(&f->help), "show this help")(
      "format", po::value(&f->format)->value_name("FMT")->default_value("auto"),
      "input format: auto | raw | jsonl")(
      "pattern", po::value(&f->pattern)->value_name("REGEX"),
      "RE2 regex with named groups version, instance (and optionally cluster) for other apps")(
      "expect", po::value(&f->expect)->value_name("SHARES"),
      "expected shares, e.g. v1=0.5,v2=0.5 or cluster1=0.5,cluster2=0.5")(
      "max-error-rate", po::value(&f->max_error_rate)->value_name("R")->default_value(0.0),
      "largest allowed share of failed requests (0: any error fails)");
  AddGateOptions(desc, &f->gate);
  AddOutputOptions(desc, &f->output);
  po::options_description hidden;
  hidden.add_options()("file", po::value(&f->files)->multitoken(), "input files");
  po::options_description all;
  all.add(desc).add(hidden);
  po::positional_options_description pos;
  pos.add("file", -1);
  po::variables_map vm;
  if (Status s = ParseArgs("analyze", args, all, &pos, &vm); !s.ok()) return s;
  if (f->help) {
    help_out << desc << kHelpTail;
    return Status::Ok();
  }
  if (Status s = ValidateOutput(f->output); !s.ok()) return s;
  if (Status s = ValidateGate(f->gate); !s.ok()) return s;
  if (!(f->max_error_rate >= 0 && f->max_error_rate <= 1)) {
    return Status::Usage("--max-error-rate " + std::to_string(f->max_error_rate) +
                         ": must be in [0, 1]");
  }
  if (f->files.empty()) f->files.push_back("-");
  return Status::Ok();
}

// Feeds one input to the ingestor in chunks. Fails with InvalidInput "<path>: <reason>".
Status IngestOne(const std::string& path, Environment& env, Ingestor* ing, std::vector<char>* buf) {
  ing->BeginSource(path);
  auto stopped = [&] { return env.interrupted != nullptr && env.interrupted->load(); };
  if (path == "-") {
    while (*env.in && !stopped()) {
      env.in->read(buf->data(), static_cast<std::streamsize>(buf->size()));
      std::streamsize n = env.in->gcount();
      if (n <= 0) break;
      if (Status s = ing->Feed({buf->data(), static_cast<size_t>(n)}); !s.ok()) return s;
    }
    if (env.in->bad()) return Status::InvalidInput("-: read error");
  } else {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Status::InvalidInput(path + ": " + std::strerror(errno));
    Status status;
    while (!stopped()) {
      ssize_t n = ::read(fd, buf->data(), buf->size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        status = Status::InvalidInput(path + ": " + std::strerror(errno));
        break;
      }
      if (n == 0) break;
      status = ing->Feed({buf->data(), static_cast<size_t>(n)});
      if (!status.ok()) break;
    }
    ::close(fd);
    if (!status.ok()) return status;
  }
  if (Status s = ing->EndSource(); !s.ok()) return s;
  if (ing->source_lines() == 0 && !stopped()) return Status::InvalidInput(path + ": no input");
  return Status::Ok();
}

// True when the --expect keys name destination clusters of the data more than versions.
bool KeysAreClusters(const std::map<std::string, double>& shares,
                     const std::vector<SourceCounts>& sources) {
  std::set<std::string> clusters, versions;
  for (const SourceCounts& s : sources) {
    for (const auto& [c, n] : s.by_cluster) {
      if (!c.empty() && n > 0) clusters.insert(c);
    }
    for (const auto& [v, n] : s.by_version) {
      if (n > 0) versions.insert(v);
    }
  }
  size_t as_cluster = 0, as_version = 0;
  for (const auto& [key, p] : shares) {
    as_cluster += clusters.count(key);
    as_version += versions.count(key);
  }
  return as_cluster > as_version;
}

nlohmann::json ConfigJson(const AnalyzeFlags& f, const AnalyzeOptions& opt,
                          const std::map<std::string, double>& shares, bool by_cluster) {
  nlohmann::json c = {{"command", "analyze"},
                      {"inputs", f.files},
                      {"format", f.format},
                      {"pattern", f.pattern},
                      {"gate", AnalyzeOptionsToJson(opt)}};
  if (!shares.empty()) {
    c["expect"] = shares;
    c["expect_by"] = by_cluster ? "cluster" : "version";
  }
  if (f.gate.seed) c["seed"] = *f.gate.seed;
  return c;
}

}  // namespace

int RunAnalyze(const Args& args, Environment& env) {
  auto fail = [&](const Status& s) {
    const std::string& m = s.message();
    *env.err << (m.rfind("meshverify", 0) == 0 ? "" : "meshverify analyze: ") << m << "\n";
    return s.ExitCode();
  };
  AnalyzeFlags f;
  if (Status s = ParseAnalyzeArgs(args, &f, *env.out); !s.ok()) return fail(s);
  if (f.help) return 0;

  std::map<std::string, double> shares;
  std::string shares_note;
  if (!f.expect.empty()) {
    Result<ShareList> parsed = ParseShareList(f.expect, "--expect");
    if (!parsed.ok()) return fail(Status::Usage(parsed.status().message()));
    shares = parsed->shares;
    shares_note = parsed->note;
  }
  Result<InputFormat> format = ParseInputFormat(f.format);
  if (!format.ok()) return fail(Status::Usage(format.status().message()));
  Result<Ingestor> ing = Ingestor::Create(IngestOptions{*format, f.pattern});
  if (!ing.ok()) return fail(Status::Usage(ing.status().message()));

  std::optional<std::chrono::steady_clock::time_point> t0;
  std::string started_at;
  if (env.clock != nullptr) {
    started_at = FormatRfc3339(env.clock->Now());
    t0 = env.clock->Monotonic();
  }
  std::vector<char> buf(kChunkBytes);
  for (const std::string& path : f.files) {
    if (Status s = IngestOne(path, env, &*ing, &buf); !s.ok()) return fail(s);
    if (env.interrupted != nullptr && env.interrupted->load()) break;
  }

  AnalyzeOptions opt{f.gate.tolerance, f.gate.alpha, f.max_error_rate};
  AnalyzeInput in;
  in.sources = ing->aggregate().sources();
  bool by_cluster = !shares.empty() && KeysAreClusters(shares, in.sources);
  if (!shares.empty()) (by_cluster ? in.expect[""].by_cluster : in.expect[""].by_version) = shares;
  Report report = Analyze(in, opt);
  report.tool_version = MESHVERIFY_VERSION;
  report.started_at = started_at;
  if (t0) {
    report.duration_s = std::chrono::duration<double>(env.clock->Monotonic() - *t0).count();
  }
  report.config = ConfigJson(f, opt, shares, by_cluster);
  if (env.interrupted != nullptr && env.interrupted->load()) {
    report.interrupted = true;
    report.notes.push_back("interrupted: only the input read before Ctrl-C was analyzed");
  }
  if (uint64_t n = ing->skipped_notices(); n > 0) {  // kubectl's stderr in the capture
    std::string note = "skipped " + std::to_string(n) + " kubectl notice line" +
                       (n == 1 ? "" : "s") + " (not answers, not counted as requests): ";
    for (size_t i = 0; i < ing->notice_samples().size(); ++i) {
      note += (i == 0 ? "" : "; ") + ing->notice_samples()[i];
    }
    report.notes.push_back(note + (n > ing->notice_samples().size() ? "; ..." : ""));
  }
  if (!shares_note.empty()) report.notes.push_back(shares_note);
  if (!shares.empty()) {
    report.notes.push_back(std::string("--expect keys read as ") +
                           (by_cluster ? "destination clusters" : "versions"));
  }
  return EmitReport(report, f.output, env);
}

}  // namespace meshverify::cli
