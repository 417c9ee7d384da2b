#include "simulator/workload.h"

#include <fmt/format.h>
#include <fnmatch.h>

#include <algorithm>
#include <numeric>
#include <optional>
#include <unordered_map>

namespace dagport::simulator {

namespace {

/// Whether an ECS run-task operator's task runs on Fargate: `launch_type='FARGATE'`, a
/// capacity provider strategy, or dagport's ContainerTaskOperator (always Fargate). Airflow's
/// operators default to the EC2 launch type, whose instances are not billed per task.
bool LaunchesOnFargate(const sched::TaskPlan& t) {
  if (t.operator_name == "ContainerTaskOperator") return true;
  const ir::Value* launch = ir::FindArgument(t.source->effective_arguments, "launch_type");
  if (launch != nullptr && launch->kind() == ir::ValueKind::kString)
    return launch->as_text() == "FARGATE";
  const ir::Value* providers =
      ir::FindArgument(t.source->effective_arguments, "capacity_provider_strategy");
  return providers != nullptr && !providers->is_none();
}

bool IsGlobal(const std::string& path, const Settings& s) {
  if (path.starts_with("s3://") || path.starts_with("s3a://") || path.starts_with("gs://"))
    return true;
  for (const std::string& g : s.global_resources) {
    if (path == g || (path.starts_with(g) && (g.back() == '/' || path[g.size()] == '/')))
      return true;
    if (fnmatch(g.c_str(), path.c_str(), 0) == 0) return true;
  }
  return false;
}

CompiledAccess Compile(const ir::HostAccess& a, const Settings& s, bool force_global) {
  return {sched::PathTemplate(a.path),        a.path, a.mode, a.resource, a.possible,
          force_global || IsGlobal(a.path, s)};
}

}  // namespace

sched::Millis DefaultStart(const ir::Project& project) {
  std::optional<sched::Millis> latest;
  for (const ir::DagFile& f : project.files) {
    for (const ir::Dag& d : f.dags) {
      const ir::Value v = d.Setting("start_date");
      if (v.kind() != ir::ValueKind::kDatetime) continue;
      const sched::Millis t = sched::ToMillis(v.datetime());
      if (!latest || t > *latest) latest = t;
    }
  }
  sched::Millis fallback = 0;
  sched::ParseIsoDate("2025-01-01", &fallback);
  if (!latest) return fallback;
  return (*latest / sched::kDay + 1) * sched::kDay;
}

Workload BuildWorkload(const ir::Project& project, const Settings& settings,
                       const Durations& durations, const std::vector<ManualTrigger>& triggers,
                       const std::vector<ExtraAccess>& extra_accesses,
                       std::vector<ir::Diagnostic>& diagnostics) {
  Workload w;
  w.settings = settings;
  w.start = settings.start;
  w.end = settings.start + settings.days * sched::kDay;
  w.pools.push_back("default_pool");
  w.pool_slots.push_back(settings.default_pool_slots);
  std::unordered_map<std::string, uint32_t> pool_index{{"default_pool", 0}};
  std::unordered_map<std::string, std::vector<const ExtraAccess*>> extras;
  for (const ExtraAccess& e : extra_accesses) extras[e.task_key].push_back(&e);
  // Custom operator classes and their bases, so that a subclass of BranchPythonOperator
  // branches and one of BaseSensorOperator is a sensor.
  std::unordered_map<std::string, const std::vector<std::string>*> bases;
  for (const ir::DagFile& file : project.files) {
    for (const ir::OperatorClass& c : file.operator_classes) bases.try_emplace(c.path, &c.bases);
  }
  // The first answer `test` gives for the class or one of its ancestors (breadth first), else
  // `otherwise`.
  auto through_bases = [&](const std::string& class_path, auto test, auto otherwise) {
    using Answer = decltype(otherwise);
    std::vector<std::string> frontier{class_path};
    for (int depth = 0; depth < 8 && !frontier.empty(); ++depth) {
      std::vector<std::string> next;
      for (const std::string& path : frontier) {
        if (auto answer = test(path)) return Answer{*answer};
        if (auto it = bases.find(path); it != bases.end())
          next.insert(next.end(), it->second->begin(), it->second->end());
      }
      frontier = std::move(next);
    }
    return otherwise;
  };
  auto kind_through_bases = [&](const std::string& class_path) {
    return through_bases(
        class_path,
        [](const std::string& path) -> std::optional<sched::TaskKind> {
          const sched::TaskKind kind = sched::KindOfOperator(path);
          if (kind != sched::TaskKind::kOther) return kind;
          return std::nullopt;
        },
        sched::TaskKind::kOther);
  };
  auto on_fargate = [&](const std::string& class_path) {
    return through_bases(
        class_path,
        [](const std::string& path) -> std::optional<bool> {
          const std::string_view name = std::string_view(path).substr(path.rfind('.') + 1);
          if (name == "EcsRunTaskOperator" || name == "ECSOperator" || name == "EcsOperator")
            return true;
          return std::nullopt;
        },
        false);
  };

  for (const ir::DagFile& file : project.files) {
    for (const ir::Dag& dag : file.recovered_dags) {
      diagnostics.push_back(ir::MakeDiagnostic(
          "DP303", file.path, dag.where,
          fmt::format("DAG {} is not simulated: Airflow would not load it", dag.dag_id),
          "Run `dagport inspect` on the file to see why, fix it, then simulate again."));
    }
    for (const ir::Dag& dag : file.dags) {
      if (!dag.parent_dag.empty()) continue;  // runs inside its SubDagOperator task
      auto plan = sched::PlanDag(dag, file.path, diagnostics);
      if (!plan) continue;
      for (sched::TaskPlan& t : plan->tasks) {
        if (t.kind == sched::TaskKind::kOther) t.kind = kind_through_bases(t.operator_class);
      }
      WorkloadDag wd;
      wd.plan = std::move(*plan);
      w.dags.push_back(std::move(wd));
    }
  }
  std::stable_sort(w.dags.begin(), w.dags.end(), [](const WorkloadDag& a, const WorkloadDag& b) {
    return a.plan.dag_id < b.plan.dag_id;
  });
  // Duplicate dag_ids: Airflow keeps one; so does the simulation (the first in file order was
  // reported by the parser's checks).
  w.dags.erase(std::unique(w.dags.begin(), w.dags.end(),
                           [](const WorkloadDag& a, const WorkloadDag& b) {
                             return a.plan.dag_id == b.plan.dag_id;
                           }),
               w.dags.end());
  std::unordered_map<std::string, int> dag_index;
  for (size_t i = 0; i < w.dags.size(); ++i) dag_index[w.dags[i].plan.dag_id] = static_cast<int>(i);

  uint32_t global = 0;
  for (size_t d = 0; d < w.dags.size(); ++d) {
    WorkloadDag& wd = w.dags[d];
    const sched::DagPlan& plan = wd.plan;
    std::vector<uint32_t> order(plan.tasks.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
      return plan.tasks[a].task_id < plan.tasks[b].task_id;
    });
    wd.tasks.resize(plan.tasks.size());
    for (uint32_t rank = 0; rank < order.size(); ++rank)
      wd.tasks[order[rank]].tie = (uint64_t{static_cast<uint32_t>(d)} << 32) | rank;
    for (size_t i = 0; i < plan.tasks.size(); ++i) {
      const sched::TaskPlan& t = plan.tasks[i];
      WorkloadTask& wt = wd.tasks[i];
      wt.duration = durations.For(plan.dag_id, t);
      wt.global_index = global++;
      auto [pool, added] = pool_index.try_emplace(t.pool, static_cast<uint32_t>(w.pools.size()));
      if (added) {
        w.pools.push_back(t.pool);
        auto it = settings.pools.find(t.pool);
        if (it == settings.pools.end()) {
          diagnostics.push_back(ir::MakeDiagnostic(
              "DP304", plan.file, t.source->where,
              fmt::format("pool '{}' of {}.{} has no size; simulated with {} slots", t.pool,
                          plan.dag_id, t.task_id, settings.default_pool_slots),
              "Give the pool's slots with --pool NAME=SLOTS, or in dagport.json (\"simulate\": "
              "{\"pools\": ...})."));
        }
        w.pool_slots.push_back(it == settings.pools.end() ? settings.default_pool_slots
                                                          : it->second);
      }
      wt.pool = pool->second;
      wt.installs_on_worker = t.source->InstallsOnWorker();
      wt.on_fargate = on_fargate(t.operator_class) && LaunchesOnFargate(t);
      for (const ir::HostAccess& a : t.source->footprint) {
        if (a.unique) continue;
        wt.footprint.push_back(Compile(a, settings, false));
      }
      if (auto it = extras.find(plan.dag_id + "." + t.task_id); it != extras.end()) {
        for (const ExtraAccess* e : it->second)
          wt.footprint.push_back(Compile(e->access, settings, e->global));
      }
      if (t.operator_name == "TriggerDagRunOperator") {
        const ir::Value* target = ir::FindArgument(t.source->arguments, "trigger_dag_id");
        if (target != nullptr && target->kind() == ir::ValueKind::kString) {
          if (auto it = dag_index.find(target->as_text()); it != dag_index.end())
            wt.trigger_dag = it->second;
        }
      }
    }
    sched::RunWindow window;
    window.from = w.start;
    window.to = w.end;
    window.start_date = plan.start_date;
    window.end_date = plan.end_date;
    window.catchup = plan.catchup;
    window.switched_on_at_from = settings.switched_on_at_start;
    wd.runs = sched::RunsIn(plan.timetable, window);
    w.scheduled_runs += wd.runs.size();
    w.task_instances += wd.runs.size() * plan.tasks.size();
  }
  for (const ManualTrigger& t : triggers) {
    if (!dag_index.count(t.dag_id)) {
      diagnostics.push_back(ir::MakeDiagnostic(
          "DP305", "", {},
          fmt::format("--trigger names DAG '{}', which is not simulated", t.dag_id),
          "Name a dag_id the input defines (dagport inspect lists them)."));
      continue;
    }
    w.triggers.push_back(t);
  }
  return w;
}

}  // namespace dagport::simulator
