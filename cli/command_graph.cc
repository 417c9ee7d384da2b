// `dagport graph DAG_FILE [--dag ID] [--format dot|mermaid]`: draw one DAG of a file.
#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>

#include "cli/command.h"
#include "cli/common_options.h"
#include "ir/diagnostic_render.h"
#include "ir/graph_render.h"
#include "parser/project_analyzer.h"

namespace dagport::cli {

void AddGraphOptions(po::options_description& options) {
  options.add_options()("dag", po::value<std::string>(),
                        "the DAG to draw (needed when the file has several)")(
      "format,f", po::value<std::string>()->default_value("dot"), "dot or mermaid")(
      "plugins", po::value<std::vector<std::string>>()->composing(), "an Airflow plugins folder");
}

int RunGraph(const po::variables_map& vm) {
  if (!vm.count("paths") || vm["paths"].as<std::vector<std::string>>().size() != 1) {
    throw UsageError("name exactly one DAG file");
  }
  const std::string format = FormatOption(vm, {"dot", "mermaid"});
  parser::ProjectOptions options;
  options.paths = vm["paths"].as<std::vector<std::string>>();
  if (std::filesystem::is_directory(options.paths[0]))
    throw UsageError("'" + options.paths[0] + "' is a folder, not a DAG file");
  if (vm.count("plugins")) options.plugin_dirs = vm["plugins"].as<std::vector<std::string>>();
  std::vector<ir::Dag> dags;
  std::vector<ir::Diagnostic> diagnostics;
  parser::ProjectSummary summary =
      parser::AnalyzeProject(options, [&](ir::DagFile&& file, std::string&&) {
        dags = std::move(file.dags);
        diagnostics = std::move(file.diagnostics);
      });
  diagnostics.insert(diagnostics.end(), summary.diagnostics.begin(), summary.diagnostics.end());
  ir::SourceLineCache lines;
  std::cerr << ir::RenderText(diagnostics, lines.AsLookup(),
                              {.color = ir::ShouldUseColor(STDERR_FILENO)});
  std::vector<std::string> ids;
  for (const ir::Dag& d : dags) ids.push_back(d.dag_id);
  const ir::Dag* chosen = nullptr;
  if (vm.count("dag")) {
    for (const ir::Dag& d : dags) {
      if (d.dag_id == vm["dag"].as<std::string>()) chosen = &d;
    }
    if (chosen == nullptr) {
      std::cerr << fmt::format("dagport graph: no DAG '{}' in {} (it has: {})\n",
                               vm["dag"].as<std::string>(), options.paths[0],
                               ids.empty() ? "none" : fmt::format("{}", fmt::join(ids, ", ")));
      return kExitUsage;
    }
  } else if (dags.size() == 1) {
    chosen = &dags[0];
  } else {
    std::cerr << fmt::format("dagport graph: {} has {} DAGs{}; choose one with --dag\n",
                             options.paths[0], dags.size(),
                             ids.empty() ? "" : fmt::format(" ({})", fmt::join(ids, ", ")));
    return kExitUsage;
  }
  std::cout << (format == "dot" ? ir::DagToDot(*chosen) : ir::DagToMermaid(*chosen));
  return kExitOk;
}

}  // namespace dagport::cli
