#include "load/events.h"

#include <algorithm>

#include "meshverify/utf8.h"

namespace meshverify::load::internal {
namespace {

double Seconds(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

std::string FirstLine(const std::string& text) {
  std::string_view t = text;
  while (!t.empty() && (t.front() == '\n' || t.front() == '\r')) t.remove_prefix(1);
  const size_t nl = t.find_first_of("\r\n");
  return SanitizeUtf8(t.substr(0, nl), 200);
}

}  // namespace

EventRunner::EventRunner(const std::vector<EventSpec>& events, int step, CommandRunner* runner,
                         Clock& clock, std::chrono::steady_clock::time_point origin,
                         std::chrono::milliseconds timeout, const std::atomic<bool>* cancel)
    : specs_(events),
      step_(step),
      runner_(runner),
      clock_(clock),
      origin_(origin),
      timeout_(timeout),
      cancel_(cancel) {
  std::stable_sort(specs_.begin(), specs_.end(),
                   [](const EventSpec& a, const EventSpec& b) { return a.at < b.at; });
  if (!specs_.empty()) thread_ = std::thread([this] { Loop(); });
}

EventRunner::~EventRunner() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void EventRunner::Loop() {
  for (const EventSpec& spec : specs_) {
    Event ev;
    ev.step = step_;
    ev.at_s = static_cast<double>(spec.at.count()) / 1000.0;
    ev.command = spec.command;
    const auto due = origin_ + spec.at;
    for (;;) {
      if (stop_ || (cancel_ != nullptr && *cancel_)) break;
      const auto now = clock_.Monotonic();
      if (now >= due) break;
      clock_.SleepFor(std::min(std::chrono::milliseconds(20),
                               std::chrono::ceil<std::chrono::milliseconds>(due - now)));
    }
    if (stop_ || (cancel_ != nullptr && *cancel_) || runner_ == nullptr) {
      done_.push_back(std::move(ev));
      continue;
    }
    ev.ran = true;
    ev.start_s = Seconds(clock_.Monotonic() - origin_);
    Result<CommandResult> r = runner_->Run({"/bin/sh", "-c", spec.command}, timeout_);
    ev.end_s = Seconds(clock_.Monotonic() - origin_);
    if (!r.ok()) {
      ev.first_line = FirstLine(r.status().message());
    } else {
      ev.exit_code = r->exit_code;
      ev.timed_out = r->timed_out;
      ev.first_line = FirstLine(r->stdout_text);
      if (ev.first_line.empty()) ev.first_line = FirstLine(r->stderr_text);
    }
    done_.push_back(std::move(ev));
  }
}

std::vector<Event> EventRunner::Finish() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  return std::move(done_);
}

}  // namespace meshverify::load::internal
