#include "converters/airflow2/project_inputs.h"

#include <sys/stat.h>

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <utility>

namespace dagport::converters::airflow2 {

namespace fs = std::filesystem;

namespace {

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

/// The inputs with one output path each. A file named twice (the same path given twice, or a
/// folder given with a file in it) is converted once; two different files with one output path
/// (`convert a/dags b/dags -o OUT`: both would be OUT/dags/...) are an error for the second,
/// which is left out rather than written over the first.
std::vector<Input> WithoutCollisions(std::vector<Input> inputs,
                                     std::vector<ir::Diagnostic>& diagnostics) {
  auto same_file = [](const fs::path& a, const fs::path& b) {
    struct stat x {
    }, y{};
    return ::stat(a.c_str(), &x) == 0 && ::stat(b.c_str(), &y) == 0 && x.st_dev == y.st_dev &&
           x.st_ino == y.st_ino;
  };
  std::map<std::string, size_t> first;  // output path -> the input that has it
  std::vector<Input> out;
  out.reserve(inputs.size());
  for (Input& input : inputs) {
    const auto [it, inserted] =
        first.emplace(input.relative.lexically_normal().string(), out.size());
    if (inserted) {
      out.push_back(std::move(input));
      continue;
    }
    const Input& earlier = out[it->second];
    if (same_file(earlier.path, input.path)) continue;  // the same file again
    diagnostics.push_back(ir::MakeDiagnostic(
        "DP006", input.path.string(), {},
        fmt::format("not converted: {} would have the same output path ({}) as {}",
                    input.path.string(), input.relative.string(), earlier.path.string()),
        "convert the two folders separately, each into its own output folder"));
  }
  return out;
}

}  // namespace

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
    // Symbolic links to folders are followed, as Airflow's DagBag follows them; a folder
    // reached a second time (a link loop, or two links to one folder) is walked once.
    std::set<std::pair<dev_t, ino_t>> walked;
    struct stat root {};
    if (::stat(path.c_str(), &root) == 0) walked.insert({root.st_dev, root.st_ino});
    for (auto it =
             fs::recursive_directory_iterator(path,
                                              fs::directory_options::skip_permission_denied |
                                                  fs::directory_options::follow_directory_symlink,
                                              ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      std::error_code e;
      if (it->is_directory(e)) {
        const fs::path canonical = fs::weakly_canonical(it->path(), e).lexically_normal();
        // A staging folder an interrupted conversion left (converters/atomic_file.h) holds a
        // copy of its output under the real names: never input.
        const std::string folder_name = it->path().filename().string();
        const bool staging =
            folder_name.find(".dagport-") != std::string::npos && folder_name.ends_with(".staging");
        if (SkippedFolder(it->path()) || staging || (!output.empty() && canonical == output) ||
            it.depth() > 64) {
          it.disable_recursion_pending();
          continue;
        }
        struct stat st {};
        if (::stat(it->path().c_str(), &st) == 0 && !walked.insert({st.st_dev, st.st_ino}).second) {
          it.disable_recursion_pending();
          diagnostics.push_back(ir::MakeDiagnostic(
              "DP003", it->path().string(), {},
              "folder already walked (symbolic link loop or second link); skipped",
              "remove the link, or convert the folder it points to on its own"));
        }
        continue;
      }
      if (it->is_symlink(e) && !it->exists(e)) {
        std::error_code link_ec;
        const fs::path target = fs::read_symlink(it->path(), link_ec);
        diagnostics.push_back(
            ir::MakeDiagnostic("DP005", it->path().string(), {},
                               "broken symbolic link to " +
                                   (link_ec ? std::string("?") : target.string()) + ": not copied",
                               "fix or remove the link"));
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
  // Only an output folder gathers the inputs under one tree (in place, each stays where it is).
  if (options.write && !options.output.empty())
    return WithoutCollisions(std::move(out), diagnostics);
  return out;
}

parser::ModuleLoader& ThreadLoader(
    unsigned run, const ImportConfig& config, LoaderKind kind,
    const std::shared_ptr<const parser::ModuleLoader::Overlay>& overlay,
    const parser::ModuleLoader::SourceTransform& transform) {
  thread_local unsigned current_run = 0;
  thread_local std::map<std::string, std::unique_ptr<parser::ModuleLoader>> loaders;
  if (current_run != run) {
    loaders.clear();
    current_run = run;
  }
  auto& loader = loaders[std::to_string(kind) + "|" + config.key];
  if (!loader) {
    loader = std::make_unique<parser::ModuleLoader>(config.roots, config.plugins);
    if (kind == kOverlayLoader) loader->SetOverlay(overlay);
    if (transform) loader->SetTransform(transform);
  }
  return *loader;
}

}  // namespace dagport::converters::airflow2
