#pragma once
/// What a simulation replays, prepared once and shared read-only by every replay: the DAGs
/// compiled for scheduling, their runs over the horizon, each task's duration model and its
/// footprint compiled for per-run rendering, pools and tie-break ranks.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "ir/diagnostic.h"
#include "ir/graph.h"
#include "sched/dag_plan.h"
#include "sched/template_context.h"
#include "sched/timetable.h"
#include "simulator/durations.h"
#include "simulator/settings.h"

namespace dagport::simulator {

struct CompiledAccess {
  sched::PathTemplate path;
  std::string text;  ///< the path as written
  std::string mode;
  std::string resource;
  bool possible = false;
  bool global = false;  ///< clashes across hosts (an S3 key, a declared shared resource)
};

struct WorkloadTask {
  DurationModel duration;
  std::vector<CompiledAccess> footprint;  ///< without `unique` accesses
  bool installs_on_worker = false;
  uint32_t pool = 0;
  uint32_t global_index = 0;  ///< across all DAGs (per-task limits)
  uint64_t tie = 0;           ///< (dag_id, task_id) rank: the deterministic tie-break
  int trigger_dag = -1;       ///< TriggerDagRunOperator: index of the DAG it triggers
  /// An ECS run-task operator (EcsRunTaskOperator, ECSOperator, or a subclass such as the
  /// converter's ContainerTaskOperator): under Celery it holds a worker slot while its container
  /// runs on Fargate, which is billed.
  bool on_fargate = false;
};

struct WorkloadDag {
  sched::DagPlan plan;
  std::vector<WorkloadTask> tasks;
  std::vector<sched::RunInterval> runs;
};

/// A run requested by hand (`--trigger DAG_ID[@TIME]`), for DAGs scheduled None.
struct ManualTrigger {
  std::string dag_id;
  sched::Millis at = 0;
};

/// An access the configuration adds to a task ("simulate.footprints" of dagport.json).
struct ExtraAccess {
  std::string task_key;  ///< "dag_id.task_id"
  ir::HostAccess access;
  bool global = false;
};

struct Workload {
  Settings settings;
  sched::Millis start = 0, end = 0;  ///< the horizon
  std::vector<WorkloadDag> dags;     ///< sorted by dag_id
  std::vector<std::string> pools;    ///< index 0 is default_pool
  std::vector<int> pool_slots;
  std::vector<ManualTrigger> triggers;
  size_t scheduled_runs = 0;
  size_t task_instances = 0;  ///< of the scheduled runs
};

/// Prepares the workload of `project`. DAGs that cannot be simulated (unknown schedule) and
/// DAGs Airflow would not load are reported in `diagnostics`, never dropped silently.
Workload BuildWorkload(const ir::Project& project, const Settings& settings,
                       const Durations& durations, const std::vector<ManualTrigger>& triggers,
                       const std::vector<ExtraAccess>& extra_accesses,
                       std::vector<ir::Diagnostic>& diagnostics);

/// The default horizon start: midnight UTC after the latest known start_date of the project's
/// DAGs, so that every DAG is running; 2025-01-01 when no DAG names one.
sched::Millis DefaultStart(const ir::Project& project);

}  // namespace dagport::simulator
