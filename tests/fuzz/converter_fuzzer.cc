// libFuzzer target: any bytes as a DAG file, converted to Airflow 2 the way `dagport convert`
// does one file (analysis of the original, container tasks found by footprint, every rule, the
// incremental re-parse and the Airflow 2 analysis of the result). Besides crashes and hangs it
// traps on a converter bug: two rules editing the same bytes, a syntax error in the converted
// text of a valid file, or an incremental re-parse that differs from a fresh parse.
#include <fmt/format.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "converters/airflow2/file_converter.h"
#include "converters/airflow2/graph_comparison.h"
#include "converters/containers/container_artifacts.h"
#include "converters/containers/container_plan.h"
#include "parser/file_analyzer.h"
#include "parser/module_loader.h"
#include "parser/source_reader.h"
#include "parser/syntax_tree.h"

namespace {

using namespace dagport;
namespace airflow2 = converters::airflow2;
namespace containers = converters::containers;

/// Stops the run on a converter bug, saying which.
[[noreturn]] void Fail(const std::string& why) {
  std::fprintf(stderr, "converter_fuzzer: %s\n", why.c_str());
  std::abort();
}

/// The S-expression of a tree.
std::string TreeString(const parser::SyntaxTree& tree) {
  return parser::NodeSexp(tree.root());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static parser::ModuleLoader loader({"/nonexistent-dagport-fuzz-root"}, {});
  parser::SourceText source =
      parser::DecodeSource(std::string(reinterpret_cast<const char*>(data), size), "fuzz.py");
  if (!source.text) return 0;
  std::string text = std::move(*source.text);
  // Rules run only on files that import Airflow.
  if (text.find("airflow") == std::string::npos) text = "from airflow import DAG\n" + text;

  parser::EvaluationLimits airflow1, airflow2_limits;
  airflow1.max_steps = airflow2_limits.max_steps = 200'000;  // keep each input fast
  airflow1.airflow_major = 1;
  airflow2_limits.airflow_major = 2;
  airflow1.today = airflow2_limits.today = "2021-03-01";

  const parser::SyntaxTree tree = parser::SyntaxTree::Parse(std::move(text));
  const parser::FileAnalysis original = parser::AnalyzeTree("fuzz.py", tree, loader, airflow1);

  // Container tasks, with the default configuration (detection by footprint).
  static const containers::ContainerConfig config;
  airflow2::ProjectFacts project;
  std::vector<ir::Diagnostic> diagnostics;
  containers::FileContainers found = containers::ContainersOf(original.file, config, diagnostics);
  containers::ContainerPlan plan;
  if (!found.empty()) {
    containers::AddToPlan(original.file, tree, found, config, plan, diagnostics);
    project.containers = found;
    project.container_config = &config;
    (void)containers::ContainerArtifacts(config, plan, "dags");
  }

  airflow2::ConvertOptions options;
  options.today = "2021-03-01";
  const airflow2::FileConversion conversion =
      airflow2::ConvertTree("fuzz.py", tree, options, project);
  for (const ir::Diagnostic& d : conversion.diagnostics) {
    // "two rules edit the same code": a bug in dagport by its own account.
    if (d.code == "DP210" && d.message.find("two rules edit") != std::string::npos) Fail(d.message);
  }
  if (!conversion.converted || !conversion.changed) return 0;

  std::vector<parser::TextEdit> edits;
  for (const converters::Edit& e : conversion.edits)
    edits.push_back(parser::TextEdit{e.begin, e.end, e.text});
  const parser::SyntaxTree incremental = parser::SyntaxTree::Reparse(tree, conversion.text, edits);
  const parser::SyntaxTree fresh = parser::SyntaxTree::Parse(conversion.text);
  // A file that was valid Python 3 stays valid.
  if (std::vector<ir::Diagnostic> errors = fresh.SyntaxErrors("fuzz.py"); !errors.empty()) {
    Fail(fmt::format("the converted text has a syntax error at {}:{}: {}\n{}", errors[0].where.line,
                     errors[0].where.column, errors[0].message, conversion.text));
  }
  if (TreeString(incremental) != TreeString(fresh))
    Fail("the incremental re-parse differs from a fresh parse of:\n" + conversion.text);

  const parser::FileAnalysis after =
      parser::AnalyzeTree("fuzz.py", incremental, loader, airflow2_limits);
  (void)airflow2::CompareGraphs(
      airflow2::Summarize(original.file, options.target, project, /*original=*/true,
                          &conversion.subdag_groups),
      airflow2::Summarize(after.file, options.target, project, /*original=*/false));
  return 0;
}
