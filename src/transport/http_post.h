#pragma once
// One bodyless HTTP POST with libcurl: how a Job's meshverify tells its Istio sidecar to exit
// (pilot-agent's POST /quitquitquit on 15020) when the pod has no native sidecar.

#include <chrono>
#include <string>

#include "meshverify/status.h"

namespace meshverify {

// POSTs an empty body to `url` (no proxy), waiting at most `timeout`. Ok for a 2xx answer;
// Unavailable "<url>: <reason>" otherwise.
Status HttpPostEmpty(const std::string& url, std::chrono::milliseconds timeout);

}  // namespace meshverify
