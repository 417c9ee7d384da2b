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
  std::vector<ApiFinding> out;
  const NodeIndex nodes(tree.root(), tree.text());
  const ImportTable imports = ImportTable::Build(tree, nodes);
  const Api& api = Api::Get();
  // The place is in the converted text, which is not the file on disk: named in the message.
  auto report = [&](TSNode at, std::string message, std::string hint,
                    std::vector<std::string> subject) {
    out.push_back(
        ApiFinding{ir::MakeDiagnostic("DP213", path, {},
                                      fmt::format("{} (line {} of the converted file)", message,
                                                  ts_node_start_point(at).row + 1),
                                      std::move(hint)),
                   std::move(subject)});
  };
  if (target >= AirflowVersion{2, 10, 0}) {
    for (const ImportItem& item : imports.items()) {
      if (item.relative || !(item.module == "airflow" || item.module.starts_with("airflow.")))
        continue;
      if (item.from) {
        if (api.ModuleExists(item.Path()) || api.ModuleDefines(item.module, item.name)) continue;
        report(item.item,
               fmt::format("the converted file imports {}, which Airflow {} does not have",
                           item.Path(), target.ToString()),
               "the import fails when Airflow loads the file", {item.Path()});
      } else if (!api.ModuleExists(item.module)) {
        report(item.item,
               fmt::format("the converted file imports module {}, which Airflow {} does not "
                           "have",
                           item.module, target.ToString()),
               "the import fails when Airflow loads the file", {item.module});
      }
    }
  }
  for (const CallSite& site :
       FindCallSites(tree, nodes.Of("call"), imports, api, target, project)) {
    if (site.target.empty()) continue;
    const AcceptedKeywords& accepted = api.Keywords(site.target, target);
    if (!accepted.known) continue;
    for (TSNode argument : ListItems(site.arguments)) {
      if (NodeType(argument) != "keyword_argument") continue;
      const std::string name(tree.NodeText(ChildByField(argument, "name")));
      if (accepted.names.contains(name)) continue;
      report(argument,
             fmt::format("the converted file passes {}= to {}, which does not take it on "
                         "Airflow {}",
                         name, NameOf(site.target), target.ToString()),
             "Airflow 2 refuses to load the DAG (\"Invalid arguments were passed\")",
             {std::string(NameOf(site.target)), name + "="});
    }
  }
  return out;
}

}  // namespace dagport::converters::airflow2
