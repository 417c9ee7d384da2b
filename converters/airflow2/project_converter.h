#pragma once
/// `dagport convert`: converts every Python file of the named files and folders, checks that no
/// DAG lost a task, a dependency or an operator (the converted files are parsed again, with the
/// converted helper modules, before anything is written), and writes the result: a mirror of
/// the input tree under an output folder, or the input itself with in_place. Every write is
/// atomic; a file that could not be converted or verified is not written.

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "converters/airflow2/rule.h"
#include "converters/containers/container_plan.h"

namespace dagport::converters::airflow2 {

struct ProjectOptions {
  std::vector<std::string> paths;        ///< files and folders, as the user named them
  std::vector<std::string> plugin_dirs;  ///< extra plugins folders
  std::string output;                    ///< the output folder; empty: do not write there
  bool in_place = false;                 ///< rewrite the input files
  bool write = true;                     ///< false: compute only (--check, --diff)
  ConvertOptions convert;
  unsigned jobs = 1;
  /// Keep each Python file's original and converted text in the result (for --diff and
  /// tests); otherwise they are dropped once written, so that memory stays small.
  bool keep_texts = false;
  /// Rewrite virtualenv-operator tasks into container tasks (converters/containers) with this
  /// configuration; nullopt: leave them as they are.
  std::optional<containers::ContainerConfig> containers;
  /// Called on the calling thread after each file is converted (files done, files in all, the
  /// file), for a progress display. Optional.
  std::function<void(size_t done, size_t total, const std::string& file)> progress;
};

enum class FileStatus {
  kConverted,  ///< changed and verified
  kUnchanged,  ///< a Python file that needs no change
  kCopied,     ///< not a Python file: copied as it is
  kSkipped,    ///< could not be converted (syntax error, Python 2, not UTF-8, unreadable)
  kFailed,     ///< converted, but the DAGs would change: not written
};
std::string_view StatusName(FileStatus s);

struct FileResult {
  std::string input;   ///< as listed
  std::string output;  ///< where it is (or would be) written; empty when not written
  FileStatus status = FileStatus::kUnchanged;
  bool python = false;
  bool has_dags = false;            ///< the original holds DAGs Airflow would load
  bool uses_airflow = false;        ///< the file imports Airflow
  std::set<std::string> providers;  ///< pip packages the converted file imports
  size_t dags = 0, tasks = 0;
  std::string original, converted;  ///< Python files only
  std::vector<AppliedChange> changes;
  std::vector<ir::Diagnostic> diagnostics;
  bool write_failed = false;  ///< it was to be written, and the write failed (DP004)
  /// Needs a person: it holds an error or warning diagnostic, or was not converted.
  bool NeedsAttention() const;
};

struct ProjectResult {
  std::vector<FileResult> files;
  std::vector<ir::Diagnostic> diagnostics;  ///< walking the input, writing the output
  std::set<std::string> providers;
  std::string requirements;       ///< the requirements.txt text
  std::string requirements_path;  ///< where it was written; empty when not written
  std::vector<ir::Plugin> plugins;
  /// The container tasks and their environments (empty without ProjectOptions::containers).
  containers::ContainerPlan container_plan;
  /// What the container conversion wrote or would write (wrapper, build contexts, task
  /// definitions, manifest), relative to the output root, with their texts.
  std::map<std::string, std::string> container_files;
  std::string container_root;  ///< where container_files were written; empty when not written
};

ProjectResult ConvertProject(const ProjectOptions& options);

/// Every diagnostic of the result, files' first.
std::vector<ir::Diagnostic> AllDiagnostics(const ProjectResult& result);

}  // namespace dagport::converters::airflow2
