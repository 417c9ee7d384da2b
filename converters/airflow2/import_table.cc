#include "converters/airflow2/import_table.h"

#include <algorithm>

namespace dagport::converters::airflow2 {

using parser::ChildByField;
using parser::NodeType;

std::string ImportItem::Path() const {
  if (from) return module + "." + name;
  if (!alias.empty()) return module;
  return module.substr(0, module.find('.'));
}

namespace {

void AddNames(const parser::SyntaxTree& tree, TSNode statement, const ImportItem& base,
              std::vector<ImportItem>& out) {
  const TSNode module_name = ChildByField(statement, "module_name");
  for (TSNode child : parser::NamedChildren(statement)) {
    if (ts_node_eq(child, module_name)) continue;
    const std::string_view type = NodeType(child);
    ImportItem item = base;
    item.statement = statement;
    item.item = child;
    std::string dotted;
    if (type == "dotted_name") {
      dotted = tree.NodeText(child);
    } else if (type == "aliased_import") {
      dotted = tree.NodeText(ChildByField(child, "name"));
      item.alias = tree.NodeText(ChildByField(child, "alias"));
    } else {
      continue;  // comments, wildcard_import
    }
    if (item.from) {
      item.name = dotted;
      item.local = item.alias.empty() ? dotted : item.alias;
    } else {
      item.module = dotted;
      item.local = item.alias.empty() ? dotted.substr(0, dotted.find('.')) : item.alias;
    }
    out.push_back(std::move(item));
  }
}

}  // namespace

ImportTable ImportTable::Build(const parser::SyntaxTree& tree, const NodeIndex& nodes) {
  return Build(tree, nodes.ImportStatements());
}

ImportTable ImportTable::Build(const parser::SyntaxTree& tree,
                               const std::vector<TSNode>& statements) {
  ImportTable table;
  for (TSNode node : statements) {
    if (NodeType(node) == "import_statement") {
      AddNames(tree, node, ImportItem{}, table.items_);
      continue;
    }
    ImportItem base;
    base.from = true;
    const TSNode module = ChildByField(node, "module_name");
    base.relative = NodeType(module) == "relative_import";
    base.module = tree.NodeText(module);
    AddNames(tree, node, base, table.items_);
  }
  return table;
}

const ImportItem* ImportTable::Find(std::string_view local) const {
  for (auto it = items_.rbegin(); it != items_.rend(); ++it) {
    if (it->local == local) return &*it;
  }
  return nullptr;
}

std::optional<std::string> ImportTable::Resolve(const parser::SyntaxTree& tree,
                                                TSNode expression) const {
  const std::string_view type = NodeType(expression);
  if (type == "identifier") {
    const ImportItem* item = Find(tree.NodeText(expression));
    if (item == nullptr || item->relative) return std::nullopt;
    return item->Path();
  }
  if (type == "attribute") {
    auto object = Resolve(tree, ChildByField(expression, "object"));
    if (!object) return std::nullopt;
    return *object + "." + std::string(tree.NodeText(ChildByField(expression, "attribute")));
  }
  return std::nullopt;
}

bool ImportTable::ImportsAirflow() const {
  for (const ImportItem& item : items_) {
    if (item.module == "airflow" || item.module.starts_with("airflow.")) return true;
  }
  return false;
}

}  // namespace dagport::converters::airflow2
