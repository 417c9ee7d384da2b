#include "converters/airflow2/graph_comparison.h"

#include <fmt/format.h>

#include <map>
#include <set>

namespace dagport::converters::airflow2 {

namespace {

/// An operator class as it is on the target, so that a 1.x path and its 2.x successor compare
/// equal.
std::string OnTarget(const std::string& path, const AirflowVersion& target,
                     const ProjectFacts& project) {
  const std::string canonical = CanonicalLegacyPath(path, project);
  std::string moved = TargetPath(Api::Get(), canonical, target);
  return moved.empty() ? canonical : moved;
}

using Edges = std::set<std::pair<std::string, std::string>>;

}  // namespace

std::vector<std::string> CompareGraphs(const ir::DagFile& original, const ir::DagFile& converted,
                                       const AirflowVersion& target, const ProjectFacts& project,
                                       size_t limit) {
  std::vector<std::string> out;
  auto note = [&](std::string line) {
    if (out.size() < limit) out.push_back(std::move(line));
  };
  std::map<std::string, const ir::Dag*> before, after;
  for (const ir::Dag& d : original.dags) before.emplace(d.dag_id, &d);
  for (const ir::Dag& d : converted.dags) after.emplace(d.dag_id, &d);
  for (const auto& [id, dag] : before) {
    auto it = after.find(id);
    if (it == after.end()) {
      note(fmt::format("DAG '{}' ({} tasks) is gone", id, dag->tasks.size()));
      continue;
    }
    std::map<std::string, std::string> tasks_before, tasks_after;
    for (const ir::Task& t : dag->tasks)
      tasks_before[t.task_id] = OnTarget(t.operator_class, target, project);
    for (const ir::Task& t : it->second->tasks)
      tasks_after[t.task_id] = OnTarget(t.operator_class, target, project);
    for (const auto& [task, op] : tasks_before) {
      auto t = tasks_after.find(task);
      if (t == tasks_after.end()) {
        note(fmt::format("DAG '{}': task '{}' is gone", id, task));
      } else if (t->second != op) {
        note(fmt::format("DAG '{}': task '{}' is a {} instead of a {}", id, task, t->second, op));
      }
    }
    for (const auto& [task, op] : tasks_after) {
      if (!tasks_before.contains(task)) note(fmt::format("DAG '{}': new task '{}'", id, task));
    }
    Edges edges_before, edges_after;
    for (const ir::Edge& e : dag->edges) edges_before.emplace(e.from, e.to);
    for (const ir::Edge& e : it->second->edges) edges_after.emplace(e.from, e.to);
    for (const auto& [from, to] : edges_before) {
      if (!edges_after.contains({from, to}))
        note(fmt::format("DAG '{}': dependency {} >> {} is gone", id, from, to));
    }
    for (const auto& [from, to] : edges_after) {
      if (!edges_before.contains({from, to}))
        note(fmt::format("DAG '{}': new dependency {} >> {}", id, from, to));
    }
  }
  for (const auto& [id, dag] : after) {
    if (!before.contains(id)) note(fmt::format("new DAG '{}'", id));
  }
  return out;
}

}  // namespace dagport::converters::airflow2
