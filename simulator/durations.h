#pragma once
/// How long a task runs and how it ends: from a durations file a team fills from its history
/// (mean and p95, or samples, keyed "dag_id.task_id", and defaults per operator class), else a
/// default per kind of operator. All sampling goes through the simulation's seeded Random.

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "sched/dag_plan.h"
#include "simulator/random.h"

namespace dagport::simulator {

struct DurationModel {
  double median_s = 60;
  double sigma = 0.5;           ///< of the lognormal; 0 = always the median
  std::vector<double> samples;  ///< when given, a duration is drawn from these instead
  double failure_rate = 0;      ///< chance that a try fails (at the end of its duration)
  double continue_rate = 1;     ///< ShortCircuitOperator: chance its condition is true
  std::optional<int> cpu;       ///< CPU units for ECS (1024 = 1 vCPU)
  std::optional<int> memory_mib;
  std::string source;  ///< "durations file", "operator default BashOperator", ...

  double Sample(Random& random) const;
};

class Durations {
 public:
  /// The built-in defaults only.
  Durations() = default;
  /// Reads a durations file (docs/simulate.md): {"dag.task": {"mean": s, "p95": s} or
  /// {"samples": [...]}, "operators": {"BashOperator": {...}}}. Throws std::runtime_error with
  /// the file's line and column on a mistake.
  static Durations Parse(const std::string& json_text);

  /// The model of `task` of `dag_id`.
  DurationModel For(const std::string& dag_id, const sched::TaskPlan& task) const;

  /// Keys of the file that matched no task (reported, so that typos are seen).
  std::vector<std::string> UnusedKeys(const std::vector<std::string>& task_keys) const;

 private:
  std::unordered_map<std::string, DurationModel> tasks_;
  std::unordered_map<std::string, DurationModel> operators_;
};

}  // namespace dagport::simulator
