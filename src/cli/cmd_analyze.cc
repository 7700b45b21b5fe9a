// `meshverify analyze [FILE…|-]`: captured answers (raw helloworld lines or meshverify JSONL
// records) -> Ingestor -> Analyze -> report and exit code. Files are read in 1 MiB chunks, so
// memory depends on the number of categories, not on the size of the input.

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

bool Stopped(const Environment& env) {
  return env.interrupted != nullptr && env.interrupted->load();
}

// Feeds one input to the ingestor in chunks. Fails with InvalidInput "<path>: <reason>".
Status IngestOne(const std::string& path, Environment& env, Ingestor* ing) {
  ing->BeginSource(path);
  Status fed;
  auto feed = [&](std::string_view chunk) {
    fed = ing->Feed(chunk);
    return fed.ok() && !Stopped(env);
  };
  if (path == "-") {
    std::vector<char> buf(kChunkBytes);
    int error = 0;  // as ReadFileOrStdin: errno of the failed read(2) (closed stdin, EIO)
    while (*env.in && !Stopped(env)) {
      errno = 0;
      env.in->read(buf.data(), static_cast<std::streamsize>(buf.size()));
      std::streamsize n = env.in->gcount();
      if (n <= 0 && errno != 0 && errno != EINTR) error = errno;
      if (n <= 0 || !feed({buf.data(), static_cast<size_t>(n)})) break;
    }
    if (error != 0 || env.in->bad()) {
      return Status::InvalidInput(std::string("-: cannot read stdin: ") +
                                  (error != 0 ? std::strerror(error) : "read error"));
    }
  } else if (Status s = env.fs->ReadChunks(path, kChunkBytes, feed); !s.ok()) {
    return s;
  }
  if (!fed.ok()) return fed;
  if (Status s = ing->EndSource(); !s.ok()) return s;
  if (ing->source_lines() == 0 && !Stopped(env)) return Status::InvalidInput(path + ": no input");
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

nlohmann::json ConfigJson(const AnalyzeFlags& f, bool by_cluster) {
  nlohmann::json c = {{"command", "analyze"},
                      {"inputs", f.files},
                      {"format", InputFormatName(f.format)},
                      {"pattern", f.pattern},
                      {"gate", GateOptionsToJson(f.gate)}};
  if (!f.expect.empty()) {
    c["expect"] = f.expect;
    c["expect_by"] = by_cluster ? "cluster" : "version";
  }
  return c;
}

}  // namespace

Result<AnalyzeFlags> ParseAnalyzeFlags(const Args& args) {
  AnalyzeFlags f;
  std::string format = "auto", expect;
  OutputOptionValues output;
  po::options_description desc("meshverify analyze [FILE...|-] [options]");
  desc.add_options()("help,h", "show this help")(
      "format", po::value(&format)->value_name("FMT")->default_value("auto"),
      "input format: auto | raw | jsonl")(
      "pattern", po::value(&f.pattern)->value_name("REGEX"),
      "RE2 regex with named groups version, instance (and optionally cluster) for other apps")(
      "expect", po::value(&expect)->value_name("SHARES"),
      "expected shares, e.g. v1=0.5,v2=0.5 or cluster1=0.5,cluster2=0.5")(
      "max-error-rate", po::value(&f.gate.max_error_rate)->value_name("R")->default_value(0.0, "0"),
      "largest allowed share of failed requests (0: any error fails)");
  AddGateOptions(desc, &f.gate);
  AddOutputOptions(desc, &output);
  po::variables_map vm;
  if (Status s = ParseArgsAndFiles(args, desc, &f.files, &vm); !s.ok()) return s;
  if (vm.count("help") != 0) {
    f.help = HelpText("", desc, kHelpTail);
    return f;
  }
  Result<OutputFlags> out = ResolveOutput(output);
  if (!out.ok()) return out.status();
  f.output = *out;
  if (Status s = ValidateGate(f.gate); !s.ok()) return s;
  if (!expect.empty()) {
    Result<ShareList> parsed = ParseShareList(expect, "--expect");
    if (!parsed.ok()) return parsed.status();
    f.expect = parsed->shares;
    f.expect_note = parsed->note;
  }
  Result<InputFormat> fmt = ParseInputFormat(format);
  if (!fmt.ok()) return fmt.status();
  f.format = *fmt;
  if (f.files.empty()) f.files.push_back("-");
  return f;
}

ExitCode RunAnalyze(const AnalyzeFlags& f, Environment& env) {
  Result<Ingestor> ing = Ingestor::Create(IngestOptions{f.format, f.pattern});
  if (!ing.ok()) return ReportError(env, "analyze", ing.status());
  std::optional<std::chrono::steady_clock::time_point> t0;
  std::string started_at;
  if (env.clock != nullptr) {
    started_at = FormatRfc3339(env.clock->Now());
    t0 = env.clock->Monotonic();
  }
  for (const std::string& path : f.files) {
    if (Status s = IngestOne(path, env, &*ing); !s.ok()) return ReportError(env, "analyze", s);
    if (Stopped(env)) break;
  }

  AnalyzeInput in;
  in.sources = ing->aggregate().sources();
  bool by_cluster = !f.expect.empty() && KeysAreClusters(f.expect, in.sources);
  if (!f.expect.empty()) {
    (by_cluster ? in.expect[""].by_cluster : in.expect[""].by_version) = f.expect;
  }
  Report report = Analyze(in, f.gate);
  report.tool_version = MESHVERIFY_VERSION;
  report.started_at = started_at;
  if (t0) {
    report.duration_s = std::chrono::duration<double>(env.clock->Monotonic() - *t0).count();
  }
  report.config = ConfigJson(f, by_cluster);
  if (Stopped(env)) {
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
  if (uint64_t n = ing->duplicates(); n > 0) {  // the same file twice, overlapping shards
    std::string note = "dropped " + std::to_string(n) + " duplicate record";
    note += n == 1 ? "" : "s";
    note += " (same src_cluster, src_pod and seq as an earlier one; counted once): ";
    for (size_t i = 0; i < ing->duplicate_samples().size(); ++i) {
      if (i > 0) note += ", ";
      note += ing->duplicate_samples()[i];
    }
    if (n > ing->duplicate_samples().size()) note += ", ...";
    report.notes.push_back(note);
  }
  if (ing->duplicate_check_stopped()) {
    report.notes.push_back("too many out-of-order seqs: the duplicate record check stopped");
  }
  if (!f.expect_note.empty()) report.notes.push_back(f.expect_note);
  if (!f.expect.empty()) {
    report.notes.push_back(std::string("--expect keys read as ") +
                           (by_cluster ? "destination clusters" : "versions"));
  }
  return EmitReport(report, f.output, env, "analyze");
}

}  // namespace meshverify::cli
