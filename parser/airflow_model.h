#pragma once
/// What Airflow does when a DAG file runs: `DAG(...)` registers a DAG, an operator call creates a
/// task in the DAG of its `dag=` argument or of the enclosing `with DAG(...)`, `>>`, `<<`,
/// `set_downstream`, `chain` and `cross_downstream` add dependencies, and `default_args` are
/// merged into every task. Also the library calls DAG files make to compute values (timedelta,
/// datetime, pendulum, os.path, Variable.get, ...).

#include <optional>
#include <string>
#include <vector>

#include "parser/evaluator.h"

namespace dagport::parser {

/// airflow.DAG, airflow.models.DAG, airflow.models.dag.DAG, or a class of the analysed code
/// derived from one of them.
bool IsDagClass(const Val& callee);
/// The operator class path of an operator class (external, or analysed and derived from an
/// operator); nullopt when `callee` is not an operator class.
std::optional<std::string> OperatorClassPath(const Val& callee);

Val CreateDag(Evaluator& ev, CallArgs& args, TSNode node, Frame& frame);
/// `known_class` is false when dagport only infers that the callee is an operator (it is called
/// with a task_id), and reports so.
Val CreateTask(Evaluator& ev, std::string_view operator_class, CallArgs& args, TSNode node,
               Frame& frame, bool known_class);
/// Which end of a task group a dependency attaches to: its first tasks (downstream side of an
/// edge) or its last ones (upstream side).
enum class Side { kUpstream, kDownstream };
/// Task or list of tasks (task groups by their ends) on one side of a dependency, flattened;
/// false when something on that side is not a task.
bool TasksOf(const Evaluator& ev, const Val& v, Side side, std::vector<TaskObj*>& out);
/// `task.dag = dag` as Airflow 1.10 does it: DAG.add_task, unless the DAG already has a task
/// with that id.
void AttachToDag(Evaluator& ev, TaskObj* task, DagObj* dag, TSNode node, Frame& frame);

/// upstream >> downstream, with tasks or lists of tasks on either side.
void AddDependencies(Evaluator& ev, const Val& upstream, const Val& downstream, TSNode node,
                     Frame& frame);
/// `chain(*tasks)` (lists pairwise) and `cross_downstream(from_tasks, to_tasks)` of
/// airflow.utils.helpers (airflow_dependencies.cc, with the two above).
Val Chain(Evaluator& ev, CallArgs& args, TSNode node, Frame& frame);
Val CrossDownstream(Evaluator& ev, CallArgs& args, TSNode node, Frame& frame);

/// Calls of names from modules dagport does not analyse (Airflow, the standard library, ...).
Val CallExternal(Evaluator& ev, const Val& callee, CallArgs& args, TSNode node, Frame& frame);

/// Attributes and methods of DAGs, tasks and task groups; nullptr when not one of them
/// (airflow_members.cc).
Val AirflowAttribute(Evaluator& ev, const Val& obj, const std::string& name, TSNode node,
                     Frame& frame);
bool SetAirflowAttribute(Evaluator& ev, const Val& obj, const std::string& name, const Val& value,
                         TSNode node, Frame& frame);
/// Methods of DAGs and tasks (set_downstream, add_task, ...); nullptr when not one of them.
Val CallAirflowMethod(Evaluator& ev, const Val& receiver, const std::string& name, CallArgs& args,
                      TSNode node, Frame& frame);

}  // namespace dagport::parser
