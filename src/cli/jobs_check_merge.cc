// `jobs run -- check`: the shards' check reports merged exactly (MergeReports), with a
// `shards` check naming every shard that failed or never reported and its planned requests.
#include "cli/jobs_check_merge.h"

#include "meshverify/analyze.h"

namespace meshverify::cli {

Result<Report> MergeCheckShards(const jobs::JobSpec& spec, const jobs::RunResult& run) {
  std::vector<Report> reports;
  std::vector<std::string> names;
  std::vector<load::ShardStatus> missing = run.missing;
  for (const jobs::ShardReport& s : run.reports) {
    Result<Report> r = ParseCheckedReport(s.text, s.pod);
    if (!r.ok()) {
      missing.push_back({s.pod, s.cluster, "failed", jobs::PlannedRequests(spec, s.index), 0,
                         "its report is rejected: " + r.status().message()});
      continue;
    }
    reports.push_back(std::move(*r));
    names.push_back(s.pod);
  }
  if (reports.empty()) {
    return Status::Unavailable("no shard's report parses (" + missing[0].name + ": " +
                               missing[0].detail + ")");
  }
  Result<Report> merged =
      MergeReports(reports, GateOptionsFromConfig(reports[0].config, {}), names);
  if (!merged.ok()) return merged.status();
  uint64_t not_reported = 0;
  std::string who;
  nlohmann::json listed = nlohmann::json::array();
  for (const load::ShardStatus& m : missing) {
    not_reported += m.planned;
    who += (who.empty() ? "" : "; ") + m.name + " " + m.status + " (" + m.detail + "; " +
           std::to_string(m.planned) + " planned requests)";
    listed.push_back({{"name", m.name},
                      {"cluster", m.cluster},
                      {"status", m.status},
                      {"planned", m.planned},
                      {"detail", m.detail}});
  }
  const size_t all = reports.size() + missing.size();
  CheckResult shards;
  shards.name = "shards";
  if (missing.empty()) {
    shards.status = CheckStatus::kPass;
    shards.detail = "every one of " + std::to_string(all) + " shards reported";
  } else {
    shards.status = CheckStatus::kFail;
    shards.detail = std::to_string(missing.size()) + " of " + std::to_string(all) +
                    " shards without a report, their " + std::to_string(not_reported) +
                    " planned requests not in the counts: " + who;
    shards.hint = "kubectl logs / describe the pods named; the merged counts are the others'";
    merged->notes.insert(merged->notes.begin(), "incomplete: " + who);
    if (merged->verdict != Verdict::kFail) merged->verdict = Verdict::kError;
  }
  merged->checks.push_back(shards);
  if (!merged->config.is_object()) merged->config = nlohmann::json::object();
  merged->config["merged_from"] = names;
  merged->config["jobs"] = {{"image", spec.image},         {"shards", spec.shards},
                            {"run_id", spec.run_id},       {"command", spec.command},
                            {"args", spec.args},           {"not_reported", not_reported},
                            {"missing", std::move(listed)}};
  merged->interrupted = merged->interrupted || run.interrupted;
  return merged;
}

}  // namespace meshverify::cli
