#pragma once
/// Imports: finding the modules of the analysed code (the DAG folder and plugins folder are on
/// Airflow's sys.path, so helper modules and plugins resolve), parsing each file once per loader,
/// and resolving Airflow 1.x's plugin-style names (`airflow.operators.<plugin>.X`).

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "parser/evaluator.h"
#include "parser/syntax_tree.h"

namespace dagport::parser {

/// Finds and parses local modules. One loader serves one thread: it caches syntax trees, which
/// every file's evaluation reads, but no evaluated state.
class ModuleLoader {
 public:
  /// `roots`: folders on the import path, searched in order (the DAG folder, then plugins).
  /// `plugin_roots`: folders whose modules may define AirflowPlugin classes.
  ModuleLoader(std::vector<std::string> roots, std::vector<std::string> plugin_roots);

  struct Found {
    std::string path;  ///< the .py file, or empty for a namespace package folder
    bool is_package = false;
  };
  /// The file of dotted module `name` under the roots, then under `extra_root` (may be empty).
  std::optional<Found> Find(const std::string& name, const std::string& extra_root);
  /// Where `import name` in the file at `importing_path` finds a local module: under the roots,
  /// then beside the file and up to three folders above it (repositories put helpers beside
  /// their DAGs or import them from the repository root: `dags.common.x`). Cached by the file's
  /// folder and the name: the files of a folder import the same names.
  std::optional<Found> FindNear(const std::string& name, const std::string& importing_path);

  /// The parsed tree of a file (nullptr when it cannot be read); reading problems are appended
  /// to `diagnostics` the first time.
  const SyntaxTree* Tree(const std::string& path, std::vector<ir::Diagnostic>& diagnostics);

  /// Dotted names of the modules in the plugin folders (file stems relative to each root).
  const std::vector<std::pair<std::string, std::string>>& PluginModules();  // name, path

  const std::vector<std::string>& roots() const { return roots_; }

  /// Source texts to use instead of the files on disk, by lexically normal path: the converter
  /// analyses its output this way before writing it.
  using Overlay = std::map<std::string, std::string>;
  void SetOverlay(std::shared_ptr<const Overlay> overlay);

  /// Replaces a file's text as read from disk before it is parsed: the converter's Airflow 2
  /// analysis imports the other files of the project as they will be written. Returns the text
  /// to use, or nothing to keep the file's own. Called at most once per file and loader.
  using SourceTransform = std::function<std::optional<std::string>(const std::string& path)>;
  void SetTransform(SourceTransform transform);
  /// True when `path` was parsed with the text the transform gave.
  bool Transformed(const std::string& path) const { return transformed_.contains(path); }

 private:
  std::vector<std::string> roots_;
  std::vector<std::string> plugin_roots_;
  std::map<std::string, std::optional<Found>> found_;
  std::unordered_map<std::string, std::optional<Found>> found_near_;  ///< by folder "\n" name
  std::map<std::string, std::unique_ptr<SyntaxTree>> trees_;
  std::optional<std::vector<std::pair<std::string, std::string>>> plugin_modules_;
  std::shared_ptr<const Overlay> overlay_;
  SourceTransform transform_;
  std::set<std::string> transformed_;
};

/// Evaluates (once per file analysis) the local module `name` found at `found`.
ModuleState* LoadModule(Evaluator& ev, const std::string& name, const ModuleLoader::Found& found,
                        TSNode node, Frame& frame);
/// `import name`: the local module, or an external name.
Val ImportModule(Evaluator& ev, const std::string& name, TSNode node, Frame& frame);
/// `module.name` when `name` is a submodule of a local package; nullptr otherwise.
Val ImportSubmodule(Evaluator& ev, ModuleState* module, const std::string& name, TSNode node,
                    Frame& frame);
/// A dotted name in a module dagport does not analyse, with Airflow 1.x's package-level and
/// plugin names resolved to their classes.
Val ResolveExternalName(Evaluator& ev, const std::string& path, TSNode node, Frame& frame);
/// The AirflowPlugin subclasses of the plugin folders and what each registers.
std::vector<ir::Plugin> ListPlugins(ModuleLoader& loader);

/// True when `path` (`airflow.operators.X`, `airflow.contrib.operators.X`, `airflow.operators.
/// <plugin>.X`, and likewise sensors and hooks) names nothing Airflow 1.10 provides: not one of
/// its package-level names and not registered by a plugin of the plugins folder. Only decided
/// when a plugins folder is known (or for airflow.contrib, which plugins do not extend).
/// `resolved` is what `ResolveExternalName` gives for `path` (the caller binds it, so it is
/// looked up once).
bool MissingAirflow1Name(Evaluator& ev, const std::string& path, const Val& resolved);

/// Binds the names a new module starts with (__name__, __file__, __doc__).
void InitModuleGlobals(ModuleState* module);

}  // namespace dagport::parser
