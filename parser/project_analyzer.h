#pragma once
/// Analyses every DAG file under the paths a user names, on several threads, handing each file's
/// IR to a consumer in input order (streamed: nothing holds every file at once).

#include <functional>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "parser/evaluator.h"

namespace dagport::parser {

struct ProjectOptions {
  std::vector<std::string> paths;        ///< files and folders, as named by the user
  std::vector<std::string> plugin_dirs;  ///< extra plugins folders (--plugins)
  unsigned jobs = 1;
  EvaluationLimits limits;
  /// Renders a file's IR on the worker thread that analysed it (so that output scales with
  /// -j); the text reaches `consume` with the file. Optional.
  std::function<std::string(const ir::DagFile&)> render;
  /// With `render`: the file reaches `consume` with only its path and diagnostics; its DAGs are
  /// freed on the worker thread that built them (the thread calling `consume` would otherwise
  /// free every file's IR into its own allocator cache, which it never allocates from). The
  /// summary counts them.
  bool rendered_only = false;
};

struct ProjectSummary {
  size_t files_listed = 0;                  ///< Python files found
  size_t files_analysed = 0;                ///< of which might hold a DAG (DagBag's safe-mode test)
  std::vector<ir::Diagnostic> diagnostics;  ///< from walking the folders
  std::vector<ir::Plugin> plugins;          ///< of every plugins folder used
  size_t dags = 0, tasks = 0, edges = 0;    ///< of the DAGs Airflow would load
};

/// Calls `consume` once per analysed file, in input order. The import path of each file is the
/// folder argument it was found under (or its own folder), plus the plugins folders: `--plugins`,
/// and a `plugins/` folder inside or beside each folder argument, as in an Airflow deployment.
ProjectSummary AnalyzeProject(
    const ProjectOptions& options,
    const std::function<void(ir::DagFile&&, std::string&& rendered)>& consume);

}  // namespace dagport::parser
