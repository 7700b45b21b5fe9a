#pragma once
// Pacer: when one source's requests are due, for every prober that sends them itself.
//
// Closed loop (rate <= 0): a request is due whenever a slot is free, back to back.
// Open loop (rate > 0): request i is due at origin + i / rate, one schedule for the source
// (not per connection). A request is released only when it is due and a slot is free; one
// released more than `late_slack` after it was due is `late`. The schedule never moves:
// a late request keeps its intended time (so latency measured from it is free of coordinated
// omission, as wrk2), and no request is ever released before it is due, so the in-flight cap
// is the only bound on how fast a backlog goes out.
// No request is released at or after origin + duration (when duration > 0).
// Pure: the caller passes the time; not thread-safe.

#include <chrono>
#include <cstdint>
#include <optional>

namespace meshverify {

class Pacer {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  using Nanos = std::chrono::nanoseconds;

  // `late_slack` is how far behind its due time a release may be and still count on time.
  Pacer(double rate, uint64_t requests, TimePoint origin, Nanos duration,
        Nanos late_slack = std::chrono::milliseconds(1));

  struct Release {
    uint64_t index = 0;  // 0-based within the call
    TimePoint intended;  // due time (open loop), `now` (closed loop)
    bool late = false;
  };
  // The request to start at `now` on a free slot, or nullopt when none is due yet or none
  // is left. Call only when a slot is free.
  std::optional<Release> Next(TimePoint now);

  // When the next request is due (closed loop: now); TimePoint::max() when none is left.
  TimePoint NextDue(TimePoint now) const;
  // True when no request will be released any more (all released, or past the duration).
  bool Done(TimePoint now) const;

  uint64_t released() const { return next_; }
  uint64_t late() const { return late_; }
  bool open_loop() const { return rate_ > 0; }

 private:
  TimePoint DueOf(uint64_t index) const;
  bool PastDuration(TimePoint t) const;

  double rate_;
  uint64_t requests_;
  TimePoint origin_;
  Nanos duration_;
  Nanos late_slack_;
  uint64_t next_ = 0;
  uint64_t late_ = 0;
};

}  // namespace meshverify
