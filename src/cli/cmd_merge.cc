// Placeholder until `meshverify merge` lands.
#include <ostream>

#include "cli/commands.h"

namespace meshverify::cli {

int RunMerge(const Args&, Environment& env) {
  *env.err << "meshverify merge: not implemented yet\n";
  return 3;
}

}  // namespace meshverify::cli
