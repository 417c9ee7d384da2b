// The `dagport migrate` workflow: inspect, convert, simulate three scenarios, judge each DAG.
#include "migrate/migration.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <stdexcept>

#include "converters/atomic_file.h"
#include "migrate/readiness.h"
#include "migrate/scenarios.h"
#include "parser/project_analyzer.h"

namespace dagport::migrate {

namespace fs = std::filesystem;
namespace airflow2 = converters::airflow2;
namespace containers = converters::containers;

std::string_view ReadinessName(Readiness r) {
  switch (r) {
    case Readiness::kReady: return "ready";
    case Readiness::kReview: return "review";
    case Readiness::kBlocked: return "blocked";
  }
  return "?";
}

std::string RelativeTo(const std::string& root, const std::string& path) {
  if (path.empty()) return path;
  const fs::path base = fs::path(root).lexically_normal();
  const fs::path rel = fs::path(path).lexically_normal().lexically_relative(base);
  if (rel.empty() || *rel.begin() == "..") return path;
  return rel.generic_string();
}

namespace {

/// The configuration file: --config, else dagport.json in the legacy folder, else none.
std::string ConfigPath(const MigrateOptions& options) {
  if (!options.config.empty()) return options.config;
  std::error_code ec;
  const fs::path candidate = fs::path(options.legacy_dir) / "dagport.json";
  return fs::exists(candidate, ec) ? candidate.string() : std::string();
}

containers::ContainerConfig LoadContainers(const std::string& path, containers::Target target) {
  containers::ContainerConfig config;
  if (!path.empty()) {
    std::vector<ir::Diagnostic> diagnostics;
    std::optional<containers::ContainerConfig> loaded =
        containers::LoadContainerConfig(path, diagnostics);
    if (!loaded) {
      std::string message;
      for (const ir::Diagnostic& d : diagnostics) {
        message += fmt::format("{}:{}:{}: {}{}\n", d.file.empty() ? path : d.file, d.where.line,
                               d.where.column, d.message, d.hint.empty() ? "" : " (" + d.hint + ")");
      }
      throw std::runtime_error(message.empty() ? path + ": invalid configuration" : message);
    }
    config = std::move(*loaded);
  }
  config.target = target;
  return config;
}

simulator::SimulateConfig LoadSimulateConfig(const std::string& path) {
  if (path.empty()) return {};
  std::string text;
  try {
    text = converters::ReadFileBytes(path);
  } catch (const std::exception&) {
    throw std::runtime_error(fmt::format("cannot read the configuration '{}'", path));
  }
  try {
    return simulator::ParseSimulateConfig(text);
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(fmt::format("{}:{}", path, e.what()));
  }
}

simulator::Durations LoadDurations(const std::string& path) {
  if (path.empty()) return {};
  std::string text;
  try {
    text = converters::ReadFileBytes(path);
  } catch (const std::exception&) {
    throw std::runtime_error(fmt::format("cannot read the durations file '{}'", path));
  }
  try {
    return simulator::Durations::Parse(text);
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(fmt::format("{}:{}", path, e.what()));
  }
}

ir::Project Analyze(const std::string& path, int airflow_major, unsigned jobs,
                    std::vector<ir::Diagnostic>& diagnostics, const ProgressFn& progress,
                    const char* stage) {
  parser::ProjectOptions options;
  options.paths = {path};
  options.jobs = jobs;
  options.limits.airflow_major = airflow_major;
  ir::Project project;
  size_t done = 0;
  parser::ProjectSummary summary =
      parser::AnalyzeProject(options, [&](ir::DagFile&& file, std::string&&) {
        if (progress) progress({stage, ++done, 0, file.path});
        project.files.push_back(std::move(file));
      });
  project.plugins = std::move(summary.plugins);
  diagnostics.insert(diagnostics.end(), summary.diagnostics.begin(), summary.diagnostics.end());
  return project;
}

}  // namespace

Migration RunMigration(const MigrateOptions& options, const ProgressFn& progress) {
  Migration m;
  m.options = options;
  m.config_path = ConfigPath(options);
  const containers::ContainerConfig container_config =
      LoadContainers(m.config_path, options.target);
  const simulator::SimulateConfig simulate_config = LoadSimulateConfig(m.config_path);
  const simulator::Durations durations = LoadDurations(options.durations);

  // 1. Inspect the legacy folder with Airflow 1.10's import semantics.
  std::vector<ir::Diagnostic> walk;
  m.legacy = Analyze(options.legacy_dir, 1, options.jobs, walk, progress, "inspect");

  // 2. Convert it, with the container tasks, into the output folder.
  if (progress) progress({"convert", 0, 1, options.legacy_dir});
  airflow2::ProjectOptions convert;
  convert.paths = {options.legacy_dir};
  convert.output = options.output;
  convert.write = true;
  convert.keep_texts = true;  // the report shows each file's diff
  convert.jobs = options.jobs;
  convert.convert.target = options.airflow_version;
  convert.convert.today = options.days_ago_from;
  convert.containers = container_config;
  m.conversion = airflow2::ConvertProject(convert);
  if (progress) progress({"convert", 1, 1, options.output});

  // 3. Simulate the three scenarios; the converted folder is analysed as Airflow 2 code.
  std::vector<ir::Diagnostic> converted_walk;
  const ir::Project converted =
      Analyze(options.output, 2, options.jobs, converted_walk, progress, "analyse");
  m.scenarios = SimulateScenarios(m.legacy, converted, m.conversion.container_plan,
                                  simulate_config, durations, options, m.diagnostics, progress);

  // 4. Judge each DAG, and say what changed between the scenarios.
  for (const ir::Diagnostic& d : walk) m.diagnostics.push_back(d);
  JudgeDags(m);
  m.changes = DescribeChanges(m);
  for (ir::Diagnostic& d : m.diagnostics) {
    const std::string legacy = RelativeTo(options.legacy_dir, d.file);
    const std::string out = RelativeTo(options.output, d.file);
    d.file = legacy != d.file ? legacy : out != d.file ? "OUT/" + out : d.file;
  }
  return m;
}

}  // namespace dagport::migrate
