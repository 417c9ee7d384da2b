#pragma once
/// One DAG run on this machine: sched::Scheduler on the real clock, every try in its own
/// sandbox, state in SQLite, logs in Airflow's layout. Running the same DAG and date again
/// continues the run: tasks that succeeded are not run again.

#include <iosfwd>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "runtime/run_observer.h"
#include "runtime/sandbox.h"
#include "runtime/state_store.h"
#include "sched/clock.h"

namespace dagport::runtime {

struct LocalRunOptions {
  sched::Millis logical_date = 0;
  /// "manual" (a triggered run: its data interval is the last whole one before it, inferred
  /// from the timetable) or "backfill" (a scheduled date: the interval runs to the next one).
  std::string run_type = "manual";
  unsigned jobs = 4;  ///< tries running at once (parallelism)
  Isolation isolation = Isolation::kProcess;
  std::string home;  ///< logs/ and work/ go below it
  bool simulate_unsupported = false;
  /// Per try: the memory of its process tree (a cgroup) or of each process (RLIMIT_AS, where
  /// cgroups cannot be used); 0 none.
  size_t memory_limit_mb = 0;
  /// Per try: the processes of its tree (a cgroup's pids.max; else RLIMIT_NPROC above what the
  /// user already runs); 0 none.
  size_t max_processes = 0;
  bool allow_network = false;  ///< tasks may reach the network
  /// Where container tasks' environments are built and kept; "" is <home>/envs.
  std::string env_cache;
  std::ostream* progress = nullptr;     ///< one line per event; nullptr: quiet
  bool live_status = false;             ///< one status line rewritten in place instead (a terminal)
  std::vector<RunObserver*> observers;  ///< metrics and event files
  /// Folders Python callables import from (the DAG folder, plugins).
  std::vector<std::string> python_path;
};

struct TaskSummary {
  std::string task_id;
  std::string state;
  int tries = 0;
  double seconds = 0;  ///< of the last try
  std::string note;    ///< why it failed, or "not run again", or "simulated"
};

struct LocalRunResult {
  std::string run_id;
  bool success = false;
  bool resumed = false;
  std::vector<TaskSummary> tasks;
  std::string log_dir;
};

/// Runs `dag` of `file`; throws std::runtime_error when the DAG cannot be run at all (its
/// schedule or settings cannot be planned).
LocalRunResult RunLocally(const ir::Dag& dag, const std::string& file, StateStore& state,
                          const LocalRunOptions& options);

}  // namespace dagport::runtime
