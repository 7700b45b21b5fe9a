// libFuzzer target for ParseGatewayAddress (`--gateway CLUSTER=ADDR[:PORT]`, mesh.yaml
// `gateways:`): never crashes; an error is one printable line quoting the input; an accepted
// address is an IP with a port in 0..65535 (0: none written), and writing it back as
// ADDR[:PORT] (brackets for IPv6) parses to the same gateway.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "meshverify/ip.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  meshverify::Result<meshverify::GatewayAddress> g = meshverify::ParseGatewayAddress(text);
  if (!g.ok()) {
    const std::string& m = g.status().message();
    if (!g.status().IsInvalidInput() || m.empty() || m[0] != '\'') std::abort();
    for (char c : m) {
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) std::abort();
    }
    return 0;
  }
  if (g->port > 65535 || !meshverify::ParseIp(g->address)) std::abort();
  const meshverify::IpAddress ip = *meshverify::ParseIp(g->address);
  if (ip.v6 != g->ip.v6 || ip.bytes != g->ip.bytes) std::abort();
  std::string again = g->ip.v6 && g->port != 0 ? "[" + g->address + "]" : g->address;
  if (g->port != 0) again += ":" + std::to_string(g->port);
  meshverify::Result<meshverify::GatewayAddress> back = meshverify::ParseGatewayAddress(again);
  if (!back.ok() || back->port != g->port || back->address != g->address ||
      !meshverify::IsGateway(*back, g->ip, g->port == 0 ? 1 : g->port)) {
    std::abort();
  }
  return 0;
}
