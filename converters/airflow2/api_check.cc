#include "converters/airflow2/api_check.h"

#include <fmt/format.h>

#include "converters/python_edits.h"

namespace dagport::converters::airflow2 {

using parser::ChildByField;
using parser::NodeType;

bool ApiFinding::KnownFrom(const std::vector<ir::Diagnostic>& diagnostics) const {
  for (const ir::Diagnostic& d : diagnostics) {
    bool all = !subject.empty();
    for (const std::string& word : subject) all = all && d.message.find(word) != std::string::npos;
    if (all) return true;
  }
  return false;
}

std::vector<ApiFinding> CheckAgainstApi(const std::string& path, const std::string& text,
                                        const AirflowVersion& target, const ProjectFacts& project) {
  return CheckTreeAgainstApi(path, parser::SyntaxTree::Parse(text), target, project);
}

std::vector<ApiFinding> CheckTreeAgainstApi(const std::string& path, const parser::SyntaxTree& tree,
                                            const AirflowVersion& target,
                                            const ProjectFacts& project) {
  return CheckNodesAgainstApi(path, tree, WalkConvertedNodes(tree), target, project);
}

std::vector<ApiFinding> CheckNodesAgainstApi(const std::string& path,
                                             const parser::SyntaxTree& tree,
                                             const ConvertedNodes& nodes,
                                             const AirflowVersion& target,
                                             const ProjectFacts& project) {
  std::vector<ApiFinding> out;
  const ImportTable imports = ImportTable::Build(tree, nodes.imports);
  const Api& api = Api::Get();
  // The place is in the converted text, which is not the file on disk: named in the message.
  auto report = [&](int64_t line, std::string message, std::string hint,
                    std::vector<std::string> subject) {
    out.push_back(ApiFinding{
        ir::MakeDiagnostic("DP213", path, {},
                           fmt::format("{} (line {} of the converted file)", message, line),
                           std::move(hint)),
        std::move(subject)});
  };
  if (target >= AirflowVersion{2, 10, 0}) {
    for (const ImportItem& item : imports.items()) {
      if (item.relative || !(item.module == "airflow" || item.module.starts_with("airflow.")))
        continue;
      const int64_t line = ts_node_start_point(item.item).row + 1;
      if (item.from) {
        if (api.ModuleExists(item.Path()) || api.ModuleDefines(item.module, item.name)) continue;
        report(line,
               fmt::format("the converted file imports {}, which Airflow {} does not have",
                           item.Path(), target.ToString()),
               "the import fails when Airflow loads the file", {item.Path()});
      } else if (!api.ModuleExists(item.module)) {
        report(line,
               fmt::format("the converted file imports module {}, which Airflow {} does not "
                           "have",
                           item.module, target.ToString()),
               "the import fails when Airflow loads the file", {item.module});
      }
    }
  }
  // The calls come from two trees (converted_nodes.h): each run of calls of one tree is resolved
  // at once.
  for (size_t run = 0; run < nodes.calls.size();) {
    const ConvertedCall& first = nodes.calls[run];
    std::vector<TSNode> calls;
    std::vector<int64_t> shifts;
    size_t next = run;
    for (; next < nodes.calls.size() && nodes.calls[next].tree == first.tree; ++next) {
      calls.push_back(nodes.calls[next].node);
      shifts.push_back(nodes.calls[next].line_shift);
    }
    run = next;
    const parser::SyntaxTree& from = *first.tree;
    size_t k = 0;  // the sites are some of the calls, in their order
    for (const CallSite& site : FindCallSites(from, calls, imports, api, target, project)) {
      while (k + 1 < calls.size() && !ts_node_eq(calls[k], site.call)) ++k;
      const int64_t shift = shifts[k];
      if (site.target.empty()) continue;
      const AcceptedKeywords& accepted = api.Keywords(site.target, target);
      if (!accepted.known) continue;
      for (TSNode argument : ListItems(site.arguments)) {
        if (NodeType(argument) != "keyword_argument") continue;
        const std::string name(from.NodeText(ChildByField(argument, "name")));
        if (accepted.names.contains(name)) continue;
        report(ts_node_start_point(argument).row + 1 + shift,
               fmt::format("the converted file passes {}= to {}, which does not take it on "
                           "Airflow {}",
                           name, NameOf(site.target), target.ToString()),
               "Airflow 2 refuses to load the DAG (\"Invalid arguments were passed\")",
               {std::string(NameOf(site.target)), name + "="});
      }
    }
  }
  return out;
}

}  // namespace dagport::converters::airflow2
