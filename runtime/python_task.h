#pragma once
/// PythonOperator (and BranchPythonOperator, ShortCircuitOperator) callables run by the local
/// runtime: an isolated `python3` imports the file that defines the callable, with a stand-in
/// `airflow` package shipped with dagport (every `airflow.*` name exists; `Variable.get` reads
/// `AIRFLOW_VAR_<KEY>`), and calls it with its op_args/op_kwargs and the template context, as
/// Airflow 2 does. Its return value, as JSON, is the task's XCom.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "runtime/jinja_template.h"
#include "sched/dag_plan.h"
#include "sched/template_context.h"

namespace dagport::runtime {

/// Writes the stand-in package and the runner below `support_dir` (idempotent); returns the
/// runner's path. Throws std::runtime_error when it cannot write them.
std::string InstallPythonSupport(const std::string& support_dir);

struct PythonCall {
  std::vector<std::string> argv;  ///< python3 runner.py (the runner reads DAGPORT_CALL_FILE)
  std::vector<std::string> env;
  std::string call_file;  ///< the call (JSON) to write before the try starts
  std::string call_json;
  std::string pushed_file;  ///< where the runner writes what the callable xcom_push-ed
};

/// The call of `task`'s python_callable; nullopt with `why` when it cannot be made (the
/// callable or its arguments are not known statically). `dag_file` is the file the DAG is in;
/// `python_path` the folders to import from (the DAG folder, plugins); `xcoms` the run's XComs
/// so far ({task_id: {key: value}}), which the callable's `ti.xcom_pull` reads. The call is
/// written beside `xcom_file` (a file, not the environment: XComs can be large).
std::optional<PythonCall> PythonCallFor(const ir::Task& task, const std::string& dag_file,
                                        const std::vector<std::string>& python_path,
                                        const std::string& runner, const TemplateEnvironment& env,
                                        const nlohmann::json& xcoms, const std::string& xcom_file,
                                        std::string* why);

/// The operator classes run this way.
bool IsPythonOperator(const std::string& class_name);

/// What a branch (the task ids it returned) or a short-circuit (a falsy value) of `plan`
/// decided, from the callable's JSON return value: the downstream tasks a branch follows, whether
/// a short-circuit skips its downstream tasks, and a note saying so.
void DecideFromReturn(const sched::DagPlan& plan, const sched::TaskPlan& task,
                      const std::string& json, std::vector<uint32_t>* follow, bool* skip_downstream,
                      std::string* note);

}  // namespace dagport::runtime
