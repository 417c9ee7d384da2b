#pragma once
/// Options shared by the commands that read DAG folders: jobs, output format, --fail-on, colour.

#include <string>
#include <string_view>
#include <vector>

#include "cli/command.h"
#include "ir/diagnostic.h"

namespace dagport::cli {

/// -j/--jobs, --fail-on, --color, and --airflow unless `airflow_semantics` is false.
void AddAnalysisOptions(po::options_description& options, bool airflow_semantics = true);

/// Threads to use: --jobs, or every core when it is 0 or unset.
unsigned JobsOption(const po::variables_map& vm);

/// --format, checked against `allowed` (the first is the default).
std::string FormatOption(const po::variables_map& vm, const std::vector<std::string>& allowed);

/// kExitFindings when a diagnostic is at or above --fail-on (error|warning|info|never).
int ExitCodeFor(const po::variables_map& vm, const std::vector<ir::Diagnostic>& diagnostics);

/// --airflow: 1 (Airflow 1.10 import semantics) or 2.
int AirflowMajorOption(const po::variables_map& vm);

/// Whether to colour text written to the stream with descriptor `fd` (--color=auto|always|never).
bool ColorOption(const po::variables_map& vm, int fd);

/// The bytes of the input file `path`; a UsageError naming it (as "the <what> '<path>'") when it
/// cannot be read.
std::string ReadOrFail(const std::string& path, const char* what);

/// Writes `text` to `path` atomically. False after printing the reason to stderr as a DP004
/// diagnostic (the path, the system's reason, a hint) when it cannot be written.
bool WriteOrReport(const std::string& path, std::string_view text, bool color);

}  // namespace dagport::cli
