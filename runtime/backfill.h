#pragma once
/// The dates of a backfill (`dagport run --start ... --end ...`): a DAG's scheduled logical
/// dates in a range, and the date after one (where a backfill run's data interval ends).

#include <optional>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "sched/clock.h"
#include "sched/dag_plan.h"

namespace dagport::runtime {

/// The scheduled logical dates of `dag` from `start` to `end` (both included), in order; empty
/// with `error` set when its schedule has no dates (None, @once, @continuous) or cannot be read.
std::vector<sched::Millis> ScheduledDates(const ir::Dag& dag, sched::Millis start,
                                          sched::Millis end, std::string* error);

/// The scheduled date after `t` (a cron fire or a timedelta step); nullopt when none.
std::optional<sched::Millis> NextDate(const sched::DagPlan& plan, sched::Millis t);

/// The scheduled date before `t`; nullopt when none.
std::optional<sched::Millis> PreviousDate(const sched::DagPlan& plan, sched::Millis t);

/// The dates a run's templates see (Airflow 2.2+'s get_template_context).
struct RunDates {
  sched::Millis interval_start = 0, interval_end = 0;
  sched::Millis prev_logical = 0, next_logical = 0;
};

/// A scheduled or backfill run of logical date `t`: the interval from `t` to the next date;
/// prev_ds and next_ds are the scheduled dates around it.
RunDates ScheduledRunDates(const sched::DagPlan& plan, sched::Millis t);

/// A manual run at `t` (`dagport run --date`, `airflow dags trigger`): the last whole interval
/// before it, as the timetable's infer_manual_data_interval gives it (a cron schedule: from the
/// fire before the last fire at or before `t` to that fire; a timedelta: the step ending at `t`;
/// no schedule: `t` alone); prev_ds and next_ds are its own date.
RunDates ManualRunDates(const sched::DagPlan& plan, sched::Millis t);

}  // namespace dagport::runtime
