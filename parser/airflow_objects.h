#pragma once
/// The Airflow objects a DAG file builds when it runs: DAGs, tasks (operator instances), task
/// groups, and the dependencies between tasks.

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ir/graph.h"
#include "ir/source_range.h"
#include "parser/object.h"

namespace dagport::parser {

struct TaskObj;
struct GroupObj;

struct DagObj : HeapItem {
  std::string dag_id;
  bool dynamic = false;
  std::vector<std::pair<std::string, Val>> arguments;
  Val default_args = nullptr;  ///< a dict, or null
  std::string file;
  ir::SourceRange where;
  std::vector<TaskObj*> tasks;                          ///< in creation order
  std::unordered_map<std::string, TaskObj*> task_dict;  ///< registered tasks by id
  std::vector<GroupObj*> groups;
  TaskObj* parent_task = nullptr;  ///< the SubDagOperator that runs this DAG
  /// Used as a context manager (`with DAG(...)`) under Airflow 2 with auto_register left on:
  /// Airflow 2.4+ collects it even when no global holds it.
  bool auto_registered = false;
  Val self = nullptr;
};

struct GroupObj : HeapItem {
  std::string group_id;  ///< full id
  GroupObj* parent = nullptr;
  DagObj* dag = nullptr;
  bool prefix_group_id = true;
  Val default_args = nullptr;  ///< `TaskGroup(default_args=...)`: a dict, or null
  ir::SourceRange where;
  Val self = nullptr;
};

struct TaskObj : HeapItem {
  std::string task_id;
  bool dynamic = false;
  std::string operator_class;
  std::vector<std::pair<std::string, Val>> arguments;
  /// The arguments merged over default_args as Airflow's apply_defaults does when the operator
  /// is created (explicit arguments win).
  std::vector<std::pair<std::string, Val>> effective_arguments;
  DagObj* dag = nullptr;
  /// In its DAG's task_dict. Airflow 1.10 keeps the first of two tasks with one id and warns;
  /// the second still points at the DAG, so dependencies set on it are lost.
  bool registered = false;
  /// A default_args applied when it was created (its DAG's or its own) is not a dict the
  /// analysis knows, so its effective arguments may lack some it has.
  bool defaults_unknown = false;
  GroupObj* group = nullptr;
  DagObj* subdag = nullptr;
  ClassInfo* cls = nullptr;  ///< the operator class, when it is a class of the analysed code
  std::vector<ir::HostAccess> footprint;
  std::string_view file;  ///< the path of the module that made it (ModuleState::path)
  ir::SourceRange where;
  Val self = nullptr;
};

/// upstream >> downstream, where it was first declared.
struct EdgeObj {
  TaskObj* from;
  TaskObj* to;
  ir::SourceRange where;
};

}  // namespace dagport::parser
