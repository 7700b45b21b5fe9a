// The preflight before probing (check_internal.h).
#include <thread>

#include "check/check_internal.h"

namespace meshverify::check_internal {

CheckResult PreflightSources(Prober& prober, const std::atomic<bool>* cancel,
                             std::vector<ProbeSource>* sources) {
  std::vector<PreflightResult> results(sources->size());
  {
    std::vector<std::thread> threads;
    for (size_t i = 0; i < sources->size(); ++i) {
      threads.emplace_back([&, i] { results[i] = prober.Preflight((*sources)[i], cancel); });
    }
    for (std::thread& t : threads) t.join();
  }
  CheckResult c;
  c.name = "preflight";
  std::vector<ProbeSource> ready;
  std::string found;
  for (size_t i = 0; i < sources->size(); ++i) {
    const PreflightResult& r = results[i];
    if (r.problems.empty()) {
      if (found.empty()) found = r.found;
      ready.push_back((*sources)[i]);
      continue;
    }
    for (size_t k = 0; k < r.problems.size(); ++k) {
      c.detail += (c.detail.empty() ? "" : "; ") + r.problems[k];
      if (k < r.hints.size() && c.hint.find(r.hints[k]) == std::string::npos) {
        c.hint += (c.hint.empty() ? "" : "; ") + r.hints[k];
      }
    }
  }
  if (c.detail.empty()) {
    c.status = CheckStatus::kPass;
    c.detail = "every source pod has what the probe needs" + (found.empty() ? "" : " (" + found + ")");
  } else {
    c.status = CheckStatus::kFail;
    c.detail += "; " + std::to_string(sources->size() - ready.size()) + " of " +
                std::to_string(sources->size()) + " source pods not probed";
  }
  *sources = std::move(ready);
  return c;
}

}  // namespace meshverify::check_internal
