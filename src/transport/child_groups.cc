#include "transport/child_groups.h"

#include <signal.h>

#include <atomic>

namespace meshverify {
namespace {

// 0 = free. std::atomic<pid_t> is lock-free on Linux, so the signal handler may read it.
std::atomic<pid_t> g_groups[kMaxChildGroups];
static_assert(std::atomic<pid_t>::is_always_lock_free);

}  // namespace

void RegisterChildGroup(pid_t pgid) {
  for (std::atomic<pid_t>& slot : g_groups) {
    pid_t free = 0;
    if (slot.compare_exchange_strong(free, pgid)) return;
  }
}

void UnregisterChildGroup(pid_t pgid) {
  for (std::atomic<pid_t>& slot : g_groups) {
    pid_t mine = pgid;
    if (slot.compare_exchange_strong(mine, 0)) return;
  }
}

void KillChildGroups() {
  for (std::atomic<pid_t>& slot : g_groups) {
    pid_t pgid = slot.load();
    if (pgid > 0) kill(-pgid, SIGKILL);
  }
}

}  // namespace meshverify
