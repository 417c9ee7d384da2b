#include "converters/airflow2/graph_comparison.h"

#include "converters/containers/wrapper_module.h"
#include "ir/graph_checks.h"

#include <fmt/format.h>

#include <map>
#include <set>

namespace dagport::converters::airflow2 {

namespace {

/// An operator class as it is on the target, so that a 1.x path and its 2.x successor compare
/// equal.
std::string OnTarget(const std::string& path, const AirflowVersion& target,
                     const ProjectFacts& project, bool original) {
  const std::string canonical = CanonicalLegacyPath(path, project);
  // A task of a container class is a container task after the conversion: in the converted
  // file it must be one already (a call left unconverted is a difference).
  if (original &&
      (project.containers.classes.contains(canonical) || project.containers.classes.contains(path)))
    return std::string(containers::kWrapperModule) + "." + containers::kWrapperClass;
  std::string moved = TargetPath(Api::Get(), canonical, target);
  return moved.empty() ? canonical : moved;
}

/// The SubDagOperator task `group` of `parent` replaced by the tasks of its sub-DAG, as a
/// TaskGroup of that id would hold them.
void FoldSubdag(GraphSummary& summary, const std::string& parent, const std::string& group,
                const std::string& subdag) {
  auto sub = summary.dags.find(subdag);
  auto into = summary.dags.find(parent);
  if (sub == summary.dags.end() || into == summary.dags.end()) return;
  const GraphSummary::Dag inner = std::move(sub->second);
  summary.dags.erase(sub);
  GraphSummary::Dag& dag = into->second;
  const std::string prefix = group + ".";
  std::set<std::string> roots, leaves;
  for (const auto& [task, op] : inner.tasks) {
    dag.tasks[prefix + task] = op;
    roots.insert(task);
    leaves.insert(task);
  }
  for (const auto& [from, to] : inner.edges) {
    dag.edges.emplace(prefix + from, prefix + to);
    roots.erase(to);
    leaves.erase(from);
  }
  dag.tasks.erase(group);
  std::set<std::pair<std::string, std::string>> edges;
  for (const auto& [from, to] : dag.edges) {
    if (from == group && to == group) continue;
    if (to == group) {
      for (const std::string& r : roots) edges.emplace(from, prefix + r);
    } else if (from == group) {
      for (const std::string& l : leaves) edges.emplace(prefix + l, to);
    } else {
      edges.emplace(from, to);
    }
  }
  dag.edges = std::move(edges);
}

/// The DAGs of an Airflow 1.10 analysis whose schedule is a cron expression croniter rejects,
/// with their sub-DAGs: 1.10 loads them with an import error and cannot schedule them, Airflow 2
/// refuses them (DP127, reported for the file), so they are not the conversion's to keep.
std::set<std::string, std::less<>> UnschedulableDags(const ir::DagFile& file) {
  std::set<std::string, std::less<>> out;
  // A sub-DAG comes after its parent in the file's DAGs (DagBag's order).
  for (const ir::Dag& d : file.dags) {
    if (ir::InvalidCronSchedule(d) || (!d.parent_dag.empty() && out.contains(d.parent_dag)))
      out.insert(d.dag_id);
  }
  return out;
}

}  // namespace

GraphSummary Summarize(const ir::DagFile& file, const AirflowVersion& target,
                       const ProjectFacts& project, bool original,
                       const SubdagGroups* subdag_groups) {
  GraphSummary summary;
  // --no-wrapper: a container task is the target's operator itself in the converted file.
  std::string direct;
  if (!original && project.container_config != nullptr && !project.container_config->wrapper) {
    const containers::TargetOperator op =
        containers::TargetOperatorFor(project.container_config->target, target);
    direct = op.module + "." + op.name;
  }
  // A file has few operator classes and many tasks: each class is looked up once.
  std::map<std::string_view, std::string> classes;
  auto on_target = [&](const std::string& path) -> const std::string& {
    auto it = classes.find(path);
    if (it == classes.end())
      it = classes.emplace(path, OnTarget(path, target, project, original)).first;
    return it->second;
  };
  const std::set<std::string, std::less<>> unschedulable =
      original ? UnschedulableDags(file) : std::set<std::string, std::less<>>{};
  for (const ir::Dag& d : file.dags) {
    // Airflow 2 also loads DAGs only a `with` block registered; they are not the conversion's
    // doing, and are reported on their own (DP216).
    if (!original && d.auto_registered) continue;
    if (unschedulable.contains(d.dag_id)) continue;
    GraphSummary::Dag& dag = summary.dags[d.dag_id];
    for (const ir::Task& t : d.tasks) {
      if (!direct.empty() && project.containers.tasks.contains({d.dag_id, t.task_id}) &&
          on_target(t.operator_class) == direct) {
        dag.tasks[t.task_id] =
            std::string(containers::kWrapperModule) + "." + containers::kWrapperClass;
        continue;
      }
      dag.tasks[t.task_id] =
          original && project.containers.calls.contains({t.where.line, t.where.column})
              ? std::string(containers::kWrapperModule) + "." + containers::kWrapperClass
              : on_target(t.operator_class);
    }
    for (const ir::Edge& e : d.edges) dag.edges.emplace(e.from, e.to);
  }
  if (original && subdag_groups != nullptr && !subdag_groups->empty()) {
    for (const ir::Dag& d : file.dags) {
      for (const ir::Task& t : d.tasks) {
        if (!t.subdag.empty() && subdag_groups->contains({t.where.line, t.where.column}))
          FoldSubdag(summary, d.dag_id, t.task_id, t.subdag);
      }
    }
  }
  return summary;
}

void ReportAutoRegistered(const ir::DagFile& converted, const GraphSummary& original,
                          std::vector<ir::Diagnostic>& diagnostics) {
  for (const ir::Dag& d : converted.dags) {
    if (!d.auto_registered || original.dags.contains(d.dag_id)) continue;
    diagnostics.push_back(ir::MakeDiagnostic(
        "DP216", converted.path, d.where,
        fmt::format("Airflow 2 loads DAG '{}' ({} tasks), which Airflow 1.10 did not: no global "
                    "holds it, but it is used in a `with` block and Airflow 2.4+ registers such "
                    "DAGs",
                    d.dag_id, d.tasks.size()),
        "if it should not run, pass auto_register=False to its DAG(...) or drop it; if it "
        "should, nothing to do (it was probably meant to load all along)"));
  }
}

uint64_t Fingerprint(const GraphSummary& summary) {
  uint64_t hash = 14695981039346656037ULL;  // FNV-1a over every string, each ended by a 0 byte
  auto add = [&](std::string_view s) {
    for (const char c : s) hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
    hash = (hash ^ 0xFFu) * 1099511628211ULL;
  };
  for (const auto& [id, dag] : summary.dags) {
    add("dag");
    add(id);
    for (const auto& [task, op] : dag.tasks) {
      add(task);
      add(op);
    }
    add("edges");
    for (const auto& [from, to] : dag.edges) {
      add(from);
      add(to);
    }
  }
  return hash;
}

std::vector<std::string> CompareGraphs(const GraphSummary& original, const GraphSummary& converted,
                                       size_t limit) {
  std::vector<std::string> out;
  auto note = [&](std::string line) {
    if (out.size() < limit) out.push_back(std::move(line));
  };
  for (const auto& [id, dag] : original.dags) {
    auto it = converted.dags.find(id);
    if (it == converted.dags.end()) {
      note(fmt::format("DAG '{}' ({} tasks) is gone", id, dag.tasks.size()));
      continue;
    }
    const GraphSummary::Dag& after = it->second;
    for (const auto& [task, op] : dag.tasks) {
      auto t = after.tasks.find(task);
      if (t == after.tasks.end()) {
        note(fmt::format("DAG '{}': task '{}' is gone", id, task));
      } else if (t->second != op) {
        note(fmt::format("DAG '{}': task '{}' is a {} instead of a {}", id, task, t->second, op));
      }
    }
    for (const auto& [task, op] : after.tasks) {
      if (!dag.tasks.contains(task)) note(fmt::format("DAG '{}': new task '{}'", id, task));
    }
    for (const auto& [from, to] : dag.edges) {
      if (!after.edges.contains({from, to}))
        note(fmt::format("DAG '{}': dependency {} >> {} is gone", id, from, to));
    }
    for (const auto& [from, to] : after.edges) {
      if (!dag.edges.contains({from, to}))
        note(fmt::format("DAG '{}': new dependency {} >> {}", id, from, to));
    }
  }
  for (const auto& [id, dag] : converted.dags) {
    if (!original.dags.contains(id)) note(fmt::format("new DAG '{}'", id));
  }
  return out;
}

std::vector<std::string> CompareGraphs(const ir::DagFile& original, const ir::DagFile& converted,
                                       const AirflowVersion& target, const ProjectFacts& project,
                                       size_t limit, const SubdagGroups* subdag_groups) {
  return CompareGraphs(Summarize(original, target, project, /*original=*/true, subdag_groups),
                       Summarize(converted, target, project, /*original=*/false), limit);
}

}  // namespace dagport::converters::airflow2
