// Placeholder until `meshverify load` lands.
#include <ostream>

#include "cli/commands.h"

namespace meshverify::cli {

int RunLoad(const Args&, Environment& env) {
  *env.err << "meshverify load: not implemented yet\n";
  return 3;
}

}  // namespace meshverify::cli
