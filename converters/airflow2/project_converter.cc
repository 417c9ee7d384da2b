#include "converters/airflow2/project_converter.h"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <map>
#include <memory>

#include <fmt/format.h>

#include "converters/airflow2/api_check.h"
#include "converters/airflow2/file_converter.h"
#include "converters/airflow2/graph_comparison.h"
#include "converters/airflow2/requirements.h"
#include "converters/atomic_file.h"
#include "parser/file_analyzer.h"
#include "parser/module_loader.h"
#include "parser/ordered_parallel.h"
#include "parser/source_reader.h"

namespace dagport::converters::airflow2 {

namespace fs = std::filesystem;

std::string_view StatusName(FileStatus s) {
  switch (s) {
    case FileStatus::kConverted: return "converted";
    case FileStatus::kUnchanged: return "unchanged";
    case FileStatus::kCopied: return "copied";
    case FileStatus::kSkipped: return "skipped";
    case FileStatus::kFailed: return "failed";
  }
  return "?";
}

bool FileResult::NeedsAttention() const {
  if (status == FileStatus::kSkipped || status == FileStatus::kFailed) return true;
  for (const ir::Diagnostic& d : diagnostics) {
    if (d.severity != ir::Severity::kInfo) return true;
  }
  return false;
}

std::vector<ir::Diagnostic> AllDiagnostics(const ProjectResult& result) {
  std::vector<ir::Diagnostic> all;
  for (const FileResult& f : result.files)
    all.insert(all.end(), f.diagnostics.begin(), f.diagnostics.end());
  all.insert(all.end(), result.diagnostics.begin(), result.diagnostics.end());
  return all;
}

namespace {

struct ImportConfig {
  std::vector<std::string> roots, plugins;
  std::string key;
};

struct Input {
  fs::path path;
  fs::path relative;  ///< under the output folder
  size_t config = 0;
  std::string bytes;  ///< the file as read (for copies)
};

bool SkippedFolder(const fs::path& p) {
  const std::string name = p.filename().string();
  return name == ".git" || name == ".hg" || name == ".svn" || name == "__pycache__";
}

ImportConfig ConfigFor(const fs::path& root, const std::vector<std::string>& extra) {
  ImportConfig c;
  std::error_code ec;
  // A deployment folder (dags/ and plugins/ side by side): the DAG folder is dags/.
  if (fs::is_directory(root / "dags", ec)) c.roots.push_back((root / "dags").string());
  c.roots.push_back(root.empty() ? "." : root.string());
  for (const fs::path& candidate : {root / "plugins", root / ".." / "plugins"}) {
    if (fs::is_directory(candidate, ec)) c.plugins.push_back(candidate.lexically_normal().string());
  }
  c.plugins.insert(c.plugins.end(), extra.begin(), extra.end());
  for (const auto& r : c.roots) c.key += r + "\n";
  for (const auto& p : c.plugins) c.key += "|" + p;
  return c;
}

/// Lists the input files; each folder argument's files keep their path relative to it.
std::vector<Input> ListInputs(const ProjectOptions& options, std::vector<ImportConfig>& configs,
                              std::vector<ir::Diagnostic>& diagnostics) {
  std::vector<Input> out;
  const bool one_folder = options.paths.size() == 1;
  std::error_code ec;
  const fs::path output = options.output.empty()
                              ? fs::path()
                              : fs::weakly_canonical(options.output, ec).lexically_normal();
  for (const std::string& argument : options.paths) {
    const fs::path path(argument);
    const auto status = fs::status(path, ec);
    if (ec || !fs::exists(status)) {
      diagnostics.push_back(
          ir::MakeDiagnostic("DP001", argument, {}, "no such file or folder", "check the path"));
      continue;
    }
    if (!fs::is_directory(status)) {
      configs.push_back(ConfigFor(path.parent_path(), options.plugin_dirs));
      out.push_back(Input{path, path.filename(), configs.size() - 1, {}});
      continue;
    }
    configs.push_back(ConfigFor(path, options.plugin_dirs));
    const fs::path prefix = one_folder ? fs::path() : path.lexically_normal().filename();
    std::vector<Input> files;
    for (auto it = fs::recursive_directory_iterator(
             path, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      std::error_code e;
      if (it->is_directory(e)) {
        const fs::path canonical = fs::weakly_canonical(it->path(), e).lexically_normal();
        if (SkippedFolder(it->path()) || (!output.empty() && canonical == output) ||
            it.depth() > 64) {
          it.disable_recursion_pending();
        }
        continue;
      }
      if (!it->is_regular_file(e)) continue;
      const std::string name = it->path().filename().string();
      if (name.find(".dagport-") != std::string::npos && name.ends_with(".tmp")) continue;
      files.push_back(
          Input{it->path(), prefix / it->path().lexically_relative(path), configs.size() - 1, {}});
    }
    if (ec) {
      diagnostics.push_back(ir::MakeDiagnostic("DP001", argument, {},
                                               "cannot list the folder: " + ec.message(),
                                               "check that it exists and is readable"));
    }
    std::sort(files.begin(), files.end(),
              [](const Input& a, const Input& b) { return a.relative < b.relative; });
    for (Input& f : files) out.push_back(std::move(f));
  }
  return out;
}

/// A loader per worker thread and import configuration, fresh for each conversion run.
parser::ModuleLoader& ThreadLoader(
    unsigned run, const ImportConfig& config, bool converted,
    const std::shared_ptr<const parser::ModuleLoader::Overlay>& overlay) {
  thread_local unsigned current_run = 0;
  thread_local std::map<std::string, std::unique_ptr<parser::ModuleLoader>> loaders;
  if (current_run != run) {
    loaders.clear();
    current_run = run;
  }
  auto& loader = loaders[(converted ? "2|" : "1|") + config.key];
  if (!loader) {
    loader = std::make_unique<parser::ModuleLoader>(config.roots, config.plugins);
    if (converted) loader->SetOverlay(overlay);
  }
  return *loader;
}

/// Requirements text merged into what the input's own requirements.txt holds.
std::string MergeRequirements(const std::string& existing, const std::string& ours,
                              const AirflowVersion& target) {
  if (existing.empty()) return ours;
  std::string out = existing;
  if (!out.empty() && out.back() != '\n') out += '\n';
  std::string added;
  size_t start = 0;
  while (start < ours.size()) {
    size_t end = ours.find('\n', start);
    if (end == std::string::npos) end = ours.size();
    const std::string line = ours.substr(start, end - start);
    start = end + 1;
    if (line.empty() || line[0] == '#') continue;
    const bool constraint = line.starts_with("--constraint");
    const std::string package = line.substr(0, line.find_first_of("=<> "));
    const bool present = constraint ? existing.find("--constraint") != std::string::npos
                                    : existing.find(package) != std::string::npos;
    if (!present) added += line + "\n";
  }
  if (!added.empty()) {
    out += fmt::format("# Added by dagport convert for Airflow {}:\n", target.ToString()) + added;
  }
  return out;
}

}  // namespace

ProjectResult ConvertProject(const ProjectOptions& options) {
  static std::atomic<unsigned> runs{0};
  const unsigned run = ++runs;
  ProjectResult result;
  std::vector<ImportConfig> configs;
  std::vector<Input> inputs = ListInputs(options, configs, result.diagnostics);

  // Plugins: what `airflow.operators.<plugin>.X` names.
  std::vector<ProjectFacts> facts(configs.size());
  for (size_t i = 0; i < configs.size(); ++i) {
    parser::ModuleLoader loader(configs[i].roots, configs[i].plugins);
    facts[i].plugins = parser::ListPlugins(loader);
    for (const ir::Plugin& p : facts[i].plugins) {
      if (std::find(result.plugins.begin(), result.plugins.end(), p) == result.plugins.end())
        result.plugins.push_back(p);
    }
  }

  // 1. Convert every Python file; everything else is copied.
  result.files.resize(inputs.size());
  parser::ForEachOrdered(
      inputs.size(), options.jobs,
      [&](size_t i) {
        Input& input = inputs[i];
        FileResult file;
        file.input = input.path.string();
        file.python = input.path.extension() == ".py";
        try {
          input.bytes = ReadFileBytes(input.path);
        } catch (const std::exception& e) {
          file.status = FileStatus::kSkipped;
          file.diagnostics.push_back(
              ir::MakeDiagnostic("DP001", file.input, {}, e.what(), "check that it is readable"));
          return file;
        }
        if (!file.python) {
          file.status = FileStatus::kCopied;
          return file;
        }
        parser::SourceText source = parser::DecodeSource(input.bytes, file.input);
        if (!source.text) {
          file.status = FileStatus::kSkipped;
          file.diagnostics = std::move(source.diagnostics);
          file.diagnostics.push_back(ir::MakeDiagnostic(
              "DP210", file.input, {}, "not converted: not a readable Python source file",
              "it is neither copied nor converted; remove it or fix it"));
          return file;
        }
        std::string_view bytes = input.bytes;
        if (bytes.starts_with("\xEF\xBB\xBF")) bytes.remove_prefix(3);
        if (*source.text != bytes) {
          file.status = FileStatus::kSkipped;
          file.diagnostics.push_back(ir::MakeDiagnostic(
              "DP210", file.input, {},
              "not converted: the file is not UTF-8 (it declares another encoding)",
              "re-encode it as UTF-8 (and drop the coding declaration), then convert again"));
          return file;
        }
        FileConversion conversion =
            ConvertFile(file.input, *source.text, options.convert, facts[input.config]);
        file.original = *source.text;
        file.converted = std::move(conversion.text);
        file.changes = std::move(conversion.changes);
        file.diagnostics = std::move(conversion.diagnostics);
        if (!conversion.converted) {
          file.status = FileStatus::kSkipped;
        } else {
          file.status = conversion.changed ? FileStatus::kConverted : FileStatus::kUnchanged;
        }
        file.uses_airflow = conversion.uses_airflow;
        file.providers = std::move(conversion.providers);
        return file;
      },
      [&](size_t i, FileResult&& file) {
        result.providers.insert(file.providers.begin(), file.providers.end());
        result.files[i] = std::move(file);
      });

  // 2. Verify: the converted DAG files, parsed with the converted helper modules, must hold
  // the same DAGs as the originals.
  auto overlay = std::make_shared<parser::ModuleLoader::Overlay>();
  bool helper_changed = false;
  for (const FileResult& f : result.files) {
    if (f.status != FileStatus::kConverted) continue;
    (*overlay)[fs::path(f.input).lexically_normal().string()] = f.converted;
  }
  std::shared_ptr<const parser::ModuleLoader::Overlay> shared_overlay = overlay;
  parser::EvaluationLimits original_limits = {};
  original_limits.airflow_major = 1;
  parser::EvaluationLimits converted_limits = {};
  converted_limits.airflow_major = 2;
  // Original analyses decide which files hold DAGs; a changed helper module (a file without
  // DAGs) means every DAG file is checked again.
  std::vector<std::optional<ir::DagFile>> originals(result.files.size());
  parser::ForEachOrdered(
      result.files.size(), options.jobs,
      [&](size_t i) -> std::optional<ir::DagFile> {
        const FileResult& f = result.files[i];
        if (!f.python || f.status == FileStatus::kSkipped) return std::nullopt;
        if (f.original.find("DAG") == std::string::npos ||
            f.original.find("airflow") == std::string::npos) {
          return std::nullopt;
        }
        parser::ModuleLoader& loader =
            ThreadLoader(run, configs[inputs[i].config], false, shared_overlay);
        parser::FileAnalysis a =
            parser::AnalyzeSource(f.input, f.original, loader, original_limits);
        return std::move(a.file);
      },
      [&](size_t i, std::optional<ir::DagFile>&& file) { originals[i] = std::move(file); });
  for (size_t i = 0; i < result.files.size(); ++i) {
    FileResult& f = result.files[i];
    if (originals[i]) {
      f.has_dags = !originals[i]->dags.empty();
      f.dags = originals[i]->dags.size();
      for (const ir::Dag& d : originals[i]->dags) f.tasks += d.tasks.size();
    }
    if (f.status == FileStatus::kConverted && !f.has_dags) helper_changed = true;
  }
  parser::ForEachOrdered(
      result.files.size(), options.jobs,
      [&](size_t i) -> std::vector<std::string> {
        const FileResult& f = result.files[i];
        if (!originals[i] || !f.has_dags) return {};
        if (f.status != FileStatus::kConverted &&
            !(helper_changed && f.status == FileStatus::kUnchanged))
          return {};
        parser::ModuleLoader& loader =
            ThreadLoader(run, configs[inputs[i].config], true, shared_overlay);
        parser::FileAnalysis converted =
            parser::AnalyzeSource(f.input, f.converted, loader, converted_limits);
        return CompareGraphs(*originals[i], converted.file, options.convert.target,
                             facts[inputs[i].config]);
      },
      [&](size_t i, std::vector<std::string>&& differences) {
        if (differences.empty()) return;
        FileResult& f = result.files[i];
        std::string list;
        for (const std::string& d : differences) list += "\n  " + d;
        f.diagnostics.push_back(ir::MakeDiagnostic(
            "DP209", f.input, {},
            "not written: the converted DAGs would differ from the original:" + list,
            "this is a bug in dagport or a construct it cannot convert safely: please report "
            "it; convert the file by hand meanwhile"));
        f.status = FileStatus::kFailed;
      });
  // The API check of what would be written (reported when no rule reported that line yet).
  for (size_t i = 0; i < result.files.size(); ++i) {
    FileResult& f = result.files[i];
    if (f.status != FileStatus::kConverted && f.status != FileStatus::kUnchanged) continue;
    if (!f.python || !f.uses_airflow) continue;
    for (ir::Diagnostic& d :
         CheckAgainstApi(f.input, f.converted, options.convert.target, facts[inputs[i].config])) {
      bool known = false;
      for (const ir::Diagnostic& e : f.diagnostics) known = known || e.where.line == d.where.line;
      if (!known) f.diagnostics.push_back(std::move(d));
    }
  }

  // 3. Write.
  result.requirements = RequirementsTxt(options.convert.target, result.providers);
  const bool to_folder = options.write && !options.output.empty();
  const bool in_place = options.write && options.in_place;
  std::string existing_requirements;
  fs::path requirements_path;
  if (to_folder) requirements_path = fs::path(options.output) / "requirements.txt";
  if (in_place && options.paths.size() == 1) {
    std::error_code ec;
    if (fs::is_directory(options.paths[0], ec))
      requirements_path = fs::path(options.paths[0]) / "requirements.txt";
  }
  for (size_t i = 0; i < result.files.size(); ++i) {
    FileResult& f = result.files[i];
    const Input& input = inputs[i];
    const bool written_status = f.status == FileStatus::kConverted ||
                                f.status == FileStatus::kUnchanged ||
                                f.status == FileStatus::kCopied;
    f.output.clear();
    if (!written_status) continue;
    fs::path target;
    if (to_folder) target = fs::path(options.output) / input.relative;
    if (in_place) target = input.path;
    if (!requirements_path.empty() && !target.empty() &&
        target.lexically_normal() == requirements_path.lexically_normal()) {
      existing_requirements = input.bytes;  // merged below
      f.output = target.string();
      continue;
    }
    if (target.empty()) continue;
    if (in_place && f.status != FileStatus::kConverted) continue;
    try {
      WriteFileAtomically(target, f.status == FileStatus::kConverted
                                      ? std::string_view(f.converted)
                                      : std::string_view(input.bytes));
      f.output = target.string();
    } catch (const std::exception& e) {
      f.diagnostics.push_back(ir::MakeDiagnostic("DP004", target.string(), {}, e.what(),
                                                 "choose a writable output folder"));
    }
  }
  if (!requirements_path.empty() && (to_folder || in_place)) {
    if (in_place && existing_requirements.empty()) {
      std::error_code ec;
      if (fs::exists(requirements_path, ec)) {
        try {
          existing_requirements = ReadFileBytes(requirements_path);
        } catch (const std::exception&) {
        }
      }
    }
    const std::string text =
        MergeRequirements(existing_requirements, result.requirements, options.convert.target);
    try {
      WriteFileAtomically(requirements_path, text);
      result.requirements_path = requirements_path.string();
    } catch (const std::exception& e) {
      result.diagnostics.push_back(ir::MakeDiagnostic("DP004", requirements_path.string(), {},
                                                      e.what(), "choose a writable output folder"));
    }
  }
  return result;
}

}  // namespace dagport::converters::airflow2
