// The `dagport migrate` workflow: inspect, convert, simulate three scenarios, judge each DAG.
#include "migrate/migration.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <set>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "converters/atomic_file.h"
#include "migrate/readiness.h"
#include "migrate/scenarios.h"
#include "parser/project_analyzer.h"
#include "sched/clock.h"

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
        message +=
            fmt::format("{}:{}:{}: {}{}\n", d.file.empty() ? path : d.file, d.where.line,
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

ir::Project Analyze(const std::string& path, int airflow_major, const std::string& today,
                    unsigned jobs, std::vector<ir::Diagnostic>& diagnostics,
                    const ProgressFn& progress, const char* stage) {
  parser::ProjectOptions options;
  options.paths = {path};
  options.jobs = jobs;
  options.limits.airflow_major = airflow_major;
  options.limits.today = today;
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

/// Today in UTC, YYYY-MM-DD.
std::string Today() {
  return sched::FormatDs(std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count());
}

/// The output folder must be new, empty, or an earlier `dagport migrate` output (its
/// report.json says so), which is removed: what the converted scenario simulates must be
/// exactly what this conversion wrote.
void PrepareOutput(const std::string& output) {
  std::error_code ec;
  const fs::path out(output);
  if (!fs::exists(out, ec)) return;
  if (!fs::is_directory(out, ec))
    throw std::runtime_error(fmt::format("the output {} is a file: name a folder", output));
  if (fs::directory_iterator(out, ec) == fs::directory_iterator()) return;
  bool earlier = false;
  try {
    const auto report =
        nlohmann::json::parse(converters::ReadFileBytes((out / "report.json").string()));
    earlier = report.value("schema", "") == "dagport.migration/1";
  } catch (const std::exception&) {
    earlier = false;
  }
  if (!earlier) {
    throw std::runtime_error(fmt::format(
        "the output folder {} is not empty and holds no earlier dagport migrate output: "
        "choose a new folder (dagport migrate replaces an earlier output of its own)",
        output));
  }
  fs::remove_all(out, ec);
  if (ec)
    throw std::runtime_error(
        fmt::format("cannot replace the earlier output {}: {}", output, ec.message()));
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

  // days_ago(n) counts back from one day for the inspection and the conversion alike, so that
  // the legacy and the converted DAGs start on the same dates.
  if (m.options.days_ago_from.empty()) m.options.days_ago_from = Today();
  const std::string& today = m.options.days_ago_from;
  PrepareOutput(options.output);

  // 1. Inspect the legacy folder with Airflow 1.10's import semantics.
  std::vector<ir::Diagnostic> walk;
  m.legacy = Analyze(options.legacy_dir, 1, today, options.jobs, walk, progress, "inspect");

  // 2. Convert it, with the container tasks, into the output folder.
  airflow2::ProjectOptions convert;
  convert.paths = {options.legacy_dir};
  convert.output = options.output;
  convert.write = true;
  convert.keep_texts = true;  // the report shows each file's diff
  convert.jobs = options.jobs;
  convert.convert.target = options.airflow_version;
  convert.convert.today = today;
  convert.convert.subdags_to_task_groups = !m.options.keep_subdags;
  convert.progress = [&](size_t done, size_t total, const std::string& file) {
    if (progress) progress({"convert", done, total, file});
  };
  convert.containers = container_config;
  m.conversion = airflow2::ConvertProject(convert);

  // 3. Simulate the three scenarios; the converted folder is analysed as Airflow 2 code.
  std::vector<ir::Diagnostic> converted_walk;
  m.converted =
      Analyze(options.output, 2, today, options.jobs, converted_walk, progress, "analyse");
  std::vector<ir::Diagnostic> simulation;
  m.scenarios = SimulateScenarios(m.legacy, m.converted, m.conversion.container_plan,
                                  simulate_config, durations, m.options, simulation, progress);

  // 4. Judge each DAG, and say what changed between the scenarios. The simulation repeats a
  // finding for the legacy and the converted DAGs (a pool without a size): keep it once.
  m.project_findings = walk;
  std::set<std::pair<std::string, std::string>> said;
  for (const ir::Diagnostic& d : simulation)
    if (said.emplace(d.code, d.message).second) m.project_findings.push_back(d);
  JudgeDags(m);
  m.changes = DescribeChanges(m);
  auto relative = [&](std::vector<ir::Diagnostic>& found) {
    for (ir::Diagnostic& d : found) {
      const std::string legacy = RelativeTo(options.legacy_dir, d.file);
      const std::string out = RelativeTo(options.output, d.file);
      d.file = legacy != d.file ? legacy : out != d.file ? "OUT/" + out : d.file;
    }
  };
  relative(m.diagnostics);
  relative(m.project_findings);
  return m;
}

}  // namespace dagport::migrate
