// Placeholder until `meshverify plan` lands.
#include <ostream>

#include "cli/commands.h"

namespace meshverify::cli {

int RunPlan(const Args&, Environment& env) {
  *env.err << "meshverify plan: not implemented yet\n";
  return 3;
}

}  // namespace meshverify::cli
