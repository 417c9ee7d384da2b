#include "ir/graph_checks.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <string_view>
#include <utility>
#include <vector>

#include "ir/airflow_id.h"
#include "ir/cron.h"

namespace dagport::ir {

namespace {

constexpr size_t kMaxCyclesReported = 5;

/// A DAG's task ids, each with the index of the first task that has it: an open-addressing
/// table in one array, where a node-based hash table would allocate per task (every DAG of
/// every file is checked).
class TaskIndex {
 public:
  static constexpr size_t kNone = static_cast<size_t>(-1);

  explicit TaskIndex(const Dag& dag) {
    size_t capacity = 8;
    while (capacity < dag.tasks.size() * 2) capacity *= 2;
    slots_.assign(capacity, {{}, kNone});
    for (size_t i = 0; i < dag.tasks.size(); ++i) {
      Slot& slot = slots_[SlotOf(dag.tasks[i].task_id)];
      if (slot.index == kNone) slot = {dag.tasks[i].task_id, i};  // the first one stays
    }
  }
  /// The index of the first task with `id`, or kNone.
  size_t Find(std::string_view id) const { return slots_[SlotOf(id)].index; }

 private:
  struct Slot {
    std::string_view id;
    size_t index;
  };
  /// Where `id` is, or the empty slot where it would go.
  size_t SlotOf(std::string_view id) const {
    const size_t mask = slots_.size() - 1;
    for (size_t at = std::hash<std::string_view>{}(id)&mask;; at = (at + 1) & mask) {
      if (slots_[at].index == kNone || slots_[at].id == id) return at;
    }
  }
  std::vector<Slot> slots_;  ///< a power of two, at most half full: a probe always ends
};

/// Finds cycles with an iterative depth-first search (DAGs of 100,000 tasks must not overflow
/// the stack) and reports each back edge as the cycle it closes, in task order.
void CheckCycles(const Dag& dag, const TaskIndex& index, const std::string& file,
                 std::vector<Diagnostic>& out) {
  // Each task's outgoing edges (indexes into dag.edges, in edge order), as one array with a
  // start offset per task.
  const size_t tasks = dag.tasks.size();
  std::vector<size_t> from(dag.edges.size(), TaskIndex::kNone), to(dag.edges.size());
  std::vector<size_t> start(tasks + 1, 0);
  for (size_t e = 0; e < dag.edges.size(); ++e) {
    const size_t f = index.Find(dag.edges[e].from);
    const size_t t = f == TaskIndex::kNone ? f : index.Find(dag.edges[e].to);
    if (t == TaskIndex::kNone) continue;
    from[e] = f, to[e] = t;
    ++start[f + 1];
  }
  for (size_t i = 0; i < tasks; ++i) start[i + 1] += start[i];
  std::vector<size_t> downstream(start[tasks]);
  {
    std::vector<size_t> filled(start.begin(), start.end() - 1);
    for (size_t e = 0; e < dag.edges.size(); ++e)
      if (from[e] != TaskIndex::kNone) downstream[filled[from[e]]++] = e;
  }

  enum class Mark { kNew, kOnPath, kDone };
  std::vector<Mark> mark(tasks, Mark::kNew);
  std::vector<size_t> path;  // task indexes from the DFS root to the current task
  struct Frame {
    size_t task;
    size_t next_edge;  ///< into `downstream`
  };
  std::vector<Frame> stack;
  size_t reported = 0;

  for (size_t root = 0; root < tasks && reported < kMaxCyclesReported; ++root) {
    if (mark[root] != Mark::kNew) continue;
    stack.push_back({root, start[root]});
    mark[root] = Mark::kOnPath;
    path.push_back(root);
    while (!stack.empty()) {
      Frame& f = stack.back();
      if (f.next_edge == start[f.task + 1]) {
        mark[f.task] = Mark::kDone;
        path.pop_back();
        stack.pop_back();
        continue;
      }
      const size_t e = downstream[f.next_edge++];
      const Edge& edge = dag.edges[e];
      const size_t next = to[e];
      if (mark[next] == Mark::kNew) {
        mark[next] = Mark::kOnPath;
        path.push_back(next);
        stack.push_back({next, start[next]});
      } else if (mark[next] == Mark::kOnPath && reported < kMaxCyclesReported) {
        std::vector<std::string_view> names;
        for (auto it = std::find(path.begin(), path.end(), next); it != path.end(); ++it)
          names.push_back(dag.tasks[*it].task_id);
        names.push_back(dag.tasks[next].task_id);
        out.push_back(MakeDiagnostic(
            "DP150", file, edge.where,
            fmt::format(
                "cycle in DAG '{}': {} (Airflow: \"Cycle detected in DAG. Faulty task: {}\")",
                dag.dag_id, fmt::join(names, " >> "), dag.tasks[next].task_id),
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
  const TaskIndex index(dag);
  for (size_t i = 0; i < dag.tasks.size(); ++i) {
    const Task& t = dag.tasks[i];
    if (!t.dynamic && !IsValidAirflowId(t.task_id)) {
      out.push_back(MakeDiagnostic(
          "DP152", file, t.where,
          fmt::format("task id '{}' in DAG '{}' is not a valid Airflow id", t.task_id, dag.dag_id),
          "use only ASCII letters, digits, '_', '.' and '-', at most 250 characters"));
    }
    if (const size_t first = index.Find(t.task_id); first != i && !t.dynamic) {
      out.push_back(
          MakeDiagnostic("DP151", file, t.where,
                         fmt::format("task id '{}' has already been added to DAG '{}' (line {})",
                                     t.task_id, dag.dag_id, dag.tasks[first].where.line),
                         "give each task of a DAG its own task_id"));
    }
  }
  for (const Edge& e : dag.edges) {
    for (const std::string* end : {&e.from, &e.to}) {
      if (index.Find(*end) == TaskIndex::kNone) {
        out.push_back(MakeDiagnostic(
            "DP153", file, e.where,
            fmt::format("dependency {} >> {} names task '{}', which is not in DAG '{}'", e.from,
                        e.to, *end, dag.dag_id),
            "check the task id, or add the task to this DAG"));
      }
    }
  }
  CheckCycles(dag, index, file, out);
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
