// What every Prober shares (prober.h): summing outcomes, lost records, and probing all sources
// at once.
#include "meshverify/prober.h"

#include <thread>

namespace meshverify {

void ProbeOutcome::Add(const ProbeOutcome& later) {
  requests += later.requests;
  lost += later.lost;
  not_issued += later.not_issued;
  late += later.late;
  attempts += later.attempts;
  failed_attempts += later.failed_attempts;
  gave_up = gave_up || later.gave_up;
  deadline_reached = deadline_reached || later.deadline_reached;
  interrupted = interrupted || later.interrupted;
  if (!later.last_error.empty()) last_error = later.last_error;
}

ProbeRecord LostRecord(const ProbeSource& source, uint64_t seq, std::string why) {
  ProbeRecord r;
  r.source_cluster = source.cluster;
  r.source_pod = source.pod;
  r.seq = seq;
  r.error = std::move(why);
  return r;
}

std::vector<ProbeOutcome> ProbeEverySource(Prober& prober, const std::vector<ProbeSource>& sources,
                                           const ProbeSpec& spec, const std::atomic<bool>* cancel,
                                           const std::vector<RecordSink>& sinks) {
  std::vector<ProbeOutcome> outcomes(sources.size());
  std::vector<std::thread> threads;
  threads.reserve(sources.size());
  for (size_t i = 0; i < sources.size(); ++i) {
    threads.emplace_back(
        [&, i] { outcomes[i] = prober.Probe(sources[i], spec, cancel, sinks[i]); });
  }
  for (std::thread& t : threads) t.join();
  return outcomes;
}

}  // namespace meshverify
