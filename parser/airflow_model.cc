#include "parser/airflow_model.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include "ir/airflow_id.h"
#include "ir/civil_time.h"
#include "parser/airflow_names.h"
#include "parser/library_calls.h"
#include "parser/module_loader.h"
#include "parser/operations.h"

namespace dagport::parser {

namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.ends_with(suffix);
}

std::string_view LastComponent(std::string_view path) {
  const size_t dot = path.rfind('.');
  return dot == std::string_view::npos ? path : path.substr(dot + 1);
}

// DAG's positional parameters in Airflow 1.10 (after dag_id).
constexpr std::array<std::string_view, 4> kDagPositional = {"description", "schedule_interval",
                                                            "start_date", "end_date"};

Val MakeValue(Kind kind) {
  Val v = CurrentHeap().Make<Obj>();
  v->kind = kind;
  return v;
}

/// Sets `name` in an ordered argument list, replacing an earlier value.
void SetArgument(std::vector<std::pair<std::string, Val>>& args, const std::string& name,
                 Val value) {
  for (auto& entry : args) {
    if (entry.first == name) {
      entry.second = value;
      return;
    }
  }
  args.emplace_back(name, value);
}

bool IsSet(const Val* v) {
  return v != nullptr && !Is(*v, Kind::kNone);
}

const Val* FindArg(const std::vector<std::pair<std::string, Val>>& args, std::string_view name) {
  for (const auto& [k, v] : args) {
    if (k == name) return &v;
  }
  return nullptr;
}

/// Airflow 1.10's validate_key, run by DAG() and BaseOperator(): an id must match
/// `^[\w.-]+$` (Python's \w takes non-ASCII letters too) and have at most 250 characters, or
/// Airflow raises and the file does not import.
void ValidateKey(Evaluator& ev, const std::string& id, std::string_view what, TSNode node,
                 Frame& frame) {
  if (ir::IsValidAirflowId(id, ir::NonAsciiIds::kAccepted)) return;
  ev.FailImportIfCertain(
      "DP125", node, frame,
      fmt::format("Airflow raises \"The key ({}) has to be made of alphanumeric characters, "
                  "dashes, dots and underscores exclusively\" for this {} id, so it loads "
                  "nothing from this file",
                  id.substr(0, 80), what),
      "use only letters, digits, '_', '.' and '-', at most 250 characters");
}

/// Airflow 1.10's `days_ago(n, hour=0, minute=0, second=0, microsecond=0)` on `today`
/// (YYYY-MM-DD): midnight UTC of today (or the given time), n days back. nullopt when today is
/// not given or an argument is not a known integer.
std::optional<Val> DaysAgo(const std::string& today, const CallArgs& args) {
  int y = 0, m = 0, d = 0;
  if (today.size() != 10 || std::sscanf(today.c_str(), "%4d-%2d-%2d", &y, &m, &d) != 3)
    return std::nullopt;
  static constexpr std::array<std::string_view, 5> kNames = {"n", "hour", "minute", "second",
                                                             "microsecond"};
  int64_t values[5] = {0, 0, 0, 0, 0};
  bool given[5] = {};
  for (size_t i = 0; i < args.positional.size(); ++i) {
    if (i >= kNames.size() || !Is(args.positional[i], Kind::kInt)) return std::nullopt;
    values[i] = args.positional[i]->i;
    given[i] = true;
  }
  for (const auto& [name, v] : args.keywords) {
    const auto it = std::find(kNames.begin(), kNames.end(), name);
    if (it == kNames.end() || !Is(v, Kind::kInt)) return std::nullopt;
    values[it - kNames.begin()] = v->i;
    given[it - kNames.begin()] = true;
  }
  if (!given[0] || values[1] < 0 || values[1] > 23 || values[2] < 0 || values[2] > 59 ||
      values[3] < 0 || values[3] > 59 || values[4] < 0 || values[4] > 999999 ||
      values[0] < -1000000 || values[0] > 1000000)
    return std::nullopt;
  ir::Datetime midnight{y,
                        m,
                        d,
                        static_cast<int>(values[1]),
                        static_cast<int>(values[2]),
                        static_cast<int>(values[3]),
                        static_cast<int>(values[4]),
                        "UTC"};
  return Datetime(ir::AddMicros(midnight, -values[0] * 86'400'000'000LL));
}

/// Whether arguments (a DAG's, or a task's after default_args) may give a start_date: one is
/// set, or unpacked `**kwargs` that are not statically known may hold one.
bool MayHaveStartDate(const std::vector<std::pair<std::string, Val>>& args) {
  for (const auto& [name, v] : args) {
    if ((name == "start_date" && IsSet(&v)) || name == "**") return true;
  }
  return false;
}

/// The parameters of Airflow 1.10's `DAG.__init__` (1.10.15). It takes no `**kwargs`: any other
/// keyword raises TypeError when the file is imported.
constexpr std::array<std::string_view, 26> kDag110Parameters = {"dag_id",
                                                                "description",
                                                                "schedule_interval",
                                                                "start_date",
                                                                "end_date",
                                                                "full_filepath",
                                                                "template_searchpath",
                                                                "template_undefined",
                                                                "user_defined_macros",
                                                                "user_defined_filters",
                                                                "default_args",
                                                                "concurrency",
                                                                "max_active_runs",
                                                                "dagrun_timeout",
                                                                "sla_miss_callback",
                                                                "default_view",
                                                                "orientation",
                                                                "catchup",
                                                                "on_success_callback",
                                                                "on_failure_callback",
                                                                "doc_md",
                                                                "params",
                                                                "access_control",
                                                                "is_paused_upon_creation",
                                                                "jinja_environment_kwargs",
                                                                "tags"};

/// `DAG(...)` under Airflow 1.10 with a keyword its `__init__` does not take (an Airflow 2
/// spelling such as `schedule=` in a file that still imports 1.x paths): the import fails.
void CheckDag110Keywords(Evaluator& ev, const CallArgs& args, TSNode node, Frame& frame) {
  for (size_t i = 0; i < args.keywords.size(); ++i) {
    const std::string& name = args.keywords[i].first;
    if (name == "**" || std::find(kDag110Parameters.begin(), kDag110Parameters.end(), name) !=
                            kDag110Parameters.end())
      continue;
    const std::string_view renamed = name == "schedule"           ? "schedule_interval"
                                     : name == "max_active_tasks" ? "concurrency"
                                                                  : "";
    ev.FailImportIfCertain(
        "DP125", ts_node_is_null(args.keyword_nodes[i]) ? node : args.keyword_nodes[i], frame,
        fmt::format("DAG() got an unexpected keyword argument '{}': Airflow 1.10 raises "
                    "TypeError, so it loads nothing from this file",
                    name),
        renamed.empty() ? std::string("remove it: Airflow 1.10's DAG does not take it")
                        : fmt::format("Airflow 1.10 calls it {}", renamed));
  }
}

/// A `default_args=` that is given but is not a dict the analysis knows.
bool UnknownDefaults(const Val* default_args) {
  return default_args != nullptr && !Is(*default_args, Kind::kDict) &&
         !Is(*default_args, Kind::kNone);
}

}  // namespace

/// `task.dag = dag` as Airflow 1.10 does it: DAG.add_task, unless the DAG already has a task
/// with that id.
void AttachToDag(Evaluator& ev, TaskObj* task, DagObj* dag, TSNode node, Frame& frame) {
  task->dag = dag;
  if (auto found = dag->task_dict.find(task->task_id);
      found != dag->task_dict.end() && !task->dynamic) {
    ev.Report(
        "DP151", node, frame,
        fmt::format(
            "task id '{}' is already in DAG '{}' (line {}): Airflow 1.10 keeps the first task and "
            "warns, Airflow 2 raises DuplicateTaskIdFound",
            task->task_id, dag->dag_id, found->second->where.line),
        "give each task of a DAG its own task_id");
    return;
  }
  if (!MayHaveStartDate(dag->arguments) && !MayHaveStartDate(task->effective_arguments) &&
      !task->defaults_unknown) {
    ev.FailImportIfCertain(
        "DP125", node, frame,
        fmt::format("Airflow 1.10 raises \"Task is missing the start_date parameter\" when "
                    "task '{}' joins DAG '{}', so it loads nothing from this file",
                    task->task_id, dag->dag_id),
        "give the DAG a start_date= (1.10 does not take it from default_args), or "
        "create the task with dag=");
  }
  task->registered = true;
  dag->tasks.push_back(task);
  dag->task_dict.emplace(task->task_id, task);
}

bool IsDagClass(const Val& callee) {
  if (Is(callee, Kind::kExternal)) return IsAirflowDagPath(callee->text);
  if (Is(callee, Kind::kClass)) {
    for (const Val& base : callee->cls->bases) {
      if (IsDagClass(base)) return true;
    }
  }
  return false;
}

std::optional<std::string> OperatorClassPath(const Val& callee) {
  if (Is(callee, Kind::kExternal)) {
    const std::string& path = callee->text;
    if (IsAirflowDagPath(path) || IsTaskGroupPath(path)) return std::nullopt;
    const std::string_view name = LastComponent(path);
    if (IsBaseOperatorPath(path) || EndsWith(name, "Operator") || EndsWith(name, "Sensor"))
      return path;
    if (path.starts_with("airflow.") && IsKnownOperatorModule(path)) return path;
    return std::nullopt;
  }
  if (Is(callee, Kind::kClass)) {
    for (const Val& base : callee->cls->bases) {
      if (OperatorClassPath(base)) return callee->cls->path;
    }
  }
  return std::nullopt;
}

Val CreateDag(Evaluator& ev, CallArgs& args, TSNode node, Frame& frame) {
  auto* dag = CurrentHeap().Make<DagObj>();
  dag->file = frame.module->path;
  dag->where = ev.Range(node, frame);
  const Val* id = args.Keyword("dag_id");
  TSNode id_node = args.KeywordNode("dag_id");
  size_t next_positional = 0;
  if (id == nullptr && !args.positional.empty()) {
    id = &args.positional[0];
    id_node = args.positional_nodes[0];
    next_positional = 1;
  }
  if (id != nullptr && Is(*id, Kind::kStr)) {
    dag->dag_id = (*id)->text;
    ValidateKey(ev, dag->dag_id, "DAG", node, frame);
  } else {
    dag->dynamic = true;
    dag->dag_id = id != nullptr && !ts_node_is_null(id_node) ? std::string(ev.Text(id_node, frame))
                                                             : std::string(ev.Text(node, frame));
    ev.Report("DP119", node, frame,
              fmt::format("DAG id '{}' is not statically known", dag->dag_id.substr(0, 80)),
              "the DAG is reported with its id expression; give it a literal id to convert it");
  }
  dag->arguments.emplace_back("dag_id", Str(dag->dag_id));
  for (size_t i = next_positional; i < args.positional.size(); ++i) {
    const size_t k = i - next_positional;
    dag->arguments.emplace_back(k < kDagPositional.size() ? std::string(kDagPositional[k])
                                                          : fmt::format("_positional_{}", i),
                                args.positional[i]);
  }
  for (const auto& [name, v] : args.keywords) {
    if (name == "dag_id") continue;
    dag->arguments.emplace_back(name, v);
  }
  for (const auto& [name, v] : dag->arguments) {
    if (name == "default_args" && Is(v, Kind::kDict)) {
      // DAG.__init__ deep-copies default_args: later changes to the dict do not reach the DAG.
      dag->default_args = Dict(v->entries);
    }
  }
  Val self = MakeValue(Kind::kDag);
  self->dag = dag;
  dag->self = self;
  ev.dags.push_back(dag);
  return self;
}

Val CreateTask(Evaluator& ev, std::string_view operator_class, CallArgs& args, TSNode node,
               Frame& frame, bool known_class) {
  auto* task = CurrentHeap().Make<TaskObj>();
  task->operator_class = ResolveAirflowPath(operator_class);
  task->file = frame.module->path;
  task->where = ev.Range(node, frame);
  if (!known_class) {
    ev.Report("DP115", node, frame,
              fmt::format("'{}' is called with a task_id, so dagport takes it for an operator",
                          operator_class.substr(0, 80)),
              "dagport could not resolve the class; make sure it is importable from the DAG folder "
              "or plugins");
  }

  const Val* id = args.Keyword("task_id");
  TSNode id_node = args.KeywordNode("task_id");
  if (id == nullptr && !args.positional.empty() && Is(args.positional[0], Kind::kStr) &&
      IsBaseOperatorPath(operator_class)) {
    id = &args.positional[0];
    id_node = args.positional_nodes[0];
  }
  std::optional<std::string> id_text = id != nullptr ? ToStr(*id) : std::nullopt;
  if (id != nullptr && !IsUnresolved(*id) && id_text) {
    task->task_id = *id_text;
    ValidateKey(ev, task->task_id, "task", node, frame);
  } else {
    task->dynamic = true;
    task->task_id = id != nullptr && !ts_node_is_null(id_node)
                        ? std::string(ev.Text(id_node, frame))
                        : "<task_id missing>";
    ev.Report(
        "DP110", id != nullptr && !ts_node_is_null(id_node) ? id_node : node, frame,
        id == nullptr
            ? "operator call without a task_id"
            : fmt::format(
                  "task id '{}' is not statically known{}", task->task_id.substr(0, 80),
                  IsUnresolved(*id) && !(*id)->reason().empty() ? ": " + (*id)->reason() : ""),
        "the task is reported with its id expression; a migration needs literal or computable ids");
  }

  // The DAG: dag= argument, else the innermost `with DAG(...)`.
  // apply_defaults: `kwargs.get('dag') or settings.CONTEXT_MANAGER_DAG`, so dag=None also
  // takes the enclosing DAG.
  DagObj* dag = nullptr;
  if (const Val* d = args.Keyword("dag"); d != nullptr && Is(*d, Kind::kDag)) {
    dag = (*d)->dag;
  } else if (!ev.dag_context.empty()) {
    dag = ev.dag_context.back();
  }
  GroupObj* group = nullptr;
  if (const Val* g = args.Keyword("task_group"); g != nullptr && Is(*g, Kind::kTaskGroup)) {
    group = (*g)->group;
  } else if (!ev.group_context.empty()) {
    group = ev.group_context.back();
  }
  if (group != nullptr && dag == nullptr) dag = group->dag;
  if (group != nullptr && group->prefix_group_id && !task->dynamic)
    task->task_id = group->group_id + "." + task->task_id;
  task->group = group;

  task->arguments.reserve(args.positional.size() + args.keywords.size());
  for (size_t i = 0; i < args.positional.size(); ++i) {
    task->arguments.emplace_back(fmt::format("_positional_{}", i), args.positional[i]);
  }
  for (const auto& [name, v] : args.keywords) task->arguments.emplace_back(name, v);

  // apply_defaults: the DAG's default_args, then the operator's own default_args, then explicit.
  auto merge = [&](const Val& defaults) {
    if (!Is(defaults, Kind::kDict)) return;
    for (const auto& entry : defaults->entries) {
      if (Is(entry.first, Kind::kStr))
        SetArgument(task->effective_arguments, entry.first->text, entry.second);
    }
  };
  // One allocation: at most every default and every argument.
  size_t most = task->arguments.size();
  auto count = [&](const Val& defaults) {
    if (Is(defaults, Kind::kDict)) most += defaults->entries.size();
  };
  if (dag != nullptr) count(dag->default_args);
  for (GroupObj* g = group; g != nullptr; g = g->parent) {
    if (g->default_args != nullptr) count(g->default_args);
  }
  if (const Val* own = args.Keyword("default_args")) count(*own);
  task->effective_arguments.reserve(most);
  if (dag != nullptr) merge(dag->default_args);
  // Airflow 2: the enclosing groups' default_args over the DAG's, the innermost last.
  std::vector<GroupObj*> groups;
  for (GroupObj* g = group; g != nullptr; g = g->parent) groups.push_back(g);
  for (auto g = groups.rbegin(); g != groups.rend(); ++g) {
    if ((*g)->default_args != nullptr) merge((*g)->default_args);
  }
  if (const Val* own = args.Keyword("default_args")) merge(*own);
  for (const auto& [name, v] : task->arguments) {
    if (name != "default_args") SetArgument(task->effective_arguments, name, v);
  }
  task->defaults_unknown =
      (dag != nullptr && UnknownDefaults(FindArg(dag->arguments, "default_args"))) ||
      UnknownDefaults(args.Keyword("default_args"));

  // SubDagOperator and its subclasses: DAG.subdags follows any operator's `subdag` DAG.
  if (const Val* sub = args.Keyword("subdag"); sub != nullptr && Is(*sub, Kind::kDag)) {
    task->subdag = (*sub)->dag;
    (*sub)->dag->parent_task = task;
    // SubDagOperator.__init__ checks the sub-DAG's id against parent_dag_id.task_id.
    if (dag != nullptr && !dag->dynamic && !task->dynamic && !task->subdag->dynamic &&
        task->subdag->dag_id != dag->dag_id + "." + task->task_id) {
      ev.FailImportIfCertain(
          "DP124", node, frame,
          fmt::format("the sub-DAG of SubDagOperator '{}' is '{}', not '{}': Airflow 1.10 raises "
                      "AirflowException",
                      task->task_id, task->subdag->dag_id, dag->dag_id + "." + task->task_id),
          "name the sub-DAG <parent dag_id>.<task_id>");
    }
  }

  Val self = MakeValue(Kind::kTask);
  self->task = task;
  task->self = self;
  ev.tasks.push_back(task);
  if (dag != nullptr) AttachToDag(ev, task, dag, node, frame);
  return self;
}

Val CallExternal(Evaluator& ev, const Val& callee, CallArgs& args, TSNode node, Frame& frame) {
  // The name the callee's text stands for: a view of the callee's text or of a static table.
  const std::string_view path = ResolveAirflowPath(callee->text);
  if (ev.on_library_call) {
    if (Val replaced = ev.on_library_call(std::string(path), args, node, frame)) return replaced;
  }
  if (IsAirflowDagPath(path)) {
    if (ev.limits().airflow_major == 1) CheckDag110Keywords(ev, args, node, frame);
    return CreateDag(ev, args, node, frame);
  }
  if (IsTaskGroupPath(path)) {
    auto* group = CurrentHeap().Make<GroupObj>();
    const Val* id = args.Keyword("group_id");
    if (id == nullptr && !args.positional.empty()) id = &args.positional[0];
    std::string group_id =
        id != nullptr && Is(*id, Kind::kStr) ? (*id)->text : std::string(ev.Text(node, frame));
    if (const Val* d = args.Keyword("dag"); d != nullptr && Is(*d, Kind::kDag))
      group->dag = (*d)->dag;
    if (const Val* p = args.Keyword("parent_group"); p != nullptr && Is(*p, Kind::kTaskGroup)) {
      group->parent = (*p)->group;
    } else if (!ev.group_context.empty()) {
      group->parent = ev.group_context.back();
    }
    if (group->dag == nullptr && group->parent != nullptr) group->dag = group->parent->dag;
    if (group->dag == nullptr && !ev.dag_context.empty()) group->dag = ev.dag_context.back();
    if (const Val* p = args.Keyword("prefix_group_id"); p != nullptr && Truth(*p) == false)
      group->prefix_group_id = false;
    if (const Val* d = args.Keyword("default_args"); d != nullptr && Is(*d, Kind::kDict))
      group->default_args = *d;
    group->group_id = group->parent != nullptr && group->parent->prefix_group_id
                          ? group->parent->group_id + "." + group_id
                          : group_id;
    group->where = ev.Range(node, frame);
    if (group->dag != nullptr) group->dag->groups.push_back(group);
    Val self = MakeValue(Kind::kTaskGroup);
    self->group = group;
    group->self = self;
    return self;
  }
  if (std::optional<std::string> op = OperatorClassPath(callee)) {
    return CreateTask(ev, *op, args, node, frame, /*known_class=*/true);
  }
  const std::string_view name = LastComponent(path);
  const bool airflow = path.starts_with("airflow.");
  if (airflow && name == "chain") return Chain(ev, args, node, frame);
  if (airflow && name == "cross_downstream") return CrossDownstream(ev, args, node, frame);
  if (Val result = CallLibrary(ev, path, args, node, frame)) return result;
  if (airflow && name == "days_ago") {
    if (std::optional<Val> date = DaysAgo(ev.limits().today, args)) return *date;
    return ev.Unknown(node, frame, "days_ago() is relative to the day the file is parsed");
  }
  if (airflow && (EndsWith(path, "Variable.get") || EndsWith(path, "Variable.get_val"))) {
    return ev.Unknown(node, frame, "Airflow Variable read when the file is parsed");
  }
  if (airflow && (EndsWith(path, "conf.get") || EndsWith(path, "conf.getint") ||
                  EndsWith(path, "conf.getboolean"))) {
    return ev.Unknown(node, frame, "Airflow configuration read when the file is parsed");
  }
  // Something from a module dagport does not analyse, called with a task_id, is an operator
  // (or a factory making one): reported as a task rather than dropped.
  if (args.Keyword("task_id") != nullptr)
    return CreateTask(ev, path, args, node, frame, /*known_class=*/false);
  return ev.Unknown(node, frame,
                    fmt::format("call into '{}', which dagport does not analyse", path));
}

}  // namespace dagport::parser
