#pragma once
/// Airflow 2's trigger rules as one table: when a task whose upstream tasks have reached some
/// states may run, must wait, or is settled without running (skipped or upstream_failed).
/// Semantics of `airflow/ti_deps/deps/trigger_rule_dep.py` (2.10), with `flag_upstream_failed`.

#include <optional>
#include <string_view>

namespace dagport::sched {

enum class TriggerRule {
  kAllSuccess,
  kAllFailed,
  kAllDone,
  kAllSkipped,
  kOneSuccess,
  kOneFailed,
  kOneDone,
  kNoneFailed,
  kNoneFailedMinOneSuccess,
  kNoneSkipped,
  kAlways,
};

/// The rule named `name`, accepting Airflow 1.10's spellings (`dummy` → always,
/// `none_failed_or_skipped` → none_failed_min_one_success); nullopt for an unknown name.
std::optional<TriggerRule> ParseTriggerRule(std::string_view name);
std::string_view TriggerRuleName(TriggerRule rule);

/// How many direct upstream task instances are in each settled state.
struct UpstreamCounts {
  int total = 0;
  int success = 0;
  int skipped = 0;
  int failed = 0;
  int upstream_failed = 0;
  int done() const { return success + skipped + failed + upstream_failed; }
};

enum class TriggerDecision {
  kWait,            ///< not yet decidable
  kRun,             ///< the task may be scheduled
  kSkip,            ///< the task is set to skipped without running
  kUpstreamFailed,  ///< the task is set to upstream_failed without running
};

/// What the rule decides for a task with these upstream counts.
TriggerDecision Decide(TriggerRule rule, const UpstreamCounts& up);

}  // namespace dagport::sched
