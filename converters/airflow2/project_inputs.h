#pragma once
/// What a conversion reads: the files of the named files and folders (each with where it goes
/// under the output folder), the import configuration of each (DAG folder roots and plugins
/// folders, as Airflow's sys.path has them), and the module loaders the passes analyse with.

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "converters/airflow2/project_converter.h"
#include "parser/module_loader.h"

namespace dagport::converters::airflow2 {

struct ImportConfig {
  std::vector<std::string> roots, plugins;
  std::string key;
};

struct Input {
  std::filesystem::path path;
  std::filesystem::path relative;  ///< under the output folder
  size_t config = 0;
  std::string bytes;  ///< the file as read (for copies)
};

/// Lists the input files; each folder argument's files keep their path relative to it.
std::vector<Input> ListInputs(const ProjectOptions& options, std::vector<ImportConfig>& configs,
                              std::vector<ir::Diagnostic>& diagnostics);

/// The loaders a conversion uses: the files as they are with Airflow 1.10 semantics, with
/// Airflow 2 semantics, and with the converted texts of the other files (the overlay).
enum LoaderKind { kLegacyLoader, kModernLoader, kOverlayLoader };

/// A loader per worker thread, import configuration and kind, fresh for each conversion run.
/// `transform`, when the loader is made: the kModernLoader's view of the other project files
/// (ModuleLoader::SetTransform).
parser::ModuleLoader& ThreadLoader(
    unsigned run, const ImportConfig& config, LoaderKind kind,
    const std::shared_ptr<const parser::ModuleLoader::Overlay>& overlay,
    const parser::ModuleLoader::SourceTransform& transform = nullptr);

}  // namespace dagport::converters::airflow2
