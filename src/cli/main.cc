#include <span>

#include "cli/run.h"

int main(int argc, char** argv) {
  return meshverify::cli::RunMain(std::span<char* const>(argv, static_cast<size_t>(argc)));
}
