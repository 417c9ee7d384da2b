#include "ir/graph_render.h"

#include <fmt/format.h>

#include <map>
#include <unordered_map>

namespace dagport::ir {

namespace {

std::string DotQuote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

std::string ShortClass(std::string_view path) {
  const size_t dot = path.rfind('.');
  return std::string(dot == std::string_view::npos ? path : path.substr(dot + 1));
}

/// Mermaid node ids must be simple: t0, t1, ... in task order.
std::string MermaidLabel(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '"') {
      out += "#quot;";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string DagToDot(const Dag& dag) {
  std::string out = fmt::format(
      "digraph {} {{\n  rankdir=LR;\n  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n",
      DotQuote(dag.dag_id));
  std::map<std::string, std::vector<const Task*>> by_group;
  for (const Task& t : dag.tasks) by_group[t.task_group].push_back(&t);
  size_t cluster = 0;
  for (const auto& [group, tasks] : by_group) {
    const std::string indent = group.empty() ? "  " : "    ";
    if (!group.empty()) {
      out += fmt::format("  subgraph cluster_{} {{\n    label={};\n    style=dashed;\n", cluster++,
                         DotQuote(group));
    }
    for (const Task* t : tasks) {
      out += fmt::format("{}{} [label={}{}];\n", indent, DotQuote(t->task_id),
                         DotQuote(t->task_id + "\n" + ShortClass(t->operator_class)),
                         t->dynamic ? ", style=\"rounded,dashed\"" : "");
    }
    if (!group.empty()) out += "  }\n";
  }
  for (const Edge& e : dag.edges)
    out += fmt::format("  {} -> {};\n", DotQuote(e.from), DotQuote(e.to));
  return out + "}\n";
}

std::string DagToMermaid(const Dag& dag) {
  std::string out = fmt::format("---\ntitle: {}\n---\nflowchart LR\n", MermaidLabel(dag.dag_id));
  std::unordered_map<std::string_view, std::string> ids;
  for (size_t i = 0; i < dag.tasks.size(); ++i)
    ids.emplace(dag.tasks[i].task_id, fmt::format("t{}", i));
  auto id_of = [&](const std::string& task_id) {
    auto it = ids.find(task_id);
    if (it != ids.end()) return it->second;
    std::string id = fmt::format("t{}", ids.size());
    ids.emplace(task_id, id);
    return id;
  };
  std::map<std::string, std::vector<size_t>> by_group;
  for (size_t i = 0; i < dag.tasks.size(); ++i) by_group[dag.tasks[i].task_group].push_back(i);
  size_t subgraph = 0;
  for (const auto& [group, tasks] : by_group) {
    if (!group.empty())
      out += fmt::format("  subgraph g{} [\"{}\"]\n", subgraph++, MermaidLabel(group));
    for (size_t i : tasks) {
      const Task& t = dag.tasks[i];
      out += fmt::format("  {}[\"{}<br/><small>{}</small>\"]\n", id_of(t.task_id),
                         MermaidLabel(t.task_id), MermaidLabel(ShortClass(t.operator_class)));
    }
    if (!group.empty()) out += "  end\n";
  }
  for (const Edge& e : dag.edges) out += fmt::format("  {} --> {}\n", id_of(e.from), id_of(e.to));
  return out;
}

}  // namespace dagport::ir
