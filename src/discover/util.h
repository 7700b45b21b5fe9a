#pragma once
// Helpers shared by the discover sources.

#include <string>
#include <vector>

#include "meshverify/command_runner.h"
#include "meshverify/config.h"

namespace meshverify::discover {

// Appends --context and --kubeconfig when set (as kubectl and istioctl spell them).
void AddKubeFlags(const ClusterConfig& cluster, std::vector<std::string>* argv);

// The command as a person would type it (words with spaces or quotes single-quoted), for
// messages. Never includes file contents.
std::string CommandLine(const std::vector<std::string>& argv);

// Ok when `r` ran and exited 0; else Unavailable "<command>: <first stderr line>" (or the
// start failure, or "timed out").
Status CommandFailure(const std::vector<std::string>& argv, const Result<CommandResult>& r);

}  // namespace meshverify::discover
