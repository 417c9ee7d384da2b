#include "parser/project_analyzer.h"

#include <array>
#include <filesystem>
#include <map>
#include <memory>
#include <set>

#include "parser/dag_folder.h"
#include "parser/file_analyzer.h"
#include "parser/module_loader.h"
#include "parser/ordered_parallel.h"

namespace dagport::parser {

namespace fs = std::filesystem;

namespace {

struct Work {
  std::string path;
  size_t config;  ///< index into the import configurations
};

struct ImportConfig {
  std::vector<std::string> roots;
  std::vector<std::string> plugins;
  std::string key;
};

ImportConfig ConfigFor(const std::string& argument, bool is_folder,
                       const std::vector<std::string>& extra_plugins) {
  ImportConfig c;
  std::error_code ec;
  fs::path root = is_folder ? fs::path(argument) : fs::path(argument).parent_path();
  if (root.empty()) root = ".";
  c.roots.push_back(root.string());
  for (const fs::path& candidate : {root / "plugins", root / ".." / "plugins"}) {
    if (fs::is_directory(candidate, ec)) c.plugins.push_back(candidate.lexically_normal().string());
  }
  c.plugins.insert(c.plugins.end(), extra_plugins.begin(), extra_plugins.end());
  for (const auto& r : c.roots) c.key += r + "\n";
  c.key += "|";
  for (const auto& p : c.plugins) c.key += p + "\n";
  return c;
}

}  // namespace

namespace {

/// What a worker thread hands on for one file.
struct Analysed {
  FileAnalysis analysis;
  std::string rendered;
  std::array<size_t, 3> counts;  ///< DAGs, tasks, edges
};

}  // namespace

ProjectSummary AnalyzeProject(
    const ProjectOptions& options,
    const std::function<void(ir::DagFile&&, std::string&& rendered)>& consume) {
  ProjectSummary summary;
  std::vector<ImportConfig> configs;
  std::vector<Work> work;
  for (const std::string& path : options.paths) {
    FolderListing listing = ListPythonFiles({path});
    summary.diagnostics.insert(summary.diagnostics.end(), listing.diagnostics.begin(),
                               listing.diagnostics.end());
    std::error_code ec;
    configs.push_back(ConfigFor(path, fs::is_directory(path, ec), options.plugin_dirs));
    for (std::string& f : listing.files) work.push_back({std::move(f), configs.size() - 1});
  }
  summary.files_listed = work.size();
  std::set<std::string> plugin_files;
  for (const ImportConfig& config : configs) {
    ModuleLoader loader(config.roots, config.plugins);
    for (ir::Plugin& plugin : ListPlugins(loader)) {
      if (plugin_files.insert(plugin.file + "\n" + plugin.path).second)
        summary.plugins.push_back(std::move(plugin));
    }
  }

  ForEachOrdered(
      work.size(), options.jobs,
      [&](size_t i) {
        // One loader per thread and import configuration: it caches the syntax trees of helper
        // modules and plugins, which many DAG files of a folder share.
        thread_local std::map<std::string, std::unique_ptr<ModuleLoader>> loaders;
        const ImportConfig& config = configs[work[i].config];
        std::unique_ptr<ModuleLoader>& loader = loaders[config.key];
        if (!loader) loader = std::make_unique<ModuleLoader>(config.roots, config.plugins);
        Analysed result{AnalyzeFile(work[i].path, *loader, options.limits), "", {}};
        for (const ir::Dag& d : result.analysis.file.dags) {
          ++result.counts[0];
          result.counts[1] += d.tasks.size();
          result.counts[2] += d.edges.size();
        }
        if (options.render && result.analysis.might_contain_dag) {
          result.rendered = options.render(result.analysis.file);
          if (options.rendered_only) {
            ir::DagFile kept;
            kept.path = std::move(result.analysis.file.path);
            kept.diagnostics = std::move(result.analysis.file.diagnostics);
            result.analysis.file = std::move(kept);  // the rest is freed here
          }
        }
        result.analysis.tree.reset();  // last: see FileAnalysis::tree
        return result;
      },
      [&](size_t, Analysed&& result) {
        if (!result.analysis.might_contain_dag) return;
        ++summary.files_analysed;
        summary.dags += result.counts[0];
        summary.tasks += result.counts[1];
        summary.edges += result.counts[2];
        consume(std::move(result.analysis.file), std::move(result.rendered));
      });
  return summary;
}

}  // namespace dagport::parser
