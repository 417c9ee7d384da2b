#include "runtime/backfill.h"

#include <fmt/format.h>

#include "sched/timetable.h"

namespace dagport::runtime {

using sched::Millis;

std::optional<Millis> NextDate(const sched::DagPlan& plan, Millis t) {
  if (plan.timetable.kind == sched::ScheduleKind::kCron)
    return sched::NextCronFire(plan.timetable.cron, t);
  if (plan.timetable.kind == sched::ScheduleKind::kDelta) return t + plan.timetable.delta;
  return std::nullopt;
}

std::optional<Millis> PreviousDate(const sched::DagPlan& plan, Millis t) {
  if (plan.timetable.kind == sched::ScheduleKind::kCron)
    return sched::PreviousCronFire(plan.timetable.cron, t);
  if (plan.timetable.kind == sched::ScheduleKind::kDelta) return t - plan.timetable.delta;
  return std::nullopt;
}

RunDates ScheduledRunDates(const sched::DagPlan& plan, Millis t) {
  RunDates d{t, t, t - sched::kDay, t};
  d.interval_end = d.next_logical = NextDate(plan, t).value_or(t);
  if (auto previous = PreviousDate(plan, t)) d.prev_logical = *previous;
  return d;
}

RunDates ManualRunDates(const sched::DagPlan& plan, Millis t) {
  RunDates d{t, t, t, t};
  if (plan.timetable.kind == sched::ScheduleKind::kCron) {
    // The last fire at or before t ends the interval; the fire before it starts it.
    if (auto end = sched::PreviousCronFire(plan.timetable.cron, t + 1)) {
      d.interval_end = *end;
      d.interval_start = sched::PreviousCronFire(plan.timetable.cron, *end).value_or(*end);
    }
  } else if (plan.timetable.kind == sched::ScheduleKind::kDelta) {
    d.interval_start = t - plan.timetable.delta;
  }
  return d;
}

std::vector<Millis> ScheduledDates(const ir::Dag& dag, Millis start, Millis end,
                                   std::string* error) {
  std::vector<ir::Diagnostic> diagnostics;
  auto plan = sched::PlanDag(dag, "", diagnostics);
  if (!plan) {
    *error = diagnostics.empty() ? "its schedule cannot be read" : diagnostics.back().message;
    return {};
  }
  const sched::Timetable& timetable = plan->timetable;
  if (timetable.kind != sched::ScheduleKind::kCron &&
      timetable.kind != sched::ScheduleKind::kDelta) {
    *error = fmt::format("its schedule ({}) has no dates to backfill: run one with --date",
                         timetable.text.empty() ? "None" : timetable.text);
    return {};
  }
  // The first date at or after start: the next cron fire, or a whole number of steps from
  // start_date (a timedelta schedule counts from it).
  std::optional<Millis> date;
  if (timetable.kind == sched::ScheduleKind::kCron) {
    date = sched::NextCronFire(timetable.cron, start - 1);
  } else {
    const Millis anchor = plan->start_date.value_or(start);
    const Millis steps =
        start <= anchor ? 0 : (start - anchor + timetable.delta - 1) / timetable.delta;
    date = anchor + steps * timetable.delta;
  }
  constexpr size_t kLimit = 10000;
  std::vector<Millis> dates;
  for (; date && *date <= end; date = NextDate(*plan, *date)) {
    if (plan->start_date && *date < *plan->start_date) continue;
    if (plan->end_date && *date > *plan->end_date) break;
    if (dates.size() == kLimit) {
      *error = fmt::format("more than {} scheduled dates: backfill a shorter range", kLimit);
      return {};
    }
    dates.push_back(*date);
  }
  return dates;
}

}  // namespace dagport::runtime
