#pragma once
/// Airflow 2's scheduler, once, for the simulator (virtual clock, modelled executors) and the
/// runtime (real clock, real processes): DAG runs created when due and started within
/// `max_active_runs`, task instances moved on by trigger rules and held by `depends_on_past`,
/// queued in priority order within the admission limits, retried after their delay,
/// EmptyOperator tasks set to success without an executor.
///
/// Everything outside the scheduler goes through SchedulerHost: when to be called again, the
/// latency before the scheduler sees a ready task, and the executor that runs what it queues.

#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

#include "sched/admission.h"
#include "sched/clock.h"
#include "sched/dag_plan.h"
#include "sched/dag_run.h"
#include "sched/timetable.h"

namespace dagport::sched {

constexpr uint32_t kNone32 = 0xffffffffu;

/// One DAG run and what became of it.
struct RunRecord {
  uint32_t dag = 0;
  Millis logical_date = 0;
  Millis run_after = 0;  ///< created (due)
  Millis start = -1;     ///< RUNNING (after max_active_runs allowed it)
  Millis end = -1;
  bool failed = false;
  bool triggered = false;
  uint32_t first_ti = 0;  ///< its task instances are first_ti + task index
};

/// One task instance and what became of it.
struct TaskInstanceRecord {
  uint32_t run = 0;
  uint32_t task = 0;
  TiState state = TiState::kNone;
  int tries = 0;
  Millis settled = -1;
};

/// What the scheduler needs to know about each task beyond its plan.
struct TaskKeys {
  uint32_t pool = 0;          ///< index into SchedulerConfig::pool_slots
  uint32_t global_index = 0;  ///< unique across all DAGs (per-task limits)
  uint64_t tie = 0;           ///< the deterministic tie-break: (dag_id, task_id) rank
};

struct SchedulerConfig {
  std::vector<const DagPlan*> dags;         ///< outlive the scheduler
  std::vector<std::vector<TaskKeys>> keys;  ///< per DAG, per task
  std::vector<int> pool_slots;
  int parallelism = 64;           ///< all schedulers together; 0 unlimited
  size_t tis_per_pass = 32;       ///< max_tis_per_query x schedulers
  Millis busy_loop = 500;         ///< next pass after one that used its budget
  Millis stop_creating_runs = 0;  ///< no @continuous run is created after this
};

/// A wake-up the scheduler asked for.
struct SchedulerEvent {
  enum Kind : uint8_t { kRunDue, kReady, kPass, kRetry, kTrigger, kReschedule } kind;
  uint32_t id;  ///< run, task instance or DAG
};

class SchedulerHost {
 public:
  virtual ~SchedulerHost() = default;
  /// Call Scheduler::Handle(event) at `t`.
  virtual void Wake(Millis t, SchedulerEvent event) = 0;
  /// From "runnable" to seen by the scheduler's loop (the simulator's hop latency; 0 live).
  virtual Millis HopLatency() = 0;
  /// Any 64-bit value, for the exponential-backoff jitter.
  virtual uint64_t RetryJitter() = 0;
  /// A try of `ti` begins: the scheduler sees it ready (try_number counts from 1).
  virtual void TryReady(uint32_t ti, int try_number) = 0;
  /// The scheduler queued `ti`: run it, then call Scheduler::Finished.
  virtual void Queue(uint32_t ti) = 0;
};

class Scheduler {
 public:
  Scheduler(SchedulerConfig config, SchedulerHost& host);

  /// Adds a run of DAG `dag`; it becomes due at interval.run_after. `previous` is the run whose
  /// task instances its depends_on_past ones wait for (kNone32: none, the first run).
  uint32_t AddRun(uint32_t dag, const RunInterval& interval, bool triggered, uint32_t previous);
  /// Reserves room for this many runs and task instances (speed only).
  void Reserve(size_t runs, size_t task_instances);

  void Handle(SchedulerEvent event, Millis now);
  /// The running try of `ti` ended. A branch task that succeeded follows `follow` (its direct
  /// downstream tasks); a short-circuit task that succeeded skips its descendants when
  /// `skip_downstream` is set.
  /// A failure that another try cannot change (`retryable` false) is not retried.
  void Finished(uint32_t ti, TiState outcome, Millis now,
                const std::vector<uint32_t>* follow = nullptr, bool skip_downstream = false,
                bool retryable = true);

  /// A sensor in reschedule mode did not see its condition: it gives its slot (and pool slots)
  /// back and is queued again at `at`, in the same try (Airflow's up_for_reschedule).
  void Reschedule(uint32_t ti, Millis at, Millis now);

  const std::vector<RunRecord>& runs() const { return runs_; }
  const std::vector<TaskInstanceRecord>& tis() const { return tis_; }
  std::vector<RunRecord> TakeRuns() { return std::move(runs_); }
  std::vector<TaskInstanceRecord> TakeTaskInstances() { return std::move(tis_); }
  const DagPlan& DagOf(uint32_t ti) const { return *config_.dags[runs_[tis_[ti].run].dag]; }
  const TaskPlan& TaskOf(uint32_t ti) const { return DagOf(ti).tasks[tis_[ti].task]; }
  /// Runs not finished yet (due later, waiting, running).
  size_t unfinished_runs() const { return unfinished_runs_; }
  /// Task instances that can never be queued (pool_slots larger than their pool).
  size_t never_queued() const { return admission_.impossible().size(); }

 private:
  struct DagState {
    int active_runs = 0;
    std::deque<uint32_t> waiting_runs;
  };

  uint32_t NewRun(uint32_t dag, const RunInterval& interval, bool triggered, uint32_t previous);
  void RunDue(uint32_t run);
  void StartRun(uint32_t run);
  void AfterChange(uint32_t run);
  void FinishRun(uint32_t run);
  bool PastSatisfied(uint32_t ti) const;
  void RecheckPast(uint32_t run);
  void Runnable(uint32_t ti);
  void Ready(uint32_t ti);
  void RequestPass(Millis t);
  void Pass();
  void Settle(uint32_t ti, TiState outcome, const std::vector<uint32_t>* follow,
              bool skip_downstream);
  Candidate CandidateOf(uint32_t ti) const;
  std::vector<uint32_t> TakeBuffer();
  void GiveBuffer(std::vector<uint32_t>&& b);

  SchedulerConfig config_;
  SchedulerHost& host_;
  AdmissionQueue admission_;
  Millis now_ = 0;
  Millis next_pass_;
  size_t unfinished_runs_ = 0;
  std::vector<RunRecord> runs_;
  std::vector<TaskInstanceRecord> tis_;
  std::vector<DagState> dag_state_;
  std::vector<std::unique_ptr<DagRunState>> run_states_;
  std::vector<uint32_t> prev_run_, next_run_;
  std::vector<std::vector<uint32_t>> waiting_past_;
  std::vector<uint32_t> runnable_, settled_;
  std::vector<std::vector<uint32_t>> spare_;
  std::vector<Candidate> admitted_;
};

}  // namespace dagport::sched
