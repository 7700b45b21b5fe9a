#pragma once
// The process groups of the children SubprocessCommandRunner has running, so that a signal
// handler can kill them all at once (a second Ctrl-C, SIGTERM or SIGHUP: exit now, leave no
// kubectl, sh or curl behind). A fixed table of lock-free slots: Register and Unregister are
// thread-safe, KillChildGroups is async-signal-safe.

#include <sys/types.h>

namespace meshverify {

// Records `pgid` (a child that leads its own group). Silently keeps nothing when the table
// (kMaxChildGroups) is full.
void RegisterChildGroup(pid_t pgid);
// Forgets `pgid` once its child has been reaped.
void UnregisterChildGroup(pid_t pgid);
// Sends SIGKILL to every registered group. Async-signal-safe.
void KillChildGroups();

inline constexpr int kMaxChildGroups = 1024;

}  // namespace meshverify
