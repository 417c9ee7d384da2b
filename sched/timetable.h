#pragma once
/// When a DAG runs: Airflow 2's timetables for the schedules 1.x DAGs write (cron expressions and
/// presets, timedelta, `@once`, `None`), and the data intervals they produce over a horizon.

#include <optional>
#include <string>
#include <vector>

#include "ir/cron.h"
#include "ir/graph.h"
#include "sched/clock.h"

namespace dagport::sched {

enum class ScheduleKind {
  kCron,        ///< CronDataIntervalTimetable: the run for [fire, next fire) starts at next fire
  kDelta,       ///< DeltaDataIntervalTimetable (timedelta, and 1.x's default of one day)
  kOnce,        ///< "@once": one run at start_date
  kNone,        ///< None: only triggered runs
  kContinuous,  ///< "@continuous": a new run as soon as the previous one ends
};

struct Timetable {
  ScheduleKind kind = ScheduleKind::kNone;
  ir::CronSchedule cron;
  Millis delta = 0;
  std::string text;  ///< the schedule as written ("0 2 * * *", "timedelta(days=1)", "None")
};

/// The timetable of a DAG; nullopt and `error` set when the schedule cannot be known statically
/// (an unresolved expression, an invalid cron string, a non-positive timedelta).
std::optional<Timetable> TimetableOf(const ir::Dag& dag, std::string* error);

/// One scheduled DAG run: its data interval and when the scheduler creates it.
struct RunInterval {
  Millis logical_date = 0;  ///< data_interval_start (execution_date in 1.x)
  Millis run_after = 0;     ///< data_interval_end: the run is created at this time
};

/// The first cron fire time strictly after `t`; nullopt when none comes within eight years.
std::optional<Millis> NextCronFire(const ir::CronSchedule& cron, Millis t);

/// The last cron fire time strictly before `t`; nullopt when none came within eight years.
std::optional<Millis> PreviousCronFire(const ir::CronSchedule& cron, Millis t);

/// Which runs to create over the horizon [from, to).
struct RunWindow {
  Millis from = 0;
  Millis to = 0;
  /// The DAG's start_date; unknown (days_ago(1)): the DAG has long been running.
  std::optional<Millis> start_date;
  std::optional<Millis> end_date;
  /// The DAG is switched on at `from`: with catchup every interval since start_date that ended
  /// before `from` runs at `from` too (at most `max_catchup_runs`); without catchup only the
  /// latest. When false, the horizon is a steady-state slice: only runs due within it.
  bool switched_on_at_from = false;
  bool catchup = true;
  size_t max_catchup_runs = 1000;
};

/// The runs of `timetable` in `window`, in logical-date order. `@continuous` yields the first run
/// only (the next one is created when it ends).
std::vector<RunInterval> RunsIn(const Timetable& timetable, const RunWindow& window);

}  // namespace dagport::sched
