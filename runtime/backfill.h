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

}  // namespace dagport::runtime
