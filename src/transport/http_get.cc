#include "transport/http_get.h"

#include <curl/curl.h>

#include "transport/http_request.h"

namespace meshverify {
namespace {

struct Sink {
  std::string body;
  size_t max = 0;
  bool over = false;
};

size_t Keep(char* data, size_t size, size_t n, void* user) {
  Sink* s = static_cast<Sink*>(user);
  if (s->body.size() + size * n > s->max) {
    s->over = true;
    return 0;  // aborts the transfer (CURLE_WRITE_ERROR)
  }
  s->body.append(data, size * n);
  return size * n;
}

}  // namespace

Result<std::string> HttpGet(const std::string& url, std::chrono::milliseconds timeout,
                            size_t max_bytes) {
  CURL* e = curl_easy_init();
  if (e == nullptr) return Status::Unavailable(url + ": libcurl: could not create a handle");
  Sink sink;
  sink.max = max_bytes;
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, Keep);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &sink);
  const Status s = transport_internal::PerformAndCleanup(e, url, timeout);
  if (sink.over) {
    return Status::Unavailable(url + ": answer over " + std::to_string(max_bytes) + " bytes");
  }
  if (!s.ok()) return s;
  return std::move(sink.body);
}

}  // namespace meshverify
