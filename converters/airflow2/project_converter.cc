#include "converters/airflow2/project_converter.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include "converters/airflow2/api_check.h"
#include "converters/airflow2/file_converter.h"
#include "converters/airflow2/graph_comparison.h"
#include "converters/airflow2/project_file.h"
#include "converters/airflow2/project_inputs.h"
#include "converters/airflow2/requirements.h"
#include "converters/atomic_file.h"
#include "converters/containers/container_artifacts.h"
#include "converters/containers/wrapper_module.h"
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
  if (status == FileStatus::kSkipped || status == FileStatus::kFailed || write_failed) return true;
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

/// The graph check made in the first pass, with the other project files as their own
/// conversions make them: final unless `local_modules` holds a file step 1b converted again.
struct FirstCheck {
  /// The file's container classes (its graph is compared with them mapped to the wrapper).
  containers::FileContainers containers;
  std::vector<std::string> differences;
  bool checked = false;
  std::vector<std::string> local_modules;  ///< project files the (converted) analysis read
  SubdagGroups subdag_groups;              ///< SubDagOperators the conversion made TaskGroups
};

/// What the first pass keeps of a file for the second.
struct FirstPass {
  FileResult file;
  containers::ContainerPlan plan;     ///< the file's container tasks
  std::optional<GraphSummary> graph;  ///< the original's DAGs, when it may hold some
  FirstCheck check;
};

/// The incremental re-parse's view of a conversion's edits.
std::vector<parser::TextEdit> TextEdits(const std::vector<Edit>& edits) {
  std::vector<parser::TextEdit> out;
  out.reserve(edits.size());
  for (const Edit& e : edits) out.push_back(parser::TextEdit{e.begin, e.end, e.text});
  return out;
}

/// The original's errors that the converted file still has on Airflow 2 (it raises on import,
/// a task id is used twice, a cycle...): Airflow 2 would not load it either. They are reported
/// with the original's places; errors the conversion removed (an import only Airflow 2 has)
/// are not.
void CarryLoadErrors(const ir::DagFile& original, const ir::DagFile& converted,
                     std::vector<ir::Diagnostic>& into) {
  for (const ir::Diagnostic& d : original.diagnostics) {
    if (d.severity != ir::Severity::kError || d.code == "DP101" || d.code == "DP102") continue;
    const bool still = std::any_of(
        converted.diagnostics.begin(), converted.diagnostics.end(),
        [&](const ir::Diagnostic& c) { return c.code == d.code && c.message == d.message; });
    if (still) into.push_back(d);
  }
}

/// Appends the API check's findings that no rule reported already.
void AddApiFindings(std::vector<ApiFinding> found, std::vector<ir::Diagnostic>& into) {
  const std::vector<ir::Diagnostic> rules = into;
  for (ApiFinding& f : found) {
    if (!f.KnownFrom(rules)) into.push_back(std::move(f.diagnostic));
  }
}

/// What the second pass found.
struct SecondPass {
  std::vector<ir::Diagnostic> diagnostics;
  bool failed = false;
  /// Where the file goes, staged by the worker (or its bytes merged into requirements.txt).
  fs::path destination;
  bool requirements = false;  ///< the input is the requirements.txt written below
  std::optional<std::string> write_error;
};

bool Writable(FileStatus s) {
  return s == FileStatus::kConverted || s == FileStatus::kUnchanged || s == FileStatus::kCopied;
}

}  // namespace

ProjectResult ConvertProject(const ProjectOptions& options) {
  static std::atomic<unsigned> runs{0};
  const unsigned run = ++runs;
  ProjectResult result;
  std::vector<ImportConfig> configs;
  std::vector<Input> inputs = ListInputs(options, configs, result.diagnostics);
  const AirflowVersion& target = options.convert.target;

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
  parser::EvaluationLimits airflow1, airflow2;
  // The analyses that only check graphs build no task arguments, footprints or operator classes.
  constexpr parser::AnalysisDepth kGraph = parser::AnalysisDepth::kGraph;
  airflow1.airflow_major = 1;
  airflow2.airflow_major = 2;
  auto overlay = std::make_shared<parser::ModuleLoader::Overlay>();
  std::shared_ptr<const parser::ModuleLoader::Overlay> shared_overlay = overlay;
  const RunContext context{options, configs, facts, run, shared_overlay, airflow1};
  // The Airflow 2 analysis of a file imports the project's other files as they will be
  // written: a helper module is converted (once per thread) when a DAG file first imports it.
  std::map<std::string, size_t> input_of;  // by lexically normal path
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (inputs[i].path.extension() == ".py")
      input_of.emplace(inputs[i].path.lexically_normal().string(), i);
  }
  const parser::ModuleLoader::SourceTransform as_converted =
      [&](const std::string& path) -> std::optional<std::string> {
    auto it = input_of.find(fs::path(path).lexically_normal().string());
    if (it == input_of.end()) return std::nullopt;
    return ConvertedText(context, inputs[it->second]);
  };

  // 1. Parse each Python file once: convert it, and analyse the original (Airflow 1.10
  // semantics) for the graph check. Everything else is copied.
  result.files.resize(inputs.size());
  // The originals' graphs, for the files the second pass may check again: a fingerprint only
  // (the graph itself is computed again from the file in the rare case they differ).
  std::vector<std::optional<uint64_t>> originals(inputs.size());
  std::vector<FirstCheck> first_checks(inputs.size());
  parser::ForEachOrdered(
      inputs.size(), options.jobs,
      [&](size_t i) {
        Input& input = inputs[i];
        FirstPass pass;
        FileResult& file = pass.file;
        file.input = input.path.string();
        file.python = input.path.extension() == ".py";
        std::optional<std::string> text = ReadInput(input.path, file, input.bytes);
        if (!text) return pass;
        const parser::SyntaxTree tree = parser::SyntaxTree::Parse(std::move(*text));
        Conversion converted_file =
            ConvertParsed(context, file.input, tree, input.config, &pass.plan, file.diagnostics);
        std::optional<parser::FileAnalysis>& original = converted_file.original;
        if (converted_file.container_facts)
          pass.check.containers = converted_file.container_facts->containers;
        const ProjectFacts& project =
            converted_file.container_facts ? *converted_file.container_facts : facts[input.config];
        FileConversion& conversion = converted_file.conversion;
        file.changes = std::move(conversion.changes);
        file.diagnostics.insert(file.diagnostics.end(),
                                std::make_move_iterator(conversion.diagnostics.begin()),
                                std::make_move_iterator(conversion.diagnostics.end()));
        file.uses_airflow = conversion.uses_airflow;
        file.providers = std::move(conversion.providers);
        pass.check.subdag_groups = std::move(conversion.subdag_groups);
        if (!conversion.converted) {
          file.status = FileStatus::kSkipped;
          return pass;
        }
        file.status = conversion.changed ? FileStatus::kConverted : FileStatus::kUnchanged;
        if (conversion.changed) {
          file.converted = std::move(conversion.text);
          if (options.keep_texts) file.original = tree.text();
          input.bytes.clear();  // not copied: the converted text is written instead
          input.bytes.shrink_to_fit();
        } else if (options.keep_texts) {
          file.original = file.converted = tree.text();
        }
        if (!file.uses_airflow) return pass;
        if (!original) {
          parser::ModuleLoader& legacy =
              ThreadLoader(run, configs[input.config], kLegacyLoader, shared_overlay);
          original = parser::AnalyzeTree(file.input, tree, legacy, airflow1, kGraph);
        }
        if (original->might_contain_dag) {
          file.has_dags = !original->file.dags.empty();
          file.dags = original->file.dags.size();
          for (const ir::Dag& d : original->file.dags) file.tasks += d.tasks.size();
          pass.graph = Summarize(original->file, target, project, /*original=*/true,
                                 &pass.check.subdag_groups);
        }
        parser::ModuleLoader& modern =
            ThreadLoader(run, configs[input.config], kModernLoader, shared_overlay, as_converted);
        if (!conversion.changed) {
          AddApiFindings(CheckNodesAgainstApi(file.input, tree,
                                              FindConvertedNodes(tree, tree, *conversion.nodes),
                                              target, project),
                         file.diagnostics);
          if (original->might_contain_dag) {
            const parser::FileAnalysis modern_analysis =
                parser::AnalyzeTree(file.input, tree, modern, airflow2, kGraph);
            CarryLoadErrors(original->file, modern_analysis.file, file.diagnostics);
            if (pass.graph)
              ReportAutoRegistered(modern_analysis.file, *pass.graph, file.diagnostics);
            // The file is unchanged, but a helper module it imports is not: checked with it.
            const bool imports_converted = std::any_of(
                modern_analysis.local_modules.begin(), modern_analysis.local_modules.end(),
                [&](const std::string& m) { return modern.Transformed(m); });
            if (file.has_dags && imports_converted) {
              pass.check.differences = CompareGraphs(
                  *pass.graph, Summarize(modern_analysis.file, target, project, false));
              pass.check.checked = true;
            }
          }
          pass.check.local_modules = std::move(original->local_modules);
          return pass;
        }
        // The converted text, re-parsed incrementally from the original's tree, analysed with
        // Airflow 2 semantics and the project's helper modules as converted.
        const parser::SyntaxTree converted =
            parser::SyntaxTree::Reparse(tree, file.converted, TextEdits(conversion.edits));
        AddApiFindings(CheckNodesAgainstApi(file.input, converted,
                                            FindConvertedNodes(converted, tree, *conversion.nodes),
                                            target, project),
                       file.diagnostics);
        if (original->might_contain_dag) {
          parser::FileAnalysis after =
              parser::AnalyzeTree(file.input, converted, modern, airflow2, kGraph);
          CarryLoadErrors(original->file, after.file, file.diagnostics);
          if (pass.graph) ReportAutoRegistered(after.file, *pass.graph, file.diagnostics);
          if (file.has_dags) {
            pass.check.differences = CompareGraphs(
                *pass.graph, Summarize(after.file, target, project, /*original=*/false));
            pass.check.checked = true;
            pass.check.local_modules = std::move(after.local_modules);
          }
        }
        return pass;
      },
      [&](size_t i, FirstPass&& pass) {
        if (options.progress) options.progress(i + 1, inputs.size(), inputs[i].path.string());
        FileResult& file = pass.file;
        result.providers.insert(file.providers.begin(), file.providers.end());
        result.container_plan.Merge(std::move(pass.plan));
        if (file.status == FileStatus::kConverted) {
          // The texts written in step 2 (and imported by its rare checks).
          (*overlay)[fs::path(file.input).lexically_normal().string()] =
              options.keep_texts ? file.converted : std::move(file.converted);
        }
        // The second pass needs the original's graph only when the file imports project modules
        // that step 1b may convert again; otherwise the first pass's check was final.
        if (!pass.check.local_modules.empty() && pass.graph)
          originals[i] = Fingerprint(*pass.graph);
        first_checks[i] = std::move(pass.check);
        result.files[i] = std::move(file);
      });

  std::set<std::string> reconverted;  // files step 1b converted again, by lexically normal path
  // 1b. Container classes are found from the DAG files' tasks; a helper module that calls one
  // (a task factory) holds no tasks of its own, so it is converted again with every container
  // class of the project. Rare, and sequential.
  if (options.containers) {
    std::map<std::string, containers::OperatorMapping> project_classes;
    for (const FirstCheck& check : first_checks)
      project_classes.insert(check.containers.classes.begin(), check.containers.classes.end());
    for (size_t i = 0; i < inputs.size() && !project_classes.empty(); ++i) {
      FileResult& file = result.files[i];
      if (!file.python || !first_checks[i].containers.empty() ||
          (file.status != FileStatus::kConverted && file.status != FileStatus::kUnchanged))
        continue;
      // What the first pass kept of the file (its bytes, or its converted text, which names
      // the same classes) says whether it is worth reading again.
      const std::string_view kept =
          file.status == FileStatus::kConverted
              ? std::string_view(overlay->at(fs::path(file.input).lexically_normal().string()))
              : std::string_view(inputs[i].bytes);
      const bool mentions =
          std::any_of(project_classes.begin(), project_classes.end(), [&](const auto& entry) {
            return kept.find(NameOf(entry.first)) != std::string_view::npos;
          });
      if (!mentions) continue;
      std::string bytes;
      try {
        bytes = ReadFileBytes(inputs[i].path);
      } catch (const std::exception&) {
        continue;
      }
      ProjectFacts project = facts[inputs[i].config];
      project.containers.classes = project_classes;
      project.container_config = &*options.containers;
      const parser::SyntaxTree tree = parser::SyntaxTree::Parse(std::string(WithoutBom(bytes)));
      FileConversion conversion = ConvertTree(file.input, tree, options.convert, project);
      if (!conversion.converted || !conversion.changed) continue;
      const bool rewrote = std::any_of(
          conversion.changes.begin(), conversion.changes.end(),
          [](const AppliedChange& c) { return c.rule == std::string("container-tasks"); });
      if (!rewrote) continue;
      file.changes = std::move(conversion.changes);
      file.diagnostics = std::move(conversion.diagnostics);
      file.providers = std::move(conversion.providers);
      first_checks[i].subdag_groups = std::move(conversion.subdag_groups);
      result.providers.insert(file.providers.begin(), file.providers.end());
      file.status = FileStatus::kConverted;
      if (options.keep_texts) {
        file.original = tree.text();
        file.converted = conversion.text;
      }
      const std::string key = fs::path(file.input).lexically_normal().string();
      (*overlay)[key] = std::move(conversion.text);
      reconverted.insert(key);
    }
  }

  auto text_of = [&](size_t i) -> std::string_view {
    const FileResult& f = result.files[i];
    if (f.status == FileStatus::kConverted)
      return overlay->at(fs::path(f.input).lexically_normal().string());
    return WithoutBom(inputs[i].bytes);
  };

  // 2. The graph check, again, of the DAG files that import a helper module step 1b converted
  // again (the others were checked in the first pass). Files are staged for writing as they
  // pass, and committed together at the end.
  const bool to_folder = options.write && !options.output.empty();
  const bool in_place = options.write && options.in_place;
  fs::path requirements_path;
  if (to_folder) requirements_path = fs::path(options.output) / "requirements.txt";
  if (in_place && options.paths.size() == 1) {
    std::error_code ec;
    if (fs::is_directory(options.paths[0], ec))
      requirements_path = fs::path(options.paths[0]) / "requirements.txt";
  }
  if (inputs.empty() && !result.diagnostics.empty()) {
    requirements_path.clear();  // nothing was read (a missing path): nothing is written
  }
  std::string existing_requirements;
  // Into a new output folder, the whole folder appears at once (see AtomicWriteBatch).
  AtomicWriteBatch batch(to_folder ? fs::path(options.output) : fs::path());
  std::vector<size_t> staged;  // files staged in the batch
  auto check_again = [&](size_t i) {
    SecondPass pass;
    const FileResult& f = result.files[i];
    const FirstCheck& first = first_checks[i];
    if (!f.has_dags) return pass;
    if (f.status != FileStatus::kConverted && f.status != FileStatus::kUnchanged) return pass;
    // A helper module the file imports was converted again by step 1b.
    bool uses_converted = false;
    for (const std::string& m : first.local_modules)
      uses_converted =
          uses_converted || reconverted.contains(fs::path(m).lexically_normal().string());
    std::vector<std::string> differences = first.differences;
    if (uses_converted && originals[i]) {
      const parser::SyntaxTree tree = parser::SyntaxTree::Parse(std::string(text_of(i)));
      parser::ModuleLoader& loader =
          ThreadLoader(run, configs[inputs[i].config], kOverlayLoader, shared_overlay);
      const parser::FileAnalysis converted =
          parser::AnalyzeTree(f.input, tree, loader, airflow2, kGraph);
      ProjectFacts container_facts;
      const ProjectFacts* project = &facts[inputs[i].config];
      if (!first.containers.empty()) {
        container_facts = *project;
        container_facts.containers = first.containers;
        container_facts.container_config = &*options.containers;
        project = &container_facts;
      }
      const GraphSummary after = Summarize(converted.file, target, *project, /*original=*/false);
      differences.clear();
      if (Fingerprint(after) != *originals[i]) {
        // Differ: the original's graph again, from the file, to say how.
        parser::SourceText source = parser::ReadSource(f.input, f.input);
        if (source.text) {
          const parser::SyntaxTree original = parser::SyntaxTree::Parse(std::move(*source.text));
          parser::ModuleLoader& legacy =
              ThreadLoader(run, configs[inputs[i].config], kLegacyLoader, shared_overlay);
          const parser::FileAnalysis before =
              parser::AnalyzeTree(f.input, original, legacy, airflow1, kGraph);
          differences = CompareGraphs(
              Summarize(before.file, target, *project, /*original=*/true, &first.subdag_groups),
              after);
        }
        if (differences.empty()) differences.push_back("the DAGs differ");
      }
    } else if (!first.checked) {
      return pass;  // unchanged, and nothing it imports changed
    }
    if (!differences.empty()) {
      std::string list;
      for (const std::string& d : differences) list += "\n  " + d;
      pass.diagnostics.push_back(ir::MakeDiagnostic(
          "DP209", f.input, {},
          "not written: the converted DAGs would differ from the original:" + list,
          "this is a bug in dagport or a construct it cannot convert safely: please "
          "report it; convert the file by hand meanwhile"));
      pass.failed = true;
    }
    return pass;
  };
  // Files are written by the workers (writing 10,000 files is a good part of the run).
  parser::ForEachOrdered(
      result.files.size(), options.jobs,
      [&](size_t i) {
        SecondPass pass = check_again(i);
        const FileResult& f = result.files[i];
        if (pass.failed || !Writable(f.status)) return pass;
        if (to_folder) pass.destination = fs::path(options.output) / inputs[i].relative;
        if (in_place && f.status == FileStatus::kConverted) pass.destination = inputs[i].path;
        if (pass.destination.empty()) return pass;
        if (!requirements_path.empty() &&
            pass.destination.lexically_normal() == requirements_path.lexically_normal()) {
          pass.requirements = true;  // merged with ours below
          return pass;
        }
        try {
          batch.Stage(pass.destination, f.status == FileStatus::kConverted
                                            ? text_of(i)
                                            : std::string_view(inputs[i].bytes));
        } catch (const std::exception& e) {
          pass.write_error = e.what();
        }
        return pass;
      },
      [&](size_t i, SecondPass&& pass) {
        FileResult& f = result.files[i];
        for (ir::Diagnostic& d : pass.diagnostics) f.diagnostics.push_back(std::move(d));
        if (pass.failed) f.status = FileStatus::kFailed;
        if (pass.destination.empty()) return;
        if (pass.requirements) {
          existing_requirements = inputs[i].bytes;
          f.output = pass.destination.string();
        } else if (pass.write_error) {
          f.write_failed = true;
          f.diagnostics.push_back(ir::MakeDiagnostic("DP004", pass.destination.string(), {},
                                                     *pass.write_error,
                                                     "choose a writable output folder"));
        } else {
          f.output = pass.destination.string();
          staged.push_back(i);
        }
      });

  // 3. The container tasks' files, requirements.txt, then everything at once.
  if (options.containers && !result.container_plan.tasks.empty()) {
    const containers::ContainerConfig& config = *options.containers;
    fs::path root;
    if (to_folder) root = options.output;
    if (in_place && options.paths.size() == 1) root = options.paths[0];
    const fs::path input_root = options.paths.size() == 1 ? fs::path(options.paths[0]) : fs::path();
    try {
      result.container_files =
          containers::ContainerOutput(config, result.container_plan, input_root, target);
      result.providers.insert(containers::TargetOperatorFor(config.target, target).provider);
      for (const std::string& key : config.Placeholders()) {
        result.diagnostics.push_back(ir::MakeDiagnostic(
            "DP225", config.source.empty() ? "dagport.json" : config.source, {},
            fmt::format("containers.deployment.{} is not configured: the generated files carry a "
                        "placeholder",
                        key),
            "set it in dagport.json before deploying; docs/containers.md"));
      }
    } catch (const std::exception& e) {
      result.diagnostics.push_back(
          ir::MakeDiagnostic("DP220", config.source.empty() ? "dagport.json" : config.source, {},
                             e.what(), "choose another --containers target or --airflow-version"));
    }
    if (!root.empty() && !result.container_files.empty()) {
      // Each file on its own: one that cannot be written is named, and the others still are.
      bool all = true;
      for (const auto& [relative, text] : result.container_files) {
        try {
          batch.Stage(root / relative, text);
        } catch (const std::exception& e) {
          all = false;
          result.diagnostics.push_back(ir::MakeDiagnostic("DP004", (root / relative).string(), {},
                                                          e.what(),
                                                          "choose a writable output folder"));
        }
      }
      if (all) result.container_root = root.string();
    }
  }
  result.requirements = RequirementsTxt(target, result.providers);
  if (!requirements_path.empty()) {
    if (in_place && existing_requirements.empty()) {
      std::error_code ec;
      if (fs::exists(requirements_path, ec)) {
        try {
          existing_requirements = ReadFileBytes(requirements_path);
        } catch (const std::exception&) {
        }
      }
    }
    try {
      batch.Stage(requirements_path,
                  MergeRequirements(existing_requirements, result.requirements, target));
      result.requirements_path = requirements_path.string();
    } catch (const std::exception& e) {
      result.diagnostics.push_back(ir::MakeDiagnostic("DP004", requirements_path.string(), {},
                                                      e.what(), "choose a writable output folder"));
    }
  }
  for (const auto& [path, reason] : batch.Commit()) {
    result.diagnostics.push_back(ir::MakeDiagnostic("DP004", path, {},
                                                    "cannot write " + path + ": " + reason,
                                                    "choose a writable output folder"));
    for (size_t i : staged) {
      if (result.files[i].output != path) continue;
      result.files[i].output.clear();
      result.files[i].write_failed = true;
    }
    if (path == result.requirements_path) result.requirements_path.clear();
  }
  if (options.keep_texts) {
    for (FileResult& f : result.files) {
      if (f.status == FileStatus::kConverted && f.converted.empty())
        f.converted = overlay->at(fs::path(f.input).lexically_normal().string());
    }
  }
  return result;
}

}  // namespace dagport::converters::airflow2
