// The subdag-task-group rule: a SubDagOperator whose sub-DAG comes from a plain factory function
// of the same file becomes a TaskGroup of the parent DAG.
//
//   def load(parent_id, child_id, args):              def load(parent_id, child_id, args,
//       sub = DAG(dag_id='%s.%s' % (...),                      group_id=None, parent_dag=None):
//                 default_args=args, ...)                 sub = TaskGroup(group_id=group_id,
//       a = BashOperator(..., dag=sub)          ->                    dag=parent_dag,
//       default_args=args) return sub                                        a = BashOperator(...,
//       dag=parent_dag,
//                                                                          task_group=sub)
//   s = SubDagOperator(task_id='s',                       return sub
//       subdag=load(P, 's', args), dag=dag)           s = load(P, 's', args, group_id='s',
//                                                               parent_dag=dag)
//
// The factory then returns the group, so `start >> s >> end` links the group's first and last
// tasks, as the SubDagOperator task linked the sub-DAG. Task ids become `s.<task>` (Airflow's
// group prefix). Everything else is left to DP204, with the reason the rewrite was not safe.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "converters/airflow2/rule.h"
#include "converters/python_edits.h"
#include "parser/airflow_names.h"

namespace dagport::converters::airflow2 {

using parser::ChildByField;
using parser::NamedChild;
using parser::NamedChildren;
using parser::NodeType;

namespace {

constexpr const char* kRule = "subdag-task-group";
constexpr std::string_view kSubDag = "airflow.operators.subdag.SubDagOperator";
constexpr const char* kTaskGroupImport = "from airflow.utils.task_group import TaskGroup";

bool Inside(TSNode node, TSNode outer) {
  return ts_node_start_byte(outer) <= ts_node_start_byte(node) &&
         ts_node_end_byte(node) <= ts_node_end_byte(outer);
}

bool ContainsCall(const FileContext& ctx, TSNode node) {
  for (TSNode call : ctx.nodes.Of("call")) {
    if (Inside(call, node)) return true;
  }
  return false;
}

/// One SubDagOperator call the rule may rewrite.
struct Site {
  size_t call_index = 0;  ///< in ctx.calls
  TSNode task_id{}, dag{};
  TSNode factory_call{};  ///< the `subdag=` value
  std::string factory;    ///< its function's name
};

/// A factory function and what its rewrite edits.
struct Factory {
  TSNode def{};
  size_t dag_call_index = 0;        ///< the DAG(...) call site, in ctx.calls
  TSNode default_args{};            ///< the DAG's default_args value, or null
  std::vector<TSNode> dag_values;   ///< the `X` of every `dag=X` of the factory's operators
  std::vector<TSNode> with_values;  ///< the `X` of every `with X:`
  std::string group_param, dag_param;
};

/// A name no identifier of `def` uses: `base`, else `base_`, `base__`...
std::string UnusedName(const FileContext& ctx, TSNode def, std::string base) {
  std::set<std::string_view> used;
  for (TSNode id : ctx.nodes.Of("identifier")) {
    if (Inside(id, def)) used.insert(ctx.Text(id));
  }
  while (used.contains(base)) base += "_";
  return base;
}

/// Checks that the SubDagOperator call is `SubDagOperator(task_id=T, subdag=F(...), dag=D)`
/// (with default_args or executor at most): the reason it is not, or "".
std::string CheckSite(const FileContext& ctx, const CallSite& call, Site& site) {
  for (TSNode argument : ListItems(call.arguments)) {
    if (NodeType(argument) != "keyword_argument") return "it has positional or unpacked arguments";
    const std::string_view name = ctx.Text(ChildByField(argument, "name"));
    const TSNode value = ChildByField(argument, "value");
    if (name == "task_id") {
      site.task_id = value;
    } else if (name == "dag") {
      site.dag = value;
    } else if (name == "subdag") {
      site.factory_call = value;
    } else if (name == "default_args" || name == "executor") {
      // Settings of the SubDagOperator task itself, which a TaskGroup does not have.
      if (ContainsCall(ctx, value)) return fmt::format("its `{}=` is computed by a call", name);
    } else {
      return fmt::format("its argument `{}=` has no TaskGroup equivalent", name);
    }
  }
  if (ts_node_is_null(site.task_id)) return "it has no task_id";
  if (ts_node_is_null(site.factory_call) || NodeType(site.factory_call) != "call")
    return "its sub-DAG is not built by a call of a factory function";
  const TSNode function = ChildByField(site.factory_call, "function");
  if (NodeType(function) != "identifier" ||
      NodeType(ChildByField(site.factory_call, "arguments")) != "argument_list")
    return "its sub-DAG is not built by a call of a factory function";
  site.factory = ctx.Text(function);
  return "";
}

/// Checks the factory `name` and fills `factory`: the reason it cannot become a TaskGroup
/// factory, or "".
std::string CheckFactory(const FileContext& ctx, const std::string& name, Factory& factory) {
  int definitions = 0;
  for (TSNode def : ctx.nodes.Of("function_definition")) {
    if (ctx.Text(ChildByField(def, "name")) != name) continue;
    ++definitions;
    factory.def = def;
  }
  if (definitions != 1) {
    return definitions == 0 ? fmt::format("its factory `{}` is not defined in this file", name)
                            : fmt::format("`{}` is defined more than once", name);
  }
  const TSNode def = factory.def;
  if (NodeType(ts_node_parent(def)) != "module")
    return fmt::format("`{}` is not a plain module-level function", name);
  for (TSNode assignment : ctx.nodes.Of("assignment")) {
    const TSNode left = ChildByField(assignment, "left");
    if (NodeType(left) == "identifier" && ctx.Text(left) == name)
      return fmt::format("`{}` is also assigned", name);
  }
  const parser::NodeList parameters = ListItems(ChildByField(def, "parameters"));
  if (!parameters.empty() &&
      NodeType(parameters[parameters.size() - 1]) == "dictionary_splat_pattern")
    return fmt::format("`{}` takes **kwargs", name);

  // Exactly one DAG, built by a top-level statement of the body: `X = DAG(...)`.
  const TSNode body = ChildByField(def, "body");
  std::string dag_name;
  TSNode dag_statement{};
  int dags = 0;
  for (size_t i = 0; i < ctx.calls.size(); ++i) {
    const CallSite& call = ctx.calls[i];
    if (!Inside(call.call, def)) continue;
    if (call.target == kSubDag) return fmt::format("`{}` nests another SubDagOperator", name);
    if (!call.is_dag) {
      const ir::SourceRange at = ctx.tree.Range(call.call);
      if (ctx.project.containers.classes.contains(call.legacy) ||
          ctx.project.containers.calls.contains({at.line, at.column}))
        return fmt::format("`{}` builds a container task", name);
      continue;
    }
    ++dags;
    factory.dag_call_index = i;
    const TSNode assignment = ts_node_parent(call.call);
    const TSNode statement = ts_node_parent(assignment);
    if (NodeType(assignment) != "assignment" ||
        !ts_node_eq(ChildByField(assignment, "right"), call.call) ||
        NodeType(ChildByField(assignment, "left")) != "identifier" ||
        NodeType(statement) != "expression_statement" ||
        !ts_node_eq(ts_node_parent(statement), body))
      return fmt::format("`{}` does not build its DAG as `name = DAG(...)` in its body", name);
    dag_name = ctx.Text(ChildByField(assignment, "left"));
    dag_statement = statement;
  }
  if (dags != 1) return fmt::format("`{}` builds {} DAGs", name, dags);
  const TSNode dag_call = ctx.calls[factory.dag_call_index].call;
  int positional = 0;
  for (TSNode argument : ListItems(ChildByField(dag_call, "arguments"))) {
    if (NodeType(argument) != "keyword_argument") {
      ++positional;
      continue;
    }
    if (ctx.Text(ChildByField(argument, "name")) == "default_args")
      factory.default_args = ChildByField(argument, "value");
  }
  if (positional > 1) return fmt::format("the DAG of `{}` has positional settings", name);

  // It ends with `return X`, its only return.
  const parser::NodeList statements = NamedChildren(body);
  TSNode last{};
  for (TSNode s : statements) {
    if (NodeType(s) != "comment") last = s;
  }
  int returns = 0;
  for (TSNode r : ctx.nodes.Of("return_statement")) returns += Inside(r, def) ? 1 : 0;
  const TSNode returned = NodeType(last) == "return_statement" ? NamedChild(last, 0) : TSNode{};
  if (returns != 1 || NodeType(returned) != "identifier" || ctx.Text(returned) != dag_name)
    return fmt::format("`{}` does not end with `return {}`", name, dag_name);

  // X is used only as `dag=X` of an operator (tasks join the group) after it is built.
  for (TSNode id : ctx.nodes.Of("identifier")) {
    if (!Inside(id, def) || ctx.Text(id) != dag_name) continue;
    const TSNode parent = ts_node_parent(id);
    if (ts_node_eq(parent, NamedChild(dag_statement, 0)) || ts_node_eq(id, returned)) continue;
    bool operator_dag = false;
    if (NodeType(parent) == "keyword_argument" && ts_node_eq(ChildByField(parent, "value"), id) &&
        ctx.Text(ChildByField(parent, "name")) == "dag" &&
        ts_node_start_byte(id) > ts_node_end_byte(dag_statement)) {
      const TSNode call = ts_node_parent(ts_node_parent(parent));
      for (const CallSite& site : ctx.calls) {
        if (ts_node_eq(site.call, call) && !site.is_dag) operator_dag = true;
      }
    }
    // `with X:` (the only item): tasks inside join the group and, through `with X.dag, X:`,
    // the parent DAG (a TaskGroup context alone does not give tasks a DAG).
    if (!operator_dag && NodeType(parent) == "with_item" &&
        ts_node_eq(ChildByField(parent, "value"), id) &&
        ts_node_named_child_count(ts_node_parent(parent)) == 1 &&
        ts_node_start_byte(id) > ts_node_end_byte(dag_statement)) {
      factory.with_values.push_back(id);
      continue;
    }
    if (!operator_dag) {
      return fmt::format("its sub-DAG `{}` is used otherwise (line {})", dag_name,
                         ts_node_start_point(id).row + 1);
    }
    factory.dag_values.push_back(id);
  }
  factory.group_param = UnusedName(ctx, def, "group_id");
  factory.dag_param = UnusedName(ctx, def, "parent_dag");
  return "";
}

void RewriteFactory(FileContext& ctx, const Factory& factory) {
  const TSNode parameters = ChildByField(factory.def, "parameters");
  const std::string added = fmt::format("{}=None, {}=None", factory.group_param, factory.dag_param);
  const std::string_view text = ctx.tree.text();
  const parser::NodeList items = ListItems(parameters);
  const uint32_t parameters_close = ts_node_end_byte(parameters) - 1;
  const TSPoint open_at = ts_node_start_point(parameters);
  const size_t line_end = text.find('\n', parameters_close);
  const size_t line_length =
      open_at.column + (parameters_close - ts_node_start_byte(parameters)) + added.size() + 2 +
      ((line_end == std::string_view::npos ? text.size() : line_end) - parameters_close);
  if (!items.empty() && open_at.row == ts_node_end_point(parameters).row && line_length > 99 &&
      text[ts_node_end_byte(items[items.size() - 1])] == ')') {
    // A long one-line signature: the new parameters go on a line of their own, aligned with
    // the first.
    ctx.edits.Insert(parameters_close, ",\n" + std::string(open_at.column + 1, ' ') + added);
  } else {
    AppendListItem(ctx.edits, ctx.tree, parameters, factory.group_param + "=None");
    AppendListItem(ctx.edits, ctx.tree, parameters, factory.dag_param + "=None");
  }
  // `-> DAG`: the factory now returns the group.
  const TSNode returns = ChildByField(factory.def, "return_type");
  if (!ts_node_is_null(returns)) {
    TSNode annotation = returns;
    if (NodeType(annotation) == "type" && ts_node_named_child_count(annotation) == 1)
      annotation = NamedChild(annotation, 0);
    if (auto path = ctx.imports.Resolve(ctx.tree, annotation);
        path && parser::IsAirflowDagPath(parser::ResolveAirflowPath(*path))) {
      ctx.UseRemoved(annotation);  // its import may become unused
      ctx.edits.Claim(ts_node_start_byte(annotation), ts_node_end_byte(annotation), "TaskGroup");
    }
  }
  const TSNode call = ctx.calls[factory.dag_call_index].call;
  const TSNode function = ChildByField(call, "function");
  ctx.UseRemoved(function);  // its import may become unused
  ctx.edits.Claim(ts_node_start_byte(function), ts_node_end_byte(function), "TaskGroup");
  const TSNode arguments = ChildByField(call, "arguments");
  const uint32_t open = ts_node_start_byte(arguments) + 1;
  const uint32_t close = ts_node_end_byte(arguments) - 1;
  const std::string settings =
      fmt::format("group_id={}, dag={}", factory.group_param, factory.dag_param);
  if (ts_node_is_null(factory.default_args)) {
    ctx.edits.Claim(open, close, settings);
  } else {
    // default_args stays where it is (other rules may edit inside it); the rest goes.
    ctx.edits.Claim(open, ts_node_start_byte(factory.default_args), settings + ", default_args=");
    ctx.edits.Claim(ts_node_end_byte(factory.default_args), close, "");
  }
  for (TSNode value : factory.with_values) {
    ctx.edits.Insert(ts_node_start_byte(value), std::string(ctx.Text(value)) + ".dag, ");
  }
  for (TSNode value : factory.dag_values) {
    ctx.edits.Insert(ts_node_start_byte(value), factory.dag_param + ", task_group=");
  }
  ctx.add_imports.insert(kTaskGroupImport);
  ctx.Changed(kRule, factory.def,
              fmt::format("`{}` builds a TaskGroup of the parent DAG instead of a sub-DAG",
                          ctx.Text(ChildByField(factory.def, "name"))));
}

void RewriteSite(FileContext& ctx, const Site& site, const Factory& factory) {
  const CallSite& call = ctx.calls[site.call_index];
  const TSNode function = ChildByField(call.call, "function");
  ctx.UseRemoved(function);  // its import may become unused
  const TSNode arguments = ChildByField(site.factory_call, "arguments");
  std::vector<std::string> added = {
      fmt::format("{}={}", factory.group_param, ctx.Text(site.task_id))};
  if (!ts_node_is_null(site.dag))
    added.push_back(fmt::format("{}={}", factory.dag_param, ctx.Text(site.dag)));
  const bool site_on_lines = ts_node_start_point(call.call).row != ts_node_end_point(call.call).row;
  const bool factory_on_one_line =
      ts_node_start_point(site.factory_call).row == ts_node_end_point(site.factory_call).row;
  if (site_on_lines && factory_on_one_line) {
    // The SubDagOperator call took several lines: so does the factory call that replaces it,
    // one line for its own arguments and one for each added.
    const std::string indent(LineIndent(ctx.tree.text(), ts_node_start_byte(call.call)));
    const std::string inner = indent + "    ";
    const uint32_t open = ts_node_start_byte(arguments) + 1;
    const uint32_t close = ts_node_end_byte(arguments) - 1;
    std::string_view own = std::string_view(ctx.tree.text()).substr(open, close - open);
    while (!own.empty() && own.back() == ' ') own.remove_suffix(1);
    std::string tail;
    if (own.empty()) {
      tail = "\n";
    } else {
      ctx.edits.Insert(open, "\n" + inner);
      tail = own.back() == ',' ? "\n" : ",\n";
    }
    for (const std::string& item : added) tail += inner + item + ",\n";
    ctx.edits.Insert(close, tail + indent);
  } else {
    for (const std::string& item : added) AppendListItem(ctx.edits, ctx.tree, arguments, item);
  }
  ctx.edits.Claim(ts_node_start_byte(call.call), ts_node_start_byte(site.factory_call), "");
  ctx.edits.Claim(ts_node_end_byte(site.factory_call), ts_node_end_byte(call.call), "");
  const ir::SourceRange at = ctx.tree.Range(call.call);
  ctx.subdag_groups.insert({at.line, at.column});
  ctx.Changed(kRule, call.call,
              fmt::format("SubDagOperator(task_id={}) -> the TaskGroup `{}(...)` returns",
                          ctx.Text(site.task_id), site.factory));
  ctx.Report("DP215", call.call,
             fmt::format("SubDagOperator(task_id={}) became a TaskGroup: its tasks are now tasks "
                         "of the parent DAG, with ids prefixed by the group id",
                         ctx.Text(site.task_id)),
             "check what refers to the sub-DAG by id (ExternalTaskSensor, ExternalTaskMarker, "
             "the REST API, dashboards); use --keep-subdags to keep the SubDagOperator");
}

}  // namespace

void RuleSubdagTaskGroup(FileContext& ctx) {
  if (!ctx.options.subdags_to_task_groups) return;
  std::vector<Site> sites;
  std::map<std::string, std::string> factory_reasons;  // name -> why not, or ""
  for (size_t i = 0; i < ctx.calls.size(); ++i) {
    if (ctx.calls[i].target != kSubDag) continue;
    Site site;
    site.call_index = i;
    std::string reason = CheckSite(ctx, ctx.calls[i], site);
    if (reason.empty()) {
      sites.push_back(site);
    } else {
      ctx.subdags_kept[ts_node_start_byte(ctx.calls[i].call)] = std::move(reason);
      if (!site.factory.empty()) factory_reasons[site.factory] = "";  // checked below
    }
  }
  if (sites.empty()) return;

  // Every use of a factory must be the sub-DAG of a site that can be rewritten.
  std::map<std::string, Factory> factories;
  for (const Site& site : sites) {
    if (factories.contains(site.factory) || factory_reasons.contains(site.factory)) continue;
    Factory factory;
    std::string reason = CheckFactory(ctx, site.factory, factory);
    if (reason.empty()) {
      for (TSNode id : ctx.nodes.Of("identifier")) {
        if (ctx.Text(id) != site.factory || Inside(id, ChildByField(factory.def, "name"))) continue;
        // `subdag=` names a keyword, `x.subdag` an attribute: neither is the function.
        const TSNode parent = ts_node_parent(id);
        const std::string_view parent_type = NodeType(parent);
        if ((parent_type == "keyword_argument" && ts_node_eq(ChildByField(parent, "name"), id)) ||
            (parent_type == "attribute" && ts_node_eq(ChildByField(parent, "attribute"), id)))
          continue;
        const bool rewritten = std::any_of(sites.begin(), sites.end(), [&](const Site& s) {
          return ts_node_eq(ChildByField(s.factory_call, "function"), id);
        });
        if (!rewritten) {
          reason = fmt::format("`{}` is also used elsewhere (line {})", site.factory,
                               ts_node_start_point(id).row + 1);
          break;
        }
      }
    }
    if (reason.empty()) {
      factories.emplace(site.factory, std::move(factory));
    } else {
      factory_reasons[site.factory] = std::move(reason);
    }
  }
  // A factory also used by a site that cannot be rewritten stays as it is.
  std::set<size_t> erase;
  for (const Site& site : sites) {
    const uint32_t start = ts_node_start_byte(ctx.calls[site.call_index].call);
    auto f = factories.find(site.factory);
    if (f == factories.end()) {
      const std::string& why = factory_reasons[site.factory];
      ctx.subdags_kept[start] =
          why.empty() ? fmt::format("`{}` also builds a sub-DAG that stays", site.factory) : why;
      continue;
    }
    RewriteSite(ctx, site, f->second);
    erase.insert(site.call_index);
  }
  for (auto& [name, factory] : factories) {
    bool used = false;
    for (const Site& site : sites)
      used = used || (site.factory == name && erase.contains(site.call_index));
    if (!used) continue;
    RewriteFactory(ctx, factory);
    erase.insert(factory.dag_call_index);
  }
  // The rewritten calls are gone from the file: no other rule looks at them.
  std::vector<CallSite> kept;
  for (size_t i = 0; i < ctx.calls.size(); ++i) {
    if (!erase.contains(i)) kept.push_back(std::move(ctx.calls[i]));
  }
  ctx.calls = std::move(kept);
}

}  // namespace dagport::converters::airflow2
