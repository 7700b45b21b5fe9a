// Placeholder until `meshverify endpoints` lands.
#include <ostream>

#include "cli/commands.h"

namespace meshverify::cli {

int RunEndpoints(const Args&, Environment& env) {
  *env.err << "meshverify endpoints: not implemented yet\n";
  return 3;
}

}  // namespace meshverify::cli
