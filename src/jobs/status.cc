// What kubectl says about the Jobs and their pods, and the report in a pod's log.
#include <cstdlib>

#include "meshverify/jobs.h"

namespace meshverify::jobs {
namespace {

using nlohmann::json;

Result<json> Parse(std::string_view text, std::string_view where) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::InvalidInput(std::string(where) + ": not JSON");
  if (!j.is_object()) return Status::InvalidInput(std::string(where) + ": expected an object");
  return j;
}

std::string Str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

// The meshverify container's state: exit code and reason when it terminated, else the
// reason it waits.
void ContainerState(const json& status, ShardPod* p) {
  auto statuses = status.find("containerStatuses");
  if (statuses == status.end() || !statuses->is_array()) return;
  for (const json& c : *statuses) {
    if (!c.is_object() || Str(c, "name") != kContainer) continue;
    auto state = c.find("state");
    if (state == c.end() || !state->is_object()) return;
    if (auto t = state->find("terminated"); t != state->end() && t->is_object()) {
      auto code = t->find("exitCode");
      if (code != t->end() && code->is_number_integer()) p->exit_code = code->get<int>();
      p->reason = Str(*t, "reason");
    } else if (auto w = state->find("waiting"); w != state->end() && w->is_object()) {
      p->reason = Str(*w, "reason");
    }
  }
}

}  // namespace

Result<std::vector<ShardPod>> ParsePods(std::string_view text, std::string_view where) {
  Result<json> j = Parse(text, where);
  if (!j.ok()) return j.status();
  auto items = j->find("items");
  if (items == j->end() || !items->is_array()) {
    return Status::InvalidInput(std::string(where) + ": expected a List with items");
  }
  std::vector<ShardPod> pods;
  for (const json& item : *items) {
    if (!item.is_object()) continue;
    ShardPod p;
    const json meta = item.value("metadata", json::object());
    p.name = Str(meta, "name");
    const json ann = meta.value("annotations", json::object());
    if (auto it = ann.find(kIndexAnnotation); it != ann.end() && it->is_string()) {
      char* end = nullptr;
      const long i = std::strtol(it->get<std::string>().c_str(), &end, 10);
      if (end != nullptr && *end == '\0' && i >= 0 && i < 1000000) p.index = static_cast<int>(i);
    }
    const json status = item.value("status", json::object());
    p.phase = Str(status, "phase");
    ContainerState(status, &p);
    if (p.reason.empty()) p.reason = Str(status, "reason");
    pods.push_back(std::move(p));
  }
  return pods;
}

Result<JobState> ParseJob(std::string_view text, std::string_view where) {
  Result<json> j = Parse(text, where);
  if (!j.ok()) return j.status();
  JobState s;
  const json status = j->value("status", json::object());
  auto count = [&](const char* key) {
    auto it = status.find(key);
    return it != status.end() && it->is_number_integer() ? it->get<int>() : 0;
  };
  s.succeeded = count("succeeded");
  s.failed = count("failed");
  s.active = count("active");
  auto conditions = status.find("conditions");
  if (conditions != status.end() && conditions->is_array()) {
    for (const json& c : *conditions) {
      if (!c.is_object() || Str(c, "status") != "True") continue;
      const std::string type = Str(c, "type");
      if (type != "Complete" && type != "Failed") continue;
      s.finished = true;
      s.condition = type;
      s.message = Str(c, "message");
    }
  }
  return s;
}

std::optional<std::string> ExtractReport(std::string_view log) {
  size_t begin = std::string_view::npos, end = std::string_view::npos;
  size_t pos = 0;
  while (pos < log.size()) {
    size_t nl = log.find('\n', pos);
    if (nl == std::string_view::npos) nl = log.size();
    std::string_view line = log.substr(pos, nl - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line == "{" && begin == std::string_view::npos) begin = pos;
    if (line == "}") end = pos + line.size();
    if (begin == std::string_view::npos && end == std::string_view::npos && line.size() > 1 &&
        line.front() == '{' && line.back() == '}') {
      return std::string(line);  // a one-line report
    }
    pos = nl + 1;
  }
  if (begin == std::string_view::npos || end == std::string_view::npos || end < begin) {
    return std::nullopt;
  }
  return std::string(log.substr(begin, end - begin));
}

}  // namespace meshverify::jobs
