#pragma once
/// Analyses one DAG file into the IR: reads it, parses it, runs the evaluator over it, and
/// collects what Airflow's DagBag would: the DAGs bound to module globals, with their sub-DAGs.

#include <memory>
#include <optional>
#include <string>

#include "ir/graph.h"
#include "parser/evaluator.h"
#include "parser/module_loader.h"

namespace dagport::parser {

struct FileAnalysis {
  ir::DagFile file;
  /// False when the file holds neither "DAG" nor "airflow": Airflow's DagBag skips such files
  /// (safe mode), and so does dagport.
  bool might_contain_dag = true;
  /// The project files (helper modules, plugins) the analysis evaluated besides the file itself.
  std::vector<std::string> local_modules;
  /// The file's syntax tree (AnalyzeFile, AnalyzeSource), which the IR does not need: it is
  /// handed over so that the caller frees it last, after the IR has been used while it is still
  /// in the processor's caches (freeing a tree touches all of its memory).
  std::unique_ptr<const SyntaxTree> tree;
};

/// `path` is how the file is named in the IR and in messages.
FileAnalysis AnalyzeFile(const std::string& path, ModuleLoader& loader,
                         const EvaluationLimits& limits = {});

/// The same, for source text already in memory (tests, fuzzing).
FileAnalysis AnalyzeSource(const std::string& path, std::string text, ModuleLoader& loader,
                           const EvaluationLimits& limits = {});

/// How much of the IR an analysis builds.
enum class AnalysisDepth {
  kFull,
  /// What the converter needs of an original file to find its container tasks and check its
  /// graph: everything but the tasks' arguments (their footprints and the custom operator
  /// classes are there).
  kTasksWithoutArguments,
  /// What a graph check needs (the converter's Airflow 2 analysis of a converted file): DAGs with
  /// their arguments, tasks with ids, operator classes, places, groups and sub-DAGs, edges,
  /// imports, local modules and every diagnostic. Left out: the tasks' arguments, their
  /// footprints and the custom operator classes.
  kGraph,
};

/// The same, for a file already parsed (the converter parses each file once for its rules and
/// its analysis). `tree` must outlive the call only.
FileAnalysis AnalyzeTree(const std::string& path, const SyntaxTree& tree, ModuleLoader& loader,
                         const EvaluationLimits& limits = {},
                         AnalysisDepth depth = AnalysisDepth::kFull);

}  // namespace dagport::parser
