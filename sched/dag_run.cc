#include "sched/dag_run.h"

#include <algorithm>
#include <array>

namespace dagport::sched {

std::string_view TiStateName(TiState s) {
  static constexpr std::array<std::string_view, 10> kNames = {
      "none",    "scheduled", "queued",  "running",         "up_for_retry",
      "success", "failed",    "skipped", "upstream_failed", "up_for_reschedule"};
  return kNames[static_cast<size_t>(s)];
}

bool IsSettled(TiState s) {
  return s == TiState::kSuccess || s == TiState::kFailed || s == TiState::kSkipped ||
         s == TiState::kUpstreamFailed;
}

DagRunState::DagRunState(const DagPlan& plan)
    : plan_(plan),
      state_(plan.tasks.size(), TiState::kNone),
      counts_(plan.tasks.size()),
      unsettled_(plan.tasks.size()) {
  for (size_t i = 0; i < plan.tasks.size(); ++i)
    counts_[i].total = static_cast<int>(plan.tasks[i].upstream.size());
}

void DagRunState::Start(std::vector<uint32_t>& runnable, std::vector<uint32_t>& settled) {
  // Every task is evaluated, not only the roots: `always` needs no upstream task to settle.
  // Every other rule waits while no upstream task is done.
  for (uint32_t i = 0; i < plan_.tasks.size(); ++i) {
    if (state_[i] == TiState::kNone) Evaluate(i, runnable, settled);
  }
}

void DagRunState::Evaluate(uint32_t task, std::vector<uint32_t>& runnable,
                           std::vector<uint32_t>& settled) {
  work_.clear();
  Consider(task, work_, runnable, settled);
  Drain(work_, runnable, settled);
}

void DagRunState::Consider(uint32_t task, Work& work, std::vector<uint32_t>& runnable,
                           std::vector<uint32_t>& settled) {
  if (state_[task] != TiState::kNone) return;
  switch (Decide(plan_.tasks[task].trigger_rule, counts_[task])) {
    case TriggerDecision::kWait: return;
    case TriggerDecision::kRun:
      state_[task] = TiState::kScheduled;
      runnable.push_back(task);
      return;
    case TriggerDecision::kSkip:
      work.emplace_back(task, TiState::kSkipped);
      settled.push_back(task);
      return;
    case TriggerDecision::kUpstreamFailed:
      work.emplace_back(task, TiState::kUpstreamFailed);
      settled.push_back(task);
      return;
  }
}

void DagRunState::Drain(Work& work, std::vector<uint32_t>& runnable,
                        std::vector<uint32_t>& settled) {
  // Iterative: a skip can travel down a chain of thousands of tasks.
  while (!work.empty()) {
    const auto [t, o] = work.back();
    work.pop_back();
    if (IsSettled(state_[t])) continue;
    state_[t] = o;
    --unsettled_;
    for (uint32_t d : plan_.tasks[t].downstream) {
      UpstreamCounts& c = counts_[d];
      switch (o) {
        case TiState::kSuccess: ++c.success; break;
        case TiState::kSkipped: ++c.skipped; break;
        case TiState::kFailed: ++c.failed; break;
        default: ++c.upstream_failed; break;
      }
      Consider(d, work, runnable, settled);
    }
  }
}

void DagRunState::Settle(uint32_t task, TiState outcome, std::vector<uint32_t>& runnable,
                         std::vector<uint32_t>& settled) {
  work_.clear();
  work_.emplace_back(task, outcome);
  Drain(work_, runnable, settled);
}

void DagRunState::Finish(uint32_t task, TiState outcome, std::vector<uint32_t>& runnable,
                         std::vector<uint32_t>& settled) {
  Settle(task, outcome, runnable, settled);
}

void DagRunState::FinishBranch(uint32_t task, const std::vector<uint32_t>& follow,
                               std::vector<uint32_t>& runnable, std::vector<uint32_t>& settled) {
  // skip_all_except keeps the followed tasks and everything downstream of them: in
  // `branch >> task1 >> join` with `branch >> join`, following task1 does not skip join.
  std::vector<bool> kept(plan_.tasks.size(), false);
  std::vector<uint32_t> stack(follow);
  while (!stack.empty()) {
    const uint32_t k = stack.back();
    stack.pop_back();
    if (kept[k]) continue;
    kept[k] = true;
    for (uint32_t e : plan_.tasks[k].downstream) stack.push_back(e);
  }
  for (uint32_t d : plan_.tasks[task].downstream) {
    if (kept[d]) continue;
    if (state_[d] != TiState::kNone) continue;
    Settle(d, TiState::kSkipped, runnable, settled);
    settled.push_back(d);
  }
  Settle(task, TiState::kSuccess, runnable, settled);
}

void DagRunState::FinishShortCircuit(uint32_t task, std::vector<uint32_t>& runnable,
                                     std::vector<uint32_t>& settled) {
  // Airflow 2.3+ (ignore_downstream_trigger_rules=True) skips every descendant, whatever its
  // trigger rule.
  std::vector<uint32_t> stack(plan_.tasks[task].downstream);
  std::vector<bool> seen(plan_.tasks.size(), false);
  while (!stack.empty()) {
    const uint32_t d = stack.back();
    stack.pop_back();
    if (seen[d]) continue;
    seen[d] = true;
    for (uint32_t e : plan_.tasks[d].downstream) stack.push_back(e);
    if (state_[d] != TiState::kNone) continue;
    state_[d] = TiState::kSkipped;
    --unsettled_;
    settled.push_back(d);
  }
  Settle(task, TiState::kSuccess, runnable, settled);
}

bool DagRunState::failed() const {
  for (size_t i = 0; i < plan_.tasks.size(); ++i) {
    if (!plan_.tasks[i].downstream.empty()) continue;
    if (state_[i] == TiState::kFailed || state_[i] == TiState::kUpstreamFailed) return true;
  }
  return false;
}

}  // namespace dagport::sched
