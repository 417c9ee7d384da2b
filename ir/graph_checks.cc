#include "ir/graph_checks.h"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_map>

#include "ir/airflow_id.h"
#include "ir/cron.h"

namespace dagport::ir {

namespace {

constexpr size_t kMaxCyclesReported = 5;

/// Finds cycles with an iterative depth-first search (DAGs of 100,000 tasks must not overflow
/// the stack) and reports each back edge as the cycle it closes, in task order.
void CheckCycles(const Dag& dag, const std::string& file, std::vector<Diagnostic>& out) {
  std::unordered_map<std::string_view, size_t> index;
  for (size_t i = 0; i < dag.tasks.size(); ++i) index.emplace(dag.tasks[i].task_id, i);
  std::vector<std::vector<size_t>> downstream(dag.tasks.size());  // edge indexes
  for (size_t e = 0; e < dag.edges.size(); ++e) {
    auto from = index.find(dag.edges[e].from);
    if (from != index.end() && index.contains(dag.edges[e].to))
      downstream[from->second].push_back(e);
  }

  enum class Mark { kNew, kOnPath, kDone };
  std::vector<Mark> mark(dag.tasks.size(), Mark::kNew);
  std::vector<size_t> path;  // task indexes from the DFS root to the current task
  struct Frame {
    size_t task;
    size_t next_edge;
  };
  size_t reported = 0;

  for (size_t root = 0; root < dag.tasks.size() && reported < kMaxCyclesReported; ++root) {
    if (mark[root] != Mark::kNew) continue;
    std::vector<Frame> stack{{root, 0}};
    mark[root] = Mark::kOnPath;
    path.push_back(root);
    while (!stack.empty()) {
      Frame& f = stack.back();
      if (f.next_edge == downstream[f.task].size()) {
        mark[f.task] = Mark::kDone;
        path.pop_back();
        stack.pop_back();
        continue;
      }
      const Edge& edge = dag.edges[downstream[f.task][f.next_edge++]];
      const size_t to = index.at(edge.to);
      if (mark[to] == Mark::kNew) {
        mark[to] = Mark::kOnPath;
        path.push_back(to);
        stack.push_back({to, 0});
      } else if (mark[to] == Mark::kOnPath && reported < kMaxCyclesReported) {
        auto start = std::find(path.begin(), path.end(), to);
        std::vector<std::string_view> names;
        for (auto it = start; it != path.end(); ++it) names.push_back(dag.tasks[*it].task_id);
        names.push_back(dag.tasks[to].task_id);
        out.push_back(MakeDiagnostic(
            "DP150", file, edge.where,
            fmt::format(
                "cycle in DAG '{}': {} (Airflow: \"Cycle detected in DAG. Faulty task: {}\")",
                dag.dag_id, fmt::join(names, " >> "), dag.tasks[to].task_id),
            fmt::format("remove the dependency {} >> {} or another one in the cycle", edge.from,
                        edge.to)));
        ++reported;
      }
    }
  }
}

}  // namespace

std::vector<Diagnostic> CheckDag(const Dag& dag, const std::string& file) {
  std::vector<Diagnostic> out;
  if (!dag.dynamic && !IsValidAirflowId(dag.dag_id)) {
    out.push_back(MakeDiagnostic(
        "DP152", file, dag.where, fmt::format("DAG id '{}' is not a valid Airflow id", dag.dag_id),
        "use only ASCII letters, digits, '_', '.' and '-', at most 250 characters"));
  }
  std::unordered_map<std::string_view, const Task*> seen;
  for (const Task& t : dag.tasks) {
    if (!t.dynamic && !IsValidAirflowId(t.task_id)) {
      out.push_back(MakeDiagnostic(
          "DP152", file, t.where,
          fmt::format("task id '{}' in DAG '{}' is not a valid Airflow id", t.task_id, dag.dag_id),
          "use only ASCII letters, digits, '_', '.' and '-', at most 250 characters"));
    }
    auto [it, inserted] = seen.emplace(t.task_id, &t);
    if (!inserted && !t.dynamic) {
      out.push_back(
          MakeDiagnostic("DP151", file, t.where,
                         fmt::format("task id '{}' has already been added to DAG '{}' (line {})",
                                     t.task_id, dag.dag_id, it->second->where.line),
                         "give each task of a DAG its own task_id"));
    }
  }
  for (const Edge& e : dag.edges) {
    for (const std::string* end : {&e.from, &e.to}) {
      if (!seen.contains(*end)) {
        out.push_back(MakeDiagnostic(
            "DP153", file, e.where,
            fmt::format("dependency {} >> {} names task '{}', which is not in DAG '{}'", e.from,
                        e.to, *end, dag.dag_id),
            "check the task id, or add the task to this DAG"));
      }
    }
  }
  CheckCycles(dag, file, out);
  return out;
}

std::optional<std::string> InvalidCronSchedule(const Dag& dag) {
  const Value schedule = dag.Setting("schedule");
  if (schedule.kind() != ValueKind::kCron || schedule.as_text() == "@once") return std::nullopt;
  std::string why;
  if (ParseCron(schedule.as_text(), &why)) return std::nullopt;
  return why;
}

}  // namespace dagport::ir
