// Placeholder until `meshverify check` lands.
#include <ostream>

#include "cli/commands.h"

namespace meshverify::cli {

int RunCheck(const Args&, Environment& env) {
  *env.err << "meshverify check: not implemented yet\n";
  return 3;
}

}  // namespace meshverify::cli
