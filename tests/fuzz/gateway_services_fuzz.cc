// libFuzzer target for ParseGatewayServices (`kubectl get services -n istio-system -l
// istio=eastwestgateway -o json`): never crashes; an error is one line naming the source; every
// address found is a gateway address ADDR:PORT that ParseGatewayAddress reads back with a port,
// listed once; node ports are 1..65535; each note is one printable line.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

#include "endpoints_fuzz_util.h"
#include "meshverify/discover.h"
#include "meshverify/ip.h"

namespace {

void CheckLine(const std::string& s) {
  if (s.empty()) std::abort();
  for (char c : s) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  meshverify::Result<meshverify::discover::GatewayServices> svc =
      meshverify::discover::ParseGatewayServices(text, "fuzz");
  meshverify::fuzz::CheckError(svc.status(), "fuzz");
  if (!svc.ok()) {
    CheckLine(svc.status().message());
    return 0;
  }
  std::set<std::string> seen;
  for (const std::string& a : svc->addresses) {
    meshverify::Result<meshverify::GatewayAddress> g = meshverify::ParseGatewayAddress(a);
    if (!g.ok() || g->port == 0 || !seen.insert(a).second) std::abort();
  }
  for (uint32_t p : svc->node_ports) {
    if (p == 0 || p > 65535) std::abort();
  }
  for (const std::string& n : svc->notes) CheckLine(n);
  return 0;
}
