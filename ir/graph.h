#pragma once
/// The intermediate graph: DAG files, their DAGs, tasks and dependencies, in the vocabulary
/// Airflow users think in. It is the contract between the parser, the converters, the simulator
/// and the runtime; `ir_json.h` gives it its versioned JSON form (docs/ir.md).

#include <string>
#include <string_view>
#include <vector>

#include "ir/diagnostic.h"
#include "ir/source_range.h"
#include "ir/value.h"

namespace dagport::ir {

/// One name an `import` statement binds: `from a.b import C as D` is {module "a.b", name "C",
/// alias "D"}; `import a.b as m` is {module "a.b", name "", alias "m"}.
struct Import {
  std::string module;
  std::string name;
  std::string alias;
  SourceRange where;
  friend bool operator==(const Import&, const Import&) = default;
};

/// One way a task touches the worker's disk when it runs: what the container converter takes
/// out of the worker and what the simulator checks for conflicts between concurrent tasks.
/// Computed by evaluating the operator's `execute()` with the task's own arguments, or from a
/// Bash command.
struct HostAccess {
  /// The path, with Jinja kept for what differs per run ("/tmp/pricing_{{ ds }}.json"); parts
  /// not statically known are written `<expression>` and the access is `possible`.
  std::string path;
  std::string mode;       ///< "create", "read", "write" or "delete"
  std::string resource;   ///< "virtualenv", "packages" (installed into `path`), "file", "directory"
  bool possible = false;  ///< the path is not fully known
  bool unique = false;    ///< a fresh path per try (a temporary directory): never shared
  std::string file;       ///< the file of the code that does it
  SourceRange where;
  friend bool operator==(const HostAccess&, const HostAccess&) = default;
};

/// One instantiated operator.
struct Task {
  std::string task_id;            ///< when `dynamic`, the source text of the id expression
  bool dynamic = false;           ///< the id depends on something static analysis cannot know
  std::string operator_class;     ///< full class path as imported, e.g.
                                  ///< "airflow.operators.bash_operator.BashOperator"
  Arguments arguments;            ///< keyword arguments as written (positional ones named)
  Arguments effective_arguments;  ///< after merging the DAG's default_args (explicit wins)
  std::string task_group;         ///< group_id of the enclosing TaskGroup; empty at the top level
  std::string subdag;             ///< for SubDagOperator: the dag_id of its sub-DAG
  /// What the task does on the worker's disk (empty when nothing is known).
  std::vector<HostAccess> footprint;
  SourceRange where;

  /// True when the footprint builds a Python environment or installs packages on the worker.
  bool InstallsOnWorker() const;

  /// An Airflow BaseOperator setting (trigger_rule, pool, pool_slots, queue, priority_weight,
  /// weight_rule, retries, retry_delay, execution_timeout, depends_on_past) from the effective
  /// arguments, or Airflow's default when unset.
  Value Setting(std::string_view name) const;
  /// The names `Setting` knows, in documentation order.
  static const std::vector<std::string_view>& SettingNames();
  /// The setting named `SettingNames()[index]`.
  Value Setting(size_t index) const;

  friend bool operator==(const Task&, const Task&) = default;
};

/// `upstream >> downstream`, wherever and however it was declared.
struct Edge {
  std::string from;
  std::string to;
  SourceRange where;
  friend bool operator==(const Edge&, const Edge&) = default;
};

struct TaskGroup {
  std::string group_id;  ///< full id, prefixed by its parents' ids as Airflow does
  std::string parent;    ///< full id of the enclosing group; empty at the top level
  SourceRange where;
  friend bool operator==(const TaskGroup&, const TaskGroup&) = default;
};

struct Dag {
  std::string dag_id;  ///< for a sub-DAG: "parent.child"
  bool dynamic = false;
  Arguments arguments;  ///< `DAG(...)` arguments as written (positional ones named)
  std::vector<Task> tasks;
  std::vector<Edge> edges;
  std::vector<TaskGroup> task_groups;
  std::string parent_dag;  ///< for a sub-DAG: the dag_id of the DAG whose SubDagOperator runs it
  /// Collected only because Airflow 2.4+ registers a DAG used as a context manager
  /// (`auto_register`): no module global holds it, so Airflow 1.10 did not load it.
  bool auto_registered = false;
  SourceRange where;

  /// A DAG setting (schedule, start_date, end_date, catchup, default_args, max_active_runs,
  /// max_active_tasks, tags, description, params) from the arguments, with Airflow 1.10's
  /// spelling accepted (schedule_interval, concurrency) and its default when unset.
  Value Setting(std::string_view name) const;
  static const std::vector<std::string_view>& SettingNames();
  /// True when neither `schedule` nor `schedule_interval` is given (1.x default: daily).
  bool schedule_is_default() const;

  const Task* FindTask(std::string_view task_id) const;

  friend bool operator==(const Dag&, const Dag&) = default;
};

/// A parameter of a custom operator's `__init__`.
struct OperatorParameter {
  std::string name;
  std::string kind;  ///< "positional", "keyword_only", "var_positional" (*args), "var_keyword"
  bool has_default = false;
  Value default_value;
  friend bool operator==(const OperatorParameter&, const OperatorParameter&) = default;
};

/// A custom operator class of the analysed code (in the DAG file, a local module or a plugin),
/// recorded for the converters: what it takes and where its `execute()` is.
struct OperatorClass {
  std::string path;                ///< module path + class name, as tasks' `operator` names it
  std::string file;                ///< the file that defines it
  std::vector<std::string> bases;  ///< class paths of its bases
  std::vector<OperatorParameter> init_parameters;  ///< without `self`; empty if no __init__
  std::vector<std::string> template_fields;
  SourceRange where;
  SourceRange execute;  ///< the `execute` method (line 0 when the class does not define one)
  friend bool operator==(const OperatorClass&, const OperatorClass&) = default;
};

/// An AirflowPlugin subclass of the plugins folder and what it registers (Airflow 1.x exposes
/// its operators as `airflow.operators.<name>.X`).
struct Plugin {
  std::string name;  ///< the plugin's `name`
  std::string path;  ///< the plugin class's path
  std::string file;
  std::vector<std::string> operators, sensors, hooks;  ///< class paths
  friend bool operator==(const Plugin&, const Plugin&) = default;
};

/// Everything recovered from one file.
struct DagFile {
  std::string path;
  std::vector<Dag> dags;  ///< as Airflow's DagBag would collect them, sub-DAGs included
  /// DAGs the file builds that Airflow would not load: the file fails to import (syntax error,
  /// Python 2, an exception Airflow raises at import time), or the DAG has a cycle. Reported so
  /// that nothing is silently dropped; the diagnostics say why.
  std::vector<Dag> recovered_dags;
  std::vector<Import> imports;
  /// Custom operator classes of the file and of the local modules and plugins it uses.
  std::vector<OperatorClass> operator_classes;
  std::vector<Diagnostic> diagnostics;
  friend bool operator==(const DagFile&, const DagFile&) = default;
};

/// The files of one run of dagport, in stable (input) order.
struct Project {
  std::vector<DagFile> files;
  std::vector<Plugin> plugins;
  friend bool operator==(const Project&, const Project&) = default;
};

}  // namespace dagport::ir
