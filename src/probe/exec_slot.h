#pragma once
// ExecProber::Slot: one of the prober's max_parallel exec slots (probe.h), private to src/probe.
#include <algorithm>

#include "meshverify/probe.h"

namespace meshverify::probe {

class ExecProber::Slot {
 public:
  // Waits for a free slot; `ok()` is false when `cancel` became true first.
  Slot(ExecProber& p, const std::atomic<bool>* cancel) : p_(p) {
    std::unique_lock<std::mutex> lock(p_.mu_);
    while (p_.running_ >= std::max(1, p_.options_.max_parallel)) {
      if (cancel != nullptr && cancel->load()) return;
      p_.slot_free_.wait_for(lock, std::chrono::milliseconds(100));
    }
    held_ = true;
    p_.peak_ = std::max(p_.peak_, ++p_.running_);
  }
  ~Slot() {
    if (!held_) return;
    {
      std::lock_guard<std::mutex> lock(p_.mu_);
      --p_.running_;
    }
    p_.slot_free_.notify_one();
  }
  Slot(const Slot&) = delete;
  Slot& operator=(const Slot&) = delete;
  bool ok() const { return held_; }

 private:
  ExecProber& p_;
  bool held_ = false;
};

}  // namespace meshverify::probe
