#include "sched/retry_policy.h"

#include <algorithm>
#include <cmath>

namespace dagport::sched {

Millis RetryDelay(const TaskPlan& task, int try_number, uint64_t jitter) {
  // taskinstance.py next_retry_datetime(): a plain retry_delay is used as written; only the
  // backoff is bounded, by core.max_task_retry_delay (24 h) and then by max_retry_delay.
  if (!task.retry_exponential_backoff) return task.retry_delay;
  const Millis cap = task.max_retry_delay > 0 ? std::min(task.max_retry_delay, kDay) : kDay;
  // Seconds, doubled per try, plus jitter in [0, min_backoff).
  const double seconds =
      static_cast<double>(task.retry_delay) / 1000.0 * std::pow(2.0, std::max(0, try_number - 1));
  const int64_t min_backoff =
      std::max<int64_t>(1, static_cast<int64_t>(std::ceil(std::min(seconds, 1e12))));
  const int64_t delay =
      min_backoff + static_cast<int64_t>(jitter % static_cast<uint64_t>(min_backoff));
  return std::min(delay * kSecond, cap);
}

}  // namespace dagport::sched
