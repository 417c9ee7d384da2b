#pragma once
/// The scheduler's host for one local DAG run (RunLocally): the scheduler's wake-ups on the real
/// clock, and the tries it queues launched as sandboxed processes and reaped when they exit,
/// their outcome, logs and XComs recorded in the state file. Launching a try (SafeLaunch,
/// Launch, PastBlocks) is in runtime/local_host_launch.cc; the rest in runtime/local_host.cc.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <queue>
#include <string>
#include <utility>
#include <vector>

#include "runtime/backfill.h"
#include "runtime/cgroup_limits.h"
#include "runtime/container_environments.h"
#include "runtime/local_run.h"
#include "runtime/sensor.h"
#include "runtime/workspace_pool.h"
#include "sched/scheduler.h"

namespace dagport::runtime {

/// The real clock: UTC milliseconds since the epoch.
sched::Millis WallNow();

/// The scheduler's host on the real clock: wake-ups in a heap, tries as sandboxed processes.
class LocalHost : public sched::SchedulerHost {
 public:
  LocalHost(const sched::DagPlan& plan, const ir::Dag& dag, StateStore& state,
            const LocalRunOptions& options, std::string run_id);

  /// The cgroups of the tries, made at the first try with a limit; null when cgroups cannot be
  /// used here: the limits are then rlimits (RLIMIT_AS per process; RLIMIT_NPROC counts all of
  /// the user's processes, so it is set that many above what the user runs now). The run says
  /// which, once.
  CgroupLimits* Limits();

  void Attach(sched::Scheduler* scheduler) { scheduler_ = scheduler; }

  /// Builds (or finds in the cache) the environment of every container task still to run,
  /// before the run starts: a try then only mounts it.
  void PrepareEnvironments();
  void SetPythonRunner(std::string runner) { runner_ = std::move(runner); }

  // sched::SchedulerHost
  void Wake(sched::Millis t, sched::SchedulerEvent e) override { wakes_.push({t, seq_++, e}); }
  sched::Millis HopLatency() override { return 0; }
  uint64_t RetryJitter() override;
  void TryReady(uint32_t ti, int try_number) override;
  void Queue(uint32_t ti) override { SafeLaunch(ti); }

  /// Runs until the run finishes.
  void Loop();

  /// Sleeps up to `wait` ms, waking as soon as a running try's process exits.
  void WaitForAnExit(sched::Millis wait);

  std::map<uint32_t, TaskSummary> summaries;
  const std::string& log_dir() const { return log_dir_; }

  /// Removes the unused workspaces (empty folders) when the run ends.
  void RemoveFreeWorkspaces() { workspaces_.RemoveFreeWorkspaces(); }

 private:
  struct Wakeup {
    sched::Millis t;
    uint64_t seq;
    sched::SchedulerEvent event;
    bool operator>(const Wakeup& o) const { return t != o.t ? t > o.t : seq > o.seq; }
  };
  struct Running {
    uint32_t ti;
    Sandboxed process;
    sched::Millis started;
    sched::Millis deadline;  ///< 0: none
    std::string log;
    bool push_xcom;
    std::vector<int> skip_exit_codes;
    bool timed_out = false;
    std::vector<std::string> secrets;  ///< masked in the log when the try ends
    std::string xcom_file;             ///< a Python callable's return value (JSON)
    std::filesystem::path workspace;
    std::string cgroup;        ///< its cgroup (CgroupLimits), when limits are enforced by cgroups
    std::string memory_limit;  ///< what its cgroup's memory limit comes from, for the summary
  };

  /// A sensor's poke did not see its condition: poke again after poke_interval, or end it
  /// when its timeout has passed since the first poke (skipped with soft_fail).
  void PokeAgain(uint32_t ti, const std::string& seen);
  /// A sensor's end: a timeout is not retried (AirflowSensorTimeout), a failure may be.
  /// With soft_fail, a failure (a failed state seen, not only a timeout) skips the task.
  void EndSensor(uint32_t ti, sched::TiState outcome, const std::string& note,
                 bool retryable = true);
  void Note(uint32_t ti, const std::string& state, const std::string& note);
  void Finish(uint32_t ti, sched::TiState outcome, const std::string& note,
              const std::vector<uint32_t>* follow = nullptr, bool skip_downstream = false,
              bool retryable = true);
  /// Launch, with anything unexpected (a value that cannot be written as JSON, a file that
  /// cannot be read) failing this try rather than ending the run half-way.
  void SafeLaunch(uint32_t ti);
  void Launch(uint32_t ti);
  void Reap();
  /// Why depends_on_past (and wait_for_downstream) holds `task` back, from the previous run's
  /// task instances; empty when it may run. A task the previous run did not have may run, as
  /// in Airflow.
  std::string PastBlocks(const sched::TaskPlan& task) const;
  void Timeouts();

  std::map<uint32_t, SensorSpec> sensors_;                 ///< sensors poking, by task instance
  std::map<uint32_t, sched::Millis> first_poke_;           ///< when each one first poked
  std::vector<std::pair<sched::Millis, uint32_t>> pokes_;  ///< pokes due: (when, task instance)

  const sched::DagPlan& plan_;
  const ir::Dag& dag_;
  StateStore& state_;
  const LocalRunOptions& options_;
  std::string run_id_;
  std::string key_;  ///< the run's key in the state file: dag_id/run_id
  std::string log_dir_;
  sched::Scheduler* scheduler_ = nullptr;
  std::string runner_;
  ContainerLayout layout_;
  std::map<std::string, PreparedContainer> containers_;  ///< by task id, PrepareEnvironments
  std::vector<std::string> template_folders_;   ///< where template files (.sh) are looked up
  std::vector<std::string> airflow_variables_;  ///< AIRFLOW_VAR_*, AIRFLOW_CONN_* (NAME=value)
  std::unique_ptr<CgroupLimits> cgroups_;       ///< null: limits by rlimits, or none
  bool limits_known_ = false;                   ///< whether Limits() has looked
  size_t process_rlimit_ = 0;                   ///< RLIMIT_NPROC without cgroups
  uint64_t cgroup_tries_ = 0;
  RunDates dates_;            ///< the run's data interval, prev_ds and next_ds
  std::string previous_run_;  ///< the DAG's previous run in the state file
  std::map<std::string, std::string> previous_states_;  ///< its task instances' states
  std::filesystem::path work_dir_;  ///< where this run's workspaces are (absolute)
  std::string home_dir_;            ///< dagport's home (absolute), hidden from tries
  bool hide_home_ = true;
  WorkspacePool workspaces_;  ///< empty workspaces of earlier tries, to use again
  std::priority_queue<Wakeup, std::vector<Wakeup>, std::greater<>> wakes_;
  uint64_t seq_ = 0;
  std::map<uint32_t, int> tries_;
  std::map<std::string, std::string> done_before_;  ///< task id -> success or skipped
  std::map<std::string, int> previous_tries_;
  std::vector<Running> running_;
};

}  // namespace dagport::runtime
