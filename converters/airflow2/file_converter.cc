#include "converters/airflow2/file_converter.h"

#include <map>
#include <string>
#include <string_view>
#include <unordered_map>

#include <fmt/format.h>

#include "converters/python_edits.h"
#include "parser/airflow_names.h"

namespace dagport::converters::airflow2 {

using parser::ChildByField;
using parser::NodeType;

FileContext::FileContext(const parser::SyntaxTree& t, const std::string& p, const NodeIndex& n,
                         const ImportTable& i, const ConvertOptions& o, const ProjectFacts& f)
    : tree(t), path(p), imports(i), options(o), project(f), api(Api::Get()), nodes(n) {}

void FileContext::Changed(const char* rule, TSNode at, std::string message) {
  changes.push_back(AppliedChange{rule, Line(at), std::move(message)});
}

void FileContext::Report(std::string_view code, TSNode at, std::string message, std::string hint) {
  diagnostics.push_back(
      ir::MakeDiagnostic(code, path, tree.Range(at), std::move(message), std::move(hint)));
}

TSNode FileContext::Keyword(TSNode arguments, std::string_view name) {
  if (ts_node_is_null(arguments)) return TSNode{};
  auto [it, added] = keywords_.try_emplace(arguments.id);
  std::vector<KeywordArgument>& list = it->second;
  if (added) {
    for (TSNode item : ListItems(arguments)) {
      if (NodeType(item) != "keyword_argument") continue;
      list.push_back({Text(ChildByField(item, "name")), item});
    }
  }
  for (const KeywordArgument& k : list) {
    if (k.name == name) return k.node;
  }
  return TSNode{};
}

void FileContext::UseRemoved(TSNode expression) {
  while (NodeType(expression) == "attribute") expression = ChildByField(expression, "object");
  if (NodeType(expression) == "identifier") uses_removed[std::string(Text(expression))]++;
}

const std::vector<Rule>& Rules() {
  static const std::vector<Rule> rules = {
      {"subdag-task-group",
       "SubDagOperator with a factory in the same file -> a TaskGroup of the parent DAG",
       RuleSubdagTaskGroup},
      {"provide-context", "remove provide_context (Airflow 2 passes the context by itself)",
       RuleProvideContext},
      {"renamed-argument", "rename arguments Airflow 2 renamed (xcom_push, task_concurrency, ...)",
       RuleRenamedArguments},
      {"trigger-rule", "rename the trigger rules dummy and none_failed_or_skipped",
       RuleTriggerRules},
      {"container-arguments",
       "DockerOperator volumes -> mounts, KubernetesPodOperator resources, node_selectors, "
       "is_delete_operator_pod",
       RuleContainerArguments},
      {"sensor-arguments",
       "ExternalTaskSensor execution_date_fn's context parameter, FileSensor glob escaping",
       RuleSensorArguments},
      {"dag-bit-shift", "`dag >> task` -> `task.dag = dag`", RuleDagBitShift},
      {"schedule", "schedule_interval -> schedule; write schedule and catchup explicitly",
       RuleDagSchedule},
      {"days-ago", "days_ago(n) -> a fixed pendulum start date", RuleDaysAgo},
      {"unknown-argument", "report arguments the Airflow 2 class does not accept",
       RuleUnknownArguments},
      {"manual-change", "report what needs a person (SubDAGs, removed features, context names)",
       RuleManualChanges},
      {"container-tasks",
       "rewrite tasks of operators that build virtualenvs on the worker into container tasks",
       RuleContainerTasks},
      {"imports", "rewrite imports to their Airflow 2 modules and names", RuleImports},
  };
  return rules;
}

std::string CanonicalLegacyPath(const std::string& path, const ProjectFacts& project) {
  std::string resolved(parser::ResolveAirflowPath(path));
  if (resolved != path || parser::IsPackageLevelName(path)) return resolved;
  // airflow.{operators,sensors,hooks}.<plugin>.X and airflow.{operators,sensors,hooks}.X name
  // classes that plugins register.
  for (const std::string_view prefix :
       {"airflow.operators.", "airflow.sensors.", "airflow.hooks."}) {
    if (!path.starts_with(prefix)) continue;
    const std::string_view rest = std::string_view(path).substr(prefix.size());
    const size_t dot = rest.find('.');
    const std::string_view plugin_name = dot == std::string::npos ? "" : rest.substr(0, dot);
    const std::string_view class_name = dot == std::string::npos ? rest : rest.substr(dot + 1);
    if (class_name.find('.') != std::string::npos) continue;
    for (const ir::Plugin& plugin : project.plugins) {
      if (!plugin_name.empty() && plugin.name != plugin_name) continue;
      for (const auto* list : {&plugin.operators, &plugin.sensors, &plugin.hooks}) {
        for (const std::string& cls : *list) {
          if (NameOf(cls) == class_name) return cls;
        }
      }
    }
  }
  return path;
}

namespace {

std::string FindTargetPath(const Api& api, const std::string& canonical,
                           const AirflowVersion& target) {
  if (parser::IsAirflowDagPath(canonical)) return "airflow.models.dag.DAG";
  if (auto move = api.MoveClass(canonical, target)) return move->target;
  if (api.ModuleDefines(ModuleOf(canonical), NameOf(canonical))) return canonical;
  return "";
}

}  // namespace

std::string TargetPath(const Api& api, const std::string& canonical, const AirflowVersion& target) {
  // A project names a few dozen classes in thousands of calls: each answer is kept (per thread,
  // for the one API the process has and the version asked).
  struct Cache {
    const Api* api = nullptr;
    AirflowVersion target;
    std::unordered_map<std::string, std::string> paths;
  };
  thread_local Cache cache;
  if (cache.api != &api || cache.target != target) {
    cache.api = &api;
    cache.target = target;
    cache.paths.clear();
  }
  auto it = cache.paths.find(canonical);
  if (it == cache.paths.end())
    it = cache.paths.emplace(canonical, FindTargetPath(api, canonical, target)).first;
  return it->second;
}

std::vector<CallSite> FindCallSites(const parser::SyntaxTree& tree,
                                    const std::vector<TSNode>& call_nodes,
                                    const ImportTable& imports, const Api& api,
                                    const AirflowVersion& target, const ProjectFacts& project) {
  std::vector<CallSite> out;
  // A file calls few classes many times: each path is resolved once.
  struct Paths {
    std::string legacy, target;
  };
  std::map<std::string, Paths, std::less<>> resolved;
  for (TSNode call : call_nodes) {
    auto path = imports.Resolve(tree, ChildByField(call, "function"));
    if (!path) continue;
    CallSite site;
    site.call = call;
    site.arguments = ChildByField(call, "arguments");
    if (NodeType(site.arguments) != "argument_list") continue;  // a generator argument
    auto known = resolved.find(*path);
    if (known == resolved.end()) {
      std::string legacy = CanonicalLegacyPath(*path, project);
      std::string target_path = TargetPath(api, legacy, target);
      known = resolved.emplace(*path, Paths{std::move(legacy), std::move(target_path)}).first;
    }
    site.legacy = known->second.legacy;
    site.is_dag = parser::IsAirflowDagPath(site.legacy);
    site.target = known->second.target;
    const bool airflow = site.legacy.starts_with("airflow.") || site.legacy != *path;
    if (!airflow && site.target.empty() && !project.containers.classes.contains(site.legacy)) {
      const ir::SourceRange at = tree.Range(call);
      if (!project.containers.calls.contains({at.line, at.column})) continue;
    }
    out.push_back(std::move(site));
  }
  return out;
}

FileConversion ConvertFile(const std::string& path, std::string text, const ConvertOptions& options,
                           const ProjectFacts& project) {
  const parser::SyntaxTree tree = parser::SyntaxTree::Parse(std::move(text));
  FileConversion out = ConvertTree(path, tree, options, project);
  out.nodes.reset();  // its nodes are the tree's, which ends here
  return out;
}

FileConversion ConvertTree(const std::string& path, const parser::SyntaxTree& tree,
                           const ConvertOptions& options, const ProjectFacts& project) {
  FileConversion out;
  // The text is the original's unless edits apply (copied only then: a text is kilobytes).
  std::vector<ir::Diagnostic> syntax = tree.SyntaxErrors(path);
  if (!syntax.empty()) {
    out.converted = false;
    out.diagnostics = std::move(syntax);
    out.diagnostics.push_back(ir::MakeDiagnostic(
        "DP210", path, {}, "not converted: the file is not valid Python 3",
        "fix the syntax errors above (Airflow 2 would not load the file either), then convert "
        "again"));
    out.text = tree.text();
    return out;
  }
  auto index = std::make_shared<const NodeIndex>(tree.root(), tree.text());
  const NodeIndex& nodes = *index;
  const ImportTable imports = ImportTable::Build(tree, nodes);
  out.uses_airflow = imports.ImportsAirflow();
  if (!out.uses_airflow) {
    out.text = tree.text();
    return out;
  }
  out.nodes = std::move(index);

  FileContext ctx(tree, path, nodes, imports, options, project);
  ctx.calls = FindCallSites(tree, ctx.nodes.Of("call"), imports, ctx.api, options.target, project);
  for (const Rule& rule : Rules()) rule.run(ctx);
  out.changes = std::move(ctx.changes);
  out.diagnostics = std::move(ctx.diagnostics);
  out.providers = std::move(ctx.providers);
  out.subdag_groups = std::move(ctx.subdag_groups);
  if (ctx.edits.empty()) {
    out.text = tree.text();
    return out;
  }
  try {
    out.edits = ctx.edits.Sorted(tree.text());
    out.text = ctx.edits.Apply(tree.text());
  } catch (const EditConflict& e) {
    out.converted = false;
    out.text = tree.text();
    out.diagnostics.push_back(ir::MakeDiagnostic(
        "DP210", path, {},
        fmt::format("not converted: two rules edit the same code ({})", e.what()),
        "this is a bug in dagport; please report it with the file. The file was left as it was"));
    return out;
  }
  out.changed = out.text != tree.text();
  return out;
}

}  // namespace dagport::converters::airflow2
