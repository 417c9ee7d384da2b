#include "sched/trigger_rule.h"

#include <array>
#include <utility>

namespace dagport::sched {

namespace {

constexpr std::array<std::pair<std::string_view, TriggerRule>, 13> kNames = {{
    {"all_success", TriggerRule::kAllSuccess},
    {"all_failed", TriggerRule::kAllFailed},
    {"all_done", TriggerRule::kAllDone},
    {"all_skipped", TriggerRule::kAllSkipped},
    {"one_success", TriggerRule::kOneSuccess},
    {"one_failed", TriggerRule::kOneFailed},
    {"one_done", TriggerRule::kOneDone},
    {"none_failed", TriggerRule::kNoneFailed},
    {"none_failed_min_one_success", TriggerRule::kNoneFailedMinOneSuccess},
    {"none_skipped", TriggerRule::kNoneSkipped},
    {"always", TriggerRule::kAlways},
    // Airflow 1.10 spellings, renamed in 2.x (BaseOperator converts them with a warning).
    {"dummy", TriggerRule::kAlways},
    {"none_failed_or_skipped", TriggerRule::kNoneFailedMinOneSuccess},
}};

}  // namespace

std::optional<TriggerRule> ParseTriggerRule(std::string_view name) {
  for (const auto& [text, rule] : kNames) {
    if (text == name) return rule;
  }
  return std::nullopt;
}

std::string_view TriggerRuleName(TriggerRule rule) {
  for (const auto& [text, r] : kNames) {
    if (r == rule) return text;
  }
  return "all_success";
}

TriggerDecision Decide(TriggerRule rule, const UpstreamCounts& up) {
  using D = TriggerDecision;
  if (up.total == 0) return D::kRun;  // a task without upstream tasks is never held back
  const int failed = up.failed + up.upstream_failed;
  const bool all_done = up.done() == up.total;
  switch (rule) {
    case TriggerRule::kAlways: return D::kRun;
    case TriggerRule::kAllSuccess:
      if (failed > 0) return D::kUpstreamFailed;
      if (up.skipped > 0) return D::kSkip;
      return up.success == up.total ? D::kRun : D::kWait;
    case TriggerRule::kAllFailed:
      if (up.success + up.skipped > 0) return D::kSkip;
      return failed == up.total ? D::kRun : D::kWait;
    case TriggerRule::kAllDone: return all_done ? D::kRun : D::kWait;
    case TriggerRule::kAllSkipped:
      if (up.success + failed > 0) return D::kSkip;
      return up.skipped == up.total ? D::kRun : D::kWait;
    case TriggerRule::kOneSuccess:
      if (up.success > 0) return D::kRun;
      if (!all_done) return D::kWait;
      return up.skipped == up.total ? D::kSkip : D::kUpstreamFailed;
    case TriggerRule::kOneFailed:
      if (failed > 0) return D::kRun;
      return all_done ? D::kSkip : D::kWait;
    case TriggerRule::kOneDone:
      if (up.success + up.failed > 0) return D::kRun;
      return all_done ? D::kSkip : D::kWait;
    case TriggerRule::kNoneFailed:
      if (failed > 0) return D::kUpstreamFailed;
      return all_done ? D::kRun : D::kWait;
    case TriggerRule::kNoneFailedMinOneSuccess:
      if (failed > 0) return D::kUpstreamFailed;
      if (!all_done) return D::kWait;
      if (up.total > 0 && up.skipped == up.total) return D::kSkip;
      return D::kRun;
    case TriggerRule::kNoneSkipped:
      if (up.skipped > 0) return D::kSkip;
      return all_done ? D::kRun : D::kWait;
  }
  return D::kWait;
}

}  // namespace dagport::sched
