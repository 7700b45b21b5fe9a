// Records -> counts, on each source's probe thread (check_internal.h).
#include <optional>

#include "check/check_internal.h"
#include "meshverify/records.h"

namespace meshverify::check_internal {

void RecordsOut::Write(std::string_view lines) {
  std::lock_guard<std::mutex> lock(mu_);
  if (status_.ok() && !lines.empty()) status_ = writer_->Write(lines);
}

Status RecordsOut::status() const {
  std::lock_guard<std::mutex> lock(mu_);
  return status_;
}

void SourceSink::Flush() {
  if (records_out == nullptr) return;
  records_out->Write(pending);
  pending.clear();
}

void SourceSink::Add(ProbeRecord&& r) {
  if (records_out != nullptr) {
    pending += RecordToJsonLine(r);
    pending += '\n';
    if (pending.size() >= kRecordsChunkBytes) Flush();
  }
  done->fetch_add(1, std::memory_order_relaxed);
  std::string_view cls = ClassifyRecord(r);
  if (!cls.empty()) {
    agg.AddError(r.source_cluster, r.source_pod, cls);
    return;
  }
  std::optional<ReplyView> v = parser->Parse(r.body);
  if (!v) {
    agg.AddError(r.source_cluster, r.source_pod, kErrUnparsed, r.body);
    return;
  }
  std::string dest(v->cluster);
  if (dest.empty()) {
    auto it = cluster_of_pod->find(std::string(v->instance));
    if (it != cluster_of_pod->end()) dest = it->second;  // unknown instances keep ""
  }
  agg.AddOk(r.source_cluster, r.source_pod, dest, v->version, v->instance, r.total_ms);
  agg.AddConnection(r.source_cluster, r.source_pod, r.connection, v->instance);
}

}  // namespace meshverify::check_internal
