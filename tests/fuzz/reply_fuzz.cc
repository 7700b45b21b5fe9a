// libFuzzer target for ReplyParser: the built-in format and a --pattern with a cluster group
// must never crash, and whatever they return must be views into the input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "meshverify/reply_parser.h"

namespace {

bool Inside(std::string_view part, std::string_view whole) {
  return part.empty() ||
         (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

void Check(const meshverify::ReplyParser& p, std::string_view body) {
  std::optional<meshverify::ReplyView> v = p.Parse(body);
  if (!v) return;
  if (v->version.empty() || v->instance.empty()) std::abort();
  if (!Inside(v->version, body) || !Inside(v->instance, body) || !Inside(v->cluster, body)) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const meshverify::ReplyParser builtin = *meshverify::ReplyParser::Create("");
  static const meshverify::ReplyParser pattern = *meshverify::ReplyParser::Create(
      R"(^(?P<cluster>[\w-]+)?/?Hello version: (?P<version>[^,]+), instance: (?P<instance>\S+))");
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  Check(builtin, body);
  Check(pattern, body);
  // A notice is never also an answer of the built-in format.
  if (meshverify::IsKubectlNotice(body) && builtin.Parse(body)) std::abort();
  // The input as a pattern: compile errors are fine, crashes are not.
  if (size < 256) {
    meshverify::Result<meshverify::ReplyParser> p = meshverify::ReplyParser::Create(body);
    if (p.ok()) Check(*p, "Hello version: v1, instance: helloworld-v1-86f77cd7bd-cpxhv");
  }
  return 0;
}
