#pragma once
/// The task-instance states of one DAG run and how a settled task moves its downstream tasks on:
/// trigger rules evaluated as upstream tasks settle, skipped and upstream_failed propagated
/// without running, branches that skip the paths not taken.

#include <cstdint>
#include <utility>
#include <vector>

#include "sched/dag_plan.h"
#include "sched/trigger_rule.h"

namespace dagport::sched {

enum class TiState : uint8_t {
  kNone,  ///< waiting for upstream tasks
  kScheduled,
  kQueued,
  kRunning,
  kUpForRetry,
  kSuccess,
  kFailed,
  kSkipped,
  kUpstreamFailed,
  kUpForReschedule,  ///< a sensor in reschedule mode between pokes: it holds no slot
};

std::string_view TiStateName(TiState s);
bool IsSettled(TiState s);

class DagRunState {
 public:
  explicit DagRunState(const DagPlan& plan);

  /// The tasks runnable when the run starts (no upstream tasks, or rules that need none).
  /// Tasks that settle without running are appended to `settled`.
  void Start(std::vector<uint32_t>& runnable, std::vector<uint32_t>& settled);

  /// Task `task` ended in `outcome` (success, failed or skipped). Downstream tasks that become
  /// runnable are appended to `runnable`; those settled without running (skipped,
  /// upstream_failed), to `settled`.
  void Finish(uint32_t task, TiState outcome, std::vector<uint32_t>& runnable,
              std::vector<uint32_t>& settled);

  /// A branch task succeeded and follows `follow` (direct downstream tasks): the other direct
  /// downstream tasks, unless downstream of a followed one, are skipped, as
  /// `SkipMixin.skip_all_except` does.
  void FinishBranch(uint32_t task, const std::vector<uint32_t>& follow,
                    std::vector<uint32_t>& runnable, std::vector<uint32_t>& settled);

  /// A short-circuit task found its condition false: every downstream task is skipped.
  void FinishShortCircuit(uint32_t task, std::vector<uint32_t>& runnable,
                          std::vector<uint32_t>& settled);

  void Set(uint32_t task, TiState s) { state_[task] = s; }
  TiState state(uint32_t task) const { return state_[task]; }
  bool done() const { return unsettled_ == 0; }
  /// A finished run failed when a leaf task failed or was upstream_failed (Airflow 2).
  bool failed() const;

 private:
  void Settle(uint32_t task, TiState outcome, std::vector<uint32_t>& runnable,
              std::vector<uint32_t>& settled);
  using Work = std::vector<std::pair<uint32_t, TiState>>;  ///< tasks to settle, and how
  void Evaluate(uint32_t task, std::vector<uint32_t>& runnable, std::vector<uint32_t>& settled);
  /// Applies `task`'s trigger rule: marks it runnable, or queues it in `work` to be settled.
  void Consider(uint32_t task, Work& work, std::vector<uint32_t>& runnable,
                std::vector<uint32_t>& settled);
  void Drain(Work& work, std::vector<uint32_t>& runnable, std::vector<uint32_t>& settled);

  const DagPlan& plan_;
  std::vector<TiState> state_;
  std::vector<UpstreamCounts> counts_;
  size_t unsettled_;
  Work work_;  ///< reused by Settle and Evaluate (they never nest)
};

}  // namespace dagport::sched
