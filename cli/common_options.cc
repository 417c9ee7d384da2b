#include "cli/common_options.h"

#include <fmt/format.h>

#include <algorithm>
#include <iostream>
#include <thread>

#include "converters/atomic_file.h"
#include "ir/diagnostic_render.h"

namespace dagport::cli {

void AddAnalysisOptions(po::options_description& options, bool airflow_semantics) {
  options.add_options()("jobs,j", po::value<unsigned>()->default_value(0),
                        "files analysed at once (0: every core)")(
      "fail-on", po::value<std::string>()->default_value("error"),
      "exit 1 when a finding is at or above: error, warning, info, never")(
      "color", po::value<std::string>()->default_value("auto"), "colour: auto, always, never");
  if (airflow_semantics) {
    options.add_options()(
        "airflow", po::value<int>()->default_value(1),
        "import semantics: 1 (Airflow 1.10, as legacy folders ran) or 2 (converted DAGs)");
  }
}

unsigned JobsOption(const po::variables_map& vm) {
  unsigned jobs = vm.count("jobs") ? vm["jobs"].as<unsigned>() : 0;
  if (jobs == 0) jobs = std::max(1u, std::thread::hardware_concurrency());
  return jobs;
}

std::string FormatOption(const po::variables_map& vm, const std::vector<std::string>& allowed) {
  if (!vm.count("format")) return allowed.front();
  std::string format = vm["format"].as<std::string>();
  if (std::find(allowed.begin(), allowed.end(), format) == allowed.end()) {
    throw UsageError(
        fmt::format("unknown --format '{}' (choose one of: {})", format, fmt::join(allowed, ", ")));
  }
  return format;
}

int ExitCodeFor(const po::variables_map& vm, const std::vector<ir::Diagnostic>& diagnostics) {
  const std::string fail_on = vm.count("fail-on") ? vm["fail-on"].as<std::string>() : "error";
  if (fail_on == "never") return kExitOk;
  auto threshold = ir::ParseSeverity(fail_on);
  if (!threshold)
    throw UsageError("--fail-on takes error, warning, info or never, not '" + fail_on + "'");
  for (const ir::Diagnostic& d : diagnostics) {
    if (d.severity >= *threshold) return kExitFindings;
  }
  return kExitOk;
}

int AirflowMajorOption(const po::variables_map& vm) {
  const int major = vm.count("airflow") ? vm["airflow"].as<int>() : 1;
  if (major != 1 && major != 2) throw UsageError("--airflow takes 1 or 2");
  return major;
}

bool ColorOption(const po::variables_map& vm, int fd) {
  const std::string color = vm.count("color") ? vm["color"].as<std::string>() : "auto";
  if (color == "always") return true;
  if (color == "never") return false;
  if (color != "auto") throw UsageError("--color takes auto, always or never, not '" + color + "'");
  return ir::ShouldUseColor(fd);
}

std::string ReadOrFail(const std::string& path, const char* what) {
  try {
    return converters::ReadFileBytes(path);
  } catch (const std::exception&) {
    throw UsageError(fmt::format("cannot read the {} '{}'", what, path));
  }
}

bool WriteOrReport(const std::string& path, std::string_view text, bool color) {
  try {
    converters::WriteFileAtomically(path, text);
    return true;
  } catch (const std::exception& e) {
    ir::SourceLineCache lines;
    std::cerr << ir::RenderText(
        {ir::MakeDiagnostic("DP004", path, {}, e.what(), "choose a writable output path")},
        lines.AsLookup(), {.color = color});
    return false;
  }
}

}  // namespace dagport::cli
