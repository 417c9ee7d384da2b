#include "converters/airflow2/api_check.h"

#include <fmt/format.h>

#include "converters/python_edits.h"

namespace dagport::converters::airflow2 {

using parser::ChildByField;
using parser::NodeType;

std::vector<ir::Diagnostic> CheckAgainstApi(const std::string& path, const std::string& text,
                                            const AirflowVersion& target,
                                            const ProjectFacts& project) {
  return CheckTreeAgainstApi(path, parser::SyntaxTree::Parse(text), target, project);
}

std::vector<ir::Diagnostic> CheckTreeAgainstApi(const std::string& path,
                                                const parser::SyntaxTree& tree,
                                                const AirflowVersion& target,
                                                const ProjectFacts& project) {
  std::vector<ir::Diagnostic> out;
  const NodeIndex nodes(tree.root());
  const ImportTable imports = ImportTable::Build(tree, nodes);
  const Api& api = Api::Get();
  auto report = [&](TSNode at, std::string message, std::string hint) {
    out.push_back(
        ir::MakeDiagnostic("DP213", path, tree.Range(at), std::move(message), std::move(hint)));
  };
  if (target >= AirflowVersion{2, 10, 0}) {
    for (const ImportItem& item : imports.items()) {
      if (item.relative || !(item.module == "airflow" || item.module.starts_with("airflow.")))
        continue;
      if (item.from) {
        if (api.ModuleExists(item.Path()) || api.ModuleDefines(item.module, item.name)) continue;
        report(item.item,
               fmt::format("Airflow {} has no {} in {}", target.ToString(), item.name, item.module),
               "the import fails when Airflow loads the file");
      } else if (!api.ModuleExists(item.module)) {
        report(item.item,
               fmt::format("Airflow {} has no module {}", target.ToString(), item.module),
               "the import fails when Airflow loads the file");
      }
    }
  }
  for (const CallSite& site :
       FindCallSites(tree, nodes.Of("call"), imports, api, target, project)) {
    if (site.target.empty()) continue;
    const AcceptedKeywords accepted = api.Keywords(site.target, target);
    if (!accepted.known) continue;
    for (TSNode argument : ListItems(site.arguments)) {
      if (NodeType(argument) != "keyword_argument") continue;
      const std::string name(tree.NodeText(ChildByField(argument, "name")));
      if (accepted.names.contains(name)) continue;
      report(argument,
             fmt::format("{} does not take {}= on Airflow {}", NameOf(site.target), name,
                         target.ToString()),
             "Airflow 2 refuses to load the DAG (\"Invalid arguments were passed\")");
    }
  }
  return out;
}

}  // namespace dagport::converters::airflow2
