// `dagport convert PATH... -o OUT`: rewrite Airflow 1.x DAG folders for Airflow 2
// (docs/convert.md).
#include <fmt/format.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>

#include "cli/command.h"
#include "cli/common_options.h"
#include "converters/airflow2/convert_report.h"
#include "converters/airflow2/project_converter.h"
#include "converters/atomic_file.h"
#include "converters/unified_diff.h"
#include "ir/diagnostic_render.h"

namespace dagport::cli {

namespace fs = std::filesystem;
using converters::airflow2::AirflowVersion;

namespace {

/// Uncommitted changes git reports for `path`; nullopt when git is missing or `path` is not
/// in a git work tree.
std::optional<std::string> GitChanges(const std::string& path) {
  std::error_code ec;
  const fs::path dir = fs::is_directory(path, ec) ? fs::path(path) : fs::path(path).parent_path();
  const std::string command =
      fmt::format("git -C '{}' status --porcelain --untracked-files=no -- . 2>/dev/null",
                  dir.empty() ? "." : dir.string());
  if (dir.string().find('\'') != std::string::npos) return std::nullopt;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(command.c_str(), "r"), ::pclose);
  if (!pipe) return std::nullopt;
  std::string out;
  std::array<char, 4096> buffer;
  size_t n;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe.get())) > 0)
    out.append(buffer.data(), n);
  const int status = ::pclose(pipe.release());
  if (status != 0) return std::nullopt;
  return out;
}

AirflowVersion TargetOption(const po::variables_map& vm) {
  const std::string text = vm["airflow-version"].as<std::string>();
  const auto& api = converters::airflow2::Api::Get();
  auto version = AirflowVersion::Parse(text);
  if (!version || !api.IsTarget(*version)) {
    throw UsageError(
        fmt::format("--airflow-version {} is not one dagport converts to (choose "
                    "one of: {})",
                    text, fmt::join(api.targets(), ", ")));
  }
  return *version;
}

/// The container configuration: --config, else dagport.json in the one folder converted, else
/// the defaults; --containers picks the target (or none). False (after printing why) when the
/// configuration file is invalid.
bool LoadContainerOptions(const po::variables_map& vm,
                          converters::airflow2::ProjectOptions& options) {
  namespace containers = converters::containers;
  std::string target = vm.count("containers") ? vm["containers"].as<std::string>() : "";
  if (target == "none") return true;
  if (!target.empty() && !containers::ParseTarget(target))
    throw UsageError("--containers takes ecs, kubernetes, docker or none, not '" + target + "'");
  std::string path;
  std::error_code ec;
  if (vm.count("config")) {
    path = vm["config"].as<std::string>();
  } else if (options.paths.size() == 1 && fs::is_directory(options.paths[0], ec) &&
             fs::exists(fs::path(options.paths[0]) / "dagport.json", ec)) {
    path = (fs::path(options.paths[0]) / "dagport.json").string();
  }
  containers::ContainerConfig config;
  if (!path.empty()) {
    std::vector<ir::Diagnostic> diagnostics;
    std::optional<containers::ContainerConfig> loaded =
        containers::LoadContainerConfig(path, diagnostics);
    if (!loaded) {
      ir::SourceLineCache lines;
      std::cerr << ir::RenderText(diagnostics, lines.AsLookup(),
                                  {.color = ColorOption(vm, STDERR_FILENO)});
      return false;
    }
    config = std::move(*loaded);
  }
  if (!target.empty()) config.target = *containers::ParseTarget(target);
  if (vm["no-wrapper"].as<bool>()) config.wrapper = false;
  options.containers = std::move(config);
  return true;
}

}  // namespace

void AddConvertOptions(po::options_description& options) {
  options.add_options()("output,o", po::value<std::string>(),
                        "write the converted tree here (a mirror of the input)")(
      "airflow-version", po::value<std::string>()->default_value("2.10.3"),
      "the Airflow 2 version to convert for (MWAA: 2.4.3, 2.5.1, 2.6.3, 2.7.2, 2.8.1, 2.9.2, "
      "2.10.1, 2.10.3)")("diff", po::bool_switch(), "print unified diffs of the changes")(
      "check", po::bool_switch(),
      "write nothing; exit 1 when some file would change (for CI pipelines)")(
      "in-place", po::bool_switch(), "rewrite the input files (refused on uncommitted changes)")(
      "force", po::bool_switch(), "with --in-place: rewrite even with uncommitted changes")(
      "report", po::value<std::string>(),
      "write the report to FILE: .json, .md (Markdown), or text")(
      "plugins", po::value<std::vector<std::string>>()->composing(),
      "an Airflow plugins folder (default: plugins/ inside or beside each folder)")(
      "days-ago-from", po::value<std::string>(),
      "the date (YYYY-MM-DD) days_ago(n) counts back from (default: today)")(
      "keep-subdags", po::bool_switch(),
      "keep SubDagOperators (by default one whose factory is in the same file becomes a "
      "TaskGroup)")(
      "containers", po::value<std::string>(),
      "turn virtualenv-operator tasks into container tasks on: ecs (default), kubernetes, "
      "docker; none leaves them on the worker")(
      "no-wrapper", po::bool_switch(),
      "write container tasks as the target's operator itself (EcsRunTaskOperator, ...) "
      "instead of ContainerTaskOperator")(
      "config", po::value<std::string>(),
      "the dagport.json to read (default: dagport.json in the converted folder, if any)");
  AddAnalysisOptions(options, false);
}

int RunConvert(const po::variables_map& vm) {
  if (!vm.count("paths")) throw UsageError("name at least one DAG file or folder");
  converters::airflow2::ProjectOptions options;
  options.paths = vm["paths"].as<std::vector<std::string>>();
  if (vm.count("plugins")) options.plugin_dirs = vm["plugins"].as<std::vector<std::string>>();
  options.jobs = JobsOption(vm);
  options.convert.target = TargetOption(vm);
  if (vm.count("days-ago-from")) {
    options.convert.today = vm["days-ago-from"].as<std::string>();
    int y, m, d;
    if (std::sscanf(options.convert.today.c_str(), "%4d-%2d-%2d", &y, &m, &d) != 3)
      throw UsageError("--days-ago-from takes a date as YYYY-MM-DD");
  }
  options.convert.subdags_to_task_groups = !vm["keep-subdags"].as<bool>();
  if (!LoadContainerOptions(vm, options)) return kExitUsage;
  const bool check = vm["check"].as<bool>();
  const bool diff = vm["diff"].as<bool>();
  const bool in_place = vm["in-place"].as<bool>();
  if (vm.count("output")) options.output = vm["output"].as<std::string>();
  if (in_place && !options.output.empty()) throw UsageError("--in-place and -o exclude each other");
  if (!in_place && options.output.empty() && !check && !diff)
    throw UsageError("name an output folder with -o OUT (or use --in-place, --check or --diff)");
  options.in_place = in_place && !check;
  options.keep_texts = diff;
  options.write = !check && (in_place || !options.output.empty());
  std::error_code ec;
  for (const std::string& p : options.paths) {
    if (!options.output.empty() && fs::exists(options.output, ec) &&
        fs::equivalent(p, options.output, ec)) {
      throw UsageError(
          fmt::format("the output folder {} is the input: use --in-place to rewrite "
                      "the input",
                      options.output));
    }
  }
  if (options.in_place && !vm["force"].as<bool>()) {
    for (const std::string& p : options.paths) {
      if (auto changes = GitChanges(p); changes && !changes->empty()) {
        std::cerr << fmt::format(
            "dagport convert: {} has uncommitted changes; --in-place would mix them with the "
            "conversion. Commit or stash them, or pass --force.\n{}",
            p, *changes);
        return kExitUsage;
      }
    }
  }

  const converters::airflow2::ProjectResult result = converters::airflow2::ConvertProject(options);
  const std::vector<ir::Diagnostic> all = converters::airflow2::AllDiagnostics(result);

  if (diff) {
    for (const auto& f : result.files) {
      if (f.status == converters::airflow2::FileStatus::kConverted)
        std::cout << converters::UnifiedDiff(f.original, f.converted, f.input);
    }
    std::cout.flush();
  }
  const bool color = ColorOption(vm, STDERR_FILENO);
  std::cerr << ir::RenderTextFromFiles(all, options.jobs, {.color = color});
  const auto totals = converters::airflow2::Totals(result);
  std::cerr << fmt::format(
      "{} files: {} converted, {} unchanged, {} copied, {} skipped, {} not written; {} of {} "
      "Airflow files load without a manual edit, {} need nothing more{}\n",
      totals.files, totals.converted, totals.unchanged, totals.copied, totals.skipped,
      totals.failed, totals.loads_without_edit, totals.airflow_files, totals.no_manual_work,
      result.requirements_path.empty() ? "" : "; providers in " + result.requirements_path);
  if (vm.count("report")) {
    const std::string path = vm["report"].as<std::string>();
    const std::string format = converters::airflow2::ReportFormatFor(path);
    const AirflowVersion& target = options.convert.target;
    const std::string text = format == "json" ? converters::airflow2::ReportJson(result, target)
                             : format == "markdown"
                                 ? converters::airflow2::ReportMarkdown(result, target)
                                 : converters::airflow2::ReportText(result, target);
    try {
      converters::WriteFileAtomically(path, text);
    } catch (const std::exception& e) {
      std::cerr << "dagport convert: " << e.what() << "\n";
      return kExitUsage;
    }
  }
  if (check && (totals.converted > 0 || totals.failed > 0)) return kExitFindings;
  return ExitCodeFor(vm, all);
}

}  // namespace dagport::cli
