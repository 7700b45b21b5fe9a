#pragma once
// One HTTP GET with libcurl, bounded in time and size: how a Job's meshverify reads its own
// sidecar's endpoint view from Envoy's admin API (GET 127.0.0.1:15000/clusters).

#include <chrono>
#include <cstddef>
#include <string>

#include "meshverify/status.h"

namespace meshverify {

// Envoy's admin endpoint listing every cluster's hosts, in its text format.
inline constexpr char kEnvoyAdminClustersUrl[] = "http://127.0.0.1:15000/clusters";

// GETs `url` (no proxy), waiting at most `timeout`, keeping at most `max_bytes` of the body.
// The body for a 2xx answer; Unavailable "<url>: <reason>" otherwise (a body over
// `max_bytes` is "<url>: answer over N bytes").
Result<std::string> HttpGet(const std::string& url, std::chrono::milliseconds timeout,
                            size_t max_bytes);

}  // namespace meshverify
