#pragma once
// What HttpGet and HttpPostEmpty share: one libcurl request to a local admin port.

#include <curl/curl.h>

#include <chrono>
#include <string>

#include "meshverify/status.h"

namespace meshverify::transport_internal {

// Sends the request `e` is set up for to `url` (no proxy, no signals, at most `timeout`),
// then frees `e`. Ok for a 2xx answer; Unavailable "<url>: <curl error>" or "<url>: HTTP N".
Status PerformAndCleanup(CURL* e, const std::string& url, std::chrono::milliseconds timeout);

}  // namespace meshverify::transport_internal
