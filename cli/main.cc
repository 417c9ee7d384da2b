// The `dagport` executable: hands the arguments to cli::Main and makes sure that no exception
// escapes as a crash.
#include <cerrno>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "cli/allocator_tuning.h"
#include "cli/command.h"

int main(int argc, char** argv) {
  dagport::cli::TuneAllocator(argv);
  int code = dagport::cli::kExitUsage;
  try {
    code = dagport::cli::Main(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const std::exception& e) {
    std::cerr << "dagport: error: " << e.what() << "\n";
  }
  // Results that could not be written (a full disk, a closed pipe) are not a success.
  std::cout.flush();
  if (!std::cout) {
    std::cerr << "dagport: error: cannot write to standard output: " << std::strerror(errno)
              << "\n";
    return dagport::cli::kExitUsage;
  }
  return code;
}
