// The `dagport` executable: hands the arguments to cli::Main and makes sure that no exception
// escapes as a crash.
#include <iostream>
#include <string>
#include <vector>

#include "cli/command.h"

int main(int argc, char** argv) {
  try {
    return dagport::cli::Main(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const std::exception& e) {
    std::cerr << "dagport: error: " << e.what() << "\n";
    return dagport::cli::kExitUsage;
  }
}
