#pragma once
/// When a failed try runs again: `retry_delay`, or with `retry_exponential_backoff` Airflow 2's
/// doubling delay with a per-try jitter, capped by core.max_task_retry_delay (24 h) and by
/// `max_retry_delay`.

#include <cstdint>

#include "sched/clock.h"
#include "sched/dag_plan.h"

namespace dagport::sched {

/// Whether a task whose try `try_number` (1-based) just failed gets another try.
inline bool ShouldRetry(const TaskPlan& task, int try_number) {
  return task.retries > 0 && try_number <= task.retries;
}

/// The delay before the next try after try `try_number` failed. `jitter` stands for Airflow's
/// sha1 of "dag_id#task_id#logical_date#try_number": any value spread over 64 bits.
Millis RetryDelay(const TaskPlan& task, int try_number, uint64_t jitter);

}  // namespace dagport::sched
