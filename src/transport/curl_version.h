#pragma once

#include <string>

namespace meshverify {

// The libcurl that is loaded at run time and its TLS and other backends, e.g.
// "7.88.1 (OpenSSL/3.0.15, zlib/1.2.13, nghttp2/1.52.0)", followed by "; built with 7.88.1"
// when the headers meshverify was compiled against name another version. For bug reports.
std::string LibcurlVersion();

}  // namespace meshverify
