#pragma once
/// What `dagport simulate` reports, computed from the replays: conflicts with their probability
/// over the replays, and per DAG run and per day the makespan, queueing, utilisation, SLA misses
/// and cost of the first replay (the trace the CSV, HTML and WfFormat outputs show).

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "ir/diagnostic.h"
#include "simulator/simulation.h"
#include "simulator/workload.h"

namespace dagport::simulator {

struct ConflictSummary {
  std::string resource;
  std::string host;   ///< where it happened first (in the first replay that had it)
  std::string first;  ///< "dag.task@run_id"
  std::string second;
  std::string first_mode, second_mode;
  sched::Millis from = 0, to = 0;  ///< overlap in the first replay that had it
  int replays_seen = 0;
  double probability = 0;
  bool possible = false;
  std::string fix;
  std::string pattern;
  std::string first_task, second_task;  ///< "dag_id.task_id"
};

/// The conflicts of one pair of tasks on one path as written: what a team fixes once.
struct ConflictGroup {
  std::string pattern;     ///< the path as the tasks write it ("/tmp/pricing_{{ ds }}.json")
  std::string first_task;  ///< "dag_id.task_id"
  std::string second_task;
  size_t instances = 0;  ///< conflicting instance pairs over all replays
  int replays_seen = 0;
  double probability = 0;   ///< share of replays with at least one of them
  double per_replay = 0;    ///< mean conflicting instance pairs per replay
  ConflictSummary example;  ///< the first one seen
  std::string fix;
};

struct RunSummary {
  std::string dag_id;
  std::string run_id;
  sched::Millis logical_date = 0, run_after = 0, start = -1, end = -1;
  std::string state;      ///< success, failed, queued (max_active_runs), running (cut off)
  double makespan_s = 0;  ///< end - run_after
};

struct DaySummary {
  sched::Millis day = 0;
  size_t runs = 0, task_instances = 0, attempts = 0, failed = 0;
  double makespan_p50_s = 0, makespan_max_s = 0;
  double wait_p50_s = 0, wait_p95_s = 0, wait_p99_s = 0;
  double utilisation = 0;  ///< busy slot time / capacity slot time (0 when unbounded)
  bool bounded = false;    ///< the executor has a slot limit (utilisation means something)
  int peak_running = 0;
  size_t sla_misses = 0;
  double fargate_cost = 0;
};

struct SimulationReport {
  std::string executor;
  std::string mwaa_class;
  uint64_t seed = 0;
  int replays = 1;
  sched::Millis start = 0, end = 0;
  size_t dags = 0, scheduled_runs = 0, task_instances = 0;
  std::vector<ConflictGroup> conflict_groups;  ///< most probable first
  std::vector<ConflictSummary> conflicts;      ///< per task-instance pair
  std::vector<RunSummary> runs;
  std::vector<DaySummary> days;
  std::vector<UtilisationBucket> utilisation;
  sched::Millis bucket = 0;
  double wait_p50_s = 0, wait_p95_s = 0, wait_p99_s = 0;
  int peak_workers = 0;
  double worker_hours = 0;
  std::vector<std::string> sla_misses;  ///< "dag.task@run_id (deadline, end)"
  // Cost over the horizon.
  std::string currency, prices_as_of, prices_source;
  double fargate_cost = 0;
  std::optional<double> mwaa_environment_cost, mwaa_worker_cost;
  /// Makespan of the whole horizon (first run due to last task end) per replay.
  double horizon_makespan_p50_s = 0, horizon_makespan_p95_s = 0;
  bool cut_off = false;
  size_t never_queued = 0;
  size_t unfinished_runs = 0;
  std::vector<ir::Diagnostic> diagnostics;
};

/// Runs `replays` simulations with seeds seed, seed+1, ... on `jobs` threads and builds the
/// report. `first` receives the first replay's full result (for CSV, HTML and WfFormat).
/// `progress`, when set, is called with the number of replays done after each one (from the
/// thread that finished it, one call at a time).
SimulationReport RunReplays(const Workload& workload, uint64_t seed, int replays, unsigned jobs,
                            SimulationResult* first,
                            const std::function<void(int done)>& progress = {});

/// "dag_id.task_id@run_id" of a task instance of `result`.
std::string InstanceName(const Workload& w, const SimulationResult& result, uint32_t ti);
std::string RunId(const RunRecord& run);

}  // namespace dagport::simulator
