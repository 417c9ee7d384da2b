// `dagport inspect PATH...`: analyse DAG files and folders statically and print a summary, the
// IR as JSON, Graphviz dot, Mermaid, or the findings as SARIF.
#include <fmt/format.h>
#include <unistd.h>

#include <iostream>
#include <map>

#include "cli/command.h"
#include "cli/common_options.h"
#include "ir/diagnostic_render.h"
#include "ir/graph_render.h"
#include "ir/ir_json.h"
#include "parser/project_analyzer.h"

namespace dagport::cli {

namespace {

std::string ScheduleText(const ir::Dag& dag) {
  const ir::Value s = dag.Setting("schedule");
  std::string text = s.kind() == ir::ValueKind::kCron ? s.as_text() : s.ToPython();
  if (dag.schedule_is_default()) text += " (default)";
  return text;
}

std::string ShortClass(const std::string& path) {
  return path.substr(path.rfind('.') + 1);
}

void PrintDag(const ir::Dag& dag, std::string_view note, std::ostream& out) {
  std::map<std::string, size_t> operators;
  size_t dynamic = 0;
  for (const ir::Task& t : dag.tasks) {
    ++operators[ShortClass(t.operator_class)];
    dynamic += t.dynamic;
  }
  std::vector<std::string> ops;
  for (const auto& [name, count] : operators)
    ops.push_back(count > 1 ? fmt::format("{} x{}", name, count) : name);
  out << fmt::format("  {}{}{}  schedule={}  tasks={}{}  edges={}\n", dag.dag_id,
                     dag.parent_dag.empty() ? "" : " (sub-DAG of " + dag.parent_dag + ")", note,
                     ScheduleText(dag), dag.tasks.size(),
                     dynamic ? fmt::format(" ({} dynamic)", dynamic) : "", dag.edges.size());
  if (!ops.empty()) out << fmt::format("    operators: {}\n", fmt::join(ops, ", "));
}

void PrintSummary(const ir::DagFile& file, std::ostream& out) {
  out << file.path << "\n";
  if (file.dags.empty() && file.recovered_dags.empty()) out << "  no DAG\n";
  if (file.dags.empty() && !file.recovered_dags.empty())
    out << "  no DAG loads: Airflow fails to import the file (DP125); as written:\n";
  for (const ir::Dag& dag : file.dags) PrintDag(dag, "", out);
  for (const ir::Dag& dag : file.recovered_dags) PrintDag(dag, " (not loaded)", out);
}

}  // namespace

void AddInspectOptions(po::options_description& options) {
  options.add_options()("format,f", po::value<std::string>()->default_value("text"),
                        "text, json, dot, mermaid or sarif")(
      "plugins", po::value<std::vector<std::string>>()->composing(),
      "an Airflow plugins folder (default: plugins/ inside or beside each folder)");
  AddAnalysisOptions(options);
}

int RunInspect(const po::variables_map& vm) {
  if (!vm.count("paths")) throw UsageError("name at least one DAG file or folder");
  const std::string format = FormatOption(vm, {"text", "json", "dot", "mermaid", "sarif"});
  parser::ProjectOptions options;
  options.paths = vm["paths"].as<std::vector<std::string>>();
  if (vm.count("plugins")) options.plugin_dirs = vm["plugins"].as<std::vector<std::string>>();
  options.jobs = JobsOption(vm);
  options.limits.airflow_major = AirflowMajorOption(vm);
  const bool color = ColorOption(vm, STDERR_FILENO);

  std::vector<ir::Diagnostic> all;
  bool first = true;
  ir::SourceLineCache lines;
  if (format == "json") std::cout << "{\"schema\": \"" << ir::kIrSchema << "\", \"files\": [";
  if (format == "json" && options.jobs > 1) {
    // One compact object per file, rendered on the worker threads. With one thread, each file
    // is written out as it is rendered (below), through a small buffer.
    options.render = [](const ir::DagFile& file) { return ir::DagFileJsonText(file); };
    options.rendered_only = true;
  }
  parser::ProjectSummary summary =
      parser::AnalyzeProject(options, [&](ir::DagFile&& file, std::string&& rendered) {
        if (format == "json") {
          std::cout << (first ? "\n" : ",\n");
          if (options.render) {
            std::cout << rendered;
          } else {
            ir::StreamDagFileJson(file, [](std::string_view piece) {
              std::cout.write(piece.data(), static_cast<std::streamsize>(piece.size()));
            });
          }
        } else if (format == "text") {
          PrintSummary(file, std::cout);
          std::cerr << ir::RenderText(file.diagnostics, lines.AsLookup(), {.color = color});
        } else if (format == "dot" || format == "mermaid") {
          for (const ir::Dag& d : file.dags)
            std::cout << (format == "dot" ? ir::DagToDot(d) : ir::DagToMermaid(d)) << "\n";
        }
        first = false;
        all.insert(all.end(), file.diagnostics.begin(), file.diagnostics.end());
      });
  all.insert(all.end(), summary.diagnostics.begin(), summary.diagnostics.end());
  if (format == "json") {
    ir::Json plugins = ir::Json::array();
    for (const ir::Plugin& plugin : summary.plugins) plugins.push_back(ir::PluginToJson(plugin));
    std::cout << "\n], \"plugins\": " << plugins.dump(2)
              << ", \"diagnostics\": " << ir::RenderJson(summary.diagnostics)["diagnostics"].dump(2)
              << "}\n";
  } else if (format == "sarif") {
    std::cout << ir::RenderSarif(all, DAGPORT_VERSION).dump(2) << "\n";
  }
  if (format != "json" && format != "sarif") {
    std::cerr << ir::RenderText(summary.diagnostics, lines.AsLookup(), {.color = color});
  }
  const std::string tally = ir::RenderSummary(all);
  std::cerr << fmt::format(
      "{} files ({} with DAGs considered), {} DAGs, {} tasks, {} dependencies{}\n",
      summary.files_listed, summary.files_analysed, summary.dags, summary.tasks, summary.edges,
      tally.empty() ? "" : "; " + tally);
  std::cout.flush();
  return ExitCodeFor(vm, all);
}

}  // namespace dagport::cli
