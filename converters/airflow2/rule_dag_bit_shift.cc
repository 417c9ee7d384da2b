// dag-bit-shift: Airflow 1.x let `dag >> task` (and `task << dag`) assign a task to a DAG;
// Airflow 2 removed it. A statement `dag >> t`, `dag >> [a, b]` or `dag >> a >> b` becomes
// `t.dag = dag` (one line per task) followed by what the chain did after that. Other uses are
// reported (DP212).
#include <fmt/format.h>

#include <set>

#include "converters/airflow2/rule.h"
#include "converters/python_edits.h"

namespace dagport::converters::airflow2 {

using parser::ChildByField;
using parser::NamedChild;
using parser::NodeType;

namespace {

constexpr const char* kRule = "dag-bit-shift";

/// Names bound to DAG objects: `dag = DAG(...)` and `with DAG(...) as dag:`.
std::set<std::string, std::less<>> DagNames(const FileContext& ctx) {
  std::set<std::string, std::less<>> names;
  for (const CallSite& site : ctx.calls) {
    if (!site.is_dag) continue;
    const TSNode parent = ts_node_parent(site.call);
    if (NodeType(parent) == "assignment") {
      const TSNode left = ChildByField(parent, "left");
      if (NodeType(left) == "identifier") names.emplace(ctx.Text(left));
    } else if (NodeType(parent) == "as_pattern") {
      const TSNode alias = ChildByField(parent, "alias");
      if (!ts_node_is_null(alias)) {
        const TSNode name = NamedChild(alias, 0);
        if (NodeType(name) == "identifier") names.emplace(ctx.Text(name));
      }
    }
  }
  return names;
}

bool IsShift(const FileContext& ctx, TSNode node, std::string_view token) {
  return NodeType(node) == "binary_operator" && ctx.Text(ChildByField(node, "operator")) == token;
}

/// The tasks of `node` when it is a name or a list of names.
std::vector<std::string> TaskNames(const FileContext& ctx, TSNode node) {
  if (NodeType(node) == "identifier") return {std::string(ctx.Text(node))};
  std::vector<std::string> out;
  if (NodeType(node) != "list") return out;
  for (TSNode item : ListItems(node)) {
    if (NodeType(item) != "identifier") return {};
    out.emplace_back(ctx.Text(item));
  }
  return out;
}

/// Rewrites the statement holding `op` (an innermost `dag >> X`) when it can; false otherwise.
bool RewriteStatement(FileContext& ctx, TSNode op, std::string_view dag) {
  // Climb the left-nested chain (`dag >> a >> b` is `(dag >> a) >> b`) to the statement.
  TSNode expression = op;
  while (IsShift(ctx, ts_node_parent(expression), ">>") &&
         ts_node_eq(ChildByField(ts_node_parent(expression), "left"), expression)) {
    expression = ts_node_parent(expression);
  }
  const TSNode statement = ts_node_parent(expression);
  if (NodeType(statement) != "expression_statement" || ts_node_named_child_count(statement) != 1)
    return false;
  const TSNode right = ChildByField(op, "right");
  const std::vector<std::string> tasks = TaskNames(ctx, right);
  if (tasks.empty()) return false;
  const std::string indent(LineIndent(ctx.tree.text(), ts_node_start_byte(statement)));
  std::string text;
  for (const std::string& task : tasks)
    text += (text.empty() ? "" : "\n" + indent) + fmt::format("{}.dag = {}", task, dag);
  if (!ts_node_eq(expression, op)) {
    // What the chain does after assigning: `a >> b` of `dag >> a >> b`.
    const std::string_view all = ctx.tree.text();
    const uint32_t from = ts_node_start_byte(right), to = ts_node_end_byte(expression);
    text += "\n" + indent + std::string(all.substr(from, to - from));
  }
  ctx.edits.Replace(ts_node_start_byte(statement), ts_node_end_byte(statement), text);
  ctx.Changed(kRule, statement,
              fmt::format("`{}` -> `{}.dag = {}` (Airflow 2 removed assigning a task to a DAG "
                          "with >>)",
                          ctx.Text(op), tasks.front(), dag));
  return true;
}

}  // namespace

void RuleDagBitShift(FileContext& ctx) {
  const auto dags = DagNames(ctx);
  if (dags.empty()) return;
  for (TSNode op : ctx.nodes.Of("binary_operator")) {
    const std::string_view token = ctx.Text(ChildByField(op, "operator"));
    if (token != ">>" && token != "<<") continue;
    // `dag >> task` and `task << dag` assign the task to the DAG.
    const TSNode dag_side = ChildByField(op, token == ">>" ? "left" : "right");
    if (NodeType(dag_side) != "identifier" || !dags.contains(ctx.Text(dag_side))) continue;
    if (token == ">>" && RewriteStatement(ctx, op, ctx.Text(dag_side))) continue;
    if (token == "<<" && NodeType(ts_node_parent(op)) == "expression_statement") {
      const std::vector<std::string> tasks = TaskNames(ctx, ChildByField(op, "left"));
      if (!tasks.empty()) {
        const TSNode statement = ts_node_parent(op);
        const std::string indent(LineIndent(ctx.tree.text(), ts_node_start_byte(statement)));
        std::string text;
        for (const std::string& task : tasks)
          text += (text.empty() ? "" : "\n" + indent) +
                  fmt::format("{}.dag = {}", task, ctx.Text(dag_side));
        ctx.edits.Replace(ts_node_start_byte(statement), ts_node_end_byte(statement), text);
        ctx.Changed(kRule, statement, fmt::format("`{}` -> `{}`", ctx.Text(op), text));
        continue;
      }
    }
    ctx.Report("DP212", op,
               fmt::format("`{}` assigns a task to a DAG with a bit-shift, which Airflow 2 "
                           "removed",
                           ctx.Text(op)),
               "pass dag=... to the task, or create it inside `with DAG(...) as dag:`");
  }
}

}  // namespace dagport::converters::airflow2
