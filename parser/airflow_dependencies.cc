// Dependencies as Airflow sets them: `>>`, `<<`, `set_upstream`/`set_downstream`, `chain`,
// `cross_downstream`, with tasks, lists of tasks and task groups on either side.
#include <fmt/format.h>

#include <vector>

#include "parser/airflow_model.h"

namespace dagport::parser {

namespace {

/// The tasks of a TaskGroup that stand for it in a dependency, as Airflow 2 links groups: its
/// leaves (no downstream inside the group) when upstream, its roots (no upstream inside the
/// group) when downstream.
void GroupEnds(const Evaluator& ev, const GroupObj* group, Side side, std::vector<TaskObj*>& out) {
  std::vector<TaskObj*> members;
  for (TaskObj* t : group->dag != nullptr ? group->dag->tasks : std::vector<TaskObj*>{}) {
    for (const GroupObj* g = t->group; g != nullptr; g = g->parent) {
      if (g == group) {
        members.push_back(t);
        break;
      }
    }
  }
  auto member = [&](const TaskObj* t) {
    return std::find(members.begin(), members.end(), t) != members.end();
  };
  for (TaskObj* t : members) {
    bool linked_inside = false;
    for (const EdgeObj& e : ev.edges) {
      if (side == Side::kUpstream && e.from == t && member(e.to)) linked_inside = true;
      if (side == Side::kDownstream && e.to == t && member(e.from)) linked_inside = true;
    }
    if (!linked_inside) out.push_back(t);
  }
}

void AddEdge(Evaluator& ev, TaskObj* up, TaskObj* down, TSNode node, Frame& frame) {
  // Airflow assigns the DAG of one side to the other when only one has a DAG.
  if (up->dag != nullptr && down->dag == nullptr) AttachToDag(ev, down, up->dag, node, frame);
  if (down->dag != nullptr && up->dag == nullptr) AttachToDag(ev, up, down->dag, node, frame);
  if (up->dag != nullptr && down->dag != nullptr && up->dag != down->dag &&
      up->dag->dag_id != down->dag->dag_id) {
    ev.FailImportIfCertain(
        "DP122", node, frame,
        fmt::format(
            "dependency between tasks of two DAGs: '{}' in '{}' and '{}' in '{}'; Airflow raises "
            "\"Tried to set relationships between tasks in more than one DAG\"",
            up->task_id, up->dag->dag_id, down->task_id, down->dag->dag_id),
        "use an ExternalTaskSensor or a TriggerDagRunOperator between DAGs");
    return;
  }
  if (up->dag == nullptr && down->dag == nullptr) {
    ev.FailImportIfCertain(
        "DP122", node, frame,
        fmt::format(
            "dependency between '{}' and '{}', neither of which has a DAG yet; Airflow 1.10 raises "
            "\"Tried to create relationships between tasks that don't have DAGs yet\"",
            up->task_id, down->task_id),
        "give one of the tasks a DAG (dag=, or create it inside `with DAG(...)`) before linking "
        "them");
  }
  if (!ev.edge_set.Insert(up, down)) return;
  ev.edges.push_back(EdgeObj{up, down, ev.Range(node, frame)});
}

}  // namespace

Val Chain(Evaluator& ev, CallArgs& args, TSNode node, Frame& frame) {
  const std::vector<Val>& items = args.positional;
  for (size_t i = 0; i + 1 < items.size(); ++i) {
    const Val& up = items[i];
    const Val& down = items[i + 1];
    const bool up_list = Is(up, Kind::kList) || Is(up, Kind::kTuple);
    const bool down_list = Is(down, Kind::kList) || Is(down, Kind::kTuple);
    if (up_list && down_list) {
      if (up->items.size() != down->items.size()) {
        ev.FailImportIfCertain(
            "DP121", node, frame,
            fmt::format("chain() of lists of different lengths ({} and {}): Airflow raises "
                        "AirflowException",
                        up->items.size(), down->items.size()),
            "give both lists the same length");
        continue;
      }
      for (size_t k = 0; k < up->items.size(); ++k)
        AddDependencies(ev, up->items[k], down->items[k], node, frame);
    } else {
      AddDependencies(ev, up, down, node, frame);
    }
  }
  return None();
}

Val CrossDownstream(Evaluator& ev, CallArgs& args, TSNode node, Frame& frame) {
  const Val* from = !args.positional.empty() ? &args.positional[0] : args.Keyword("from_tasks");
  const Val* to = args.positional.size() > 1 ? &args.positional[1] : args.Keyword("to_tasks");
  if (from == nullptr || to == nullptr) return None();
  std::vector<Val> ups;
  if (!ev.Iterate(*from, ups, node, frame)) ups = {*from};
  for (const Val& up : ups) AddDependencies(ev, up, *to, node, frame);
  return None();
}

/// Task or list of tasks on one side of a dependency, flattened; false when something on that
/// side is not a task.
bool TasksOf(const Evaluator& ev, const Val& v, Side side, std::vector<TaskObj*>& out) {
  if (Is(v, Kind::kTask)) {
    out.push_back(v->task);
    return true;
  }
  if (Is(v, Kind::kTaskGroup)) {
    GroupEnds(ev, v->group, side, out);
    return true;
  }
  if (Is(v, Kind::kList) || Is(v, Kind::kTuple) || Is(v, Kind::kSet)) {
    for (const Val& item : v->items) {
      if (Is(item, Kind::kTask)) {
        out.push_back(item->task);
      } else if (Is(item, Kind::kTaskGroup)) {
        GroupEnds(ev, item->group, side, out);
      } else {
        return false;
      }
    }
    return true;
  }
  return false;
}

void AddDependencies(Evaluator& ev, const Val& upstream, const Val& downstream, TSNode node,
                     Frame& frame) {
  // Every `>>` of a file comes here: the two lists are kept per thread rather than allocated
  // each time (nothing below comes back to this function).
  thread_local std::vector<TaskObj*> ups;
  thread_local std::vector<TaskObj*> downs;
  ups.clear();
  downs.clear();
  const bool ups_known = TasksOf(ev, upstream, Side::kUpstream, ups);
  const bool downs_known = TasksOf(ev, downstream, Side::kDownstream, downs);
  if (!ups_known || !downs_known) {
    const Val& bad = ups_known ? downstream : upstream;
    ev.Report("DP123", node, frame,
              fmt::format("dependency on {} '{}', not a task dagport knows", TypeName(bad),
                          IsUnresolved(bad) ? bad->text.substr(0, 80)
                                            : std::string(ev.Text(node, frame).substr(0, 80))),
              "this dependency is not in the graph; check that both sides are operators");
    // Still link what is known on each side.
  }
  for (TaskObj* up : ups) {
    for (TaskObj* down : downs) AddEdge(ev, up, down, node, frame);
  }
}

}  // namespace dagport::parser
