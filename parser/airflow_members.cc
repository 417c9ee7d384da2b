// Attributes and methods of the Airflow objects a DAG file builds: `task.task_id`, `dag.tasks`,
// `task.dag = dag`, `task.set_downstream(...)`, `dag.add_task(...)`, `dag.set_dependency(...)`.
#include <fmt/format.h>

#include <set>

#include "parser/airflow_model.h"

namespace dagport::parser {

Val AirflowAttribute(Evaluator& ev, const Val& obj, const std::string& name, TSNode node,
                     Frame& frame) {
  if (Is(obj, Kind::kTask)) {
    TaskObj* t = obj->task;
    if (name == "task_id") return Str(t->task_id);
    if (name == "dag") return t->dag != nullptr ? t->dag->self : None();
    if (name == "dag_id") return t->dag != nullptr ? Str(t->dag->dag_id) : None();
    if (name == "set_upstream" || name == "set_downstream" || name == "update_relative")
      return BoundMethod(obj, name);
    if (name == "output") return ev.Unknown(node, frame, "XCom output of a task");
    if (name == "upstream_task_ids" || name == "downstream_task_ids" || name == "upstream_list" ||
        name == "downstream_list") {
      // Airflow keeps the relatives' ids on the task (a set: its order is Python's hash order,
      // here the order the dependencies were set) and looks the tasks up in the DAG.
      const bool up = name.starts_with("upstream");
      std::vector<Val> ids, tasks;
      std::set<std::string_view> seen;
      for (const EdgeObj& e : ev.edges) {
        const TaskObj* relative =
            up ? (e.to == t ? e.from : nullptr) : (e.from == t ? e.to : nullptr);
        if (relative == nullptr || !seen.insert(relative->task_id).second) continue;
        ids.push_back(Str(relative->task_id));
        if (t->dag != nullptr) {
          auto found = t->dag->task_dict.find(relative->task_id);
          if (found != t->dag->task_dict.end()) tasks.push_back(found->second->self);
        }
      }
      if (name.ends_with("_ids")) return Set(std::move(ids));
      if (t->dag == nullptr)
        return ev.Unknown(node, frame, fmt::format("task '{}' has no DAG yet", t->task_id));
      return List(std::move(tasks));
    }
    for (const auto& [k, v] : t->effective_arguments) {
      if (k == name) return v;
    }
    return ev.Unknown(node, frame, fmt::format("attribute '{}' of task '{}'", name, t->task_id));
  }
  if (Is(obj, Kind::kDag)) {
    DagObj* d = obj->dag;
    if (name == "dag_id") return Str(d->dag_id);
    if (name == "default_args") return d->default_args != nullptr ? d->default_args : Dict();
    if (name == "tasks") {
      std::vector<Val> tasks;
      for (TaskObj* t : d->tasks) tasks.push_back(t->self);
      return List(std::move(tasks));
    }
    if (name == "task_dict") {
      Val dict = Dict();
      for (TaskObj* t : d->tasks) DictSet(dict, Str(t->task_id), t->self);
      return dict;
    }
    if (name == "task_ids") {
      std::vector<Val> ids;
      for (TaskObj* t : d->tasks) ids.push_back(Str(t->task_id));
      return List(std::move(ids));
    }
    if (name == "add_task" || name == "add_tasks" || name == "get_task" || name == "has_task" ||
        name == "set_dependency") {
      return BoundMethod(obj, name);
    }
    for (const auto& [k, v] : d->arguments) {
      if (k == name) return v;
    }
    return ev.Unknown(node, frame, fmt::format("attribute '{}' of DAG '{}'", name, d->dag_id));
  }
  if (Is(obj, Kind::kTaskGroup)) {
    if (name == "group_id") return Str(obj->group->group_id);
    // TaskGroup.set_upstream / set_downstream: the group's roots / leaves, as `>>` links them.
    if (name == "set_upstream" || name == "set_downstream") return BoundMethod(obj, name);
    if (name == "dag" && obj->group->dag != nullptr && obj->group->dag->self != nullptr)
      return obj->group->dag->self;
    return ev.Unknown(node, frame, fmt::format("attribute '{}' of a TaskGroup", name));
  }
  return nullptr;
}

bool SetAirflowAttribute(Evaluator& ev, const Val& obj, const std::string& name, const Val& value,
                         TSNode node, Frame& frame) {
  if (Is(obj, Kind::kTask)) {
    if (name == "dag" && Is(value, Kind::kDag)) {
      if (obj->task->dag == nullptr) {
        AttachToDag(ev, obj->task, value->dag, node, frame);
      } else if (obj->task->dag != value->dag) {
        ev.FailImportIfCertain(
            "DP122", node, frame,
            fmt::format("the DAG of task '{}' can not be changed: Airflow raises "
                        "AirflowException",
                        obj->task->task_id),
            "create the task for the DAG it belongs to");
      }
    }
    return true;
  }
  return Is(obj, Kind::kDag) || Is(obj, Kind::kTaskGroup);
}

Val CallAirflowMethod(Evaluator& ev, const Val& receiver, const std::string& name, CallArgs& args,
                      TSNode node, Frame& frame) {
  if (Is(receiver, Kind::kTask) || Is(receiver, Kind::kTaskGroup)) {
    if ((name == "set_downstream" || name == "set_upstream") && !args.positional.empty()) {
      if (name == "set_downstream") {
        AddDependencies(ev, receiver, args.positional[0], node, frame);
      } else {
        AddDependencies(ev, args.positional[0], receiver, node, frame);
      }
      return None();
    }
    return nullptr;
  }
  if (Is(receiver, Kind::kDag)) {
    DagObj* d = receiver->dag;
    if ((name == "add_task" || name == "add_tasks") && !args.positional.empty()) {
      std::vector<TaskObj*> tasks;
      if (TasksOf(ev, args.positional[0], Side::kDownstream, tasks)) {
        for (TaskObj* t : tasks) {
          if (t->dag == nullptr) AttachToDag(ev, t, d, node, frame);
        }
      }
      return None();
    }
    if (name == "set_dependency" && args.positional.size() == 2) {
      // DAG.set_dependency(upstream_id, downstream_id): get_task on each id, then >>.
      TaskObj* ends[2] = {nullptr, nullptr};
      for (int k = 0; k < 2; ++k) {
        if (!Is(args.positional[k], Kind::kStr)) {
          return ev.Unknown(node, frame, "a task id that is not known statically");
        }
        for (TaskObj* t : d->tasks) {
          if (t->task_id == args.positional[k]->text) ends[k] = t;
        }
        if (ends[k] == nullptr) {
          ev.FailImportIfCertain(
              "DP153", node, frame,
              fmt::format("DAG '{}' has no task '{}': set_dependency raises TaskNotFound",
                          d->dag_id, args.positional[k]->text),
              "create the task before the dependency, or fix the id");
          return None();
        }
      }
      AddDependencies(ev, ends[0]->self, ends[1]->self, node, frame);
      return None();
    }
    if (name == "get_task" && !args.positional.empty() && Is(args.positional[0], Kind::kStr)) {
      for (TaskObj* t : d->tasks) {
        if (t->task_id == args.positional[0]->text) return t->self;
      }
      return ev.Unknown(node, frame, "task not in the DAG");
    }
    return nullptr;
  }
  return nullptr;
}

}  // namespace dagport::parser
