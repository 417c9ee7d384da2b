#pragma once
/// A DAG compiled for scheduling: the settings Airflow's scheduler reads, resolved to numbers with
/// Airflow's defaults, the dependency lists by index and each task's effective priority weight.
/// Built once per DAG from the IR; the simulator and the runtime both schedule from it.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ir/diagnostic.h"
#include "ir/graph.h"
#include "sched/clock.h"
#include "sched/timetable.h"
#include "sched/trigger_rule.h"

namespace dagport::sched {

enum class WeightRule { kDownstream, kUpstream, kAbsolute };

/// What kind of work a task is, for the default duration model and for what the scheduler does
/// with it without an executor.
enum class TaskKind {
  kEmpty,         ///< DummyOperator/EmptyOperator: set to success by the scheduler, never queued
  kBranch,        ///< follows one of its direct downstream tasks, skips the others
  kShortCircuit,  ///< skips everything downstream when its condition is false
  kSensor,
  kSubDag,
  kOther,
};

struct TaskPlan {
  std::string task_id;
  std::string operator_class;  ///< full class path
  std::string operator_name;   ///< the class name alone ("BashOperator")
  TaskKind kind = TaskKind::kOther;
  TriggerRule trigger_rule = TriggerRule::kAllSuccess;
  std::string pool = "default_pool";
  int pool_slots = 1;
  std::string queue = "default";
  int64_t priority_weight = 1;
  WeightRule weight_rule = WeightRule::kDownstream;
  int64_t priority = 1;  ///< effective weight (priority_weight_total)
  int retries = 0;
  Millis retry_delay = 300 * kSecond;
  bool retry_exponential_backoff = false;
  Millis max_retry_delay = 0;    ///< 0: none (a backoff stops at 24 h all the same)
  Millis execution_timeout = 0;  ///< 0: none
  Millis sla = 0;                ///< 0: none
  bool depends_on_past = false;
  bool wait_for_downstream = false;
  int max_active_tis_per_dag = 0;     ///< 0: unlimited (task_concurrency in 1.x)
  int max_active_tis_per_dagrun = 0;  ///< 0: unlimited
  std::vector<uint32_t> upstream;     ///< direct upstream tasks (indexes into DagPlan::tasks)
  std::vector<uint32_t> downstream;
  const ir::Task* source = nullptr;  ///< the IR task (lives as long as the project)
};

struct DagPlan {
  std::string dag_id;
  std::string file;
  Timetable timetable;
  std::optional<Millis> start_date;
  std::optional<Millis> end_date;
  bool catchup = true;
  int max_active_runs = 16;
  int max_active_tasks = 16;
  Millis dagrun_timeout = 0;  ///< 0: none
  std::vector<TaskPlan> tasks;
  const ir::Dag* source = nullptr;
};

/// Compiles `dag` of `file`. Settings that are not known statically fall back to Airflow's
/// defaults with a DP301 note; a schedule that cannot be known gives DP302 and nullopt.
std::optional<DagPlan> PlanDag(const ir::Dag& dag, const std::string& file,
                               std::vector<ir::Diagnostic>& diagnostics);

/// Fills `priority` of every task from its weight rule (Airflow's priority_weight_total).
/// Returns false when the dependencies have a cycle.
bool ComputePriorities(DagPlan& plan);

/// The kind of an operator class by its path ("...BranchPythonOperator" is a branch); kOther
/// when the name says nothing. Custom classes are resolved through their bases by the caller.
TaskKind KindOfOperator(std::string_view class_path);

}  // namespace dagport::sched
