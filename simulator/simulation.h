#pragma once
/// One simulated horizon: a discrete-event replay of the workload's DAG runs through Airflow 2's
/// scheduler (sched::Scheduler on a virtual clock) and an executor model, with every random
/// choice drawn from one seed. The same workload and seed give the same result, bit for bit.

#include <cstdint>
#include <string>
#include <vector>

#include "sched/dag_run.h"
#include "sched/scheduler.h"
#include "simulator/conflict_detector.h"
#include "simulator/executor_model.h"
#include "simulator/workload.h"

namespace dagport::simulator {

constexpr uint32_t kNoAttempt = 0xffffffffu;

struct AttemptRecord {
  uint32_t ti = 0;
  int try_number = 1;
  sched::TiState outcome = sched::TiState::kNone;
  bool timed_out = false;
  bool no_executor = false;  ///< EmptyOperator: set to success by the scheduler itself
  uint32_t host = kIsolatedHost;
  sched::Millis ready = 0;     ///< scheduled and seen by the scheduler
  sched::Millis queued = 0;    ///< admitted (QUEUED)
  sched::Millis launched = 0;  ///< billing starts (Fargate), pod created
  sched::Millis start = -1;    ///< RUNNING
  sched::Millis end = -1;
  double cost = 0;  ///< Fargate cost of this attempt
};

/// A task instance as the scheduler left it, and its latest try.
struct TaskInstanceRecord : sched::TaskInstanceRecord {
  uint32_t last_attempt = kNoAttempt;
};

using RunRecord = sched::RunRecord;

struct UtilisationBucket {
  sched::Millis from = 0;
  double busy_slot_seconds = 0;
  double capacity_slot_seconds = 0;
  int peak_running = 0;
};

struct SlaMiss {
  uint32_t ti = 0;
  sched::Millis deadline = 0;
  sched::Millis end = -1;  ///< -1: not finished by the end of the simulation
};

struct SimulationResult {
  uint64_t seed = 0;
  std::vector<RunRecord> runs;
  std::vector<TaskInstanceRecord> tis;
  std::vector<AttemptRecord> attempts;
  std::vector<ConflictRecord> conflicts;
  std::vector<std::string> hosts;
  std::vector<UtilisationBucket> utilisation;
  sched::Millis bucket = 0;
  std::vector<SlaMiss> sla_misses;
  sched::Millis finished_at = 0;  ///< the last event
  bool cut_off = false;           ///< work was left when the simulation stopped
  int peak_workers = 0;
  double worker_seconds = 0;
  double extra_worker_seconds = 0;
  double fargate_cost = 0;
  size_t never_queued = 0;  ///< pool_slots larger than the pool
  /// Runs not finished when the simulation ended (depends_on_past on a failed past, a task that
  /// is never queued, or work cut off 7 days after the horizon).
  size_t unfinished_runs = 0;

  std::string HostName(uint32_t host, uint32_t attempt) const;
};

/// Simulates `workload` with `seed`.
SimulationResult Simulate(const Workload& workload, uint64_t seed);

}  // namespace dagport::simulator
