#include "meshverify/pacer.h"

#include <cmath>

namespace meshverify {

Pacer::Pacer(double rate, uint64_t requests, TimePoint origin, Nanos duration, Nanos late_slack)
    : rate_(rate),
      requests_(requests),
      origin_(origin),
      duration_(duration),
      late_slack_(late_slack) {}

Pacer::TimePoint Pacer::DueOf(uint64_t index) const {
  // Computed from the index, not by adding 1/rate each time, so no error accumulates.
  const double ns = std::floor(static_cast<double>(index) * 1e9 / rate_);
  return origin_ + Nanos(static_cast<int64_t>(ns));
}

bool Pacer::PastDuration(TimePoint t) const {
  return duration_.count() > 0 && t >= origin_ + duration_;
}

bool Pacer::Done(TimePoint now) const {
  if (next_ >= requests_) return true;
  return PastDuration(open_loop() ? DueOf(next_) : now);
}

Pacer::TimePoint Pacer::NextDue(TimePoint now) const {
  if (Done(now)) return TimePoint::max();
  return open_loop() ? DueOf(next_) : now;
}

std::optional<Pacer::Release> Pacer::Next(TimePoint now) {
  if (Done(now)) return std::nullopt;
  Release r;
  r.index = next_;
  if (!open_loop()) {
    r.intended = now;
  } else {
    r.intended = DueOf(next_);
    if (now < r.intended) return std::nullopt;
    r.late = now - r.intended > late_slack_;
  }
  ++next_;
  if (r.late) ++late_;
  return r;
}

}  // namespace meshverify
