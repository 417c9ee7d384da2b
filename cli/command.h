#pragma once
/// The subcommands of `dagport`, as a table: name, one-line summary, options and the function
/// that runs it. Commands hold no logic of their own; they call the components.

#include <boost/program_options.hpp>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace dagport::cli {

namespace po = boost::program_options;

/// Exit codes, the same for every command (docs/cli.md).
enum ExitCode : int {
  kExitOk = 0,        ///< success
  kExitFindings = 1,  ///< findings at or above --fail-on, or a failed task
  kExitUsage = 2,     ///< usage or I/O error
};

/// A mistake in how dagport was called; reported with a pointer to `--help`.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct CommandSpec {
  std::string_view name;
  std::string_view summary;
  std::string_view usage;  ///< "PATH... [options]"
  void (*add_options)(po::options_description& options);
  std::string_view positional_name;  ///< name of the positional arguments' option, or empty
  int (*run)(const po::variables_map& vm);
};

std::span<const CommandSpec> Commands();

/// Runs `dagport` with `args` (without the program name); returns the exit code.
int Main(const std::vector<std::string>& args);

}  // namespace dagport::cli
